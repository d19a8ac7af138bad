-- The benchmark data set: the seeded 2020-2024 plan with its 8 challenges,
-- 17 actions, 5,000 organisations, 10,000 initiatives over the six regional
-- platforms, 100,000 progress updates and 50 users of every role. Every name
-- says it is example data. Expects a migrated database with one user whose
-- e-mail is bench-template@example.org (its password hash is reused).
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
       (SELECT id FROM bench_regions WHERE n = g % 6),
       'bench-org-' || g,
       true
FROM generate_series(1, 5000) AS g;
CREATE TEMP TABLE bench_orgs AS
SELECT row_number() OVER (ORDER BY external_id) - 1 AS n, id, region_id
FROM organisations WHERE external_id LIKE 'bench-org-%';

INSERT INTO actions (plan_id, code, number, title, description, status, progress, weight)
SELECT (SELECT id FROM bench_plan), 'A' || lpad(g::text, 2, '0'), g,
       'Voorbeeld: actie ' || g, 'Voorbeeldgegevens, geen deel van het plan.',
       (ARRAY['planned','inProgress','inProgress','delayed','completed'])[1 + g % 5], NULL,
       1 + g % 3
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
       DATE '2020-01-01' + (g % 700),
       DATE '2022-06-01' + (g % 900),
       'bench-initiative-' || g,
       DATE '2020-03-01' + (g % 1500),
       now() - ((g % 730) || ' days')::interval,
       now() - ((g % 500) || ' hours')::interval
FROM generate_series(1, 10000) AS g,
     LATERAL (SELECT (ARRAY['planned','inProgress','inProgress','inProgress','delayed','completed','completed','dropped'])[1 + (g * 5) % 8] AS status) s;
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

-- Ten progress updates per initiative.
INSERT INTO progress_updates (initiative_id, date, status, progress, narrative, author_id,
                              author_kind, author_name, created_at)
SELECT i.id, DATE '2020-03-01' + (i.n % 1000)::int + k * 40,
       (ARRAY['planned','inProgress','inProgress','delayed','inProgress'])[1 + (i.n + k) % 5],
       CASE WHEN (i.n + k) % 5 IN (1, 2) THEN LEAST(100, k * 10) END,
       'Voorbeeld: stand van zaken ' || k,
       (SELECT id FROM users WHERE email = 'bench-template@example.org'), 'user', 'Voorbeeld',
       now() - ((10 - k) || ' days')::interval
FROM bench_initiatives i, generate_series(0, 9) AS k;

COMMIT;
ANALYZE;
