//! `/proposals/{id}/…`: a proposal's life cycle (submit, review, withdraw),
//! steering's decisions, every transition, comments and similar ideas.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, respond, version, versioned};
use super::pagination::{PageParams, Paged};
use super::write;
use crate::auth::Caller;
use crate::domain::proposals::Step;
use crate::error::{ApiResult, Problem};
use crate::service;
use crate::service::proposals::{
    self, Comment, CommentCreate, DecisionCreate, Proposal, Similar, StepNote, Submission,
    Transition,
};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(submit_proposal)
        .service(review_proposal)
        .service(withdraw_proposal)
        .service(list_transitions)
        .service(list_decisions)
        .service(create_decision)
        .service(read_decision)
        .service(list_comments)
        .service(create_comment)
        .service(read_comment)
        .service(similar_to_proposal);
}

impl RequestBody for StepNote {}
impl RequestBody for DecisionCreate {
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "self",
        "proposalId",
        "seq",
        "from",
        "to",
        "decision",
        "by",
        "at",
        "actionId",
        "supersededBy",
    ];
}
impl RequestBody for CommentCreate {
    const READ_ONLY: &'static [&'static str] = &["id", "self", "proposalId", "by", "at"];
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StepsQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

fn pages(query: &StepsQuery) -> ApiResult<(u32, u32)> {
    PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()
}

async fn take_step(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: Uuid,
    step: Step,
    note: StepNote,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        Ok(if step == Step::Submit {
            let done = proposals::submit(&mut conn, &writer, id, expected, note).await?;
            let (v, link) = (done.proposal.version, done.proposal.self_link.clone());
            versioned(StatusCode::OK, v, &link, done)
        } else {
            let done = proposals::step(&mut conn, &writer, id, expected, step, note).await?;
            respond(StatusCode::OK, done)
        })
    })
    .await
}

