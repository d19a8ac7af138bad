//! Import jobs and the outcome of each of their rows.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Int4, Jsonb, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;
use uuid::Uuid;

use super::StorageResult;
use super::schema::{import_jobs, import_rows};
use crate::domain::Page;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = import_jobs)]
pub struct JobRow {
    pub id: Uuid,
    pub resource: String,
    pub mode: String,
    pub atomic: bool,
    pub format: String,
    pub status: String,
    pub file_sha256: String,
    pub file_bytes: i64,
    pub rows_read: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub rejected: i32,
    pub failure: Option<Value>,
    pub owner_id: Uuid,
    pub owner_kind: String,
    pub idempotency_key: Option<String>,
    pub beat_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = import_jobs, treat_none_as_default_value = false)]
pub struct NewJob {
    pub resource: String,
    pub mode: String,
    pub atomic: bool,
    pub format: String,
    pub status: String,
    pub file_sha256: String,
    pub file_bytes: i64,
    pub owner_id: Uuid,
    pub owner_kind: String,
    pub idempotency_key: Option<String>,
}

/// Files a new job; `None` when the owner has one under the same
/// idempotency key already.
pub async fn insert(conn: &mut AsyncPgConnection, job: NewJob) -> StorageResult<Option<JobRow>> {
    Ok(diesel::insert_into(import_jobs::table)
        .values(job)
        .on_conflict_do_nothing()
        .returning(JobRow::as_returning())
        .get_result(conn)
        .await
        .optional()?)
}

pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<Option<JobRow>> {
    Ok(import_jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

pub async fn by_key(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    key: &str,
) -> StorageResult<Option<JobRow>> {
    Ok(import_jobs::table
        .filter(import_jobs::owner_id.eq(owner))
        .filter(import_jobs::idempotency_key.eq(key))
        .select(JobRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The jobs `owner` filed (every job when none), newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    owner: Option<Uuid>,
    page: &Page,
) -> StorageResult<(Vec<JobRow>, i64)> {
    let query = || {
        let mut q = import_jobs::table.into_boxed();
        if let Some(owner) = owner {
            q = q.filter(import_jobs::owner_id.eq(owner));
        }
        q
    };
    let total = query().count().get_result(conn).await?;
    let rows = query()
        .order((import_jobs::created_at.desc(), import_jobs::id.desc()))
        .offset(page.offset)
        .limit(page.limit)
        .select(JobRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// The job is being run, and its runner is alive now.
pub async fn start(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::update(import_jobs::table.find(id))
        .set((
            import_jobs::status.eq("running"),
            import_jobs::started_at.eq(diesel::dsl::now),
            import_jobs::beat_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The runner of a job that is still running is alive now.
pub async fn beat(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::update(import_jobs::table.find(id))
        .filter(import_jobs::status.eq_any(["queued", "running"]))
        .set(import_jobs::beat_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(())
}

/// How a job ended.
#[derive(Debug, Clone, Default)]
pub struct Ending {
    pub status: &'static str,
    pub rows_read: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub rejected: i32,
    pub failure: Option<Value>,
}

/// Ends a job that has not ended yet; false when it had (a job failed as
/// stalled while its runner was still at work stays failed).
pub async fn finish(conn: &mut AsyncPgConnection, id: Uuid, end: &Ending) -> StorageResult<bool> {
    let changed = diesel::update(import_jobs::table.find(id))
        .filter(import_jobs::status.eq_any(["queued", "running"]))
        .set((
            import_jobs::status.eq(end.status),
            import_jobs::rows_read.eq(end.rows_read),
            import_jobs::created.eq(end.created),
            import_jobs::updated.eq(end.updated),
            import_jobs::unchanged.eq(end.unchanged),
            import_jobs::rejected.eq(end.rejected),
            import_jobs::failure.eq(&end.failure),
            import_jobs::finished_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(changed == 1)
}

/// Fails the jobs whose runner has not beaten for `seconds`: the server that
/// ran them stopped. Their writes were never committed.
pub async fn fail_stalled(
    conn: &mut AsyncPgConnection,
    seconds: i32,
    failure: &Value,
) -> StorageResult<usize> {
    Ok(diesel::sql_query(
        "UPDATE import_jobs SET status = 'failed', failure = $2, finished_at = now()
          WHERE status IN ('queued', 'running')
            AND beat_at < now() - make_interval(secs => $1)",
    )
    .bind::<Int4, _>(seconds)
    .bind::<Jsonb, _>(failure)
    .execute(conn)
    .await?)
}

/// The outcome of one row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = import_rows)]
pub struct RowOutcome {
    pub record: i32,
    pub line: i32,
    pub outcome: String,
    pub resource_id: Option<String>,
    pub issues: Option<Value>,
}

/// Files the outcomes of rows of a job, all in one statement.
pub async fn insert_rows(
    conn: &mut AsyncPgConnection,
    job: Uuid,
    rows: &[RowOutcome],
) -> StorageResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&RowOutcome) -> i32| rows.iter().map(f).collect::<Vec<i32>>();
    diesel::sql_query(
        "INSERT INTO import_rows (job_id, record, line, outcome, resource_id, issues)
         SELECT $1, r, l, o, i, s
           FROM unnest($2::int4[], $3::int4[], $4::text[], $5::text[], $6::jsonb[]) AS u(r, l, o, i, s)",
    )
    .bind::<SqlUuid, _>(job)
    .bind::<Array<Int4>, _>(column(|r| r.record))
    .bind::<Array<Int4>, _>(column(|r| r.line))
    .bind::<Array<Text>, _>(rows.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(
        rows.iter()
            .map(|r| r.resource_id.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<Jsonb>>, _>(rows.iter().map(|r| r.issues.as_ref()).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(())
}

/// A page of a job's rows, in the file's order; only those with `outcome`
/// when given.
pub async fn rows(
    conn: &mut AsyncPgConnection,
    job: Uuid,
    outcome: Option<&str>,
    page: &Page,
) -> StorageResult<(Vec<RowOutcome>, i64)> {
    let query = || {
        let mut q = import_rows::table
            .filter(import_rows::job_id.eq(job))
            .into_boxed();
        if let Some(outcome) = outcome {
            q = q.filter(import_rows::outcome.eq(outcome.to_owned()));
        }
        q
    };
    let total = query().count().get_result(conn).await?;
    let rows = query()
        .order(import_rows::record.asc())
        .offset(page.offset)
        .limit(page.limit)
        .select(RowOutcome::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// A table, for the rest of the transaction, of the keys an import's rows
/// named so far.
pub async fn begin_keys(conn: &mut AsyncPgConnection) -> StorageResult<()> {
    diesel::sql_query(
        "CREATE TEMPORARY TABLE import_keys (key text PRIMARY KEY, record int4 NOT NULL, line int4 NOT NULL)
         ON COMMIT DROP",
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(QueryableByName)]
struct Seen {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Int4)]
    record: i32,
    #[diesel(sql_type = Int4)]
    line: i32,
}

/// Which of `keys` earlier rows named, with the record and line of the row.
pub async fn keys_seen(
    conn: &mut AsyncPgConnection,
    keys: &[String],
) -> StorageResult<std::collections::HashMap<String, (u32, u32)>> {
    if keys.is_empty() {
        return Ok(Default::default());
    }
    let found: Vec<Seen> =
        diesel::sql_query("SELECT key, record, line FROM import_keys WHERE key = ANY ($1)")
            .bind::<Array<Text>, _>(keys)
            .load(conn)
            .await?;
    Ok(found
        .into_iter()
        .map(|s| (s.key, (s.record as u32, s.line as u32)))
        .collect())
}

/// Keeps the keys rows named, with their record and line.
pub async fn keep_keys(
    conn: &mut AsyncPgConnection,
    keys: &[(String, u32, u32)],
) -> StorageResult<()> {
    if keys.is_empty() {
        return Ok(());
    }
    diesel::sql_query(
        "INSERT INTO import_keys (key, record, line)
         SELECT * FROM unnest($1::text[], $2::int4[], $3::int4[]) ON CONFLICT DO NOTHING",
    )
    .bind::<Array<Text>, _>(keys.iter().map(|k| k.0.as_str()).collect::<Vec<_>>())
    .bind::<Array<Int4>, _>(keys.iter().map(|k| k.1 as i32).collect::<Vec<_>>())
    .bind::<Array<Int4>, _>(keys.iter().map(|k| k.2 as i32).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(())
}
