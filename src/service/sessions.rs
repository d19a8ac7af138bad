//! Signing in and out, and the caller's own account: login with throttling,
//! refresh-token rotation, logout, "who am I" and the own password change.
//!
//! Password checks run while no database connection is held, so a burst of
//! logins does not empty the pool; these use cases therefore take the pool.

use diesel_async::AsyncConnection;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{API_BASE, ServiceError, ServiceResult, Writer, connect, record};
use crate::auth::password::PasswordService;
use crate::auth::tokens::TokenService;
use crate::domain::{InputIssue, NewPassword, Principal, PrincipalKind, Role};
use crate::storage::{DbPool, principals, sessions, throttle};

const BAD_CREDENTIALS: &str = "invalid e-mail address or password";
const RETIRED_REFRESH: &str = "the refresh token is no longer valid";

/// What signing in needs besides the database.
pub struct Gate<'a> {
    pub pool: &'a DbPool,
    pub passwords: &'a PasswordService,
    pub tokens: &'a TokenService,
    /// Failed logins per account, and per client address, within the window.
    pub max_failures_per_account: i32,
    pub max_failures_per_client: i32,
    pub window_seconds: i64,
}

/// Tokens for a session.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// Access token (JWT) for `Authorization: Bearer`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Opaque refresh token; each use returns a new one and retires the old.
    pub refresh_token: String,
    /// When the session (and so every refresh token of it) ends.
    pub refresh_expires_at: chrono::DateTime<chrono::Utc>,
}

