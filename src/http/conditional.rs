//! Reads beyond a plain `GET`: `HEAD` on every readable resource, and
//! conditional reads, where a `GET` whose `If-None-Match` names the current
//! `ETag` is answered `304 Not Modified` without a body, so that systems that
//! poll a record learn it is unchanged without downloading it again.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, EntityTag, Header, IfNoneMatch};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

/// Serves a `HEAD` as the `GET` of the same resource. The connection
/// remembers that the request was a `HEAD` and sends the answer's headers
/// (its length included) without the body, as RFC 9110 asks of every resource
/// that answers `GET`.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// Whether the response's entity tag is among the request's (weak comparison,
/// as RFC 9110 prescribes for `If-None-Match`).
fn unchanged(condition: &IfNoneMatch, etag: &EntityTag) -> bool {
    match condition {
        IfNoneMatch::Any => true,
        IfNoneMatch::Items(tags) => tags.iter().any(|tag| tag.weak_eq(etag)),
    }
}

/// Turns a `200` to a `GET` or `HEAD` into a `304` when `If-None-Match` names
/// its `ETag`. A malformed `If-None-Match` is ignored, as the header is only
/// an optimisation: the full answer is always correct.
pub async fn not_modified(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let condition = if matches!(*req.method(), Method::GET | Method::HEAD)
        && req.headers().contains_key(header::IF_NONE_MATCH)
    {
        IfNoneMatch::parse(req.request()).ok()
    } else {
        None
    };
    let res = next.call(req).await?;
    let Some(condition) = condition else {
        return Ok(res.map_into_left_body());
    };
    let etag = res
        .headers()
        .get(header::ETAG)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<EntityTag>().ok());
    match etag {
        Some(etag) if res.status() == StatusCode::OK && unchanged(&condition, &etag) => {
            let (req, _) = res.into_parts();
            let response = HttpResponse::NotModified()
                .insert_header(header::ETag(etag))
                .finish();
            Ok(ServiceResponse::new(req, response).map_into_right_body())
        }
        _ => Ok(res.map_into_left_body()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(version: &str) -> EntityTag {
        EntityTag::new_strong(version.to_owned())
    }

    #[test]
    fn any_or_a_listed_tag_means_unchanged_weak_or_strong() {
        assert!(unchanged(&IfNoneMatch::Any, &tag("3")));
        let listed = IfNoneMatch::Items(vec![tag("1"), EntityTag::new_weak("3".to_owned())]);
        assert!(unchanged(&listed, &tag("3")));
        assert!(unchanged(&listed, &tag("1")));
        assert!(!unchanged(&listed, &tag("2")));
        assert!(!unchanged(&IfNoneMatch::Items(vec![]), &tag("2")));
    }
}
