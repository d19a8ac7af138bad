//! `/regions`: the regional platforms, readable by anyone, maintained by administrators.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::{Body, RequestBody, respond, version};
use super::write;
use crate::auth::{Caller, MaybeCaller};
use crate::error::{ApiResult, Problem};
use crate::service;
use crate::service::regions::{self, Region, RegionCreate, RegionPatch};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_regions)
        .service(create_region)
        .service(read_region)
        .service(update_region)
        .service(delete_region);
}

impl RequestBody for RegionCreate {
    const READ_ONLY: &'static [&'static str] = &["self", "version", "createdAt", "updatedAt"];
}
impl RequestBody for RegionPatch {}

/// List the regional platforms, in their usual order.
#[utoipa::path(
    tag = "regions",
    responses((status = 200, description = "All regions", body = Vec<Region>)),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/regions")]
async fn list_regions(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
) -> ApiResult<web::Json<Vec<Region>>> {
    let mut conn = service::connect(&state.pool).await?;
    Ok(web::Json(regions::list(&mut conn).await?))
}

/// Create a regional platform. Administrators.
#[utoipa::path(
    tag = "regions",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = RegionCreate,
    responses(
        (status = 201, description = "Created", body = Region,
            headers(("Location" = String, description = "URL of the new region"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators maintain regions", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The id or NIS code is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/regions")]
async fn create_region(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<RegionCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let region = regions::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, region))
    })
    .await
}

/// Read a regional platform.
#[utoipa::path(
    tag = "regions",
    params(("id" = String, Path, description = "Region id, e.g. `limburg`")),
    responses(
        (status = 200, description = "The region", body = Region, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such region", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/regions/{id}")]
async fn read_region(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let mut conn = service::connect(&state.pool).await?;
    let region = regions::read(&mut conn, &id).await?;
    Ok(respond(StatusCode::OK, region))
}

/// Change a regional platform (JSON merge patch). Administrators; needs `If-Match`
/// with the current version. The id cannot change.
#[utoipa::path(
    tag = "regions",
    params(
        ("id" = String, Path, description = "Region id, e.g. `limburg`"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = RegionPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed region", body = Region, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators maintain regions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such region", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The NIS code is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The region has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/regions/{id}")]
async fn update_region(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Body<RegionPatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let region = regions::update(&mut conn, &writer, &id, expected, body.0).await?;
    Ok(respond(StatusCode::OK, region))
}

/// Delete a regional platform. Administrators; needs `If-Match`. Refused with
/// 409 while users, service accounts, organisations, municipalities, primary
/// care zones, initiatives or proposed actions refer to it.
#[utoipa::path(
    tag = "regions",
    params(
        ("id" = String, Path, description = "Region id, e.g. `limburg`"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only administrators maintain regions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such region", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Other records refer to the region; the detail says which", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The region has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/regions/{id}")]
async fn delete_region(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    regions::delete(&mut conn, &writer, &id, expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
