DROP VIEW practice_details;
DROP FUNCTION ssw_suggest(text);
DROP FUNCTION ssw_websearch(text, regconfig);
DROP TRIGGER practice_words_add ON practices;
DROP FUNCTION practice_words_add();
DROP TABLE practice_words;
ALTER TABLE practices DROP COLUMN search, DROP COLUMN search_snow, DROP COLUMN body_text;
DROP TEXT SEARCH CONFIGURATION ssw_dutch;
DROP TEXT SEARCH CONFIGURATION ssw_dutch_snow;
DROP TEXT SEARCH DICTIONARY IF EXISTS ssw_nl_ispell;
DROP FUNCTION ssw_unaccent(text);
CREATE VIEW practice_details AS
SELECT p.*,
       ARRAY(SELECT c.challenge_id FROM practice_challenges c JOIN challenges ch ON ch.id = c.challenge_id
             WHERE c.practice_id = p.id ORDER BY ch.number, c.challenge_id) AS challenge_ids,
       ARRAY(SELECT r.region_id FROM practice_regions r
             WHERE r.practice_id = p.id ORDER BY r.region_id) AS region_ids,
       ARRAY(SELECT m.nis_code FROM practice_municipalities m
             WHERE m.practice_id = p.id ORDER BY m.nis_code) AS municipality_codes,
       ARRAY(SELECT o.organisation_id FROM practice_organisations o
             WHERE o.practice_id = p.id ORDER BY o.organisation_id) AS organisation_ids,
       ARRAY(SELECT i.initiative_id FROM practice_initiatives i
             WHERE i.practice_id = p.id ORDER BY i.initiative_id) AS initiative_ids,
       ARRAY(SELECT g.gbo_project_id FROM practice_gbo_projects g
             WHERE g.practice_id = p.id ORDER BY g.gbo_project_id) AS gbo_project_ids,
       ARRAY(SELECT a.action_id FROM practice_actions a
             WHERE a.practice_id = p.id ORDER BY a.action_id) AS action_ids
FROM practices p;
