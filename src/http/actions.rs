//! `/actions`: the numbered actions of a plan.

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
use crate::domain::WorkStatus;
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service;
use crate::service::actions::{self, Action, ActionCreate, ActionPatch, ActionSelection};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_actions)
        .service(create_action)
        .service(read_action)
        .service(update_action)
        .service(delete_action);
}

impl RequestBody for ActionCreate {
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "self",
        "version",
        "createdAt",
        "updatedAt",
        "progressSource",
        "lastProgressOn",
        "example",
        "practices",
        "proposalId",
    ];
}

impl RequestBody for ActionPatch {
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
        "proposalId",
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
pub struct ActionQuery {
    /// Only actions of these plans; repeat for several.
    #[serde(default)]
    #[param(max_items = 50)]
    pub plan: Vec<Uuid>,
    /// Only actions that serve one of these challenges; repeat for several.
    #[serde(default)]
    #[param(max_items = 50)]
    pub challenge: Vec<Uuid>,
    /// Only actions with these statuses; repeat for several.
    #[serde(default)]
    pub status: Vec<WorkStatus>,
    /// Text in the title or code.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Sort key: `number`, `code`, `title`, `updatedAt`; prefix `-` for descending.
    #[param(pattern = "^-?(number|code|title|updatedAt)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

/// List actions.
#[utoipa::path(
    tag = "actions",
    params(ActionQuery),
    responses(
        (status = 200, description = "A page of actions", body = Paged<Action>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/actions")]
async fn list_actions(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<ActionQuery>,
) -> ApiResult<Paged<Action>> {
    let audience = write::plan_audience(&caller, &state)?;
    let query = query.0;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(
        query.sort.as_deref(),
        &["number", "code", "title", "updatedAt"],
        "number",
    )?;
    let q = write::search_text(query.q.as_deref())?;
    if query.plan.len() > 50 || query.challenge.len() > 50 {
        return Err(ApiError::validation(InputIssue::query(
            if query.plan.len() > 50 {
                "plan"
            } else {
                "challenge"
            },
            "may be repeated at most 50 times",
        )));
    }
    let selection = ActionSelection {
        plans: query.plan.clone(),
        challenges: query.challenge.clone(),
        statuses: query.status.clone(),
        q: q.clone(),
    };
    let mut conn = service::connect(&state.pool).await?;
    let found = actions::list(
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
        .many("challenge", &query.challenge)
        .many("status", &query.status)
        .one("q", q)
        .one("sort", Some(sort));
    Ok(Paged::of(found, page, size, "/actions", &links.0))
}

/// Create an action. Steering and administrators.
#[utoipa::path(
    tag = "actions",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = ActionCreate,
    responses(
        (status = 201, description = "Created", body = Action,
            headers(("Location" = String, description = "URL of the new action"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and administrators edit the plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code or number is taken in the plan, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/actions")]
async fn create_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<ActionCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let action = actions::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, action))
    })
    .await
}

/// Read an action.
#[utoipa::path(
    tag = "actions",
    params(("id" = Uuid, Path, description = "Action id")),
    responses(
        (status = 200, description = "The action", body = Action, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such action, or its plan is not published", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/actions/{id}")]
async fn read_action(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let audience = write::plan_audience(&caller, &state)?;
    let mut conn = service::connect(&state.pool).await?;
    let action = actions::read(&mut conn, id.into_inner(), audience).await?;
    Ok(respond(StatusCode::OK, action))
}

/// Change an action (JSON merge patch). Needs `If-Match`. Steering and administrators.
///
/// Status and progress change through progress updates, not here.
#[utoipa::path(
    tag = "actions",
    params(
        ("id" = Uuid, Path, description = "Action id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = ActionPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed action", body = Action, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and administrators edit the plan", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code or number is taken in the plan", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The action has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/actions/{id}")]
async fn update_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<ActionPatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let action = actions::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, action))
}

/// Delete an action. Needs `If-Match`. Refused with 409 while it has
/// initiatives or progress updates.
#[utoipa::path(
    tag = "actions",
    params(
        ("id" = Uuid, Path, description = "Action id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only steering and administrators edit the plan", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Initiatives or progress updates refer to the action; the detail says which", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The action has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/actions/{id}")]
async fn delete_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    actions::delete(&mut conn, &writer, id.into_inner(), expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
