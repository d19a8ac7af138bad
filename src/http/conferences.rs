//! `/conferences`: the Sociaalwerkconferenties, readable by anyone, kept by
//! steering and administrators.

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
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service;
use crate::service::conferences::{self, Conference, ConferenceCreate, ConferencePatch};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_conferences)
        .service(create_conference)
        .service(read_conference)
        .service(update_conference)
        .service(delete_conference);
}

const READ_ONLY: &[&str] = &[
    "id",
    "self",
    "version",
    "createdAt",
    "updatedAt",
    "snapshot",
];

impl RequestBody for ConferenceCreate {
    const READ_ONLY: &'static [&'static str] = READ_ONLY;
}
impl RequestBody for ConferencePatch {
    const READ_ONLY: &'static [&'static str] = READ_ONLY;
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConferenceQuery {
    /// Only the conferences of this year.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// Sort key: `year` (then the day), `date` (those without a day last);
    /// prefix `-` for descending.
    #[param(pattern = "^-?(year|date)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

/// List the Sociaalwerkconferenties. Anyone, anonymous callers too.
#[utoipa::path(
    tag = "conferences",
    params(ConferenceQuery),
    responses(
        (status = 200, description = "A page of conferences", body = Paged<Conference>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/conferences")]
async fn list_conferences(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    query: Query<ConferenceQuery>,
) -> ApiResult<Paged<Conference>> {
    let query = query.0;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(query.sort.as_deref(), &["year", "date"], "year")?;
    if query.year.is_some_and(|y| !(2000..=2100).contains(&y)) {
        return Err(ApiError::validation(InputIssue::query(
            "year",
            "must be from 2000 to 2100",
        )));
    }
    let mut conn = service::connect(&state.pool).await?;
    let found = conferences::list(
        &mut conn,
        query.year,
        &sort,
        PageParams::storage_page(page, size),
    )
    .await?;
    let mut links = LinkParams::default();
    links.one("year", query.year).one("sort", Some(sort));
    Ok(Paged::of(found, page, size, "/conferences", &links.0))
}

/// Record a conference. Steering and administrators.
#[utoipa::path(
    tag = "conferences",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = ConferenceCreate,
    responses(
        (status = 201, description = "Created", body = Conference,
            headers(("Location" = String, description = "URL of the new conference"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and administrators keep conferences", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A conference on this day exists, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/conferences")]
async fn create_conference(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<ConferenceCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let conference = conferences::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, conference))
    })
    .await
}

/// Read a conference. Anyone, anonymous callers too.
#[utoipa::path(
    tag = "conferences",
    params(("id" = Uuid, Path, description = "Conference id")),
    responses(
        (status = 200, description = "The conference", body = Conference, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such conference", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/conferences/{id}")]
async fn read_conference(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = service::connect(&state.pool).await?;
    let conference = conferences::read(&mut conn, id.into_inner()).await?;
    Ok(respond(StatusCode::OK, conference))
}

/// Change a conference (JSON merge patch). Steering and administrators; needs
/// `If-Match` with the current version.
#[utoipa::path(
    tag = "conferences",
    params(
        ("id" = Uuid, Path, description = "Conference id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = ConferencePatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed conference", body = Conference, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and administrators keep conferences", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conference", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A conference on this day exists", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The conference has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/conferences/{id}")]
async fn update_conference(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<ConferencePatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let conference =
        conferences::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, conference))
}

/// Delete a conference. Steering and administrators; needs `If-Match`.
#[utoipa::path(
    tag = "conferences",
    params(
        ("id" = Uuid, Path, description = "Conference id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only steering and administrators keep conferences", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conference", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The conference has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/conferences/{id}")]
async fn delete_conference(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    conferences::delete(&mut conn, &writer, id.into_inner(), expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
