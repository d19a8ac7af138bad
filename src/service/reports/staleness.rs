//! Staleness: the initiatives that have gone without an update for a number
//! of days, and the indicators whose latest period is overdue, oldest first.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{About, PlanRef, Reader, Tabular};
use crate::domain::WorkStatus;
use crate::domain::combine::containing;
use crate::domain::results::{Granularity, Period};
use crate::domain::table::{Cell, CellKind, Column, Table};
use crate::service::{Conn, ServiceResult, corrupt};
use crate::storage::reports::{self as store, Moment};

/// How many days after a period's end its measurement is due, when the
/// caller does not say.
pub const GRACE_DAYS: i64 = 30;

/// An initiative without a recent update.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaleInitiative {
    pub initiative_id: Uuid,
    pub code: String,
    pub title: String,
    pub status: WorkStatus,
    pub action_id: Uuid,
    pub action_code: String,
    pub region_ids: Vec<String>,
    /// The day of its latest progress update; absent when it never had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_update: Option<NaiveDate>,
    /// Days since its latest update (since its creation when it never had one).
    pub days_without_update: i64,
}

/// An indicator whose measurements are overdue.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OverdueIndicator {
    pub indicator_id: Uuid,
    pub code: String,
    pub name: String,
    pub granularity: Granularity,
    /// What it is attached to: `plan`, `action`, `initiative` or `gboProject`.
    pub subject_type: String,
    pub subject_id: Uuid,
    /// The latest period it has a measurement for; absent when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_period: Option<String>,
    /// The first period due and missing.
    pub first_missing_period: String,
    /// The day that period's measurement was due: its end plus `graceDays`.
    pub due_since: NaiveDate,
    /// Periods due and missing, up to the latest one due.
    pub missing_periods: i64,
}

/// The staleness report.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StalenessReport {
    #[serde(flatten)]
    pub about: About,
    /// The plan; absent when the report covers every plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanRef>,
    /// Today (Europe/Brussels), from which days are counted.
    pub day: NaiveDate,
    /// Days without an update after which an initiative is stale.
    pub stale_after_days: i64,
    /// Days after a period's end by which its measurement is due.
    pub grace_days: i64,
    /// Initiatives not completed or dropped without an update for
    /// `staleAfterDays` days, longest without first.
    pub initiatives: Vec<StaleInitiative>,
    /// Indicators with a period due and not reported, longest overdue first.
    pub indicators: Vec<OverdueIndicator>,
}

/// What the staleness report is asked for.
#[derive(Debug, Clone)]
pub struct StalenessQuery {
    /// The plan's id or code; none for every plan (initiatives of every
    /// plan, indicators of every plan and GBO project).
    pub plan: Option<String>,
    pub region: Option<String>,
    pub stale_after_days: i64,
    pub grace_days: i64,
    pub query: String,
}

