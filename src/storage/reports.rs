//! The statements behind the reports: the plan's records and the sums over
//! its initiatives, either as they stand now or as recorded before a moment
//! (from the versions `history` keeps). Each report runs them in one
//! read-only transaction, so that every figure comes from one snapshot.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{
    Array, BigInt, Date, Double, Int4, Nullable, SmallInt, Text, Timestamptz, Uuid as SqlUuid,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;

mod sums;

/// A moment to read the plan at: now, or as recorded before an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    Now,
    Before(DateTime<Utc>),
}

impl Moment {
    /// The instant bound to `$n` in the as-of statements; far in the future
    /// for `Now`, whose statements do not read it.
    pub fn instant(self) -> DateTime<Utc> {
        match self {
            Moment::Now => DateTime::<Utc>::MAX_UTC,
            Moment::Before(at) => at,
        }
    }
}

/// A challenge as a report shows it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ChallengeState {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Int4)]
    pub number: i32,
    #[diesel(sql_type = Text)]
    pub title: String,
}

/// An action as a report shows it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ActionState {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Int4)]
    pub number: i32,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<SmallInt>)]
    pub effective_progress: Option<i16>,
    #[diesel(sql_type = Double)]
    pub weight: f64,
    #[diesel(sql_type = Array<SqlUuid>)]
    pub challenge_ids: Vec<Uuid>,
    /// `plan` or `regionalProposal`.
    #[diesel(sql_type = Text)]
    pub origin: String,
    /// The proposal whose acceptance created it.
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub proposal_id: Option<Uuid>,
}

/// The initiatives of one action (and one region, or all regions) in one
/// status: how many, the sums the roll-up needs, and how many are stale.
#[derive(Debug, Clone, QueryableByName)]
pub struct GroupRow {
    #[diesel(sql_type = SqlUuid)]
    pub action_id: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    pub region_id: Option<String>,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub initiatives: i64,
    #[diesel(sql_type = Double)]
    pub weighted_sum: f64,
    #[diesel(sql_type = Double)]
    pub weight_total: f64,
    #[diesel(sql_type = BigInt)]
    pub counted: i64,
    #[diesel(sql_type = BigInt)]
    pub excluded: i64,
    #[diesel(sql_type = BigInt)]
    pub stale: i64,
}

/// An initiative without a recent update.
#[derive(Debug, Clone, QueryableByName)]
pub struct StaleInitiative {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = SqlUuid)]
    pub action_id: Uuid,
    #[diesel(sql_type = Array<Text>)]
    pub region_ids: Vec<String>,
    #[diesel(sql_type = Nullable<Date>)]
    pub last_progress_on: Option<NaiveDate>,
    #[diesel(sql_type = Date)]
    pub last_day: NaiveDate,
}

/// The latest write a report includes.
#[derive(Debug, Clone, QueryableByName)]
pub struct LatestWrite {
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id: Option<i64>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub at: Option<DateTime<Utc>>,
    /// The snapshot the statement read (`pg_current_snapshot()`), which in a
    /// repeatable-read transaction is the transaction's.
    #[diesel(sql_type = Text)]
    pub snapshot: String,
}

const CHALLENGES_NOW: &str = "
    SELECT id, code, number, title FROM challenges WHERE plan_id = $1 ORDER BY number, id";
const CHALLENGES_BEFORE: &str = "
    SELECT id, code, number, title FROM (
        SELECT DISTINCT ON (challenge_id) challenge_id AS id, code, number, title, deleted
          FROM challenge_versions WHERE plan_id = $1 AND recorded_at < $2
         ORDER BY challenge_id, seq DESC) v
     WHERE NOT deleted ORDER BY number, id";

const ACTIONS_NOW: &str = "
    SELECT a.id, a.code, a.number, a.title, a.status, a.effective_progress, a.weight,
           ARRAY(SELECT c.challenge_id FROM action_challenges c WHERE c.action_id = a.id ORDER BY 1)
             AS challenge_ids, a.origin, a.proposal_id
      FROM actions a WHERE a.plan_id = $1 ORDER BY a.number, a.id";
