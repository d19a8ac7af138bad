DROP VIEW action_details;
DROP VIEW initiative_details;
