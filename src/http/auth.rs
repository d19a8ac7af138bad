//! `POST /auth/login`, `/auth/refresh`, `/auth/logout`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::{Body, RequestBody};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::startup::AppState;
use crate::storage::{self, principals, sessions, throttle};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout);
}

const BAD_CREDENTIALS: &str = "invalid e-mail address or password";

/// Credentials of a user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    /// E-mail address (case-insensitive).
    #[schema(example = "admin@example.org", max_length = 254)]
    pub email: String,
    /// Password.
    #[schema(max_length = 1024, format = Password)]
    pub password: String,
}
impl RequestBody for LoginRequest {}

/// A refresh token, to rotate or to end its session.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,256}$")]
    pub refresh_token: String,
}
impl RequestBody for RefreshRequest {}

impl RefreshRequest {
    /// Refresh tokens are base64url text; anything else is malformed, not unknown.
    fn token(&self) -> ApiResult<&str> {
        let token = self.refresh_token.as_str();
        if (1..=256).contains(&token.len())
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            Ok(token)
        } else {
            Err(ApiError::validation(InputIssue::body(
                "refreshToken",
                "must be a refresh token: 1 to 256 letters, digits, '_' or '-'",
            )))
        }
    }
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

fn client_address(req: &HttpRequest, state: &AppState) -> String {
    if state.settings.trust_proxy
        && let Some(addr) = req.connection_info().realip_remote_addr()
    {
        return addr.to_owned();
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn tokens(
    state: &AppState,
    user_id: uuid::Uuid,
    session: sessions::NewSession,
) -> ApiResult<HttpResponse> {
    let access_token = state
        .tokens
        .issue(user_id, session.session_id)
        .map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: state.tokens.access_ttl_seconds,
        refresh_token: session.refresh_token,
        refresh_expires_at: session.expires_at,
    }))
}

/// Log in with e-mail address and password.
///
/// Wrong and unknown credentials get the same answer. Repeated failures for one
/// account or from one client address are throttled with `429` and `Retry-After`.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Invalid e-mail address or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security(())
)]
#[post("/auth/login")]
async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Body<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { email, password } = body.0;
    let email = email.trim().to_lowercase();
    let keys = [
        format!("account:{email}"),
        format!("client:{}", client_address(&req, &state)),
    ];
    let mut conn = storage::connection(&state.pool).await?;
    if let Some(retry_after_seconds) = throttle::blocked_for(&mut conn, &keys).await? {
        return Err(ApiError::TooManyRequests {
            retry_after_seconds,
        });
    }
    let user = if email.len() <= 254 {
        principals::find_user_by_email(&mut conn, &email).await?
    } else {
        None
    };
    // Release the connection while the hash runs.
    drop(conn);
    let password = if password.len() > 1024 {
        String::new()
    } else {
        password
    };
    let matched = state
        .passwords
        .verify(password, user.as_ref().map(|u| u.password_hash.clone()))
        .await;
    let mut conn = storage::connection(&state.pool).await?;
    match user {
        Some(user) if matched && user.active => {
            throttle::clear(&mut conn, &keys[..1]).await?;
            let session =
                sessions::create(&mut conn, user.id, state.tokens.refresh_ttl_seconds).await?;
            tokens(&state, user.id, session)
        }
        _ => {
            let window = state.settings.login_window_seconds;
            throttle::record_failure(
                &mut conn,
                &keys[0],
                state.settings.login_max_failures_per_account,
                window,
            )
            .await?;
            throttle::record_failure(
                &mut conn,
                &keys[1],
                state.settings.login_max_failures_per_client,
                window,
            )
            .await?;
            Err(ApiError::Unauthenticated(BAD_CREDENTIALS))
        }
    }
}

/// Exchange a refresh token for new tokens.
///
/// The presented refresh token is retired. Presenting a retired token again
/// revokes its whole session: someone else may hold a copy.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    body: Body<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let token = body.0.token()?;
    let mut conn = storage::connection(&state.pool).await?;
    match sessions::rotate(&mut conn, token).await? {
        sessions::Rotation::Rotated { user_id, session } => tokens(&state, user_id, session),
        sessions::Rotation::Reused => {
            log::warn!("a retired refresh token was presented; its session is revoked");
            Err(ApiError::Unauthenticated(
                "the refresh token is no longer valid",
            ))
        }
        sessions::Rotation::Invalid => Err(ApiError::Unauthenticated(
            "the refresh token is no longer valid",
        )),
    }
}

/// End the session a refresh token belongs to.
///
/// Its refresh tokens stop working at once, and so do access tokens issued for
/// the session. Unknown tokens are accepted silently, so the call is idempotent.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "The session has ended"),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/logout")]
async fn logout(state: web::Data<AppState>, body: Body<RefreshRequest>) -> ApiResult<HttpResponse> {
    let token = body.0.token()?;
    let mut conn = storage::connection(&state.pool).await?;
    sessions::revoke_by_token(&mut conn, token).await?;
    Ok(HttpResponse::NoContent().finish())
}
