//! Error policy: every failure a client can see is an `application/problem+json`
//! document (RFC 9457) with a stable `type` URN. A 5xx says nothing about its
//! cause; the cause goes to the log, next to the request id, by the telemetry
//! middleware that finds it in the response extensions.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::permissions::Denied;
use crate::service::ServiceError;

pub use crate::domain::InputIssue;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"type": "urn:problem-type:ssw:validation", "title": "Invalid input", "status": 400, "detail": "1 field is invalid", "instance": "urn:uuid:0b7e6f57-3c56-4d8e-9a8f-4c7a1d6f0e11", "issues": [{"in": "body", "name": "email", "detail": "not a valid e-mail address"}]}))]
pub struct Problem {
    /// URN naming the kind of problem; one per kind, stable.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Explanation specific to this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Identifies this occurrence (`urn:uuid:` of the request id when it is a UUID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The input values that were refused, when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<InputIssue>,
    /// On a 409 for a record that exists already (a measurement for the same
    /// indicator, period and place): the URL of that record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<String>,
}

/// Every error the service can answer with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid input")]
    Validation(Vec<InputIssue>),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed(Vec<String>),
    #[error("not acceptable: {0}")]
    NotAcceptable(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// A 409 for a record that exists already, with its URL.
    #[error("exists: {detail}")]
    Exists { detail: String, existing: String },
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("payload too large")]
    PayloadTooLarge(usize),
    #[error("unsupported media type")]
    /// What the request should send instead.
    UnsupportedMediaType(&'static str),
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    #[error("precondition required")]
    PreconditionRequired,
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// The cause of a 5xx, kept on the response for the log and never sent.
#[derive(Debug, Clone)]
pub struct InternalCause(pub String);

/// The kinds of problem, their URN and title. Listed in the OpenAPI description.
pub const PROBLEM_TYPES: &[(&str, &str, u16)] = &[
    ("urn:problem-type:ssw:validation", "Invalid input", 400),
    ("urn:problem-type:ssw:bad-request", "Malformed request", 400),
    (
        "urn:problem-type:ssw:unauthenticated",
        "Authentication required",
        401,
    ),
    ("urn:problem-type:ssw:forbidden", "Not allowed", 403),
    ("urn:problem-type:ssw:not-found", "Not found", 404),
    (
        "urn:problem-type:ssw:method-not-allowed",
        "Method not allowed",
        405,
    ),
    ("urn:problem-type:ssw:not-acceptable", "Not acceptable", 406),
    ("urn:problem-type:ssw:conflict", "Conflict", 409),
    (
        "urn:problem-type:ssw:precondition-failed",
        "Precondition failed",
        412,
    ),
    (
        "urn:problem-type:ssw:payload-too-large",
        "Payload too large",
        413,
    ),
    (
        "urn:problem-type:ssw:unsupported-media-type",
        "Unsupported media type",
        415,
    ),
    (
        "urn:problem-type:ssw:unprocessable",
        "Unprocessable request",
        422,
    ),
    (
        "urn:problem-type:ssw:precondition-required",
        "Precondition required",
        428,
    ),
    (
        "urn:problem-type:ssw:too-many-requests",
        "Too many requests",
        429,
    ),
    ("urn:problem-type:ssw:internal", "Internal error", 500),
    (
        "urn:problem-type:ssw:unavailable",
        "Service unavailable",
        503,
    ),
    (IMPORT_REJECTED, "Import rejected", 422),
    (IMPORT_FAILED, "Import failed", 422),
];

/// An atomic import with rejected rows: nothing was written; the problem's
/// `import` member is the whole report.
pub const IMPORT_REJECTED: &str = "urn:problem-type:ssw:import-rejected";
/// A file that could not be imported at all; `import` is the job.
pub const IMPORT_FAILED: &str = "urn:problem-type:ssw:import-failed";

impl ApiError {
    fn problem_index(&self) -> usize {
        match self {
            ApiError::Validation(_) => 0,
            ApiError::BadRequest(_) => 1,
            ApiError::Unauthenticated(_) => 2,
            ApiError::Forbidden => 3,
            ApiError::NotFound => 4,
            ApiError::MethodNotAllowed(_) => 5,
            ApiError::NotAcceptable(_) => 6,
            ApiError::Conflict(_) | ApiError::Exists { .. } => 7,
            ApiError::PreconditionFailed => 8,
            ApiError::PayloadTooLarge(_) => 9,
            ApiError::UnsupportedMediaType(_) => 10,
            ApiError::Unprocessable(_) => 11,
            ApiError::PreconditionRequired => 12,
            ApiError::TooManyRequests { .. } => 13,
            ApiError::Internal(_) => 14,
            ApiError::Unavailable(_) => 15,
        }
    }

    fn detail(&self) -> Option<String> {
        Some(match self {
            ApiError::Validation(issues) => match issues.len() {
                1 => "1 input value is invalid".to_owned(),
                n => format!("{n} input values are invalid"),
            },
            ApiError::BadRequest(d)
            | ApiError::Conflict(d)
            | ApiError::Unprocessable(d)
            | ApiError::Exists { detail: d, .. } => d.clone(),
            ApiError::Unauthenticated(d) => (*d).to_owned(),
            ApiError::Forbidden => "your role or scope does not allow this operation".to_owned(),
            ApiError::NotFound => "no such resource".to_owned(),
            ApiError::MethodNotAllowed(allow) => {
                format!("allowed methods: {}", allow.join(", "))
            }
            ApiError::NotAcceptable(detail) => detail.clone(),
            ApiError::PreconditionFailed => {
                "the resource has changed since the version given in If-Match; fetch it again"
                    .to_owned()
            }
            ApiError::PayloadTooLarge(0) => "the request body is too large".to_owned(),
            ApiError::PayloadTooLarge(limit) => format!("the request body exceeds {limit} bytes"),
            ApiError::UnsupportedMediaType(instead) => (*instead).to_owned(),
            ApiError::PreconditionRequired => {
                "this write needs an If-Match header with the current version (its ETag)".to_owned()
            }
            ApiError::TooManyRequests {
                retry_after_seconds,
            } => {
                format!("too many attempts; try again in {retry_after_seconds} seconds")
            }
            ApiError::Unavailable(_) => {
                "the service cannot reach its database; try again shortly".to_owned()
            }
            ApiError::Internal(_) => return None,
        })
    }

    pub fn validation(issue: InputIssue) -> Self {
        ApiError::Validation(vec![issue])
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(PROBLEM_TYPES[self.problem_index()].2)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let (problem_type, title, status) = PROBLEM_TYPES[self.problem_index()];
        let problem = Problem {
            problem_type: problem_type.to_owned(),
            title: title.to_owned(),
            status,
            detail: self.detail(),
            instance: None,
            issues: match self {
                ApiError::Validation(issues) => issues.clone(),
                _ => Vec::new(),
            },
            existing: match self {
                ApiError::Exists { existing, .. } => Some(existing.clone()),
                _ => None,
            },
        };
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            ApiError::Unauthenticated(_) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"ssw-api\""),
                ));
            }
            ApiError::MethodNotAllowed(allow) => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            ApiError::TooManyRequests {
                retry_after_seconds,
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        let mut response = response.json(problem);
        if let ApiError::Internal(cause) | ApiError::Unavailable(cause) = self {
            response
                .extensions_mut()
                .insert(InternalCause(cause.clone()));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The one mapping from a use case's refusal to the answer a client sees.
impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid(issues) => ApiError::Validation(issues),
            ServiceError::Unauthenticated(detail) => ApiError::Unauthenticated(detail),
            ServiceError::Forbidden => ApiError::Forbidden,
            ServiceError::NotFound => ApiError::NotFound,
            ServiceError::Conflict(detail) => ApiError::Conflict(detail),
            ServiceError::Exists { detail, existing } => ApiError::Exists { detail, existing },
            ServiceError::VersionRequired => ApiError::PreconditionRequired,
            ServiceError::Stale => ApiError::PreconditionFailed,
            ServiceError::Unprocessable(detail) => ApiError::Unprocessable(detail),
            ServiceError::TooManyRequests {
                retry_after_seconds,
            } => ApiError::TooManyRequests {
                retry_after_seconds,
            },
            ServiceError::Unavailable(cause) => ApiError::Unavailable(cause),
            ServiceError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<Denied> for ApiError {
    fn from(denied: Denied) -> Self {
        ServiceError::from(denied).into()
    }
}

/// For the `Caller` extractor, which reads sessions and keys before any use
/// case runs: the same mapping, through [`ServiceError`].
impl From<crate::storage::StorageError> for ApiError {
    fn from(error: crate::storage::StorageError) -> Self {
        ServiceError::from(error).into()
    }
}
