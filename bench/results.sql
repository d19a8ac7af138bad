-- The benchmark's results and history, on top of bench/seed.sql (same
-- database): the municipalities (bench/municipalities.sql), the plan's
-- history as the service would have kept it, 300 GBO projects, 2,000
-- indicators and 1,000,000 measurements over 2020-2024 with their revisions
-- (about 5 % corrected, a few removed). Every record is marked as example
-- data (`example`, names that start with "Voorbeeld"). Set-based: it loads
-- in well under a minute on two cores. The figures are drawn with a fixed
-- seed, so two loads give the same data set up to ids and load time.
\set ON_ERROR_STOP on
\ir municipalities.sql
SET work_mem = '256MB';
SET synchronous_commit = off;
BEGIN;
SELECT setseed(0.2020) \g /dev/null

CREATE TEMP TABLE bench_plan AS SELECT id FROM plans WHERE code = 'ssw-2020-2024';
CREATE TEMP TABLE bench_munis AS
SELECT nis_code, name, region_id,
       row_number() OVER (PARTITION BY region_id ORDER BY nis_code) - 1 AS k,
       count(*) OVER (PARTITION BY region_id) AS region_count,
       row_number() OVER (ORDER BY region_id, nis_code) - 1 AS n,
       1 + nis_code::int % 7 AS factor -- a municipality's size, for the figures
FROM municipalities;
CREATE TEMP TABLE bench_reporters AS
SELECT row_number() OVER (ORDER BY email) - 1 AS n, id FROM users
WHERE email ~ '^(contributor|coordinator)-[0-9]+@bench\.example\.org$';
CREATE TEMP TABLE bench_initiatives AS
SELECT row_number() OVER (ORDER BY i.external_id) AS n, i.id, i.action_id, i.created_at,
       ARRAY(SELECT r.region_id FROM initiative_regions r WHERE r.initiative_id = i.id ORDER BY 1) AS region_ids
FROM initiatives i WHERE i.external_id LIKE 'bench-initiative-%';

---------------------------------------------------------------------------
-- The plan's history: the versions the service writes with every audited
-- write (migration 000009). A first version when a record was created, one
-- per progress update that became its current state (each update here is
-- later than the one before), so that an as-of report sees the plan as it
-- was recorded then.

-- The challenges were created with the plan; the migration already added
-- a version as of their last write.
INSERT INTO challenge_versions (challenge_id, plan_id, recorded_at, code, number, title)
SELECT id, plan_id, (DATE '2020-01-06' + TIME '09:00' + number * INTERVAL '1 minute') AT TIME ZONE 'Europe/Brussels',
       code, number, title
FROM challenges WHERE plan_id = (SELECT id FROM bench_plan);

INSERT INTO action_versions (action_id, plan_id, recorded_at, code, number, title, status,
                             effective_progress, weight, challenge_ids, last_progress_on)
SELECT a.id, a.plan_id, v.recorded_at, a.code, a.number, a.title, v.status,
       COALESCE(v.progress, status_default_progress(v.status)), a.weight,
       ARRAY(SELECT c.challenge_id FROM action_challenges c WHERE c.action_id = a.id ORDER BY 1),
       v.date
FROM actions a
CROSS JOIN LATERAL (
    SELECT a.created_at AS recorded_at, 'planned' AS status, NULL::smallint AS progress, NULL::date AS date
    UNION ALL
    SELECT u.created_at, u.status, u.progress, u.date FROM progress_updates u WHERE u.action_id = a.id
) v
WHERE a.plan_id = (SELECT id FROM bench_plan)
ORDER BY v.recorded_at;

-- Every 50th initiative was moved to another action at the time of its
-- sixth update: its versions before then name the action it was under.
CREATE TEMP TABLE bench_moves AS
SELECT i.id, i.n, old.id AS old_action_id,
       (SELECT u.created_at FROM progress_updates u WHERE u.initiative_id = i.id
         ORDER BY u.date OFFSET 4 LIMIT 1) + INTERVAL '7 days' AS moved_at
