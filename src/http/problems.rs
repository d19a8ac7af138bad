//! The framework's own errors, rewritten as problem documents: malformed JSON,
//! bad path or query values, oversized bodies, unknown routes and methods.

use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::Method;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::{ApiError, InputIssue};

pub fn json_payload_error(error: &JsonPayloadError) -> ApiError {
    match error {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge(*limit),
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
        JsonPayloadError::Deserialize(e) | JsonPayloadError::Serialize(e) => {
            let detail = e.to_string();
            ApiError::BadRequest(format!("the body is not valid JSON: {detail}"))
        }
        JsonPayloadError::Payload(actix_web::error::PayloadError::Overflow) => {
            ApiError::PayloadTooLarge(0)
        }
        _ => ApiError::BadRequest("the request body could not be read".into()),
    }
}

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .content_type_required(true)
        .content_type(|mime| {
            mime.type_() == mime::APPLICATION
                && (mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON))
        })
        .error_handler(|err, _| {
            let api_error = json_payload_error(&err);
            actix_web::error::InternalError::from_response(err, api_error.error_response()).into()
        })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| {
        let detail = match &err {
            PathError::Deserialize(e) => e.to_string(),
            _ => "invalid path parameter".into(),
        };
        let api_error = ApiError::validation(InputIssue::path("id", detail));
        actix_web::error::InternalError::from_response(err, api_error.error_response()).into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        let detail = match &err {
            QueryPayloadError::Deserialize(e) => e.to_string(),
            _ => "invalid query string".into(),
        };
        let api_error = ApiError::validation(InputIssue::query("", detail));
        actix_web::error::InternalError::from_response(err, api_error.error_response()).into()
    })
}

/// The routes the API serves and their methods, taken from the OpenAPI document,
/// so the 405 answer's `Allow` header is always right.
pub struct RouteTable(Vec<(actix_router::ResourceDef, Vec<String>)>);

impl RouteTable {
    pub fn from_openapi(openapi: &utoipa::openapi::OpenApi) -> Self {
        let routes = openapi
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods: Vec<String> = Vec::new();
                let ops = [
                    (&item.get, "GET"),
                    (&item.put, "PUT"),
                    (&item.post, "POST"),
                    (&item.delete, "DELETE"),
                    (&item.patch, "PATCH"),
                ];
                for (op, name) in ops {
                    if op.is_some() {
                        methods.push(name.to_owned());
                    }
                }
                if item.get.is_some() {
                    methods.push("HEAD".to_owned());
                }
                methods.push("OPTIONS".to_owned());
                (actix_router::ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self(routes)
    }

    fn allowed(&self, path: &str) -> Option<&[String]> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.as_slice())
    }
}

/// Answers requests no route took: 405 with `Allow` for a known path, else 404.
pub async fn fallback(req: HttpRequest, table: web::Data<RouteTable>) -> HttpResponse {
    match table.allowed(req.path()) {
        Some(methods) if req.method() != Method::OPTIONS => {
            ApiError::MethodNotAllowed(methods.to_vec()).error_response()
        }
        Some(methods) => HttpResponse::NoContent()
            .insert_header((actix_web::http::header::ALLOW, methods.join(", ")))
            .finish(),
        None => ApiError::NotFound.error_response(),
    }
}

/// Last line of defence: any error response that is not a problem document yet
/// (from a middleware or the framework) becomes one with the same status.
pub fn ensure_problem<B: actix_web::body::MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(crate::error::PROBLEM_JSON));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let api_error = match status.as_u16() {
        400 => ApiError::BadRequest("the request could not be understood".into()),
        401 => ApiError::Unauthenticated("authentication required"),
        403 => ApiError::Forbidden,
        404 => ApiError::NotFound,
        405 => ApiError::MethodNotAllowed(Vec::new()),
        406 => ApiError::NotAcceptable("the requested media type is not available".to_owned()),
        413 => ApiError::PayloadTooLarge(0),
        415 => ApiError::UnsupportedMediaType,
        503 => ApiError::Unavailable(format!("{status}")),
        _ if status.is_server_error() => ApiError::Internal(format!("unmapped {status}")),
        _ => ApiError::BadRequest(format!("request refused ({status})")),
    };
    let (req, original) = res.into_parts();
    let mut response = api_error.error_response();
    *response.status_mut() = status;
    for (name, value) in original.headers() {
        if name != actix_web::http::header::CONTENT_TYPE
            && name != actix_web::http::header::CONTENT_LENGTH
        {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
