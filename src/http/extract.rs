//! Extractors that turn request input into typed values or into problem
//! documents that name the offending field.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{ApiError, InputIssue};

/// A JSON request body. `READ_ONLY` lists the fields a client may see but never
/// set; sending one is a 400 that names it, as is any unknown field.
pub trait RequestBody: DeserializeOwned {
    const READ_ONLY: &'static [&'static str] = &["id", "self", "version", "createdAt", "updatedAt"];
    /// Fields refused for another reason than being read-only, with that reason.
    const REFUSED: &'static [(&'static str, &'static str)] = &[];
}

pub struct Body<T>(pub T);

fn describe(error: &serde_json::Error) -> String {
    // serde's messages carry a position suffix that means nothing after parsing.
    let message = error.to_string();
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    }
}

/// JSON has one number type: `3.0` is the integer 3 (as JSON Schema's
/// `integer` says), so integral numbers are made integers before the typed
/// fields see them.
fn integral_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64() {
                // Exactly representable integers only; anything else stays a float.
                if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
                    *value = Value::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

pub fn from_value<T: RequestBody>(mut value: Value) -> Result<T, ApiError> {
    integral_numbers(&mut value);
    let Value::Object(map) = &value else {
        return Err(ApiError::validation(InputIssue::body(
            "",
            "the body must be a JSON object",
        )));
    };
    let refused: Vec<InputIssue> = T::READ_ONLY
        .iter()
        .filter(|name| map.contains_key(**name))
        .map(|name| InputIssue::body(*name, "is read-only and cannot be set"))
        .chain(
            T::REFUSED
                .iter()
                .filter(|(name, _)| map.contains_key(*name))
                .map(|(name, reason)| InputIssue::body(*name, *reason)),
        )
        .collect();
    if !refused.is_empty() {
        return Err(ApiError::Validation(refused));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let name = if path == "." { String::new() } else { path };
        let inner = e.into_inner();
        let detail = describe(&inner);
        let name = if name.is_empty() {
            unknown_field_name(&detail).unwrap_or_default()
        } else {
            name
        };
        ApiError::validation(InputIssue::body(name, detail))
    })
}

/// Parses well-formed JSON (the JSON layer has checked its syntax) into a
/// value. A number beyond the range of a double (`1e400`) is well-formed JSON
/// that no field can hold: it is refused by the name of its member.
fn parse_value(text: &str) -> Result<Value, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, Value>(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let detail = describe(e.inner());
        if detail.starts_with("number out of range") && path != "." {
            ApiError::validation(InputIssue::body(
                path,
                "is a number out of range: it must be finite",
            ))
        } else {
            ApiError::BadRequest(format!("the body is not valid JSON: {detail}"))
        }
    })
}

/// `unknown field `x`, expected ...` and `missing field `x`` name their field
/// only in the message.
fn unknown_field_name(detail: &str) -> Option<String> {
    let rest = detail
        .strip_prefix("unknown field `")
        .or_else(|| detail.strip_prefix("missing field `"))?;
    rest.split_once('`').map(|(name, _)| name.to_owned())
}

impl<T: RequestBody + 'static> FromRequest for Body<T> {
    // The JSON layer's own errors are already problem documents (see
    // `problems::json_config`); they pass through unchanged.
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<Box<RawValue>>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let web::Json(raw) = json.await?;
            let value = parse_value(raw.get())?;
            let bytes = serde_json::to_vec(&value).unwrap_or_default();
            req.extensions_mut().insert(super::idempotency::BodyDigest(
                super::idempotency::digest(&bytes),
            ));
            Ok(from_value(value).map(Body)?)
        })
    }
}

/// Query parameters, parsed so that a bad value names its parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    // An empty value is not "absent": `sort=` or `page=` is refused by name.
    // Only the search text `q` may be empty (no search).
    if let Some((name, _)) = form_urlencoded::parse(query.as_bytes())
        .find(|(name, value)| value.is_empty() && name != "q")
    {
        return Err(ApiError::validation(InputIssue::query(
            name.into_owned(),
            "must not be empty; leave the parameter out instead",
        )));
    }
    // Repeated parameters (`region=a&region=b`) fill a list: OR within a parameter.
    let deserializer = serde_html_form::Deserializer::from_bytes(query.as_bytes());
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let detail = e.into_inner().to_string();
        let name = if path == "." {
            unknown_field_name(&detail).unwrap_or_default()
        } else {
            path
        };
        ApiError::validation(InputIssue::query(name, detail))
    })
}

/// The form of an `If-Match` value, as the OpenAPI document states it.
pub const IF_MATCH_PATTERN: &str = r#"^"[1-9][0-9]{0,8}"$"#;

/// The version named in `If-Match`, when there is one; the use case decides
/// whether it needs one. An empty `If-Match` names none, as if it were absent.
pub fn version(req: &HttpRequest) -> Result<Option<i32>, ApiError> {
    let Some(value) = req
        .headers()
        .get(actix_web::http::header::IF_MATCH)
        .filter(|v| !v.as_bytes().trim_ascii().is_empty())
    else {
        return Ok(None);
    };
    // Exactly `IF_MATCH_PATTERN`: a quoted positive number of at most 9 digits.
    let parsed = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix('"'))
        .and_then(|v| v.strip_suffix('"'))
        .filter(|v| {
            (1..=9).contains(&v.len())
                && !v.starts_with('0')
                && v.bytes().all(|b| b.is_ascii_digit())
        })
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|v| *v > 0);
    parsed.map(Some).ok_or_else(|| {
        ApiError::validation(InputIssue::header(
            "If-Match",
            "must be the quoted version from the resource's ETag, e.g. \"3\"",
        ))
    })
}

pub fn etag(version: i32) -> (actix_web::http::header::HeaderName, String) {
    (actix_web::http::header::ETAG, format!("\"{version}\""))
}

/// A single versioned resource: its `ETag`, and its `Location` when just created.
pub fn versioned(
    status: actix_web::http::StatusCode,
    version: i32,
    self_link: &str,
    body: impl serde::Serialize,
) -> actix_web::HttpResponse {
    let location = created(status).then(|| self_link.to_owned());
    answer(status, version, location, body)
}

/// A versioned record as [`versioned`] answers it, its URL as the `Location`
/// when `status` is 201 Created (and only then written).
pub fn respond<V: crate::service::Audited>(
    status: actix_web::http::StatusCode,
    view: V,
) -> actix_web::HttpResponse {
    let location = created(status).then(|| view.self_link());
    answer(status, view.version(), location, view)
}

fn created(status: actix_web::http::StatusCode) -> bool {
    status == actix_web::http::StatusCode::CREATED
}

/// `body` with its version's `ETag` and, when given, a `Location`.
fn answer(
    status: actix_web::http::StatusCode,
    version: i32,
    location: Option<String>,
    body: impl serde::Serialize,
) -> actix_web::HttpResponse {
    let mut response = actix_web::HttpResponse::build(status);
    response.insert_header(etag(version));
    if let Some(location) = location {
        response.insert_header((actix_web::http::header::LOCATION, location));
    }
    super::json::body(response, &body, super::json::SMALL)
}

pub use crate::service::patch::{nullable, present};
