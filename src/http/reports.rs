//! `/reports/…`: read-only reports in JSON, CSV, XLSX and HTML. Each is one
//! result set from the use-case layer, rendered as asked (`?format=` or
//! `Accept`), with a weak `ETag` over its figures (not over the moment it
//! was generated), so that `If-None-Match` answers `304` until a figure changes.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::extract::Query;
use crate::auth::MaybeCaller;
use crate::domain::InputIssue;
use crate::domain::results::{Granularity, Period, PlaceType};
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::formats::negotiate::Format;
use crate::service::reports::indicator_results::{
    self, IndicatorResult, IndicatorResultsReport, IndicatorScope, Keeping, ResultSink,
    ResultsQuery,
};
use crate::service::reports::progress::{self, PlanProgressReport, ProgressQuery};
use crate::service::reports::regional::{self, RegionalOverviewReport, RegionalQuery};
use crate::service::reports::snapshot::{self, SnapshotQuery, SnapshotReport};
use crate::service::reports::staleness::{self, StalenessQuery, StalenessReport};
use crate::service::reports::{Reader, STALE_AFTER_DAYS};
use crate::service::{self, ServiceError, ServiceResult};
use crate::startup::AppState;

pub mod kept;
mod pages;
mod params;
pub(crate) mod render;

use render::{RowSender, key, reader, rendering, serve, serve_rows};

pub use params::{
    IndicatorResultsParams, PlanProgressParams, RegionalOverviewParams, SnapshotParams,
    StalenessParams,
};

