//! `/users`: user accounts, managed by administrators.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, if_match, nullable, present, versioned};
use super::pagination::{PageParams, Paged};
use crate::auth::Caller;
use crate::auth::permissions::{self, Operation, Resource};
use crate::domain::{Email, NewPassword, Role};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::startup::AppState;
use crate::storage::principals::{self, UserChanges, UserFilter, UserRow};
use crate::storage::{self, audit, reference, sessions};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(read_user)
        .service(update_user);
}

/// A user account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// E-mail address, lower-cased; unique.
    pub email: String,
    /// Name shown to other people.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Region of a coordinator; absent for other roles unless set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    /// Organisation of a contributor; absent for other roles unless set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<Uuid>,
    /// Inactive users cannot log in; deactivation ends their sessions.
    pub active: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl User {
    pub fn from_row(row: UserRow) -> ApiResult<Self> {
        Ok(Self {
            self_link: format!("{}/users/{}", super::API_BASE, row.id),
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            role: row.role.parse().map_err(ApiError::Internal)?,
            region_id: row.region_id,
            organisation_id: row.organisation_id,
            active: row.active,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A new user account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserCreate {
    /// E-mail address; unique, compared case-insensitively.
    #[schema(example = "an.peeters@example.org", max_length = 254)]
    pub email: String,
    /// Name shown to other people.
    #[schema(min_length = 1, max_length = 200)]
    pub display_name: String,
    /// Initial password, 12 to 128 characters.
    #[schema(min_length = 12, max_length = 128, format = Password)]
    pub password: String,
    /// Role.
    pub role: Role,
    /// Region; required for coordinators.
    pub region_id: Option<String>,
    /// Organisation; required for contributors.
    pub organisation_id: Option<Uuid>,
}
impl RequestBody for UserCreate {}

/// Changes to a user account (JSON merge patch): absent fields stay as they are,
/// `null` clears an optional field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserPatch {
    /// Name shown to other people.
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub display_name: Option<String>,
    /// Role.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub role: Option<Role>,
    /// Region; required for coordinators.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub region_id: Option<Option<String>>,
    /// Organisation; required for contributors.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub organisation_id: Option<Option<Uuid>>,
    /// `false` deactivates the account and ends all its sessions.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
    /// A new password set by an administrator; ends all the user's sessions.
    #[schema(min_length = 12, max_length = 128, format = Password)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub password: Option<String>,
}
impl RequestBody for UserPatch {
    const READ_ONLY: &'static [&'static str] =
        &["id", "self", "version", "createdAt", "updatedAt", "email"];
}

pub fn display_name_issue(name: &str, field: &str) -> Option<InputIssue> {
    let len = name.chars().count();
    if name.trim().is_empty() || len > 200 || name.chars().any(char::is_control) {
        Some(InputIssue::body(
            field,
            "must be 1 to 200 characters without control characters",
        ))
    } else {
        None
    }
}

/// The scope a role needs: a region for coordinators, an organisation for
/// contributors, each of which must exist.
pub async fn scope_issues(
    conn: &mut diesel_async::AsyncPgConnection,
    role: Role,
    region_id: Option<&str>,
    organisation_id: Option<Uuid>,
) -> ApiResult<Vec<InputIssue>> {
    let mut issues = Vec::new();
    match region_id {
        Some(region) if !reference::region_exists(conn, region).await? => {
            issues.push(InputIssue::body("regionId", "no such region").with_value(region.into()));
        }
        None if role == Role::Coordinator => {
            issues.push(InputIssue::body("regionId", "is required for coordinators"))
        }
        _ => {}
    }
    match organisation_id {
        Some(org) if !reference::organisation_exists(conn, org).await? => {
            issues.push(
                InputIssue::body("organisationId", "no such organisation")
                    .with_value(org.to_string().into()),
            );
        }
        None if role == Role::Contributor => {
            issues.push(InputIssue::body(
                "organisationId",
                "is required for contributors",
            ));
        }
        _ => {}
    }
    Ok(issues)
}

fn respond(status: actix_web::http::StatusCode, user: User) -> HttpResponse {
    versioned(status, user.version, &user.self_link.clone(), user)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Only users with this role.
    pub role: Option<Role>,
    /// Only active (`true`) or inactive (`false`) users.
    pub active: Option<bool>,
    /// Text in the e-mail address or display name.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Sort key: `email`, `displayName`, `createdAt`; prefix `-` for descending.
    #[param(pattern = "^-?(email|displayName|createdAt)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

const USER_SORTS: &[&str] = &[
    "email",
    "-email",
    "displayName",
    "-displayName",
    "createdAt",
    "-createdAt",
];

/// List users.
#[utoipa::path(
    tag = "users",
    params(UserQuery),
    responses(
        (status = 200, description = "A page of users", body = Paged<User>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators list users", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/users")]
async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<UserQuery>,
) -> ApiResult<web::Json<Paged<User>>> {
    permissions::require(&caller.0, Resource::Users, Operation::Read)?;
    let query = query.0;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = query.sort.clone().unwrap_or_else(|| "createdAt".into());
    if !USER_SORTS.contains(&sort.as_str()) {
        return Err(ApiError::validation(
            InputIssue::query("sort", format!("must be one of {}", USER_SORTS.join(", ")))
                .with_value(sort.into()),
        ));
    }
    let q = super::write::search_text(query.q.as_deref())?;
    let filter = UserFilter {
        role: query.role.map(|r| r.as_str().to_owned()),
        active: query.active,
        q,
    };
    let mut conn = storage::connection(&state.pool).await?;
    let (rows, total) = principals::list_users(
        &mut conn,
        &filter,
        &sort,
        &PageParams::storage_page(page, size),
    )
    .await?;
    let items = rows
        .into_iter()
        .map(User::from_row)
        .collect::<ApiResult<Vec<_>>>()?;
    let mut params = Vec::new();
    if let Some(role) = query.role {
        params.push(("role".to_owned(), role.as_str().to_owned()));
    }
    if let Some(active) = query.active {
        params.push(("active".to_owned(), active.to_string()));
    }
    if let Some(q) = query.q {
        params.push(("q".to_owned(), q));
    }
    params.push(("sort".to_owned(), sort));
    Ok(web::Json(Paged::new(
        items,
        total,
        page,
        size,
        &format!("{}/users", super::API_BASE),
        &params,
    )))
}

/// Create a user.
#[utoipa::path(
    tag = "users",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = UserCreate,
    responses(
        (status = 201, description = "Created", body = User,
            headers(("Location" = String, description = "URL of the new user"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators create users", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The e-mail address is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/users")]
async fn create_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<UserCreate>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::Users, Operation::Write)?;
    let actor = super::write::actor(&req, &caller.0);
    super::idempotency::once(&req, &state, &caller.0, || {
        insert_user(&state, &actor, body.0)
    })
    .await
}

async fn insert_user(
    state: &AppState,
    actor: &audit::Actor,
    input: UserCreate,
) -> ApiResult<HttpResponse> {
    let mut issues = Vec::new();
    let email = Email::parse(&input.email)
        .map_err(|e| {
            issues.push(InputIssue::body("email", e).with_value(input.email.clone().into()))
        })
        .ok();
    issues.extend(display_name_issue(&input.display_name, "displayName"));
    let password = NewPassword::parse(&input.password)
        .map_err(|e| issues.push(InputIssue::body("password", e)))
        .ok();
    let mut conn = storage::connection(&state.pool).await?;
    issues.extend(
        scope_issues(
            &mut conn,
            input.role,
            input.region_id.as_deref(),
            input.organisation_id,
        )
        .await?,
    );
    let (Some(email), Some(password), true) = (email, password, issues.is_empty()) else {
        return Err(ApiError::Validation(issues));
    };
    drop(conn);
    let hash = state
        .passwords
        .hash(password.expose().to_owned())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut conn = storage::connection(&state.pool).await?;
    let user = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let row = principals::insert_user(
                conn,
                principals::NewUser {
                    email: email.as_str(),
                    display_name: input.display_name.trim(),
                    password_hash: &hash,
                    role: input.role.as_str(),
                    region_id: input.region_id.as_deref(),
                    organisation_id: input.organisation_id,
                },
            )
            .await?;
            let user = User::from_row(row)?;
            let after = super::write::snapshot(&user)?;
            audit::record(
                conn,
                actor,
                "user",
                &user.id.to_string(),
                None,
                Some(&after),
            )
            .await?;
            Ok(user)
        })
        .await?;
    Ok(respond(actix_web::http::StatusCode::CREATED, user))
}

