//! The framework's own errors, rewritten as problem documents: malformed JSON,
//! bad path or query values, oversized bodies, unknown routes and methods.

use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::Method;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::{ApiError, InputIssue};

/// What a request with a body of another media type is told.
const JSON_ONLY: &str = "send the body as application/json";

pub fn json_payload_error(error: &JsonPayloadError) -> ApiError {
    match error {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge(*limit),
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType(JSON_ONLY),
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
pub struct RouteTable(Vec<Route>);

struct Route {
    def: actix_router::ResourceDef,
    methods: Vec<String>,
    /// The template's segments, and for each path parameter what a value
    /// must be (to tell apart templates of the same shape).
    segments: Vec<String>,
    kinds: Vec<(String, ParamKind)>,
}

/// What a path parameter's values look like, as far as the document says.
enum ParamKind {
    Uuid,
    /// One of these words (a pattern `^(a|b)$` or `^a$`).
    OneOf(Vec<String>),
    Any,
}

impl ParamKind {
    fn of(schema: Option<&utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>>) -> Self {
        use utoipa::openapi::schema::{KnownFormat, Schema, SchemaFormat};
        let Some(utoipa::openapi::RefOr::T(Schema::Object(object))) = schema else {
            return ParamKind::Any;
        };
        if matches!(
            object.format,
            Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))
        ) {
            return ParamKind::Uuid;
        }
        let words = object.pattern.as_deref().and_then(|p| {
            let inner = p.strip_prefix('^')?.strip_suffix('$')?;
            let inner = inner
                .strip_prefix('(')
                .and_then(|i| i.strip_suffix(')'))
                .unwrap_or(inner);
            let words: Vec<String> = inner.split('|').map(str::to_owned).collect();
            words
                .iter()
                .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric()))
                .then_some(words)
        });
        words.map_or(ParamKind::Any, ParamKind::OneOf)
    }

    fn admits(&self, value: &str) -> bool {
        match self {
            ParamKind::Uuid => uuid::Uuid::parse_str(value).is_ok(),
            ParamKind::OneOf(words) => words.iter().any(|w| w == value),
            ParamKind::Any => true,
        }
    }
}

impl RouteTable {
    pub fn from_openapi(openapi: &utoipa::openapi::OpenApi) -> Self {
        let routes = openapi
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods: Vec<String> = Vec::new();
                let mut kinds = Vec::new();
                let ops = [
                    (&item.get, "GET"),
                    (&item.put, "PUT"),
                    (&item.post, "POST"),
                    (&item.delete, "DELETE"),
                    (&item.patch, "PATCH"),
                ];
                for (op, name) in ops {
                    if let Some(op) = op {
                        methods.push(name.to_owned());
                        for p in op.parameters.iter().flatten() {
                            if matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Path)
                                && !kinds.iter().any(|(n, _)| *n == p.name)
                            {
                                kinds.push((p.name.clone(), ParamKind::of(p.schema.as_ref())));
                            }
                        }
                    }
                }
                if item.get.is_some() {
                    methods.push("HEAD".to_owned());
                }
                methods.push("OPTIONS".to_owned());
                Route {
                    def: actix_router::ResourceDef::new(path.as_str()),
                    methods,
                    segments: path.split('/').map(str::to_owned).collect(),
                    kinds,
                }
            })
            .collect();
        Self(routes)
    }

    /// The methods of the template `path` matches; when templates of the
    /// same shape match, the one whose parameters take the path's values.
    fn allowed(&self, path: &str) -> Option<&[String]> {
        let matching: Vec<&Route> = self.0.iter().filter(|r| r.def.is_match(path)).collect();
        let chosen = match matching.as_slice() {
            [] => None,
            [one] => Some(*one),
            many => many.iter().copied().find(|r| r.admits(path)),
        };
        chosen.map(|r| r.methods.as_slice())
    }
}

impl Route {
    fn admits(&self, path: &str) -> bool {
        let values: Vec<&str> = path.split('/').collect();
        values.len() == self.segments.len()
            && self.segments.iter().zip(values).all(|(segment, value)| {
                match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    None => true,
                    Some(name) => self
                        .kinds
                        .iter()
                        .find(|(n, _)| n == name)
                        .is_none_or(|(_, kind)| kind.admits(value)),
                }
            })
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
        415 => ApiError::UnsupportedMediaType(JSON_ONLY),
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
