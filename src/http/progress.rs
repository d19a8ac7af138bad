//! Progress: the timeline of progress updates of initiatives and actions, and
//! the roll-up of progress over a plan.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody};
use super::pagination::{PageParams, Paged};
use super::write;
use crate::auth::{Caller, MaybeCaller};
use crate::error::{ApiResult, Problem};
use crate::service::progress::rollup::{self, ActionProgress, PlanProgress};
use crate::service::progress::{self, ProgressUpdate, ProgressUpdateCreate, Timeline};
use crate::service::{self, API_BASE};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_initiative_updates)
        .service(create_initiative_update)
        .service(list_action_updates)
        .service(create_action_update)
        .service(read_progress_update)
        .service(plan_progress)
        .service(action_progress);
}

impl RequestBody for ProgressUpdateCreate {
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "self",
        "createdAt",
        "initiativeId",
        "actionId",
        "authorId",
        "authorName",
        "progressSource",
    ];
}

fn created(update: ProgressUpdate) -> HttpResponse {
    let mut response = HttpResponse::build(StatusCode::CREATED);
    response.insert_header((actix_web::http::header::LOCATION, update.self_link.clone()));
    response.json(update)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
    /// `json` (a page, the default), or `csv` or `xlsx`: a file of the whole
    /// timeline, in the columns `POST /imports/progressUpdates` reads (no
    /// `page` or `pageSize` then). Also by `Accept`.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
    /// The CSV dialect: `rfc4180` (the default) or `excel-nl-be` (BOM, `;`,
    /// decimal comma, CRLF).
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
}

async fn timeline(
    req: &HttpRequest,
    state: &AppState,
    caller: MaybeCaller,
    of: Timeline,
    query: TimelineQuery,
    base: String,
) -> ApiResult<HttpResponse> {
    let audience = write::plan_audience(&caller, state)?;
    let file = super::list_files::requested(
        req,
        (query.format.as_deref(), query.dialect.as_deref()),
        (query.page, query.page_size),
        "progress update",
    )?;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let mut conn = service::connect(state.reads(file.is_some())).await?;
    if let Some(file) = file {
        return super::list_files::serve(
            "progressUpdates",
            progress::export::columns(),
            file,
            |each| progress::export::export(&mut conn, audience, of, each),
        )
        .await;
    }
    let (items, total) = progress::timeline(
        &mut conn,
        audience,
        of,
        PageParams::storage_page(page, size),
    )
    .await?;
    Ok(Paged::new(items, total, page, size, &base, &[]).response())
}

/// The timeline of an initiative, newest first; as a file (`format=csv` or
/// `xlsx`), the whole of it in the columns `POST /imports/progressUpdates` reads.
#[utoipa::path(
    tag = "progress",
    params(("id" = Uuid, Path, description = "Initiative id"), TimelineQuery),
    responses(
        (status = 200, description = "A page of progress updates, or the file of all of them", content(
            (Paged<ProgressUpdate> = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("X-Changes-Cursor" = String, description = "With a file: the change-feed cursor that follows on from it"))),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such initiative", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the list does not answer in", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/initiatives/{id}/progressUpdates")]
async fn list_initiative_updates(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
    query: Query<TimelineQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let base = format!("{API_BASE}/initiatives/{id}/progressUpdates");
    timeline(
        &req,
        &state,
        caller,
        Timeline::Initiative(id),
        query.0,
        base,
    )
    .await
}

/// Post a progress update on an initiative. The latest-dated update sets the
/// initiative's current status and progress.
///
/// Steering and administrators on any initiative; a coordinator on initiatives
/// whose regions include theirs; a contributor on initiatives its organisation leads.
#[utoipa::path(
    tag = "progress",
    params(
        ("id" = Uuid, Path, description = "Initiative id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),
    ),
    request_body = ProgressUpdateCreate,
    responses(
        (status = 201, description = "Posted", body = ProgressUpdate,
            headers(("Location" = String, description = "URL of the new progress update"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not post on this initiative", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such initiative", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/initiatives/{id}/progressUpdates")]
async fn create_initiative_update(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<ProgressUpdateCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let update =
            progress::post_on_initiative(&mut conn, &writer, id.into_inner(), body.0).await?;
        Ok(created(update))
    })
    .await
}

/// The timeline of an action, newest first; as a file (`format=csv` or
/// `xlsx`), the whole of it in the columns `POST /imports/progressUpdates` reads.
#[utoipa::path(
    tag = "progress",
    params(("id" = Uuid, Path, description = "Action id"), TimelineQuery),
    responses(
        (status = 200, description = "A page of progress updates, or the file of all of them", content(
            (Paged<ProgressUpdate> = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("X-Changes-Cursor" = String, description = "With a file: the change-feed cursor that follows on from it"))),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the list does not answer in", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/actions/{id}/progressUpdates")]
async fn list_action_updates(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
    query: Query<TimelineQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let base = format!("{API_BASE}/actions/{id}/progressUpdates");
    timeline(&req, &state, caller, Timeline::Action(id), query.0, base).await
}

/// Post a progress update on an action. Steering and administrators.
#[utoipa::path(
    tag = "progress",
    params(
        ("id" = Uuid, Path, description = "Action id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),
    ),
    request_body = ProgressUpdateCreate,
    responses(
        (status = 201, description = "Posted", body = ProgressUpdate,
            headers(("Location" = String, description = "URL of the new progress update"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and administrators post on actions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/actions/{id}/progressUpdates")]
async fn create_action_update(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<ProgressUpdateCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let update = progress::post_on_action(&mut conn, &writer, id.into_inner(), body.0).await?;
        Ok(created(update))
    })
    .await
}

/// Read one progress update.
#[utoipa::path(
    tag = "progress",
    params(("id" = Uuid, Path, description = "Progress update id")),
    responses(
        (status = 200, description = "The progress update", body = ProgressUpdate),
        (status = 404, description = "No such progress update", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/progressUpdates/{id}")]
async fn read_progress_update(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ProgressUpdate>> {
    let audience = write::plan_audience(&caller, &state)?;
    let mut conn = service::connect(&state.pool).await?;
    Ok(web::Json(
        progress::read(&mut conn, id.into_inner(), audience).await?,
    ))
}

// ---- roll-up ----

/// Progress of a plan, rolled up. The rule is in the `PlanProgress` schema.
#[utoipa::path(
    tag = "progress",
    params(("id" = Uuid, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The roll-up", body = PlanProgress),
        (status = 404, description = "No such plan, or not published", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/plans/{id}/progress")]
async fn plan_progress(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<PlanProgress>> {
    let audience = write::plan_audience(&caller, &state)?;
    let report =
        rollup::plan_progress(&state.pool, &state.rollups, id.into_inner(), audience).await?;
    Ok(web::Json(report))
}

/// Progress of an action, rolled up over its initiatives.
#[utoipa::path(
    tag = "progress",
    params(("id" = Uuid, Path, description = "Action id")),
    responses(
        (status = 200, description = "The roll-up", body = ActionProgress),
        (status = 404, description = "No such action, or its plan is not published", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/actions/{id}/progress")]
async fn action_progress(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ActionProgress>> {
    let audience = write::plan_audience(&caller, &state)?;
    let mut conn = service::connect(&state.pool).await?;
    let report = rollup::action_progress(&mut conn, id.into_inner(), audience).await?;
    Ok(web::Json(report))
}
