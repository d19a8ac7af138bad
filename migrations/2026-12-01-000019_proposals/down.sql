DROP VIEW proposal_details;
ALTER TABLE action_versions DROP COLUMN proposal_id;
ALTER TABLE action_versions DROP COLUMN origin;
DROP VIEW action_details;
CREATE VIEW action_details AS
SELECT a.id, a.plan_id, a.code, a.number, a.title, a.description, a.origin,
       a.proposed_by_region_id, a.status, a.progress, a.effective_progress, a.weight,
       a.start_date, a.end_date, a.last_progress_on, a.version, a.created_at, a.updated_at,
       ARRAY(SELECT c.challenge_id FROM action_challenges c JOIN challenges ch ON ch.id = c.challenge_id
             WHERE c.action_id = a.id ORDER BY ch.number) AS challenge_ids,
       ARRAY(SELECT l.organisation_id FROM action_leads l
             WHERE l.action_id = a.id ORDER BY l.organisation_id) AS lead_ids,
       a.example
FROM actions a;
ALTER TABLE actions DROP CONSTRAINT actions_proposal_origin;
ALTER TABLE actions DROP COLUMN proposal_id;
DROP TABLE proposal_comments;
DROP TABLE proposal_transitions;
DROP TABLE proposal_practices;
DROP TABLE proposal_organisations;
DROP TABLE proposal_challenges;
DROP TABLE proposals;
