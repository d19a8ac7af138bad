//! `/serviceAccounts`: accounts for municipal and GBO systems, and their API keys.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, respond, version};
use super::pagination::{PageParams, Paged};
use super::write;
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::service::api_keys::{self, ApiKey, ApiKeyCreate, CreatedApiKey};
use crate::service::service_accounts::{
    self as accounts, ServiceAccount, ServiceAccountCreate, ServiceAccountPatch,
};
use crate::service::{self, API_BASE};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_accounts)
        .service(create_account)
        .service(read_account)
        .service(update_account)
        .service(list_keys)
        .service(create_key)
        .service(revoke_key);
}

impl RequestBody for ServiceAccountCreate {}
impl RequestBody for ServiceAccountPatch {}
impl RequestBody for ApiKeyCreate {}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

/// List service accounts.
#[utoipa::path(
    tag = "serviceAccounts",
    params(AccountQuery),
    responses(
        (status = 200, description = "A page of service accounts", body = Paged<ServiceAccount>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Administrators only", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/serviceAccounts")]
async fn list_accounts(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<AccountQuery>,
) -> ApiResult<Paged<ServiceAccount>> {
    let (page, size) = PageParams {
        page: query.0.page,
        page_size: query.0.page_size,
    }
    .validate()?;
    let mut conn = service::connect(&state.pool).await?;
    let window = PageParams::storage_page(page, size);
    let found = accounts::list(&mut conn, &caller.0, window).await?;
    Ok(Paged::of(found, page, size, "/serviceAccounts", &[]))
}

/// Create a service account. Give it a key with `POST /serviceAccounts/{id}/apiKeys`.
#[utoipa::path(
    tag = "serviceAccounts",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = ServiceAccountCreate,
    responses(
        (status = 201, description = "Created", body = ServiceAccount,
            headers(("Location" = String, description = "URL of the new account"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Administrators only", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/serviceAccounts")]
async fn create_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<ServiceAccountCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let account = accounts::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, account))
    })
    .await
}

/// Read a service account.
#[utoipa::path(
    tag = "serviceAccounts",
    params(("id" = Uuid, Path, description = "Service account id")),
    responses(
        (status = 200, description = "The account", body = ServiceAccount, headers(("ETag" = String, description = "Version"))),
        (status = 403, description = "Administrators only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/serviceAccounts/{id}")]
async fn read_account(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = service::connect(&state.pool).await?;
    let account = accounts::read(&mut conn, &caller.0, id.into_inner()).await?;
    Ok(respond(StatusCode::OK, account))
}

/// Change a service account (JSON merge patch). Needs `If-Match`.
#[utoipa::path(
    tag = "serviceAccounts",
    params(
        ("id" = Uuid, Path, description = "Service account id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = ServiceAccountPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed account", body = ServiceAccount, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Administrators only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The account has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/serviceAccounts/{id}")]
async fn update_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<ServiceAccountPatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let account = accounts::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, account))
}

/// List a service account's API keys (never their secrets).
#[utoipa::path(
    tag = "serviceAccounts",
    params(("id" = Uuid, Path, description = "Service account id")),
    responses(
        (status = 200, description = "The keys", body = Vec<ApiKey>),
        (status = 403, description = "Administrators only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/serviceAccounts/{id}/apiKeys")]
async fn list_keys(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<ApiKey>>> {
    let mut conn = service::connect(&state.pool).await?;
    Ok(web::Json(
        api_keys::list(&mut conn, &caller.0, id.into_inner()).await?,
    ))
}

/// Create an API key. The answer holds the key; it is never shown again.
#[utoipa::path(
    tag = "serviceAccounts",
    params(("id" = Uuid, Path, description = "Service account id")),
    request_body = ApiKeyCreate,
    responses(
        (status = 201, description = "Created", body = CreatedApiKey),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Administrators only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/serviceAccounts/{id}/apiKeys")]
async fn create_key(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<ApiKeyCreate>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let created: CreatedApiKey = api_keys::create(&mut conn, &writer, id, body.0).await?;
    let location = format!("{API_BASE}/serviceAccounts/{id}/apiKeys");
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(created))
}

/// Revoke an API key. It stops working at once; revoking twice is harmless.
#[utoipa::path(
    tag = "serviceAccounts",
    params(
        ("id" = Uuid, Path, description = "Service account id"),
        ("keyId" = Uuid, Path, description = "API key id"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Administrators only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account or key", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/serviceAccounts/{id}/apiKeys/{keyId}")]
async fn revoke_key(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, key_id) = path.into_inner();
    let mut conn = service::connect(&state.pool).await?;
    api_keys::revoke(&mut conn, &write::writer(&req, &caller.0), id, key_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
