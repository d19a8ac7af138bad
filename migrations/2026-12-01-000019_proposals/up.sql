-- Proposals for new actions: put forward for a regional platform, decided by
-- steering. A proposal keeps its current status; every step of its life
-- cycle (submitting, taking under review, a decision, withdrawing) is a
-- transition row that is never changed or removed. A decision that is
-- reconsidered stays, and the new one names it in `supersedes`.
CREATE TABLE proposals (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    plan_id      uuid NOT NULL REFERENCES plans (id),
    region_id    text NOT NULL REFERENCES regions (id),
    title        text NOT NULL,
    rationale    text NOT NULL DEFAULT '',
    status       text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'submitted', 'underReview', 'accepted', 'rejected', 'returned', 'withdrawn')),
    author_ids   uuid[] NOT NULL DEFAULT '{}',
    submitted_at timestamptz,
    example      boolean NOT NULL DEFAULT false,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT recording_time(now()),
    updated_at   timestamptz NOT NULL DEFAULT recording_time(now()),
    CONSTRAINT proposals_submitted CHECK (status IN ('draft', 'withdrawn') OR submitted_at IS NOT NULL)
);
CREATE INDEX proposals_plan_idx ON proposals (plan_id, status);
CREATE INDEX proposals_region_idx ON proposals (region_id);
CREATE INDEX proposals_updated_idx ON proposals (updated_at, id);

CREATE TABLE proposal_challenges (
    proposal_id  uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    challenge_id uuid NOT NULL REFERENCES challenges (id),
    PRIMARY KEY (proposal_id, challenge_id)
);
CREATE INDEX proposal_challenges_challenge_idx ON proposal_challenges (challenge_id);

CREATE TABLE proposal_organisations (
    proposal_id     uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (proposal_id, organisation_id)
);
CREATE INDEX proposal_organisations_organisation_idx ON proposal_organisations (organisation_id);

CREATE TABLE proposal_practices (
    proposal_id uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    practice_id uuid NOT NULL REFERENCES practices (id),
    PRIMARY KEY (proposal_id, practice_id)
);
CREATE INDEX proposal_practices_practice_idx ON proposal_practices (practice_id);

-- Every step of a proposal's life cycle. `decision` marks steering's
-- decisions (accepted, rejected, returned); `seq` numbers the steps of one
-- proposal, so two writers cannot both take the same step.
CREATE TABLE proposal_transitions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    proposal_id  uuid NOT NULL REFERENCES proposals (id),
    seq          integer NOT NULL CHECK (seq > 0),
    from_status  text NOT NULL,
    to_status    text NOT NULL
        CHECK (to_status IN ('submitted', 'underReview', 'accepted', 'rejected', 'returned', 'withdrawn')),
    decision     boolean NOT NULL,
    reason_code  text,
    reason       text NOT NULL DEFAULT '',
    meeting      text,
    meeting_on   date,
    supersedes   uuid UNIQUE REFERENCES proposal_transitions (id),
    actor_id     uuid NOT NULL,
    actor_kind   text NOT NULL CHECK (actor_kind IN ('user', 'serviceAccount', 'system')),
    actor_name   text NOT NULL,
    at           timestamptz NOT NULL DEFAULT recording_time(clock_timestamp()),
    UNIQUE (proposal_id, seq),
    CONSTRAINT proposal_transitions_decision
        CHECK (decision = (to_status IN ('accepted', 'rejected', 'returned'))),
    CONSTRAINT proposal_transitions_reason
        CHECK (to_status NOT IN ('rejected', 'returned') OR (reason_code IS NOT NULL AND reason <> ''))
);
CREATE TRIGGER proposal_transitions_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON proposal_transitions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_version_rewrite();

-- Comments on a proposal by steering and the proposing region. Kept as written.
CREATE TABLE proposal_comments (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    proposal_id uuid NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    body        text NOT NULL,
    author_id   uuid NOT NULL,
    author_kind text NOT NULL CHECK (author_kind IN ('user', 'serviceAccount', 'system')),
    author_name text NOT NULL,
    at          timestamptz NOT NULL DEFAULT recording_time(clock_timestamp())
);
CREATE INDEX proposal_comments_proposal_idx ON proposal_comments (proposal_id, at, id);

-- The action an accepted proposal became, linked from the action.
ALTER TABLE actions ADD COLUMN proposal_id uuid UNIQUE REFERENCES proposals (id);
ALTER TABLE actions ADD CONSTRAINT actions_proposal_origin
    CHECK (proposal_id IS NULL OR origin = 'regionalProposal');

CREATE OR REPLACE VIEW action_details AS
SELECT a.id, a.plan_id, a.code, a.number, a.title, a.description, a.origin,
       a.proposed_by_region_id, a.status, a.progress, a.effective_progress, a.weight,
       a.start_date, a.end_date, a.last_progress_on, a.version, a.created_at, a.updated_at,
       ARRAY(SELECT c.challenge_id FROM action_challenges c JOIN challenges ch ON ch.id = c.challenge_id
             WHERE c.action_id = a.id ORDER BY ch.number) AS challenge_ids,
       ARRAY(SELECT l.organisation_id FROM action_leads l
             WHERE l.action_id = a.id ORDER BY l.organisation_id) AS lead_ids,
       a.example,
       a.proposal_id
FROM actions a;

-- The as-of reports show where an action came from.
ALTER TABLE action_versions ADD COLUMN origin text NOT NULL DEFAULT 'plan';
ALTER TABLE action_versions ADD COLUMN proposal_id uuid;
ALTER TABLE action_versions DISABLE TRIGGER action_versions_append_only;
UPDATE action_versions v SET origin = a.origin FROM actions a WHERE a.id = v.action_id;
ALTER TABLE action_versions ENABLE TRIGGER action_versions_append_only;

CREATE VIEW proposal_details AS
SELECT p.id, p.plan_id, p.region_id, p.title, p.rationale, p.status, p.author_ids,
       p.submitted_at, p.example, p.version, p.created_at, p.updated_at,
       ARRAY(SELECT c.challenge_id FROM proposal_challenges c JOIN challenges ch ON ch.id = c.challenge_id
             WHERE c.proposal_id = p.id ORDER BY ch.number, ch.id) AS challenge_ids,
       ARRAY(SELECT o.organisation_id FROM proposal_organisations o
             WHERE o.proposal_id = p.id ORDER BY 1) AS organisation_ids,
       ARRAY(SELECT x.practice_id FROM proposal_practices x
             WHERE x.proposal_id = p.id ORDER BY 1) AS practice_ids,
       (SELECT a.id FROM actions a WHERE a.proposal_id = p.id) AS action_id,
       (SELECT t.id FROM proposal_transitions t
         WHERE t.proposal_id = p.id AND t.decision ORDER BY t.seq DESC LIMIT 1) AS decision_id,
       (SELECT max(t.seq) FROM proposal_transitions t WHERE t.proposal_id = p.id) AS last_seq
FROM proposals p;
