CREATE OR REPLACE VIEW initiative_details AS
SELECT i.id, i.plan_id, i.action_id, i.code, i.title, i.description, i.lead_organisation_id,
       i.primary_care_zone_id, i.status, i.progress, i.effective_progress, i.weight,
       i.start_date, i.end_date, i.external_id, i.last_progress_on, i.version,
       i.created_at, i.updated_at,
       ARRAY(SELECT r.region_id FROM initiative_regions r
             WHERE r.initiative_id = i.id ORDER BY r.region_id) AS region_ids,
       ARRAY(SELECT p.organisation_id FROM initiative_partners p
             WHERE p.initiative_id = i.id ORDER BY p.organisation_id) AS partner_ids,
       ARRAY(SELECT m.nis_code FROM initiative_municipalities m
             WHERE m.initiative_id = i.id ORDER BY m.nis_code) AS municipality_codes,
       i.example
FROM initiatives i;

DROP INDEX initiative_sums_region_idx;
DROP INDEX initiative_regions_list_idx;
CREATE INDEX initiative_regions_region_idx ON initiative_regions (region_id, initiative_id);

CREATE OR REPLACE FUNCTION initiative_sums_leave_regions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM initiative_regions WHERE initiative_id = OLD.id;
    RETURN OLD;
END $$;

DROP TRIGGER initiative_region_moved ON initiative_regions;
DROP FUNCTION initiative_region_moved();
CREATE TRIGGER initiative_sums_region_update AFTER UPDATE ON initiative_regions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION initiative_sums_regions();

DROP TRIGGER initiative_region_keys ON initiatives;
DROP FUNCTION initiative_region_keys_give();
DROP TRIGGER initiative_region_keys ON initiative_regions;
DROP FUNCTION initiative_region_keys_take();

DROP TRIGGER initiative_lists_insert ON initiative_regions;
DROP TRIGGER initiative_lists_delete ON initiative_regions;
DROP TRIGGER initiative_lists_insert ON initiative_partners;
DROP TRIGGER initiative_lists_delete ON initiative_partners;
DROP TRIGGER initiative_lists_update ON initiative_partners;
DROP TRIGGER initiative_lists_insert ON initiative_municipalities;
DROP TRIGGER initiative_lists_delete ON initiative_municipalities;
DROP TRIGGER initiative_lists_update ON initiative_municipalities;
DROP FUNCTION initiative_lists_updated();
DROP FUNCTION initiative_lists_deleted();
DROP FUNCTION initiative_lists_inserted();
DROP FUNCTION initiative_lists_refresh(uuid[]);

ALTER TABLE initiative_regions
    DROP COLUMN status, DROP COLUMN effective_progress, DROP COLUMN updated_at, DROP COLUMN plan_id;
ALTER TABLE initiatives
    DROP COLUMN region_ids, DROP COLUMN partner_ids, DROP COLUMN municipality_codes;