/// Submit a draft, or a proposal returned for changes: steering or the
/// region's coordinator. It needs a rationale and a challenge. The answer
/// shows submitted proposals and actions of the plan with a similar title.
/// `If-Match` is optional.
#[utoipa::path(
    tag = "proposals",
    params(
        ("id" = Uuid, Path, description = "Proposal id"),
        ("If-Match" = Option<String>, Header, description = "The version the step is meant for; a stale one is a 412"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),
    ),
    request_body = StepNote,
    responses(
        (status = 200, description = "The submitted proposal and what is like it", body = Submission, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and the region's coordinator submit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft or returned, or without a rationale or challenge", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The proposal has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/proposals/{id}/submit")]
async fn submit_proposal(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<StepNote>,
) -> ApiResult<HttpResponse> {
    take_step(req, state, caller, id.into_inner(), Step::Submit, body.0).await
}

/// Take a submitted proposal under review: steering. `If-Match` is optional.
#[utoipa::path(
    tag = "proposals",
    params(
        ("id" = Uuid, Path, description = "Proposal id"),
        ("If-Match" = Option<String>, Header, description = "The version the step is meant for; a stale one is a 412"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),
    ),
    request_body = StepNote,
    responses(
        (status = 200, description = "The proposal, under review", body = Proposal, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering reviews", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The proposal is not submitted", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The proposal has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/proposals/{id}/review")]
async fn review_proposal(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<StepNote>,
) -> ApiResult<HttpResponse> {
    take_step(req, state, caller, id.into_inner(), Step::Review, body.0).await
}

/// Withdraw a proposal before a decision: steering or the region's
/// coordinator. `If-Match` is optional.
#[utoipa::path(
    tag = "proposals",
    params(
        ("id" = Uuid, Path, description = "Proposal id"),
        ("If-Match" = Option<String>, Header, description = "The version the step is meant for; a stale one is a 412"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),
    ),
    request_body = StepNote,
    responses(
        (status = 200, description = "The proposal, withdrawn", body = Proposal, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and the region's coordinator withdraw", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The proposal is decided or withdrawn already", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The proposal has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/proposals/{id}/withdraw")]
async fn withdraw_proposal(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<StepNote>,
) -> ApiResult<HttpResponse> {
    take_step(req, state, caller, id.into_inner(), Step::Withdraw, body.0).await
}

async fn steps(
    state: web::Data<AppState>,
    caller: Caller,
    id: Uuid,
    query: StepsQuery,
    decisions: bool,
) -> ApiResult<Paged<Transition>> {
    let (page, size) = pages(&query)?;
    let mut conn = service::connect(&state.pool).await?;
    let found = proposals::transitions(
        &mut conn,
        &caller.0,
        id,
        decisions,
        PageParams::storage_page(page, size),
    )
    .await?;
    let last = if decisions {
        "decisions"
    } else {
        "transitions"
    };
    let path = format!("/proposals/{id}/{last}");
    Ok(Paged::of(found, page, size, &path, &[]))
}

/// Every step of a proposal's life cycle in the order taken, with who took
/// it, when and why; decisions with their meeting and what superseded them.
#[utoipa::path(
    tag = "proposals",
    params(("id" = Uuid, Path, description = "Proposal id"), StepsQuery),
    responses(
        (status = 200, description = "A page of transitions", body = Paged<Transition>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/proposals/{id}/transitions")]
async fn list_transitions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: Query<StepsQuery>,
) -> ApiResult<Paged<Transition>> {
    steps(state, caller, id.into_inner(), query.0, false).await
}

/// Steering's decisions on a proposal, oldest first; a reconsidered one
/// names the decision that superseded it.
#[utoipa::path(
    tag = "proposals",
    params(("id" = Uuid, Path, description = "Proposal id"), StepsQuery),
    responses(
        (status = 200, description = "A page of decisions", body = Paged<Transition>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/proposals/{id}/decisions")]
async fn list_decisions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: Query<StepsQuery>,
) -> ApiResult<Paged<Transition>> {
    steps(state, caller, id.into_inner(), query.0, true).await
}

/// Decide on a submitted proposal, or one under review: steering only.
/// Rejecting and returning need a reason code and text. Accepting creates
/// the action (the plan's next number) in the same transaction. A decided
/// proposal is reconsidered by naming its latest decision in `supersedes`;
/// nothing is ever edited. `If-Match` is optional.
#[utoipa::path(
    tag = "proposals",
    params(
        ("id" = Uuid, Path, description = "Proposal id"),
        ("If-Match" = Option<String>, Header, description = "The version of the proposal the decision is meant for; a stale one is a 412"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),
    ),
    request_body = DecisionCreate,
    responses(
        (status = 201, description = "The decision", body = Transition,
            headers(("Location" = String, description = "URL of the decision"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering decides", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Decided already (name the decision to supersede), not submitted, or the action could not be created", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The proposal has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/proposals/{id}/decisions")]
async fn create_decision(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<DecisionCreate>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let id = id.into_inner();
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let decision = proposals::decide(&mut conn, &writer, id, expected, body.0).await?;
        let location = decision.self_link.clone().unwrap_or_default();
        Ok(HttpResponse::Created()
            .insert_header((LOCATION, location))
            .json(decision))
    })
    .await
}

/// One decision on a proposal.
#[utoipa::path(
    tag = "proposals",
    params(
        ("id" = Uuid, Path, description = "Proposal id"),
        ("decisionId" = Uuid, Path, description = "Decision id"),
    ),
    responses(
        (status = 200, description = "The decision", body = Transition),
        (status = 404, description = "No such proposal or decision", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/proposals/{id}/decisions/{decisionId}")]
async fn read_decision(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<web::Json<Transition>> {
    let (id, decision) = path.into_inner();
    let mut conn = service::connect(&state.pool).await?;
    Ok(web::Json(
        proposals::decision(&mut conn, &caller.0, id, decision).await?,
    ))
}

/// The comments on a proposal, oldest first.
#[utoipa::path(
    tag = "proposals",
    params(("id" = Uuid, Path, description = "Proposal id"), StepsQuery),
    responses(
        (status = 200, description = "A page of comments", body = Paged<Comment>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/proposals/{id}/comments")]
async fn list_comments(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: Query<StepsQuery>,
) -> ApiResult<Paged<Comment>> {
    let (page, size) = pages(&query.0)?;
    let id = id.into_inner();
    let mut conn = service::connect(&state.pool).await?;
    let found = proposals::comments(
        &mut conn,
        &caller.0,
        id,
        PageParams::storage_page(page, size),
    )
    .await?;
    let path = format!("/proposals/{id}/comments");
    Ok(Paged::of(found, page, size, &path, &[]))
}

/// Comment on a proposal: steering and the proposing region's coordinator.
/// A comment stays as written.
#[utoipa::path(
    tag = "proposals",
    params(
        ("id" = Uuid, Path, description = "Proposal id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),
    ),
    request_body = CommentCreate,
    responses(
        (status = 201, description = "The comment", body = Comment,
            headers(("Location" = String, description = "URL of the comment"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and the proposing region's coordinator comment", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/proposals/{id}/comments")]
async fn create_comment(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<CommentCreate>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let comment = proposals::add_comment(&mut conn, &writer, id, body.0).await?;
        Ok(HttpResponse::Created()
            .insert_header((LOCATION, comment.self_link.clone()))
            .json(comment))
    })
    .await
}

/// One comment on a proposal.
#[utoipa::path(
    tag = "proposals",
    params(
        ("id" = Uuid, Path, description = "Proposal id"),
        ("commentId" = Uuid, Path, description = "Comment id"),
    ),
    responses(
        (status = 200, description = "The comment", body = Comment),
        (status = 404, description = "No such proposal or comment", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/proposals/{id}/comments/{commentId}")]
async fn read_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<web::Json<Comment>> {
    let (id, comment) = path.into_inner();
    let mut conn = service::connect(&state.pool).await?;
    Ok(web::Json(
        proposals::comment(&mut conn, &caller.0, id, comment).await?,
    ))
}

/// Submitted proposals of the same plan and actions of the plan whose titles
/// are like this proposal's (trigram similarity of at least 0.3), five of
/// each at most, most alike first.
#[utoipa::path(
    tag = "proposals",
    params(("id" = Uuid, Path, description = "Proposal id")),
    responses(
        (status = 200, description = "What is like the proposal", body = Similar),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/proposals/{id}/similar")]
async fn similar_to_proposal(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Similar>> {
    let mut conn = service::connect(&state.pool).await?;
    Ok(web::Json(
        proposals::similar(&mut conn, &caller.0, id.into_inner()).await?,
    ))
}
