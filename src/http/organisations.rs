//! `/organisations`: the partners that lead and take part in the work.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, if_match, nullable, present, versioned};
use super::pagination::{PageParams, Paged};
use super::write::{self, LinkParams, check, ensure_valid, snapshot};
use crate::auth::Caller;
use crate::auth::permissions::{self, Operation, Resource, Write};
use crate::domain::plan::{check_external_id, check_nis_code, check_ovo_code, check_text};
use crate::domain::{EnterpriseNumber, OrganisationKind};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::startup::AppState;
use crate::storage::organisations::{
    self as store, NewOrganisation, OrganisationChanges, OrganisationFilter, OrganisationRow,
};
use crate::storage::{self, audit, reference};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_organisations)
        .service(create_organisation)
        .service(read_organisation)
        .service(update_organisation)
        .service(delete_organisation);
}

const RESOURCE: &str = "organisation";

/// An organisation: a local government or OCMW, a CAW, a health insurance fund,
/// a university (college), an association, a citizen initiative, ...
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Organisation {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Name.
    pub name: String,
    /// Kind of organisation.
    pub kind: OrganisationKind,
    /// KBO enterprise number, 10 bare digits; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "0123456749", pattern = "^[01][0-9]{9}$")]
    pub enterprise_number: Option<String>,
    /// OVO code of a Flemish public organisation; absent when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "OVO000001")]
    pub ovo_code: Option<String>,
    /// Regional platform the organisation belongs to; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    /// NIS code of its municipality; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "71016", pattern = "^[0-9]{5}$")]
    pub municipality: Option<String>,
    /// Web site; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Identifier in the source system that syncs it; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// `true` for demo data, which is never part of the plan.
    pub example: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl Organisation {
    pub fn from_row(row: OrganisationRow) -> ApiResult<Self> {
        Ok(Self {
            self_link: format!("{}/organisations/{}", super::API_BASE, row.id),
            id: row.id,
            name: row.name,
            kind: row.kind.parse().map_err(ApiError::Internal)?,
            enterprise_number: row.enterprise_number,
            ovo_code: row.ovo_code,
            region_id: row.region_id,
            municipality: row.municipality_nis,
            website: row.website,
            external_id: row.external_id,
            example: row.example,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A new organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrganisationCreate {
    /// Name.
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    /// Kind of organisation.
    pub kind: OrganisationKind,
    /// KBO enterprise number; `0123456749`, `0123.456.749` and `BE0123456749` are accepted.
    #[schema(example = "0123.456.749")]
    pub enterprise_number: Option<String>,
    /// OVO code, `OVO` and six digits.
    #[schema(example = "OVO000001")]
    pub ovo_code: Option<String>,
    /// Regional platform; a coordinator can only create organisations in their own region.
    pub region_id: Option<String>,
    /// NIS code of a known municipality.
    #[schema(pattern = "^[0-9]{5}$")]
    pub municipality: Option<String>,
    /// Web site, an `http` or `https` URL.
    #[schema(max_length = 500)]
    pub website: Option<String>,
    /// Identifier in the source system; unique.
    #[schema(min_length = 1, max_length = 200)]
    pub external_id: Option<String>,
}
impl RequestBody for OrganisationCreate {
    const READ_ONLY: &'static [&'static str] =
        &["id", "self", "version", "createdAt", "updatedAt", "example"];
}

/// Changes to an organisation (JSON merge patch): absent fields stay as they
/// are, `null` clears an optional field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrganisationPatch {
    /// Name.
    #[schema(min_length = 1, max_length = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// Kind of organisation.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub kind: Option<OrganisationKind>,
    /// KBO enterprise number.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub enterprise_number: Option<Option<String>>,
    /// OVO code.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub ovo_code: Option<Option<String>>,
    /// Regional platform. Coordinators and contributors cannot change it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub region_id: Option<Option<String>>,
    /// NIS code of a known municipality.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub municipality: Option<Option<String>>,
    /// Web site.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
    /// Identifier in the source system.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
}
impl RequestBody for OrganisationPatch {
    const READ_ONLY: &'static [&'static str] =
        &["id", "self", "version", "createdAt", "updatedAt", "example"];
}

fn check_website(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host)
            if !host.is_empty()
                && url.len() <= 500
                && url.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(())
        }
        _ => Err("must be an http or https URL of at most 500 characters"),
    }
}

