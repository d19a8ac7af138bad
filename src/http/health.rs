//! Probes and metrics: `/health/live`, `/health/ready`, `/metrics`.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, ApiResult, Problem};
use crate::service;
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(live).service(ready).service(metrics);
}

/// A probe's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness: the process serves requests.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive", body = Health)), security(()))]
#[get("/health/live")]
async fn live() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Readiness: the database answers.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "The database cannot be reached", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security(())
)]
#[get("/health/ready")]
async fn ready(state: web::Data<AppState>) -> ApiResult<web::Json<Health>> {
    service::ping(&state.pool)
        .await
        .map_err(|e| match ApiError::from(e) {
            unavailable @ ApiError::Unavailable(_) => unavailable,
            other => ApiError::Unavailable(other.to_string()),
        })?;
    Ok(web::Json(Health { status: "ok" }))
}

/// Metrics in the Prometheus text format: requests by route and status, their
/// latency, and the database pool's use.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Metrics", body = String, content_type = "text/plain; version=0.0.4")),
    security(())
)]
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    use prometheus::Encoder;
    state.pool_metrics.observe(state.pools.status());
    let mut buffer = Vec::new();
    prometheus::TextEncoder::new()
        .encode(&state.registry.gather(), &mut buffer)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(buffer))
}
