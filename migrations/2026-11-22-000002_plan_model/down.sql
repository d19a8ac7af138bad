DROP TABLE audit_log, progress_updates, initiative_municipalities, initiative_partners,
    initiative_regions, initiatives, action_leads, action_challenges, actions,
    primary_care_zone_municipalities, primary_care_zones CASCADE;
ALTER TABLE organisations DROP CONSTRAINT organisations_municipality_fkey,
    DROP CONSTRAINT organisations_kind_check;
DROP INDEX organisations_region_idx, organisations_name_idx;
DROP TABLE municipalities;
ALTER TABLE challenges DROP CONSTRAINT challenges_number_range;
ALTER TABLE plans DROP CONSTRAINT plans_status_check, DROP CONSTRAINT plans_code_format,
    ALTER COLUMN status SET DEFAULT 'active';
DROP FUNCTION refuse_rewrite();
DROP FUNCTION status_default_progress(text);