const ACTIONS_BEFORE: &str = "
    SELECT id, code, number, title, status, effective_progress, weight, challenge_ids, origin,
           proposal_id FROM (
        SELECT DISTINCT ON (action_id) action_id AS id, code, number, title, status,
               effective_progress, weight, challenge_ids, deleted, origin, proposal_id
          FROM action_versions WHERE plan_id = $1 AND recorded_at < $2
         ORDER BY action_id, seq DESC) v
     WHERE NOT deleted ORDER BY number, id";

/// The plan's initiatives now: id, action, status, progress, weight and the
/// Brussels day of their last update (their creation when none).
const INITIATIVES_NOW: &str = "
    SELECT i.id, i.action_id, i.code, i.title, i.status, i.effective_progress, i.weight,
           COALESCE(i.last_progress_on, (i.created_at AT TIME ZONE 'Europe/Brussels')::date) AS last_day,
           i.last_progress_on,
           ARRAY(SELECT r.region_id FROM initiative_regions r WHERE r.initiative_id = i.id ORDER BY 1)
             AS region_ids
      FROM initiatives i WHERE i.plan_id = $1";
const INITIATIVES_BEFORE: &str = "
    SELECT id, action_id, code, title, status, effective_progress, weight, last_day,
           last_progress_on, region_ids FROM (
        SELECT DISTINCT ON (initiative_id) initiative_id AS id, action_id, code, title, status,
               effective_progress, weight, last_progress_on, region_ids, deleted,
               COALESCE(last_progress_on, (created_at AT TIME ZONE 'Europe/Brussels')::date) AS last_day
          FROM initiative_versions WHERE plan_id = $1 AND recorded_at < $2
         ORDER BY initiative_id, seq DESC) v
     WHERE NOT deleted";

/// What makes an initiative count in a roll-up, and what makes it stale: not
/// finished (completed or dropped) and no update since the day `$3`.
const COUNTS: &str = "i.status <> 'dropped' AND i.weight > 0";
const STALE: &str = "i.status NOT IN ('completed', 'dropped') AND i.last_day < $3";

pub async fn challenges(
    conn: &mut AsyncPgConnection,
    plan_id: Uuid,
    at: Moment,
) -> StorageResult<Vec<ChallengeState>> {
    let statement = match at {
        Moment::Now => CHALLENGES_NOW,
        Moment::Before(_) => CHALLENGES_BEFORE,
    };
    let query = diesel::sql_query(statement).bind::<SqlUuid, _>(plan_id);
    Ok(match at {
        Moment::Now => query.load(conn).await?,
        Moment::Before(t) => query.bind::<Timestamptz, _>(t).load(conn).await?,
    })
}

pub async fn actions(
    conn: &mut AsyncPgConnection,
    plan_id: Uuid,
    at: Moment,
) -> StorageResult<Vec<ActionState>> {
    let statement = match at {
        Moment::Now => ACTIONS_NOW,
        Moment::Before(_) => ACTIONS_BEFORE,
    };
    let query = diesel::sql_query(statement).bind::<SqlUuid, _>(plan_id);
    Ok(match at {
        Moment::Now => query.load(conn).await?,
        Moment::Before(t) => query.bind::<Timestamptz, _>(t).load(conn).await?,
    })
}

fn initiatives_source(at: Moment) -> &'static str {
    match at {
        Moment::Now => INITIATIVES_NOW,
        Moment::Before(_) => INITIATIVES_BEFORE,
    }
}

