//! The `Caller` extractor: who is calling, from `Authorization: Bearer <jwt>`,
//! `Authorization: ApiKey <key>` or `X-API-Key: <key>`.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::{api_keys, secrets, tokens::TokenError};
use crate::domain::{Principal, PrincipalKind, Role};
use crate::error::ApiError;
use crate::startup::AppState;
use crate::storage::{self, principals, sessions};

/// How long a checked session is trusted without asking the database again.
/// Logout, deactivation, a password or role change through this instance take
/// effect at once (see [`PrincipalCache::clear`]); through another instance,
/// within this time.
pub const SESSION_RECHECK: std::time::Duration = std::time::Duration::from_secs(1);

/// The callers of recently checked sessions, by session id: an authenticated
/// read then needs one database round trip, not two.
pub struct PrincipalCache(moka::sync::Cache<uuid::Uuid, Principal>);

impl Default for PrincipalCache {
    fn default() -> Self {
        Self(
            moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(SESSION_RECHECK)
                .build(),
        )
    }
}

impl PrincipalCache {
    /// Forgets every session: after any write to accounts or sessions.
    pub fn clear(&self) {
        self.0.invalidate_all();
    }
}

/// An authenticated caller; extracting it answers 401 when there is none.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

/// A caller that may be anonymous. Credentials that are present but wrong are
/// still a 401: a broken token never silently degrades to anonymous access.
#[derive(Debug, Clone)]
pub struct MaybeCaller(pub Option<Principal>);

enum Credentials {
    Bearer(String),
    ApiKey(String),
}

fn credentials(req: &HttpRequest) -> Result<Option<Credentials>, ApiError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value
            .to_str()
            .map_err(|_| ApiError::Unauthenticated("malformed Authorization header"))?;
        let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
        let rest = rest.trim();
        if rest.is_empty() {
            return Err(ApiError::Unauthenticated("malformed Authorization header"));
        }
        return if scheme.eq_ignore_ascii_case("bearer") {
            Ok(Some(Credentials::Bearer(rest.to_owned())))
        } else if scheme.eq_ignore_ascii_case("apikey") {
            Ok(Some(Credentials::ApiKey(rest.to_owned())))
        } else {
            Err(ApiError::Unauthenticated(
                "unsupported authorization scheme; use Bearer or ApiKey",
            ))
        };
    }
    if let Some(value) = req.headers().get("x-api-key") {
        let value = value
            .to_str()
            .map_err(|_| ApiError::Unauthenticated("malformed X-API-Key header"))?;
        return Ok(Some(Credentials::ApiKey(value.trim().to_owned())));
    }
    Ok(None)
}

fn role_of(stored: &str) -> Result<Role, ApiError> {
    stored.parse::<Role>().map_err(ApiError::Internal)
}

async fn authenticate(state: &AppState, credentials: Credentials) -> Result<Principal, ApiError> {
    match credentials {
        Credentials::Bearer(token) => {
            let claims = state.tokens.verify(&token).map_err(|e| match e {
                TokenError::Expired => ApiError::Unauthenticated("the access token has expired"),
                TokenError::Invalid => ApiError::Unauthenticated("invalid access token"),
            })?;
            if let Some(principal) = state.principals.0.get(&claims.sid)
                && principal.id == claims.sub
            {
                return Ok(principal);
            }
            let mut conn = storage::connection(&state.pool).await?;
            let user = sessions::user_for_access(&mut conn, claims.sub, claims.sid)
                .await?
                .ok_or(ApiError::Unauthenticated("the session has ended"))?;
            let principal = Principal {
                id: user.id,
                kind: PrincipalKind::User,
                role: role_of(&user.role)?,
                region_id: user.region_id,
                organisation_id: user.organisation_id,
                session_id: Some(claims.sid),
            };
            state.principals.0.insert(claims.sid, principal.clone());
            Ok(principal)
        }
        Credentials::ApiKey(key) => {
            let prefix =
                api_keys::prefix_of(&key).ok_or(ApiError::Unauthenticated("invalid API key"))?;
            let mut conn = storage::connection(&state.pool).await?;
            let (key_row, account) = principals::find_api_key(&mut conn, prefix)
                .await?
                .ok_or(ApiError::Unauthenticated("invalid API key"))?;
            if !secrets::digest_matches(&key, &key_row.key_hash) {
                return Err(ApiError::Unauthenticated("invalid API key"));
            }
            let stale = chrono::Utc::now() - chrono::Duration::minutes(1);
            if key_row.last_used_at.is_none_or(|used| used < stale) {
                principals::touch_api_key(&mut conn, key_row.id).await?;
            }
            Ok(Principal {
                id: account.id,
                kind: PrincipalKind::ServiceAccount,
                role: role_of(&account.role)?,
                region_id: account.region_id,
                organisation_id: account.organisation_id,
                session_id: None,
            })
        }
    }
}

async fn extract(req: HttpRequest) -> Result<Option<Principal>, ApiError> {
    let Some(credentials) = credentials(&req)? else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal("application state missing".into()))?;
    authenticate(state, credentials).await.map(Some)
}

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { extract(req).await.map(MaybeCaller) })
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            extract(req)
                .await?
                .map(Caller)
                .ok_or(ApiError::Unauthenticated("authentication required"))
        })
    }
}
