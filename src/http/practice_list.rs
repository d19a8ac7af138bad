//! `GET /practices`: listing and searching good practices.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::Query;
use super::json;
use super::pagination::{PageParams, Paged};
use super::write::{self, LinkParams};
use crate::auth::MaybeCaller;
use crate::domain::plan::check_external_id;
use crate::domain::practices::{EvidenceLevel, PracticeStatus, Theme};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service;
use crate::service::practices::search::RELEVANCE;
use crate::service::practices::{self, Practice, PracticeFilter};
use crate::startup::AppState;

const SORTS: &[&str] = &["title", "publishedOn", "updatedAt"];

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PracticeQuery {
    /// Search, in Dutch as people write it: all words must match, in any
    /// form (`jongere` finds "Jongeren", `coordinatie` "Coördinatie") and
    /// as part of a compound word (`armoede` finds "Armoedebestrijding");
    /// `"a phrase"`, `-word` to leave out, `word*` for a prefix, `or`
    /// between two terms. A query that finds fewer than three practices is
    /// also tried with its typing errors corrected (see `search`). Without
    /// `sort`, the best match comes first.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only these statuses; repeat for several. Without it: published
    /// practices and the drafts the caller may see, not archived ones.
    #[serde(default)]
    pub status: Vec<PracticeStatus>,
    /// Related to one of these challenges.
    #[serde(default)]
    #[param(max_items = 20)]
    pub challenge: Vec<Uuid>,
    /// Practised in one of these regions.
    #[serde(default)]
    #[param(max_items = 20)]
    pub region: Vec<String>,
    /// Practised in one of these municipalities (NIS codes).
    #[serde(default)]
    #[param(max_items = 100)]
    pub municipality: Vec<String>,
    /// Belonging to or with one of these organisations taking part.
    #[serde(default)]
    #[param(max_items = 100)]
    pub organisation: Vec<Uuid>,
    /// Related to one of these initiatives.
    #[serde(default)]
    #[param(max_items = 100)]
    pub initiative: Vec<Uuid>,
    /// Related to one of these GBO projects.
    #[serde(default)]
    #[param(max_items = 100)]
    pub gbo_project: Vec<Uuid>,
    /// Related to one of these actions.
    #[serde(default)]
    #[param(max_items = 100)]
    pub action: Vec<Uuid>,
    /// With one of these themes.
    #[serde(default)]
    pub theme: Vec<Theme>,
    /// With one of these tags.
    #[serde(default)]
    #[param(max_items = 20)]
    pub tag: Vec<String>,
    /// At one of these evidence levels.
    #[serde(default)]
    pub evidence_level: Vec<EvidenceLevel>,
    /// The practice with this external id: for a service account, its own;
    /// for a person, in any source system.
    pub external_id: Option<String>,
    /// Sort key: `title`, `publishedOn`, `updatedAt`, prefix `-` for
    /// descending; or `relevance` (best match first; only with `q`, and its
    /// default): the first 1,000 matches found, ranked (see
    /// `search.limited`). Another key orders and counts every match.
    #[param(pattern = "^(-?(title|publishedOn|updatedAt)|relevance)$")]
    pub sort: Option<String>,
    /// `true`: also count the practices found per challenge, region, theme
    /// and evidence level (`facets`). Drafts are never counted.
    pub facets: Option<bool>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

fn query_issue(name: &str, detail: &str) -> ApiError {
    ApiError::validation(InputIssue::query(name, detail))
}

/// List practices. Drafts are listed for their authors, their region's
/// coordinator, steering and administrators only; archived practices only
/// when asked for by `status`.
#[utoipa::path(
    tag = "practices",
    params(PracticeQuery),
    responses(
        (status = 200, description = "A page of practices", body = PracticePage),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, and public read is off", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/practices")]
