-- Good practices: documented work to share between the platform and the GBO
-- partnerships, described in the fields practice libraries use. A practice
-- belongs to a regional platform (NULL: Flanders-wide) and may belong to an
-- organisation; those decide who writes and who sees a draft. The records it
-- relates to are link tables: a related record cannot be deleted while a
-- practice names it.
CREATE TABLE practices (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title                text NOT NULL,
    summary              text NOT NULL DEFAULT '',
    body                 text NOT NULL DEFAULT '',
    problem              text NOT NULL DEFAULT '',
    aim                  text NOT NULL DEFAULT '',
    target_groups        text[] NOT NULL DEFAULT '{}',
    approach             text NOT NULL DEFAULT '',
    conditions           text NOT NULL DEFAULT '',
    results              text NOT NULL DEFAULT '',
    evidence_level       text CHECK (evidence_level IN ('described', 'theoryBased', 'indicationsOfEffect', 'effective')),
    evidence_assessed_by text,
    evidence_assessed_on date,
    themes               text[] NOT NULL DEFAULT '{}',
    tags                 text[] NOT NULL DEFAULT '{}',
    region_id            text REFERENCES regions (id),
    organisation_id      uuid REFERENCES organisations (id),
    contact_name         text,
    contact_email        text,
    contact_phone        text,
    status               text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
    published_on         date,
    review_due           date,
    author_ids           uuid[] NOT NULL DEFAULT '{}',
    external_id          text,
    external_source      uuid REFERENCES service_accounts (id),
    example              boolean NOT NULL DEFAULT false,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT practices_published_has_date CHECK (status = 'draft' OR published_on IS NOT NULL),
    CONSTRAINT practices_assessment CHECK (evidence_level IS NOT NULL OR (evidence_assessed_by IS NULL AND evidence_assessed_on IS NULL))
);
CREATE UNIQUE INDEX practices_external_id_key ON practices (external_id, external_source)
    NULLS NOT DISTINCT WHERE external_id IS NOT NULL;
CREATE INDEX practices_status_idx ON practices (status, id);
CREATE INDEX practices_region_idx ON practices (region_id);
CREATE INDEX practices_organisation_idx ON practices (organisation_id);
CREATE INDEX practices_updated_idx ON practices (updated_at, id);
CREATE INDEX practices_themes_idx ON practices USING gin (themes);
CREATE INDEX practices_tags_idx ON practices USING gin (tags);

CREATE TABLE practice_challenges (
    practice_id  uuid NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    challenge_id uuid NOT NULL REFERENCES challenges (id),
    PRIMARY KEY (practice_id, challenge_id)
);
CREATE INDEX practice_challenges_challenge_idx ON practice_challenges (challenge_id, practice_id);

CREATE TABLE practice_regions (
    practice_id uuid NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    region_id   text NOT NULL REFERENCES regions (id),
    PRIMARY KEY (practice_id, region_id)
);
CREATE INDEX practice_regions_region_idx ON practice_regions (region_id, practice_id);

CREATE TABLE practice_municipalities (
    practice_id uuid NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    nis_code    text NOT NULL REFERENCES municipalities (nis_code),
    PRIMARY KEY (practice_id, nis_code)
);
CREATE INDEX practice_municipalities_nis_idx ON practice_municipalities (nis_code, practice_id);

CREATE TABLE practice_organisations (
    practice_id     uuid NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (practice_id, organisation_id)
);
CREATE INDEX practice_organisations_organisation_idx ON practice_organisations (organisation_id, practice_id);

CREATE TABLE practice_initiatives (
    practice_id   uuid NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    initiative_id uuid NOT NULL REFERENCES initiatives (id),
    PRIMARY KEY (practice_id, initiative_id)
);
CREATE INDEX practice_initiatives_initiative_idx ON practice_initiatives (initiative_id, practice_id);

CREATE TABLE practice_gbo_projects (
    practice_id    uuid NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    gbo_project_id uuid NOT NULL REFERENCES gbo_projects (id),
    PRIMARY KEY (practice_id, gbo_project_id)
);
CREATE INDEX practice_gbo_projects_project_idx ON practice_gbo_projects (gbo_project_id, practice_id);

CREATE TABLE practice_actions (
    practice_id uuid NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    action_id   uuid NOT NULL REFERENCES actions (id),
    PRIMARY KEY (practice_id, action_id)
);
CREATE INDEX practice_actions_action_idx ON practice_actions (action_id, practice_id);

-- A practice with its lists, as one relation: a read by id is one statement.
CREATE VIEW practice_details AS
SELECT p.*,
       ARRAY(SELECT c.challenge_id FROM practice_challenges c JOIN challenges ch ON ch.id = c.challenge_id
             WHERE c.practice_id = p.id ORDER BY ch.number, c.challenge_id) AS challenge_ids,
       ARRAY(SELECT r.region_id FROM practice_regions r
             WHERE r.practice_id = p.id ORDER BY r.region_id) AS region_ids,
       ARRAY(SELECT m.nis_code FROM practice_municipalities m
             WHERE m.practice_id = p.id ORDER BY m.nis_code) AS municipality_codes,
       ARRAY(SELECT o.organisation_id FROM practice_organisations o
             WHERE o.practice_id = p.id ORDER BY o.organisation_id) AS organisation_ids,
       ARRAY(SELECT i.initiative_id FROM practice_initiatives i
             WHERE i.practice_id = p.id ORDER BY i.initiative_id) AS initiative_ids,
       ARRAY(SELECT g.gbo_project_id FROM practice_gbo_projects g
             WHERE g.practice_id = p.id ORDER BY g.gbo_project_id) AS gbo_project_ids,
       ARRAY(SELECT a.action_id FROM practice_actions a
             WHERE a.practice_id = p.id ORDER BY a.action_id) AS action_ids
FROM practices p;
