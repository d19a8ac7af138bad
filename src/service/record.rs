//! The one sequence every write of a versioned record runs, in one
//! transaction: lock the record, ask whether the caller may make this change,
//! compare the version, write, and record the change in the audit log.
//!
//! A resource says how its records are locked and shown ([`Record`]); a use
//! case says what it admits and writes ([`Change`], [`Creation`]); [`change`]
//! and [`create`] put them in order.

use std::future::Future;

use diesel_async::AsyncConnection;
use serde::Serialize;

use super::{Conn, ServiceError, ServiceResult, Writer, snapshot};
use crate::domain::Principal;
use crate::storage::audit;

/// A representation of a record that clients see and the audit log stores.
pub trait Audited: Serialize + Send {
    /// The name the audit log files this kind of record under.
    const RESOURCE: &'static str;
    /// The record's key in the audit log.
    fn audit_key(&self) -> String;
    /// The version a write must name in `If-Match`.
    fn version(&self) -> i32;
    /// The record's URL.
    fn self_link(&self) -> String;
}

/// A kind of record written under a version and an audit entry.
pub trait Record: Sized + Send + Sync {
    type Key: ?Sized + Sync;
    type View: Audited;
    /// Reads the record and locks it until the transaction ends.
    fn lock(conn: &mut Conn, key: &Self::Key) -> impl Future<Output = ServiceResult<Self>> + Send;
    /// The record as clients see it.
    fn view(&self) -> ServiceResult<Self::View>;
}

/// A change of an existing record: an update or a removal.
pub trait Change<R: Record>: Send + Sync {
    /// What admission finds out that the write needs too (a lookup made once).
    type Admission: Default + Send;
    /// Permission and the rules that refuse the change whatever the version:
    /// a 403 or a 400 comes before a 412.
    /// Admits every change by default.
    fn admit(
        &self,
        conn: &mut Conn,
        principal: &Principal,
        current: &R,
    ) -> impl Future<Output = ServiceResult<Self::Admission>> + Send {
        let _ = (conn, principal, current);
        async { Ok(Self::Admission::default()) }
    }
    /// A fact the audit entry records beside the record's fields, such as a
    /// password reset that the record itself does not show.
    fn audit_note(&self) -> Option<(&'static str, serde_json::Value)> {
        None
    }
    /// Writes the change; the record after it, `None` when it is gone.
    fn apply(
        self,
        conn: &mut Conn,
        current: R,
        admission: Self::Admission,
    ) -> impl Future<Output = ServiceResult<Option<R::View>>> + Send;
}

/// A new record.
pub trait Creation: Send + Sync {
    type View: Audited;
    /// What admission finds out that the insert needs too (a lookup made once).
    type Admission: Default + Send;
    /// Permission and the rules that need the database (references, scope).
    /// Admits every new record by default.
    fn admit(
        &self,
        conn: &mut Conn,
        principal: &Principal,
    ) -> impl Future<Output = ServiceResult<Self::Admission>> + Send {
        let _ = (conn, principal);
        async { Ok(Self::Admission::default()) }
    }
    /// Writes the record and returns it.
    fn insert(
        self,
        conn: &mut Conn,
        admission: Self::Admission,
    ) -> impl Future<Output = ServiceResult<Self::View>> + Send;
}

/// Runs `change` on the record `key` if its version is `expected`.
pub async fn change<R: Record, C: Change<R>>(
    conn: &mut Conn,
    writer: &Writer<'_>,
    key: &R::Key,
    expected: i32,
    change: C,
) -> ServiceResult<Option<R::View>> {
    change_at(conn, writer, key, Some(expected), change).await
}

/// Runs `change` on the record `key` if its version is `expected`, or
/// whatever its version when `expected` is `None`: for a step whose rules
/// (the record's state, checked under its lock) already keep two writers
/// apart.
pub async fn change_at<R: Record, C: Change<R>>(
    conn: &mut Conn,
    writer: &Writer<'_>,
    key: &R::Key,
    expected: Option<i32>,
    change: C,
) -> ServiceResult<Option<R::View>> {
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let current = R::lock(conn, key).await?;
        let admission = change.admit(conn, writer.principal, &current).await?;
        let before = current.view()?;
        if expected.is_some_and(|v| v != before.version()) {
            return Err(ServiceError::Stale);
        }
        let note = change.audit_note();
        let after = change.apply(conn, current, admission).await?;
        let mut after_snapshot = after.as_ref().map(snapshot).transpose()?;
        if let (Some(serde_json::Value::Object(fields)), Some((name, value))) =
            (after_snapshot.as_mut(), note)
        {
            fields.insert(name.to_owned(), value);
        }
        audit::record(
            conn,
            writer.actor(),
            R::View::RESOURCE,
            &before.audit_key(),
            Some(&snapshot(&before)?),
            after_snapshot.as_ref(),
        )
        .await?;
        Ok(after)
    })
    .await
}

