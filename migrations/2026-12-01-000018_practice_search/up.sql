-- Search in good practices, for Dutch as people write it.
--
-- Two text search configurations read the same text:
--   ssw_dutch       unaccent, then the Dutch ispell dictionary (OpenTaal's
--                   hunspell-nl, converted by scripts/dutch_dictionary.py),
--                   then snowball for words it does not know. The ispell
--                   dictionary splits compounds: armoedebestrijding gives
--                   armoede and bestrijding.
--   ssw_dutch_snow  unaccent, then snowball: it conflates verbs and nouns
--                   (ondersteunen, ondersteuning) and keeps compounds whole,
--                   so a prefix finds them (armoedebe*).
-- A practice matches when either configuration matches. Without the
-- dictionary files on the server, ssw_dutch falls back to snowball (no
-- compound splitting): install them before migrating (scripts/dutch-dictionary.sh).
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent() is STABLE; generated columns and indexes need an IMMUTABLE wrapper.
CREATE FUNCTION ssw_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.unaccent('public.unaccent'::regdictionary, $1);

CREATE TEXT SEARCH CONFIGURATION ssw_dutch (COPY = pg_catalog.dutch);
CREATE TEXT SEARCH CONFIGURATION ssw_dutch_snow (COPY = pg_catalog.dutch);
ALTER TEXT SEARCH CONFIGURATION ssw_dutch_snow
    ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part
    WITH unaccent, dutch_stem;
ALTER TEXT SEARCH CONFIGURATION ssw_dutch_snow
    ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;
ALTER TEXT SEARCH CONFIGURATION ssw_dutch
    ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;
DO $$
BEGIN
    CREATE TEXT SEARCH DICTIONARY ssw_nl_ispell (
        TEMPLATE = ispell, DictFile = ssw_nl, AffFile = ssw_nl, StopWords = dutch);
    ALTER TEXT SEARCH CONFIGURATION ssw_dutch
        ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part
        WITH unaccent, ssw_nl_ispell, dutch_stem;
EXCEPTION WHEN undefined_file OR invalid_parameter_value OR config_file_error THEN
    RAISE WARNING 'the Dutch dictionary (tsearch_data/ssw_nl.dict) is missing: practice search will not split compound words';
    ALTER TEXT SEARCH CONFIGURATION ssw_dutch
        ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part
        WITH unaccent, dutch_stem;
END $$;

-- The text a reader sees of the Markdown body (written by the service);
-- NULL until it is computed for a practice stored before this migration.
ALTER TABLE practices ADD COLUMN body_text text;

-- Ranked title (A) above summary (B) above the rest (C).
ALTER TABLE practices
    ADD COLUMN search tsvector GENERATED ALWAYS AS (
           setweight(to_tsvector('ssw_dutch', title), 'A')
        || setweight(to_tsvector('ssw_dutch', summary), 'B')
        || setweight(to_tsvector('ssw_dutch', coalesce(body_text, '') || E'\n' || problem || E'\n' || aim
                     || E'\n' || approach || E'\n' || conditions || E'\n' || results), 'C')) STORED,
    ADD COLUMN search_snow tsvector GENERATED ALWAYS AS (
           setweight(to_tsvector('ssw_dutch_snow', title), 'A')
        || setweight(to_tsvector('ssw_dutch_snow', summary), 'B')
        || setweight(to_tsvector('ssw_dutch_snow', coalesce(body_text, '') || E'\n' || problem || E'\n' || aim
                     || E'\n' || approach || E'\n' || conditions || E'\n' || results), 'C')) STORED;
CREATE INDEX practices_search_idx ON practices USING gin (search);
CREATE INDEX practices_search_snow_idx ON practices USING gin (search_snow);

-- The words of practices that are not drafts, for correcting typing errors
-- by trigram similarity. Words are added, never removed; `documents` counts
-- the writes that used a word and only orders equally similar suggestions.
CREATE TABLE practice_words (
    word      text PRIMARY KEY,
    documents integer NOT NULL DEFAULT 1
);
CREATE INDEX practice_words_trgm_idx ON practice_words USING gin (word gin_trgm_ops);