/// Checks the optional fields shared by create and patch; returns the
/// normalised enterprise number.
fn check_optional(
    issues: &mut Vec<InputIssue>,
    enterprise_number: Option<&str>,
    ovo_code: Option<&str>,
    municipality: Option<&str>,
    website: Option<&str>,
    external_id: Option<&str>,
) -> Option<String> {
    let number = enterprise_number.and_then(|n| {
        EnterpriseNumber::parse(n)
            .map_err(|e| issues.push(InputIssue::body("enterpriseNumber", e).with_value(n.into())))
            .ok()
            .map(|n| n.as_str().to_owned())
    });
    if let Some(code) = ovo_code {
        check(issues, "ovoCode", check_ovo_code(code), || code.into());
    }
    if let Some(nis) = municipality {
        check(issues, "municipality", check_nis_code(nis), || nis.into());
    }
    if let Some(url) = website {
        check(issues, "website", check_website(url), || url.into());
    }
    if let Some(id) = external_id {
        check(issues, "externalId", check_external_id(id), || id.into());
    }
    number
}

/// References must name existing records.
async fn check_references(
    conn: &mut diesel_async::AsyncPgConnection,
    issues: &mut Vec<InputIssue>,
    region_id: Option<&str>,
    municipality: Option<&str>,
) -> ApiResult<()> {
    if let Some(region) = region_id
        && !reference::region_exists(conn, region).await?
    {
        issues.push(InputIssue::body("regionId", "no such region").with_value(region.into()));
    }
    if let Some(nis) = municipality
        && !reference::municipalities_missing(conn, &[nis.to_owned()])
            .await?
            .is_empty()
    {
        issues.push(
            InputIssue::body("municipality", "no known municipality has this NIS code")
                .with_value(nis.into()),
        );
    }
    Ok(())
}

fn respond(status: StatusCode, organisation: Organisation) -> HttpResponse {
    versioned(
        status,
        organisation.version,
        &organisation.self_link.clone(),
        organisation,
    )
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
    /// The organisation with this external id.
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
}

