//! `/municipalities` and `/primaryCareZones`: geographic reference data,
//! readable by anyone, maintained by administrators. Municipalities are keyed
//! by NIS code and carry validity dates, because municipalities merge; they are
//! loaded in bulk with `POST /municipalities/import`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{
    Body, Query, RequestBody, from_value, if_match, nullable, present, versioned,
};
use super::idempotency::{BodyDigest, digest};
use super::pagination::{PageParams, Paged};
use super::write::{self, LinkParams, check, check_list, ensure_valid, snapshot};
use crate::auth::permissions::{self, Operation, Resource};
use crate::auth::{Caller, MaybeCaller};
use crate::domain::plan::{check_nis_code, check_text};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::startup::AppState;
use crate::storage::geography::{
    self as store, MunicipalityChanges, MunicipalityFilter, MunicipalityRow, NewMunicipality,
    NewZone, ZoneChanges, ZoneFilter, ZoneRecord,
};
use crate::storage::{self, audit, reference};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_municipalities)
        .service(create_municipality)
        .service(import_municipalities)
        .service(read_municipality)
        .service(update_municipality)
        .service(delete_municipality)
        .service(list_zones)
        .service(create_zone)
        .service(read_zone)
        .service(update_zone)
        .service(delete_zone);
}

const MUNICIPALITY: &str = "municipality";
const ZONE: &str = "primaryCareZone";

/// The NIS codes of the Flemish provinces.
const PROVINCES: &[&str] = &["10000", "20001", "30000", "40000", "70000"];

/// Most municipalities one import may hold.
pub const MAX_IMPORT: usize = 1000;

/// Most municipalities one primary care zone may hold.
const MAX_ZONE_MUNICIPALITIES: usize = 100;

// ---- municipalities: representations ----

/// A municipality (gemeente), valid from a date and, once merged into another, to a date.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Municipality {
    /// NIS code, five digits; the identifier.
    #[schema(example = "71016", pattern = "^[0-9]{5}$")]
    pub nis_code: String,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Name (Dutch).
    #[schema(example = "Genk")]
    pub name: String,
    /// French name; absent when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_fr: Option<String>,
    /// NIS code of its province: 10000 Antwerpen, 20001 Vlaams-Brabant,
    /// 30000 West-Vlaanderen, 40000 Oost-Vlaanderen, 70000 Limburg; absent for
    /// a municipality outside the provinces (Brussels).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "70000")]
    pub province_nis_code: Option<String>,
    /// The regional platform it belongs to.
    #[schema(example = "limburg")]
    pub region_id: String,
    /// First day it exists.
    pub valid_from: NaiveDate,
    /// Last day it exists; absent while it still does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl From<MunicipalityRow> for Municipality {
    fn from(row: MunicipalityRow) -> Self {
        Self {
            self_link: format!("{}/municipalities/{}", super::API_BASE, row.nis_code),
            nis_code: row.nis_code,
            name: row.name,
            name_fr: row.name_fr,
            province_nis_code: row.province_nis,
            region_id: row.region_id,
            valid_from: row.valid_from,
            valid_to: row.valid_to,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A new municipality, or one item of an import.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MunicipalityCreate {
    /// NIS code, five digits; unique.
    #[schema(example = "71016", pattern = "^[0-9]{5}$")]
    pub nis_code: String,
    /// Name (Dutch).
    #[schema(example = "Genk", min_length = 1, max_length = 200)]
    pub name: String,
    /// French name.
    #[schema(min_length = 1, max_length = 200)]
    pub name_fr: Option<String>,
    /// NIS code of its province: one of 10000, 20001, 30000, 40000, 70000.
    #[schema(example = "70000")]
    pub province_nis_code: Option<String>,
    /// The regional platform it belongs to.
    #[schema(example = "limburg")]
    pub region_id: String,
    /// First day it exists; from 1800 to 2100.
    pub valid_from: NaiveDate,
    /// Last day it exists; not before `validFrom`.
    pub valid_to: Option<NaiveDate>,
}
impl RequestBody for MunicipalityCreate {
    const READ_ONLY: &'static [&'static str] = &["self", "version", "createdAt", "updatedAt"];
}

impl MunicipalityCreate {
    fn into_new(self) -> NewMunicipality {
        NewMunicipality {
            nis_code: self.nis_code,
            name: self.name.trim().to_owned(),
            name_fr: self.name_fr.map(|n| n.trim().to_owned()),
            province_nis: self.province_nis_code,
            region_id: self.region_id,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
        }
    }
}

/// Changes to a municipality (JSON merge patch): absent fields stay as they
/// are, `null` clears an optional field. The NIS code cannot change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MunicipalityPatch {
    /// Name (Dutch).
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// French name.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub name_fr: Option<Option<String>>,
    /// NIS code of its province.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub province_nis_code: Option<Option<String>>,
    /// The regional platform it belongs to.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub region_id: Option<String>,
    /// First day it exists.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub valid_from: Option<NaiveDate>,
    /// Last day it exists; set it when the municipality merges into another.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub valid_to: Option<Option<NaiveDate>>,
}
impl RequestBody for MunicipalityPatch {
    const READ_ONLY: &'static [&'static str] =
        &["nisCode", "self", "version", "createdAt", "updatedAt"];
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MunicipalityImportResult {
    /// Municipalities that were new.
    pub created: usize,
    /// Existing municipalities whose values changed; their version went up by one.
    pub updated: usize,
    /// Existing municipalities that already had exactly these values; left alone.
    pub unchanged: usize,
}