/// Runs `creation` and records the new record in the audit log.
pub async fn create<C: Creation>(
    conn: &mut Conn,
    writer: &Writer<'_>,
    creation: C,
) -> ServiceResult<C::View> {
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let admission = creation.admit(conn, writer.principal).await?;
        let view = creation.insert(conn, admission).await?;
        audit::record(
            conn,
            writer.actor(),
            C::View::RESOURCE,
            &view.audit_key(),
            None,
            Some(&snapshot(&view)?),
        )
        .await?;
        Ok(view)
    })
    .await
}

/// Runs an update: `change` on the record `key` if its version is `expected`.
pub async fn update<R: Record, C: Change<R>>(
    conn: &mut Conn,
    writer: &Writer<'_>,
    key: &R::Key,
    expected: i32,
    update: C,
) -> ServiceResult<R::View> {
    change(conn, writer, key, expected, update)
        .await?
        .ok_or_else(|| ServiceError::Internal("an update removed its record".into()))
}

/// Removing a record. Each resource says, in its `Change` for `Removal`, what
/// must not refer to the record any more.
pub struct Removal;

/// Removes the record `key` if its version is `expected`.
pub async fn remove<R: Record>(
    conn: &mut Conn,
    writer: &Writer<'_>,
    key: &R::Key,
    expected: i32,
) -> ServiceResult<()>
where
    Removal: Change<R>,
{
    change(conn, writer, key, expected, Removal).await?;
    Ok(())
}

/// Removes the record `key` if `permitted` lets the caller and the version
/// named is the current one. The role is asked before the version is
/// required: a 403 comes before a 428.
pub async fn remove_as<R: Record>(
    conn: &mut Conn,
    writer: &Writer<'_>,
    permitted: impl FnOnce(&Principal) -> ServiceResult<()>,
    key: &R::Key,
    version: Option<i32>,
) -> ServiceResult<()>
where
    Removal: Change<R>,
{
    permitted(writer.principal)?;
    remove::<R>(conn, writer, key, expected(version)?).await
}

/// Refuses a removal while `references` (what still refers to the record) is not empty.
pub fn unreferenced(references: Vec<String>, message: &str) -> ServiceResult<()> {
    if references.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Conflict(format!(
            "{message} {}",
            references.join(", ")
        )))
    }
}

/// Records a write that has no versioned record to show (an API key, a
/// password), with the facts before and after it.
pub async fn log(
    conn: &mut Conn,
    writer: &Writer<'_>,
    resource: &str,
    key: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> ServiceResult<()> {
    Ok(audit::record(conn, writer.actor(), resource, key, before, after).await?)
}

/// The version a write names, required once the caller is known to be allowed.
pub fn expected(version: Option<i32>) -> ServiceResult<i32> {
    version.ok_or(ServiceError::VersionRequired)
}

/// Implements [`Audited`] for a view and [`Record`] for its row, for a record
/// keyed by its uuid `id` and versioned by its `version`:
/// `uuid_record!(PlanRow => Plan, "plan", lock = store::lock_plan, view = Plan::from_row)`.
/// `view = From` shows the row through the view's `From<Row>`; any other
/// `view` is a function from the row to `ServiceResult<View>`.
macro_rules! uuid_record {
    ($row:ty => $view:ty, $resource:literal, lock = $lock:path, view = From) => {
        $crate::service::record::uuid_record!(
            @impl $row, $view, $resource, $lock, row => Ok(<$view>::from(row))
        );
    };
    ($row:ty => $view:ty, $resource:literal, lock = $lock:path, view = $convert:path) => {
        $crate::service::record::uuid_record!(@impl $row, $view, $resource, $lock, row => $convert(row));
    };
    (@impl $row:ty, $view:ty, $resource:literal, $lock:path, $r:ident => $convert:expr) => {
        impl $crate::service::record::Audited for $view {
            const RESOURCE: &'static str = $resource;
            fn audit_key(&self) -> String {
                self.id.to_string()
            }
            fn version(&self) -> i32 {
                self.version
            }
            fn self_link(&self) -> String {
                self.self_link.to_string()
            }
        }

        impl $crate::service::record::Record for $row {
            type Key = ::uuid::Uuid;
            type View = $view;
            async fn lock(
                conn: &mut $crate::service::Conn,
                id: &::uuid::Uuid,
            ) -> $crate::service::ServiceResult<Self> {
                Ok($lock(conn, *id).await?)
            }
            fn view(&self) -> $crate::service::ServiceResult<$view> {
                let $r = self.clone();
                $convert
            }
        }
    };
}
pub(crate) use uuid_record;

/// Makes the rest of the transaction record its writes as made at `at`
/// (`None`: now), for a history entered after the fact: the example data set
/// enters its timelines as if written on the days they tell, so that an
/// as-of report of an earlier day shows what was known then.
pub async fn recorded_at(
    conn: &mut Conn,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> ServiceResult<()> {
    Ok(crate::storage::history::record_at(conn, at).await?)
}
