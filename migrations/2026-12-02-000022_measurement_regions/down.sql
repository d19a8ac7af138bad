DROP INDEX measurements_region_order_idx;
DROP TRIGGER municipalities_measurement_regions_removed ON municipalities;
DROP TRIGGER municipalities_measurement_regions ON municipalities;
DROP FUNCTION measurement_regions_follow_removed();
DROP FUNCTION measurement_regions_follow();
DROP TRIGGER measurement_region_update ON measurements;
DROP TRIGGER measurement_region_insert ON measurements;
DROP FUNCTION measurement_region_take();
ALTER TABLE measurements DROP COLUMN region_id;
