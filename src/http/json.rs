//! JSON answers serialized into a buffer reserved for their size up front,
//! rather than one grown from a few bytes by doubling (a page of 50 records
//! is 30–100 KB, and each doubling moves all that came before).

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};
use serde::Serialize;

use crate::error::ApiError;

/// Bytes reserved for one record of a page: most records of the API
/// serialize to 0.5–1 KB, so a page seldom needs the buffer to grow.
const PER_ITEM: usize = 1024;

/// Bytes reserved for anything else (a single record, the links of a page).
pub const SMALL: usize = 1024;

/// The most reserved up front. The buffer becomes the body as it is, so what
/// is reserved and not used is held until the client has read the answer: a
/// larger answer grows past this by doubling, as it would have anyway.
pub const MOST: usize = 64 * 1024;

/// The response of `builder` with `value` as its `application/json` body,
/// serialized into a buffer of `capacity` bytes (at most [`MOST`]) to start
/// with.
pub fn body(
    mut builder: HttpResponseBuilder,
    value: &impl Serialize,
    capacity: usize,
) -> HttpResponse {
    match serialized(value, capacity) {
        Ok(buffer) => builder.content_type(ContentType::json()).body(buffer),
        Err(e) => e.error_response(),
    }
}

/// `value` as JSON, in a buffer of `capacity` bytes (at most [`MOST`]) to
/// start with.
fn serialized(value: &impl Serialize, capacity: usize) -> Result<Vec<u8>, ApiError> {
    let mut buffer = Vec::with_capacity(capacity.min(MOST));
    serde_json::to_writer(&mut buffer, value)
        .map_err(|e| ApiError::Internal(format!("the answer could not be serialized: {e}")))?;
    Ok(buffer)
}

/// A `200 OK` page of `items` records: [`SMALL`] for what surrounds them
/// (links, counts, facets) and [`PER_ITEM`] for each.
pub fn page(value: &impl Serialize, items: usize) -> HttpResponse {
    body(HttpResponse::Ok(), value, SMALL + items * PER_ITEM)
}

/// The JSON of a page of `items` records, reserved as [`page`] reserves it.
pub fn page_bytes(value: &impl Serialize, items: usize) -> Result<Vec<u8>, ApiError> {
    serialized(value, SMALL + items * PER_ITEM)
}

/// A `200 OK` answer of JSON already serialized.
pub fn ok(json: actix_web::web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(json)
}

#[cfg(test)]
mod tests {
    use actix_web::body::MessageBody;
    use actix_web::http::StatusCode;
    use actix_web::http::header::CONTENT_TYPE;
    use serde::ser::Error;

    use super::*;

    #[test]
    fn the_body_is_the_values_json_whatever_the_reserve() {
        let value = serde_json::json!({"items": ["é\"\n", 1, null], "total": 3});
        for capacity in [0, 4, 1 << 16] {
            let response = body(HttpResponse::Created(), &value, capacity);
            assert_eq!(response.status(), StatusCode::CREATED);
            assert_eq!(
                response.headers().get(CONTENT_TYPE).unwrap(),
                "application/json"
            );
            let bytes = response.into_body().try_into_bytes().unwrap();
            assert_eq!(bytes, serde_json::to_vec(&value).unwrap());
        }
    }

    struct Unserializable;

    impl Serialize for Unserializable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(S::Error::custom("no"))
        }
    }

    #[test]
    fn a_value_that_cannot_be_serialized_is_a_problem_500() {
        let response = body(HttpResponse::Ok(), &Unserializable, SMALL);
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers().get(CONTENT_TYPE).unwrap(),
            "application/problem+json"
        );
    }
}
