-- Plan progress groups by plain GROUP BY over the initiatives (pgbench -D plan=<uuid>).
WITH i AS (
    SELECT i.id, i.action_id, i.status, i.effective_progress, i.weight,
           i.last_day AS last_day
      FROM initiatives i WHERE i.plan_id = CAST(:plan AS uuid))
SELECT i.action_id, NULL::text AS region_id, i.status, COUNT(*),
       SUM(i.weight * i.effective_progress) FILTER (WHERE i.status <> 'dropped' AND i.weight > 0),
       SUM(i.weight) FILTER (WHERE i.status <> 'dropped' AND i.weight > 0),
       COUNT(*) FILTER (WHERE i.status <> 'dropped' AND i.weight > 0),
       COUNT(*) FILTER (WHERE i.status IN ('planned', 'inProgress', 'delayed')
                          AND i.last_day < CURRENT_DATE - 90)
  FROM i GROUP BY i.action_id, i.status
UNION ALL
SELECT i.action_id, r.region_id, i.status, COUNT(*),
       SUM(i.weight * i.effective_progress) FILTER (WHERE i.status <> 'dropped' AND i.weight > 0),
       SUM(i.weight) FILTER (WHERE i.status <> 'dropped' AND i.weight > 0),
       COUNT(*) FILTER (WHERE i.status <> 'dropped' AND i.weight > 0),
       COUNT(*) FILTER (WHERE i.status IN ('planned', 'inProgress', 'delayed')
                          AND i.last_day < CURRENT_DATE - 90)
  FROM i JOIN initiative_regions r ON r.initiative_id = i.id
 GROUP BY i.action_id, r.region_id, i.status;