FROM bench_initiatives i
JOIN actions cur ON cur.id = i.action_id
JOIN actions old ON old.plan_id = cur.plan_id AND old.number = cur.number % 17 + 1
WHERE i.n % 50 = 0;

INSERT INTO initiative_versions (initiative_id, plan_id, action_id, recorded_at, code, title, status,
                                 effective_progress, weight, region_ids, last_progress_on, created_at)
SELECT ii.id, ii.plan_id,
       CASE WHEN m.id IS NOT NULL AND v.recorded_at < m.moved_at THEN m.old_action_id ELSE ii.action_id END,
       v.recorded_at, ii.code, ii.title, v.status, COALESCE(v.progress, status_default_progress(v.status)),
       ii.weight, i.region_ids, v.date, ii.created_at
FROM bench_initiatives i
JOIN initiatives ii ON ii.id = i.id
LEFT JOIN bench_moves m ON m.id = i.id
CROSS JOIN LATERAL (
    SELECT ii.created_at AS recorded_at, 'planned' AS status, NULL::smallint AS progress, NULL::date AS date
    UNION ALL
    SELECT u.created_at, u.status, u.progress, u.date FROM progress_updates u WHERE u.initiative_id = i.id
    UNION ALL
    -- The move itself, a write of its own: the state of the update before it.
    (SELECT m.moved_at, u.status, u.progress, u.date FROM progress_updates u
      WHERE m.id IS NOT NULL AND u.initiative_id = i.id AND u.created_at < m.moved_at
      ORDER BY u.date DESC LIMIT 1)
) v
ORDER BY v.recorded_at;

-- Forty initiatives were created and removed again (2020-2023): only their
-- history is left, a first version and one marked deleted.
INSERT INTO initiative_versions (initiative_id, plan_id, action_id, recorded_at, code, title, status,
                                 effective_progress, weight, region_ids, last_progress_on, created_at, deleted)
SELECT r.id, a.plan_id, a.id, v.recorded_at, 'A' || lpad(a.number::text, 2, '0') || '.R' || r.g,
       'Voorbeeld: ingetrokken initiatief ' || r.g, 'planned', 0, 1,
       ARRAY[(ARRAY['antwerpen','limburg','oost-vlaanderen','vlaams-brabant','west-vlaanderen','brussel'])[1 + r.g % 6]],
       NULL, r.created_at, v.deleted
FROM (SELECT g, gen_random_uuid() AS id,
             (DATE '2020-02-03' + g * 31 + TIME '10:15') AT TIME ZONE 'Europe/Brussels' AS created_at
      FROM generate_series(1, 40) AS g) r
JOIN actions a ON a.plan_id = (SELECT id FROM bench_plan) AND a.number = 1 + r.g % 17
CROSS JOIN LATERAL (VALUES (r.created_at, false),
                           (r.created_at + (30 + r.g * 5) * INTERVAL '1 day', true)) v (recorded_at, deleted)
ORDER BY v.recorded_at;

---------------------------------------------------------------------------
-- 300 GBO projects of one to five neighbouring municipalities (one region),
-- with a local government, a CAW and a health insurance fund's social
-- service as partners (every 25th lacks the fund) and up to two others.
-- Every 20th is still planned, every 15th has ended (two years after it
-- started).
CREATE TEMP TABLE bench_gbo AS
SELECT p, s.region_id, s.k AS first_k, s.region_count, 1 + (p * 7) % 5 AS size, s.name AS first_name,
       CASE WHEN p % 20 = 0 THEN 'planned' WHEN p % 15 = 0 THEN 'ended' ELSE 'active' END AS status,
       CASE WHEN p % 20 <> 0 THEN DATE '2019-01-01' + (p * 53) % 1400 END AS start_date
FROM generate_series(1, 300) AS p
JOIN bench_munis s ON s.n = (p * 101) % 304;

INSERT INTO gbo_projects (name, contact_name, contact_email, contact_phone, status, start_date,
                          external_id, example, created_at, updated_at)
