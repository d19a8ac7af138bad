//! `/plans` and `/challenges`: the action plan and its societal challenges.

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
use crate::domain::PlanStatus;
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service;
use crate::service::challenges::{self, Challenge, ChallengeCreate, ChallengePatch};
use crate::service::plans::{self, Plan, PlanCreate, PlanPatch};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_plans)
        .service(create_plan)
        .service(read_plan)
        .service(update_plan)
        .service(delete_plan)
        .service(list_challenges)
        .service(create_challenge)
        .service(read_challenge)
        .service(update_challenge)
        .service(delete_challenge);
}

impl RequestBody for PlanCreate {
    const READ_ONLY: &'static [&'static str] =
        &["id", "self", "version", "createdAt", "updatedAt", "example"];
}
impl RequestBody for PlanPatch {
    const READ_ONLY: &'static [&'static str] =
        &["id", "self", "version", "createdAt", "updatedAt", "example"];
}
impl RequestBody for ChallengeCreate {
    const READ_ONLY: &'static [&'static str] =
        &["id", "self", "version", "createdAt", "updatedAt", "example"];
}
impl RequestBody for ChallengePatch {
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "self",
        "version",
        "createdAt",
        "updatedAt",
        "planId",
        "example",
    ];
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// Only plans with these statuses; repeat for several.
    #[serde(default)]
    pub status: Vec<PlanStatus>,
    /// Sort key: `startYear`, `code`; prefix `-` for descending.
    #[param(pattern = "^-?(startYear|code)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

/// List plans. Anonymous callers (when the operator allows public read) see published plans only.
#[utoipa::path(
    tag = "plans",
    params(PlanQuery),
    responses(
        (status = 200, description = "A page of plans", body = Paged<Plan>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/plans")]
async fn list_plans(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<PlanQuery>,
) -> ApiResult<Paged<Plan>> {
    let audience = write::plan_audience(&caller, &state)?;
    let query = query.0;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(query.sort.as_deref(), &["startYear", "code"], "startYear")?;
    let mut conn = service::connect(&state.pool).await?;
    let found = plans::list(
        &mut conn,
        audience,
        &query.status,
        &sort,
        PageParams::storage_page(page, size),
    )
    .await?;
    let mut links = LinkParams::default();
    links.many("status", &query.status).one("sort", Some(sort));
    Ok(Paged::of(found, page, size, "/plans", &links.0))
}

/// Create a plan. Steering and administrators.
#[utoipa::path(
    tag = "plans",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = PlanCreate,
    responses(
        (status = 201, description = "Created", body = Plan,
            headers(("Location" = String, description = "URL of the new plan"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and administrators edit the plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/plans")]
async fn create_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<PlanCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let plan = plans::create(&mut conn, &write::writer(&req, &caller.0), body.0).await?;
        Ok(respond(StatusCode::CREATED, plan))
    })
    .await
}

/// Read a plan.
#[utoipa::path(
    tag = "plans",
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan", body = Plan, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such plan, or not published", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/plans/{id}")]
async fn read_plan(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let audience = write::plan_audience(&caller, &state)?;
    let mut conn = service::connect(&state.pool).await?;
    let plan = plans::read(&mut conn, id.into_inner(), audience).await?;
    Ok(respond(StatusCode::OK, plan))
}

/// Change a plan (JSON merge patch). Needs `If-Match`. Steering and administrators.
#[utoipa::path(
    tag = "plans",
    params(
        ("id" = Uuid, Path, description = "Plan id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = PlanPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed plan", body = Plan, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and administrators edit the plan", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The plan has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/plans/{id}")]
async fn update_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<PlanPatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let plan = plans::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, plan))
}

/// Delete a plan. Needs `If-Match`. Refused with 409 while it has challenges or actions.
#[utoipa::path(
    tag = "plans",
    params(
        ("id" = Uuid, Path, description = "Plan id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only steering and administrators edit the plan", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Challenges or actions refer to the plan; the detail says which", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The plan has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/plans/{id}")]
async fn delete_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    plans::delete(
        &mut conn,
        &write::writer(&req, &caller.0),
        id.into_inner(),
        expected,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---- challenges ----

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChallengeQuery {
    /// Only challenges of these plans; repeat for several.
    #[serde(default)]
    #[param(max_items = 50)]
    pub plan: Vec<Uuid>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

/// List challenges, by plan and number.
#[utoipa::path(
    tag = "challenges",
    params(ChallengeQuery),
    responses(
        (status = 200, description = "A page of challenges", body = Paged<Challenge>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/challenges")]
async fn list_challenges(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<ChallengeQuery>,
) -> ApiResult<Paged<Challenge>> {
    let audience = write::plan_audience(&caller, &state)?;
    let query = query.0;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    if query.plan.len() > 50 {
        return Err(ApiError::validation(InputIssue::query(
            "plan",
            "may be repeated at most 50 times",
        )));
    }
    let mut conn = service::connect(&state.pool).await?;
    let found = challenges::list(
        &mut conn,
        audience,
        &query.plan,
        PageParams::storage_page(page, size),
    )
    .await?;
    let mut links = LinkParams::default();
    links.many("plan", &query.plan);
    Ok(Paged::of(found, page, size, "/challenges", &links.0))
}

/// Create a challenge in a plan. Steering and administrators.
#[utoipa::path(
    tag = "challenges",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = ChallengeCreate,
    responses(
        (status = 201, description = "Created", body = Challenge,
            headers(("Location" = String, description = "URL of the new challenge"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and administrators edit the plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code or number is taken in the plan, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/challenges")]
async fn create_challenge(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<ChallengeCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let challenge = challenges::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, challenge))
    })
    .await
}

/// Read a challenge.
#[utoipa::path(
    tag = "challenges",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "The challenge", body = Challenge, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such challenge, or its plan is not published", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/challenges/{id}")]
async fn read_challenge(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let audience = write::plan_audience(&caller, &state)?;
    let mut conn = service::connect(&state.pool).await?;
    let challenge = challenges::read(&mut conn, id.into_inner(), audience).await?;
    Ok(respond(StatusCode::OK, challenge))
}

/// Change a challenge (JSON merge patch). Needs `If-Match`. Steering and administrators.
#[utoipa::path(
    tag = "challenges",
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = ChallengePatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed challenge", body = Challenge, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and administrators edit the plan", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code or number is taken in the plan", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The challenge has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/challenges/{id}")]
async fn update_challenge(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<ChallengePatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let challenge =
        challenges::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, challenge))
}

/// Delete a challenge. Needs `If-Match`. Refused with 409 while actions serve it.
#[utoipa::path(
    tag = "challenges",
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only steering and administrators edit the plan", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Actions serve the challenge; the detail says how many", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The challenge has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/challenges/{id}")]
async fn delete_challenge(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    challenges::delete(&mut conn, &writer, id.into_inner(), expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
