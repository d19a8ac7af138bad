ALTER TABLE audit_log ALTER COLUMN at SET DEFAULT now();
ALTER TABLE measurements ALTER COLUMN recorded_at SET DEFAULT now();
ALTER TABLE indicators ALTER COLUMN created_at SET DEFAULT now();
ALTER TABLE initiatives ALTER COLUMN created_at SET DEFAULT now();
ALTER TABLE initiative_versions ALTER COLUMN recorded_at SET DEFAULT clock_timestamp();
ALTER TABLE action_versions ALTER COLUMN recorded_at SET DEFAULT clock_timestamp();
ALTER TABLE challenge_versions ALTER COLUMN recorded_at SET DEFAULT clock_timestamp();
DROP FUNCTION recording_time(timestamptz);
