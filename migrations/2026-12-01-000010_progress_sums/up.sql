-- The plan progress report's sums, kept in the writing transaction: per
-- action, region ('' for all regions) and status, the initiatives and the
-- parts of their weighted progress. Statement-level triggers with transition
-- tables apply each statement's changes as one set of increments, so a bulk
-- write stays one statement, and no write path can bypass them. The sums are
-- exact (numeric), so adding and taking away never drifts.
CREATE TABLE initiative_sums (
    action_id    uuid NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    region_id    text NOT NULL,
    status       text NOT NULL,
    plan_id      uuid NOT NULL,
    initiatives  bigint NOT NULL,
    counted      bigint NOT NULL,
    excluded     bigint NOT NULL,
    weighted_sum numeric NOT NULL,
    weight_total numeric NOT NULL,
    PRIMARY KEY (action_id, region_id, status)
);
CREATE INDEX initiative_sums_plan_idx ON initiative_sums (plan_id);

-- The Brussels day an initiative was last heard of: its latest progress
-- update, else its creation. Staleness counts from it; stored, so that the
-- planner knows its distribution.
ALTER TABLE initiatives ADD COLUMN last_day date
    GENERATED ALWAYS AS (COALESCE(last_progress_on, (created_at AT TIME ZONE 'Europe/Brussels')::date)) STORED;

-- Unfinished initiatives by that day: the stale ones are a range of it.
CREATE INDEX initiatives_unfinished_idx ON initiatives (plan_id, last_day)
    INCLUDE (id, action_id, status) WHERE status IN ('planned', 'inProgress', 'delayed');

-- One change to the sums: an initiative counted (sign 1) or taken away (-1),
-- in one region, or (region_id NULL) in all regions and each of its own.
CREATE TYPE initiative_sum_change AS (
    sign               int,
    id                 uuid,
    plan_id            uuid,
    action_id          uuid,
    region_id          text,
    status             text,
    weight             float8,
    effective_progress smallint
);

-- Applies changes as one set of increments. Keys are locked in one order, so
-- concurrent writers wait for each other instead of deadlocking; keys whose
-- increments cancel out are not touched.
CREATE FUNCTION initiative_sums_apply(changes initiative_sum_change[]) RETURNS void
    LANGUAGE sql AS $$
    WITH c AS (SELECT * FROM unnest(changes)),
    keyed AS (
        SELECT c.sign, c.plan_id, c.action_id, c.region_id, c.status, c.weight, c.effective_progress
          FROM c WHERE c.region_id IS NOT NULL
        UNION ALL
        SELECT c.sign, c.plan_id, c.action_id, '', c.status, c.weight, c.effective_progress
          FROM c WHERE c.region_id IS NULL
        UNION ALL
        SELECT c.sign, c.plan_id, c.action_id, r.region_id, c.status, c.weight, c.effective_progress
          FROM c JOIN initiative_regions r ON r.initiative_id = c.id WHERE c.region_id IS NULL
    ), d AS (
        SELECT action_id, region_id, status, (array_agg(plan_id))[1] AS plan_id,
               sum(sign) AS initiatives,
               COALESCE(sum(sign) FILTER (WHERE status <> 'dropped' AND weight > 0), 0) AS counted,
               COALESCE(sum(sign) FILTER (WHERE NOT (status <> 'dropped' AND weight > 0)), 0) AS excluded,
               COALESCE(sum(sign * weight::numeric * effective_progress)
                   FILTER (WHERE status <> 'dropped' AND weight > 0), 0) AS weighted_sum,
               COALESCE(sum(sign * weight::numeric)
                   FILTER (WHERE status <> 'dropped' AND weight > 0), 0) AS weight_total
          FROM keyed GROUP BY action_id, region_id, status
    )
    INSERT INTO initiative_sums AS s
    SELECT action_id, region_id, status, plan_id, initiatives, counted, excluded, weighted_sum,
           weight_total
      FROM d
     WHERE (initiatives, counted, excluded, weighted_sum, weight_total) <> (0, 0, 0, 0, 0)
     ORDER BY action_id, region_id, status
    ON CONFLICT (action_id, region_id, status) DO UPDATE SET
        initiatives = s.initiatives + excluded.initiatives,
        counted = s.counted + excluded.counted,
        excluded = s.excluded + excluded.excluded,
        weighted_sum = s.weighted_sum + excluded.weighted_sum,
        weight_total = s.weight_total + excluded.weight_total
