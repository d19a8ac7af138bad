//! `/practices`: good practices to share and find again.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, respond, version};
use super::pagination::{PageParams, Paged};
use super::write::{self, LinkParams};
use crate::auth::{Caller, MaybeCaller};
use crate::domain::plan::check_external_id;
use crate::domain::practices::{EvidenceLevel, PracticeStatus, Theme};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service;
use crate::service::practices::{self, Practice, PracticeCreate, PracticeFilter, PracticePatch};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_practices)
        .service(create_practice)
        .service(read_practice)
        .service(update_practice)
        .service(delete_practice);
}

const READ_ONLY: &[&str] = &[
    "id",
    "self",
    "version",
    "createdAt",
    "updatedAt",
    "example",
    "bodyHtml",
    "authorIds",
];

impl RequestBody for PracticeCreate {
    const READ_ONLY: &'static [&'static str] = READ_ONLY;
}
impl RequestBody for PracticePatch {
    const READ_ONLY: &'static [&'static str] = READ_ONLY;
}

const SORTS: &[&str] = &["title", "publishedOn", "updatedAt"];

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PracticeQuery {
    /// Text in the title or summary.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only these statuses; repeat for several. Without it: published
    /// practices and the drafts the caller may see, not archived ones.
    #[serde(default)]
    pub status: Vec<PracticeStatus>,
    /// Related to one of these challenges.
    #[serde(default)]
    #[param(max_items = 20)]
    pub challenge: Vec<Uuid>,
    /// Practised in one of these regions.
    #[serde(default)]
    #[param(max_items = 20)]
    pub region: Vec<String>,
    /// Practised in one of these municipalities (NIS codes).
    #[serde(default)]
    #[param(max_items = 100)]
    pub municipality: Vec<String>,
    /// Belonging to or with one of these organisations taking part.
    #[serde(default)]
    #[param(max_items = 100)]
    pub organisation: Vec<Uuid>,
    /// Related to one of these initiatives.
    #[serde(default)]
    #[param(max_items = 100)]
    pub initiative: Vec<Uuid>,
    /// Related to one of these GBO projects.
    #[serde(default)]
    #[param(max_items = 100)]
    pub gbo_project: Vec<Uuid>,
    /// Related to one of these actions.
    #[serde(default)]
    #[param(max_items = 100)]
    pub action: Vec<Uuid>,
    /// With one of these themes.
    #[serde(default)]
    pub theme: Vec<Theme>,
    /// With one of these tags.
    #[serde(default)]
    #[param(max_items = 20)]
    pub tag: Vec<String>,
    /// At one of these evidence levels.
    #[serde(default)]
    pub evidence_level: Vec<EvidenceLevel>,
    /// The practice with this external id: for a service account, its own;
    /// for a person, in any source system.
    pub external_id: Option<String>,
    /// Sort key: `title`, `publishedOn`, `updatedAt`; prefix `-` for descending.
    #[param(pattern = "^-?(title|publishedOn|updatedAt)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

fn query_issue(name: &str, detail: &str) -> ApiError {
    ApiError::validation(InputIssue::query(name, detail))
}

/// List practices. Drafts are listed for their authors, their region's
/// coordinator, steering and administrators only; archived practices only
/// when asked for by `status`.
#[utoipa::path(
    tag = "practices",
    params(PracticeQuery),
    responses(
        (status = 200, description = "A page of practices", body = Paged<Practice>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, and public read is off", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/practices")]
async fn list_practices(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<PracticeQuery>,
) -> ApiResult<HttpResponse> {
    write::plan_audience(&caller, &state)?;
    let query = query.0;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(query.sort.as_deref(), SORTS, "title")?;
    let q = write::search_text(query.q.as_deref())?;
    write::region_filter(&query.region)?;
    write::nis_filter("municipality", &query.municipality, 100)?;
    write::text_values("tag", &query.tag, 20)?;
    for (name, len) in [
        ("challenge", query.challenge.len()),
        ("organisation", query.organisation.len()),
        ("initiative", query.initiative.len()),
        ("gboProject", query.gbo_project.len()),
        ("action", query.action.len()),
    ] {
        if len > 100 {
            return Err(query_issue(name, "may be repeated at most 100 times"));
        }
    }
    if let Some(id) = &query.external_id {
        check_external_id(id).map_err(|e| query_issue("externalId", e))?;
    }
    let filter = PracticeFilter {
        status: query.status.iter().map(|s| s.as_str().to_owned()).collect(),
        q: q.clone(),
        challenge: query.challenge.clone(),
        region: query.region.clone(),
        municipality: query.municipality.clone(),
        organisation: query.organisation.clone(),
        initiative: query.initiative.clone(),
        gbo_project: query.gbo_project.clone(),
        action: query.action.clone(),
        theme: query.theme.iter().map(|t| t.as_str().to_owned()).collect(),
        tag: query.tag.iter().map(|t| t.trim().to_lowercase()).collect(),
        evidence_level: query
            .evidence_level
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect(),
        external_id: query.external_id.clone(),
        ..PracticeFilter::default()
    };
    let mut conn = service::connect(&state.pool).await?;
    let found = practices::list(
        &mut conn,
        caller.0.as_ref(),
        filter,
        &sort,
        PageParams::storage_page(page, size),
    )
    .await?;
    let mut links = LinkParams::default();
    links
        .one("q", q)
        .many("status", &query.status)
        .many("challenge", &query.challenge)
        .many("region", &query.region)
        .many("municipality", &query.municipality)
        .many("organisation", &query.organisation)
        .many("initiative", &query.initiative)
        .many("gboProject", &query.gbo_project)
        .many("action", &query.action)
        .many("theme", &query.theme)
        .many("tag", &query.tag)
        .many("evidenceLevel", &query.evidence_level)
        .one("externalId", query.external_id)
        .one("sort", Some(sort));
    Ok(HttpResponse::Ok().json(Paged::of(found, page, size, "/practices", &links.0)))
}

/// Create a practice: a draft unless `status` says otherwise (publishing is
/// for the coordinator of its region, steering and administrators).
#[utoipa::path(
    tag = "practices",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = PracticeCreate,
    responses(
        (status = 201, description = "Created", body = Practice,
            headers(("Location" = String, description = "URL of the new practice"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input, or a record it names does not exist", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not write practices", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The external id is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/practices")]
async fn create_practice(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<PracticeCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let practice = practices::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, practice))
    })
    .await
}

/// A practice; a draft only for its authors, its region's coordinator,
/// steering and administrators.
#[utoipa::path(
    tag = "practices",
    params(("id" = Uuid, Path, description = "Practice id")),
    responses(
        (status = 200, description = "The practice", body = Practice, headers(("ETag" = String, description = "Version"))),
        (status = 401, description = "Not signed in, and public read is off", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such practice, or a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/practices/{id}")]
async fn read_practice(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    write::plan_audience(&caller, &state)?;
    let mut conn = service::connect(&state.pool).await?;
    let practice = practices::read(&mut conn, caller.0.as_ref(), id.into_inner()).await?;
    Ok(respond(StatusCode::OK, practice))
}

/// Change a practice (JSON merge patch); the practice it leaves is judged
/// whole. A change of `status` is for the coordinator of its region,
/// steering and administrators.
#[utoipa::path(
    tag = "practices",
    params(
        ("id" = Uuid, Path, description = "Practice id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = PracticePatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed practice", body = Practice, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input, a record it names does not exist, or a change of status the caller may not make", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not change this practice", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such practice, or a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The external id is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The practice has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/practices/{id}")]
async fn update_practice(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<PracticePatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let practice = practices::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, practice))
}

/// Delete a practice.
#[utoipa::path(
    tag = "practices",
    params(
        ("id" = Uuid, Path, description = "Practice id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "The caller may not delete this practice", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such practice, or a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The practice has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/practices/{id}")]
async fn delete_practice(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    practices::delete(&mut conn, &writer, id.into_inner(), expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
