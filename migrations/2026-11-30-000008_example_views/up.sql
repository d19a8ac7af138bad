-- The detail views carry the `example` mark of migration 000007 (appended:
-- CREATE OR REPLACE VIEW can only add columns at the end).
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

CREATE OR REPLACE VIEW action_details AS
SELECT a.id, a.plan_id, a.code, a.number, a.title, a.description, a.origin,
       a.proposed_by_region_id, a.status, a.progress, a.effective_progress, a.weight,
       a.start_date, a.end_date, a.last_progress_on, a.version, a.created_at, a.updated_at,
       ARRAY(SELECT c.challenge_id FROM action_challenges c JOIN challenges ch ON ch.id = c.challenge_id
             WHERE c.action_id = a.id ORDER BY ch.number) AS challenge_ids,
       ARRAY(SELECT l.organisation_id FROM action_leads l
             WHERE l.action_id = a.id ORDER BY l.organisation_id) AS lead_ids,
       a.example
FROM actions a;