SELECT 'Voorbeeld: GBO ' || g.first_name || CASE WHEN g.size > 1 THEN ' e.o.' ELSE '' END || ' ' || g.p,
       'Voorbeeld: contactpersoon ' || g.p, 'gbo-' || g.p || '@bench.example.org',
       '+32 2 555 ' || lpad(g.p::text, 4, '0'), g.status, g.start_date, 'bench-gbo-' || g.p, true, c.at, c.at
FROM bench_gbo g,
     LATERAL (SELECT (COALESCE(g.start_date - 45, DATE '2024-03-01' + g.p) + TIME '11:00') AT TIME ZONE 'Europe/Brussels' AS at) c;
ALTER TABLE bench_gbo ADD COLUMN id uuid, ADD COLUMN created_at timestamptz;
UPDATE bench_gbo g SET id = p.id, created_at = p.created_at
FROM gbo_projects p WHERE p.external_id = 'bench-gbo-' || g.p;

INSERT INTO gbo_project_municipalities (project_id, nis_code)
SELECT g.id, m.nis_code
FROM bench_gbo g JOIN bench_munis m
  ON m.region_id = g.region_id AND (m.k - g.first_k + g.region_count) % g.region_count < g.size;

CREATE TEMP TABLE bench_org_kinds AS
SELECT id, region_id, kind, row_number() OVER (PARTITION BY region_id, kind ORDER BY external_id) - 1 AS k,
       count(*) OVER (PARTITION BY region_id, kind) AS kind_count
FROM organisations WHERE external_id LIKE 'bench-org-%';
INSERT INTO gbo_project_partners (project_id, organisation_id, part)
SELECT g.id, o.id, w.part
FROM bench_gbo g
CROSS JOIN (VALUES (0, 'localGovernment', 'localGovernment'), (1, 'caw', 'caw'),
                   (2, 'healthInsuranceFund', 'healthInsuranceFund'),
                   (3, 'association', 'other'), (4, 'university', 'other')) AS w (j, kind, part)
JOIN bench_org_kinds o ON o.region_id = g.region_id AND o.kind = w.kind AND o.k = (g.p * 7 + w.j) % o.kind_count
WHERE (w.j <> 2 OR g.p % 25 <> 0) AND (w.j < 3 OR w.j - 3 < g.p % 3);

---------------------------------------------------------------------------
-- 2,000 indicators: 1,500 on initiatives, 100 on actions, 400 on GBO
-- projects (each project's people reached, every third project one more of
-- the standard set). The others mix counts (half; a snapshot and a running
-- total among them), amounts with a unit (a fifth: euros, hours, FTE and a
-- waiting time where lower is better), percentages (a quarter) and text
-- (one in twenty); per quarter (65 %), month (20 %) or year (15 %).
CREATE TEMP TABLE bench_kinds (kk int PRIMARY KEY, label text, measure text, unit text, direction text,
                               time_aggregation text, place_aggregation text, cumulative boolean);
INSERT INTO bench_kinds VALUES
    (0, 'bereikte personen', 'count', NULL, 'higherIsBetter', 'sum', 'sum', false),
    (1, 'begeleidingen', 'count', NULL, 'higherIsBetter', 'sum', 'sum', false),
    (2, 'doorverwijzingen', 'count', NULL, 'higherIsBetter', 'sum', 'sum', false),
    (3, 'huisbezoeken', 'count', NULL, 'higherIsBetter', 'sum', 'sum', false),
    (4, 'groepssessies', 'count', NULL, 'higherIsBetter', 'sum', 'sum', false),
    (5, 'nieuwe aanmeldingen', 'count', NULL, 'higherIsBetter', 'sum', 'sum', false),
    (6, 'gerealiseerde rechten', 'count', NULL, 'higherIsBetter', 'sum', 'sum', false),
    (7, 'opleidingsdeelnemers', 'count', NULL, 'higherIsBetter', 'sum', 'sum', false),
    (8, 'actieve vrijwilligers (stand)', 'count', NULL, 'higherIsBetter', 'last', 'sum', false),
    (9, 'begeleide personen sinds de start', 'count', NULL, 'higherIsBetter', 'last', 'sum', true),
    (10, 'uitgekeerde steun', 'amount', 'EUR', 'higherIsBetter', 'sum', 'sum', false),
    (11, 'begeleidingsuren', 'amount', 'uur', 'higherIsBetter', 'sum', 'sum', false),
    (12, 'ingezette sociaal werkers', 'amount', 'FTE', 'higherIsBetter', 'average', 'sum', false),
    (13, 'wachttijd tot eerste gesprek', 'amount', 'dagen', 'lowerIsBetter', 'average', 'average', false),
    (14, 'aandeel bereikte doelgroep', 'percentage', NULL, 'higherIsBetter', 'sum', 'sum', false),
    (15, 'aandeel afgeronde trajecten', 'percentage', NULL, 'higherIsBetter', 'sum', 'sum', false),
    (16, 'aandeel warme doorverwijzingen', 'percentage', NULL, 'higherIsBetter', 'sum', 'sum', false),
    (17, 'aandeel cliënten met een plan', 'percentage', NULL, 'higherIsBetter', 'sum', 'sum', false),
    (18, 'aandeel actieve partners (stand)', 'percentage', NULL, 'higherIsBetter', 'last', 'sum', false),
    (19, 'toelichting bij de voortgang', 'qualitative', NULL, NULL, 'last', 'none', false);

