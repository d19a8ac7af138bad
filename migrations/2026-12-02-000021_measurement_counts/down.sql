DROP INDEX measurements_recorded_order_idx;
DROP INDEX measurements_period_order_idx;
DROP TRIGGER measurement_counts_delete ON measurements;
DROP TRIGGER measurement_counts_update ON measurements;
DROP TRIGGER measurement_counts_insert ON measurements;
DROP FUNCTION measurement_counts_keep();
DROP FUNCTION measurement_counts_fold(measurement_counts[]);
DROP TABLE measurement_counts;
