//! `/me`: the caller's own account.

use actix_web::{HttpResponse, get, post, web};
use diesel_async::AsyncConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, RequestBody};
use crate::auth::Caller;
use crate::domain::{NewPassword, PrincipalKind, Role};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::startup::AppState;
use crate::storage::{self, principals, sessions, throttle};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(me).service(change_password);
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum PrincipalType {
    User,
    ServiceAccount,
}

/// The authenticated caller.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    /// Id of the user or service account.
    pub id: Uuid,
    /// A person (`user`) or a system (`serviceAccount`).
    #[serde(rename = "type")]
    pub principal_type: PrincipalType,
    /// URL of the account.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Name: a user's display name or a service account's name.
    pub name: String,
    /// E-mail address; users only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Role.
    pub role: Role,
    /// Region scope (coordinators).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    /// Organisation scope (contributors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<Uuid>,
}

/// Who am I?
#[utoipa::path(
    tag = "me",
    responses((status = 200, description = "The caller", body = Me)),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/me")]
async fn me(state: web::Data<AppState>, caller: Caller) -> ApiResult<web::Json<Me>> {
    let principal = caller.0;
    let mut conn = storage::connection(&state.pool).await?;
    let me = match principal.kind {
        PrincipalKind::User => {
            let user = principals::get_user(&mut conn, principal.id).await?;
            Me {
                id: user.id,
                principal_type: PrincipalType::User,
                self_link: format!("{}/users/{}", super::API_BASE, user.id),
                name: user.display_name,
                email: Some(user.email),
                role: principal.role,
                region_id: user.region_id,
                organisation_id: user.organisation_id,
            }
        }
        PrincipalKind::ServiceAccount => {
            let account = principals::get_service_account(&mut conn, principal.id).await?;
            Me {
                id: account.id,
                principal_type: PrincipalType::ServiceAccount,
                self_link: format!("{}/service-accounts/{}", super::API_BASE, account.id),
                name: account.name,
                email: None,
                role: principal.role,
                region_id: account.region_id,
                organisation_id: account.organisation_id,
            }
        }
    };
    Ok(web::Json(me))
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    #[schema(max_length = 1024, format = Password)]
    pub current_password: String,
    /// The new password, 12 to 128 characters.
    #[schema(min_length = 12, max_length = 128, format = Password)]
    pub new_password: String,
}
impl RequestBody for PasswordChange {}

/// Change my password.
///
/// Needs the current password. Every other session of the user ends; the
/// caller's own session continues. Wrong current passwords count towards the
/// account's login throttling.
#[utoipa::path(
    tag = "me",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Wrong current password or unacceptable new one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Service accounts have no password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/me/password")]
async fn change_password(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<PasswordChange>,
) -> ApiResult<HttpResponse> {
    let principal = caller.0;
    if principal.kind != PrincipalKind::User {
        return Err(ApiError::Forbidden);
    }
    let input = body.0;
    let new_password = NewPassword::parse(&input.new_password)
        .map_err(|e| ApiError::validation(InputIssue::body("newPassword", e)))?;
    let mut conn = storage::connection(&state.pool).await?;
    let user = principals::get_user(&mut conn, principal.id).await?;
    let key = [format!("account:{}", user.email)];
    if let Some(retry_after_seconds) = throttle::blocked_for(&mut conn, &key).await? {
        return Err(ApiError::TooManyRequests {
            retry_after_seconds,
        });
    }
    drop(conn);
    let current = if input.current_password.len() > 1024 {
        String::new()
    } else {
        input.current_password
    };
    let matched = state
        .passwords
        .verify(current, Some(user.password_hash.clone()))
        .await;
    if !matched {
        let mut conn = storage::connection(&state.pool).await?;
        let settings = &state.settings;
        throttle::record_failure(
            &mut conn,
            &key[0],
            settings.login_max_failures_per_account,
            settings.login_window_seconds,
        )
        .await?;
        return Err(ApiError::validation(InputIssue::body(
            "currentPassword",
            "is not the current password",
        )));
    }
    let hash = state
        .passwords
        .hash(new_password.expose().to_owned())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let actor = super::write::actor(&req, &principal);
    let mut conn = storage::connection(&state.pool).await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        principals::set_password(conn, user.id, &hash).await?;
        sessions::revoke_all_for_user(conn, user.id, principal.session_id, "password changed")
            .await?;
        let before = serde_json::json!({"passwordChangedAt": user.password_changed_at});
        let after = serde_json::json!({"passwordChangedAt": "changed by the user"});
        storage::audit::record(
            conn,
            &actor,
            "user",
            &user.id.to_string(),
            Some(&before),
            Some(&after),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
