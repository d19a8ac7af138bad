-- The plan model: actions, initiatives and their timeline, organisations as
-- partners, municipalities and primary care zones, and the audit log.
--
-- Progress vocabulary (shared by actions, initiatives and progress updates):
-- planned 0, inProgress 50, delayed 50, completed 100, dropped (left out of
-- roll-ups). An explicit progress wins over the status default.

CREATE FUNCTION status_default_progress(status text) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE status
        WHEN 'planned' THEN 0
        WHEN 'inProgress' THEN 50
        WHEN 'delayed' THEN 50
        WHEN 'completed' THEN 100
        ELSE NULL
    END;

ALTER TABLE plans
    ADD CONSTRAINT plans_status_check CHECK (status IN ('draft', 'active', 'closed')),
    ADD CONSTRAINT plans_code_format CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    ALTER COLUMN status SET DEFAULT 'draft';

ALTER TABLE challenges
    ADD CONSTRAINT challenges_number_range CHECK (number BETWEEN 1 AND 999);

UPDATE organisations SET kind = 'other'
    WHERE kind NOT IN ('localGovernment', 'caw', 'healthInsuranceFund', 'university',
                       'association', 'citizenInitiative', 'government', 'other');
ALTER TABLE organisations
    ADD CONSTRAINT organisations_kind_check CHECK (kind IN ('localGovernment', 'caw',
        'healthInsuranceFund', 'university', 'association', 'citizenInitiative', 'government', 'other'));
CREATE INDEX organisations_region_idx ON organisations (region_id);
CREATE INDEX organisations_name_idx ON organisations (lower(name));

