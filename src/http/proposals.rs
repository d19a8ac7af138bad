//! `/proposals`: new actions put forward for a regional platform. The life
//! cycle, decisions and comments are in `proposal_steps`.

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
use crate::domain::proposals::ProposalStatus;
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service;
use crate::service::proposals::{self, Proposal, ProposalCreate, ProposalPatch, ProposalSelection};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_proposals)
        .service(create_proposal)
        .service(read_proposal)
        .service(update_proposal)
        .service(delete_proposal);
    super::proposal_steps::routes(cfg);
}

const READ_ONLY: &[&str] = &[
    "id",
    "self",
    "version",
    "createdAt",
    "updatedAt",
    "example",
    "authorIds",
    "status",
    "submittedAt",
    "decisionId",
    "actionId",
];

impl RequestBody for ProposalCreate {
    const READ_ONLY: &'static [&'static str] = READ_ONLY;
}
impl RequestBody for ProposalPatch {
    const READ_ONLY: &'static [&'static str] = READ_ONLY;
    const REFUSED: &'static [(&'static str, &'static str)] = &[
        ("planId", "stays as created: propose again for another plan"),
        (
            "regionId",
            "stays as created: the proposing region does not change",
        ),
    ];
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProposalQuery {
    /// Only proposals for these plans; repeat for several.
    #[serde(default)]
    #[param(max_items = 50)]
    pub plan: Vec<Uuid>,
    /// Only proposals of these regional platforms; repeat for several.
    #[serde(default)]
    #[param(max_items = 50)]
    pub region: Vec<String>,
    /// Only proposals in these statuses; repeat for several.
    #[serde(default)]
    pub status: Vec<ProposalStatus>,
    /// Only proposals that serve one of these challenges; repeat for several.
    #[serde(default)]
    #[param(max_items = 50)]
    pub challenge: Vec<Uuid>,
    /// Text in the title.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Sort key: `updatedAt`, `createdAt`, `title`; prefix `-` for
    /// descending. Default `-updatedAt`.
    #[param(pattern = "^-?(updatedAt|createdAt|title)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

/// List proposals: those ever submitted, and the drafts the caller may see
/// (their authors, their region's coordinator, steering and administrators).
#[utoipa::path(
    tag = "proposals",
    params(ProposalQuery),
    responses(
        (status = 200, description = "A page of proposals", body = Paged<Proposal>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/proposals")]
async fn list_proposals(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<ProposalQuery>,
) -> ApiResult<Paged<Proposal>> {
    let query = query.0;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(
        query.sort.as_deref(),
        &["updatedAt", "createdAt", "title"],
        "-updatedAt",
    )?;
    let q = write::search_text(query.q.as_deref())?;
    for (name, n) in [
        ("plan", query.plan.len()),
        ("region", query.region.len()),
        ("challenge", query.challenge.len()),
    ] {
        if n > 50 {
            return Err(ApiError::validation(InputIssue::query(
                name,
                "may be repeated at most 50 times",
            )));
        }
    }
    let selection = ProposalSelection {
        plans: query.plan.clone(),
        regions: query.region.clone(),
        statuses: query.status.clone(),
        challenges: query.challenge.clone(),
        q: q.clone(),
    };
    let mut conn = service::connect(&state.pool).await?;
    let found = proposals::list(
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
        .many("region", &query.region)
        .many("status", &query.status)
        .many("challenge", &query.challenge)
        .one("q", q)
        .one("sort", Some(sort));
    Ok(Paged::of(found, page, size, "/proposals", &links.0))
}

/// Create a draft proposal: a coordinator for their own region (the
/// default), steering for any region it names.
#[utoipa::path(
    tag = "proposals",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = ProposalCreate,
    responses(
        (status = 201, description = "Created", body = Proposal,
            headers(("Location" = String, description = "URL of the new proposal"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input, or a record it names does not exist", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and the region's coordinator propose", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/proposals")]
async fn create_proposal(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<ProposalCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let proposal = proposals::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, proposal))
    })
    .await
}

/// Read a proposal; one never submitted only for its authors, its region's
/// coordinator, steering and administrators.
#[utoipa::path(
    tag = "proposals",
    params(("id" = Uuid, Path, description = "Proposal id")),
    responses(
        (status = 200, description = "The proposal", body = Proposal, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such proposal, or a draft the caller may not see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/proposals/{id}")]
async fn read_proposal(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = service::connect(&state.pool).await?;
    let proposal = proposals::read(&mut conn, &caller.0, id.into_inner()).await?;
    Ok(respond(StatusCode::OK, proposal))
}

/// Change a proposal (JSON merge patch) while it is a draft or returned for
/// changes. Needs `If-Match`.
#[utoipa::path(
    tag = "proposals",
    params(
        ("id" = Uuid, Path, description = "Proposal id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = ProposalPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed proposal", body = Proposal, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and the region's coordinator change it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The proposal is submitted, under review or decided: it is not changed", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The proposal has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/proposals/{id}")]
async fn update_proposal(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<ProposalPatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let proposal = proposals::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, proposal))
}

/// Delete a draft that was never submitted. Needs `If-Match`. A proposal
/// submitted once keeps its history: withdraw it instead.
#[utoipa::path(
    tag = "proposals",
    params(
        ("id" = Uuid, Path, description = "Proposal id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only steering and the region's coordinator delete it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The proposal was submitted once", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The proposal has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/proposals/{id}")]
async fn delete_proposal(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    proposals::delete(&mut conn, &writer, id.into_inner(), expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
