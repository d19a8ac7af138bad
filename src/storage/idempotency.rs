//! Idempotency records: the first answer to a `POST` with an `Idempotency-Key`,
//! per caller, kept for 24 hours so that a retry gets the same answer.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::schema::idempotency_records as records;

pub const RETENTION_HOURS: i64 = 24;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = records)]
pub struct Record {
    pub request_hash: Vec<u8>,
    pub status_code: Option<i32>,
    pub response_body: Option<Vec<u8>>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub enum Claim {
    /// The key is new: the caller runs the request and then completes or releases it.
    Claimed,
    /// The key was used before (or is in use now).
    Existing(Record),
}

/// Claims `key` for this caller, or returns the existing record.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    principal: Uuid,
    key: &str,
    request_hash: &[u8],
) -> StorageResult<Claim> {
    // Forget records past their retention first, so an old key can be used afresh.
    diesel::delete(
        records::table
            .filter(records::principal_id.eq(principal))
            .filter(records::key.eq(key))
            .filter(records::created_at.lt(Utc::now() - chrono::Duration::hours(RETENTION_HOURS))),
    )
    .execute(conn)
    .await?;
    let inserted = diesel::insert_into(records::table)
        .values((
            records::principal_id.eq(principal),
            records::key.eq(key),
            records::request_hash.eq(request_hash),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 1 {
        return Ok(Claim::Claimed);
    }
    let record = records::table
        .find((principal, key))
        .select(Record::as_select())
        .first(conn)
        .await?;
    Ok(Claim::Existing(record))
}

pub struct Completed<'a> {
    pub status_code: i32,
    pub body: &'a [u8],
    pub location: Option<&'a str>,
    pub etag: Option<&'a str>,
}

pub async fn complete(
    conn: &mut AsyncPgConnection,
    principal: Uuid,
    key: &str,
    done: Completed<'_>,
) -> StorageResult<()> {
    diesel::update(records::table.find((principal, key)))
        .set((
            records::status_code.eq(done.status_code),
            records::response_body.eq(done.body),
            records::location.eq(done.location),
            records::etag.eq(done.etag),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Gives the key up after a failure the client should be able to retry.
pub async fn release(
    conn: &mut AsyncPgConnection,
    principal: Uuid,
    key: &str,
) -> StorageResult<()> {
    diesel::delete(records::table.find((principal, key)))
        .execute(conn)
        .await?;
    Ok(())
}
