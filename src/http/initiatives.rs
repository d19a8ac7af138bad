//! `/initiatives`: the concrete work under an action, in one or more regions.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, respond, version};
use super::kept_pages::PageKey;
use super::pagination::{PageParams, Paged};
use super::write::{self, LinkParams};
use crate::auth::{Caller, MaybeCaller};
use crate::domain::plan::check_external_id;
use crate::domain::{Principal, WorkStatus};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service;
use crate::service::initiatives::{
    self, Initiative, InitiativeCreate, InitiativePatch, InitiativeSelection,
};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_initiatives)
        .service(create_initiative)
        .service(read_initiative)
        .service(update_initiative)
        .service(delete_initiative);
}

impl RequestBody for InitiativeCreate {
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "self",
        "version",
        "createdAt",
        "updatedAt",
        "planId",
        "progressSource",
        "lastProgressOn",
        "example",
        "practices",
    ];
}

impl RequestBody for InitiativePatch {
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "self",
        "version",
        "createdAt",
        "updatedAt",
        "planId",
        "progressSource",
        "lastProgressOn",
        "example",
        "practices",
    ];
    const REFUSED: &'static [(&'static str, &'static str)] = &[
        (
            "status",
            "changes through a progress update (POST …/progressUpdates)",
        ),
        (
            "progress",
            "changes through a progress update (POST …/progressUpdates)",
        ),
    ];
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InitiativeQuery {
    /// Only initiatives of these plans; repeat for several.
    #[serde(default)]
    #[param(max_items = 100)]
    pub plan: Vec<Uuid>,
    /// Only initiatives under these actions; repeat for several.
    #[serde(default)]
    #[param(max_items = 100)]
    pub action: Vec<Uuid>,
    /// Only initiatives whose action serves one of these challenges.
    #[serde(default)]
    #[param(max_items = 100)]
    pub challenge: Vec<Uuid>,
    /// Only initiatives running in one of these regions.
    #[serde(default)]
    #[param(max_items = 20)]
    pub region: Vec<String>,
    /// Only initiatives running in one of these municipalities (NIS codes).
    #[serde(default)]
    #[param(max_items = 300)]
    pub municipality: Vec<String>,
    /// Only initiatives one of these organisations leads or takes part in.
    #[serde(default)]
    #[param(max_items = 100)]
    pub organisation: Vec<Uuid>,
    /// Only initiatives with one of these statuses.
    #[serde(default)]
    pub status: Vec<WorkStatus>,
    /// Only initiatives with at least this progress.
    #[param(minimum = 0, maximum = 100)]
    pub progress_min: Option<i16>,
    /// Only initiatives with at most this progress.
    #[param(minimum = 0, maximum = 100)]
    pub progress_max: Option<i16>,
    /// Only initiatives changed at or after this time (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
    /// Only open initiatives (not completed or dropped) without a progress
    /// update in this many days (counted from creation when there is none).
    #[param(minimum = 1, maximum = 3650)]
    pub stale_days: Option<i32>,
    /// The initiative with this external id: for a service account, its own; for a
    /// person, in any source system.
    pub external_id: Option<String>,
    /// Text in the title or code.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Sort key: `code`, `title`, `updatedAt`, `createdAt`, `progress`,
    /// `startDate`, `endDate`; prefix `-` for descending.
    #[param(pattern = "^-?(code|title|updatedAt|createdAt|progress|startDate|endDate)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
    /// `json` (a page, the default), or `csv` or `xlsx`: a file of every
    /// initiative the filters select, in the columns an import reads back
    /// (no `page` or `pageSize` then). Also by `Accept`.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
    /// The CSV dialect: `rfc4180` (the default) or `excel-nl-be` (BOM, `;`,
    /// decimal comma, CRLF).
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
}

const SORTS: &[&str] = &[
    "code",
    "title",
    "updatedAt",
    "createdAt",
    "progress",
    "startDate",
    "endDate",
];

fn query_issue(name: &str, detail: &str) -> ApiError {
    ApiError::validation(InputIssue::query(name, detail))
}

/// List initiatives. Filters combine with AND; a repeated filter matches any
/// of its values. As a file (`format=csv` or `xlsx`): every initiative the
/// filters select, by code, in the columns `POST /imports/initiatives`
/// reads (lists in a cell separated by ` | `); `X-Changes-Cursor` is the
/// change-feed cursor to follow on from it.
#[utoipa::path(
    tag = "initiatives",
    params(InitiativeQuery),
    responses(
        (status = 200, description = "A page of initiatives, or the file of all of them", content(
            (Paged<Initiative> = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("X-Changes-Cursor" = String, description = "With a file: the change-feed cursor that follows on from it"))),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the list does not answer in", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/initiatives")]