/// The plan's initiatives grouped by action and status, over all regions
/// (`region_id` absent) and per region. Stale: not finished and no update
/// since `stale_before`.
///
/// Now, the counts and sums come from `initiative_sums`, which the writing
/// transactions keep (migration 000010), and the stale initiatives are
/// counted over an index of the unfinished ones by their last day: directly
/// when they are the fewer, else as the unfinished less the recent ones. As
/// of a moment, everything is grouped from the versions recorded before it.
pub async fn groups(
    conn: &mut AsyncPgConnection,
    plan_id: Uuid,
    at: Moment,
    stale_before: NaiveDate,
) -> StorageResult<Vec<GroupRow>> {
    if at == Moment::Now {
        return sums::groups_now(conn, plan_id, stale_before).await;
    }
    let sums = format!(
        "COUNT(*) AS initiatives,
         COALESCE(SUM(i.weight * i.effective_progress) FILTER (WHERE {COUNTS}), 0)::float8
           AS weighted_sum,
         COALESCE(SUM(i.weight) FILTER (WHERE {COUNTS}), 0)::float8 AS weight_total,
         COUNT(*) FILTER (WHERE {COUNTS}) AS counted,
         COUNT(*) FILTER (WHERE NOT ({COUNTS})) AS excluded,
         COUNT(*) FILTER (WHERE {STALE}) AS stale"
    );
    let statement = format!(
        "WITH i AS ({INITIATIVES_BEFORE})
         SELECT i.action_id, NULL::text AS region_id, i.status, {sums}
           FROM i GROUP BY i.action_id, i.status
         UNION ALL
         SELECT i.action_id, r.region_id, i.status, {sums}
           FROM i CROSS JOIN LATERAL unnest(i.region_ids) AS r (region_id)
          GROUP BY i.action_id, r.region_id, i.status"
    );
    Ok(diesel::sql_query(statement)
        .bind::<SqlUuid, _>(plan_id)
        .bind::<Timestamptz, _>(at.instant())
        .bind::<Date, _>(stale_before)
        .load(conn)
        .await?)
}

/// The plan's initiatives that are not finished and have had no update since
/// `stale_before`, oldest update first, then by code; in `region` when given.
pub async fn stale_initiatives(
    conn: &mut AsyncPgConnection,
    plan_id: Uuid,
    at: Moment,
    stale_before: NaiveDate,
    region: Option<&str>,
) -> StorageResult<Vec<StaleInitiative>> {
    let statement = format!(
        "WITH i AS ({source})
         SELECT i.id, i.code, i.title, i.status, i.action_id, i.region_ids, i.last_progress_on,
                i.last_day
           FROM i
          WHERE {STALE} AND ($4::text IS NULL OR $4 = ANY (i.region_ids))
          ORDER BY i.last_day, i.code, i.id",
        source = initiatives_source(at),
    );
    Ok(diesel::sql_query(statement)
        .bind::<SqlUuid, _>(plan_id)
        .bind::<Timestamptz, _>(at.instant())
        .bind::<Date, _>(stale_before)
        .bind::<Nullable<Text>, _>(region)
        .load(conn)
        .await?)
}

/// The latest audited write recorded before `at` (any write, now), if any,
/// and the snapshot read.
pub async fn latest_write(conn: &mut AsyncPgConnection, at: Moment) -> StorageResult<LatestWrite> {
    let rows: Vec<LatestWrite> = diesel::sql_query(
        "SELECT l.id, l.at, pg_current_snapshot()::text AS snapshot
           FROM (SELECT 1) one
           LEFT JOIN LATERAL (SELECT id, at FROM audit_log WHERE at < $1
                               ORDER BY at DESC, id DESC LIMIT 1) l ON true",
    )
    .bind::<Timestamptz, _>(at.instant())
    .load(conn)
    .await?;
    rows.into_iter()
        .next()
        .ok_or_else(|| diesel::result::Error::NotFound.into())
}

/// Whether a write was committed that the snapshot `seen` (the text of a
/// `pg_snapshot`) did not see: an audit entry of a transaction it did not
/// see, other than of the resources `ignoring`. Every write path records an
/// audit entry in its own transaction. Also the snapshot this statement read
/// with: when nothing was written, what was true at `seen` is true at it.
pub async fn written_since(
    conn: &mut AsyncPgConnection,
    seen: &str,
    ignoring: &[&str],
) -> StorageResult<(bool, String)> {
    #[derive(QueryableByName)]
    struct Written {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        written: bool,
        #[diesel(sql_type = Text)]
        now: String,
    }
    let rows: Vec<Written> = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM audit_log
                         WHERE xid >= pg_snapshot_xmin($1::pg_snapshot)
                           AND NOT pg_visible_in_snapshot(xid, $1::pg_snapshot)
                           AND resource <> ALL ($2)) AS written,
                pg_current_snapshot()::text AS now",
    )
    .bind::<Text, _>(seen)
    .bind::<Array<Text>, _>(ignoring)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .next()
        .map_or((true, String::new()), |r| (r.written, r.now)))
}