// ---- municipalities: checks ----

fn check_date(issues: &mut Vec<InputIssue>, field: &str, date: NaiveDate) {
    if !(1800..=2100).contains(&date.year()) {
        issues.push(
            InputIssue::body(field, "must be a date from 1800 to 2100")
                .with_value(date.to_string().into()),
        );
    }
}

fn check_province(code: &str) -> Result<(), String> {
    if PROVINCES.contains(&code) {
        Ok(())
    } else {
        Err(format!(
            "must be the NIS code of a province: {}",
            PROVINCES.join(", ")
        ))
    }
}

/// The values a municipality write may carry; issue names start with `prefix`
/// (`[3].` for the fourth item of an import).
#[derive(Default)]
struct Values<'a> {
    name: Option<&'a str>,
    name_fr: Option<&'a str>,
    province: Option<&'a str>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
}

fn check_values(issues: &mut Vec<InputIssue>, prefix: &str, v: &Values<'_>) {
    let field = |name: &str| format!("{prefix}{name}");
    if let Some(name) = v.name {
        check(issues, &field("name"), check_text(name, 200), || {
            name.into()
        });
    }
    if let Some(name) = v.name_fr {
        check(issues, &field("nameFr"), check_text(name, 200), || {
            name.into()
        });
    }
    if let Some(code) = v.province {
        check(
            issues,
            &field("provinceNisCode"),
            check_province(code),
            || code.into(),
        );
    }
    if let Some(date) = v.valid_from {
        check_date(issues, &field("validFrom"), date);
    }
    if let Some(date) = v.valid_to {
        check_date(issues, &field("validTo"), date);
    }
}

/// `validTo` must not come before `validFrom`.
fn check_period(
    issues: &mut Vec<InputIssue>,
    prefix: &str,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
) {
    if let Some(to) = valid_to.filter(|to| *to < valid_from) {
        issues.push(
            InputIssue::body(format!("{prefix}validTo"), "must not be before validFrom")
                .with_value(to.to_string().into()),
        );
    }
}

