//! `/service-accounts`: accounts for municipal and GBO systems, and their API keys.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, if_match, nullable, present, versioned};
use super::pagination::{PageParams, Paged};
use super::users::{display_name_issue, scope_issues};
use crate::auth::permissions::{self, Operation, Resource};
use crate::auth::{Caller, api_keys};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::startup::AppState;
use crate::storage::principals::{self, ApiKeyRow, ServiceAccountChanges, ServiceAccountRow};
use crate::storage::{self, audit};
use diesel_async::AsyncConnection;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_accounts)
        .service(create_account)
        .service(read_account)
        .service(update_account)
        .service(list_keys)
        .service(create_key)
        .service(revoke_key);
}

/// An account for a system that calls the API with an API key.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccount {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Name, unique (case-insensitive).
    pub name: String,
    /// What the system is and who runs it.
    pub description: String,
    /// Role.
    pub role: Role,
    /// Region scope (coordinators).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    /// Organisation scope (contributors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<Uuid>,
    /// Inactive accounts cannot authenticate.
    pub active: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl ServiceAccount {
    fn from_row(row: ServiceAccountRow) -> ApiResult<Self> {
        Ok(Self {
            self_link: format!("{}/service-accounts/{}", super::API_BASE, row.id),
            id: row.id,
            name: row.name,
            description: row.description,
            role: row.role.parse().map_err(ApiError::Internal)?,
            region_id: row.region_id,
            organisation_id: row.organisation_id,
            active: row.active,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }

    fn respond(self, status: StatusCode) -> HttpResponse {
        versioned(status, self.version, &self.self_link.clone(), self)
    }
}

/// A new service account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceAccountCreate {
    /// Name, unique (case-insensitive).
    #[schema(min_length = 1, max_length = 200, example = "GBO Genk sync")]
    pub name: String,
    /// What the system is and who runs it.
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// Role.
    pub role: Role,
    /// Region; required for coordinators.
    pub region_id: Option<String>,
    /// Organisation; required for contributors.
    pub organisation_id: Option<Uuid>,
}
impl RequestBody for ServiceAccountCreate {}

/// Changes to a service account (JSON merge patch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceAccountPatch {
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// Description.
    #[schema(max_length = 2000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub description: Option<String>,
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
    /// `false` stops every key of the account from working.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}
impl RequestBody for ServiceAccountPatch {}

fn description_issue(description: &str) -> Option<crate::error::InputIssue> {
    crate::domain::plan::check_long_text(description, 2000)
        .err()
        .map(|detail| crate::error::InputIssue::body("description", detail))
}

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
#[get("/service-accounts")]
async fn list_accounts(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<AccountQuery>,
) -> ApiResult<web::Json<Paged<ServiceAccount>>> {
    permissions::require(&caller.0, Resource::ServiceAccounts, Operation::Read)?;
    let (page, size) = PageParams {
        page: query.0.page,
        page_size: query.0.page_size,
    }
    .validate()?;
    let mut conn = storage::connection(&state.pool).await?;
    let (rows, total) =
        principals::list_service_accounts(&mut conn, &PageParams::storage_page(page, size)).await?;
    let items = rows
        .into_iter()
        .map(ServiceAccount::from_row)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(web::Json(Paged::new(
        items,
        total,
        page,
        size,
        &format!("{}/service-accounts", super::API_BASE),
        &[],
    )))
}

/// Create a service account. Give it a key with `POST /service-accounts/{id}/api-keys`.
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
#[post("/service-accounts")]
async fn create_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<ServiceAccountCreate>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ServiceAccounts, Operation::Write)?;
    let actor = super::write::actor(&req, &caller.0);
    super::idempotency::once(&req, &state, &caller.0, || {
        insert_account(&state, &actor, body.0)
    })
    .await
}

