//! `/actions`: the numbered actions of a plan.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, if_match, nullable, present, versioned};
use super::pagination::{PageParams, Paged};
use super::write::{
    self, LinkParams, PlanAudience, ProgressSource, check, check_list, check_period, ensure_valid,
    snapshot,
};
use crate::auth::permissions::{self, Operation, Resource};
use crate::auth::{Caller, MaybeCaller};
use crate::domain::plan::{check_code, check_long_text, check_text, check_weight};
use crate::domain::{ActionOrigin, WorkStatus};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::startup::AppState;
use crate::storage::plan::{self as store, ActionChanges, ActionFilter, ActionRecord, NewAction};
use crate::storage::{self, audit, organisations, reference};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_actions)
        .service(create_action)
        .service(read_action)
        .service(update_action)
        .service(delete_action);
}

/// A numbered action of a plan.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The plan.
    pub plan_id: Uuid,
    /// Code, unique in the plan (`A07`).
    #[schema(example = "A07")]
    pub code: String,
    /// Number, unique in the plan.
    pub number: i32,
    /// Title.
    pub title: String,
    /// Description; may be empty.
    pub description: String,
    /// The challenges the action serves, one or more.
    pub challenge_ids: Vec<Uuid>,
    /// Part of the plan as written, or an accepted regional proposal.
    pub origin: ActionOrigin,
    /// The regional platform that proposed it; present when `origin` is `regionalProposal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_by_region_id: Option<String>,
    /// Current status, from the latest progress update.
    pub status: WorkStatus,
    /// The action's own progress (0-100): explicit or the status default;
    /// absent when dropped. The roll-up over its initiatives is at `…/progress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<i16>,
    /// Where `progress` comes from; absent when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_source: Option<ProgressSource>,
    /// Weight in the roll-up of its plan and challenges.
    pub weight: f64,
    /// The organisations that lead it.
    pub lead_organisation_ids: Vec<Uuid>,
    /// Start of the period; absent when not set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// End of the period; absent when not set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    /// Date of the latest progress update; absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_progress_on: Option<NaiveDate>,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl Action {
    pub fn from_record(record: ActionRecord) -> ApiResult<Self> {
        let row = record.row;
        Ok(Self {
            self_link: format!("{}/actions/{}", super::API_BASE, row.id),
            id: row.id,
            plan_id: row.plan_id,
            code: row.code,
            number: row.number,
            title: row.title,
            description: row.description,
            challenge_ids: record.challenge_ids,
            origin: row.origin.parse().map_err(ApiError::Internal)?,
            proposed_by_region_id: row.proposed_by_region_id,
            status: row.status.parse().map_err(ApiError::Internal)?,
            progress: row.effective_progress,
            progress_source: write::progress_source(row.progress, row.effective_progress),
            weight: row.weight,
            lead_organisation_ids: record.lead_organisation_ids,
            start_date: row.start_date,
            end_date: row.end_date,
            last_progress_on: row.last_progress_on,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A new action.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionCreate {
    /// The plan.
    pub plan_id: Uuid,
    /// Number, unique in the plan.
    #[schema(minimum = 1, maximum = 999)]
    pub number: i32,
    /// Code, unique in the plan; default `A` and the number in two digits (`A07`).
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")]
    pub code: Option<String>,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// Description.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// The challenges of the same plan it serves: one or more.
    #[schema(min_items = 1, max_items = 50)]
    pub challenge_ids: Vec<Uuid>,
    /// Default `plan`.
    pub origin: Option<ActionOrigin>,
    /// Required when `origin` is `regionalProposal`, refused otherwise.
    pub proposed_by_region_id: Option<String>,
    /// Initial status, default `planned`; later changes go through progress updates.
    pub status: Option<WorkStatus>,
    /// Initial explicit progress (0-100); absent means the status default.
    #[schema(minimum = 0, maximum = 100)]
    pub progress: Option<i16>,
    /// Weight in roll-ups, 0 to 1000; default 1.
    #[schema(minimum = 0, maximum = 1000)]
    pub weight: Option<f64>,
    /// The organisations that lead it.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub lead_organisation_ids: Vec<Uuid>,
    /// Start of the period.
    pub start_date: Option<NaiveDate>,
    /// End of the period, not before the start.
    pub end_date: Option<NaiveDate>,
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
    ];
}

/// Changes to an action (JSON merge patch). Status and progress change
/// through progress updates; an action stays in its plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionPatch {
    /// Number.
    #[schema(minimum = 1, maximum = 999)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub number: Option<i32>,
    /// Code.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub title: Option<String>,
    /// Description.
    #[schema(max_length = 20000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// The challenges it serves: one or more.
    #[schema(min_items = 1, max_items = 50)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub challenge_ids: Option<Vec<Uuid>>,
    /// Origin.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub origin: Option<ActionOrigin>,
    /// The proposing region.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub proposed_by_region_id: Option<Option<String>>,
    /// Weight in roll-ups.
    #[schema(minimum = 0, maximum = 1000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub weight: Option<f64>,
    /// The organisations that lead it.
    #[schema(max_items = 50)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub lead_organisation_ids: Option<Vec<Uuid>>,
    /// Start of the period.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub start_date: Option<Option<NaiveDate>>,
    /// End of the period.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub end_date: Option<Option<NaiveDate>>,
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

/// The parts of an action that both create and patch check.
struct ActionFields<'a> {
    number: Option<i32>,
    code: Option<&'a str>,
    title: Option<&'a str>,
    description: Option<&'a str>,
    challenge_ids: Option<&'a [Uuid]>,
    weight: Option<f64>,
    lead_organisation_ids: Option<&'a [Uuid]>,
}

fn check_fields(issues: &mut Vec<InputIssue>, f: &ActionFields<'_>) {
    if let Some(n) = f.number.filter(|n| !(1..=999).contains(n)) {
        issues.push(InputIssue::body("number", "must be from 1 to 999").with_value(n.into()));
    }
    if let Some(code) = f.code {
        check(issues, "code", check_code(code), || code.into());
    }
    if let Some(title) = f.title {
        check(issues, "title", check_text(title, 300), || title.into());
    }
    if let Some(d) = f.description {
        check(issues, "description", check_long_text(d, 20000), || {
            serde_json::Value::Null
        });
    }
    if let Some(ids) = f.challenge_ids {
        check_list(issues, "challengeIds", ids, 1, 50);
    }
    if let Some(w) = f.weight {
        check(issues, "weight", check_weight(w), || w.into());
    }
    if let Some(ids) = f.lead_organisation_ids {
        check_list(issues, "leadOrganisationIds", ids, 0, 50);
    }
}

/// References must name existing records of the right plan.
async fn check_references(
    conn: &mut AsyncPgConnection,
    plan_id: Uuid,
    challenge_ids: Option<&[Uuid]>,
    lead_organisation_ids: Option<&[Uuid]>,
    origin: ActionOrigin,
    proposed_by: Option<&str>,
) -> ApiResult<()> {
    let mut issues = Vec::new();
    if let Some(ids) = challenge_ids {
        for id in store::challenges_not_in_plan(conn, plan_id, ids).await? {
            issues.push(
                InputIssue::body("challengeIds", "is not a challenge of the action's plan")
                    .with_value(id.to_string().into()),
            );
        }
    }
    if let Some(ids) = lead_organisation_ids {
        for id in organisations::missing(conn, ids).await? {
            issues.push(
                InputIssue::body("leadOrganisationIds", "no such organisation")
                    .with_value(id.to_string().into()),
            );
        }
    }
    match (origin, proposed_by) {
        (ActionOrigin::RegionalProposal, None) => issues.push(InputIssue::body(
            "proposedByRegionId",
            "is required for a regional proposal",
        )),
        (ActionOrigin::Plan, Some(_)) => issues.push(InputIssue::body(
            "proposedByRegionId",
            "is only for actions whose origin is regionalProposal",
        )),
        (ActionOrigin::RegionalProposal, Some(region)) => {
            if !reference::region_exists(conn, region).await? {
                issues.push(
                    InputIssue::body("proposedByRegionId", "no such region")
                        .with_value(region.into()),
                );
            }
        }
        (ActionOrigin::Plan, None) => {}
    }
    ensure_valid(issues)
}

fn respond(status: StatusCode, action: Action) -> HttpResponse {
    versioned(status, action.version, &action.self_link.clone(), action)
}

/// An action a caller may see: anonymous callers only see published plans.
pub async fn visible_action(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    audience: PlanAudience,
) -> ApiResult<ActionRecord> {
    let record = store::get_action(conn, id).await?;
    if audience == PlanAudience::Public
        && !store::plan_visible(conn, record.row.plan_id, true).await?
    {
        return Err(ApiError::NotFound);
    }
    Ok(record)
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
) -> ApiResult<web::Json<Paged<Action>>> {
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
    let filter = ActionFilter {
        plan: query.plan.clone(),
        challenge: query.challenge.clone(),
        status: query.status.iter().map(|s| s.as_str().to_owned()).collect(),
        q: q.clone(),
        published_only: audience == PlanAudience::Public,
    };
    let mut conn = storage::connection(&state.pool).await?;
    let (records, total) = store::list_actions(
        &mut conn,
        &filter,
        &sort,
        &PageParams::storage_page(page, size),
    )
    .await?;
    let items = records
        .into_iter()
        .map(Action::from_record)
        .collect::<ApiResult<Vec<_>>>()?;
    let mut links = LinkParams::default();
    links
        .many("plan", &query.plan)
        .many("challenge", &query.challenge)
        .many("status", &query.status)
        .one("q", q)
        .one("sort", Some(sort));
    Ok(web::Json(Paged::new(
        items,
        total,
        page,
        size,
        &format!("{}/actions", super::API_BASE),
        &links.0,
    )))
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
    permissions::require(&caller.0, Resource::Plan, Operation::Write)?;
    super::idempotency::once(&req, &state, &caller.0, || async {
        let input = body.0;
        let code = input
            .code
            .clone()
            .unwrap_or_else(|| format!("A{:02}", input.number));
        let mut issues = Vec::new();
        check_fields(
            &mut issues,
            &ActionFields {
                number: Some(input.number),
                code: Some(&code),
                title: Some(&input.title),
                description: input.description.as_deref(),
                challenge_ids: Some(&input.challenge_ids),
                weight: input.weight,
                lead_organisation_ids: Some(&input.lead_organisation_ids),
            },
        );
        let status = input.status.unwrap_or(WorkStatus::Planned);
        check(
            &mut issues,
            "progress",
            status.check_progress(input.progress),
            || input.progress.into(),
        );
        check_period(&mut issues, input.start_date, input.end_date);
        ensure_valid(issues)?;
        let actor = write::actor(&req, &caller.0);
        let mut conn = storage::connection(&state.pool).await?;
        let action = conn
            .transaction::<_, ApiError, _>(async |conn| {
                if !store::plan_visible(conn, input.plan_id, false).await? {
                    return Err(ApiError::validation(
                        InputIssue::body("planId", "no such plan")
                            .with_value(input.plan_id.to_string().into()),
                    ));
                }
                let origin = input.origin.unwrap_or(ActionOrigin::Plan);
                check_references(
                    conn,
                    input.plan_id,
                    Some(&input.challenge_ids),
                    Some(&input.lead_organisation_ids),
                    origin,
                    input.proposed_by_region_id.as_deref(),
                )
                .await?;
                let id = store::insert_action(
                    conn,
                    NewAction {
                        plan_id: input.plan_id,
                        code,
                        number: input.number,
                        title: input.title.trim().to_owned(),
                        description: input.description.unwrap_or_default(),
                        origin: origin.as_str().to_owned(),
                        proposed_by_region_id: input.proposed_by_region_id,
                        status: status.as_str().to_owned(),
                        progress: input.progress,
                        weight: input.weight.unwrap_or(1.0),
                        start_date: input.start_date,
                        end_date: input.end_date,
                    },
                )
                .await?;
                store::set_action_challenges(conn, id, &input.challenge_ids).await?;
                store::set_action_leads(conn, id, &input.lead_organisation_ids).await?;
                let action = Action::from_record(store::get_action(conn, id).await?)?;
                audit::record(
                    conn,
                    &actor,
                    "action",
                    &id.to_string(),
                    None,
                    Some(&snapshot(&action)?),
                )
                .await?;
                Ok(action)
            })
            .await?;
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
    let mut conn = storage::connection(&state.pool).await?;
    let record = visible_action(&mut conn, id.into_inner(), audience).await?;
    Ok(respond(StatusCode::OK, Action::from_record(record)?))
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
    permissions::require(&caller.0, Resource::Plan, Operation::Write)?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let patch = body.0;
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        &ActionFields {
            number: patch.number,
            code: patch.code.as_deref(),
            title: patch.title.as_deref(),
            description: patch.description.as_deref(),
            challenge_ids: patch.challenge_ids.as_deref(),
            weight: patch.weight,
            lead_organisation_ids: patch.lead_organisation_ids.as_deref(),
        },
    );
    ensure_valid(issues)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    let action = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::lock_action(conn, id).await?;
            if current.row.version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let mut issues = Vec::new();
            check_period(
                &mut issues,
                patch.start_date.unwrap_or(current.row.start_date),
                patch.end_date.unwrap_or(current.row.end_date),
            );
            ensure_valid(issues)?;
            let origin = match patch.origin {
                Some(o) => o,
                None => current.row.origin.parse().map_err(ApiError::Internal)?,
            };
            let proposed_by = match &patch.proposed_by_region_id {
                Some(p) => p.clone(),
                None => current.row.proposed_by_region_id.clone(),
            };
            check_references(
                conn,
                current.row.plan_id,
                patch.challenge_ids.as_deref(),
                patch.lead_organisation_ids.as_deref(),
                origin,
                proposed_by.as_deref(),
            )
            .await?;
            let before = snapshot(&Action::from_record(current)?)?;
            store::update_action(
                conn,
                id,
                ActionChanges {
                    code: patch.code,
                    number: patch.number,
                    title: patch.title.map(|t| t.trim().to_owned()),
                    description: patch.description,
                    origin: patch.origin.map(|o| o.as_str().to_owned()),
                    proposed_by_region_id: patch.proposed_by_region_id,
                    weight: patch.weight,
                    start_date: patch.start_date,
                    end_date: patch.end_date,
                },
            )
            .await?;
            if let Some(ids) = &patch.challenge_ids {
                store::set_action_challenges(conn, id, ids).await?;
            }
            if let Some(ids) = &patch.lead_organisation_ids {
                store::set_action_leads(conn, id, ids).await?;
            }
            let action = Action::from_record(store::get_action(conn, id).await?)?;
            audit::record(
                conn,
                &actor,
                "action",
                &id.to_string(),
                Some(&before),
                Some(&snapshot(&action)?),
            )
            .await?;
            Ok(action)
        })
        .await?;
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
    permissions::require(&caller.0, Resource::Plan, Operation::Write)?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let current = store::lock_action(conn, id).await?;
        if current.row.version != expected {
            return Err(ApiError::PreconditionFailed);
        }
        let references = store::action_references(conn, id).await?;
        if !references.is_empty() {
            return Err(ApiError::Conflict(format!(
                "the action still has {}",
                references.join(", ")
            )));
        }
        let before = snapshot(&Action::from_record(current)?)?;
        store::delete_action(conn, id).await?;
        audit::record(conn, &actor, "action", &id.to_string(), Some(&before), None).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
