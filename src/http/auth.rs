//! `POST /auth/login`, `/auth/refresh`, `/auth/logout`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::{Body, RequestBody};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service::sessions::{Gate, TokenResponse};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout);
}

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

/// The sign-in use cases with this server's pool, hashing and limits.
pub fn gate(state: &AppState) -> Gate<'_> {
    let settings = &state.settings;
    Gate {
        pool: &state.pool,
        passwords: &state.passwords,
        tokens: &state.tokens,
        max_failures_per_account: settings.login_max_failures_per_account,
        max_failures_per_client: settings.login_max_failures_per_client,
        window_seconds: settings.login_window_seconds,
    }
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
    let client = client_address(&req, &state);
    let tokens = gate(&state).login(&email, password, &client).await?;
    Ok(HttpResponse::Ok().json(tokens))
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
    let tokens = gate(&state).refresh(body.0.token()?).await?;
    Ok(HttpResponse::Ok().json(tokens))
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
    gate(&state).logout(body.0.token()?).await?;
    Ok(HttpResponse::NoContent().finish())
}