/// The snapshot a statement run now reads with (`pg_current_snapshot()`).
pub async fn current_snapshot(conn: &mut AsyncPgConnection) -> StorageResult<String> {
    #[derive(QueryableByName)]
    struct Now {
        #[diesel(sql_type = Text)]
        now: String,
    }
    let rows: Vec<Now> = diesel::sql_query("SELECT pg_current_snapshot()::text AS now")
        .load(conn)
        .await?;
    rows.into_iter()
        .next()
        .map(|r| r.now)
        .ok_or_else(|| diesel::result::Error::NotFound.into())
}

/// An indicator with the end of the latest period it has a measurement for.
#[derive(Debug, Clone, QueryableByName)]
pub struct IndicatorLatest {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub granularity: String,
    #[diesel(sql_type = Text)]
    pub subject_type: String,
    #[diesel(sql_type = SqlUuid)]
    pub subject_id: Uuid,
    #[diesel(sql_type = Date)]
    pub created_on: NaiveDate,
    #[diesel(sql_type = Nullable<Date>)]
    pub last_period_end: Option<NaiveDate>,
}

/// Which indicators a report covers: those of one plan (attached to it, to
/// one of its actions or initiatives), or all of them.
const INDICATOR_SCOPE: &str = "
    ($1::uuid IS NULL
     OR i.plan_id = $1
     OR i.action_id IN (SELECT id FROM actions WHERE plan_id = $1)
     OR i.initiative_id IN (SELECT id FROM initiatives WHERE plan_id = $1))";

/// The indicators in scope with the latest period they have a current
/// measurement for.
pub async fn indicators_latest(
    conn: &mut AsyncPgConnection,
    plan_id: Option<Uuid>,
) -> StorageResult<Vec<IndicatorLatest>> {
    let statement = format!(
        "SELECT i.id, i.code, i.name, i.granularity,
                CASE WHEN i.plan_id IS NOT NULL THEN 'plan'
                     WHEN i.action_id IS NOT NULL THEN 'action'
                     WHEN i.initiative_id IS NOT NULL THEN 'initiative'
                     ELSE 'gboProject' END AS subject_type,
                COALESCE(i.plan_id, i.action_id, i.initiative_id, i.gbo_project_id) AS subject_id,
                (i.created_at AT TIME ZONE 'Europe/Brussels')::date AS created_on,
                (SELECT max(m.period_end) FROM measurements m
                  WHERE m.indicator_id = i.id AND m.deleted_at IS NULL) AS last_period_end
           FROM indicators i
          WHERE {INDICATOR_SCOPE}
          ORDER BY i.code, i.id"
    );
    Ok(diesel::sql_query(statement)
        .bind::<Nullable<SqlUuid>, _>(plan_id)
        .load(conn)
        .await?)
}

/// The plans' ids, codes and titles, by code; published ones only when
/// `published_only`.
pub async fn plans(
    conn: &mut AsyncPgConnection,
    published_only: bool,
) -> StorageResult<Vec<(Uuid, String, String)>> {
    use super::schema::plans;
    use diesel::{ExpressionMethods, QueryDsl};
    let mut q = plans::table
        .order(plans::code.asc())
        .select((plans::id, plans::code, plans::title))
        .into_boxed();
    if published_only {
        q = q.filter(plans::status.ne("draft"));
    }
    Ok(q.load(conn).await?)
}

/// Whether anything of the plan had been recorded before `at`: a version of
/// one of its challenges, actions or initiatives.
pub async fn existed(
    conn: &mut AsyncPgConnection,
    plan_id: Uuid,
    at: DateTime<Utc>,
) -> StorageResult<bool> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        found: bool,
    }
    let row: Found = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM challenge_versions WHERE plan_id = $1 AND recorded_at < $2)
             OR EXISTS (SELECT 1 FROM action_versions WHERE plan_id = $1 AND recorded_at < $2)
             OR EXISTS (SELECT 1 FROM initiative_versions WHERE plan_id = $1 AND recorded_at < $2)
             AS found",
    )
    .bind::<SqlUuid, _>(plan_id)
    .bind::<Timestamptz, _>(at)
    .get_result(conn)
    .await?;
    Ok(row.found)
}
