//! Progress: the timeline of progress updates of initiatives and actions, and
//! the roll-up of progress over a plan.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel_async::AsyncConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody};
use super::pagination::{PageParams, Paged};
use super::write::{self, PlanAudience, ProgressSource, check, ensure_valid, snapshot};
use crate::auth::permissions::{self, Operation, Resource};
use crate::auth::{Caller, MaybeCaller};
use crate::domain::WorkStatus;
use crate::domain::plan::check_long_text;
use crate::domain::rollup::{self, ActionInput, Basis, Sums};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service::Record;
use crate::service::actions;
use crate::service::initiatives;
use crate::startup::AppState;
use crate::storage::initiatives::{self as store, NewProgressUpdate, ProgressUpdateRow};
use crate::storage::{self, audit, plan, reference};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_initiative_updates)
        .service(create_initiative_update)
        .service(list_action_updates)
        .service(create_action_update)
        .service(read_progress_update)
        .service(plan_progress)
        .service(action_progress);
}

/// One entry in the timeline of an initiative or an action. Entries are never
/// changed or removed: a correction is a new entry.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgressUpdate {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The initiative; absent for an update of an action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initiative_id: Option<Uuid>,
    /// The action; absent for an update of an initiative.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<Uuid>,
    /// The day the update describes.
    pub date: NaiveDate,
    /// Status as of that day.
    pub status: WorkStatus,
    /// Progress (0-100) as of that day: explicit or the status default; absent when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<i16>,
    /// Where `progress` comes from; absent when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_source: Option<ProgressSource>,
    /// What happened; may be empty.
    pub narrative: String,
    /// Who posted it; absent for anonymous readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_id: Option<Uuid>,
    /// The author's name as it was then; absent for anonymous readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
}

impl ProgressUpdate {
    fn from_row(row: ProgressUpdateRow, audience: PlanAudience) -> ApiResult<Self> {
        let signed_in = audience == PlanAudience::SignedIn;
        Ok(Self {
            self_link: format!("{}/progressUpdates/{}", super::API_BASE, row.id),
            id: row.id,
            initiative_id: row.initiative_id,
            action_id: row.action_id,
            date: row.date,
            status: row.status.parse().map_err(ApiError::Internal)?,
            progress: row.effective_progress,
            progress_source: write::progress_source(row.progress, row.effective_progress),
            narrative: row.narrative,
            author_id: signed_in.then_some(row.author_id),
            author_name: signed_in.then_some(row.author_name),
            created_at: row.created_at,
        })
    }
}

/// A new progress update.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProgressUpdateCreate {
    /// The day the update describes: not in the future, not before 2000.
    /// The update with the latest date (the latest posted among equal dates)
    /// sets the current status and progress; an older date only adds history.
    pub date: NaiveDate,
    /// Status as of that day.
    pub status: WorkStatus,
    /// Explicit progress (0-100); absent means the status default. `completed`
    /// takes only 100 and `dropped` none.
    #[schema(minimum = 0, maximum = 100)]
    pub progress: Option<i16>,
    /// What happened.
    #[schema(max_length = 20000)]
    pub narrative: Option<String>,
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

fn check_update(input: &ProgressUpdateCreate) -> ApiResult<()> {
    let mut issues = Vec::new();
    let today = Utc::now().date_naive();
    // A day of slack: the author's day may already have begun east of UTC.
    if input.date > today + chrono::Days::new(1) || input.date.year() < 2000 {
        issues.push(
            InputIssue::body("date", "must be a day from 2000 up to today")
                .with_value(input.date.to_string().into()),
        );
    }
    check(
        &mut issues,
        "progress",
        input.status.check_progress(input.progress),
        || input.progress.into(),
    );
    if let Some(n) = &input.narrative {
        check(&mut issues, "narrative", check_long_text(n, 20000), || {
            serde_json::Value::Null
        });
    }
    ensure_valid(issues)
}