pub async fn list_practices(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<PracticeQuery>,
) -> ApiResult<HttpResponse> {
    write::plan_audience(&caller, &state)?;
    let query = query.0;
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let q = search_query(&req, query.q.as_deref())?;
    let sort = match query.sort.as_deref() {
        Some(RELEVANCE) => RELEVANCE.to_owned(),
        None if q.is_some() => RELEVANCE.to_owned(),
        other => write::sort_key(other, SORTS, "title")?,
    };
    write::region_filter(&query.region)?;
    write::nis_filter("municipality", &query.municipality, 100)?;
    write::text_values("tag", &query.tag, 20)?;
    for (name, len) in [
        ("challenge", query.challenge.len()),
        ("organisation", query.organisation.len()),
        ("initiative", query.initiative.len()),
        ("gboProject", query.gbo_project.len()),
        ("action", query.action.len()),
    ] {
        if len > 100 {
            return Err(query_issue(name, "may be repeated at most 100 times"));
        }
    }
    if let Some(id) = &query.external_id {
        check_external_id(id).map_err(|e| query_issue("externalId", e))?;
    }
    let filter = PracticeFilter {
        status: query.status.iter().map(|s| s.as_str().to_owned()).collect(),
        challenge: query.challenge.clone(),
        region: query.region.clone(),
        municipality: query.municipality.clone(),
        organisation: query.organisation.clone(),
        initiative: query.initiative.clone(),
        gbo_project: query.gbo_project.clone(),
        action: query.action.clone(),
        theme: query.theme.iter().map(|t| t.as_str().to_owned()).collect(),
        tag: query.tag.iter().map(|t| t.trim().to_lowercase()).collect(),
        evidence_level: query
            .evidence_level
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect(),
        external_id: query.external_id.clone(),
        ..PracticeFilter::default()
    };
    let mut conn = service::connect(&state.pool).await?;
    let found = practices::list(
        &mut conn,
        caller.0.as_ref(),
        filter,
        q.as_deref(),
        &sort,
        PageParams::storage_page(page, size),
        query.facets.unwrap_or(false),
    )
    .await?;
    let mut links = LinkParams::default();
    links
        .one("q", q.clone())
        .many("status", &query.status)
        .many("challenge", &query.challenge)
        .many("region", &query.region)
        .many("municipality", &query.municipality)
        .many("organisation", &query.organisation)
        .many("initiative", &query.initiative)
        .many("gboProject", &query.gbo_project)
        .many("action", &query.action)
        .many("theme", &query.theme)
        .many("tag", &query.tag)
        .many("evidenceLevel", &query.evidence_level)
        .one("externalId", query.external_id)
        .one("sort", Some(sort))
        .one("facets", query.facets.filter(|f| *f).map(|f| f.to_string()));
    let search = q.map(|q| SearchInfo {
        q,
        suggestion: found.suggestion,
        limited: found.limited,
    });
    let facets = found.facets.map(PracticeFacets::from);
    let items = found.items.len();
    let answer = PracticePage {
        page: Paged::of(
            (found.items, found.total),
            page,
            size,
            "/practices",
            &links.0,
        ),
        search,
        facets,
    };
    Ok(json::page(&answer, items))
}

/// `q` as given, trimmed: 1 to 200 characters without control characters.
/// An empty `q=` is refused too (elsewhere it is no search).
fn search_query(req: &HttpRequest, q: Option<&str>) -> ApiResult<Option<String>> {
    let given = form_urlencoded::parse(req.query_string().as_bytes()).any(|(name, _)| name == "q");
    match write::search_text(q)? {
        None if given => Err(query_issue(
            "q",
            "is empty: give at least one word to search for, or leave q out to list practices",
        )),
        q => Ok(q),
    }
}

/// A page of practices; with `q`, what the search made of it; with
/// `facets=true`, the counts per facet.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PracticePage {
    #[serde(flatten)]
    pub page: Paged<Practice>,
    /// Present with `q`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<SearchInfo>,
    /// Present with `facets=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<PracticeFacets>,
}

/// What a search made of `q`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchInfo {
    /// The query, as searched.
    pub q: String,
    /// The query with words no practice uses replaced by the nearest words
    /// practices do use ("did you mean"). Present when the query as typed
    /// found fewer than three practices; the practices the correction finds
    /// are then in the result as well.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// `true` when more than 1,000 practices match and the results are in
    /// relevance order: the 1,000 first found are ranked and listed (and
    /// counted in `total` and `facets`). Narrow the search with a word or a
    /// filter, or sort by another key to page through every match.
    pub limited: bool,
}

/// How many of the practices found (all pages; drafts never) have each
/// value, most first; values without any are left out.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PracticeFacets {
    /// Per challenge id.
    pub challenges: Vec<FacetCount>,
    /// Per region id (the regions a practice is practised in).
    pub regions: Vec<FacetCount>,
    /// Per theme.
    pub themes: Vec<FacetCount>,
    /// Per evidence level.
    pub evidence_levels: Vec<FacetCount>,
}

/// A value and how many practices have it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: i64,
}

impl From<practices::Facets> for PracticeFacets {
    fn from(f: practices::Facets) -> Self {
        let counts = |v: Vec<(String, i64)>| {
            v.into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect()
        };
        Self {
            challenges: f
                .challenges
                .into_iter()
                .map(|(id, count)| FacetCount {
                    value: id.to_string(),
                    count,
                })
                .collect(),
            regions: counts(f.regions),
            themes: counts(f.themes),
            evidence_levels: counts(f.evidence_levels),
        }
    }
}
