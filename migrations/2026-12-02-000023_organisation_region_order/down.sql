CREATE INDEX organisations_region_idx ON organisations (region_id);
DROP INDEX organisations_region_name_idx;