fn new_update(
    input: &ProgressUpdateCreate,
    caller: &Caller,
    author_name: String,
    initiative_id: Option<Uuid>,
    action_id: Option<Uuid>,
) -> NewProgressUpdate {
    NewProgressUpdate {
        initiative_id,
        action_id,
        date: input.date,
        status: input.status.as_str().to_owned(),
        progress: input.progress,
        narrative: input.narrative.clone().unwrap_or_default(),
        author_id: caller.0.id,
        author_kind: write::kind_name(caller.0.kind).to_owned(),
        author_name,
        created_at: Utc::now(),
    }
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
}

async fn timeline(
    state: &AppState,
    audience: PlanAudience,
    initiative_id: Option<Uuid>,
    action_id: Option<Uuid>,
    query: TimelineQuery,
    base: String,
) -> ApiResult<web::Json<Paged<ProgressUpdate>>> {
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let mut conn = storage::connection(&state.pool).await?;
    if let Some(id) = initiative_id {
        initiatives::read(&mut conn, id, audience).await?;
    }
    if let Some(id) = action_id {
        actions::read(&mut conn, id, audience).await?;
    }
    let (rows, total) = store::list_progress_updates(
        &mut conn,
        initiative_id,
        action_id,
        &PageParams::storage_page(page, size),
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|r| ProgressUpdate::from_row(r, audience))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(web::Json(Paged::new(items, total, page, size, &base, &[])))
}

/// The timeline of an initiative, newest first.
#[utoipa::path(
    tag = "progress",
    params(("id" = Uuid, Path, description = "Initiative id"), TimelineQuery),
    responses(
        (status = 200, description = "A page of progress updates", body = Paged<ProgressUpdate>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such initiative", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/initiatives/{id}/progressUpdates")]
async fn list_initiative_updates(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
    query: Query<TimelineQuery>,
) -> ApiResult<web::Json<Paged<ProgressUpdate>>> {
    let audience = write::plan_audience(&caller, &state)?;
    let id = id.into_inner();
    let base = format!("{}/initiatives/{id}/progressUpdates", super::API_BASE);
    timeline(&state, audience, Some(id), None, query.0, base).await
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
    permissions::require(&caller.0, Resource::ProgressUpdates, Operation::Write)?;
    let id = id.into_inner();
    super::idempotency::once(&req, &state, &caller.0, || async {
        let input = body.0;
        check_update(&input)?;
        let actor = write::actor(&req, &caller.0);
        let mut conn = storage::connection(&state.pool).await?;
        let update = conn
            .transaction::<_, ApiError, _>(async |conn| {
                let current = store::lock(conn, id).await?;
                permissions::progress_update_write(
                    &caller.0,
                    &current.regions,
                    current.row.lead_organisation_id,
                )?;
                let author = store::principal_name(conn, caller.0.id).await?;
                let row = store::insert_progress_update(
                    conn,
                    new_update(&input, &caller, author, Some(id), None),
                )
                .await?;
                let update = ProgressUpdate::from_row(row.clone(), PlanAudience::SignedIn)?;
                audit::record(
                    conn,
                    &actor,
                    "progressUpdate",
                    &row.id.to_string(),
                    None,
                    Some(&snapshot(&update)?),
                )
                .await?;
                if current
                    .row
                    .last_progress_on
                    .is_none_or(|last| row.date >= last)
                {
                    let before = snapshot(&current.view()?)?;
                    store::apply_to_initiative(conn, &row, id).await?;
                    let after = snapshot(&store::get(conn, id).await?.view()?)?;
                    audit::record(
                        conn,
                        &actor,
                        "initiative",
                        &id.to_string(),
                        Some(&before),
                        Some(&after),
                    )
                    .await?;
                }
                Ok(update)
            })
            .await?;
        Ok(created(update))
    })
    .await
}

/// The timeline of an action, newest first.
#[utoipa::path(
    tag = "progress",
    params(("id" = Uuid, Path, description = "Action id"), TimelineQuery),
    responses(
        (status = 200, description = "A page of progress updates", body = Paged<ProgressUpdate>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such action", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/actions/{id}/progressUpdates")]
