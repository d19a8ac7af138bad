//! `Idempotency-Key` on `POST`: a retry with the same key and body gets the
//! first answer again; the same key with another body is a 422; while the first
//! request is still running, a 409.

use std::future::Future;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::domain::Principal;
use crate::error::{ApiError, ApiResult, InputIssue};
use crate::service::{self, idempotency};
use crate::startup::AppState;

pub const HEADER: &str = "idempotency-key";

/// Digest of the request body, left in the request extensions by the `Body` extractor.
#[derive(Debug, Clone)]
pub struct BodyDigest(pub Vec<u8>);

pub fn digest(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

pub(crate) fn key(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()));
    key.map(|k| Some(k.to_owned())).ok_or_else(|| {
        ApiError::validation(InputIssue::header(
            "Idempotency-Key",
            "must be 1 to 255 printable ASCII characters",
        ))
    })
}

/// Runs `handler` at most once per caller and key.
pub async fn once<F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    caller: &Principal,
    handler: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ApiResult<HttpResponse>>,
{
    let Some(key) = key(req)? else {
        return handler().await;
    };
    let request_hash = {
        let mut hasher = Sha256::new();
        hasher.update(req.path().as_bytes());
        hasher.update([0]);
        if let Some(BodyDigest(body)) = req.extensions().get::<BodyDigest>() {
            hasher.update(body);
        }
        hasher.finalize().to_vec()
    };
    let mut conn = service::connect(&state.pool).await?;
    match idempotency::claim(&mut conn, caller.id, &key, &request_hash).await? {
        idempotency::Claim::Existing(record) => {
            if record.request_hash != request_hash {
                return Err(ApiError::Unprocessable(
                    "this Idempotency-Key was used with another request; use a new key".into(),
                ));
            }
            let Some(status) = record.status_code else {
                return Err(ApiError::Conflict(
                    "a request with this Idempotency-Key is still being processed".into(),
                ));
            };
            let status = StatusCode::from_u16(u16::try_from(status).unwrap_or(500))
                .unwrap_or(StatusCode::OK);
            let mut response = HttpResponse::build(status);
            response.insert_header((header::CONTENT_TYPE, "application/json"));
            response.insert_header(("idempotent-replayed", "true"));
            if let Some(location) = record.location {
                response.insert_header((header::LOCATION, location));
            }
            if let Some(etag) = record.etag {
                response.insert_header((header::ETAG, etag));
            }
            Ok(response.body(record.response_body.unwrap_or_default()))
        }
        idempotency::Claim::Claimed => {
            drop(conn);
            let result = handler().await;
            let mut conn = service::connect(&state.pool).await?;
            match result {
                Ok(response) if response.status().is_success() => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let body = actix_web::body::to_bytes(response.into_body())
                        .await
                        .map_err(|_| {
                            ApiError::Internal("response body could not be buffered".into())
                        })?;
                    let text = |name: header::HeaderName| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned)
                    };
                    let (location, etag) = (text(header::LOCATION), text(header::ETAG));
                    idempotency::complete(
                        &mut conn,
                        caller.id,
                        &key,
                        idempotency::Completed {
                            status_code: i32::from(status.as_u16()),
                            body: &body,
                            location: location.as_deref(),
                            etag: etag.as_deref(),
                        },
                    )
                    .await?;
                    let mut response = HttpResponse::build(status);
                    for (name, value) in &headers {
                        response.insert_header((name.clone(), value.clone()));
                    }
                    Ok(response.body(body))
                }
                // A refused or failed request did not happen: the key may be used again.
                other => {
                    idempotency::release(&mut conn, caller.id, &key).await?;
                    other
                }
            }
        }
    }
}
