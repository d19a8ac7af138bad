//! `/primaryCareZones`: the primary care zones and their municipalities.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::{Caller, MaybeCaller};
use crate::error::{ApiResult, Problem};
use crate::http::extract::{Body, Query, RequestBody, version, versioned};
use crate::http::idempotency;
use crate::http::pagination::{PageParams, Paged};
use crate::http::write::{self, LinkParams};
use crate::service::primary_care_zones::{
    self as zones, PrimaryCareZone, PrimaryCareZoneCreate, PrimaryCareZonePatch, ZoneFilter,
};
use crate::service::{self, API_BASE};
use crate::startup::AppState;

impl RequestBody for PrimaryCareZoneCreate {}
impl RequestBody for PrimaryCareZonePatch {}

fn respond(status: StatusCode, zone: PrimaryCareZone) -> HttpResponse {
    versioned(status, zone.version, &zone.self_link.clone(), zone)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PrimaryCareZoneQuery {
    /// Text in the name or code.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only zones of these regions; repeat for several.
    #[serde(default)]
    #[param(max_items = 20)]
    pub region: Vec<String>,
    /// Only zones holding one of these municipalities (NIS codes); repeat for several.
    #[serde(default)]
    #[param(max_items = 100)]
    pub municipality: Vec<String>,
    /// Sort key: `code`, `name`; prefix `-` for descending.
    #[param(pattern = "^-?(code|name)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

/// List primary care zones.
#[utoipa::path(
    tag = "primaryCareZones",
    params(PrimaryCareZoneQuery),
    responses(
        (status = 200, description = "A page of primary care zones", body = Paged<PrimaryCareZone>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/primaryCareZones")]
pub(super) async fn list_zones(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    query: Query<PrimaryCareZoneQuery>,
) -> ApiResult<Paged<PrimaryCareZone>> {
    let query = query.0;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(query.sort.as_deref(), &["code", "name"], "code")?;
    let q = write::search_text(query.q.as_deref())?;
    write::region_filter(&query.region)?;
    write::nis_filter("municipality", &query.municipality, 100)?;
    let filter = ZoneFilter {
        q: q.clone(),
        region: query.region.clone(),
        municipality: query.municipality.clone(),
    };
    let mut conn = service::connect(&state.pool).await?;
    let (items, total) = zones::list(
        &mut conn,
        &filter,
        &sort,
        PageParams::storage_page(page, size),
    )
    .await?;
    let mut links = LinkParams::default();
    links
        .one("q", q)
        .many("region", &query.region)
        .many("municipality", &query.municipality)
        .one("sort", Some(sort));
    Ok(Paged::new(
        items,
        total,
        page,
        size,
        &format!("{API_BASE}/primaryCareZones"),
        &links.0,
    ))
}

/// Create a primary care zone. Administrators.
#[utoipa::path(
    tag = "primaryCareZones",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = PrimaryCareZoneCreate,
    responses(
        (status = 201, description = "Created", body = PrimaryCareZone,
            headers(("Location" = String, description = "URL of the new zone"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators maintain primary care zones", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/primaryCareZones")]
pub(super) async fn create_zone(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<PrimaryCareZoneCreate>,
) -> ApiResult<HttpResponse> {
    idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let zone = zones::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, zone))
    })
    .await
}

/// Read a primary care zone.
#[utoipa::path(
    tag = "primaryCareZones",
    params(("id" = Uuid, Path, description = "Primary care zone id")),
    responses(
        (status = 200, description = "The zone", body = PrimaryCareZone, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such zone", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/primaryCareZones/{id}")]
pub(super) async fn read_zone(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = service::connect(&state.pool).await?;
    let zone = zones::read(&mut conn, id.into_inner()).await?;
    Ok(respond(StatusCode::OK, zone))
}

/// Change a primary care zone (JSON merge patch). Administrators; needs
/// `If-Match` with the current version.
#[utoipa::path(
    tag = "primaryCareZones",
    params(
        ("id" = Uuid, Path, description = "Primary care zone id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = PrimaryCareZonePatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed zone", body = PrimaryCareZone, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators maintain primary care zones", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such zone", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The zone has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/primaryCareZones/{id}")]
pub(super) async fn update_zone(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<PrimaryCareZonePatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let zone = zones::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, zone))
}

/// Delete a primary care zone. Administrators; needs `If-Match`. Refused with
/// 409 while initiatives refer to it.
#[utoipa::path(
    tag = "primaryCareZones",
    params(
        ("id" = Uuid, Path, description = "Primary care zone id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only administrators maintain primary care zones", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such zone", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Initiatives refer to the zone; the detail says how many", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The zone has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/primaryCareZones/{id}")]
pub(super) async fn delete_zone(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    zones::delete(&mut conn, &writer, id.into_inner(), expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
