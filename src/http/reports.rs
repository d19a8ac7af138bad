//! `/reports/…`: read-only reports in JSON, CSV, XLSX and HTML. Each is one
//! result set from the use-case layer, rendered as asked (`?format=` or
//! `Accept`), with a weak `ETag` over its figures (not over the moment it
//! was generated), so that `If-None-Match` answers `304` until a figure changes.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use super::extract::Query;
use super::formats::csv::{self, Dialect};
use super::formats::negotiate::{self, Format, XLSX_TYPE};
use super::formats::{html, xlsx};
use crate::auth::MaybeCaller;
use crate::error::{ApiError, ApiResult, Problem};
use crate::service;
use crate::service::reports::progress::{self, PlanProgressReport, ProgressQuery};
use crate::service::reports::staleness::{self, StalenessQuery, StalenessReport};
use crate::service::reports::{Reader, STALE_AFTER_DAYS};
use crate::startup::AppState;

mod pages;

use pages::Printable;

/// The formats every report answers in.
const OFFERED: [Format; 4] = [Format::Json, Format::Csv, Format::Xlsx, Format::Html];

/// A writer that drops everything up to and including the first `,`: the
/// JSON of a report begins with `{"generatedAt":"…",`, which the `ETag`
/// leaves out.
struct AfterFirstMember<'a> {
    started: bool,
    hasher: &'a mut Sha256,
}

impl std::io::Write for AfterFirstMember<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let rest = if self.started {
            buf
        } else {
            match buf.iter().position(|&b| b == b',') {
                Some(i) => {
                    self.started = true;
                    &buf[i + 1..]
                }
                None => &[],
            }
        };
        self.hasher.update(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The weak entity tag of `report` in `format`: a digest of its JSON
/// without `generatedAt`, of the format and of the CSV dialect.
fn entity_tag<R: Serialize>(report: &R, format: Format, dialect: Dialect) -> ApiResult<String> {
    let mut hasher = Sha256::new();
    hasher.update(format.name().as_bytes());
    hasher.update([dialect as u8]);
    let mut writer = AfterFirstMember {
        started: false,
        hasher: &mut hasher,
    };
    serde_json::to_writer(&mut writer, report).map_err(|e| ApiError::Internal(e.to_string()))?;
    let digest = hasher.finalize();
    Ok(format!("W/\"{}\"", hex::encode(&digest[..16])))
}

/// Renders `report` in `format`.
async fn respond<R>(report: R, format: Format, dialect: Dialect) -> ApiResult<HttpResponse>
where
    R: Serialize + Printable + Send + 'static,
{
    let etag = entity_tag(&report, format, dialect)?;
    let day = report_day();
    let name = report.name();
    let mut res = HttpResponse::Ok();
    res.insert_header((header::ETAG, etag))
        .insert_header((header::VARY, "Accept"))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"));
    let attachment = |ext: &str| {
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}-{day}.{ext}\""),
        )
    };
    match format {
        Format::Json => {
            let body =
                serde_json::to_vec(&report).map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(res.content_type("application/json").body(body))
        }
        Format::Csv => {
            let body = web::block(move || csv::render(&report.table(), dialect))
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(res
                .content_type(csv::CONTENT_TYPE)
                .insert_header(attachment("csv"))
                .body(body))
        }
        Format::Xlsx => {
            let body = web::block(move || xlsx::render(&report.table(), name))
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
            Ok(res
                .content_type(XLSX_TYPE)
                .insert_header(attachment("xlsx"))
                .body(body))
        }
        Format::Html => {
            let body = web::block(move || html::render(&report.page()))
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(res
                .content_type(html::CONTENT_TYPE)
                .insert_header((
                    header::CONTENT_SECURITY_POLICY,
                    html::CONTENT_SECURITY_POLICY,
                ))
                .body(body))
        }
    }
}

fn report_day() -> String {
    crate::domain::results::today().to_string()
}

fn reader(caller: &MaybeCaller, state: &AppState) -> ApiResult<()> {
    super::write::plan_audience(caller, state).map(|_| ())
}

/// The rendering asked for, checked before any figure is computed.
fn rendering(
    req: &HttpRequest,
    format: Option<&str>,
    dialect: Option<&str>,
) -> ApiResult<(Format, Dialect)> {
    let format = negotiate::choose(req, format, &OFFERED)?;
    Ok((format, negotiate::dialect(dialect)?))
}

/// Parameters of the plan progress report.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanProgressParams {
    /// The plan: its id or its code (`ssw-2020-2024`).
    #[param(max_length = 100)]
    pub plan: String,
    /// Days without a progress update after which an initiative not
    /// completed or dropped is stale; default 90.
    #[param(minimum = 0, maximum = 3660)]
    pub stale_after_days: Option<i64>,
    /// `json` (default), `csv`, `xlsx` or `html` (a printable page); overrides `Accept`.
    #[param(pattern = "^[a-z]{1,10}$")]
    pub format: Option<String>,
    /// CSV dialect: `rfc4180` (default) or `excel-nl-be`.
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
}

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
    let mut conn = service::connect(&state.pool).await?;
    let report = progress::plan_progress(
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
    .await?;
    drop(conn);
    respond::<PlanProgressReport>(report, format, dialect).await
}

/// Parameters of the staleness report.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StalenessParams {
    /// The plan: its id or its code. Without it, every plan's initiatives
    /// and the indicators of every plan and GBO project.
    #[param(max_length = 100)]
    pub plan: Option<String>,
    /// Only initiatives in this regional platform.
    #[param(max_length = 50)]
    pub region: Option<String>,
    /// Days without a progress update after which an initiative not
    /// completed or dropped is stale; default 90.
    #[param(minimum = 0, maximum = 3660)]
    pub stale_after_days: Option<i64>,
    /// Days after a period's end by which its measurement is due; default 30.
    #[param(minimum = 0, maximum = 3660)]
    pub grace_days: Option<i64>,
    /// `json` (default), `csv`, `xlsx` or `html` (a printable page); overrides `Accept`.
    #[param(pattern = "^[a-z]{1,10}$")]
    pub format: Option<String>,
    /// CSV dialect: `rfc4180` (default) or `excel-nl-be`.
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
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
    let mut conn = service::connect(&state.pool).await?;
    let report = staleness::staleness(
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
    .await?;
    drop(conn);
    respond::<StalenessReport>(report, format, dialect).await
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(plan_progress_report).service(staleness_report);
}
