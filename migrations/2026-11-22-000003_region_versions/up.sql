-- Regions become reference data an administrator maintains through the API:
-- like every other resource they carry a version for If-Match and audit times.
ALTER TABLE regions
    ADD COLUMN version    integer NOT NULL DEFAULT 1,
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