CREATE TEMP TABLE bench_ind AS
WITH own AS (
    SELECT i, k.kk, k.label, k.measure, k.unit, k.direction,
           CASE WHEN k.kk = 19 AND i % 40 >= 20 THEN 'lastInPeriod' ELSE k.time_aggregation END AS time_aggregation,
           k.place_aggregation, k.cumulative,
           CASE WHEN (i * 7 + i / 20) % 20 < 13 THEN 'quarter'
                WHEN (i * 7 + i / 20) % 20 < 16 THEN 'year' ELSE 'month' END AS granularity,
           NULL::text AS standard_code
    FROM generate_series(1, 1600) AS i JOIN bench_kinds k ON k.kk = i % 20
), standard AS (
    SELECT i, NULL::int AS kk, s.name AS label, s.measure, s.unit, s.direction, s.time_aggregation,
           s.place_aggregation, s.cumulative, s.granularity, s.code AS standard_code
    FROM generate_series(1601, 2000) AS i
    JOIN standard_indicators s
      ON s.code = CASE WHEN i <= 1900 THEN 'gbo.peopleReached' END
      OR (i > 1900 AND s.sort_order = 2 + i % 11)
)
SELECT x.*, 3 + (x.i * 37) % 60 AS scale,
       CASE WHEN x.i <= 1500 THEN 'initiative' WHEN x.i <= 1600 THEN 'action' ELSE 'gboProject' END AS subject,
       bi.n AS initiative_n, bi.id AS initiative_id, bi.region_ids, bi.created_at AS initiative_created_at,
       a.id AS action_id, g.p AS gbo_p, g.id AS gbo_project_id
FROM (SELECT * FROM own UNION ALL SELECT * FROM standard) x
LEFT JOIN bench_initiatives bi ON x.i <= 1500 AND bi.n = (x.i * 13) % 10000 + 1
LEFT JOIN actions a ON x.i BETWEEN 1501 AND 1600 AND a.plan_id = (SELECT id FROM bench_plan) AND a.number = x.i % 17 + 1
LEFT JOIN bench_gbo g ON x.i > 1600 AND g.p = CASE WHEN x.i <= 1900 THEN x.i - 1600 ELSE (x.i - 1900) * 3 END;

INSERT INTO indicators (code, name, description, measure, unit, direction, time_aggregation,
                        place_aggregation, cumulative, granularity, baseline_value, baseline_date,
                        targets, action_id, initiative_id, gbo_project_id, standard_code,
                        external_id, example, created_at, updated_at)
