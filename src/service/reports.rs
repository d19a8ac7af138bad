//! Reports: read-only views over the plan and its results, computed from the
//! records (no batch job; a rendering is reused only while nothing has been
//! written since the snapshot it was read from, see [`unchanged_since`]), each in one
//! read-only transaction so that all its figures come from one snapshot of
//! the database. Every report says when it was generated, the latest write it
//! includes and what each figure is made of; each also gives its rows as one
//! result set ([`Table`]) for CSV, XLSX and HTML. A report's statements run
//! in one read-only, repeatable-read transaction: they all see one snapshot.
//!
//! Who sees what: a signed-in caller every plan, drafts included; an
//! anonymous caller, when the operator enabled public read, published plans
//! only, and no measurement.

pub mod indicator_results;
pub mod progress;
pub mod regional;
pub mod snapshot;
pub mod staleness;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::table::{Rows, Table};
use crate::domain::{InputIssue, Principal};
use crate::service::freshness;
pub use crate::service::freshness::ReadAt;
use crate::service::plans::PlanAudience;
use crate::service::{API_BASE, Conn, ServiceError, ServiceResult};
use crate::storage::plan as plan_store;
use crate::storage::reports::{self as store, Moment};

/// Who asks for a report.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    /// The signed-in caller; none for an anonymous one (public read).
    pub principal: Option<&'a Principal>,
}

impl Reader<'_> {
    pub fn audience(&self) -> PlanAudience {
        if self.principal.is_some() {
            PlanAudience::SignedIn
        } else {
            PlanAudience::Public
        }
    }

    /// The signed-in caller, or 401 for a report that shows measurements.
    pub fn signed_in(&self) -> ServiceResult<&Principal> {
        self.principal.ok_or(ServiceError::Unauthenticated(
            "this report shows measurements, which need a signed-in caller",
        ))
    }
}

/// What every report says about itself.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct About {
    /// When the report was computed. It is left out of the `ETag`, which
    /// changes only when a figure does.
    pub generated_at: DateTime<Utc>,
    /// Which report this is.
    pub report: &'static str,
    /// URL of this report, with its parameters.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The latest write the report includes; absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_change: Option<LatestChange>,
    /// The database snapshot the report was computed from.
    #[serde(skip)]
    pub read_at: ReadAt,
}

/// When nothing that `report` reads has been written since `at`, so that the
/// report computed then still holds: the snapshot of now, at which it holds
/// as well (keeping that instead of `at` keeps the next look short). A report
/// of the current state depends on the day too (staleness counts from it);
/// that is for the caller to compare.
pub async fn unchanged_since(
    conn: &mut Conn,
    report: &str,
    at: &ReadAt,
) -> ServiceResult<Option<ReadAt>> {
    freshness::unchanged_since(conn, unaffected_by(report), at).await
}

/// The resources whose writes cannot change `report`: plan progress reads
/// neither indicators nor measurements.
fn unaffected_by(report: &str) -> &'static [&'static str] {
    match report {
        "planProgress" => &["indicator", "measurement"],
        _ => &[],
    }
}

/// The latest write a report includes, from the audit log.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LatestChange {
    /// Its audit entry's number.
    pub id: i64,
    /// When it was written.
    pub at: DateTime<Utc>,
}

/// A plan a report is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanRef {
    pub id: Uuid,
    pub code: String,
    pub title: String,
}

/// A report's rows as one result set, for CSV, XLSX and HTML.
pub trait Tabular {
    /// What the report says about itself.
    fn about(&self) -> &About;
    /// The name of the worksheet and the file.
    fn name(&self) -> &'static str;
    /// Every row the report holds, with the same numbers as its JSON.
    fn table(&self) -> Table;
    /// The same rows made one at a time as they are written out: a report
    /// with many rows overrides this, so that CSV and XLSX never hold all its
    /// cells at once.
    fn rows(&self) -> Rows<'_> {
        self.table().into()
    }
}

/// The report's own description, with the latest write included at `at`.
pub(crate) async fn about(
    conn: &mut Conn,
    report: &'static str,
    query: &str,
    at: Moment,
) -> ServiceResult<About> {
    let latest = store::latest_write(conn, at).await?;
    Ok(About {
        read_at: ReadAt::new(latest.snapshot),
        generated_at: Utc::now(),
        report,
        self_link: if query.is_empty() {
            format!("{API_BASE}/reports/{report}")
        } else {
            format!("{API_BASE}/reports/{report}?{query}")
        },
        latest_change: latest
            .id
            .zip(latest.at)
            .map(|(id, at)| LatestChange { id, at }),
    })
}

/// The plan named by `key` (its id or its code), or 404 when there is none
/// or the reader may not see it.
pub(crate) async fn plan(conn: &mut Conn, key: &str, reader: Reader<'_>) -> ServiceResult<PlanRef> {
    let row = match key.parse::<Uuid>() {
        Ok(id) => plan_store::get_plan(conn, id).await.map(Some),
        Err(_) => plan_store::plan_by_code(conn, key).await,
    };
    let row = match row {
        Ok(Some(row)) => row,
        Ok(None) | Err(crate::storage::StorageError::NotFound) => {
            return Err(ServiceError::NotFound);
        }
        Err(e) => return Err(e.into()),
    };
    if reader.audience() == PlanAudience::Public && row.status == "draft" {
        return Err(ServiceError::NotFound);
    }
    Ok(PlanRef {
        id: row.id,
        code: row.code,
        title: row.title,
    })
}

/// The number of days after which an initiative without an update is stale,
/// when the caller does not say.
pub const STALE_AFTER_DAYS: i64 = 90;
/// The largest number of days a caller may ask for.
pub const MAX_STALE_DAYS: i64 = 3660;

/// The first day an initiative must have had an update since not to be stale
/// on `day`, after `days` days without one.
pub fn stale_before(day: NaiveDate, days: i64, name: &str) -> ServiceResult<NaiveDate> {
    if !(0..=MAX_STALE_DAYS).contains(&days) {
        return Err(ServiceError::invalid(
            InputIssue::query(
                name,
                format!("must be a whole number from 0 to {MAX_STALE_DAYS}"),
            )
            .with_value(days.into()),
        ));
    }
    Ok(day - chrono::Duration::days(days))
}

/// Checks that the region a report is filtered on exists: 400 naming the
/// parameter otherwise.
pub(crate) async fn region(conn: &mut Conn, id: &str) -> ServiceResult<()> {
    match crate::storage::reference::get_region(conn, id).await {
        Ok(_) => Ok(()),
        Err(crate::storage::StorageError::NotFound) => Err(ServiceError::invalid(
            InputIssue::query("region", "no such region").with_value(id.into()),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The plans the reader may see, by code.
pub(crate) async fn plans(conn: &mut Conn, reader: Reader<'_>) -> ServiceResult<Vec<PlanRef>> {
    let rows = store::plans(conn, reader.audience() == PlanAudience::Public).await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, title)| PlanRef { id, code, title })
        .collect())
}

/// How many reports that read measurements are computed at once. Others
/// wait for a turn before they take a database connection, so that a burst
/// of heavy reports bounds the memory they use and leaves connections for
/// every other request.
const HEAVY_AT_ONCE: usize = 2;
static HEAVY: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(HEAVY_AT_ONCE);

/// A turn to compute a report that reads measurements; held until dropped.
pub async fn turn() -> Option<tokio::sync::SemaphorePermit<'static>> {
    // The semaphore is never closed: acquiring cannot fail.
    HEAVY.acquire().await.ok()
}
