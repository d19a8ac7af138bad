//! `/regions`: the regional platforms, readable by anyone, maintained by administrators.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::{Body, RequestBody, if_match, present, versioned};
use super::write::{self, check, ensure_valid, snapshot};
use crate::auth::permissions::{self, Operation, Resource};
use crate::auth::{Caller, MaybeCaller};
use crate::domain::plan::{check_nis_code, check_region_id, check_text};
use crate::error::{ApiError, ApiResult, Problem};
use crate::startup::AppState;
use crate::storage::geography::{self as store, NewRegion, RegionChanges};
use crate::storage::{self, audit, reference};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_regions)
        .service(create_region)
        .service(read_region)
        .service(update_region)
        .service(delete_region);
}

const RESOURCE: &str = "region";

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
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl From<reference::RegionRow> for Region {
    fn from(row: reference::RegionRow) -> Self {
        Self {
            self_link: format!("{}/regions/{}", super::API_BASE, row.id),
            id: row.id,
            name: row.name,
            nis_code: row.nis_code,
            flanders_wide: row.flanders_wide,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A new regional platform. It is listed after the existing ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegionCreate {
    /// Identifier: a lowercase slug, 2 to 40 characters, starting with a letter. It cannot change later.
    #[schema(example = "oost-vlaanderen", pattern = "^[a-z][a-z0-9-]{1,39}$")]
    pub id: String,
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// NIS code of the province, or of the Brussels-Capital or Flemish Region; unique.
    #[schema(example = "40000", pattern = "^[0-9]{5}$")]
    pub nis_code: String,
    /// `true` for a Flanders-wide pseudo-region; `false` when absent.
    #[serde(default)]
    pub flanders_wide: bool,
}
impl RequestBody for RegionCreate {
    const READ_ONLY: &'static [&'static str] = &["self", "version", "createdAt", "updatedAt"];
}

/// Changes to a regional platform (JSON merge patch): absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegionPatch {
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// NIS code; unique.
    #[schema(pattern = "^[0-9]{5}$")]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub nis_code: Option<String>,
    /// `true` for a Flanders-wide pseudo-region.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub flanders_wide: Option<bool>,
}
impl RequestBody for RegionPatch {}

/// A region id in the path.
fn path_region_id(id: &str) -> ApiResult<()> {
    write::path_value("id", id, check_region_id)
}

fn respond(status: StatusCode, region: Region) -> HttpResponse {
    versioned(status, region.version, &region.self_link.clone(), region)
}

/// List the regional platforms, in their usual order.
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

/// Create a regional platform. Administrators.
#[utoipa::path(
    tag = "regions",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = RegionCreate,
    responses(
        (status = 201, description = "Created", body = Region,
            headers(("Location" = String, description = "URL of the new region"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators maintain regions", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The id or NIS code is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/regions")]
async fn create_region(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<RegionCreate>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ReferenceData, Operation::Write)?;
    super::idempotency::once(&req, &state, &caller.0, || {
        insert_region(&req, &state, &caller, body.0)
    })
    .await
}

async fn insert_region(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    input: RegionCreate,
) -> ApiResult<HttpResponse> {
    let mut issues = Vec::new();
    check(&mut issues, "id", check_region_id(&input.id), || {
        input.id.clone().into()
    });
    check(&mut issues, "name", check_text(&input.name, 200), || {
        input.name.clone().into()
    });
    check(
        &mut issues,
        "nisCode",
        check_nis_code(&input.nis_code),
        || input.nis_code.clone().into(),
    );
    ensure_valid(issues)?;
    let actor = write::actor(req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    let region = conn
        .transaction::<_, ApiError, _>(async |conn| {
            if reference::region_exists(conn, &input.id).await? {
                return Err(ApiError::Conflict(format!(
                    "a region with id {} already exists",
                    input.id
                )));
            }
            let row = store::insert_region(
                conn,
                NewRegion {
                    id: input.id,
                    name: input.name.trim().to_owned(),
                    nis_code: input.nis_code,
                    flanders_wide: input.flanders_wide,
                },
            )
            .await?;
            let region = Region::from(row);
            let after = snapshot(&region)?;
            audit::record(conn, &actor, RESOURCE, &region.id, None, Some(&after)).await?;
            Ok(region)
        })
        .await?;
    Ok(respond(StatusCode::CREATED, region))
}

/// Read a regional platform.
#[utoipa::path(
    tag = "regions",
    params(("id" = String, Path, description = "Region id, e.g. `limburg`")),
    responses(
        (status = 200, description = "The region", body = Region, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such region", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/regions/{id}")]
async fn read_region(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    path_region_id(&id)?;
    let mut conn = storage::connection(&state.pool).await?;
    let row = reference::get_region(&mut conn, &id).await?;
    Ok(respond(StatusCode::OK, Region::from(row)))
}

/// Change a regional platform (JSON merge patch). Administrators; needs `If-Match`
/// with the current version. The id cannot change.
#[utoipa::path(
    tag = "regions",
    params(
        ("id" = String, Path, description = "Region id, e.g. `limburg`"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = RegionPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed region", body = Region, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators maintain regions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such region", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The NIS code is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The region has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/regions/{id}")]
async fn update_region(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Body<RegionPatch>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ReferenceData, Operation::Write)?;
    let id = id.into_inner();
    path_region_id(&id)?;
    let expected = if_match(&req)?;
    let patch = body.0;
    let mut issues = Vec::new();
    if let Some(name) = &patch.name {
        check(&mut issues, "name", check_text(name, 200), || {
            name.clone().into()
        });
    }
    if let Some(nis) = &patch.nis_code {
        check(&mut issues, "nisCode", check_nis_code(nis), || {
            nis.clone().into()
        });
    }
    ensure_valid(issues)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    let region = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::lock_region(conn, &id).await?;
            if current.version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let before = snapshot(&Region::from(current))?;
            let row = store::update_region(
                conn,
                &id,
                RegionChanges {
                    name: patch.name.map(|n| n.trim().to_owned()),
                    nis_code: patch.nis_code,
                    flanders_wide: patch.flanders_wide,
                },
            )
            .await?;
            let region = Region::from(row);
            let after = snapshot(&region)?;
            audit::record(conn, &actor, RESOURCE, &id, Some(&before), Some(&after)).await?;
            Ok(region)
        })
        .await?;
    Ok(respond(StatusCode::OK, region))
}

/// Delete a regional platform. Administrators; needs `If-Match`. Refused with
/// 409 while users, service accounts, organisations, municipalities, primary
/// care zones, initiatives or proposed actions refer to it.
#[utoipa::path(
    tag = "regions",
    params(
        ("id" = String, Path, description = "Region id, e.g. `limburg`"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only administrators maintain regions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such region", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Other records refer to the region; the detail says which", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The region has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/regions/{id}")]
async fn delete_region(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ReferenceData, Operation::Write)?;
    let id = id.into_inner();
    path_region_id(&id)?;
    let expected = if_match(&req)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let current = store::lock_region(conn, &id).await?;
        if current.version != expected {
            return Err(ApiError::PreconditionFailed);
        }
        let references = store::region_references(conn, &id).await?;
        if !references.is_empty() {
            return Err(ApiError::Conflict(format!(
                "the region is still referred to by {}",
                references.join(", ")
            )));
        }
        let before = snapshot(&Region::from(current))?;
        store::delete_region(conn, &id).await?;
        audit::record(conn, &actor, RESOURCE, &id, Some(&before), None).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use crate::domain::plan::check_region_id;

    #[test]
    fn region_ids_are_lowercase_slugs() {
        for ok in ["limburg", "oost-vlaanderen", "r2", "a-"] {
            assert!(check_region_id(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "Limburg",
            "2limburg",
            "-x",
            "west_vlaanderen",
            &"a".repeat(41),
        ] {
            assert!(check_region_id(bad).is_err(), "{bad}");
        }
    }
}