/// Checks a whole municipality, as a create or an import item sends it.
fn check_municipality(issues: &mut Vec<InputIssue>, prefix: &str, m: &MunicipalityCreate) {
    check(
        issues,
        &format!("{prefix}nisCode"),
        check_nis_code(&m.nis_code),
        || m.nis_code.clone().into(),
    );
    check_values(
        issues,
        prefix,
        &Values {
            name: Some(&m.name),
            name_fr: m.name_fr.as_deref(),
            province: m.province_nis_code.as_deref(),
            valid_from: Some(m.valid_from),
            valid_to: m.valid_to,
        },
    );
    check_period(issues, prefix, m.valid_from, m.valid_to);
}

/// `/municipalities/import` is the import, not a municipality: another method
/// on it is a 405, not a malformed NIS code.
fn not_the_import(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    !ctx.head().uri.path().ends_with("/municipalities/import")
}

/// A NIS code in the path.
fn path_nis_code(code: &str) -> ApiResult<()> {
    write::path_value("nisCode", code, check_nis_code)
}

fn respond_municipality(status: StatusCode, municipality: Municipality) -> HttpResponse {
    versioned(
        status,
        municipality.version,
        &municipality.self_link.clone(),
        municipality,
    )
}

// ---- municipalities: routes ----

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
}

/// List municipalities.
#[utoipa::path(
    tag = "municipalities",
    params(MunicipalityQuery),
    responses(
        (status = 200, description = "A page of municipalities", body = Paged<Municipality>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/municipalities")]
async fn list_municipalities(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    query: Query<MunicipalityQuery>,
) -> ApiResult<web::Json<Paged<Municipality>>> {
    let query = query.0;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(query.sort.as_deref(), &["nisCode", "name"], "nisCode")?;
    let q = write::search_text(query.q.as_deref())?;
    write::region_filter(&query.region)?;
    write::nis_filter("province", &query.province, 10)?;
    if let Some(code) = query.province.iter().find(|c| check_nis_code(c).is_err()) {
        return Err(ApiError::validation(
            InputIssue::query("province", "must be a NIS code of five digits")
                .with_value(code.clone().into()),
        ));
    }
    let filter = MunicipalityFilter {
        q: q.clone(),
        region: query.region.clone(),
        province: query.province.clone(),
        valid_on: query.valid_on,
    };
    let mut conn = storage::connection(&state.pool).await?;
    let (rows, total) = store::list_municipalities(
        &mut conn,
        &filter,
        &sort,
        &PageParams::storage_page(page, size),
    )
    .await?;
    let items = rows.into_iter().map(Municipality::from).collect();
    let mut links = LinkParams::default();
    links
        .one("q", q)
        .many("region", &query.region)
        .many("province", &query.province)
        .one("validOn", query.valid_on)
        .one("sort", Some(sort));
    Ok(web::Json(Paged::new(
        items,
        total,
        page,
        size,
        &format!("{}/municipalities", super::API_BASE),
        &links.0,
    )))
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
async fn create_municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<MunicipalityCreate>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ReferenceData, Operation::Write)?;
    super::idempotency::once(&req, &state, &caller.0, || {
        insert_municipality(&req, &state, &caller, body.0)
    })
    .await
}

async fn insert_municipality(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    input: MunicipalityCreate,
) -> ApiResult<HttpResponse> {
    let mut issues = Vec::new();
    check_municipality(&mut issues, "", &input);
    ensure_valid(issues)?;
    let actor = write::actor(req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    let mut issues = Vec::new();
    check_region(&mut conn, &mut issues, &input.region_id).await?;
    ensure_valid(issues)?;
    let municipality = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let row = store::insert_municipality(conn, input.into_new()).await?;
            let municipality = Municipality::from(row);
            let after = snapshot(&municipality)?;
            audit::record(
                conn,
                &actor,
                MUNICIPALITY,
                &municipality.nis_code,
                None,
                Some(&after),
            )
            .await?;
            Ok(municipality)
        })
        .await?;
    Ok(respond_municipality(StatusCode::CREATED, municipality))
}