/// List organisations.
#[utoipa::path(
    tag = "organisations",
    params(OrganisationQuery),
    responses(
        (status = 200, description = "A page of organisations", body = Paged<Organisation>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/organisations")]
async fn list_organisations(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<OrganisationQuery>,
) -> ApiResult<web::Json<Paged<Organisation>>> {
    permissions::require(&caller.0, Resource::Organisations, Operation::Read)?;
    let query = query.0;
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
    };
    let mut conn = storage::connection(&state.pool).await?;
    let (rows, total) = store::list(
        &mut conn,
        &filter,
        &sort,
        &PageParams::storage_page(page, size),
    )
    .await?;
    let items = rows
        .into_iter()
        .map(Organisation::from_row)
        .collect::<ApiResult<Vec<_>>>()?;
    let mut links = LinkParams::default();
    links
        .one("q", q)
        .many("kind", &query.kind)
        .many("region", &query.region)
        .many("municipality", &query.municipality)
        .one("enterpriseNumber", enterprise_number)
        .one("externalId", query.external_id)
        .one("sort", Some(sort));
    Ok(web::Json(Paged::new(
        items,
        total,
        page,
        size,
        &format!("{}/organisations", super::API_BASE),
        &links.0,
    )))
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
    permissions::require(&caller.0, Resource::Organisations, Operation::Write)?;
    super::idempotency::once(&req, &state, &caller.0, || {
        insert_organisation(&req, &state, &caller, body.0)
    })
    .await
}

async fn insert_organisation(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    input: OrganisationCreate,
) -> ApiResult<HttpResponse> {
    let mut issues = Vec::new();
    check(&mut issues, "name", check_text(&input.name, 300), || {
        input.name.clone().into()
    });
    let enterprise_number = check_optional(
        &mut issues,
        input.enterprise_number.as_deref(),
        input.ovo_code.as_deref(),
        input.municipality.as_deref(),
        input.website.as_deref(),
        input.external_id.as_deref(),
    );
    ensure_valid(issues)?;
    permissions::organisation_write(&caller.0, Write::Create, None, input.region_id.as_deref())?;
    let mut conn = storage::connection(&state.pool).await?;
    let mut issues = Vec::new();
    check_references(
        &mut conn,
        &mut issues,
        input.region_id.as_deref(),
        input.municipality.as_deref(),
    )
    .await?;
    ensure_valid(issues)?;
    let actor = write::actor(req, &caller.0);
    let organisation = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let row = store::insert(
                conn,
                NewOrganisation {
                    name: input.name.trim().to_owned(),
                    kind: input.kind.as_str().to_owned(),
                    enterprise_number,
                    ovo_code: input.ovo_code,
                    region_id: input.region_id,
                    municipality_nis: input.municipality,
                    website: input.website,
                    external_id: input.external_id,
                },
            )
            .await?;
            let organisation = Organisation::from_row(row)?;
            let after = snapshot(&organisation)?;
            audit::record(
                conn,
                &actor,
                RESOURCE,
                &organisation.id.to_string(),
                None,
                Some(&after),
            )
            .await?;
            Ok(organisation)
        })
        .await?;
    Ok(respond(StatusCode::CREATED, organisation))
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
    permissions::require(&caller.0, Resource::Organisations, Operation::Read)?;
    let mut conn = storage::connection(&state.pool).await?;
    let row = store::get(&mut conn, id.into_inner()).await?;
    Ok(respond(StatusCode::OK, Organisation::from_row(row)?))
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
    permissions::require(&caller.0, Resource::Organisations, Operation::Write)?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let patch = body.0;
    let mut issues = Vec::new();
    if let Some(name) = &patch.name {
        check(&mut issues, "name", check_text(name, 300), || {
            name.clone().into()
        });
    }
    let inner = |v: &Option<Option<String>>| v.clone().flatten();
    let enterprise_number = check_optional(
        &mut issues,
        inner(&patch.enterprise_number).as_deref(),
        inner(&patch.ovo_code).as_deref(),
        inner(&patch.municipality).as_deref(),
        inner(&patch.website).as_deref(),
        inner(&patch.external_id).as_deref(),
    );
    write::region_field(&mut issues, inner(&patch.region_id).as_deref());
    ensure_valid(issues)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    let organisation = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::lock(conn, id).await?;
            let region_after = match &patch.region_id {
                Some(region) => region.clone(),
                None => current.region_id.clone(),
            };
            permissions::organisation_write(
                &caller.0,
                Write::Update,
                Some((id, current.region_id.as_deref())),
                region_after.as_deref(),
            )?;
            if current.version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let mut issues = Vec::new();
            check_references(
                conn,
                &mut issues,
                inner(&patch.region_id).as_deref(),
                inner(&patch.municipality).as_deref(),
            )
            .await?;
            ensure_valid(issues)?;
            let before = snapshot(&Organisation::from_row(current)?)?;
            let row = store::update(
                conn,
                id,
                OrganisationChanges {
                    name: patch.name.map(|n| n.trim().to_owned()),
                    kind: patch.kind.map(|k| k.as_str().to_owned()),
                    enterprise_number: patch.enterprise_number.map(|n| n.and(enterprise_number)),
                    ovo_code: patch.ovo_code,
                    region_id: patch.region_id,
                    municipality_nis: patch.municipality,
                    website: patch.website,
                    external_id: patch.external_id,
                },
            )
            .await?;
            let organisation = Organisation::from_row(row)?;
            let after = snapshot(&organisation)?;
            audit::record(
                conn,
                &actor,
                RESOURCE,
                &id.to_string(),
                Some(&before),
                Some(&after),
            )
            .await?;
            Ok(organisation)
        })
        .await?;
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
    permissions::require(&caller.0, Resource::Organisations, Operation::Write)?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let current = store::lock(conn, id).await?;
        permissions::organisation_write(
            &caller.0,
            Write::Delete,
            Some((id, current.region_id.as_deref())),
            None,
        )?;
        if current.version != expected {
            return Err(ApiError::PreconditionFailed);
        }
        let references = store::references(conn, id).await?;
        if !references.is_empty() {
            return Err(ApiError::Conflict(format!(
                "the organisation is still referred to by {}",
                references.join(", ")
            )));
        }
        let before = snapshot(&Organisation::from_row(current)?)?;
        store::delete(conn, id).await?;
        audit::record(conn, &actor, RESOURCE, &id.to_string(), Some(&before), None).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
