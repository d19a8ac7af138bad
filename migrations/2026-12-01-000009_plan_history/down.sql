DROP INDEX measurements_latest_idx;
DROP INDEX measurements_indicator_idx;
DROP TABLE initiative_versions;
DROP TABLE action_versions;
DROP TABLE challenge_versions;
DROP FUNCTION refuse_version_rewrite();
