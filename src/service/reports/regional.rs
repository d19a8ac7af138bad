//! The regional platforms' overview: per region, its initiatives of the plan
//! by status with their progress, its GBO projects by status, and the totals
//! of the standard indicators over the region for a year.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use super::indicator_results::{self, IndicatorScope, KeptResults, ResultsQuery};
use super::progress::{self, StatusCounts};
use super::{About, PlanRef, Reader, Tabular};
use crate::domain::InputIssue;
use crate::domain::combine::{Figure, FigureJson, Reading, over_places};
use crate::domain::results::{Granularity, Period, PlaceAggregation, PlaceType};
use crate::domain::table::{Cell, CellKind, Column, Table};
use crate::service::progress::rollup::Figure as Progress;
use crate::service::{Conn, ServiceError, ServiceResult};
use crate::storage::indicators as indicator_store;
use crate::storage::report_results as store;
use crate::storage::reports::Moment;

/// GBO projects per status.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectCounts {
    pub planned: i64,
    pub active: i64,
    pub ended: i64,
    pub total: i64,
}

/// A standard indicator's total over a region: its projects' and
/// initiatives' figures for the region, combined by the standard's rule.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StandardTotal {
    /// The standard indicator's code.
    pub standard: String,
    pub name: String,
    pub figure: FigureJson,
    /// How many indicators following it have a figure in the region.
    pub indicators: usize,
}

/// One regional platform.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegionOverview {
    pub region_id: String,
    pub name: String,
    /// The plan's progress over the region's initiatives, weighted by action weight.
    pub progress: Progress,
    /// The plan's initiatives in the region, per status.
    pub initiatives: StatusCounts,
    /// Of those, not completed or dropped and without an update for `staleAfterDays` days.
    pub stale: i64,
    /// GBO projects with a municipality in the region, per status.
    pub gbo_projects: ProjectCounts,
    /// Published good practices of the region's platform or practised in
    /// the region (`GET /api/v1/practices?region=` lists those practised in it).
    pub practices: i64,
    /// The standard indicators' totals over the region for `year`.
    pub indicators: Vec<StandardTotal>,
}

/// The regional overview report.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegionalOverviewReport {
    #[serde(flatten)]
    pub about: About,
    pub plan: PlanRef,
    /// The year of the indicator totals.
    pub year: i32,
    pub day: NaiveDate,
    pub stale_after_days: i64,
    pub regions: Vec<RegionOverview>,
}

/// What the regional overview is asked for.
#[derive(Debug, Clone)]
pub struct RegionalQuery {
    pub plan: String,
    /// The year of the indicator totals; the last complete year when absent.
    pub year: Option<i32>,
    pub stale_after_days: i64,
    pub query: String,
}

/// The regional overview, now.
pub async fn regional_overview(
    conn: &mut Conn,
    reader: Reader<'_>,
    q: RegionalQuery,
    kept: Option<&KeptResults>,
) -> ServiceResult<RegionalOverviewReport> {
    reader.signed_in()?;
    let day = crate::domain::results::today();
    let year = q.year.unwrap_or(day.year() - 1);
    let period = Period::parse(&year.to_string()).map_err(|detail| {
        ServiceError::invalid(InputIssue::query("year", detail).with_value(year.into()))
    })?;
    let stale_before = super::stale_before(day, q.stale_after_days, "staleAfterDays")?;
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(async |conn| {
            let plan = super::plan(conn, &q.plan, reader).await?;
            let about = super::about(conn, "regionalOverview", &q.query, Moment::Now).await?;
            let body = progress::body(
                conn,
                plan.clone(),
                Moment::Now,
                day,
                q.stale_after_days,
                stale_before,
            )
            .await?;
            let mut projects: BTreeMap<String, ProjectCounts> = BTreeMap::new();
            for row in store::projects_per_region(conn).await? {
                let counts = projects.entry(row.region_id).or_default();
                match row.status.as_str() {
                    "planned" => counts.planned += row.projects,
                    "active" => counts.active += row.projects,
                    _ => counts.ended += row.projects,
                }
                counts.total += row.projects;
            }
            let mut practices: BTreeMap<String, i64> = store::practices_per_region(conn)
                .await?
                .into_iter()
                .map(|row| (row.region_id, row.practices))
                .collect();
            let names: BTreeMap<String, String> = indicator_store::standards(conn)
                .await?
                .into_iter()
                .map(|s| (s.code, s.name))
                .collect();
            let results = indicator_results::results(
                conn,
                &IndicatorScope {
                    standard_only: true,
                    ..IndicatorScope::default()
                },
                &ResultsQuery {
                    plan: None,
                    scope: IndicatorScope::default(),
                    region: None,
                    granularity: Granularity::Year,
                    level: PlaceType::Region,
                    from: Some(period),
                    to: Some(period),
                    query: String::new(),
                },
                Moment::Now,
                kept.map(|k| (k, &about.read_at)),
            )
            .await?;
            // (region, standard) → the rule and the figures to combine.
            let mut parts: BTreeMap<(String, String), (PlaceAggregation, Vec<Figure>)> =
                BTreeMap::new();
            for indicator in results {
                let Some(standard) = indicator.standard else {
                    continue;
                };
                for row in indicator.rows {
                    parts
                        .entry((row.place_code, standard.clone()))
                        .or_insert_with(|| (indicator.place_aggregation, Vec::new()))
                        .1
                        .push(row.figure);
                }
            }
            let regions = body
                .regions
                .into_iter()
                .map(|r| {
                    let indicators = parts
                        .iter()
                        .filter(|((region, _), _)| *region == r.region_id)
                        .filter_map(|((_, standard), (rule, figures))| {
                            over_places(*rule, figures).map(|f| StandardTotal {
                                standard: standard.clone(),
                                name: names.get(standard).cloned().unwrap_or_default(),
                                figure: f.into(),
                                indicators: figures.len(),
                            })
                        })
                        .collect();
                    RegionOverview {
                        gbo_projects: projects.remove(&r.region_id).unwrap_or_default(),
                        practices: practices.remove(&r.region_id).unwrap_or_default(),
                        region_id: r.region_id,
                        name: r.name,
                        progress: r.part.progress,
                        initiatives: r.part.initiatives,
                        stale: r.part.stale,
                        indicators,
                    }
                })
                .collect();
            Ok(RegionalOverviewReport {
                about,
                plan,
                year,
                day,
                stale_after_days: q.stale_after_days,
                regions,
            })
        })
        .await
}