async fn check_region(
    conn: &mut AsyncPgConnection,
    issues: &mut Vec<InputIssue>,
    region_id: &str,
) -> ApiResult<()> {
    if !reference::region_exists(conn, region_id).await? {
        issues.push(InputIssue::body("regionId", "no such region").with_value(region_id.into()));
    }
    Ok(())
}

/// Load a list of municipalities in one go. Administrators.
///
/// The body is a JSON array of at most 1000 municipalities. Each one is
/// created, or, when its NIS code exists, replaced by the values given (absent
/// optional fields are cleared). It is all or nothing: when any item is
/// invalid, nothing is written and the 400 names each problem as
/// `[index].field`; an item that would move a municipality out of the regions
/// of initiatives that name it is a 409 that names the item and them. Every
/// created or changed municipality gets an audit entry.
#[utoipa::path(
    tag = "municipalities",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body(content = Vec<MunicipalityCreate>, description = "The municipalities, at most 1000"),
    responses(
        (status = 200, description = "All municipalities were loaded", body = MunicipalityImportResult),
        (status = 400, description = "Some items are invalid; nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators maintain municipalities", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with the same Idempotency-Key is running, or an item would move a municipality out of the regions of initiatives that name it (the detail says which); nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/municipalities/import")]
async fn import_municipalities(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ReferenceData, Operation::Write)?;
    let body = body.into_inner();
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    req.extensions_mut().insert(BodyDigest(digest(&bytes)));
    super::idempotency::once(&req, &state, &caller.0, || {
        run_import(&req, &state, &caller, body)
    })
    .await
}

/// A municipality moves to another region only when every initiative that
/// names it still holds it: one of its regions is the new one or Flanders-wide.
/// Otherwise a 409 that names them (and the import item, for an import).
async fn check_move(
    conn: &mut diesel_async::AsyncPgConnection,
    current: &MunicipalityRow,
    region: &str,
    item: Option<usize>,
) -> ApiResult<()> {
    if current.region_id == region {
        return Ok(());
    }
    let outside = store::initiatives_outside(conn, &current.nis_code, region).await?;
    if outside.is_empty() {
        return Ok(());
    }
    const SHOWN: usize = 10;
    let mut codes = outside
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if outside.len() > SHOWN {
        codes.push_str(&format!(" and {} more", outside.len() - SHOWN));
    }
    let subject = match item {
        Some(index) => format!("item [{index}] moves municipality {}", current.nis_code),
        None => "the municipality would move".to_owned(),
    };
    Err(ApiError::Conflict(format!(
        "{subject} to region {region}, outside the regions of {} initiative(s) that name it: {codes}; \
         change their regions or municipalities first",
        outside.len()
    )))
}

/// The import's items, checked one by one; issue names start with `[index].`.
fn parse_import(body: Value) -> ApiResult<Vec<MunicipalityCreate>> {
    let Value::Array(values) = body else {
        return Err(ApiError::validation(InputIssue::body(
            "",
            "the body must be a JSON array of municipalities",
        )));
    };
    if values.is_empty() || values.len() > MAX_IMPORT {
        return Err(ApiError::validation(InputIssue::body(
            "",
            format!("must hold 1 to {MAX_IMPORT} municipalities"),
        )));
    }
    let mut issues = Vec::new();
    let mut items = Vec::with_capacity(values.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, value) in values.into_iter().enumerate() {
        let prefix = format!("[{index}].");
        match from_value::<MunicipalityCreate>(value) {
            Ok(item) => {
                check_municipality(&mut issues, &prefix, &item);
                if let Some(first) = seen.get(&item.nis_code) {
                    issues.push(
                        InputIssue::body(
                            format!("{prefix}nisCode"),
                            format!("repeats the NIS code of item [{first}]"),
                        )
                        .with_value(item.nis_code.clone().into()),
                    );
                } else {
                    seen.insert(item.nis_code.clone(), index);
                }
                items.push(item);
            }
            Err(ApiError::Validation(found)) => {
                issues.extend(found.into_iter().map(|mut issue| {
                    issue.name = if issue.name.is_empty() {
                        format!("[{index}]")
                    } else {
                        format!("{prefix}{}", issue.name)
                    };
                    issue
                }));
            }
            Err(other) => return Err(other),
        }
    }
    ensure_valid(issues)?;
    Ok(items)
}

async fn run_import(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    body: Value,
) -> ApiResult<HttpResponse> {
    let items = parse_import(body)?;
    let actor = write::actor(req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    let mut regions: Vec<String> = items.iter().map(|m| m.region_id.clone()).collect();
    regions.sort();
    regions.dedup();
    let missing = store::regions_missing(&mut conn, &regions).await?;
    let issues: Vec<InputIssue> = items
        .iter()
        .enumerate()
        .filter(|(_, m)| missing.contains(&m.region_id))
        .map(|(index, m)| {
            InputIssue::body(format!("[{index}].regionId"), "no such region")
                .with_value(m.region_id.clone().into())
        })
        .collect();
    ensure_valid(issues)?;
    let codes: Vec<String> = items.iter().map(|m| m.nis_code.clone()).collect();
    let result = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let existing: HashMap<String, MunicipalityRow> =
                store::lock_municipalities(conn, &codes)
                    .await?
                    .into_iter()
                    .map(|row| (row.nis_code.clone(), row))
                    .collect();
            let mut result = MunicipalityImportResult {
                created: 0,
                updated: 0,
                unchanged: 0,
            };
            for (index, item) in items.into_iter().enumerate() {
                let new = item.into_new();
                match existing.get(&new.nis_code) {
                    Some(current) if new.same_as(current) => result.unchanged += 1,
                    Some(current) => {
                        check_move(conn, current, &new.region_id, Some(index)).await?;
                        let before = snapshot(&Municipality::from(current.clone()))?;
                        let nis_code = new.nis_code.clone();
                        let row =
                            store::update_municipality(conn, &nis_code, new.into_changes()).await?;
                        let after = snapshot(&Municipality::from(row))?;
                        audit::record(
                            conn,
                            &actor,
                            MUNICIPALITY,
                            &nis_code,
                            Some(&before),
                            Some(&after),
                        )
                        .await?;
                        result.updated += 1;
                    }
                    None => {
                        let row = store::insert_municipality(conn, new).await?;
                        let municipality = Municipality::from(row);
                        let after = snapshot(&municipality)?;
                        audit::record(
                            conn,
                            &actor,
                            MUNICIPALITY,
                            &municipality.nis_code,
                            None,
                            Some(&after),
                        )
                        .await?;
                        result.created += 1;
                    }
                }
            }
            Ok(result)
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
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
async fn read_municipality(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    nis_code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    path_nis_code(&nis_code)?;
    let mut conn = storage::connection(&state.pool).await?;
    let row = store::get_municipality(&mut conn, &nis_code).await?;
    Ok(respond_municipality(StatusCode::OK, row.into()))
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
async fn update_municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    nis_code: web::Path<String>,
    body: Body<MunicipalityPatch>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ReferenceData, Operation::Write)?;
    let nis_code = nis_code.into_inner();
    path_nis_code(&nis_code)?;
    let expected = if_match(&req)?;
    let patch = body.0;
    let mut issues = Vec::new();
    check_values(
        &mut issues,
        "",
        &Values {
            name: patch.name.as_deref(),
            name_fr: patch.name_fr.clone().flatten().as_deref(),
            province: patch.province_nis_code.clone().flatten().as_deref(),
            valid_from: patch.valid_from,
            valid_to: patch.valid_to.flatten(),
        },
    );
    write::region_field(&mut issues, patch.region_id.as_deref());
    ensure_valid(issues)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    let municipality = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::lock_municipality(conn, &nis_code).await?;
            if current.version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let mut issues = Vec::new();
            check_period(
                &mut issues,
                "",
                patch.valid_from.unwrap_or(current.valid_from),
                patch.valid_to.unwrap_or(current.valid_to),
            );
            if let Some(region) = &patch.region_id {
                check_region(conn, &mut issues, region).await?;
            }
            ensure_valid(issues)?;
            if let Some(region) = &patch.region_id {
                check_move(conn, &current, region, None).await?;
            }
            let before = snapshot(&Municipality::from(current))?;
            let row = store::update_municipality(
                conn,
                &nis_code,
                MunicipalityChanges {
                    name: patch.name.map(|n| n.trim().to_owned()),
                    name_fr: patch.name_fr.map(|n| n.map(|n| n.trim().to_owned())),
                    province_nis: patch.province_nis_code,
                    region_id: patch.region_id,
                    valid_from: patch.valid_from,
                    valid_to: patch.valid_to,
                },
            )
            .await?;
            let municipality = Municipality::from(row);
            let after = snapshot(&municipality)?;
            audit::record(
                conn,
                &actor,
                MUNICIPALITY,
                &nis_code,
                Some(&before),
                Some(&after),
            )
            .await?;
            Ok(municipality)
        })
        .await?;
    Ok(respond_municipality(StatusCode::OK, municipality))
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
async fn delete_municipality(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    nis_code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ReferenceData, Operation::Write)?;
    let nis_code = nis_code.into_inner();
    path_nis_code(&nis_code)?;
    let expected = if_match(&req)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let current = store::lock_municipality(conn, &nis_code).await?;
        if current.version != expected {
            return Err(ApiError::PreconditionFailed);
        }
        let references = store::municipality_references(conn, &nis_code).await?;
        if !references.is_empty() {
            return Err(ApiError::Conflict(format!(
                "the municipality is still referred to by {}; set validTo to retire it instead",
                references.join(", ")
            )));
        }
        let before = snapshot(&Municipality::from(current))?;
        store::delete_municipality(conn, &nis_code).await?;
        audit::record(conn, &actor, MUNICIPALITY, &nis_code, Some(&before), None).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---- primary care zones ----

/// A primary care zone (eerstelijnszone), run by a care council (zorgraad).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrimaryCareZone {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The zone's own code; unique.
    #[schema(example = "ELZ-Genk")]
    pub code: String,
    /// Name.
    pub name: String,
    /// The regional platform it belongs to.
    #[schema(example = "limburg")]
    pub region_id: String,
    /// NIS codes of its municipalities, in ascending order; may be empty.
    pub municipalities: Vec<String>,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl From<ZoneRecord> for PrimaryCareZone {
    fn from(record: ZoneRecord) -> Self {
        let row = record.row;
        Self {
            self_link: format!("{}/primaryCareZones/{}", super::API_BASE, row.id),
            id: row.id,
            code: row.code,
            name: row.name,
            region_id: row.region_id,
            municipalities: record.municipalities,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A new primary care zone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrimaryCareZoneCreate {
    /// The zone's own code: 1 to 40 letters, digits, `.`, `_`, `-`, starting with a letter or digit; unique.
    #[schema(example = "ELZ-Genk", pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    pub code: String,
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The regional platform it belongs to.
    #[schema(example = "limburg")]
    pub region_id: String,
    /// NIS codes of known municipalities, at most 100, none repeated; empty when absent.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub municipalities: Vec<String>,
}
impl RequestBody for PrimaryCareZoneCreate {}

/// Changes to a primary care zone (JSON merge patch): absent fields stay as
/// they are; `municipalities` replaces the whole list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrimaryCareZonePatch {
    /// The zone's own code; unique.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// The regional platform it belongs to.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub region_id: Option<String>,
    /// NIS codes of known municipalities, at most 100, none repeated.
    #[schema(max_items = 100)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub municipalities: Option<Vec<String>>,
}
impl RequestBody for PrimaryCareZonePatch {}

/// A zone code: `^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`.
fn check_zone_code(code: &str) -> Result<(), &'static str> {
    let mut bytes = code.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphanumeric());
    if first_ok
        && code.len() <= 40
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        Ok(())
    } else {
        Err("must be 1 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit")
    }
}