$$;

CREATE FUNCTION initiative_sums_initiatives() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changes initiative_sum_change[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg((1, n.id, n.plan_id, n.action_id, NULL, n.status, n.weight,
                          n.effective_progress)::initiative_sum_change)
          INTO changes FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg((-1, o.id, o.plan_id, o.action_id, NULL, o.status, o.weight,
                          o.effective_progress)::initiative_sum_change)
          INTO changes FROM old_rows o;
    ELSE
        -- Only the rows whose counted parts changed.
        SELECT array_agg(x) INTO changes FROM (
            SELECT (-1, o.id, o.plan_id, o.action_id, NULL, o.status, o.weight,
                    o.effective_progress)::initiative_sum_change AS x
              FROM old_rows o JOIN new_rows n ON n.id = o.id
             WHERE (o.plan_id, o.action_id, o.status, o.weight, o.effective_progress)
                   IS DISTINCT FROM (n.plan_id, n.action_id, n.status, n.weight, n.effective_progress)
            UNION ALL
            SELECT (1, n.id, n.plan_id, n.action_id, NULL, n.status, n.weight,
                    n.effective_progress)::initiative_sum_change
              FROM old_rows o JOIN new_rows n ON n.id = o.id
             WHERE (o.plan_id, o.action_id, o.status, o.weight, o.effective_progress)
                   IS DISTINCT FROM (n.plan_id, n.action_id, n.status, n.weight, n.effective_progress)
        ) t;
    END IF;
    IF changes IS NOT NULL THEN
        PERFORM initiative_sums_apply(changes);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION initiative_sums_regions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changes initiative_sum_change[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg((1, i.id, i.plan_id, i.action_id, r.region_id, i.status, i.weight,
                          i.effective_progress)::initiative_sum_change)
          INTO changes FROM new_rows r JOIN initiatives i ON i.id = r.initiative_id;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg((-1, i.id, i.plan_id, i.action_id, r.region_id, i.status, i.weight,
                          i.effective_progress)::initiative_sum_change)
          INTO changes FROM old_rows r JOIN initiatives i ON i.id = r.initiative_id;
    ELSE
        SELECT array_agg(x) INTO changes FROM (
            SELECT (-1, i.id, i.plan_id, i.action_id, r.region_id, i.status, i.weight,
                    i.effective_progress)::initiative_sum_change AS x
              FROM old_rows r JOIN initiatives i ON i.id = r.initiative_id
            UNION ALL
            SELECT (1, i.id, i.plan_id, i.action_id, r.region_id, i.status, i.weight,
                    i.effective_progress)::initiative_sum_change
              FROM new_rows r JOIN initiatives i ON i.id = r.initiative_id
        ) t;
    END IF;
    IF changes IS NOT NULL THEN
        PERFORM initiative_sums_apply(changes);
    END IF;
    RETURN NULL;
END $$;

-- An initiative leaves its regions while it still exists, so that the
-- regions' sums can take it away.
CREATE FUNCTION initiative_sums_leave_regions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM initiative_regions WHERE initiative_id = OLD.id;
    RETURN OLD;
END $$;

CREATE TRIGGER initiative_sums_insert AFTER INSERT ON initiatives
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION initiative_sums_initiatives();
CREATE TRIGGER initiative_sums_update AFTER UPDATE ON initiatives
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION initiative_sums_initiatives();
CREATE TRIGGER initiative_sums_delete AFTER DELETE ON initiatives
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION initiative_sums_initiatives();
CREATE TRIGGER initiative_sums_leave BEFORE DELETE ON initiatives
    FOR EACH ROW EXECUTE FUNCTION initiative_sums_leave_regions();
CREATE TRIGGER initiative_sums_region_insert AFTER INSERT ON initiative_regions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION initiative_sums_regions();
CREATE TRIGGER initiative_sums_region_update AFTER UPDATE ON initiative_regions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION initiative_sums_regions();
CREATE TRIGGER initiative_sums_region_delete AFTER DELETE ON initiative_regions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION initiative_sums_regions();

-- The sums of the initiatives already there.
SELECT initiative_sums_apply(array_agg((1, i.id, i.plan_id, i.action_id, NULL, i.status, i.weight,
                                        i.effective_progress)::initiative_sum_change))
  FROM initiatives i;
