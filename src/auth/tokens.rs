//! Access tokens: short-lived HS256 JWTs. The algorithm is pinned, and `exp`,
//! `nbf`, `iss`, `aud` and `sub` are required; `typ` separates access tokens from
//! anything else signed with the same key. Refresh tokens are opaque random
//! strings (see `storage::sessions`), so they can never pass as access tokens.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const ACCESS_TOKEN_TYPE: &str = "access";

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: Uuid,
    pub sid: Uuid,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub jti: Uuid,
    pub typ: String,
}

#[derive(Clone)]
pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    pub access_ttl_seconds: i64,
    pub refresh_ttl_seconds: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

impl TokenService {
    pub fn new(
        secret: &[u8],
        issuer: &str,
        audience: &str,
        access_ttl_seconds: i64,
        refresh_ttl_seconds: i64,
    ) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = 5;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            access_ttl_seconds,
            refresh_ttl_seconds,
        }
    }

    pub fn issue(&self, user_id: Uuid, session_id: Uuid) -> Result<String, String> {
        let now = chrono::Utc::now().timestamp();
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id,
            sid: session_id,
            exp: now + self.access_ttl_seconds,
            nbf: now,
            iat: now,
            jti: Uuid::new_v4(),
            typ: ACCESS_TOKEN_TYPE.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| e.to_string())
    }

    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        use jsonwebtoken::errors::ErrorKind;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        if data.claims.typ != ACCESS_TOKEN_TYPE {
            return Err(TokenError::Invalid);
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(secret: &[u8]) -> TokenService {
        TokenService::new(secret, "ssw-api", "ssw-api", 60, 3600)
    }

    #[test]
    fn a_token_verifies_with_its_own_key_only() {
        let tokens = service(&[7u8; 32]);
        let token = tokens.issue(Uuid::new_v4(), Uuid::new_v4()).unwrap();
        assert!(tokens.verify(&token).is_ok());
        assert_eq!(
            service(&[8u8; 32]).verify(&token).unwrap_err(),
            TokenError::Invalid
        );
    }

    #[test]
    fn a_token_for_another_audience_is_refused() {
        let token = TokenService::new(&[7u8; 32], "ssw-api", "other", 60, 60)
            .issue(Uuid::new_v4(), Uuid::new_v4())
            .unwrap();
        assert_eq!(
            service(&[7u8; 32]).verify(&token).unwrap_err(),
            TokenError::Invalid
        );
    }
}