/// Plan progress: per challenge, action and regional platform, the
/// initiatives per status, the weighted progress with its weights and the
/// rule, and the initiatives without an update for `staleAfterDays` days.
#[utoipa::path(
    tag = "reports",
    params(PlanProgressParams),
    responses(
        (status = 200, description = "The report", content(
            (PlanProgressReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/html"),
        ), headers(("ETag" = String, description = "Changes when a figure changes"))),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan, or not published", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the report is not available in", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/reports/planProgress")]
async fn plan_progress_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<PlanProgressParams>,
) -> ApiResult<HttpResponse> {
    reader(&caller, &state)?;
    let params = query.0;
    let (format, dialect) = rendering(&req, params.format.as_deref(), params.dialect.as_deref())?;
    let rendering = (format, dialect);
    let key = key(&req, "planProgress", &caller, rendering);
    serve((&state, &req), key, rendering, async {
        let mut conn = service::connect(&state.read_pool).await?;
        Ok(progress::plan_progress(
            &mut conn,
            Reader {
                principal: caller.0.as_ref(),
            },
            ProgressQuery {
                plan: params.plan,
                stale_after_days: params.stale_after_days.unwrap_or(STALE_AFTER_DAYS),
                query: req.query_string().to_owned(),
            },
        )
        .await?)
    })
    .await
}

/// Staleness: initiatives without a progress update for `staleAfterDays`
/// days, longest without first, and indicators with a period due and not
/// reported, longest overdue first. Signed-in callers only (it shows
/// measurements' dates).
#[utoipa::path(
    tag = "reports",
    params(StalenessParams),
    responses(
        (status = 200, description = "The report", content(
            (StalenessReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/html"),
        ), headers(("ETag" = String, description = "Changes when a figure changes"))),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the report is not available in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/reports/staleness")]
async fn staleness_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<StalenessParams>,
) -> ApiResult<HttpResponse> {
    reader(&caller, &state)?;
    let params = query.0;
    let (format, dialect) = rendering(&req, params.format.as_deref(), params.dialect.as_deref())?;
    let rendering = (format, dialect);
    let key = key(&req, "staleness", &caller, rendering);
    serve((&state, &req), key, rendering, async {
        let mut conn = service::connect(&state.read_pool).await?;
        Ok(staleness::staleness(
            &mut conn,
            Reader {
                principal: caller.0.as_ref(),
            },
            StalenessQuery {
                plan: params.plan,
                region: params.region,
                stale_after_days: params.stale_after_days.unwrap_or(STALE_AFTER_DAYS),
                grace_days: params.grace_days.unwrap_or(staleness::GRACE_DAYS),
                query: req.query_string().to_owned(),
            },
        )
        .await?)
    })
    .await
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(plan_progress_report)
        .service(staleness_report)
        .service(indicator_results_report)
        .service(snapshot_report)
        .service(regional_overview_report);
}

fn period_param(name: &str, value: Option<&str>) -> ApiResult<Option<Period>> {
    value
        .map(|v| {
            Period::parse(v).map_err(|detail| {
                ApiError::validation(InputIssue::query(name, detail).with_value(v.into()))
            })
        })
        .transpose()
}

/// Indicator results: per indicator, period and place, the value combined
/// by the indicator's own rules, with what it is made of, its baseline,
/// target and progress towards it, and how many expected places reported.
/// Signed-in callers only.
#[utoipa::path(
    tag = "reports",
    params(IndicatorResultsParams),
    responses(
        (status = 200, description = "The report", content(
            (IndicatorResultsReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/html"),
        ), headers(("ETag" = String, description = "Changes when a figure changes"))),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the report is not available in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/reports/indicatorResults")]
async fn indicator_results_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<IndicatorResultsParams>,
) -> ApiResult<HttpResponse> {
    reader(&caller, &state)?;
    let p = query.0;
    let (format, dialect) = rendering(&req, p.format.as_deref(), p.dialect.as_deref())?;
    let from = period_param("from", p.from.as_deref())?;
    let to = period_param("to", p.to.as_deref())?;
    let level = p.level.unwrap_or(if p.region.is_some() {
        PlaceType::Region
    } else {
        PlaceType::Flanders
    });
    let rendering = (format, dialect);
    let key = key(&req, "indicatorResults", &caller, rendering);
    let q = ResultsQuery {
        plan: p.plan,
        scope: IndicatorScope {
            plan: None,
            challenge: p.challenge,
            action: p.action,
            initiative: p.initiative,
            gbo_project: p.gbo_project,
            indicator: p.indicator,
            standard_only: false,
        },
        region: p.region,
        granularity: p.granularity.unwrap_or(Granularity::Year),
        level,
        from,
        to,
        query: req.query_string().to_owned(),
    };
    let reader = Reader {
        principal: caller.0.as_ref(),
    };
    if matches!(format, Format::Csv | Format::Xlsx) {
        // Written out as it is computed: a year of municipalities is many
        // rows.
        let table = ("indicatorResults", indicator_results::table::columns());
        return serve_rows((&state, &req), key, rendering, table, async |sender| {
            let _turn = service::reports::turn().await;
            let mut conn = service::connect(&state.read_pool).await?;
            let mut sink = Sending(sender);
            let report = indicator_results::indicator_results_to(
                &mut conn,
                reader,
                q,
                &mut sink,
                Some(Keeping::TakeOnly(&state.report_results)),
            )
            .await?;
            Ok(report.about.read_at)
        })
        .await;
    }
    serve((&state, &req), key, rendering, async {
        let _turn = service::reports::turn().await;
        let mut conn = service::connect(&state.read_pool).await?;
        let kept = Some(&*state.report_results);
        Ok(indicator_results::indicator_results(&mut conn, reader, q, kept).await?)
    })
    .await
}

/// Sends each indicator's rows to the file being written.
struct Sending(RowSender);

impl ResultSink for Sending {
    async fn take(&mut self, result: IndicatorResult) -> ServiceResult<()> {
        let rows = indicator_results::table::rows_of(&result).collect();
        self.0
            .send(rows)
            .await
            .map_err(|_| ServiceError::Internal("the report's file stopped taking rows".into()))
    }
}

/// The as-of snapshot: the plan as it was known at the end of `date`
/// (Europe/Brussels) — the challenges, actions and initiatives that existed
/// then, where they were, their statuses and progress as recorded by then,
/// and (for signed-in callers) the indicators' yearly figures for Flanders
/// from the measurements as recorded by then. A past day gives the same
/// figures tomorrow, whatever is corrected later.
#[utoipa::path(
    tag = "reports",
    params(SnapshotParams),
    responses(
        (status = 200, description = "The report", content(
            (SnapshotReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/html"),
        ), headers(("ETag" = String, description = "Changes when a figure changes"))),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan, or not published", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the report is not available in", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/reports/snapshot")]
async fn snapshot_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<SnapshotParams>,
) -> ApiResult<HttpResponse> {
    reader(&caller, &state)?;
    let p = query.0;
    let (format, dialect) = rendering(&req, p.format.as_deref(), p.dialect.as_deref())?;
    let rendering = (format, dialect);
    let key = key(&req, "snapshot", &caller, rendering);
    serve((&state, &req), key, rendering, async {
        let _turn = service::reports::turn().await;
        let mut conn = service::connect(&state.read_pool).await?;
        Ok(snapshot::snapshot(
            &mut conn,
            Reader {
                principal: caller.0.as_ref(),
            },
            SnapshotQuery {
                date: p.date,
                plan: p.plan,
                stale_after_days: p.stale_after_days.unwrap_or(STALE_AFTER_DAYS),
                query: req.query_string().to_owned(),
            },
            Some(&state.report_results),
        )
        .await?)
    })
    .await
}

/// The regional platforms' overview: per region, the plan's initiatives by
/// status with their progress and how many are stale, the GBO projects with
/// a municipality in the region by status, and the totals of the standard
/// indicators over the region for a year. Signed-in callers only.
#[utoipa::path(
    tag = "reports",
    params(RegionalOverviewParams),
    responses(
        (status = 200, description = "The report", content(
            (RegionalOverviewReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/html"),
        ), headers(("ETag" = String, description = "Changes when a figure changes"))),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the report is not available in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/reports/regionalOverview")]
async fn regional_overview_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<RegionalOverviewParams>,
) -> ApiResult<HttpResponse> {
    reader(&caller, &state)?;
    let p = query.0;
    let (format, dialect) = rendering(&req, p.format.as_deref(), p.dialect.as_deref())?;
    let rendering = (format, dialect);
    let key = key(&req, "regionalOverview", &caller, rendering);
    serve((&state, &req), key, rendering, async {
        let _turn = service::reports::turn().await;
        let mut conn = service::connect(&state.read_pool).await?;
        Ok(regional::regional_overview(
            &mut conn,
            Reader {
                principal: caller.0.as_ref(),
            },
            RegionalQuery {
                plan: p.plan,
                year: p.year,
                stale_after_days: p.stale_after_days.unwrap_or(STALE_AFTER_DAYS),
                query: req.query_string().to_owned(),
            },
            Some(&state.report_results),
        )
        .await?)
    })
    .await
}