async fn list_action_updates(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
    query: Query<TimelineQuery>,
) -> ApiResult<web::Json<Paged<ProgressUpdate>>> {
    let audience = write::plan_audience(&caller, &state)?;
    let id = id.into_inner();
    let base = format!("{}/actions/{id}/progressUpdates", super::API_BASE);
    timeline(&state, audience, None, Some(id), query.0, base).await
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
    permissions::require(&caller.0, Resource::Plan, Operation::Write)?;
    let id = id.into_inner();
    super::idempotency::once(&req, &state, &caller.0, || async {
        let input = body.0;
        check_update(&input)?;
        let actor = write::actor(&req, &caller.0);
        let mut conn = storage::connection(&state.pool).await?;
        let update = conn
            .transaction::<_, ApiError, _>(async |conn| {
                let current = plan::lock_action(conn, id).await?;
                let author = store::principal_name(conn, caller.0.id).await?;
                let row = store::insert_progress_update(
                    conn,
                    new_update(&input, &caller, author, None, Some(id)),
                )
                .await?;
                let update = ProgressUpdate::from_row(row.clone(), PlanAudience::SignedIn)?;
                audit::record(
                    conn,
                    &actor,
                    "progressUpdate",
                    &row.id.to_string(),
                    None,
                    Some(&snapshot(&update)?),
                )
                .await?;
                if current
                    .row
                    .last_progress_on
                    .is_none_or(|last| row.date >= last)
                {
                    let before = snapshot(&current.view()?)?;
                    store::apply_to_action(conn, &row, id).await?;
                    let after = snapshot(&plan::get_action(conn, id).await?.view()?)?;
                    audit::record(
                        conn,
                        &actor,
                        "action",
                        &id.to_string(),
                        Some(&before),
                        Some(&after),
                    )
                    .await?;
                }
                Ok(update)
            })
            .await?;
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
    let mut conn = storage::connection(&state.pool).await?;
    let row = store::get_progress_update(&mut conn, id.into_inner()).await?;
    if let Some(initiative) = row.initiative_id {
        initiatives::read(&mut conn, initiative, audience).await?;
    }
    if let Some(action) = row.action_id {
        actions::read(&mut conn, action, audience).await?;
    }
    Ok(web::Json(ProgressUpdate::from_row(row, audience)?))
}

// ---- roll-up ----

/// A rolled-up progress figure and what it was computed from.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Figure {
    /// Weighted mean progress (0-100, two decimals): `Σ(weight × progress) / Σ weight`
    /// over the counted children. Absent when nothing counts (no children,
    /// all dropped, all weights zero).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    /// Σ weight over the counted children.
    pub weight_total: f64,
    /// Children that count: not dropped, weight above zero.
    pub counted: i64,
    /// Children left out: dropped or weighted zero.
    pub excluded: i64,
}

impl From<Sums> for Figure {
    fn from(s: Sums) -> Self {
        Self {
            progress: s.progress(),
            weight_total: (s.weight_total * 1000.0).round() / 1000.0,
            counted: s.counted,
            excluded: s.excluded,
        }
    }
}

/// Where an action's rolled-up progress comes from.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum RollupBasis {
    /// The weighted mean of its counted initiatives.
    Initiatives,
    /// Its own status and progress: none of its initiatives counts.
    OwnStatus,
    /// The action is dropped and left out.
    Dropped,
}

impl From<Basis> for RollupBasis {
    fn from(b: Basis) -> Self {
        match b {
            Basis::Initiatives => RollupBasis::Initiatives,
            Basis::OwnStatus => RollupBasis::OwnStatus,
            Basis::Dropped => RollupBasis::Dropped,
        }
    }
}

/// An action in a roll-up.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActionRollup {
    /// The action.
    pub action_id: Uuid,
    /// Its code.
    pub code: String,
    /// Its status.
    pub status: WorkStatus,
    /// Its weight in the plan and its challenges.
    pub weight: f64,
    /// Rolled-up progress; absent when dropped or nothing counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    /// Where `progress` comes from.
    pub basis: RollupBasis,
    /// Its initiatives: the weighted mean over them and what counted.
    pub initiatives: Figure,
}

