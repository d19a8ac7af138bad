-- The benchmark data set: the seeded 2020-2024 plan with its 8 challenges,
-- 17 actions, 5,000 organisations, 10,000 initiatives over the six regional
-- platforms, 100,000 progress updates on initiatives (and 68 on actions) and
-- 50 users of every role. Every name says it is example data. Expects a
-- migrated database with one user whose e-mail is bench-template@example.org
-- (its password hash is reused).
--
-- The plan's timeline is that of a plan run from 2020 to 2024: the actions
-- were created in January 2020, the initiatives one by one from January 2020
-- to November 2023, and each initiative has ten progress updates about 40
-- days apart, recorded on their day or up to two days later, the last of
-- which made its current status. bench/results.sql adds the versions the
-- service would have kept of these writes (the plan's history).
\set ON_ERROR_STOP on
BEGIN;

CREATE TEMP TABLE bench_plan AS SELECT id FROM plans WHERE code = 'ssw-2020-2024';
CREATE TEMP TABLE bench_regions (n int PRIMARY KEY, id text);
INSERT INTO bench_regions VALUES (0, 'antwerpen'), (1, 'limburg'), (2, 'oost-vlaanderen'),
    (3, 'vlaams-brabant'), (4, 'west-vlaanderen'), (5, 'brussel');

-- Organisations with valid enterprise numbers (97 - base mod 97).
INSERT INTO organisations (name, kind, enterprise_number, region_id, external_id, example)
SELECT 'Voorbeeld: organisatie ' || g,
       (ARRAY['localGovernment','caw','healthInsuranceFund','university','association','citizenInitiative','government','other'])[1 + g % 8],
       lpad((1000000 + g)::text, 8, '0') || lpad((97 - (1000000 + g) % 97)::text, 2, '0'),
       (SELECT id FROM bench_regions WHERE n = (g / 8) % 6), -- every kind in every region
       'bench-org-' || g,
       true
FROM generate_series(1, 5000) AS g;
CREATE TEMP TABLE bench_orgs AS
SELECT row_number() OVER (ORDER BY external_id) - 1 AS n, id, region_id
FROM organisations WHERE external_id LIKE 'bench-org-%';

INSERT INTO actions (plan_id, code, number, title, description, status, progress, weight,
                     created_at, updated_at)
SELECT (SELECT id FROM bench_plan), 'A' || lpad(g::text, 2, '0'), g,
       'Voorbeeld: actie ' || g, 'Voorbeeldgegevens, geen deel van het plan.',
       (ARRAY['planned','inProgress','inProgress','delayed','completed'])[1 + g % 5], NULL,
       1 + g % 3,
       (DATE '2020-01-06' + g % 5 + TIME '10:00' + g * INTERVAL '7 minutes') AT TIME ZONE 'Europe/Brussels',
       (DATE '2020-01-06' + g % 5 + TIME '10:00' + g * INTERVAL '7 minutes') AT TIME ZONE 'Europe/Brussels'
FROM generate_series(1, 17) AS g;
INSERT INTO action_challenges (action_id, challenge_id)
SELECT a.id, c.id FROM actions a JOIN challenges c
  ON c.plan_id = a.plan_id AND (c.number = 1 + a.number % 8 OR c.number = 1 + (a.number * 3) % 8)
WHERE a.plan_id = (SELECT id FROM bench_plan)
ON CONFLICT DO NOTHING;
CREATE TEMP TABLE bench_actions AS
SELECT number - 1 AS n, id FROM actions WHERE plan_id = (SELECT id FROM bench_plan);

INSERT INTO initiatives (plan_id, action_id, code, title, description, lead_organisation_id,
                         status, progress, weight, start_date, end_date, external_id,
                         last_progress_on, created_at, updated_at)
SELECT (SELECT id FROM bench_plan),
       (SELECT id FROM bench_actions WHERE n = g % 17),
       'A' || lpad((1 + g % 17)::text, 2, '0') || '.' || g,
       'Voorbeeld: initiatief ' || g,
       'Voorbeeldgegevens: een initiatief om de API te meten.',
       (SELECT id FROM bench_orgs WHERE n = (g * 7) % 5000),
       s.status,
       CASE WHEN s.status IN ('inProgress', 'delayed') THEN (g * 13) % 100 END,
       1 + g % 4,
       c.day + g % 60,
       c.day + g % 60 + 365 + g % 900,
       'bench-initiative-' || g,
       NULL, -- the day of its last progress update, set below
       c.at, c.at
FROM generate_series(1, 10000) AS g,
     LATERAL (SELECT (ARRAY['planned','inProgress','inProgress','inProgress','delayed','completed','completed','dropped'])[1 + (g * 5) % 8] AS status) s,
     -- Created on a working-day hour between January 2020 and November 2023.
     LATERAL (SELECT DATE '2020-01-06' + (g * 7919) % 1400 AS day) d,
     LATERAL (SELECT d.day, (d.day + TIME '08:30' + (g % 540) * INTERVAL '1 minute') AT TIME ZONE 'Europe/Brussels' AS at) c;
CREATE TEMP TABLE bench_initiatives AS
SELECT row_number() OVER (ORDER BY external_id) AS n, id FROM initiatives WHERE external_id LIKE 'bench-initiative-%';

-- One region each; every tenth initiative runs in a second one.
INSERT INTO initiative_regions (initiative_id, region_id)
SELECT i.id, r.id FROM bench_initiatives i JOIN bench_regions r ON r.n = i.n % 6;
INSERT INTO initiative_regions (initiative_id, region_id)
SELECT i.id, r.id FROM bench_initiatives i JOIN bench_regions r ON r.n = (i.n + 1) % 6
WHERE i.n % 10 = 0;
INSERT INTO initiative_partners (initiative_id, organisation_id)
SELECT i.id, o.id FROM bench_initiatives i JOIN bench_orgs o ON o.n = (i.n * 11 + 3) % 5000
JOIN initiatives ii ON ii.id = i.id
WHERE o.id <> ii.lead_organisation_id -- the lead is never also a partner
ON CONFLICT DO NOTHING;

-- 50 users of every role, all with the template user's password.
INSERT INTO users (email, display_name, password_hash, role, region_id, organisation_id)
SELECT r.role || '-' || g || '@bench.example.org', 'Voorbeeld: ' || r.role || ' ' || g,
       (SELECT password_hash FROM users WHERE email = 'bench-template@example.org'),
       r.role,
       CASE WHEN r.role = 'coordinator' THEN (SELECT id FROM bench_regions WHERE n = g % 6) END,
       CASE WHEN r.role = 'contributor' THEN (SELECT id FROM bench_orgs WHERE n = g) END
FROM generate_series(1, 50) AS g,
     (VALUES ('admin'), ('steering'), ('coordinator'), ('contributor'), ('reader')) AS r (role);

-- Ten progress updates per initiative, about 40 days apart from three weeks
-- after its creation, each recorded on its day or up to two days later. The
-- first says planned, the last the initiative's current status and progress;
-- those between, unless it is still planned, a mix of in progress and delayed.
INSERT INTO progress_updates (initiative_id, date, status, progress, narrative, author_id,
                              author_kind, author_name, created_at)
SELECT i.id, u.date, u.status,
       CASE WHEN k = 9 THEN ii.progress
            WHEN u.status IN ('inProgress', 'delayed') AND (i.n + k) % 3 <> 0
            THEN LEAST(95, k * 10 + i.n % 10)::smallint END,
       'Voorbeeld: stand van zaken ' || k,
       (SELECT id FROM users WHERE email = 'bench-template@example.org'), 'user', 'Voorbeeld',
       (u.date + ((i.n + k) % 3)::int + TIME '08:30' + ((i.n * 13 + k * 29) % 600) * INTERVAL '1 minute')
           AT TIME ZONE 'Europe/Brussels'
FROM bench_initiatives i
JOIN initiatives ii ON ii.id = i.id
CROSS JOIN generate_series(0, 9) AS k,
LATERAL (SELECT (ii.created_at AT TIME ZONE 'Europe/Brussels')::date + 20 + k * 40
                    + ((i.n * 31 + k * 7) % 15)::int AS date,
                CASE WHEN k = 9 THEN ii.status
                     WHEN k = 0 OR ii.status = 'planned' THEN 'planned'
                     ELSE (ARRAY['inProgress','inProgress','delayed','inProgress'])[1 + (i.n + k) % 4] END
                    AS status) u;
-- Four progress updates per action, one a year; the last made its status.
INSERT INTO progress_updates (action_id, date, status, progress, narrative, author_id,
                              author_kind, author_name, created_at)
SELECT a.id, DATE '2020-06-15' + k * 365 + a.number * 3,
       CASE WHEN k = 3 THEN a.status WHEN k = 0 THEN 'planned' ELSE 'inProgress' END,
       NULL, 'Voorbeeld: stand van zaken van de actie ' || k,
       (SELECT id FROM users WHERE email = 'bench-template@example.org'), 'user', 'Voorbeeld',
       (DATE '2020-06-15' + k * 365 + a.number * 3 + TIME '14:00') AT TIME ZONE 'Europe/Brussels'
FROM actions a CROSS JOIN generate_series(0, 3) AS k
WHERE a.plan_id = (SELECT id FROM bench_plan);
-- The last update of each is its current state's: its day and its time.
UPDATE initiatives i SET last_progress_on = u.date, updated_at = u.created_at
FROM (SELECT DISTINCT ON (initiative_id) initiative_id, date, created_at FROM progress_updates
      WHERE initiative_id IS NOT NULL ORDER BY initiative_id, date DESC, created_at DESC) u
WHERE u.initiative_id = i.id;
UPDATE actions a SET last_progress_on = u.date, updated_at = u.created_at
FROM (SELECT DISTINCT ON (action_id) action_id, date, created_at FROM progress_updates
      WHERE action_id IS NOT NULL ORDER BY action_id, date DESC, created_at DESC) u
WHERE u.action_id = a.id;

COMMIT;
ANALYZE;
