//! The plan progress groups as they stand, from the sums the writing
//! transactions keep (`initiative_sums`, migration 000010), with the stale
//! initiatives counted beside them.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::GroupRow;
use crate::storage::StorageResult;

/// Unfinished initiatives per action, region ('' for all) and status.
#[derive(Debug, Clone, QueryableByName)]
struct UnfinishedGroup {
    #[diesel(sql_type = SqlUuid)]
    action_id: Uuid,
    #[diesel(sql_type = Text)]
    region_id: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub(super) async fn groups_now(
    conn: &mut AsyncPgConnection,
    plan_id: Uuid,
    stale_before: NaiveDate,
) -> StorageResult<Vec<GroupRow>> {
    let mut rows: Vec<GroupRow> = diesel::sql_query(
        "SELECT action_id, NULLIF(region_id, '') AS region_id, status, initiatives,
                weighted_sum::float8 AS weighted_sum, weight_total::float8 AS weight_total,
                counted, excluded, 0::int8 AS stale
           FROM initiative_sums WHERE plan_id = $1 AND initiatives <> 0",
    )
    .bind::<SqlUuid, _>(plan_id)
    .load(conn)
    .await?;
    let unfinished: i64 = rows
        .iter()
        .filter(|r| r.region_id.is_none() && UNFINISHED.contains(&r.status.as_str()))
        .map(|r| r.initiatives)
        .sum();
    // Are the recent ones fewer than half? Then count them and subtract.
    let recent: Vec<Counted> = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM (
            SELECT 1 FROM initiatives i
             WHERE i.plan_id = $1 AND i.status IN ('planned', 'inProgress', 'delayed')
               AND i.last_day >= $2
             LIMIT $3) x",
    )
    .bind::<SqlUuid, _>(plan_id)
    .bind::<Date, _>(stale_before)
    .bind::<BigInt, _>(unfinished / 2 + 1)
    .load(conn)
    .await?;
    let subtract = recent
        .as_slice()
        .first()
        .is_some_and(|r| r.n <= unfinished / 2);
    let range = if subtract { ">=" } else { "<" };
    let groups: Vec<UnfinishedGroup> = diesel::sql_query(format!(
        "WITH u AS (
            SELECT i.id, i.action_id, i.status FROM initiatives i
             WHERE i.plan_id = $1 AND i.status IN ('planned', 'inProgress', 'delayed')
               AND i.last_day {range} $2)
         SELECT u.action_id, '' AS region_id, u.status, COUNT(*) AS n FROM u
          GROUP BY u.action_id, u.status
         UNION ALL
         SELECT u.action_id, r.region_id, u.status, COUNT(*) FROM u
           JOIN initiative_regions r ON r.initiative_id = u.id
          GROUP BY u.action_id, r.region_id, u.status"
    ))
    .bind::<SqlUuid, _>(plan_id)
    .bind::<Date, _>(stale_before)
    .load(conn)
    .await?;
    let mut counts: HashMap<(Uuid, String, String), i64> = groups
        .into_iter()
        .map(|g| ((g.action_id, g.region_id, g.status), g.n))
        .collect();
    for row in &mut rows {
        if !UNFINISHED.contains(&row.status.as_str()) {
            continue;
        }
        let key = (
            row.action_id,
            row.region_id.clone().unwrap_or_default(),
            row.status.clone(),
        );
        let n = counts.remove(&key).unwrap_or(0);
        row.stale = if subtract { row.initiatives - n } else { n };
    }
    Ok(rows)
}

/// The statuses of work not finished, which can go stale.
const UNFINISHED: [&str; 3] = ["planned", "inProgress", "delayed"];
