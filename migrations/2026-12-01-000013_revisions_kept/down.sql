DROP TRIGGER measurements_revisions_update ON measurements;
DROP TRIGGER measurements_revisions_insert ON measurements;
DROP FUNCTION measurement_revisions_keep();