/// A challenge in a roll-up: the weighted mean of the actions that serve it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeRollup {
    /// The challenge.
    pub challenge_id: Uuid,
    /// Its code.
    pub code: String,
    /// The figure over its actions, by action weight.
    #[serde(flatten)]
    pub figure: Figure,
}

/// A region in a roll-up: the plan's rule run on that region's initiatives only.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegionRollup {
    /// The region.
    pub region_id: String,
    /// The figure over the actions with initiatives in the region, by action weight.
    #[serde(flatten)]
    pub figure: Figure,
}

/// Progress of a plan, rolled up initiative → action → challenge → plan, and per region.
///
/// The rule: an initiative's progress is its explicit progress, else its status
/// default (planned 0, inProgress 50, delayed 50, completed 100). A parent takes
/// the weighted mean `Σ(weight × progress) / Σ weight` over its counted children;
/// a child counts when it is not dropped and weighs more than zero. An action
/// with no counted initiative takes its own status and progress; a dropped action
/// is left out. Challenges and the plan weigh actions by action weight. Per
/// region the same rule runs on that region's initiatives only: an initiative in
/// several regions counts fully in each, and an action without initiatives in a
/// region is left out of that region. With nothing counted a progress is absent.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanProgress {
    /// The plan.
    pub plan_id: Uuid,
    /// URL of this report.
    #[serde(rename = "self")]
    pub self_link: String,
    /// When the figures were computed. A report may be shared between requests
    /// for up to 2 seconds while nothing is written; a write made through
    /// another instance of the service may show that much later.
    pub computed_at: DateTime<Utc>,
    /// The plan as a whole, over its actions.
    pub plan: Figure,
    /// Every action, by number.
    pub actions: Vec<ActionRollup>,
    /// Every challenge, by number.
    pub challenges: Vec<ChallengeRollup>,
    /// Every region.
    pub regions: Vec<RegionRollup>,
}

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
    let id = id.into_inner();
    let mut conn = storage::connection(&state.pool).await?;
    if !plan::plan_visible(&mut conn, id, audience == PlanAudience::Public).await? {
        return Err(ApiError::NotFound);
    }
    drop(conn);
    let mut reports = state.rollups.reports.lock().await;
    let generation = state.rollups.generation();
    if let Some(cached) = reports.get(&id)
        && cached.generation == generation
        && cached.at.elapsed() < ROLLUP_MAX_AGE
    {
        return Ok(web::Json(cached.report.clone()));
    }
    // Computed under the lock: concurrent requests for a stale report wait
    // for this one instead of running the same aggregation side by side.
    let report = compute_plan_progress(&state, id).await?;
    reports.insert(
        id,
        CachedRollup {
            at: std::time::Instant::now(),
            generation,
            report: report.clone(),
        },
    );
    Ok(web::Json(report))
}

/// How long a plan's roll-up is shared between requests when nothing is
/// written through this instance; another instance's writes show after at most
/// this long.
pub const ROLLUP_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(2);

struct CachedRollup {
    at: std::time::Instant,
    generation: u64,
    report: PlanProgress,
}

/// Roll-ups computed recently, per plan. Any write request handled by this
/// instance starts a new generation, and a report of an older generation is
/// computed again.
#[derive(Default)]
pub struct RollupCache {
    generation: std::sync::atomic::AtomicU64,
    reports: tokio::sync::Mutex<HashMap<Uuid, CachedRollup>>,
}

impl RollupCache {
    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Marks every cached report as outdated.
    pub fn written(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }
}

