//! `/initiatives`: the concrete work under an action, in one or more regions.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, if_match, nullable, present, versioned};
use super::pagination::{PageParams, Paged};
use super::write::{
    self, LinkParams, PlanAudience, ProgressSource, check, check_list, check_period, ensure_valid,
    snapshot,
};
use crate::auth::permissions::{self, Operation, Resource, Write};
use crate::auth::{Caller, MaybeCaller};
use crate::domain::WorkStatus;
use crate::domain::plan::check_external_id;
use crate::domain::plan::{check_code, check_long_text, check_nis_code, check_text, check_weight};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::startup::AppState;
use crate::storage::initiatives::{
    self as store, InitiativeChanges, InitiativeFilter, InitiativeLinks, InitiativeRecord,
    NewInitiative,
};
use crate::storage::{self, audit, organisations, plan, reference};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_initiatives)
        .service(create_initiative)
        .service(read_initiative)
        .service(update_initiative)
        .service(delete_initiative);
}

const RESOURCE: &str = "initiative";

/// A concrete initiative under an action.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Initiative {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The plan (the action's plan).
    pub plan_id: Uuid,
    /// The action it serves.
    pub action_id: Uuid,
    /// Code, unique in the plan (`A07.3`).
    #[schema(example = "A07.3")]
    pub code: String,
    /// Title.
    pub title: String,
    /// Description; may be empty.
    pub description: String,
    /// The organisation that leads it.
    pub lead_organisation_id: Uuid,
    /// Partner organisations.
    pub partner_organisation_ids: Vec<Uuid>,
    /// The regional platforms it runs in, or only the Flanders-wide `vlaanderen`.
    pub regions: Vec<String>,
    /// NIS codes of the municipalities it runs in; may be empty.
    pub municipalities: Vec<String>,
    /// The primary care zone it runs in; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_care_zone_id: Option<Uuid>,
    /// Current status, from the latest progress update.
    pub status: WorkStatus,
    /// Current progress (0-100): the explicit progress of the latest update,
    /// else the status default; absent when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<i16>,
    /// Where `progress` comes from; absent when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_source: Option<ProgressSource>,
    /// Weight in the roll-up of its action and region.
    pub weight: f64,
    /// Start date; absent when not set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// End date; absent when not set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    /// Identifier in the source system that syncs it; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Date of the latest progress update; absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_progress_on: Option<NaiveDate>,
    /// Changes on every write (progress updates included); send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl Initiative {
    pub fn from_record(record: InitiativeRecord) -> ApiResult<Self> {
        let row = record.row;
        Ok(Self {
            self_link: format!("{}/initiatives/{}", super::API_BASE, row.id),
            id: row.id,
            plan_id: row.plan_id,
            action_id: row.action_id,
            code: row.code,
            title: row.title,
            description: row.description,
            lead_organisation_id: row.lead_organisation_id,
            partner_organisation_ids: record.partner_ids,
            regions: record.regions,
            municipalities: record.municipalities,
            primary_care_zone_id: row.primary_care_zone_id,
            status: row.status.parse().map_err(ApiError::Internal)?,
            progress: row.effective_progress,
            progress_source: write::progress_source(row.progress, row.effective_progress),
            weight: row.weight,
            start_date: row.start_date,
            end_date: row.end_date,
            external_id: row.external_id,
            last_progress_on: row.last_progress_on,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A new initiative.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InitiativeCreate {
    /// The action it serves; the initiative belongs to the action's plan.
    pub action_id: Uuid,
    /// Code, unique in the plan.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")]
    pub code: String,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// Description.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// The organisation that leads it.
    pub lead_organisation_id: Uuid,
    /// Partner organisations, without the lead.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub partner_organisation_ids: Vec<Uuid>,
    /// One or more regional platforms, or only `vlaanderen` for Flanders-wide work.
    /// A coordinator creates initiatives in their own region only.
    #[schema(min_items = 1, max_items = 7)]
    pub regions: Vec<String>,
    /// NIS codes of known municipalities in those regions.
    #[serde(default)]
    #[schema(max_items = 300)]
    pub municipalities: Vec<String>,
    /// A primary care zone.
    pub primary_care_zone_id: Option<Uuid>,
    /// Initial status, default `planned`; later changes go through progress updates.
    pub status: Option<WorkStatus>,
    /// Initial explicit progress (0-100); absent means the status default.
    #[schema(minimum = 0, maximum = 100)]
    pub progress: Option<i16>,
    /// Weight in roll-ups, 0 to 1000; default 1.
    #[schema(minimum = 0, maximum = 1000)]
    pub weight: Option<f64>,
    /// Start date.
    pub start_date: Option<NaiveDate>,
    /// End date, not before the start.
    pub end_date: Option<NaiveDate>,
    /// Identifier in the source system; unique.
    #[schema(min_length = 1, max_length = 200)]
    pub external_id: Option<String>,
}
impl RequestBody for InitiativeCreate {
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "self",
        "version",
        "createdAt",
        "updatedAt",
        "planId",
        "progressSource",
        "lastProgressOn",
    ];
}

/// Changes to an initiative (JSON merge patch). Status and progress change
/// through progress updates. A coordinator cannot change `regions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InitiativePatch {
    /// The action; may move to an action of another plan.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub action_id: Option<Uuid>,
    /// Code.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub title: Option<String>,
    /// Description.
    #[schema(max_length = 20000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// The lead organisation.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub lead_organisation_id: Option<Uuid>,
    /// Partner organisations.
    #[schema(max_items = 50)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub partner_organisation_ids: Option<Vec<Uuid>>,
    /// Regions.
    #[schema(min_items = 1, max_items = 7)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub regions: Option<Vec<String>>,
    /// Municipalities.
    #[schema(max_items = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub municipalities: Option<Vec<String>>,
    /// Primary care zone.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub primary_care_zone_id: Option<Option<Uuid>>,
    /// Weight in roll-ups.
    #[schema(minimum = 0, maximum = 1000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub weight: Option<f64>,
    /// Start date.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub start_date: Option<Option<NaiveDate>>,
    /// End date.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub end_date: Option<Option<NaiveDate>>,
    /// Identifier in the source system.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
}
impl RequestBody for InitiativePatch {
    const READ_ONLY: &'static [&'static str] = &[
        "id",
        "self",
        "version",
        "createdAt",
        "updatedAt",
        "planId",
        "progressSource",
        "lastProgressOn",
    ];
    const REFUSED: &'static [(&'static str, &'static str)] = &[
        (
            "status",
            "changes through a progress update (POST …/progressUpdates)",
        ),
        (
            "progress",
            "changes through a progress update (POST …/progressUpdates)",
        ),
    ];
}