SELECT COALESCE(b.standard_code, 'bench.' || b.i),
       CASE WHEN b.standard_code IS NULL THEN 'Voorbeeld: ' || b.label || ' ' || b.i ELSE b.label END,
       'Voorbeeldgegevens: een indicator om de rapporten te meten.',
       b.measure, b.unit, b.direction, b.time_aggregation, b.place_aggregation, b.cumulative, b.granularity,
       CASE WHEN has_baseline THEN base END, CASE WHEN has_baseline THEN DATE '2019-12-31' END,
       CASE WHEN b.measure = 'qualitative' OR b.i % 10 >= 8 THEN '[]'::jsonb
            WHEN b.i % 3 = 0 THEN jsonb_build_array(jsonb_build_object('value', t2, 'date', '2024-12-31'))
            ELSE jsonb_build_array(jsonb_build_object('value', t1, 'date', '2022-12-31'),
                                   jsonb_build_object('value', t2, 'date', '2024-12-31')) END,
       b.action_id, b.initiative_id, b.gbo_project_id, b.standard_code,
       'bench-indicator-' || b.i, true, c.at, c.at
FROM bench_ind b,
     LATERAL (SELECT b.measure <> 'qualitative' AND b.i % 10 < 7 AS has_baseline,
                     CASE b.measure WHEN 'percentage' THEN (20 + b.i % 50)::float8
                                    WHEN 'count' THEN (b.scale * 10)::float8
                                    ELSE round(b.scale * 12.5, 2)::float8 END AS base) bl,
     LATERAL (SELECT CASE WHEN b.measure = 'percentage' THEN LEAST(100, base + 10)
                          WHEN b.direction = 'lowerIsBetter' THEN round((base * 0.8)::numeric, 2)::float8
                          WHEN b.measure = 'count' THEN round(base * 1.2)
                          ELSE round((base * 1.2)::numeric, 2)::float8 END AS t1,
                     CASE WHEN b.measure = 'percentage' THEN LEAST(100, base + 20)
                          WHEN b.direction = 'lowerIsBetter' THEN round((base * 0.6)::numeric, 2)::float8
                          WHEN b.measure = 'count' THEN round(base * 1.5)
                          ELSE round((base * 1.5)::numeric, 2)::float8 END AS t2) t,
     LATERAL (SELECT CASE b.subject
                         WHEN 'initiative' THEN b.initiative_created_at + INTERVAL '1 day'
                         WHEN 'action' THEN (DATE '2020-02-03' + b.i % 17 + TIME '10:00') AT TIME ZONE 'Europe/Brussels'
                         ELSE (SELECT created_at FROM bench_gbo WHERE p = b.gbo_p) + INTERVAL '2 days' END AS at) c;
ALTER TABLE bench_ind ADD COLUMN id uuid;
UPDATE bench_ind b SET id = x.id FROM indicators x WHERE x.external_id = 'bench-indicator-' || b.i;

---------------------------------------------------------------------------
-- Where each indicator reports. An initiative's: its regions, and from none
-- to 40 municipalities of its first region (8 for monthly indicators, 25 for
-- yearly ones). An action's: Flanders, the six regions, and every
-- municipality (a tenth of them for monthly indicators). A GBO project's:
-- its municipalities and its region.
CREATE TEMP TABLE bench_places AS
SELECT b.i, 'region' AS place_type, r.region_id AS place_code, 25 AS factor
FROM bench_ind b CROSS JOIN LATERAL unnest(b.region_ids) AS r (region_id)
WHERE b.subject = 'initiative'
UNION ALL
SELECT b.i, 'municipality', m.nis_code, m.factor
FROM bench_ind b
JOIN bench_munis m ON m.region_id = b.region_ids[1]
 AND (m.k - (b.i * 17) % m.region_count + m.region_count) % m.region_count
     < CASE b.granularity WHEN 'month' THEN 10 WHEN 'year' THEN 30 ELSE (ARRAY[10, 25, 45, 67])[1 + b.i % 4] END
