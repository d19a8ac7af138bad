-- The plan's structure and statuses as recorded at every write: a version of
-- a challenge, an action or an initiative is added in the transaction of each
-- audited write of that record (a removal adds a version marked `deleted`).
-- As-of reports read the latest version recorded before a moment. A version
-- is stamped when it is written (clock time, not the transaction's start), and
-- of two versions of one record the later written has the higher `seq`, since
-- writers of a record hold its row lock. Append-only.

CREATE TABLE challenge_versions (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    challenge_id uuid NOT NULL,
    plan_id      uuid NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    code         text NOT NULL,
    number       integer NOT NULL,
    title        text NOT NULL,
    deleted      boolean NOT NULL DEFAULT false
);
CREATE INDEX challenge_versions_plan_idx
    ON challenge_versions (plan_id, challenge_id, seq DESC);

CREATE TABLE action_versions (
    seq                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action_id          uuid NOT NULL,
    plan_id            uuid NOT NULL,
    recorded_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    code               text NOT NULL,
    number             integer NOT NULL,
    title              text NOT NULL,
    status             text NOT NULL,
    effective_progress smallint,
    weight             double precision NOT NULL,
    challenge_ids      uuid[] NOT NULL,
    last_progress_on   date,
    deleted            boolean NOT NULL DEFAULT false
);
CREATE INDEX action_versions_plan_idx
    ON action_versions (plan_id, action_id, seq DESC);

CREATE TABLE initiative_versions (
    seq                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id      uuid NOT NULL,
    plan_id            uuid NOT NULL,
    action_id          uuid NOT NULL,
    recorded_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    code               text NOT NULL,
    title              text NOT NULL,
    status             text NOT NULL,
    effective_progress smallint,
    weight             double precision NOT NULL,
    region_ids         text[] NOT NULL,
    last_progress_on   date,
    created_at         timestamptz NOT NULL,
    deleted            boolean NOT NULL DEFAULT false
);
CREATE INDEX initiative_versions_plan_idx
    ON initiative_versions (plan_id, initiative_id, seq DESC);

CREATE FUNCTION refuse_version_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER challenge_versions_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON challenge_versions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_version_rewrite();
CREATE TRIGGER action_versions_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON action_versions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_version_rewrite();
CREATE TRIGGER initiative_versions_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON initiative_versions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_version_rewrite();

-- What existed before this history was kept is known as of its last write.
INSERT INTO challenge_versions (challenge_id, plan_id, recorded_at, code, number, title)
SELECT id, plan_id, updated_at, code, number, title FROM challenges;

INSERT INTO action_versions (action_id, plan_id, recorded_at, code, number, title, status,
                             effective_progress, weight, challenge_ids, last_progress_on)
SELECT a.id, a.plan_id, a.updated_at, a.code, a.number, a.title, a.status, a.effective_progress,
       a.weight,
       ARRAY(SELECT c.challenge_id FROM action_challenges c WHERE c.action_id = a.id ORDER BY 1),
       a.last_progress_on
  FROM actions a;

INSERT INTO initiative_versions (initiative_id, plan_id, action_id, recorded_at, code, title, status,
                                 effective_progress, weight, region_ids, last_progress_on, created_at)
SELECT i.id, i.plan_id, i.action_id, i.updated_at, i.code, i.title, i.status, i.effective_progress,
       i.weight,
       ARRAY(SELECT r.region_id FROM initiative_regions r WHERE r.initiative_id = i.id ORDER BY 1),
       i.last_progress_on, i.created_at
  FROM initiatives i;

-- As-of reports read a measurement as recorded then, removed since or not.
CREATE INDEX measurements_indicator_idx ON measurements (indicator_id, period_start);
-- The staleness report looks up each indicator's latest period.
CREATE INDEX measurements_latest_idx ON measurements (indicator_id, period_end DESC) WHERE deleted_at IS NULL;
