-- An external id is unique per resource type and source system. The source
-- system of an external id is the service account that set it; NULL is the
-- service itself and the people who use it. Two systems may each give their
-- own record the same external id.
ALTER TABLE organisations ADD COLUMN external_source uuid REFERENCES service_accounts (id);
ALTER TABLE initiatives ADD COLUMN external_source uuid REFERENCES service_accounts (id);
ALTER TABLE indicators ADD COLUMN external_source uuid REFERENCES service_accounts (id);
ALTER TABLE gbo_projects ADD COLUMN external_source uuid REFERENCES service_accounts (id);
ALTER TABLE measurements ADD COLUMN external_source uuid REFERENCES service_accounts (id);

DROP INDEX organisations_external_id_key;
DROP INDEX initiatives_external_id_key;
DROP INDEX indicators_external_id_key;
DROP INDEX gbo_projects_external_id_key;
DROP INDEX measurements_external_id_key;

CREATE UNIQUE INDEX organisations_external_id_key ON organisations (external_id, external_source)
    NULLS NOT DISTINCT WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX initiatives_external_id_key ON initiatives (external_id, external_source)
    NULLS NOT DISTINCT WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX indicators_external_id_key ON indicators (external_id, external_source)
    NULLS NOT DISTINCT WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX gbo_projects_external_id_key ON gbo_projects (external_id, external_source)
    NULLS NOT DISTINCT WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX measurements_external_id_key ON measurements (external_id, external_source)
    NULLS NOT DISTINCT WHERE external_id IS NOT NULL AND deleted_at IS NULL;
