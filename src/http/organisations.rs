//! `/organisations`: the partners that lead and take part in the work.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, respond, version};
use super::pagination::{PageParams, Paged};
use super::write::{self, LinkParams};
use crate::auth::Caller;
use crate::domain::plan::check_external_id;
use crate::domain::{EnterpriseNumber, OrganisationKind};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service;
use crate::service::organisations::{
    self, Organisation, OrganisationCreate, OrganisationFilter, OrganisationPatch,
};
use crate::startup::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_organisations)
        .service(create_organisation)
        .service(read_organisation)
        .service(update_organisation)
        .service(delete_organisation);
}

impl RequestBody for OrganisationCreate {
    const READ_ONLY: &'static [&'static str] =
        &["id", "self", "version", "createdAt", "updatedAt", "example"];
}
impl RequestBody for OrganisationPatch {
    const READ_ONLY: &'static [&'static str] =
        &["id", "self", "version", "createdAt", "updatedAt", "example"];
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    /// Text in the name.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only these kinds; repeat for several.
    #[serde(default)]
    pub kind: Vec<OrganisationKind>,
    /// Only these regions; repeat for several.
    #[serde(default)]
    #[param(max_items = 20)]
    pub region: Vec<String>,
    /// Only organisations in these municipalities (NIS codes); repeat for several.
    #[serde(default)]
    #[param(max_items = 100)]
    pub municipality: Vec<String>,
    /// The organisation with this enterprise number (any accepted notation).
    pub enterprise_number: Option<String>,
    /// The organisation with this external id: for a service account, its own; for a
    /// person, in any source system.
    pub external_id: Option<String>,
    /// Sort key: `name`, `createdAt`, `updatedAt`; prefix `-` for descending.
    #[param(pattern = "^-?(name|createdAt|updatedAt)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
    /// `json` (a page, the default), or `csv` or `xlsx`: a file of every
    /// organisation the filters select, in the columns an import reads back
    /// (no `page` or `pageSize` then). Also by `Accept`.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
    /// The CSV dialect: `rfc4180` (the default) or `excel-nl-be` (BOM, `;`,
    /// decimal comma, CRLF).
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
}

/// List organisations. As a file (`format=csv` or `xlsx`): every
/// organisation the filters select, by name, in the columns
/// `POST /imports/organisations` reads, so that a file edited in a
/// spreadsheet can be imported again; `X-Changes-Cursor` is the change-feed
/// cursor to follow on from it.
#[utoipa::path(
    tag = "organisations",
    params(OrganisationQuery),
    responses(
        (status = 200, description = "A page of organisations, or the file of all of them", content(
            (Paged<Organisation> = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("X-Changes-Cursor" = String, description = "With a file: the change-feed cursor that follows on from it"))),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the list does not answer in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/organisations")]
async fn list_organisations(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<OrganisationQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let file = super::list_files::requested(
        &req,
        (query.format.as_deref(), query.dialect.as_deref()),
        (query.page, query.page_size),
        "organisation",
    )?;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(
        query.sort.as_deref(),
        &["name", "createdAt", "updatedAt"],
        "name",
    )?;
    let q = write::search_text(query.q.as_deref())?;
    write::region_filter(&query.region)?;
    write::nis_filter("municipality", &query.municipality, 100)?;
    let enterprise_number = match &query.enterprise_number {
        Some(n) => Some(
            EnterpriseNumber::parse(n)
                .map_err(|e| {
                    ApiError::validation(
                        InputIssue::query("enterpriseNumber", e).with_value(n.clone().into()),
                    )
                })?
                .as_str()
                .to_owned(),
        ),
        None => None,
    };
    if let Some(id) = &query.external_id {
        check_external_id(id)
            .map_err(|e| ApiError::validation(InputIssue::query("externalId", e)))?;
    }
    let filter = OrganisationFilter {
        q: q.clone(),
        kind: query.kind.iter().map(|k| k.as_str().to_owned()).collect(),
        region: query.region.clone(),
        municipality: query.municipality.clone(),
        enterprise_number: enterprise_number.clone(),
        external_id: query.external_id.clone(),
        external_source: None,
    };
    let mut conn = service::connect(state.reads(file.is_some())).await?;
    if let Some(file) = file {
        let principal = &caller.0;
        return super::list_files::serve(
            "organisations",
            organisations::export::columns(),
            file,
            |each| organisations::export::export(&mut conn, principal, filter, each),
        )
        .await;
    }
    let found = organisations::list(
        &mut conn,
        &caller.0,
        &filter,
        &sort,
        PageParams::storage_page(page, size),
    )
    .await?;
    let mut links = LinkParams::default();
    links
        .one("q", q)
        .many("kind", &query.kind)
        .many("region", &query.region)
        .many("municipality", &query.municipality)
        .one("enterpriseNumber", enterprise_number)
        .one("externalId", query.external_id)
        .one("sort", Some(sort));
    Ok(Paged::of(found, page, size, "/organisations", &links.0).response())
}

/// Create an organisation.
#[utoipa::path(
    tag = "organisations",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = OrganisationCreate,
    responses(
        (status = 201, description = "Created", body = Organisation,
            headers(("Location" = String, description = "URL of the new organisation"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not create organisations in this region", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The enterprise number or external id is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/organisations")]
async fn create_organisation(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<OrganisationCreate>,
) -> ApiResult<HttpResponse> {
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let organisation = organisations::create(&mut conn, &writer, body.0).await?;
        Ok(respond(StatusCode::CREATED, organisation))
    })
    .await
}

/// Read an organisation.
#[utoipa::path(
    tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = Organisation, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/organisations/{id}")]
async fn read_organisation(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = service::connect(&state.pool).await?;
    let organisation = organisations::read(&mut conn, &caller.0, id.into_inner()).await?;
    Ok(respond(StatusCode::OK, organisation))
}

/// Change an organisation (JSON merge patch). Needs `If-Match` with the current version.
///
/// A coordinator changes organisations of their region and cannot move one to
/// another region; a contributor changes its own organisation but not its region.
#[utoipa::path(
    tag = "organisations",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = OrganisationPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed organisation", body = Organisation, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not change this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The enterprise number or external id is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The organisation has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/organisations/{id}")]
async fn update_organisation(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<OrganisationPatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let organisation =
        organisations::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, organisation))
}

/// Delete an organisation. Needs `If-Match`. Refused with 409 while initiatives,
/// actions, users or service accounts refer to it.
#[utoipa::path(
    tag = "organisations",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only steering and administrators delete organisations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Other records refer to the organisation; the detail says which", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The organisation has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/organisations/{id}")]
async fn delete_organisation(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    organisations::delete(&mut conn, &writer, id.into_inner(), expected).await?;
    Ok(HttpResponse::NoContent().finish())
}
