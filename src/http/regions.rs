//! `/regions`: the regional platforms, readable by anyone.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::MaybeCaller;
use crate::error::{ApiResult, Problem};
use crate::startup::AppState;
use crate::storage::{self, reference};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_regions).service(read_region);
}

/// A regional platform of Sterk Sociaal Werk, or Flanders as a whole.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    /// Identifier, used in filters and scopes (`limburg`).
    #[schema(example = "limburg")]
    pub id: String,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Name.
    pub name: String,
    /// NIS code of the province, or of the Brussels-Capital or Flemish Region.
    #[schema(example = "70000", pattern = "^[0-9]{5}$")]
    pub nis_code: String,
    /// `true` for the Flanders-wide pseudo-region.
    pub flanders_wide: bool,
}

impl From<reference::RegionRow> for Region {
    fn from(row: reference::RegionRow) -> Self {
        Self {
            self_link: format!("{}/regions/{}", super::API_BASE, row.id),
            id: row.id,
            name: row.name,
            nis_code: row.nis_code,
            flanders_wide: row.flanders_wide,
        }
    }
}

/// List the regional platforms.
#[utoipa::path(
    tag = "regions",
    responses((status = 200, description = "All regions", body = Vec<Region>)),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/regions")]
async fn list_regions(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
) -> ApiResult<web::Json<Vec<Region>>> {
    let mut conn = storage::connection(&state.pool).await?;
    let rows = reference::list_regions(&mut conn).await?;
    Ok(web::Json(rows.into_iter().map(Region::from).collect()))
}

/// Read a regional platform.
#[utoipa::path(
    tag = "regions",
    params(("id" = String, Path, description = "Region id, e.g. `limburg`")),
    responses(
        (status = 200, description = "The region", body = Region),
        (status = 404, description = "No such region", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/regions/{id}")]
async fn read_region(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    id: web::Path<String>,
) -> ApiResult<web::Json<Region>> {
    let mut conn = storage::connection(&state.pool).await?;
    let row = reference::get_region(&mut conn, &id).await?;
    Ok(web::Json(row.into()))
}
