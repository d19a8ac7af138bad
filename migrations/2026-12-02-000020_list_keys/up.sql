-- Lists at the database's speed.
--
-- An initiative carries its regions, partners and municipalities as arrays, so
-- that a page of details reads one row per initiative instead of rebuilding
-- three lists for each. The link tables stay the truth (and the filters' index);
-- statement-level triggers keep the arrays, so no write path can forget them.
ALTER TABLE initiatives
    ADD COLUMN region_ids text[] NOT NULL DEFAULT '{}',
    ADD COLUMN partner_ids uuid[] NOT NULL DEFAULT '{}',
    ADD COLUMN municipality_codes text[] NOT NULL DEFAULT '{}';

-- A region's link rows carry the initiative's list keys (status, effective
-- progress, last change, plan): a region's page is found, counted and ordered in
-- one index, without visiting the initiatives it skips.
ALTER TABLE initiative_regions
    ADD COLUMN status text,
    ADD COLUMN effective_progress smallint,
    ADD COLUMN updated_at timestamptz,
    ADD COLUMN plan_id uuid;

-- The arrays of the given initiatives, written where they changed.
CREATE FUNCTION initiative_lists_refresh(ids uuid[]) RETURNS void LANGUAGE sql AS $$
    WITH fresh AS (
        SELECT i.id,
               ARRAY(SELECT r.region_id FROM initiative_regions r
                      WHERE r.initiative_id = i.id ORDER BY r.region_id) AS region_ids,
               ARRAY(SELECT p.organisation_id FROM initiative_partners p
                      WHERE p.initiative_id = i.id ORDER BY p.organisation_id) AS partner_ids,
               ARRAY(SELECT m.nis_code FROM initiative_municipalities m
                      WHERE m.initiative_id = i.id ORDER BY m.nis_code) AS municipality_codes
          FROM initiatives i WHERE i.id IN (SELECT unnest(ids))
    )
    UPDATE initiatives i
       SET region_ids = f.region_ids, partner_ids = f.partner_ids,
           municipality_codes = f.municipality_codes
      FROM fresh f
     WHERE i.id = f.id
       AND (i.region_ids, i.partner_ids, i.municipality_codes)
           IS DISTINCT FROM (f.region_ids, f.partner_ids, f.municipality_codes)
$$;

CREATE FUNCTION initiative_lists_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM initiative_lists_refresh(ARRAY(SELECT DISTINCT initiative_id FROM new_rows));
    RETURN NULL;
END $$;

CREATE FUNCTION initiative_lists_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM initiative_lists_refresh(ARRAY(SELECT DISTINCT initiative_id FROM old_rows));
    RETURN NULL;
END $$;

-- Rows that changed.
CREATE FUNCTION initiative_lists_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM initiative_lists_refresh(ARRAY(
        SELECT initiative_id FROM ((TABLE new_rows EXCEPT TABLE old_rows)
                                   UNION ALL (TABLE old_rows EXCEPT TABLE new_rows)) t));
    RETURN NULL;
END $$;


CREATE TRIGGER initiative_lists_insert AFTER INSERT ON initiative_regions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION initiative_lists_inserted();
CREATE TRIGGER initiative_lists_delete AFTER DELETE ON initiative_regions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION initiative_lists_deleted();
CREATE TRIGGER initiative_lists_insert AFTER INSERT ON initiative_partners
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION initiative_lists_inserted();
CREATE TRIGGER initiative_lists_delete AFTER DELETE ON initiative_partners
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION initiative_lists_deleted();
CREATE TRIGGER initiative_lists_update AFTER UPDATE ON initiative_partners
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION initiative_lists_updated();
CREATE TRIGGER initiative_lists_insert AFTER INSERT ON initiative_municipalities
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION initiative_lists_inserted();
CREATE TRIGGER initiative_lists_delete AFTER DELETE ON initiative_municipalities
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION initiative_lists_deleted();
CREATE TRIGGER initiative_lists_update AFTER UPDATE ON initiative_municipalities
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION initiative_lists_updated();

-- A region row takes its initiative's keys when it is written...
CREATE FUNCTION initiative_region_keys_take() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT i.status, i.effective_progress, i.updated_at, i.plan_id
      INTO NEW.status, NEW.effective_progress, NEW.updated_at, NEW.plan_id
      FROM initiatives i WHERE i.id = NEW.initiative_id;
    RETURN NEW;
END $$;
CREATE TRIGGER initiative_region_keys BEFORE INSERT OR UPDATE OF initiative_id ON initiative_regions
    FOR EACH ROW EXECUTE FUNCTION initiative_region_keys_take();

-- ...and again whenever they change.
CREATE FUNCTION initiative_region_keys_give() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE initiative_regions
       SET status = NEW.status, effective_progress = NEW.effective_progress,
           updated_at = NEW.updated_at, plan_id = NEW.plan_id
     WHERE initiative_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER initiative_region_keys AFTER UPDATE ON initiatives FOR EACH ROW
    WHEN ((OLD.status, OLD.effective_progress, OLD.updated_at, OLD.plan_id)
          IS DISTINCT FROM (NEW.status, NEW.effective_progress, NEW.updated_at, NEW.plan_id))
    EXECUTE FUNCTION initiative_region_keys_give();

-- A region row that moves (to another region or initiative) moves the sums
-- and the arrays. Row-level, on those two columns only: copying the keys into
-- region rows, on every write of an initiative, fires no trigger of its own.
-- (A statement-level trigger with transition tables cannot name columns.)
DROP TRIGGER initiative_sums_region_update ON initiative_regions;
CREATE FUNCTION initiative_region_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changes initiative_sum_change[];
BEGIN
    SELECT array_agg(x) INTO changes FROM (
        SELECT (-1, i.id, i.plan_id, i.action_id, OLD.region_id, i.status, i.weight,
                i.effective_progress)::initiative_sum_change AS x
          FROM initiatives i WHERE i.id = OLD.initiative_id
        UNION ALL
        SELECT (1, i.id, i.plan_id, i.action_id, NEW.region_id, i.status, i.weight,
                i.effective_progress)::initiative_sum_change
          FROM initiatives i WHERE i.id = NEW.initiative_id
    ) t;
    IF changes IS NOT NULL THEN
        PERFORM initiative_sums_apply(changes);
    END IF;
    PERFORM initiative_lists_refresh(ARRAY[OLD.initiative_id, NEW.initiative_id]);
    RETURN NULL;
END $$;
CREATE TRIGGER initiative_region_moved AFTER UPDATE OF initiative_id, region_id ON initiative_regions
    FOR EACH ROW
    WHEN ((OLD.initiative_id, OLD.region_id) IS DISTINCT FROM (NEW.initiative_id, NEW.region_id))
    EXECUTE FUNCTION initiative_region_moved();

-- An initiative that is removed is taken out of its regions' sums while it
-- still exists; its region rows then go with it (ON DELETE CASCADE). Deleting
-- them here, before the initiative, would write the initiative's arrays in the
-- middle of its own removal.
CREATE OR REPLACE FUNCTION initiative_sums_leave_regions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changes initiative_sum_change[];
BEGIN
    SELECT array_agg((-1, OLD.id, OLD.plan_id, OLD.action_id, r.region_id, OLD.status,
                      OLD.weight, OLD.effective_progress)::initiative_sum_change)
      INTO changes FROM initiative_regions r WHERE r.initiative_id = OLD.id;
    IF changes IS NOT NULL THEN
        PERFORM initiative_sums_apply(changes);
    END IF;
    RETURN OLD;
END $$;

-- What is there already.
UPDATE initiative_regions r
   SET status = i.status, effective_progress = i.effective_progress,
       updated_at = i.updated_at, plan_id = i.plan_id
  FROM initiatives i WHERE i.id = r.initiative_id;
ALTER TABLE initiative_regions
    ALTER COLUMN status SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL,
    ALTER COLUMN plan_id SET NOT NULL;
SELECT initiative_lists_refresh(ARRAY(SELECT id FROM initiatives));

-- A region's initiatives, newest first, with what their filters look at.
DROP INDEX initiative_regions_region_idx;
CREATE INDEX initiative_regions_list_idx ON initiative_regions (region_id, updated_at, initiative_id)
    INCLUDE (status, effective_progress, plan_id);

-- Per region and status: the totals of the list pages that filter on no more
-- than plan, action, challenge, one region and status come from the sums.
CREATE INDEX initiative_sums_region_idx ON initiative_sums (region_id, status);

CREATE OR REPLACE VIEW initiative_details AS
SELECT i.id, i.plan_id, i.action_id, i.code, i.title, i.description, i.lead_organisation_id,
       i.primary_care_zone_id, i.status, i.progress, i.effective_progress, i.weight,
       i.start_date, i.end_date, i.external_id, i.last_progress_on, i.version,
       i.created_at, i.updated_at, i.region_ids, i.partner_ids, i.municipality_codes, i.example
FROM initiatives i;
