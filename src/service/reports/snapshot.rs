//! The as-of snapshot: the plan as it was known at the end of a day
//! (Europe/Brussels) — its structure, statuses and progress from the
//! versions recorded by then, and its indicators' yearly figures for
//! Flanders from the measurements as recorded by then. A day before today
//! gives the same figures whenever it is asked, whatever is corrected later.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::indicator_results::{self, IndicatorResult, IndicatorScope, KeptResults, ResultsQuery};
use super::progress::{self, PlanProgressBody};
use super::{About, PlanRef, Reader, Tabular};
use crate::domain::InputIssue;
use crate::domain::combine::day_start;
use crate::domain::results::{Granularity, PlaceType};
use crate::domain::table::Table;
use crate::service::{Conn, ServiceError, ServiceResult};
use crate::storage::reports::{self as store, Moment};

/// The snapshot report.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotReport {
    #[serde(flatten)]
    pub about: About,
    /// The day, as asked.
    pub date: NaiveDate,
    /// The moment the day ended in Brussels: what was recorded before it counts.
    pub as_of: DateTime<Utc>,
    /// False while the day has not ended: until then, later writes of the
    /// day can still change the figures.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// Each plan as it was: structure, statuses and progress.
    pub plans: Vec<PlanSnapshot>,
}

/// One plan as it was known.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanSnapshot {
    #[serde(flatten)]
    pub progress: PlanProgressBody,
    /// Its indicators that existed then, with their yearly figures for
    /// Flanders from the measurements as recorded then (absent for anonymous
    /// callers, who do not read measurements). Their settings (rules,
    /// baseline, targets) are today's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicators: Option<Vec<IndicatorResult>>,
}

/// What the snapshot is asked for.
#[derive(Debug, Clone)]
pub struct SnapshotQuery {
    pub date: NaiveDate,
    /// The plan's id or code; none for every plan.
    pub plan: Option<String>,
    pub stale_after_days: i64,
    pub query: String,
}

/// The plan (or every plan) as recorded by the end of `q.date`.
pub async fn snapshot(
    conn: &mut Conn,
    reader: Reader<'_>,
    q: SnapshotQuery,
    kept: Option<&KeptResults>,
) -> ServiceResult<SnapshotReport> {
    let today = crate::domain::results::today();
    if q.date > today {
        return Err(ServiceError::invalid(
            InputIssue::query("date", "must not be after today (Europe/Brussels)")
                .with_value(q.date.to_string().into()),
        ));
    }
    let stale_before = super::stale_before(q.date, q.stale_after_days, "staleAfterDays")?;
    let next = q
        .date
        .succ_opt()
        .ok_or_else(|| ServiceError::invalid(InputIssue::query("date", "has no following day")))?;
    let as_of = day_start(next);
    let at = Moment::Before(as_of);
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(async |conn| {
            let refs: Vec<PlanRef> = match &q.plan {
                Some(key) => vec![super::plan(conn, key, reader).await?],
                None => super::plans(conn, reader).await?,
            };
            let about = super::about(conn, "snapshot", &q.query, at).await?;
            let results = ResultsQuery {
                plan: None,
                scope: IndicatorScope::default(),
                region: None,
                granularity: Granularity::Year,
                level: PlaceType::Flanders,
                from: None,
                to: None,
                query: String::new(),
            };
            let mut plans = Vec::new();
            for plan in refs {
                let plan_id = plan.id;
                if q.plan.is_none() && !store::existed(conn, plan_id, as_of).await? {
                    continue;
                }
                let progress =
                    progress::body(conn, plan, at, q.date, q.stale_after_days, stale_before)
                        .await?;
                let indicators = match reader.principal {
                    Some(_) => {
                        let scope = IndicatorScope {
                            plan: Some(plan_id),
                            ..IndicatorScope::default()
                        };
                        let kept = kept.map(|k| (k, &about.read_at));
                        Some(indicator_results::results(conn, &scope, &results, at, kept).await?)
                    }
                    None => None,
                };
                plans.push(PlanSnapshot {
                    progress,
                    indicators,
                });
            }
            Ok(SnapshotReport {
                about,
                date: q.date,
                as_of,
                is_final: q.date < today,
                plans,
            })
        })
        .await
}

impl Tabular for SnapshotReport {
    fn about(&self) -> &crate::service::reports::About {
        &self.about
    }

    fn name(&self) -> &'static str {
        "snapshot"
    }

    /// The plans' progress rows, one plan after the other.
    fn table(&self) -> Table {
        let mut table = Table::new(progress::columns());
        for plan in &self.plans {
            plan.progress.rows(&mut table);
        }
        table
    }
}
