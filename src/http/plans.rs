//! `/plans` and `/challenges`: the action plan and its societal challenges.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, if_match, present, versioned};
use super::pagination::{PageParams, Paged};
use super::write::{self, LinkParams, PlanAudience, check, ensure_valid, snapshot};
use crate::auth::permissions::{self, Operation, Resource};
use crate::auth::{Caller, MaybeCaller};
use crate::domain::PlanStatus;
use crate::domain::plan::{check_code, check_long_text, check_text};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::startup::AppState;
use crate::storage::plan::{
    self as store, ChallengeChanges, ChallengeRow, NewChallenge, NewPlan, PlanChanges, PlanRow,
};
use crate::storage::{self, audit};

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

/// An action plan, such as the Actieplan Sterk Sociaal Werk 2020-2024.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Short code, lower case (`ssw-2020-2024`); unique.
    #[schema(example = "ssw-2020-2024")]
    pub code: String,
    /// Title.
    pub title: String,
    /// Description; may be empty.
    pub description: String,
    /// First year of the plan's period.
    pub start_year: i32,
    /// Last year of the plan's period.
    pub end_year: i32,
    /// `draft` plans are visible to signed-in users only.
    pub status: PlanStatus,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl Plan {
    pub fn from_row(row: PlanRow) -> ApiResult<Self> {
        Ok(Self {
            self_link: format!("{}/plans/{}", super::API_BASE, row.id),
            id: row.id,
            code: row.code,
            title: row.title,
            description: row.description,
            start_year: row.start_year,
            end_year: row.end_year,
            status: row.status.parse().map_err(ApiError::Internal)?,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A new plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanCreate {
    /// Short code: lower-case letters, digits and `-`, at most 40.
    #[schema(example = "ssw-2025-2029", pattern = "^[a-z0-9][a-z0-9-]{0,39}$")]
    pub code: String,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// Description.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// First year.
    #[schema(minimum = 2000, maximum = 2100)]
    pub start_year: i32,
    /// Last year, not before the first.
    #[schema(minimum = 2000, maximum = 2100)]
    pub end_year: i32,
    /// Default `draft`.
    pub status: Option<PlanStatus>,
}
impl RequestBody for PlanCreate {}

/// Changes to a plan (JSON merge patch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanPatch {
    /// Short code.
    #[schema(pattern = "^[a-z0-9][a-z0-9-]{0,39}$")]
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
    /// First year.
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub start_year: Option<i32>,
    /// Last year.
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub end_year: Option<i32>,
    /// Status.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub status: Option<PlanStatus>,
}
impl RequestBody for PlanPatch {}

fn check_plan_code(code: &str) -> Result<(), &'static str> {
    let ok = !code.is_empty()
        && code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !code.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err("must be 1 to 40 lower-case letters, digits and '-', not starting with '-'")
    }
}

fn check_year(issues: &mut Vec<InputIssue>, field: &str, year: i32) {
    if !(2000..=2100).contains(&year) {
        issues.push(
            InputIssue::body(field, "must be a year from 2000 to 2100").with_value(year.into()),
        );
    }
}

fn check_years(issues: &mut Vec<InputIssue>, start: i32, end: i32) {
    check_year(issues, "startYear", start);
    check_year(issues, "endYear", end);
    if end < start {
        issues.push(
            InputIssue::body("endYear", "must not be before startYear").with_value(end.into()),
        );
    }
}

/// 404 for a plan an anonymous caller may not see.
async fn visible_plan(
    conn: &mut diesel_async::AsyncPgConnection,
    id: Uuid,
    audience: PlanAudience,
) -> ApiResult<PlanRow> {
    let row = store::get_plan(conn, id).await?;
    if audience == PlanAudience::Public && row.status == PlanStatus::Draft.as_str() {
        return Err(ApiError::NotFound);
    }
    Ok(row)
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
) -> ApiResult<web::Json<Paged<Plan>>> {
    let audience = write::plan_audience(&caller, &state)?;
    let query = query.0;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(query.sort.as_deref(), &["startYear", "code"], "startYear")?;
    let mut statuses: Vec<String> = query.status.iter().map(|s| s.as_str().to_owned()).collect();
    if audience == PlanAudience::Public {
        let published = PlanStatus::ALL.iter().filter(|s| s.is_published());
        let published: Vec<String> = published.map(|s| s.as_str().to_owned()).collect();
        statuses = if statuses.is_empty() {
            published
        } else {
            statuses
                .into_iter()
                .filter(|s| published.contains(s))
                .collect()
        };
        if statuses.is_empty() {
            statuses.push(String::from("-"));
        }
    }
    let mut conn = storage::connection(&state.pool).await?;
    let (rows, total) = store::list_plans(
        &mut conn,
        &statuses,
        &sort,
        &PageParams::storage_page(page, size),
    )
    .await?;
    let items = rows
        .into_iter()
        .map(Plan::from_row)
        .collect::<ApiResult<Vec<_>>>()?;
    let mut links = LinkParams::default();
    links.many("status", &query.status).one("sort", Some(sort));
    Ok(web::Json(Paged::new(
        items,
        total,
        page,
        size,
        &format!("{}/plans", super::API_BASE),
        &links.0,
    )))
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
    permissions::require(&caller.0, Resource::Plan, Operation::Write)?;
    super::idempotency::once(&req, &state, &caller.0, || async {
        let input = body.0;
        let mut issues = Vec::new();
        check(&mut issues, "code", check_plan_code(&input.code), || {
            input.code.clone().into()
        });
        check(&mut issues, "title", check_text(&input.title, 300), || {
            input.title.clone().into()
        });
        if let Some(d) = &input.description {
            check(
                &mut issues,
                "description",
                check_long_text(d, 20000),
                || serde_json::Value::Null,
            );
        }
        check_years(&mut issues, input.start_year, input.end_year);
        ensure_valid(issues)?;
        let actor = write::actor(&req, &caller.0);
        let mut conn = storage::connection(&state.pool).await?;
        let plan = conn
            .transaction::<_, ApiError, _>(async |conn| {
                let row = store::insert_plan(
                    conn,
                    NewPlan {
                        code: input.code,
                        title: input.title.trim().to_owned(),
                        description: input.description.unwrap_or_default(),
                        start_year: input.start_year,
                        end_year: input.end_year,
                        status: input
                            .status
                            .unwrap_or(PlanStatus::Draft)
                            .as_str()
                            .to_owned(),
                    },
                )
                .await?;
                let plan = Plan::from_row(row)?;
                audit::record(
                    conn,
                    &actor,
                    "plan",
                    &plan.id.to_string(),
                    None,
                    Some(&snapshot(&plan)?),
                )
                .await?;
                Ok(plan)
            })
            .await?;
        Ok(versioned(
            StatusCode::CREATED,
            plan.version,
            &plan.self_link.clone(),
            plan,
        ))
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
    let mut conn = storage::connection(&state.pool).await?;
    let plan = Plan::from_row(visible_plan(&mut conn, id.into_inner(), audience).await?)?;
    Ok(versioned(StatusCode::OK, plan.version, "", plan))
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
    permissions::require(&caller.0, Resource::Plan, Operation::Write)?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let patch = body.0;
    let mut issues = Vec::new();
    if let Some(code) = &patch.code {
        check(&mut issues, "code", check_plan_code(code), || {
            code.clone().into()
        });
    }
    if let Some(title) = &patch.title {
        check(&mut issues, "title", check_text(title, 300), || {
            title.clone().into()
        });
    }
    if let Some(d) = &patch.description {
        check(
            &mut issues,
            "description",
            check_long_text(d, 20000),
            || serde_json::Value::Null,
        );
    }
    // Each year on its own is checked before the version; their order needs
    // the stored plan.
    for (field, year) in [("startYear", patch.start_year), ("endYear", patch.end_year)] {
        if let Some(year) = year {
            check_year(&mut issues, field, year);
        }
    }
    ensure_valid(issues)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    let plan = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::lock_plan(conn, id).await?;
            if current.version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let mut issues = Vec::new();
            check_years(
                &mut issues,
                patch.start_year.unwrap_or(current.start_year),
                patch.end_year.unwrap_or(current.end_year),
            );
            ensure_valid(issues)?;
            let before = snapshot(&Plan::from_row(current)?)?;
            let row = store::update_plan(
                conn,
                id,
                PlanChanges {
                    code: patch.code,
                    title: patch.title.map(|t| t.trim().to_owned()),
                    description: patch.description,
                    start_year: patch.start_year,
                    end_year: patch.end_year,
                    status: patch.status.map(|s| s.as_str().to_owned()),
                },
            )
            .await?;
            let plan = Plan::from_row(row)?;
            audit::record(
                conn,
                &actor,
                "plan",
                &id.to_string(),
                Some(&before),
                Some(&snapshot(&plan)?),
            )
            .await?;
            Ok(plan)
        })
        .await?;
    Ok(versioned(StatusCode::OK, plan.version, "", plan))
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
    permissions::require(&caller.0, Resource::Plan, Operation::Write)?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let current = store::lock_plan(conn, id).await?;
        if current.version != expected {
            return Err(ApiError::PreconditionFailed);
        }
        let references = store::plan_references(conn, id).await?;
        if !references.is_empty() {
            return Err(ApiError::Conflict(format!(
                "the plan still has {}",
                references.join(", ")
            )));
        }
        let before = snapshot(&Plan::from_row(current)?)?;
        store::delete_plan(conn, id).await?;
        audit::record(conn, &actor, "plan", &id.to_string(), Some(&before), None).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---- challenges ----

/// A societal challenge (maatschappelijke uitdaging) of a plan.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Challenge {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The plan.
    pub plan_id: Uuid,
    /// Code, unique in the plan (`U8`).
    #[schema(example = "U8")]
    pub code: String,
    /// Number, unique in the plan.
    pub number: i32,
    /// Title.
    #[schema(example = "Onderbescherming")]
    pub title: String,
    /// Description; may be empty.
    pub description: String,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl From<ChallengeRow> for Challenge {
    fn from(row: ChallengeRow) -> Self {
        Self {
            self_link: format!("{}/challenges/{}", super::API_BASE, row.id),
            id: row.id,
            plan_id: row.plan_id,
            code: row.code,
            number: row.number,
            title: row.title,
            description: row.description,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A new challenge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChallengeCreate {
    /// The plan.
    pub plan_id: Uuid,
    /// Code, unique in the plan.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")]
    pub code: String,
    /// Number, unique in the plan.
    #[schema(minimum = 1, maximum = 999)]
    pub number: i32,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// Description.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
}
impl RequestBody for ChallengeCreate {}

/// Changes to a challenge (JSON merge patch). A challenge stays in its plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChallengePatch {
    /// Code.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// Number.
    #[schema(minimum = 1, maximum = 999)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub number: Option<i32>,
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
}
impl RequestBody for ChallengePatch {
    const READ_ONLY: &'static [&'static str] =
        &["id", "self", "version", "createdAt", "updatedAt", "planId"];
}

fn check_challenge_fields(
    issues: &mut Vec<InputIssue>,
    code: Option<&str>,
    number: Option<i32>,
    title: Option<&str>,
    description: Option<&str>,
) {
    if let Some(code) = code {
        check(issues, "code", check_code(code), || code.into());
    }
    if let Some(n) = number
        && !(1..=999).contains(&n)
    {
        issues.push(InputIssue::body("number", "must be from 1 to 999").with_value(n.into()));
    }
    if let Some(title) = title {
        check(issues, "title", check_text(title, 300), || title.into());
    }
    if let Some(d) = description {
        check(issues, "description", check_long_text(d, 20000), || {
            serde_json::Value::Null
        });
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChallengeQuery {
    /// Only challenges of these plans; repeat for several.
    #[serde(default)]
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
) -> ApiResult<web::Json<Paged<Challenge>>> {
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
    let mut conn = storage::connection(&state.pool).await?;
    let (rows, total) = store::list_challenges(
        &mut conn,
        &query.plan,
        audience == PlanAudience::Public,
        &PageParams::storage_page(page, size),
    )
    .await?;
    let mut links = LinkParams::default();
    links.many("plan", &query.plan);
    Ok(web::Json(Paged::new(
        rows.into_iter().map(Challenge::from).collect(),
        total,
        page,
        size,
        &format!("{}/challenges", super::API_BASE),
        &links.0,
    )))
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
    permissions::require(&caller.0, Resource::Plan, Operation::Write)?;
    super::idempotency::once(&req, &state, &caller.0, || async {
        let input = body.0;
        let mut issues = Vec::new();
        check_challenge_fields(
            &mut issues,
            Some(&input.code),
            Some(input.number),
            Some(&input.title),
            input.description.as_deref(),
        );
        ensure_valid(issues)?;
        let actor = write::actor(&req, &caller.0);
        let mut conn = storage::connection(&state.pool).await?;
        let challenge = conn
            .transaction::<_, ApiError, _>(async |conn| {
                if !store::plan_visible(conn, input.plan_id, false).await? {
                    return Err(ApiError::validation(
                        InputIssue::body("planId", "no such plan")
                            .with_value(input.plan_id.to_string().into()),
                    ));
                }
                let row = store::insert_challenge(
                    conn,
                    NewChallenge {
                        plan_id: input.plan_id,
                        code: input.code,
                        number: input.number,
                        title: input.title.trim().to_owned(),
                        description: input.description.unwrap_or_default(),
                    },
                )
                .await?;
                let challenge = Challenge::from(row);
                audit::record(
                    conn,
                    &actor,
                    "challenge",
                    &challenge.id.to_string(),
                    None,
                    Some(&snapshot(&challenge)?),
                )
                .await?;
                Ok(challenge)
            })
            .await?;
        Ok(versioned(
            StatusCode::CREATED,
            challenge.version,
            &challenge.self_link.clone(),
            challenge,
        ))
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
    let mut conn = storage::connection(&state.pool).await?;
    let row = store::get_challenge(&mut conn, id.into_inner()).await?;
    visible_plan(&mut conn, row.plan_id, audience).await?;
    let challenge = Challenge::from(row);
    Ok(versioned(StatusCode::OK, challenge.version, "", challenge))
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
    permissions::require(&caller.0, Resource::Plan, Operation::Write)?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let patch = body.0;
    let mut issues = Vec::new();
    check_challenge_fields(
        &mut issues,
        patch.code.as_deref(),
        patch.number,
        patch.title.as_deref(),
        patch.description.as_deref(),
    );
    ensure_valid(issues)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    let challenge = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::lock_challenge(conn, id).await?;
            if current.version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let before = snapshot(&Challenge::from(current))?;
            let row = store::update_challenge(
                conn,
                id,
                ChallengeChanges {
                    code: patch.code,
                    number: patch.number,
                    title: patch.title.map(|t| t.trim().to_owned()),
                    description: patch.description,
                },
            )
            .await?;
            let challenge = Challenge::from(row);
            audit::record(
                conn,
                &actor,
                "challenge",
                &id.to_string(),
                Some(&before),
                Some(&snapshot(&challenge)?),
            )
            .await?;
            Ok(challenge)
        })
        .await?;
    Ok(versioned(StatusCode::OK, challenge.version, "", challenge))
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
    permissions::require(&caller.0, Resource::Plan, Operation::Write)?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let current = store::lock_challenge(conn, id).await?;
        if current.version != expected {
            return Err(ApiError::PreconditionFailed);
        }
        let references = store::challenge_references(conn, id).await?;
        if !references.is_empty() {
            return Err(ApiError::Conflict(format!(
                "the challenge is still referred to by {}",
                references.join(", ")
            )));
        }
        let before = snapshot(&Challenge::from(current))?;
        store::delete_challenge(conn, id).await?;
        audit::record(
            conn,
            &actor,
            "challenge",
            &id.to_string(),
            Some(&before),
            None,
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