/// The staleness report, now.
pub async fn staleness(
    conn: &mut Conn,
    reader: Reader<'_>,
    q: StalenessQuery,
) -> ServiceResult<StalenessReport> {
    reader.signed_in()?;
    let day = crate::domain::results::today();
    let stale_before = super::stale_before(day, q.stale_after_days, "staleAfterDays")?;
    super::stale_before(day, q.grace_days, "graceDays")?;
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(async |conn| {
            let plan = match &q.plan {
                Some(key) => Some(super::plan(conn, key, reader).await?),
                None => None,
            };
            if let Some(region) = &q.region {
                super::region(conn, region).await?;
            }
            let about = super::about(conn, "staleness", &q.query, Moment::Now).await?;
            let plans = match &plan {
                Some(p) => vec![p.id],
                None => super::plans(conn, reader)
                    .await?
                    .into_iter()
                    .map(|p| p.id)
                    .collect(),
            };
            let mut initiatives = Vec::new();
            for plan_id in plans {
                let actions = store::actions(conn, plan_id, Moment::Now).await?;
                let rows = store::stale_initiatives(
                    conn,
                    plan_id,
                    Moment::Now,
                    stale_before,
                    q.region.as_deref(),
                )
                .await?;
                for r in rows {
                    initiatives.push(StaleInitiative {
                        initiative_id: r.id,
                        code: r.code,
                        title: r.title,
                        status: r.status.parse().map_err(corrupt)?,
                        action_id: r.action_id,
                        action_code: actions
                            .iter()
                            .find(|a| a.id == r.action_id)
                            .map(|a| a.code.clone())
                            .unwrap_or_default(),
                        region_ids: r.region_ids,
                        last_update: r.last_progress_on,
                        days_without_update: (day - r.last_day).num_days(),
                    });
                }
            }
            initiatives.sort_by(|a, b| {
                b.days_without_update
                    .cmp(&a.days_without_update)
                    .then_with(|| a.code.cmp(&b.code))
            });
            let latest = store::indicators_latest(conn, plan.as_ref().map(|p| p.id)).await?;
            let mut indicators = Vec::new();
            for row in latest {
                if let Some(o) = overdue(&row, day, q.grace_days)? {
                    indicators.push(o);
                }
            }
            indicators.sort_by(|a, b| a.due_since.cmp(&b.due_since).then(a.code.cmp(&b.code)));
            Ok(StalenessReport {
                about,
                plan,
                day,
                stale_after_days: q.stale_after_days,
                grace_days: q.grace_days,
                initiatives,
                indicators,
            })
        })
        .await
}

/// The period after `period`.
fn next(period: &Period) -> ServiceResult<Period> {
    containing(
        period.end() + chrono::Duration::days(1),
        period.granularity(),
    )
    .map_err(corrupt)
}

/// Whether `row` is overdue on `day`: a period has ended more than `grace`
/// days ago, begins no earlier than the indicator's creation period, and
/// comes after the latest period measured.
fn overdue(
    row: &store::IndicatorLatest,
    day: NaiveDate,
    grace: i64,
) -> ServiceResult<Option<OverdueIndicator>> {
    let granularity: Granularity = row.granularity.parse().map_err(corrupt)?;
    let reference = day - chrono::Duration::days(grace);
    let mut due = containing(reference, granularity).map_err(corrupt)?;
    if due.end() >= reference {
        due = containing(due.start() - chrono::Duration::days(1), granularity).map_err(corrupt)?;
    }
    let created = containing(row.created_on, granularity).map_err(corrupt)?;
    let after_latest = match row.last_period_end {
        Some(end) => Some(next(&containing(end, granularity).map_err(corrupt)?)?),
        None => None,
    };
    let first_missing = match after_latest {
        Some(p) if p.start() > created.start() => p,
        _ => created,
    };
    if first_missing.start() > due.start() {
        return Ok(None);
    }
    let mut missing = 0;
    let mut p = first_missing;
    while p.start() <= due.start() {
        missing += 1;
        p = next(&p)?;
    }
    Ok(Some(OverdueIndicator {
        indicator_id: row.id,
        code: row.code.clone(),
        name: row.name.clone(),
        granularity,
        subject_type: row.subject_type.clone(),
        subject_id: row.subject_id,
        latest_period: row
            .last_period_end
            .map(|end| containing(end, granularity).map(|p| p.id()))
            .transpose()
            .map_err(corrupt)?,
        first_missing_period: first_missing.id(),
        due_since: first_missing.end() + chrono::Duration::days(grace),
        missing_periods: missing,
    }))
}

impl Tabular for StalenessReport {
    fn about(&self) -> &crate::service::reports::About {
        &self.about
    }

