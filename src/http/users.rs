//! `/users`: user accounts, managed by administrators.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, respond, version};
use super::pagination::{PageParams, Paged};
use super::write;
use crate::auth::Caller;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service;
use crate::service::users::{self, User, UserCreate, UserPatch, UserSearch};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(read_user)
        .service(update_user);
}

impl RequestBody for UserCreate {}
impl RequestBody for UserPatch {
    const READ_ONLY: &'static [&'static str] =
        &["id", "self", "version", "createdAt", "updatedAt", "email"];
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
) -> ApiResult<Paged<User>> {
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
    let search = UserSearch {
        role: query.role,
        active: query.active,
        q: write::search_text(query.q.as_deref())?,
    };
    let mut conn = service::connect(&state.pool).await?;
    let window = PageParams::storage_page(page, size);
    let found = users::list(&mut conn, &caller.0, search, &sort, window).await?;
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
    Ok(Paged::of(found, page, size, "/users", &params))
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
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let user = users::create(&mut conn, &writer, &state.passwords, body.0).await?;
        Ok(respond(StatusCode::CREATED, user))
    })
    .await
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
    let mut conn = service::connect(&state.pool).await?;
    let user = users::read(&mut conn, &caller.0, id.into_inner()).await?;
    Ok(respond(StatusCode::OK, user))
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
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let id = id.into_inner();
    let user = users::update(&mut conn, &writer, &state.passwords, id, expected, body.0).await?;
    Ok(respond(StatusCode::OK, user))
}