WHERE b.subject = 'initiative'
UNION ALL
SELECT b.i, 'flanders', '', 150 FROM bench_ind b WHERE b.subject = 'action'
UNION ALL
SELECT b.i, 'region', r.id, 25 FROM bench_ind b CROSS JOIN regions r
WHERE b.subject = 'action' AND NOT r.flanders_wide
UNION ALL
SELECT b.i, 'municipality', m.nis_code, m.factor FROM bench_ind b CROSS JOIN bench_munis m
WHERE b.subject = 'action' AND (b.granularity <> 'month' OR m.n % 10 = b.i % 10)
UNION ALL
SELECT b.i, 'region', g.region_id, 25 FROM bench_ind b JOIN bench_gbo g ON g.p = b.gbo_p
WHERE b.subject = 'gboProject'
UNION ALL
SELECT b.i, 'municipality', pm.nis_code, m.factor
FROM bench_ind b JOIN gbo_project_municipalities pm ON pm.project_id = b.gbo_project_id
JOIN bench_munis m ON m.nis_code = pm.nis_code
WHERE b.subject = 'gboProject';

-- The periods of 2020-2024 of each granularity, numbered.
CREATE TEMP TABLE bench_periods AS
SELECT g.granularity, s::date AS period_start, (s + g.step)::date - 1 AS period_end,
       row_number() OVER (PARTITION BY g.granularity ORDER BY s) - 1 AS pidx
FROM (VALUES ('year', INTERVAL '1 year'), ('quarter', INTERVAL '3 months'), ('month', INTERVAL '1 month')) AS g (granularity, step)
CROSS JOIN LATERAL generate_series(TIMESTAMP '2020-01-01', TIMESTAMP '2024-12-01', g.step) AS s;

-- Every period and place an indicator could report: an initiative's from
-- the period it was created in, a GBO project's from the period it started
-- in (an ended one for two years, a planned one not yet).
CREATE TEMP TABLE bench_slots AS
SELECT b.i, p.period_start, p.period_end, p.pidx, pl.place_type, pl.place_code, pl.factor
FROM bench_ind b
JOIN bench_periods p ON p.granularity = b.granularity
JOIN bench_places pl ON pl.i = b.i
LEFT JOIN bench_gbo g ON g.p = b.gbo_p
WHERE CASE b.subject
          WHEN 'initiative' THEN p.period_end >= (b.initiative_created_at AT TIME ZONE 'Europe/Brussels')::date
          WHEN 'gboProject' THEN g.start_date IS NOT NULL AND p.period_end >= g.start_date
                                 AND (g.status <> 'ended' OR p.period_start < g.start_date + 730)
          ELSE true END;

-- Of those, 1,000,000 reported (the rest are the places that did not
-- report), each with the values of its versions: the first recorded from a
-- day to months after the period's end, about 5 % corrected later (version
-- 2), about 0.2 % removed (a last version marked deleted).
CREATE TEMP TABLE bench_m AS
WITH kept AS (
    SELECT s.*, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
           random() AS r6, random() AS r7
    FROM bench_slots s ORDER BY random() LIMIT 1000000
), figures AS (
    SELECT k.*, b.measure, b.unit, b.cumulative, b.id AS indicator_id, b.scale * k.factor AS size,
           r5 < 0.05 AS corrected, r6 < 0.002 AS removed,
           (k.period_end + 1 + LEAST(300, floor(-30 * ln(1 - r3)))::int + TIME '08:00'
               + floor(r4 * 600) * INTERVAL '1 minute') AT TIME ZONE 'Europe/Brussels' AS recorded_1
    FROM kept k JOIN bench_ind b ON b.i = k.i
)
SELECT gen_random_uuid() AS id, f.indicator_id, f.period_start, f.period_end, f.place_type, f.place_code,
       f.measure, f.corrected, f.removed, f.recorded_1,
       CASE WHEN f.corrected THEN f.recorded_1 + (1 + floor(f.r7 * 120)) * INTERVAL '1 day' + INTERVAL '2 hours' END AS recorded_2,
       v.value_1, v.numerator_1, v.denominator_1, v.text_1,
       CASE WHEN f.corrected AND v.value_1 IS NOT NULL
            THEN CASE WHEN f.unit IS NULL THEN v.value_1 + 1 + floor(f.r7 * 5) ELSE round((v.value_1 * 1.05)::numeric, 2)::float8 END
            ELSE v.value_1 END AS value_2,
       CASE WHEN f.corrected AND v.numerator_1 IS NOT NULL THEN LEAST(v.numerator_1 + 1, v.denominator_1 + 2) ELSE v.numerator_1 END AS numerator_2,
       CASE WHEN f.corrected AND v.denominator_1 IS NOT NULL THEN v.denominator_1 + 2 ELSE v.denominator_1 END AS denominator_2,
       CASE WHEN f.corrected AND v.text_1 IS NOT NULL THEN v.text_1 || ' (bijgewerkt)' ELSE v.text_1 END AS text_2,
       rs.ids[1 + floor(f.r1 * cardinality(rs.ids))::int] AS reporter_1,
       rs.ids[1 + floor(f.r2 * cardinality(rs.ids))::int] AS reporter_2