struct Fields<'a> {
    code: Option<&'a str>,
    title: Option<&'a str>,
    description: Option<&'a str>,
    lead: Option<Uuid>,
    partners: Option<&'a [Uuid]>,
    regions: Option<&'a [String]>,
    municipalities: Option<&'a [String]>,
    weight: Option<f64>,
    external_id: Option<&'a str>,
}

fn check_fields(issues: &mut Vec<InputIssue>, f: &Fields<'_>) {
    if let Some(code) = f.code {
        check(issues, "code", check_code(code), || code.into());
    }
    if let Some(title) = f.title {
        check(issues, "title", check_text(title, 300), || title.into());
    }
    if let Some(d) = f.description {
        check(issues, "description", check_long_text(d, 20000), || {
            serde_json::Value::Null
        });
    }
    if let Some(partners) = f.partners {
        check_list(issues, "partnerOrganisationIds", partners, 0, 50);
        if f.lead.is_some_and(|lead| partners.contains(&lead)) {
            issues.push(InputIssue::body(
                "partnerOrganisationIds",
                "must not hold the lead organisation",
            ));
        }
    }
    if let Some(regions) = f.regions {
        check_list(issues, "regions", regions, 1, 7);
    }
    if let Some(codes) = f.municipalities {
        check_list(issues, "municipalities", codes, 0, 300);
        for code in codes {
            check(issues, "municipalities", check_nis_code(code), || {
                code.clone().into()
            });
        }
    }
    if let Some(w) = f.weight {
        check(issues, "weight", check_weight(w), || w.into());
    }
    if let Some(id) = f.external_id {
        check(issues, "externalId", check_external_id(id), || id.into());
    }
}

/// Whether `regions` touch the Flanders-wide region; refuses unknown regions and
/// Flanders-wide mixed with others.
async fn check_regions(conn: &mut AsyncPgConnection, regions: &[String]) -> ApiResult<bool> {
    let known = reference::list_regions(conn).await?;
    let mut issues = Vec::new();
    let mut flanders_wide = false;
    for region in regions {
        match known.iter().find(|r| r.id == *region) {
            Some(r) => flanders_wide |= r.flanders_wide,
            None => issues.push(
                InputIssue::body("regions", "no such region").with_value(region.clone().into()),
            ),
        }
    }
    if flanders_wide && regions.len() > 1 {
        issues.push(InputIssue::body(
            "regions",
            "Flanders-wide work has no other regions",
        ));
    }
    ensure_valid(issues)?;
    Ok(flanders_wide)
}

