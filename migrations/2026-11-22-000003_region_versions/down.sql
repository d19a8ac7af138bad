ALTER TABLE regions
    DROP COLUMN version,
    DROP COLUMN created_at,
    DROP COLUMN updated_at;
