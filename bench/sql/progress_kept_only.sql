-- Plan progress groups from the kept sums alone, without stale counts (pgbench -D plan=<uuid>).
SELECT s.action_id, NULLIF(s.region_id, '') AS region_id, s.status, s.initiatives,
       s.weighted_sum::float8, s.weight_total::float8, s.counted, s.excluded
  FROM initiative_sums s
 WHERE s.plan_id = CAST(:plan AS uuid) AND s.initiatives <> 0;
