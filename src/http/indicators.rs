//! `/indicators` and `/standardIndicators`: what is counted, and the standard
//! set GBO projects report.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, respond, version};
use super::pagination::{PageParams, Paged};
use super::write::{self, LinkParams};
use crate::auth::Caller;
use crate::domain::plan::check_external_id;
use crate::domain::results::Measure;
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service;
use crate::service::indicators::rules::check_indicator_code;
use crate::service::indicators::{
    self, Indicator, IndicatorCreate, IndicatorPatch, IndicatorSelection, StandardIndicator,
};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_indicators)
        .service(create_indicator)
        .service(read_indicator)
        .service(update_indicator)
        .service(delete_indicator)
        .service(list_standard_indicators)
        .service(read_standard_indicator);
}

const READ_ONLY: &[&str] = &[
    "id",
    "self",
    "version",
    "createdAt",
    "updatedAt",
    "example",
    "measurements",
];

impl RequestBody for IndicatorCreate {
    const READ_ONLY: &'static [&'static str] = READ_ONLY;
}

impl RequestBody for IndicatorPatch {
    const READ_ONLY: &'static [&'static str] = READ_ONLY;
    const REFUSED: &'static [(&'static str, &'static str)] = &[(
        "subject",
        "is fixed once the indicator is created: create a new indicator for other work",
    )];
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IndicatorQuery {
    /// Only indicators of these plans: of the plan itself, its actions and its initiatives.
    #[serde(default)]
    #[param(max_items = 100)]
    pub plan: Vec<Uuid>,
    /// Only indicators of these actions.
    #[serde(default)]
    #[param(max_items = 100)]
    pub action: Vec<Uuid>,
    /// Only indicators of these initiatives.
    #[serde(default)]
    #[param(max_items = 100)]
    pub initiative: Vec<Uuid>,
    /// Only indicators of these GBO projects.
    #[serde(default)]
    #[param(max_items = 100)]
    pub gbo_project: Vec<Uuid>,
    /// Only indicators that follow these standard indicators.
    #[serde(default)]
    #[param(max_items = 50, pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    pub standard: Vec<String>,
    /// Only indicators with these measures.
    #[serde(default)]
    pub measure: Vec<Measure>,
    /// Only indicators with this code.
    #[param(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    pub code: Option<String>,
    /// The indicator with this external id: for a service account, its own; for a
    /// person, in any source system.
    pub external_id: Option<String>,
    /// Text in the name.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Sort key: `code`, `name`, `createdAt`, `updatedAt`; prefix `-` for descending.
    #[param(pattern = "^-?(code|name|createdAt|updatedAt)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
    /// `json` (a page, the default), or `csv` or `xlsx`: a file of every
    /// indicator the filters select, in the columns an import reads back
    /// (no `page` or `pageSize` then). Also by `Accept`.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
    /// The CSV dialect: `rfc4180` (the default) or `excel-nl-be` (BOM, `;`,
    /// decimal comma, CRLF).
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
}

const SORTS: &[&str] = &["code", "name", "createdAt", "updatedAt"];

fn query_issue(name: &str, detail: &str) -> ApiError {
    ApiError::validation(InputIssue::query(name, detail))
}

