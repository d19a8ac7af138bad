//! Login throttling counters, kept in PostgreSQL so that every instance behind a
//! load balancer sees the same counts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::StorageResult;
use super::schema::login_throttle;

/// Seconds until the latest block among `keys` ends, if any is blocked now.
pub async fn blocked_for(
    conn: &mut AsyncPgConnection,
    keys: &[String],
) -> StorageResult<Option<u64>> {
    let until: Option<Option<DateTime<Utc>>> = login_throttle::table
        .filter(login_throttle::key.eq_any(keys))
        .filter(login_throttle::blocked_until.gt(diesel::dsl::now))
        .select(diesel::dsl::max(login_throttle::blocked_until))
        .first(conn)
        .await
        .optional()?;
    Ok(until
        .flatten()
        .map(|until| (until - Utc::now()).num_seconds().max(1) as u64))
}

/// Counts a failed attempt against `key`; at `limit` failures within the window
/// the key is blocked until the window ends.
pub async fn record_failure(
    conn: &mut AsyncPgConnection,
    key: &str,
    limit: i32,
    window_seconds: i64,
) -> StorageResult<()> {
    diesel::sql_query(
        "INSERT INTO login_throttle AS t (key, failures, window_started_at, blocked_until)
         VALUES ($1, 1, now(), CASE WHEN $2 <= 1 THEN now() + make_interval(secs => $3) END)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN t.window_started_at < now() - make_interval(secs => $3) THEN 1 ELSE t.failures + 1 END,
           window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => $3) THEN now() ELSE t.window_started_at END,
           blocked_until = CASE
             WHEN t.window_started_at >= now() - make_interval(secs => $3) AND t.failures + 1 >= $2
               THEN now() + make_interval(secs => $3)
             ELSE t.blocked_until END",
    )
    .bind::<Text, _>(key)
    .bind::<Integer, _>(limit)
    .bind::<BigInt, _>(window_seconds)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn clear(conn: &mut AsyncPgConnection, keys: &[String]) -> StorageResult<()> {
    diesel::delete(login_throttle::table.filter(login_throttle::key.eq_any(keys)))
        .execute(conn)
        .await?;
    Ok(())
}