    fn name(&self) -> &'static str {
        "staleness"
    }

    fn table(&self) -> Table {
        use CellKind::*;
        let mut table = Table::new(vec![
            Column::new("kind", "Kind", Text),
            Column::new("id", "Id", Text),
            Column::new("code", "Code", Text),
            Column::new("title", "Title", Text),
            Column::new("status", "Status", Text),
            Column::new("parent", "Action or subject", Text),
            Column::new("regions", "Regions", Text),
            Column::new("lastUpdate", "Latest update", Date),
            Column::new("daysWithoutUpdate", "Days without update", Integer),
            Column::new("latestPeriod", "Latest period", Text),
            Column::new("firstMissingPeriod", "First missing period", Text),
            Column::new("dueSince", "Due since", Date),
            Column::new("missingPeriods", "Missing periods", Integer),
        ]);
        for i in &self.initiatives {
            let _ = table.push(vec![
                Cell::text("initiative"),
                Cell::Text(i.initiative_id.to_string()),
                Cell::text(&i.code),
                Cell::text(&i.title),
                Cell::text(i.status.as_str()),
                Cell::text(&i.action_code),
                Cell::Text(i.region_ids.join(" ")),
                i.last_update.map_or(Cell::Empty, Cell::Date),
                Cell::Integer(i.days_without_update),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]);
        }
        for i in &self.indicators {
            let _ = table.push(vec![
                Cell::text("indicator"),
                Cell::Text(i.indicator_id.to_string()),
                Cell::text(&i.code),
                Cell::text(&i.name),
                Cell::Empty,
                Cell::Text(format!("{} {}", i.subject_type, i.subject_id)),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                i.latest_period.clone().map_or(Cell::Empty, Cell::Text),
                Cell::text(&i.first_missing_period),
                Cell::Date(i.due_since),
                Cell::Integer(i.missing_periods),
            ]);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(granularity: &str, created: &str, last: Option<&str>) -> store::IndicatorLatest {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        store::IndicatorLatest {
            id: Uuid::nil(),
            code: "x".into(),
            name: "x".into(),
            granularity: granularity.into(),
            subject_type: "plan".into(),
            subject_id: Uuid::nil(),
            created_on: day(created),
            last_period_end: last.map(day),
        }
    }

    fn on(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_quarter_is_due_thirty_days_after_it_ends() {
        // On 30 April 2024, 2024Q1 (ended 31 March) is not yet due; on 1 May it is.
        let r = row("quarter", "2023-01-15", Some("2023-12-31"));
        assert!(overdue(&r, on("2024-04-30"), 30).unwrap().is_none());
        let o = overdue(&r, on("2024-05-01"), 30).unwrap().unwrap();
        assert_eq!(o.latest_period.as_deref(), Some("2023Q4"));
        assert_eq!(o.first_missing_period, "2024Q1");
        assert_eq!(o.due_since, on("2024-04-30"));
        assert_eq!(o.missing_periods, 1);
    }

    #[test]
    fn nothing_is_due_before_the_indicator_existed() {
        // Created in 2024Q2, never measured: on 1 August only 2024Q2 is due.
        let r = row("quarter", "2024-05-10", None);
        let o = overdue(&r, on("2024-08-01"), 30).unwrap().unwrap();
        assert_eq!(o.latest_period, None);
        assert_eq!(o.first_missing_period, "2024Q2");
        assert_eq!(o.missing_periods, 1);
        // Created in the current quarter: nothing due yet.
        assert!(
            overdue(&row("quarter", "2024-07-10", None), on("2024-08-01"), 30)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn missing_periods_count_every_gap_up_to_the_latest_due() {
        // Monthly, last measured March 2024; on 15 July with no grace: April, May, June missing.
        let r = row("month", "2020-01-01", Some("2024-03-31"));
        let o = overdue(&r, on("2024-07-15"), 0).unwrap().unwrap();
        assert_eq!(o.first_missing_period, "2024-04");
        assert_eq!(o.missing_periods, 3);
        assert_eq!(o.due_since, on("2024-04-30"));
        // Yearly, measured up to 2023: on 31 January 2024 with 30 days' grace nothing is due.
        let y = row("year", "2020-01-01", Some("2023-12-31"));
        assert!(overdue(&y, on("2024-01-31"), 30).unwrap().is_none());
        assert_eq!(
            overdue(&y, on("2025-02-01"), 30)
                .unwrap()
                .unwrap()
                .first_missing_period,
            "2024"
        );
    }
}
