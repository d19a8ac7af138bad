//! `/me`: the caller's own account.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::{Body, RequestBody};
use super::write;
use crate::auth::Caller;
use crate::error::{ApiResult, Problem};
use crate::service::sessions::{self, Me};
use crate::service::{self};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(me).service(change_password);
}

/// Who am I?
#[utoipa::path(
    tag = "me",
    responses((status = 200, description = "The caller", body = Me)),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/me")]
async fn me(state: web::Data<AppState>, caller: Caller) -> ApiResult<web::Json<Me>> {
    let mut conn = service::connect(&state.pool).await?;
    Ok(web::Json(sessions::me(&mut conn, &caller.0).await?))
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    #[schema(max_length = 1024, format = Password)]
    pub current_password: String,
    /// The new password, 12 to 128 characters.
    #[schema(min_length = 12, max_length = 128, format = Password)]
    pub new_password: String,
}
impl RequestBody for PasswordChange {}

/// Change my password.
///
/// Needs the current password. Every other session of the user ends; the
/// caller's own session continues. Wrong current passwords count towards the
/// account's login throttling.
#[utoipa::path(
    tag = "me",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Wrong current password or unacceptable new one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Service accounts have no password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/me/password")]
async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<PasswordChange>,
) -> ApiResult<HttpResponse> {
    let input = body.0;
    let writer = write::writer(&req, &caller.0);
    super::auth::gate(&state)
        .change_password(&writer, input.current_password, &input.new_password)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
