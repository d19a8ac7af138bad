-- Plan progress groups from the kept sums, stale ones counted (pgbench -D plan=<uuid>).
WITH u AS (
    SELECT i.id, i.action_id, i.status FROM initiatives i
     WHERE i.plan_id = CAST(:plan AS uuid) AND i.status IN ('planned', 'inProgress', 'delayed')
       AND i.last_day < CURRENT_DATE - 90
), stale AS (
    SELECT u.action_id, ''::text AS region_id, u.status, COUNT(*) AS n FROM u
     GROUP BY u.action_id, u.status
    UNION ALL
    SELECT u.action_id, r.region_id, u.status, COUNT(*) FROM u
      JOIN initiative_regions r ON r.initiative_id = u.id
     GROUP BY u.action_id, r.region_id, u.status
)
SELECT s.action_id, NULLIF(s.region_id, '') AS region_id, s.status, s.initiatives,
       s.weighted_sum::float8, s.weight_total::float8, s.counted, s.excluded, COALESCE(stale.n, 0)
  FROM initiative_sums s
  LEFT JOIN stale USING (action_id, region_id, status)
 WHERE s.plan_id = CAST(:plan AS uuid) AND s.initiatives <> 0;
