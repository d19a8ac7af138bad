//! Whether something read from the database still holds: a reading is kept
//! with the snapshot it was read at ([`ReadAt`]), and holds while no write it
//! could see has been committed since. Every write path records an audit
//! entry in its own transaction, so one indexed look at the audit log
//! answers, in the database, for every instance alike.

use crate::service::{Conn, ServiceResult};
use crate::storage::reports as store;

/// The database snapshot something was read at: while no write has been
/// committed since (see [`unchanged_since`]), the same reading done now
/// would give the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ReadAt(String);

impl ReadAt {
    /// The snapshot as PostgreSQL writes a `pg_snapshot`; empty when unknown.
    pub fn text(&self) -> &str {
        &self.0
    }

    /// The snapshot a statement read with, as PostgreSQL wrote it.
    pub(in crate::service) fn new(snapshot: String) -> Self {
        ReadAt(snapshot)
    }

    /// The snapshot of now. A reading done after this on the same server
    /// sees at least what it saw: kept with it, the reading is taken for
    /// stale after any write committed in between, never for fresh after one.
    pub async fn now(conn: &mut Conn) -> ServiceResult<Self> {
        Ok(ReadAt(store::current_snapshot(conn).await?))
    }
}

/// The latest snapshot a kept reading is known to hold at, moved on each time
/// it is found to hold still (so that the next look is short).
#[derive(Debug, Default)]
pub struct HoldsAt(std::sync::Mutex<ReadAt>);

impl HoldsAt {
    pub fn new(at: ReadAt) -> Self {
        HoldsAt(std::sync::Mutex::new(at))
    }

    /// The snapshot; empty (never fresh) if a writer panicked while moving it.
    pub fn get(&self) -> ReadAt {
        self.0.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Moves it to `now`, at which the reading was found to hold too.
    pub fn move_to(&self, now: ReadAt) {
        if let Ok(mut at) = self.0.lock() {
            *at = now;
        }
    }
}

/// When no write has been committed since `at` other than to the resources
/// `ignoring` (audit log names), so that what was read then still holds: the
/// snapshot of now, at which it holds as well (keeping that instead of `at`
/// keeps the next look short).
pub async fn unchanged_since(
    conn: &mut Conn,
    ignoring: &[&str],
    at: &ReadAt,
) -> ServiceResult<Option<ReadAt>> {
    let (unchanged, now) = look(conn, ignoring, at).await?;
    Ok(unchanged.then_some(now))
}

/// Whether nothing has been written since `at` other than to the resources
/// `ignoring`, and the snapshot of now: what held at `at` holds at it when
/// nothing was, and what is read after it may be kept with it either way.
pub async fn look(
    conn: &mut Conn,
    ignoring: &[&str],
    at: &ReadAt,
) -> ServiceResult<(bool, ReadAt)> {
    if at.0.is_empty() {
        return Ok((false, ReadAt::now(conn).await?));
    }
    let (written, now) = store::written_since(conn, &at.0, ignoring).await?;
    Ok((!written && !now.is_empty(), ReadAt(now)))
}