FROM figures f,
     (SELECT array_agg(id ORDER BY n) AS ids FROM bench_reporters) rs,
     LATERAL (SELECT
         CASE WHEN f.measure = 'count' AND f.cumulative
                   THEN floor(f.size * (f.pidx + 1) + f.r1 * f.size * 0.5)
              WHEN f.measure = 'count' THEN floor(f.size * (0.6 + 0.8 * f.r2))
              WHEN f.unit = 'dagen' THEN round((5 + 55 * f.r2)::numeric, 1)::float8
              WHEN f.unit = 'FTE' THEN round((0.5 + f.factor * 0.4 * f.r2)::numeric, 2)::float8
              WHEN f.measure = 'amount' THEN round((f.size * (10 + 20 * f.r2))::numeric, 2)::float8 END AS value_1,
         CASE WHEN f.measure = 'percentage' THEN floor((1 + floor(f.size * (0.5 + f.r2))) * (0.3 + 0.6 * f.r1)) END AS numerator_1,
         CASE WHEN f.measure = 'percentage' THEN 1 + floor(f.size * (0.5 + f.r2)) END AS denominator_1,
         CASE WHEN f.measure = 'qualitative'
              THEN 'Voorbeeld: toelichting bij de periode vanaf ' || f.period_start END AS text_1) v;
ALTER TABLE bench_m ADD COLUMN deleted_at timestamptz;
UPDATE bench_m SET deleted_at = COALESCE(recorded_2, recorded_1) + INTERVAL '20 days' WHERE removed;

INSERT INTO measurements (id, indicator_id, period_start, period_end, place_type, place_code, value,
                          numerator, denominator, text_value, note, reporter_id, reporter_kind, example,
                          recorded_at, deleted_at, version, created_at, updated_at)
SELECT id, indicator_id, period_start, period_end, place_type, place_code,
       value_2, numerator_2, denominator_2, text_2,
       CASE WHEN corrected THEN 'Voorbeeld: gecorrigeerd na nazicht' ELSE '' END,
       CASE WHEN removed OR corrected THEN reporter_2 ELSE reporter_1 END, 'user', true,
       COALESCE(deleted_at, recorded_2, recorded_1), deleted_at,
       1 + corrected::int + removed::int, recorded_1, COALESCE(deleted_at, recorded_2, recorded_1)
FROM bench_m
ORDER BY indicator_id, period_start, place_type, place_code;

INSERT INTO measurement_revisions (measurement_id, version, value, numerator, denominator, text_value,
                                   note, reporter_id, reporter_kind, recorded_at, deleted)
SELECT id, 1, value_1, numerator_1, denominator_1, text_1, '', reporter_1, 'user', recorded_1, false
FROM bench_m
UNION ALL
SELECT id, 2, value_2, numerator_2, denominator_2, text_2, 'Voorbeeld: gecorrigeerd na nazicht',
       reporter_2, 'user', recorded_2, false
FROM bench_m WHERE corrected
UNION ALL
SELECT id, 2 + corrected::int, value_2, numerator_2, denominator_2, text_2,
       CASE WHEN corrected THEN 'Voorbeeld: gecorrigeerd na nazicht' ELSE '' END,
       reporter_2, 'user', deleted_at, true
FROM bench_m WHERE removed
-- The revision of each measurement's own version was written with the row.
ON CONFLICT (measurement_id, version) DO NOTHING;

COMMIT;
ANALYZE;
