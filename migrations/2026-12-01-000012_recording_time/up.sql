-- The moment a write is recorded: the clock, unless the transaction records
-- history at an earlier moment (`ssw.recorded_at`, set with set_config(…,
-- true), so it ends with the transaction). Only the example data set does:
-- it enters its timelines as if they had been written on the days they
-- tell, so that the conferences' as-of snapshots show a plan. The columns the
-- as-of reports read take their default from here.
-- `otherwise` is what the column took before: the transaction's start
-- (now()) or the clock (clock_timestamp()).
CREATE FUNCTION recording_time(otherwise timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT COALESCE(NULLIF(current_setting('ssw.recorded_at', true), '')::timestamptz, otherwise)
$$;

ALTER TABLE challenge_versions ALTER COLUMN recorded_at SET DEFAULT recording_time(clock_timestamp());
ALTER TABLE action_versions ALTER COLUMN recorded_at SET DEFAULT recording_time(clock_timestamp());
ALTER TABLE initiative_versions ALTER COLUMN recorded_at SET DEFAULT recording_time(clock_timestamp());
ALTER TABLE initiatives ALTER COLUMN created_at SET DEFAULT recording_time(now());
ALTER TABLE indicators ALTER COLUMN created_at SET DEFAULT recording_time(now());
ALTER TABLE measurements ALTER COLUMN recorded_at SET DEFAULT recording_time(now());
ALTER TABLE audit_log ALTER COLUMN at SET DEFAULT recording_time(now());
