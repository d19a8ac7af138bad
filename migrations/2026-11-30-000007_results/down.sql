DROP TABLE measurement_revisions;
DROP FUNCTION refuse_history_rewrite();
DROP TABLE measurements;
DROP TABLE indicators;
DROP TABLE standard_indicators;
DROP TABLE gbo_project_partners;
DROP TABLE gbo_project_municipalities;
DROP TABLE gbo_projects;
DROP TABLE conferences;
ALTER TABLE progress_updates DROP CONSTRAINT progress_updates_author_kind_check;
ALTER TABLE progress_updates ADD CONSTRAINT progress_updates_author_kind_check
    CHECK (author_kind IN ('user', 'serviceAccount')) NOT VALID;
ALTER TABLE initiatives DROP COLUMN example;
ALTER TABLE actions DROP COLUMN example;
ALTER TABLE challenges DROP COLUMN example;
ALTER TABLE plans DROP COLUMN example;
