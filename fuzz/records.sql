-- The records the fuzzer works on: ids of the example data that `seed` wrote,
-- and of the reference data, as one JSON object keyed by the collection's
-- path segment. fuzz/hooks.py puts them into paths and bodies.
SELECT json_build_object(
    'plans', (SELECT json_agg(id) FROM plans WHERE example),
    'challenges', (SELECT json_agg(id) FROM challenges WHERE example),
    'actions', (SELECT json_agg(id) FROM actions WHERE example),
    'initiatives', (SELECT json_agg(id) FROM (SELECT id FROM initiatives WHERE example ORDER BY code LIMIT 30) s),
    'organisations', (SELECT json_agg(id) FROM organisations WHERE example),
    'regions', (SELECT json_agg(id) FROM regions),
    'municipalities', (SELECT json_agg(nis_code) FROM (SELECT nis_code FROM municipalities ORDER BY nis_code LIMIT 60) s),
    'primaryCareZones', (SELECT json_agg(id) FROM primary_care_zones),
    'progressUpdates', (SELECT json_agg(id) FROM (SELECT id FROM progress_updates ORDER BY date LIMIT 30) s),
    'users', (SELECT json_agg(id) FROM users WHERE email LIKE 'fuzz-target-%'),
    'ownUsers', (SELECT json_agg(id) FROM users WHERE email = 'fuzz-reader@example.org'),
    'identities', (SELECT json_agg(id) FROM users WHERE email IN ('fuzz-reader@example.org',
        'fuzz-coordinator@example.org', 'fuzz-steering@example.org', 'fuzz-admin@example.org')),
    'serviceAccounts', (SELECT json_agg(id) FROM service_accounts),
    'apiKeys', (SELECT json_agg(json_build_array(service_account_id, id)) FROM api_keys),
    'gboProjects', (SELECT json_agg(id) FROM gbo_projects WHERE example),
    'indicators', (SELECT json_agg(id) FROM (SELECT id FROM indicators WHERE example ORDER BY code LIMIT 40) s),
    'measurements', (SELECT json_agg(id) FROM (SELECT id FROM measurements WHERE example AND deleted_at IS NULL LIMIT 40) s),
    'standardIndicators', (SELECT json_agg(code) FROM standard_indicators),
    'conferences', (SELECT json_agg(id) FROM conferences),
    'practices', (SELECT json_agg(id) FROM practices WHERE example AND status <> 'draft'),
    'proposals', (SELECT json_agg(id) FROM proposals WHERE example),
    'decisions', (SELECT json_agg(id) FROM proposal_transitions WHERE decision),
    'comments', (SELECT json_agg(id) FROM proposal_comments)
);