impl Gate<'_> {
    fn tokens(&self, user_id: Uuid, session: sessions::NewSession) -> ServiceResult<TokenResponse> {
        let access_token = self
            .tokens
            .issue(user_id, session.session_id)
            .map_err(ServiceError::Internal)?;
        Ok(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: self.tokens.access_ttl_seconds,
            refresh_token: session.refresh_token,
            refresh_expires_at: session.expires_at,
        })
    }

    /// Starts a session for the user with this e-mail address and password.
    /// Wrong and unknown credentials get the same answer and cost the same;
    /// repeated failures for the account or from `client` are throttled.
    pub async fn login(
        &self,
        email: &str,
        password: String,
        client: &str,
    ) -> ServiceResult<TokenResponse> {
        let email = email.trim().to_lowercase();
        let keys = [format!("account:{email}"), format!("client:{client}")];
        let mut conn = connect(self.pool).await?;
        if let Some(retry_after_seconds) = throttle::blocked_for(&mut conn, &keys).await? {
            return Err(ServiceError::TooManyRequests {
                retry_after_seconds,
            });
        }
        let user = if email.len() <= 254 {
            principals::find_user_by_email(&mut conn, &email).await?
        } else {
            None
        };
        drop(conn);
        let password = if password.len() > 1024 {
            String::new()
        } else {
            password
        };
        let hash = user.as_ref().map(|u| u.password_hash.clone());
        let matched = self.passwords.verify(password, hash).await;
        let mut conn = connect(self.pool).await?;
        match user {
            Some(user) if matched && user.active => {
                throttle::clear(&mut conn, &keys[..1]).await?;
                let ttl = self.tokens.refresh_ttl_seconds;
                let session = sessions::create(&mut conn, user.id, ttl).await?;
                self.tokens(user.id, session)
            }
            _ => {
                let window = self.window_seconds;
                let limits = [self.max_failures_per_account, self.max_failures_per_client];
                for (key, limit) in keys.iter().zip(limits) {
                    throttle::record_failure(&mut conn, key, limit, window).await?;
                }
                Err(ServiceError::Unauthenticated(BAD_CREDENTIALS))
            }
        }
    }

    /// Exchanges a refresh token for new tokens and retires it. A retired token
    /// presented again revokes its whole session: someone else may hold a copy.
    pub async fn refresh(&self, token: &str) -> ServiceResult<TokenResponse> {
        let mut conn = connect(self.pool).await?;
        match sessions::rotate(&mut conn, token).await? {
            sessions::Rotation::Rotated { user_id, session } => self.tokens(user_id, session),
            sessions::Rotation::Reused => {
                log::warn!("a retired refresh token was presented; its session is revoked");
                Err(ServiceError::Unauthenticated(RETIRED_REFRESH))
            }
            sessions::Rotation::Invalid => Err(ServiceError::Unauthenticated(RETIRED_REFRESH)),
        }
    }

    /// Ends the session of a refresh token; an unknown token changes nothing.
    pub async fn logout(&self, token: &str) -> ServiceResult<()> {
        let mut conn = connect(self.pool).await?;
        Ok(sessions::revoke_by_token(&mut conn, token).await?)
    }

    /// Changes the caller's own password, given the current one. Every other
    /// session of the user ends; wrong current passwords count towards the
    /// account's login throttling. Users only.
    pub async fn change_password(
        &self,
        writer: &Writer<'_>,
        current_password: String,
        new_password: &str,
    ) -> ServiceResult<()> {
        let principal = writer.principal;
        if principal.kind != PrincipalKind::User {
            return Err(ServiceError::Forbidden);
        }
        let new_password = NewPassword::parse(new_password)
            .map_err(|e| ServiceError::invalid(InputIssue::body("newPassword", e)))?;
        let mut conn = connect(self.pool).await?;
        let user = principals::get_user(&mut conn, principal.id).await?;
        let key = [format!("account:{}", user.email)];
        if let Some(retry_after_seconds) = throttle::blocked_for(&mut conn, &key).await? {
            return Err(ServiceError::TooManyRequests {
                retry_after_seconds,
            });
        }
        drop(conn);
        let current = if current_password.len() > 1024 {
            String::new()
        } else {
            current_password
        };
        let stored = Some(user.password_hash.clone());
        if !self.passwords.verify(current, stored).await {
            let mut conn = connect(self.pool).await?;
            let (limit, window) = (self.max_failures_per_account, self.window_seconds);
            throttle::record_failure(&mut conn, &key[0], limit, window).await?;
            return Err(ServiceError::invalid(InputIssue::body(
                "currentPassword",
                "is not the current password",
            )));
        }
        let hash = self
            .passwords
            .hash(new_password.expose().to_owned())
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let mut conn = connect(self.pool).await?;
        conn.transaction::<_, ServiceError, _>(async |conn| {
            principals::set_password(conn, user.id, &hash).await?;
            let keep = principal.session_id;
            sessions::revoke_all_for_user(conn, user.id, keep, "password changed").await?;
            let before = json!({"passwordChangedAt": user.password_changed_at});
            let after = json!({"passwordChangedAt": "changed by the user"});
            let key = user.id.to_string();
            record::log(conn, writer, "user", &key, Some(&before), Some(&after)).await
        })
        .await
    }
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

/// The caller's own account.
pub async fn me(conn: &mut super::Conn, principal: &Principal) -> ServiceResult<Me> {
    Ok(match principal.kind {
        PrincipalKind::User => {
            let user = principals::get_user(conn, principal.id).await?;
            Me {
                id: user.id,
                principal_type: PrincipalType::User,
                self_link: format!("{API_BASE}/users/{}", user.id),
                name: user.display_name,
                email: Some(user.email),
                role: principal.role,
                region_id: user.region_id,
                organisation_id: user.organisation_id,
            }
        }
        PrincipalKind::ServiceAccount => {
            let account = principals::get_service_account(conn, principal.id).await?;
            Me {
                id: account.id,
                principal_type: PrincipalType::ServiceAccount,
                self_link: format!("{API_BASE}/serviceAccounts/{}", account.id),
                name: account.name,
                email: None,
                role: principal.role,
                region_id: account.region_id,
                organisation_id: account.organisation_id,
            }
        }
    })
}
