//! Idempotency keys: a create retried with the same key and request gets the
//! first answer again. The HTTP layer names the key and keeps the answer; the
//! claim, the answer and its release are kept here.

use uuid::Uuid;

use super::{Conn, ServiceResult};
use crate::storage::idempotency as store;

pub use crate::storage::idempotency::{Claim, Completed};

/// Claims `key` for `caller`, or returns what an earlier request with it left.
pub async fn claim(
    conn: &mut Conn,
    caller: Uuid,
    key: &str,
    request_hash: &[u8],
) -> ServiceResult<Claim> {
    Ok(store::claim(conn, caller, key, request_hash).await?)
}

/// Keeps the answer of the request that claimed `key`.
pub async fn complete(
    conn: &mut Conn,
    caller: Uuid,
    key: &str,
    answer: Completed<'_>,
) -> ServiceResult<()> {
    Ok(store::complete(conn, caller, key, answer).await?)
}

/// Frees `key`: the request that claimed it was refused or failed, so it did not happen.
pub async fn release(conn: &mut Conn, caller: Uuid, key: &str) -> ServiceResult<()> {
    Ok(store::release(conn, caller, key).await?)
}