/// References must name existing records; municipalities must lie in the
/// initiative's regions unless it is Flanders-wide.
async fn check_references(
    conn: &mut AsyncPgConnection,
    lead: Option<Uuid>,
    partners: Option<&[Uuid]>,
    zone: Option<Uuid>,
    municipalities: Option<&[String]>,
    regions: &[String],
    flanders_wide: bool,
) -> ApiResult<()> {
    let mut issues = Vec::new();
    if let Some(lead) = lead
        && !organisations::missing(conn, &[lead]).await?.is_empty()
    {
        issues.push(
            InputIssue::body("leadOrganisationId", "no such organisation")
                .with_value(lead.to_string().into()),
        );
    }
    if let Some(partners) = partners {
        for id in organisations::missing(conn, partners).await? {
            issues.push(
                InputIssue::body("partnerOrganisationIds", "no such organisation")
                    .with_value(id.to_string().into()),
            );
        }
    }
    if let Some(zone) = zone
        && !reference::primary_care_zone_exists(conn, zone).await?
    {
        issues.push(
            InputIssue::body("primaryCareZoneId", "no such primary care zone")
                .with_value(zone.to_string().into()),
        );
    }
    if let Some(codes) = municipalities {
        let found = reference::municipality_regions(conn, codes).await?;
        for code in codes {
            match found.iter().find(|(nis, _)| nis == code) {
                None => issues.push(
                    InputIssue::body("municipalities", "no known municipality has this NIS code")
                        .with_value(code.clone().into()),
                ),
                Some((_, region)) if !flanders_wide && !regions.contains(region) => issues.push(
                    InputIssue::body("municipalities", "lies outside the initiative's regions")
                        .with_value(code.clone().into()),
                ),
                Some(_) => {}
            }
        }
    }
    ensure_valid(issues)
}

async fn action_plan(conn: &mut AsyncPgConnection, action_id: Uuid) -> ApiResult<Uuid> {
    store::plan_of_action(conn, action_id)
        .await?
        .ok_or_else(|| {
            ApiError::validation(
                InputIssue::body("actionId", "no such action")
                    .with_value(action_id.to_string().into()),
            )
        })
}

fn respond(status: StatusCode, initiative: Initiative) -> HttpResponse {
    versioned(
        status,
        initiative.version,
        &initiative.self_link.clone(),
        initiative,
    )
}