/// Read a user. Everyone may read their own account; administrators read all.
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = User, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such user, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/users/{id}")]
async fn read_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    permissions::require_read_user(&caller.0, id)?;
    let mut conn = storage::connection(&state.pool).await?;
    let row = principals::get_user(&mut conn, id).await?;
    Ok(respond(
        actix_web::http::StatusCode::OK,
        User::from_row(row)?,
    ))
}

/// Change a user (JSON merge patch). Needs `If-Match` with the current version.
///
/// Deactivating a user, or setting a new password, ends all the user's sessions.
/// The last active administrator cannot be deactivated or given another role.
#[utoipa::path(
    tag = "users",
    params(
        ("id" = Uuid, Path, description = "User id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = UserPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed user", body = User, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators change users", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The change would leave no active administrator", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The user has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/users/{id}")]
async fn update_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<UserPatch>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::Users, Operation::Write)?;
    let id = id.into_inner();
    let expected_version = if_match(&req)?;
    let patch = body.0;
    let mut issues = Vec::new();
    if let Some(name) = &patch.display_name {
        issues.extend(display_name_issue(name, "displayName"));
    }
    let password = match &patch.password {
        Some(p) => NewPassword::parse(p)
            .map_err(|e| issues.push(InputIssue::body("password", e)))
            .ok(),
        None => None,
    };
    let mut conn = storage::connection(&state.pool).await?;
    let current = principals::get_user(&mut conn, id).await?;
    let role = patch
        .role
        .unwrap_or(current.role.parse().map_err(ApiError::Internal)?);
    let region = patch.region_id.clone().unwrap_or(current.region_id.clone());
    let organisation = patch.organisation_id.unwrap_or(current.organisation_id);
    issues.extend(scope_issues(&mut conn, role, region.as_deref(), organisation).await?);
    if !issues.is_empty() {
        return Err(ApiError::Validation(issues));
    }
    let stays_admin = role == Role::Admin && patch.active.unwrap_or(current.active);
    if current.role == "admin"
        && current.active
        && !stays_admin
        && principals::count_admins(&mut conn).await? <= 1
    {
        return Err(ApiError::Conflict(
            "this is the last active administrator".into(),
        ));
    }
    if current.version != expected_version {
        return Err(ApiError::PreconditionFailed);
    }
    drop(conn);
    let hash = match password {
        Some(p) => Some(
            state
                .passwords
                .hash(p.expose().to_owned())
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?,
        ),
        None => None,
    };
    let ends_sessions = hash.is_some() || patch.active == Some(false);
    let changes = UserChanges {
        display_name: patch.display_name.map(|n| n.trim().to_owned()),
        role: patch.role.map(|r| r.as_str().to_owned()),
        region_id: patch.region_id,
        organisation_id: patch.organisation_id,
        active: patch.active,
        password_changed_at: hash.as_ref().map(|_| Utc::now()),
        password_hash: hash,
    };
    let password_reset = changes.password_hash.is_some();
    let before = super::write::snapshot(&User::from_row(current)?)?;
    let actor = super::write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    let user = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let row = principals::update_user(conn, id, expected_version, changes).await?;
            if ends_sessions {
                sessions::revoke_all_for_user(conn, id, None, "deactivated or password reset")
                    .await?;
            }
            let user = User::from_row(row)?;
            let mut after = super::write::snapshot(&user)?;
            if password_reset {
                after["passwordReset"] = serde_json::Value::Bool(true);
            }
            audit::record(
                conn,
                &actor,
                "user",
                &id.to_string(),
                Some(&before),
                Some(&after),
            )
            .await?;
            Ok(user)
        })
        .await?;
    Ok(respond(actix_web::http::StatusCode::OK, user))
}
