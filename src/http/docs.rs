//! The OpenAPI document and Swagger UI.

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(openapi_json);
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object)),
    security(())
)]
#[get("/openapi.json")]
async fn openapi_json(spec: web::Data<SpecJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(spec.0.clone())
}

/// The served document, serialised once at start-up.
pub struct SpecJson(pub actix_web::web::Bytes);

/// Swagger UI at `/docs/`, reading the document above; its assets are built in.
/// The tail segment `{file}*` (not a regex) keeps the route's metrics label a
/// plain pattern.
pub fn swagger_ui(cfg: &mut web::ServiceConfig) {
    cfg.service(web::redirect("/docs", "/docs/"));
    cfg.service(SwaggerUi::new("/docs/{file}*").config(
        utoipa_swagger_ui::Config::from("/api/v1/openapi.json").persist_authorization(false),
    ));
}
