//! `/gboProjects`: local integrated-intake partnerships (geïntegreerd breed onthaal).

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
use crate::domain::results::GboStatus;
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service;
use crate::service::gbo_projects::{
    self, GboProject, GboProjectCreate, GboProjectPatch, GboProjectSelection,
};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_gbo_projects)
        .service(create_gbo_project)
        .service(read_gbo_project)
        .service(update_gbo_project)
        .service(delete_gbo_project);
}

const READ_ONLY: &[&str] = &[
    "id",
    "self",
    "version",
    "createdAt",
    "updatedAt",
    "example",
    "regions",
    "missingPartnerKinds",
];

impl RequestBody for GboProjectCreate {
    const READ_ONLY: &'static [&'static str] = READ_ONLY;
}
impl RequestBody for GboProjectPatch {
    const READ_ONLY: &'static [&'static str] = READ_ONLY;
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GboProjectQuery {
    /// Text in the name.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only projects with a municipality in one of these regions; repeat for several.
    #[serde(default)]
    #[param(max_items = 20)]
    pub region: Vec<String>,
    /// Only projects serving one of these municipalities (NIS codes); repeat for several.
    #[serde(default)]
    #[param(max_items = 300)]
    pub municipality: Vec<String>,
    /// Only projects one of these organisations is a partner in; repeat for several.
    #[serde(default)]
    #[param(max_items = 100)]
    pub organisation: Vec<Uuid>,
    /// Only projects with one of these statuses; repeat for several.
    #[serde(default)]
    pub status: Vec<GboStatus>,
    /// Only projects in this primary care zone.
    pub primary_care_zone: Option<Uuid>,
    /// The project with this external id: for a service account, its own; for a
    /// person, in any source system.
    pub external_id: Option<String>,
    /// Sort key: `name`, `createdAt`, `updatedAt`; prefix `-` for descending.
    #[param(pattern = "^-?(name|createdAt|updatedAt)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
    /// `json` (a page, the default), or `csv` or `xlsx`: a file of every
    /// GBO project the filters select, in the columns an import reads back
    /// (no `page` or `pageSize` then). Also by `Accept`.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
    /// The CSV dialect: `rfc4180` (the default) or `excel-nl-be` (BOM, `;`,
    /// decimal comma, CRLF).
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
}

/// List GBO projects. Filters combine with AND; a repeated filter matches
/// any of its values. As a file (`format=csv` or `xlsx`): every project the
/// filters select, by name, in the columns `POST /imports/gboProjects`
/// reads; `X-Changes-Cursor` is the change-feed cursor to follow on from it.
#[utoipa::path(
    tag = "gboProjects",
    params(GboProjectQuery),
    responses(
        (status = 200, description = "A page of GBO projects, or the file of all of them", content(
            (Paged<GboProject> = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("X-Changes-Cursor" = String, description = "With a file: the change-feed cursor that follows on from it"))),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the list does not answer in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/gboProjects")]
async fn list_gbo_projects(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<GboProjectQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let file = super::list_files::requested(
        &req,
        (query.format.as_deref(), query.dialect.as_deref()),
        (query.page, query.page_size),
        "GBO project",
    )?;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(
        query.sort.as_deref(),
        &["name", "createdAt", "updatedAt"],
        "name",
    )?;
    let q = write::search_text(query.q.as_deref())?;
    write::region_filter(&query.region)?;
    write::nis_filter("municipality", &query.municipality, 300)?;
    if query.organisation.len() > 100 {
        return Err(ApiError::validation(InputIssue::query(
            "organisation",
            "may be repeated at most 100 times",
        )));
    }
    if let Some(id) = &query.external_id {
        check_external_id(id)
            .map_err(|e| ApiError::validation(InputIssue::query("externalId", e)))?;
    }
    let selection = GboProjectSelection {
        q: q.clone(),
        regions: query.region.clone(),
        municipalities: query.municipality.clone(),
        organisations: query.organisation.clone(),
        statuses: query.status.clone(),
        primary_care_zone: query.primary_care_zone,
        external_id: query.external_id.clone(),
    };
    let mut conn = service::connect(state.reads(file.is_some())).await?;
    if let Some(file) = file {
        let principal = &caller.0;
        return super::list_files::serve(
            "gboProjects",
            gbo_projects::export::columns(),
            file,
            |each| gbo_projects::export::export(&mut conn, principal, selection, each),
        )
        .await;
    }
    let found = gbo_projects::list(
        &mut conn,
        &caller.0,
        selection,
        &sort,
        PageParams::storage_page(page, size),
    )
    .await?;
    let mut links = LinkParams::default();
    links
        .one("q", q)
        .many("region", &query.region)
        .many("municipality", &query.municipality)
        .many("organisation", &query.organisation)
        .many("status", &query.status)
        .one("primaryCareZone", query.primary_care_zone)
        .one("externalId", query.external_id)
        .one("sort", Some(sort));
    Ok(Paged::of(found, page, size, "/gboProjects", &links.0).response())
}

/// Create a GBO project.
///
/// Its regions follow from its municipalities. A project without a partner
/// of each core kind (local government, CAW, health insurance fund) is
/// accepted and lists what it lacks in `missingPartnerKinds`.
#[utoipa::path(
    tag = "gboProjects",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = GboProjectCreate,
    responses(
        (status = 201, description = "Created", body = GboProject,
            headers(("Location" = String, description = "URL of the new GBO project"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not create GBO projects in these municipalities", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The external id is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/gboProjects")]
async fn create_gbo_project(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<GboProjectCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let project = gbo_projects::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, project))
    })
    .await
}

/// Read a GBO project.
#[utoipa::path(
    tag = "gboProjects",
    params(("id" = Uuid, Path, description = "GBO project id")),
    responses(
        (status = 200, description = "The GBO project", body = GboProject, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such GBO project", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/gboProjects/{id}")]
async fn read_gbo_project(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = service::connect(&state.pool).await?;
    let project = gbo_projects::read(&mut conn, &caller.0, id.into_inner()).await?;
    Ok(respond(StatusCode::OK, project))
}

/// Change a GBO project (JSON merge patch). Needs `If-Match` with the current version.
///
/// A coordinator changes projects whose regions include theirs, without
/// changing the regions their municipalities lie in; a partner organisation's
/// contributor changes the projects it takes part in, but not `partners` or
/// `municipalities` (400).
#[utoipa::path(
    tag = "gboProjects",
    params(
        ("id" = Uuid, Path, description = "GBO project id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = GboProjectPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed GBO project", body = GboProject, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input, or a field the caller may not change", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not change this GBO project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such GBO project", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The external id is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The GBO project has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/gboProjects/{id}")]
async fn update_gbo_project(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<GboProjectPatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let project =
        gbo_projects::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, project))
}

/// Delete a GBO project. Needs `If-Match`. Refused with 409 while indicators refer to it.
#[utoipa::path(
    tag = "gboProjects",
    params(
        ("id" = Uuid, Path, description = "GBO project id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "The caller may not delete this GBO project", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such GBO project", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Indicators refer to the GBO project; the detail says how many", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The GBO project has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/gboProjects/{id}")]
async fn delete_gbo_project(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    gbo_projects::delete(&mut conn, &writer, id.into_inner(), expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
