DROP INDEX organisations_external_id_key;
DROP INDEX initiatives_external_id_key;
DROP INDEX indicators_external_id_key;
DROP INDEX gbo_projects_external_id_key;
DROP INDEX measurements_external_id_key;

ALTER TABLE organisations DROP COLUMN external_source;
ALTER TABLE initiatives DROP COLUMN external_source;
ALTER TABLE indicators DROP COLUMN external_source;
ALTER TABLE gbo_projects DROP COLUMN external_source;
ALTER TABLE measurements DROP COLUMN external_source;

CREATE UNIQUE INDEX organisations_external_id_key ON organisations (external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX initiatives_external_id_key ON initiatives (external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX indicators_external_id_key ON indicators (external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX gbo_projects_external_id_key ON gbo_projects (external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX measurements_external_id_key
    ON measurements (external_id) WHERE external_id IS NOT NULL AND deleted_at IS NULL;
