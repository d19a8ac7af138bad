-- The region a measurement's place lies in, as a column of the measurement:
-- the region itself, a municipality's region, none for Flanders. A list of one
-- region's measurements is then read in the order of one index, instead of
-- passing over every other region's places of the first periods.
--
-- Kept by triggers: a measurement's own on insert and on a change of place,
-- and the municipalities' when a municipality moves to another region (or is
-- removed). The column is internal: no client sees or writes it, and keeping
-- it changes no version.
ALTER TABLE measurements ADD COLUMN region_id text;

CREATE FUNCTION measurement_region_take() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.region_id := CASE NEW.place_type
        WHEN 'region' THEN NEW.place_code
        WHEN 'municipality' THEN (SELECT mu.region_id FROM municipalities mu WHERE mu.nis_code = NEW.place_code)
    END;
    RETURN NEW;
END $$;

CREATE TRIGGER measurement_region_insert BEFORE INSERT ON measurements
    FOR EACH ROW EXECUTE FUNCTION measurement_region_take();
CREATE TRIGGER measurement_region_update BEFORE UPDATE OF place_type, place_code ON measurements
    FOR EACH ROW EXECUTE FUNCTION measurement_region_take();

-- The measurements of municipalities that were added, moved or removed take
-- their region again.
CREATE FUNCTION measurement_regions_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE measurements m
       SET region_id = mu.region_id
      FROM (SELECT c.code, (SELECT x.region_id FROM municipalities x WHERE x.nis_code = c.code) AS region_id
              FROM (SELECT o.nis_code FROM old_rows o UNION SELECT n.nis_code FROM new_rows n) AS c(code)) mu
     WHERE m.place_type = 'municipality' AND m.place_code = mu.code
       AND m.region_id IS DISTINCT FROM mu.region_id;
    RETURN NULL;
END $$;

CREATE FUNCTION measurement_regions_follow_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE measurements m
       SET region_id = NULL
      FROM old_rows o
     WHERE m.place_type = 'municipality' AND m.place_code = o.nis_code AND m.region_id IS NOT NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER municipalities_measurement_regions AFTER UPDATE ON municipalities
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measurement_regions_follow();
CREATE TRIGGER municipalities_measurement_regions_removed AFTER DELETE ON municipalities
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measurement_regions_follow_removed();

-- The first fill changes no count and no version: those triggers stay out of it.
ALTER TABLE measurements DISABLE TRIGGER measurement_counts_update;
ALTER TABLE measurements DISABLE TRIGGER measurements_revisions_update;
UPDATE measurements m
   SET region_id = CASE m.place_type
        WHEN 'region' THEN m.place_code
        WHEN 'municipality' THEN (SELECT mu.region_id FROM municipalities mu WHERE mu.nis_code = m.place_code)
   END
 WHERE m.place_type <> 'flanders';
ALTER TABLE measurements ENABLE TRIGGER measurement_counts_update;
ALTER TABLE measurements ENABLE TRIGGER measurements_revisions_update;

CREATE INDEX measurements_region_order_idx
    ON measurements (region_id, period_start, place_type, place_code, id) WHERE deleted_at IS NULL;
