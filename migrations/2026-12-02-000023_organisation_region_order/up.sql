-- A region's organisations in the list's default order (name, then id), so
-- that one region's page is read in index order and stops after its rows. It
-- serves every lookup by region the index it replaces served.
CREATE INDEX organisations_region_name_idx ON organisations (region_id, name, id);
DROP INDEX organisations_region_idx;
