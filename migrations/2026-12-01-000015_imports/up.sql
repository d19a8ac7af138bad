-- Imports are jobs kept in the database: what was sent (its SHA-256), how it
-- is to be applied, how far it is, and what became of each row. A job whose
-- runner stopped beating (a server stopped or killed mid-import) is failed by
-- whoever looks next; its rows were written in one transaction with its
-- final state, so nothing of it is half applied.
CREATE TABLE import_jobs (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    resource        text NOT NULL,
    mode            text NOT NULL CHECK (mode IN ('validate', 'commit')),
    atomic          boolean NOT NULL,
    format          text NOT NULL CHECK (format IN ('csv', 'json', 'ndjson')),
    status          text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'partial', 'rejected', 'failed')),
    file_sha256     text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
    file_bytes      bigint NOT NULL CHECK (file_bytes >= 0),
    rows_read       integer NOT NULL DEFAULT 0,
    created         integer NOT NULL DEFAULT 0,
    updated         integer NOT NULL DEFAULT 0,
    unchanged       integer NOT NULL DEFAULT 0,
    rejected        integer NOT NULL DEFAULT 0,
    failure         jsonb,
    owner_id        uuid NOT NULL,
    owner_kind      text NOT NULL,
    idempotency_key text,
    beat_at         timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz
);
CREATE UNIQUE INDEX import_jobs_idempotency_key
    ON import_jobs (owner_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX import_jobs_unfinished ON import_jobs (beat_at) WHERE status IN ('queued', 'running');
CREATE INDEX import_jobs_owner ON import_jobs (owner_id, created_at DESC);

-- One row per record of the file, in the order read.
CREATE TABLE import_rows (
    job_id      uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    record      integer NOT NULL,
    line        integer NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('created', 'updated', 'unchanged', 'rejected')),
    resource_id text,
    issues      jsonb,
    PRIMARY KEY (job_id, record)
);