CREATE FUNCTION practice_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'draft' THEN
        RETURN NULL;
    END IF;
    INSERT INTO practice_words AS w (word)
    SELECT DISTINCT t
      FROM regexp_split_to_table(lower(ssw_unaccent(NEW.title || ' ' || NEW.summary || ' '
               || coalesce(NEW.body_text, '') || ' ' || NEW.problem || ' ' || NEW.aim || ' '
               || NEW.approach || ' ' || NEW.conditions || ' ' || NEW.results)), '[^a-z]+') AS t
     WHERE length(t) BETWEEN 3 AND 40
    ON CONFLICT (word) DO UPDATE SET documents = w.documents + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER practice_words_add
    AFTER INSERT OR UPDATE OF title, summary, body_text, problem, aim, approach, conditions, results, status
    ON practices FOR EACH ROW EXECUTE FUNCTION practice_words_add();

-- A web-search query: words (all must match), "a phrase", -word (must not
-- match), word* (prefix), `or` between two terms. The parts of one compound
-- word must be found together (<0>: at the same position), not anywhere in
-- the text. A query of stop words only gives an empty tsquery, without a notice.
CREATE FUNCTION ssw_websearch(q text, cfg regconfig)
RETURNS tsquery LANGUAGE plpgsql STABLE PARALLEL SAFE
SET client_min_messages = warning
AS $$
DECLARE
    m text[];
    res tsquery;
    term tsquery;
    w text;
    pending_or boolean := false;
BEGIN
    FOR m IN SELECT regexp_matches(coalesce(q, ''), '(-?)(?:"([^"]*)"?|([^\s"]+))', 'g') LOOP
        IF m[2] IS NOT NULL THEN
            term := phraseto_tsquery(cfg, m[2]);
            IF strpos(term::text, ' & ') > 0 THEN
                term := replace(term::text, ' & ', ' <0> ')::tsquery;
            END IF;
        ELSE
            w := m[3];
            IF lower(w) = 'or' THEN
                pending_or := res IS NOT NULL;
                CONTINUE;
            END IF;
            IF w ~ '^[[:alpha:]]+\*$' THEN
                term := to_tsquery(cfg, quote_literal(rtrim(w, '*')) || ':*');
            ELSE
                term := plainto_tsquery(cfg, w);
            END IF;
            IF w ~ '^[[:alpha:]]+\*?$' AND strpos(term::text, ' & ') > 0 THEN
                term := replace(term::text, ' & ', ' <0> ')::tsquery;
            END IF;
        END IF;
        IF numnode(term) = 0 THEN
            CONTINUE;
        END IF;
        IF m[1] = '-' THEN
            term := !! term;
        END IF;
        IF res IS NULL THEN
            res := term;
        ELSIF pending_or THEN
            res := res || term;
        ELSE
            res := res && term;
        END IF;
        pending_or := false;
    END LOOP;
    RETURN coalesce(res, ''::tsquery);
END $$;

-- The query with each word of four or more letters that neither is a word of
-- a practice nor finds one (as a compound's part, say) replaced by the most
-- similar word practices use. NULL: nothing to correct.
CREATE FUNCTION ssw_suggest(q text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
SET client_min_messages = warning
AS $$
    WITH words AS (
        SELECT t.w, t.n, lower(ssw_unaccent(t.w)) AS plain
          FROM regexp_split_to_table(btrim(q), '\s+') WITH ORDINALITY AS t(w, n)
    ), fixed AS (
        SELECT words.n, words.w,
               CASE WHEN words.plain !~ '^[a-z]{4,}$' THEN NULL
                    WHEN EXISTS (SELECT 1 FROM practice_words p WHERE p.word = words.plain) THEN NULL
                    WHEN EXISTS (SELECT 1 FROM practices p
                                  WHERE p.status <> 'draft'
                                    AND (p.search @@ plainto_tsquery('ssw_dutch', words.plain)
                                         OR p.search_snow @@ plainto_tsquery('ssw_dutch_snow', words.plain)))
                    THEN NULL
                    ELSE (SELECT p.word FROM practice_words p
                           WHERE p.word % words.plain AND similarity(p.word, words.plain) >= 0.4
                           ORDER BY similarity(p.word, words.plain) + word_similarity(words.plain, p.word) DESC,
                                    p.documents DESC, p.word
                           LIMIT 1)
               END AS better
          FROM words
    )
    SELECT CASE WHEN bool_or(better IS NOT NULL)
                THEN string_agg(coalesce(better, w), ' ' ORDER BY n) END
      FROM fixed
$$;

DROP VIEW practice_details;
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