async fn list_initiatives(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<InitiativeQuery>,
) -> ApiResult<HttpResponse> {
    let audience = write::plan_audience(&caller, &state)?;
    let query = query.0;
    let file = super::list_files::requested(
        &req,
        (query.format.as_deref(), query.dialect.as_deref()),
        (query.page, query.page_size),
        "initiative",
    )?;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(query.sort.as_deref(), SORTS, "code")?;
    let q = write::search_text(query.q.as_deref())?;
    write::region_filter(&query.region)?;
    write::nis_filter("municipality", &query.municipality, 300)?;
    for (name, len) in [
        ("plan", query.plan.len()),
        ("action", query.action.len()),
        ("challenge", query.challenge.len()),
        ("organisation", query.organisation.len()),
    ] {
        if len > 100 {
            return Err(query_issue(name, "may be repeated at most 100 times"));
        }
    }
    for (name, value) in [
        ("progressMin", query.progress_min),
        ("progressMax", query.progress_max),
    ] {
        if value.is_some_and(|v| !(0..=100).contains(&v)) {
            return Err(query_issue(name, "must be from 0 to 100"));
        }
    }
    if let (Some(min), Some(max)) = (query.progress_min, query.progress_max)
        && min > max
    {
        return Err(query_issue("progressMax", "must not be below progressMin"));
    }
    if query.stale_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err(query_issue("staleDays", "must be from 1 to 3650"));
    }
    if let Some(id) = &query.external_id {
        check_external_id(id).map_err(|e| query_issue("externalId", e))?;
    }
    let selection = InitiativeSelection {
        plans: query.plan.clone(),
        actions: query.action.clone(),
        challenges: query.challenge.clone(),
        regions: query.region.clone(),
        municipalities: query.municipality.clone(),
        organisations: query.organisation.clone(),
        statuses: query.status.clone(),
        progress_min: query.progress_min,
        progress_max: query.progress_max,
        updated_since: query.updated_since,
        stale_days: query.stale_days,
        external_id: query.external_id.clone(),
        external_source: caller
            .0
            .as_ref()
            .and_then(Principal::source_system)
            .map(Some),
        q: q.clone(),
    };
    // A page of initiatives not updated for some days changes with the clock.
    let key = query.stale_days.is_none().then(|| {
        let source = query
            .external_id
            .as_ref()
            .and(selection.external_source.flatten());
        PageKey::new("initiatives", &req, audience, source)
    });
    let mut conn = service::connect(state.reads(file.is_some())).await?;
    if let Some(file) = file {
        return super::list_files::serve(
            "initiatives",
            initiatives::export::columns(),
            file,
            |each| initiatives::export::export(&mut conn, audience, selection, each),
        )
        .await;
    }
    let read_at = match state
        .pages
        .look(&mut conn, key.as_ref(), initiatives::PAGE_UNAFFECTED_BY)
        .await?
    {
        Ok(kept) => return Ok(kept),
        Err(read_at) => read_at,
    };
    let found = initiatives::list(
        &mut conn,
        audience,
        selection,
        &sort,
        PageParams::storage_page(page, size),
    )
    .await?;
    let mut links = LinkParams::default();
    links
        .many("plan", &query.plan)
        .many("action", &query.action)
        .many("challenge", &query.challenge)
        .many("region", &query.region)
        .many("municipality", &query.municipality)
        .many("organisation", &query.organisation)
        .many("status", &query.status)
        .one("progressMin", query.progress_min)
        .one("progressMax", query.progress_max)
        .one("updatedSince", query.updated_since.map(|t| t.to_rfc3339()))
        .one("staleDays", query.stale_days)
        .one("externalId", query.external_id)
        .one("q", q)
        .one("sort", Some(sort));
    let paged = Paged::of(found, page, size, "/initiatives", &links.0);
    state
        .pages
        .answer(key, read_at, (&paged, paged.items.len()))
}

/// Create an initiative. Steering and administrators anywhere; a coordinator in
/// their own region only; Flanders-wide work is for steering and administrators.
#[utoipa::path(
    tag = "initiatives",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = InitiativeCreate,
    responses(
        (status = 201, description = "Created", body = Initiative,
            headers(("Location" = String, description = "URL of the new initiative"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not create initiatives in these regions", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken in the plan, the external id is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/initiatives")]
async fn create_initiative(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<InitiativeCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let initiative = initiatives::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, initiative))
    })
    .await
}

/// Read an initiative.
#[utoipa::path(
    tag = "initiatives",
    params(("id" = Uuid, Path, description = "Initiative id")),
    responses(
        (status = 200, description = "The initiative", body = Initiative, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such initiative, or its plan is not published", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/initiatives/{id}")]
async fn read_initiative(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let audience = write::plan_audience(&caller, &state)?;
    let mut conn = service::connect(&state.pool).await?;
    let initiative = initiatives::read(&mut conn, id.into_inner(), audience).await?;
    Ok(respond(StatusCode::OK, initiative))
}

/// Change an initiative (JSON merge patch). Needs `If-Match`.
///
/// Steering and administrators change any initiative; a coordinator those
/// whose regions include theirs, without changing the regions. Status and
/// progress change through progress updates.
#[utoipa::path(
    tag = "initiatives",
    params(
        ("id" = Uuid, Path, description = "Initiative id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = InitiativePatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed initiative", body = Initiative, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not change this initiative", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such initiative", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code or external id is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The initiative has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/initiatives/{id}")]
async fn update_initiative(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<InitiativePatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let initiative =
        initiatives::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, initiative))
}

/// Delete an initiative. Needs `If-Match`. Steering and administrators delete
/// any; a coordinator those in their region alone. An initiative with progress
/// updates keeps its timeline: it is refused with 409 (set it to `dropped` instead).
#[utoipa::path(
    tag = "initiatives",
    params(
        ("id" = Uuid, Path, description = "Initiative id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "The caller may not delete this initiative", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such initiative", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The initiative has progress updates", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The initiative has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/initiatives/{id}")]
async fn delete_initiative(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    initiatives::delete(&mut conn, &writer, id.into_inner(), expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