/// An initiative a caller may see: anonymous callers only see published plans.
pub async fn visible_initiative(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    audience: PlanAudience,
) -> ApiResult<InitiativeRecord> {
    let record = store::get(conn, id).await?;
    if audience == PlanAudience::Public
        && !plan::plan_visible(conn, record.row.plan_id, true).await?
    {
        return Err(ApiError::NotFound);
    }
    Ok(record)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InitiativeQuery {
    /// Only initiatives of these plans; repeat for several.
    #[serde(default)]
    pub plan: Vec<Uuid>,
    /// Only initiatives under these actions; repeat for several.
    #[serde(default)]
    pub action: Vec<Uuid>,
    /// Only initiatives whose action serves one of these challenges.
    #[serde(default)]
    pub challenge: Vec<Uuid>,
    /// Only initiatives running in one of these regions.
    #[serde(default)]
    #[param(max_items = 20)]
    pub region: Vec<String>,
    /// Only initiatives running in one of these municipalities (NIS codes).
    #[serde(default)]
    #[param(max_items = 300)]
    pub municipality: Vec<String>,
    /// Only initiatives one of these organisations leads or takes part in.
    #[serde(default)]
    pub organisation: Vec<Uuid>,
    /// Only initiatives with one of these statuses.
    #[serde(default)]
    pub status: Vec<WorkStatus>,
    /// Only initiatives with at least this progress.
    #[param(minimum = 0, maximum = 100)]
    pub progress_min: Option<i16>,
    /// Only initiatives with at most this progress.
    #[param(minimum = 0, maximum = 100)]
    pub progress_max: Option<i16>,
    /// Only initiatives changed at or after this time (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
    /// Only open initiatives (not completed or dropped) without a progress
    /// update in this many days (counted from creation when there is none).
    #[param(minimum = 1, maximum = 3650)]
    pub stale_days: Option<i32>,
    /// The initiative with this external id.
    pub external_id: Option<String>,
    /// Text in the title or code.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Sort key: `code`, `title`, `updatedAt`, `createdAt`, `progress`,
    /// `startDate`, `endDate`; prefix `-` for descending.
    #[param(pattern = "^-?(code|title|updatedAt|createdAt|progress|startDate|endDate)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

const SORTS: &[&str] = &[
    "code",
    "title",
    "updatedAt",
    "createdAt",
    "progress",
    "startDate",
    "endDate",
];

fn query_issue(name: &str, detail: &str) -> ApiError {
    ApiError::validation(InputIssue::query(name, detail))
}

/// List initiatives. Filters combine with AND; a repeated filter matches any of its values.
#[utoipa::path(
    tag = "initiatives",
    params(InitiativeQuery),
    responses(
        (status = 200, description = "A page of initiatives", body = Paged<Initiative>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/initiatives")]
async fn list_initiatives(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<InitiativeQuery>,
) -> ApiResult<web::Json<Paged<Initiative>>> {
    let audience = write::plan_audience(&caller, &state)?;
    let query = query.0;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(query.sort.as_deref(), SORTS, "code")?;
    let q = write::search_text(query.q.as_deref())?;
    write::region_filter(&query.region)?;
    write::nis_filter("municipality", &query.municipality, 300)?;
    for (name, len) in [
        ("plan", query.plan.len()),
        ("action", query.action.len()),
        ("challenge", query.challenge.len()),
        ("organisation", query.organisation.len()),
    ] {
        if len > 100 {
            return Err(query_issue(name, "may be repeated at most 100 times"));
        }
    }
    for (name, value) in [
        ("progressMin", query.progress_min),
        ("progressMax", query.progress_max),
    ] {
        if value.is_some_and(|v| !(0..=100).contains(&v)) {
            return Err(query_issue(name, "must be from 0 to 100"));
        }
    }
    if let (Some(min), Some(max)) = (query.progress_min, query.progress_max)
        && min > max
    {
        return Err(query_issue("progressMax", "must not be below progressMin"));
    }
    if query.stale_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err(query_issue("staleDays", "must be from 1 to 3650"));
    }
    if let Some(id) = &query.external_id {
        check_external_id(id).map_err(|e| query_issue("externalId", e))?;
    }
    let filter = InitiativeFilter {
        plan: query.plan.clone(),
        action: query.action.clone(),
        challenge: query.challenge.clone(),
        region: query.region.clone(),
        municipality: query.municipality.clone(),
        organisation: query.organisation.clone(),
        status: query.status.iter().map(|s| s.as_str().to_owned()).collect(),
        progress_min: query.progress_min,
        progress_max: query.progress_max,
        updated_since: query.updated_since,
        stale_days: query.stale_days,
        external_id: query.external_id.clone(),
        q: q.clone(),
        published_only: audience == PlanAudience::Public,
    };
    let mut conn = storage::connection(&state.pool).await?;
    let (records, total) = store::list(
        &mut conn,
        &filter,
        &sort,
        &PageParams::storage_page(page, size),
    )
    .await?;
    let items = records
        .into_iter()
        .map(Initiative::from_record)
        .collect::<ApiResult<Vec<_>>>()?;
    let mut links = LinkParams::default();
    links
        .many("plan", &query.plan)
        .many("action", &query.action)
        .many("challenge", &query.challenge)
        .many("region", &query.region)
        .many("municipality", &query.municipality)
        .many("organisation", &query.organisation)
        .many("status", &query.status)
        .one("progressMin", query.progress_min)
        .one("progressMax", query.progress_max)
        .one("updatedSince", query.updated_since.map(|t| t.to_rfc3339()))
        .one("staleDays", query.stale_days)
        .one("externalId", query.external_id)
        .one("q", q)
        .one("sort", Some(sort));
    Ok(web::Json(Paged::new(
        items,
        total,
        page,
        size,
        &format!("{}/initiatives", super::API_BASE),
        &links.0,
    )))
}

/// Create an initiative. Steering and administrators anywhere; a coordinator in
/// their own region only; Flanders-wide work is for steering and administrators.
#[utoipa::path(
    tag = "initiatives",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body = InitiativeCreate,
    responses(
        (status = 201, description = "Created", body = Initiative,
            headers(("Location" = String, description = "URL of the new initiative"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not create initiatives in these regions", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken in the plan, the external id is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/initiatives")]
async fn create_initiative(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<InitiativeCreate>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::Initiatives, Operation::Write)?;
    super::idempotency::once(&req, &state, &caller.0, || async {
        let input = body.0;
        let mut issues = Vec::new();
        check_fields(
            &mut issues,
            &Fields {
                code: Some(&input.code),
                title: Some(&input.title),
                description: input.description.as_deref(),
                lead: Some(input.lead_organisation_id),
                partners: Some(&input.partner_organisation_ids),
                regions: Some(&input.regions),
                municipalities: Some(&input.municipalities),
                weight: input.weight,
                external_id: input.external_id.as_deref(),
            },
        );
        let status = input.status.unwrap_or(WorkStatus::Planned);
        check(
            &mut issues,
            "progress",
            status.check_progress(input.progress),
            || input.progress.into(),
        );
        check_period(&mut issues, input.start_date, input.end_date);
        ensure_valid(issues)?;
        let actor = write::actor(&req, &caller.0);
        let mut conn = storage::connection(&state.pool).await?;
        let initiative = conn
            .transaction::<_, ApiError, _>(async |conn| {
                let flanders_wide = check_regions(conn, &input.regions).await?;
                permissions::initiative_write(
                    &caller.0,
                    Write::Create,
                    None,
                    Some(&input.regions),
                    flanders_wide,
                )?;
                let plan_id = action_plan(conn, input.action_id).await?;
                check_references(
                    conn,
                    Some(input.lead_organisation_id),
                    Some(&input.partner_organisation_ids),
                    input.primary_care_zone_id,
                    Some(&input.municipalities),
                    &input.regions,
                    flanders_wide,
                )
                .await?;
                let id = store::insert(
                    conn,
                    NewInitiative {
                        plan_id,
                        action_id: input.action_id,
                        code: input.code,
                        title: input.title.trim().to_owned(),
                        description: input.description.unwrap_or_default(),
                        lead_organisation_id: input.lead_organisation_id,
                        primary_care_zone_id: input.primary_care_zone_id,
                        status: status.as_str().to_owned(),
                        progress: input.progress,
                        weight: input.weight.unwrap_or(1.0),
                        start_date: input.start_date,
                        end_date: input.end_date,
                        external_id: input.external_id,
                    },
                )
                .await?;
                store::set_links(
                    conn,
                    id,
                    InitiativeLinks {
                        regions: Some(&input.regions),
                        partner_ids: Some(&input.partner_organisation_ids),
                        municipalities: Some(&input.municipalities),
                    },
                )
                .await?;
                let initiative = Initiative::from_record(store::get(conn, id).await?)?;
                audit::record(
                    conn,
                    &actor,
                    RESOURCE,
                    &id.to_string(),
                    None,
                    Some(&snapshot(&initiative)?),
                )
                .await?;
                Ok(initiative)
            })
            .await?;
        Ok(respond(StatusCode::CREATED, initiative))
    })
    .await
}

/// Read an initiative.
#[utoipa::path(
    tag = "initiatives",
    params(("id" = Uuid, Path, description = "Initiative id")),
    responses(
        (status = 200, description = "The initiative", body = Initiative, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such initiative, or its plan is not published", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/initiatives/{id}")]
async fn read_initiative(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let audience = write::plan_audience(&caller, &state)?;
    let mut conn = storage::connection(&state.pool).await?;
    let record = visible_initiative(&mut conn, id.into_inner(), audience).await?;
    Ok(respond(StatusCode::OK, Initiative::from_record(record)?))
}

/// Change an initiative (JSON merge patch). Needs `If-Match`.
///
/// Steering and administrators change any initiative; a coordinator those
/// whose regions include theirs, without changing the regions. Status and
/// progress change through progress updates.
#[utoipa::path(
    tag = "initiatives",
    params(
        ("id" = Uuid, Path, description = "Initiative id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = InitiativePatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed initiative", body = Initiative, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not change this initiative", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such initiative", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code or external id is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The initiative has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/initiatives/{id}")]
async fn update_initiative(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<InitiativePatch>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::Initiatives, Operation::Write)?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let patch = body.0;
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        &Fields {
            code: patch.code.as_deref(),
            title: patch.title.as_deref(),
            description: patch.description.as_deref(),
            lead: patch.lead_organisation_id,
            partners: patch.partner_organisation_ids.as_deref(),
            regions: patch.regions.as_deref(),
            municipalities: patch.municipalities.as_deref(),
            weight: patch.weight,
            external_id: patch.external_id.clone().flatten().as_deref(),
        },
    );
    ensure_valid(issues)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    let initiative = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::lock(conn, id).await?;
            let regions_after = patch
                .regions
                .clone()
                .unwrap_or_else(|| current.regions.clone());
            let was_flanders_wide = check_regions(conn, &current.regions).await?;
            let flanders_wide = check_regions(conn, &regions_after).await?;
            permissions::initiative_write(
                &caller.0,
                Write::Update,
                Some(&current.regions),
                Some(&regions_after),
                was_flanders_wide || flanders_wide,
            )?;
            if current.row.version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let mut issues = Vec::new();
            check_period(
                &mut issues,
                patch.start_date.unwrap_or(current.row.start_date),
                patch.end_date.unwrap_or(current.row.end_date),
            );
            let lead = patch
                .lead_organisation_id
                .unwrap_or(current.row.lead_organisation_id);
            let partners = patch
                .partner_organisation_ids
                .clone()
                .unwrap_or_else(|| current.partner_ids.clone());
            if partners.contains(&lead) {
                issues.push(InputIssue::body(
                    "partnerOrganisationIds",
                    "must not hold the lead organisation",
                ));
            }
            ensure_valid(issues)?;
            let plan_id = match patch.action_id {
                Some(action) => Some(action_plan(conn, action).await?),
                None => None,
            };
            // Municipalities are checked against the regions the write leaves.
            let municipalities = match (&patch.municipalities, &patch.regions) {
                (Some(m), _) => Some(m.clone()),
                (None, Some(_)) => Some(current.municipalities.clone()),
                (None, None) => None,
            };
            check_references(
                conn,
                patch.lead_organisation_id,
                patch.partner_organisation_ids.as_deref(),
                patch.primary_care_zone_id.flatten(),
                municipalities.as_deref(),
                &regions_after,
                flanders_wide,
            )
            .await?;
            let before = snapshot(&Initiative::from_record(current)?)?;
            store::update(
                conn,
                id,
                InitiativeChanges {
                    plan_id,
                    action_id: patch.action_id,
                    code: patch.code,
                    title: patch.title.map(|t| t.trim().to_owned()),
                    description: patch.description,
                    lead_organisation_id: patch.lead_organisation_id,
                    primary_care_zone_id: patch.primary_care_zone_id,
                    weight: patch.weight,
                    start_date: patch.start_date,
                    end_date: patch.end_date,
                    external_id: patch.external_id,
                },
            )
            .await?;
            store::set_links(
                conn,
                id,
                InitiativeLinks {
                    regions: patch.regions.as_deref(),
                    partner_ids: patch.partner_organisation_ids.as_deref(),
                    municipalities: patch.municipalities.as_deref(),
                },
            )
            .await?;
            let initiative = Initiative::from_record(store::get(conn, id).await?)?;
            audit::record(
                conn,
                &actor,
                RESOURCE,
                &id.to_string(),
                Some(&before),
                Some(&snapshot(&initiative)?),
            )
            .await?;
            Ok(initiative)
        })
        .await?;
    Ok(respond(StatusCode::OK, initiative))
}

/// Delete an initiative. Needs `If-Match`. Steering and administrators delete
/// any; a coordinator those in their region alone. An initiative with progress
/// updates keeps its timeline: it is refused with 409 (set it to `dropped` instead).
#[utoipa::path(
    tag = "initiatives",
    params(
        ("id" = Uuid, Path, description = "Initiative id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "The caller may not delete this initiative", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such initiative", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The initiative has progress updates", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The initiative has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/initiatives/{id}")]
async fn delete_initiative(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    permissions::require(&caller.0, Resource::Initiatives, Operation::Write)?;
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let actor = write::actor(&req, &caller.0);
    let mut conn = storage::connection(&state.pool).await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let current = store::lock(conn, id).await?;
        let flanders_wide = check_regions(conn, &current.regions).await?;
        permissions::initiative_write(
            &caller.0,
            Write::Delete,
            Some(&current.regions),
            None,
            flanders_wide,
        )?;
        if current.row.version != expected {
            return Err(ApiError::PreconditionFailed);
        }
        let updates = store::progress_update_count(conn, id).await?;
        if updates > 0 {
            return Err(ApiError::Conflict(format!(
                "the initiative has {updates} progress updates, which are never removed; set its status to dropped instead"
            )));
        }
        let before = snapshot(&Initiative::from_record(current)?)?;
        store::delete(conn, id).await?;
        audit::record(conn, &actor, RESOURCE, &id.to_string(), Some(&before), None).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