impl Tabular for RegionalOverviewReport {
    fn about(&self) -> &crate::service::reports::About {
        &self.about
    }

    fn name(&self) -> &'static str {
        "regionalOverview"
    }

    /// A row per region, then a row per region and standard indicator.
    fn table(&self) -> Table {
        use CellKind::*;
        let mut table = Table::new(vec![
            Column::new("kind", "Kind", Text),
            Column::new("region", "Region", Text),
            Column::new("name", "Name", Text),
            Column::new("progress", "Progress (%)", Number),
            Column::new("initiatives", "Initiatives", Integer),
            Column::new("planned", "Planned", Integer),
            Column::new("inProgress", "In progress", Integer),
            Column::new("delayed", "Delayed", Integer),
            Column::new("completed", "Completed", Integer),
            Column::new("dropped", "Dropped", Integer),
            Column::new("stale", "Stale", Integer),
            Column::new("gboProjects", "GBO projects", Integer),
            Column::new("gboActive", "Active GBO projects", Integer),
            Column::new("practices", "Good practices", Integer),
            Column::new("standard", "Standard indicator", Text),
            Column::new("value", "Value", Number),
            Column::new("numerator", "Numerator", Number),
            Column::new("denominator", "Denominator", Number),
            Column::new("indicators", "Indicators", Integer),
        ]);
        for r in &self.regions {
            let c = &r.initiatives;
            let mut row = vec![
                Cell::text("region"),
                Cell::text(&r.region_id),
                Cell::text(&r.name),
                Cell::maybe(r.progress.progress),
            ];
            row.extend(
                [
                    c.total,
                    c.planned,
                    c.in_progress,
                    c.delayed,
                    c.completed,
                    c.dropped,
                ]
                .map(Cell::Integer),
            );
            row.extend([
                Cell::Integer(r.stale),
                Cell::Integer(r.gbo_projects.total),
                Cell::Integer(r.gbo_projects.active),
                Cell::Integer(r.practices),
            ]);
            row.extend(std::iter::repeat_n(Cell::Empty, 5));
            let _ = table.push(row);
        }
        for r in &self.regions {
            for s in &r.indicators {
                let value = match &s.figure.value {
                    Some(Reading::Number(v)) => Some(*v),
                    _ => None,
                };
                let mut row = vec![
                    Cell::text("indicator"),
                    Cell::text(&r.region_id),
                    Cell::text(&s.name),
                ];
                row.extend(std::iter::repeat_n(Cell::Empty, 11));
                row.extend([
                    Cell::text(&s.standard),
                    Cell::maybe(value),
                    Cell::maybe(s.figure.numerator),
                    Cell::maybe(s.figure.denominator),
                    Cell::Integer(i64::try_from(s.indicators).unwrap_or(i64::MAX)),
                ]);
                let _ = table.push(row);
            }
        }
        table
    }
}
