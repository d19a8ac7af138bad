//! `/municipalities`: one municipality at a time, by NIS code.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Caller, MaybeCaller};
use crate::error::{ApiResult, Problem};
use crate::http::extract::{Body, Query, RequestBody, version, versioned};
use crate::http::idempotency;
use crate::http::list_files;
use crate::http::pagination::{PageParams, Paged};
use crate::http::write::{self, LinkParams};
use crate::service::municipalities::{
    self, Municipality, MunicipalityCreate, MunicipalityFilter, MunicipalityPatch,
};
use crate::service::{self, API_BASE};
use crate::startup::AppState;

impl RequestBody for MunicipalityCreate {
    const READ_ONLY: &'static [&'static str] = &["self", "version", "createdAt", "updatedAt"];
}
impl RequestBody for MunicipalityPatch {
    const READ_ONLY: &'static [&'static str] =
        &["nisCode", "self", "version", "createdAt", "updatedAt"];
}

/// `/municipalities/import` is the import, not a municipality: another method
/// on it is a 405, not a malformed NIS code.
fn not_the_import(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    !ctx.head().uri.path().ends_with("/municipalities/import")
}

fn respond(status: StatusCode, municipality: Municipality) -> HttpResponse {
    versioned(
        status,
        municipality.version,
        &municipality.self_link.clone(),
        municipality,
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MunicipalityQuery {
    /// Text in the Dutch or French name.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only municipalities of these regions; repeat for several.
    #[serde(default)]
    #[param(max_items = 20)]
    pub region: Vec<String>,
    /// Only municipalities of these provinces (NIS codes); repeat for several.
    #[serde(default)]
    #[param(max_items = 10)]
    pub province: Vec<String>,
    /// Only municipalities that exist on this day (`yyyy-MM-dd`).
    pub valid_on: Option<NaiveDate>,
    /// Sort key: `nisCode`, `name`; prefix `-` for descending.
    #[param(pattern = "^-?(nisCode|name)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
    /// `json` (a page, the default), or `csv` or `xlsx`: a file of every
    /// municipality the filters select, in the columns an import reads back
    /// (no `page` or `pageSize` then). Also by `Accept`.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
    /// The CSV dialect: `rfc4180` (the default) or `excel-nl-be` (BOM, `;`,
    /// decimal comma, CRLF).
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
}

/// List municipalities. As a file (`format=csv` or `xlsx`): every
/// municipality the filters select, by NIS code, in the columns
/// `POST /imports/municipalities` reads; `X-Changes-Cursor` is the
/// change-feed cursor to follow on from it.
#[utoipa::path(
    tag = "municipalities",
    params(MunicipalityQuery),
    responses(
        (status = 200, description = "A page of municipalities, or the file of all of them", content(
            (Paged<Municipality> = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("X-Changes-Cursor" = String, description = "With a file: the change-feed cursor that follows on from it"))),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the list does not answer in", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/municipalities")]
pub(super) async fn list_municipalities(
    req: HttpRequest,
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    query: Query<MunicipalityQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let file = list_files::requested(
        &req,
        (query.format.as_deref(), query.dialect.as_deref()),
        (query.page, query.page_size),
        "municipality",
    )?;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(query.sort.as_deref(), &["nisCode", "name"], "nisCode")?;
    let q = write::search_text(query.q.as_deref())?;
    write::region_filter(&query.region)?;
    write::nis_filter("province", &query.province, 10)?;
    let filter = MunicipalityFilter {
        q: q.clone(),
        region: query.region.clone(),
        province: query.province.clone(),
        valid_on: query.valid_on,
    };
    let mut conn = service::connect(state.reads(file.is_some())).await?;
    if let Some(file) = file {
        return list_files::serve(
            "municipalities",
            municipalities::export::columns(),
            file,
            |each| municipalities::export::export(&mut conn, filter, each),
        )
        .await;
    }
    let (items, total) = municipalities::list(
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
        .many("province", &query.province)
        .one("validOn", query.valid_on)
        .one("sort", Some(sort));
    Ok(Paged::new(
        items,
        total,
        page,
        size,
        &format!("{API_BASE}/municipalities"),
        &links.0,
    )
    .response())
}

/// Create a municipality. Administrators.
#[utoipa::path(
    tag = "municipalities",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = MunicipalityCreate,
    responses(
        (status = 201, description = "Created", body = Municipality,
            headers(("Location" = String, description = "URL of the new municipality"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators maintain municipalities", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A municipality with this NIS code exists, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/municipalities")]
pub(super) async fn create_municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<MunicipalityCreate>,
) -> ApiResult<HttpResponse> {
    idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let municipality = municipalities::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, municipality))
    })
    .await
}

/// Read a municipality.
#[utoipa::path(
    tag = "municipalities",
    params(("nisCode" = String, Path, description = "NIS code, e.g. `71016`")),
    responses(
        (status = 200, description = "The municipality", body = Municipality, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "The NIS code is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/municipalities/{nisCode}", guard = "not_the_import")]
pub(super) async fn read_municipality(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    nis_code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let mut conn = service::connect(&state.pool).await?;
    let municipality = municipalities::read(&mut conn, &nis_code).await?;
    Ok(respond(StatusCode::OK, municipality))
}

/// Change a municipality (JSON merge patch). Administrators; needs `If-Match`
/// with the current version. The NIS code cannot change: when municipalities
/// merge, set `validTo` on the old ones and create the new one. A new region
/// is refused (409) while initiatives that name the municipality would lie
/// outside it (none of their regions is the new one or Flanders-wide).
#[utoipa::path(
    tag = "municipalities",
    params(
        ("nisCode" = String, Path, description = "NIS code, e.g. `71016`"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = MunicipalityPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed municipality", body = Municipality, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators maintain municipalities", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new region would leave initiatives that name the municipality outside their regions; the detail says which", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The municipality has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/municipalities/{nisCode}", guard = "not_the_import")]
pub(super) async fn update_municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    nis_code: web::Path<String>,
    body: Body<MunicipalityPatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let municipality =
        municipalities::update(&mut conn, &writer, &nis_code, expected, body.0).await?;
    Ok(respond(StatusCode::OK, municipality))
}

/// Delete a municipality. Administrators; needs `If-Match`. Refused with 409
/// while organisations, initiatives or primary care zones refer to it; a
/// municipality that merged into another keeps its record with `validTo` set.
#[utoipa::path(
    tag = "municipalities",
    params(
        ("nisCode" = String, Path, description = "NIS code, e.g. `71016`"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only administrators maintain municipalities", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Other records refer to the municipality; the detail says which", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The municipality has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/municipalities/{nisCode}", guard = "not_the_import")]
pub(super) async fn delete_municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    nis_code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    municipalities::delete(&mut conn, &writer, &nis_code, expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