async fn insert_account(
    state: &AppState,
    actor: &audit::Actor,
    input: ServiceAccountCreate,
) -> ApiResult<HttpResponse> {
    let description = input.description.unwrap_or_default();
    let mut issues: Vec<_> = display_name_issue(&input.name, "name")
        .into_iter()
        .collect();
    issues.extend(description_issue(&description));
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
    if !issues.is_empty() {
        return Err(ApiError::Validation(issues));
    }
    let account = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let row = principals::insert_service_account(
                conn,
                principals::NewServiceAccount {
                    name: input.name.trim(),
                    description: &description,
                    role: input.role.as_str(),
                    region_id: input.region_id.as_deref(),
                    organisation_id: input.organisation_id,
                },
            )
            .await?;
            let account = ServiceAccount::from_row(row)?;
            let after = super::write::snapshot(&account)?;
            audit::record(
                conn,
                actor,
                "serviceAccount",
                &account.id.to_string(),
                None,
                Some(&after),
            )
            .await?;
            Ok(account)
        })
        .await?;
    Ok(account.respond(StatusCode::CREATED))
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
#[get("/service-accounts/{id}")]
async fn read_account(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ServiceAccounts, Operation::Read)?;
    let mut conn = storage::connection(&state.pool).await?;
    let row = principals::get_service_account(&mut conn, id.into_inner()).await?;
    Ok(ServiceAccount::from_row(row)?.respond(StatusCode::OK))
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
#[patch("/service-accounts/{id}")]
async fn update_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<ServiceAccountPatch>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ServiceAccounts, Operation::Write)?;
    let id = id.into_inner();
    let expected_version = if_match(&req)?;
    let patch = body.0;
    let mut issues = Vec::new();
    if let Some(name) = &patch.name {
        issues.extend(display_name_issue(name, "name"));
    }
    if let Some(description) = &patch.description {
        issues.extend(description_issue(description));
    }
    let mut conn = storage::connection(&state.pool).await?;
    let current = principals::get_service_account(&mut conn, id).await?;
    let role = patch
        .role
        .unwrap_or(current.role.parse().map_err(ApiError::Internal)?);
    let region = patch.region_id.clone().unwrap_or(current.region_id.clone());
    let organisation = patch.organisation_id.unwrap_or(current.organisation_id);
    issues.extend(scope_issues(&mut conn, role, region.as_deref(), organisation).await?);
    if !issues.is_empty() {
        return Err(ApiError::Validation(issues));
    }
    let changes = ServiceAccountChanges {
        name: patch.name.map(|n| n.trim().to_owned()),
        description: patch.description,
        role: patch.role.map(|r| r.as_str().to_owned()),
        region_id: patch.region_id,
        organisation_id: patch.organisation_id,
        active: patch.active,
    };
    let before = super::write::snapshot(&ServiceAccount::from_row(current)?)?;
    let actor = super::write::actor(&req, &caller.0);
    let account = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let row =
                principals::update_service_account(conn, id, expected_version, changes).await?;
            let account = ServiceAccount::from_row(row)?;
            let after = super::write::snapshot(&account)?;
            audit::record(
                conn,
                &actor,
                "serviceAccount",
                &id.to_string(),
                Some(&before),
                Some(&after),
            )
            .await?;
            Ok(account)
        })
        .await?;
    Ok(account.respond(StatusCode::OK))
}

/// An API key, without its secret.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// Identifier.
    pub id: Uuid,
    /// What the key is for.
    pub name: String,
    /// The visible start of the key (`ssw_<prefix>_…`), to recognise it.
    pub prefix: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last time the key authenticated a request (to the minute); absent if never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<DateTime<Utc>>,
    /// When the key was revoked; absent while it works.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(row: ApiKeyRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            prefix: format!("ssw_{}", row.prefix),
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

/// A new API key: the only time its secret is shown.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    /// The key's details.
    #[serde(flatten)]
    pub details: ApiKey,
    /// The key. Store it now: it is not stored in clear and cannot be shown again.
    pub key: String,
}

/// Name for a new API key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiKeyCreate {
    /// What the key is for (e.g. the host that uses it).
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}
impl RequestBody for ApiKeyCreate {}

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
#[get("/service-accounts/{id}/api-keys")]
async fn list_keys(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<ApiKey>>> {
    permissions::require(&caller.0, Resource::ServiceAccounts, Operation::Read)?;
    let id = id.into_inner();
    let mut conn = storage::connection(&state.pool).await?;
    principals::get_service_account(&mut conn, id).await?;
    let keys = principals::list_api_keys(&mut conn, id).await?;
    Ok(web::Json(keys.into_iter().map(ApiKey::from).collect()))
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
#[post("/service-accounts/{id}/api-keys")]
async fn create_key(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<ApiKeyCreate>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ServiceAccounts, Operation::Write)?;
    let id = id.into_inner();
    if let Some(issue) = display_name_issue(&body.0.name, "name") {
        return Err(ApiError::validation(issue));
    }
    let mut conn = storage::connection(&state.pool).await?;
    principals::get_service_account(&mut conn, id).await?;
    let generated = api_keys::generate();
    let actor = super::write::actor(&req, &caller.0);
    let row = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let row = principals::insert_api_key(
                conn,
                id,
                body.0.name.trim(),
                &generated.prefix,
                &generated.digest,
            )
            .await?;
            let after =
                serde_json::json!({"serviceAccountId": id, "name": row.name, "prefix": row.prefix});
            audit::record(
                conn,
                &actor,
                "apiKey",
                &row.id.to_string(),
                None,
                Some(&after),
            )
            .await?;
            Ok(row)
        })
        .await?;
    let location = format!("{}/service-accounts/{id}/api-keys", super::API_BASE);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(CreatedApiKey {
            details: row.into(),
            key: generated.key,
        }))
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
#[delete("/service-accounts/{id}/api-keys/{keyId}")]
async fn revoke_key(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ServiceAccounts, Operation::Write)?;
    let (id, key_id) = path.into_inner();
    let mut conn = storage::connection(&state.pool).await?;
    let actor = super::write::actor(&req, &caller.0);
    conn.transaction::<_, ApiError, _>(async |conn| {
        principals::revoke_api_key(conn, id, key_id).await?;
        let before = serde_json::json!({"serviceAccountId": id, "revoked": false});
        let after = serde_json::json!({"serviceAccountId": id, "revoked": true});
        audit::record(
            conn,
            &actor,
            "apiKey",
            &key_id.to_string(),
            Some(&before),
            Some(&after),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
