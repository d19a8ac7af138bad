//! The query parameters of the reports.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::domain::results::{Granularity, PlaceType};

/// Parameters of the plan progress report.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanProgressParams {
    /// The plan: its id or its code (`ssw-2020-2024`).
    #[param(min_length = 1, max_length = 100)]
    pub plan: String,
    /// Days without a progress update after which an initiative not
    /// completed or dropped is stale; default 90.
    #[param(minimum = 0, maximum = 3660)]
    pub stale_after_days: Option<i64>,
    /// `json` (default), `csv`, `xlsx` or `html` (a printable page); overrides `Accept`.
    #[param(pattern = "^(json|csv|xlsx|html)$")]
    pub format: Option<String>,
    /// CSV dialect: `rfc4180` (default) or `excel-nl-be`.
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
}

/// Parameters of the staleness report.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StalenessParams {
    /// The plan: its id or its code. Without it, every plan's initiatives
    /// and the indicators of every plan and GBO project.
    #[param(min_length = 1, max_length = 100)]
    pub plan: Option<String>,
    /// Only initiatives in this regional platform.
    #[param(min_length = 1, max_length = 50)]
    pub region: Option<String>,
    /// Days without a progress update after which an initiative not
    /// completed or dropped is stale; default 90.
    #[param(minimum = 0, maximum = 3660)]
    pub stale_after_days: Option<i64>,
    /// Days after a period's end by which its measurement is due; default 30.
    #[param(minimum = 0, maximum = 3660)]
    pub grace_days: Option<i64>,
    /// `json` (default), `csv`, `xlsx` or `html` (a printable page); overrides `Accept`.
    #[param(pattern = "^(json|csv|xlsx|html)$")]
    pub format: Option<String>,
    /// CSV dialect: `rfc4180` (default) or `excel-nl-be`.
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
}

/// Parameters of the indicator results report.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IndicatorResultsParams {
    /// Indicators of this plan (its own, its actions' and its initiatives'): its id or code.
    #[param(min_length = 1, max_length = 100)]
    pub plan: Option<String>,
    /// Indicators of the actions serving this challenge and of their initiatives.
    pub challenge: Option<Uuid>,
    /// Indicators of this action and of its initiatives.
    pub action: Option<Uuid>,
    pub initiative: Option<Uuid>,
    pub gbo_project: Option<Uuid>,
    pub indicator: Option<Uuid>,
    /// Only places in this regional platform (its municipalities and itself).
    #[param(min_length = 1, max_length = 50)]
    pub region: Option<String>,
    /// `year` (default), `quarter` or `month`; an indicator with coarser
    /// periods keeps its own.
    pub granularity: Option<Granularity>,
    /// `flanders` (default), `region` (the default with `region`) or
    /// `municipality`; with `region`, `flanders` is a 400.
    pub level: Option<PlaceType>,
    /// The first period (`2023`, `2023Q1`, `2023-01`).
    #[param(pattern = r"^\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))?$")]
    pub from: Option<String>,
    /// The last period.
    #[param(pattern = r"^\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))?$")]
    pub to: Option<String>,
    /// `json` (default), `csv`, `xlsx` or `html`; overrides `Accept`.
    #[param(pattern = "^(json|csv|xlsx|html)$")]
    pub format: Option<String>,
    /// CSV dialect: `rfc4180` (default) or `excel-nl-be`.
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
}

/// Parameters of the as-of snapshot.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SnapshotParams {
    /// The day (`yyyy-MM-dd`, Europe/Brussels): what was recorded by its end.
    pub date: NaiveDate,
    /// The plan: its id or its code. Without it, every plan recorded by then.
    #[param(min_length = 1, max_length = 100)]
    pub plan: Option<String>,
    /// Days without a progress update (counted back from `date`) after which
    /// an initiative is stale; default 90.
    #[param(minimum = 0, maximum = 3660)]
    pub stale_after_days: Option<i64>,
    /// `json` (default), `csv`, `xlsx` or `html`; overrides `Accept`.
    #[param(pattern = "^(json|csv|xlsx|html)$")]
    pub format: Option<String>,
    /// CSV dialect: `rfc4180` (default) or `excel-nl-be`.
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
}

/// Parameters of the regional overview.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegionalOverviewParams {
    /// The plan: its id or its code.
    #[param(min_length = 1, max_length = 100)]
    pub plan: String,
    /// The year of the standard indicators' totals; default the last complete year.
    #[param(minimum = 1990, maximum = 2100)]
    pub year: Option<i32>,
    /// Days without a progress update after which an initiative not
    /// completed or dropped is stale; default 90.
    #[param(minimum = 0, maximum = 3660)]
    pub stale_after_days: Option<i64>,
    /// `json` (default), `csv`, `xlsx` or `html`; overrides `Accept`.
    #[param(pattern = "^(json|csv|xlsx|html)$")]
    pub format: Option<String>,
    /// CSV dialect: `rfc4180` (default) or `excel-nl-be`.
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
}