async fn compute_plan_progress(state: &AppState, id: Uuid) -> ApiResult<PlanProgress> {
    let mut conn = storage::connection(&state.pool).await?;
    let actions = plan::actions_of_plan(&mut conn, id).await?;
    let challenges = plan::challenges_of_plan(&mut conn, id).await?;
    let regions = reference::list_regions(&mut conn).await?;
    let sums = store::plan_sums(&mut conn, id).await?;
    drop(conn);
    let mut by_action = HashMap::new();
    let mut by_region = HashMap::new();
    for s in sums {
        let value = Sums {
            weighted_sum: s.weighted_sum,
            weight_total: s.weight_total,
            counted: s.counted,
            excluded: s.excluded,
        };
        match s.region_id {
            None => {
                by_action.insert(s.action_id, value);
            }
            Some(region) => {
                by_region.insert((region, s.action_id), value);
            }
        }
    }
    let inputs = actions
        .iter()
        .map(|a| {
            Ok(ActionInput {
                id: a.row.id,
                status: a.row.status.parse().map_err(ApiError::Internal)?,
                effective_progress: a.row.effective_progress,
                weight: a.row.weight,
                challenge_ids: a.challenge_ids.clone(),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let challenge_ids: Vec<Uuid> = challenges.iter().map(|c| c.id).collect();
    let region_ids: Vec<String> = regions.iter().map(|r| r.id.clone()).collect();
    let figures =
        rollup::plan_figures(&inputs, &challenge_ids, &by_action, &by_region, &region_ids);
    Ok(PlanProgress {
        plan_id: id,
        self_link: format!("{}/plans/{id}/progress", super::API_BASE),
        computed_at: Utc::now(),
        plan: figures.plan.into(),
        actions: actions
            .iter()
            .zip(&inputs)
            .zip(figures.actions)
            .map(|((a, input), f)| ActionRollup {
                action_id: a.row.id,
                code: a.row.code.clone(),
                status: input.status,
                weight: a.row.weight,
                progress: f.progress,
                basis: f.basis.into(),
                initiatives: f.initiatives.into(),
            })
            .collect(),
        challenges: challenges
            .iter()
            .zip(figures.challenges)
            .map(|(c, (_, s))| ChallengeRollup {
                challenge_id: c.id,
                code: c.code.clone(),
                figure: s.into(),
            })
            .collect(),
        regions: figures
            .regions
            .into_iter()
            .map(|(region_id, s)| RegionRollup {
                region_id,
                figure: s.into(),
            })
            .collect(),
    })
}

/// An initiative in an action's roll-up.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InitiativePart {
    /// The initiative.
    pub initiative_id: Uuid,
    /// Its code.
    pub code: String,
    /// Its status.
    pub status: WorkStatus,
    /// Its weight.
    pub weight: f64,
    /// Its progress; absent when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<i16>,
    /// Whether it counts in the action's figure.
    pub counted: bool,
}

/// Progress of one action over its initiatives. The rule is in the `PlanProgress` schema.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActionProgress {
    /// The action.
    pub action_id: Uuid,
    /// URL of this report.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Rolled-up progress; absent when the action is dropped or nothing counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    /// Where `progress` comes from.
    pub basis: RollupBasis,
    /// The weighted mean over its initiatives and what counted.
    pub initiatives: Figure,
    /// Each initiative with its weight and progress, by code.
    pub parts: Vec<InitiativePart>,
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
    let id = id.into_inner();
    let mut conn = storage::connection(&state.pool).await?;
    let action = actions::read(&mut conn, id, audience).await?;
    let parts = store::action_parts(&mut conn, id).await?;
    drop(conn);
    let mut sums = Sums::default();
    let mut out = Vec::with_capacity(parts.len());
    for (initiative_id, code, status, weight, progress) in parts {
        let status: WorkStatus = status.parse().map_err(ApiError::Internal)?;
        let dropped = status == WorkStatus::Dropped;
        sums.add(weight, progress.map(f64::from), dropped);
        out.push(InitiativePart {
            initiative_id,
            code,
            status,
            weight,
            progress,
            counted: !dropped && weight > 0.0 && progress.is_some(),
        });
    }
    let input = ActionInput {
        id,
        status: action.status,
        effective_progress: action.progress,
        weight: action.weight,
        challenge_ids: action.challenge_ids,
    };
    let figure = rollup::action_figure(&input, sums);
    Ok(web::Json(ActionProgress {
        action_id: id,
        self_link: format!("{}/actions/{id}/progress", super::API_BASE),
        progress: figure.progress,
        basis: figure.basis.into(),
        initiatives: figure.initiatives.into(),
        parts: out,
    }))
}