/// List indicators. Filters combine with AND; a repeated filter matches any
/// of its values. As a file (`format=csv` or `xlsx`): every indicator the
/// filters select, by code, in the columns `POST /imports/indicators` reads;
/// `X-Changes-Cursor` is the change-feed cursor to follow on from it.
#[utoipa::path(
    tag = "indicators",
    params(IndicatorQuery),
    responses(
        (status = 200, description = "A page of indicators, or the file of all of them", content(
            (Paged<Indicator> = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("X-Changes-Cursor" = String, description = "With a file: the change-feed cursor that follows on from it"))),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the list does not answer in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/indicators")]
async fn list_indicators(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<IndicatorQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let file = super::list_files::requested(
        &req,
        (query.format.as_deref(), query.dialect.as_deref()),
        (query.page, query.page_size),
        "indicator",
    )?;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(query.sort.as_deref(), SORTS, "code")?;
    let q = write::search_text(query.q.as_deref())?;
    for (name, len) in [
        ("plan", query.plan.len()),
        ("action", query.action.len()),
        ("initiative", query.initiative.len()),
        ("gboProject", query.gbo_project.len()),
    ] {
        if len > 100 {
            return Err(query_issue(name, "may be repeated at most 100 times"));
        }
    }
    write::checked_values("standard", &query.standard, 50, check_indicator_code)?;
    if let Some(code) = &query.code {
        write::checked_values("code", std::slice::from_ref(code), 1, check_indicator_code)?;
    }
    if let Some(id) = &query.external_id {
        check_external_id(id).map_err(|e| query_issue("externalId", e))?;
    }
    let selection = IndicatorSelection {
        plan: query.plan.clone(),
        action: query.action.clone(),
        initiative: query.initiative.clone(),
        gbo_project: query.gbo_project.clone(),
        standard: query.standard.clone(),
        measure: query
            .measure
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect(),
        code: query.code.clone(),
        external_id: query.external_id.clone(),
        external_source: None,
        q: q.clone(),
    };
    let mut conn = service::connect(state.reads(file.is_some())).await?;
    if let Some(file) = file {
        let principal = &caller.0;
        return super::list_files::serve(
            "indicators",
            indicators::export::columns(),
            file,
            |each| indicators::export::export(&mut conn, principal, selection, each),
        )
        .await;
    }
    let found = indicators::list(
        &mut conn,
        &caller.0,
        selection,
        &sort,
        PageParams::storage_page(page, size),
    )
    .await?;
    let mut links = LinkParams::default();
    links
        .many("plan", &query.plan)
        .many("action", &query.action)
        .many("initiative", &query.initiative)
        .many("gboProject", &query.gbo_project)
        .many("standard", &query.standard)
        .many("measure", &query.measure)
        .one("code", query.code)
        .one("externalId", query.external_id)
        .one("q", q)
        .one("sort", Some(sort));
    Ok(Paged::of(found, page, size, "/indicators", &links.0).response())
}

/// Create an indicator for the plan, an action, an initiative or a GBO
/// project. Steering and administrators for any; a coordinator for
/// initiatives and GBO projects in their region; a contributor for
/// initiatives its organisation leads.
#[utoipa::path(
    tag = "indicators",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = IndicatorCreate,
    responses(
        (status = 201, description = "Created", body = Indicator,
            headers(("Location" = String, description = "URL of the new indicator"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input, an unknown subject or standard, or settings that give no meaningful figure", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not write indicators of this work", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken for the subject, the external id is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/indicators")]
async fn create_indicator(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<IndicatorCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let indicator = indicators::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, indicator))
    })
    .await
}

/// Read an indicator.
#[utoipa::path(
    tag = "indicators",
    params(("id" = Uuid, Path, description = "Indicator id")),
    responses(
        (status = 200, description = "The indicator", body = Indicator, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such indicator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/indicators/{id}")]
async fn read_indicator(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = service::connect(&state.pool).await?;
    let indicator = indicators::read(&mut conn, &caller.0, id.into_inner()).await?;
    Ok(respond(StatusCode::OK, indicator))
}

/// Change an indicator (JSON merge patch). Needs `If-Match`. The subject is
/// fixed; the measure and granularity of an indicator with measurements are too.
#[utoipa::path(
    tag = "indicators",
    params(
        ("id" = Uuid, Path, description = "Indicator id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = IndicatorPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed indicator", body = Indicator, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not change this indicator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such indicator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code or external id is taken, or the measure or granularity of an indicator with measurements would change", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The indicator has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/indicators/{id}")]
async fn update_indicator(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<IndicatorPatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let indicator =
        indicators::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, indicator))
}

/// Delete an indicator. Needs `If-Match`. Refused with 409 while it has any
/// measurement, current or removed: their history stays.
#[utoipa::path(
    tag = "indicators",
    params(
        ("id" = Uuid, Path, description = "Indicator id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "The caller may not delete this indicator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such indicator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The indicator has measurements", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The indicator has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/indicators/{id}")]
async fn delete_indicator(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    indicators::delete(&mut conn, &writer, id.into_inner(), expected).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The standard indicators, in their order: reference data.
#[utoipa::path(
    tag = "indicators",
    responses(
        (status = 200, description = "The standard set", body = Vec<StandardIndicator>),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/standardIndicators")]
async fn list_standard_indicators(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<web::Json<Vec<StandardIndicator>>> {
    let mut conn = service::connect(&state.pool).await?;
    Ok(web::Json(
        indicators::standards(&mut conn, &caller.0).await?,
    ))
}

/// A standard indicator.
#[utoipa::path(
    tag = "indicators",
    params(("code" = String, Path, description = "Standard indicator code", pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")),
    responses(
        (status = 200, description = "The standard indicator", body = StandardIndicator),
        (status = 404, description = "No such standard indicator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/standardIndicators/{code}")]
async fn read_standard_indicator(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
) -> ApiResult<web::Json<StandardIndicator>> {
    let code = code.into_inner();
    write::path_value("code", &code, check_indicator_code)?;
    let mut conn = service::connect(&state.pool).await?;
    Ok(web::Json(
        indicators::standard(&mut conn, &caller.0, &code).await?,
    ))
}