-- Municipalities merge: a municipality is valid from a date and, once merged, to a date.
CREATE TABLE municipalities (
    nis_code      text PRIMARY KEY CHECK (nis_code ~ '^[0-9]{5}$'),
    name          text NOT NULL,
    name_fr       text,
    province_nis  text CHECK (province_nis IN ('10000', '20001', '30000', '40000', '70000')),
    region_id     text NOT NULL REFERENCES regions (id),
    valid_from    date NOT NULL,
    valid_to      date,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT municipalities_valid_period CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX municipalities_region_idx ON municipalities (region_id);

ALTER TABLE organisations
    ADD CONSTRAINT organisations_municipality_fkey FOREIGN KEY (municipality_nis) REFERENCES municipalities (nis_code) NOT VALID;

CREATE TABLE primary_care_zones (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    name        text NOT NULL,
    region_id   text NOT NULL REFERENCES regions (id),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE primary_care_zone_municipalities (
    zone_id    uuid NOT NULL REFERENCES primary_care_zones (id) ON DELETE CASCADE,
    nis_code   text NOT NULL REFERENCES municipalities (nis_code),
    PRIMARY KEY (zone_id, nis_code)
);
CREATE INDEX primary_care_zone_municipalities_nis_idx ON primary_care_zone_municipalities (nis_code);

CREATE TABLE actions (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    plan_id               uuid NOT NULL REFERENCES plans (id),
    code                  text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$'),
    number                integer NOT NULL CHECK (number BETWEEN 1 AND 999),
    title                 text NOT NULL,
    description           text NOT NULL DEFAULT '',
    origin                text NOT NULL DEFAULT 'plan' CHECK (origin IN ('plan', 'regionalProposal')),
    proposed_by_region_id text REFERENCES regions (id),
    status                text NOT NULL DEFAULT 'planned'
                          CHECK (status IN ('planned', 'inProgress', 'delayed', 'completed', 'dropped')),
    progress              smallint CHECK (progress BETWEEN 0 AND 100),
    effective_progress    smallint GENERATED ALWAYS AS (COALESCE(progress, status_default_progress(status))) STORED,
    weight                double precision NOT NULL DEFAULT 1 CHECK (weight >= 0 AND weight <= 1000),
    start_date            date,
    end_date              date,
    last_progress_on      date,
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plan_id, code),
    UNIQUE (plan_id, number),
    UNIQUE (id, plan_id),
    CONSTRAINT actions_proposal_region CHECK ((origin = 'regionalProposal') = (proposed_by_region_id IS NOT NULL)),
    CONSTRAINT actions_period CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);

CREATE TABLE action_challenges (
    action_id    uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    challenge_id uuid NOT NULL REFERENCES challenges (id),
    PRIMARY KEY (action_id, challenge_id)
);
CREATE INDEX action_challenges_challenge_idx ON action_challenges (challenge_id);

CREATE TABLE action_leads (
    action_id       uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (action_id, organisation_id)
);
CREATE INDEX action_leads_organisation_idx ON action_leads (organisation_id);

CREATE TABLE initiatives (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    plan_id              uuid NOT NULL,
    action_id            uuid NOT NULL,
    code                 text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$'),
    title                text NOT NULL,
    description          text NOT NULL DEFAULT '',
    lead_organisation_id uuid NOT NULL REFERENCES organisations (id),
    primary_care_zone_id uuid REFERENCES primary_care_zones (id),
    status               text NOT NULL DEFAULT 'planned'
                         CHECK (status IN ('planned', 'inProgress', 'delayed', 'completed', 'dropped')),
    progress             smallint CHECK (progress BETWEEN 0 AND 100),
    effective_progress   smallint GENERATED ALWAYS AS (COALESCE(progress, status_default_progress(status))) STORED,
    weight               double precision NOT NULL DEFAULT 1 CHECK (weight >= 0 AND weight <= 1000),
    start_date           date,
    end_date             date,
    external_id          text,
    last_progress_on     date,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (action_id, plan_id) REFERENCES actions (id, plan_id) ON UPDATE CASCADE,
    UNIQUE (plan_id, code),
    CONSTRAINT initiatives_period CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE UNIQUE INDEX initiatives_external_id_key ON initiatives (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX initiatives_action_idx ON initiatives (action_id);
CREATE INDEX initiatives_lead_idx ON initiatives (lead_organisation_id);
CREATE INDEX initiatives_updated_idx ON initiatives (updated_at, id);
CREATE INDEX initiatives_code_idx ON initiatives (code, id);
CREATE INDEX initiatives_zone_idx ON initiatives (primary_care_zone_id);

CREATE TABLE initiative_regions (
    initiative_id uuid NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    region_id     text NOT NULL REFERENCES regions (id),
    PRIMARY KEY (initiative_id, region_id)
);
CREATE INDEX initiative_regions_region_idx ON initiative_regions (region_id, initiative_id);

CREATE TABLE initiative_partners (
    initiative_id   uuid NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (initiative_id, organisation_id)
);
CREATE INDEX initiative_partners_organisation_idx ON initiative_partners (organisation_id, initiative_id);

CREATE TABLE initiative_municipalities (
    initiative_id uuid NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    nis_code      text NOT NULL REFERENCES municipalities (nis_code),
    PRIMARY KEY (initiative_id, nis_code)
);
CREATE INDEX initiative_municipalities_nis_idx ON initiative_municipalities (nis_code, initiative_id);

-- The timeline. Entries are never changed or removed: a correction is a new entry.
CREATE TABLE progress_updates (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    initiative_id uuid REFERENCES initiatives (id),
    action_id     uuid REFERENCES actions (id),
    date          date NOT NULL,
    status        text NOT NULL CHECK (status IN ('planned', 'inProgress', 'delayed', 'completed', 'dropped')),
    progress      smallint CHECK (progress BETWEEN 0 AND 100),
    effective_progress smallint GENERATED ALWAYS AS (COALESCE(progress, status_default_progress(status))) STORED,
    narrative     text NOT NULL DEFAULT '',
    author_id     uuid NOT NULL,
    author_kind   text NOT NULL CHECK (author_kind IN ('user', 'serviceAccount')),
    author_name   text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT progress_updates_one_subject CHECK ((initiative_id IS NULL) <> (action_id IS NULL))
);
CREATE INDEX progress_updates_initiative_idx ON progress_updates (initiative_id, date DESC, created_at DESC) WHERE initiative_id IS NOT NULL;
CREATE INDEX progress_updates_action_idx ON progress_updates (action_id, date DESC, created_at DESC) WHERE action_id IS NOT NULL;

-- Every write through the API, with the fields it changed. Append-only.
CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_id     uuid NOT NULL,
    actor_kind   text NOT NULL CHECK (actor_kind IN ('user', 'serviceAccount')),
    resource     text NOT NULL,
    resource_id  text NOT NULL,
    operation    text NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
    changes      jsonb NOT NULL,
    request_id   text
);
CREATE INDEX audit_log_resource_idx ON audit_log (resource, resource_id, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE FUNCTION refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or removed', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
CREATE TRIGGER progress_updates_append_only BEFORE UPDATE OR DELETE ON progress_updates
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