fn check_zone_fields(
    issues: &mut Vec<InputIssue>,
    code: Option<&str>,
    name: Option<&str>,
    municipalities: Option<&[String]>,
) {
    if let Some(code) = code {
        check(issues, "code", check_zone_code(code), || code.into());
    }
    if let Some(name) = name {
        check(issues, "name", check_text(name, 200), || name.into());
    }
    if let Some(codes) = municipalities {
        check_list(issues, "municipalities", codes, 0, MAX_ZONE_MUNICIPALITIES);
        for code in codes {
            check(issues, "municipalities", check_nis_code(code), || {
                code.clone().into()
            });
        }
    }
}

/// The region and the municipalities must exist.
async fn check_zone_references(
    conn: &mut AsyncPgConnection,
    region_id: Option<&str>,
    municipalities: Option<&[String]>,
) -> ApiResult<()> {
    let mut issues = Vec::new();
    if let Some(region) = region_id {
        check_region(conn, &mut issues, region).await?;
    }
    if let Some(codes) = municipalities {
        for code in reference::municipalities_missing(conn, codes).await? {
            issues.push(
                InputIssue::body("municipalities", "no known municipality has this NIS code")
                    .with_value(code.into()),
            );
        }
    }
    ensure_valid(issues)
}

fn respond_zone(status: StatusCode, zone: PrimaryCareZone) -> HttpResponse {
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
async fn list_zones(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    query: Query<PrimaryCareZoneQuery>,
) -> ApiResult<web::Json<Paged<PrimaryCareZone>>> {
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
    let mut conn = storage::connection(&state.pool).await?;
    let (records, total) = store::list_zones(
        &mut conn,
        &filter,
        &sort,
        &PageParams::storage_page(page, size),
    )
    .await?;
    let items = records.into_iter().map(PrimaryCareZone::from).collect();
    let mut links = LinkParams::default();
    links
        .one("q", q)
        .many("region", &query.region)
        .many("municipality", &query.municipality)
        .one("sort", Some(sort));
    Ok(web::Json(Paged::new(
        items,
        total,
        page,
        size,
        &format!("{}/primaryCareZones", super::API_BASE),
        &links.0,
    )))
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
async fn create_zone(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<PrimaryCareZoneCreate>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ReferenceData, Operation::Write)?;
    super::idempotency::once(&req, &state, &caller.0, || {
        insert_zone(&req, &state, &caller, body.0)
    })
    .await
}

async fn insert_zone(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    input: PrimaryCareZoneCreate,
) -> ApiResult<HttpResponse> {
    let mut issues = Vec::new();
    check_zone_fields(
        &mut issues,
        Some(&input.code),
        Some(&input.name),
        Some(&input.municipalities),
    );
    ensure_valid(issues)?;
    let actor = write::actor(req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    check_zone_references(
        &mut conn,
        Some(&input.region_id),
        Some(&input.municipalities),
    )
    .await?;
    let zone = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let id = store::insert_zone(
                conn,
                NewZone {
                    code: input.code,
                    name: input.name.trim().to_owned(),
                    region_id: input.region_id,
                },
            )
            .await?;
            store::set_zone_municipalities(conn, id, &input.municipalities).await?;
            let zone = PrimaryCareZone::from(store::get_zone(conn, id).await?);
            let after = snapshot(&zone)?;
            audit::record(conn, &actor, ZONE, &id.to_string(), None, Some(&after)).await?;
            Ok(zone)
        })
        .await?;
    Ok(respond_zone(StatusCode::CREATED, zone))
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
async fn read_zone(
    state: web::Data<AppState>,
    _caller: MaybeCaller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = storage::connection(&state.pool).await?;
    let record = store::get_zone(&mut conn, id.into_inner()).await?;
    Ok(respond_zone(StatusCode::OK, record.into()))
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
async fn update_zone(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<PrimaryCareZonePatch>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ReferenceData, Operation::Write)?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let patch = body.0;
    let mut issues = Vec::new();
    check_zone_fields(
        &mut issues,
        patch.code.as_deref(),
        patch.name.as_deref(),
        patch.municipalities.as_deref(),
    );
    write::region_field(&mut issues, patch.region_id.as_deref());
    ensure_valid(issues)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    let zone = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::lock_zone(conn, id).await?;
            if current.row.version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            check_zone_references(
                conn,
                patch.region_id.as_deref(),
                patch.municipalities.as_deref(),
            )
            .await?;
            let before = snapshot(&PrimaryCareZone::from(current))?;
            store::update_zone(
                conn,
                id,
                ZoneChanges {
                    code: patch.code,
                    name: patch.name.map(|n| n.trim().to_owned()),
                    region_id: patch.region_id,
                },
            )
            .await?;
            if let Some(codes) = &patch.municipalities {
                store::set_zone_municipalities(conn, id, codes).await?;
            }
            let zone = PrimaryCareZone::from(store::get_zone(conn, id).await?);
            let after = snapshot(&zone)?;
            audit::record(
                conn,
                &actor,
                ZONE,
                &id.to_string(),
                Some(&before),
                Some(&after),
            )
            .await?;
            Ok(zone)
        })
        .await?;
    Ok(respond_zone(StatusCode::OK, zone))
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
async fn delete_zone(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::ReferenceData, Operation::Write)?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let current = store::lock_zone(conn, id).await?;
        if current.row.version != expected {
            return Err(ApiError::PreconditionFailed);
        }
        let references = store::zone_references(conn, id).await?;
        if !references.is_empty() {
            return Err(ApiError::Conflict(format!(
                "the primary care zone is still referred to by {}",
                references.join(", ")
            )));
        }
        let before = snapshot(&PrimaryCareZone::from(current))?;
        store::delete_zone(conn, id).await?;
        audit::record(conn, &actor, ZONE, &id.to_string(), Some(&before), None).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn zone_codes_follow_the_pattern() {
        for ok in ["ELZ-Genk", "a", "1.2_3-x", &"a".repeat(40)] {
            assert!(check_zone_code(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-a", "a b", "é", &"a".repeat(41)] {
            assert!(check_zone_code(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn import_issues_name_the_index_and_the_field() {
        let body = json!([
            {"nisCode": "71016", "name": "Genk", "regionId": "limburg", "validFrom": "1977-01-01"},
            {"nisCode": "7101", "name": "Bad", "regionId": "limburg", "validFrom": "1977-01-01",
             "validTo": "1976-12-31"},
            {"nisCode": "71016", "name": "Again", "regionId": "limburg", "validFrom": "1977-01-01"},
            {"nisCode": "71017", "name": "Extra", "regionId": "limburg", "validFrom": "1977-01-01",
             "colour": "red"},
            {"nisCode": "71018", "name": "Old", "regionId": "limburg", "validFrom": "1700-01-01",
             "provinceNisCode": "99999"},
            "not an object",
        ]);
        let Err(ApiError::Validation(issues)) = parse_import(body) else {
            panic!("expected a validation error");
        };
        let names: Vec<&str> = issues.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "[1].nisCode",
                "[1].validTo",
                "[2].nisCode",
                "[3].colour",
                "[4].provinceNisCode",
                "[4].validFrom",
                "[5]",
            ]
        );
        assert!(parse_import(json!({"nisCode": "71016"})).is_err());
        assert!(parse_import(json!([])).is_err());
    }
}
