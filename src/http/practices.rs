//! `/practices`: good practices to share and find again.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, RequestBody, respond, version};
use super::write;
use crate::auth::{Caller, MaybeCaller};
use crate::error::{ApiResult, Problem};
use crate::service;
use crate::service::practices::{self, Practice, PracticeCreate, PracticePatch};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(super::practice_list::list_practices)
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
