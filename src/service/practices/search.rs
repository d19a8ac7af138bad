//! Listing and searching practices: the query, typing errors, relevance,
//! highlighted snippets and facet counts, over what the caller may see.

use std::collections::HashMap;

use uuid::Uuid;

use super::{Practice, SearchMatch, drafts_of, require};
use crate::auth::permissions::Operation;
use crate::domain::markdown::marked_html;
use crate::domain::practices::{EvidenceLevel, Theme};
use crate::domain::{InputIssue, Page, Principal};
use crate::service::{Conn, ServiceError, ServiceResult};
use crate::storage::practice_search::{self as search, MARK_END, MARK_START, Terms};
use crate::storage::practices::{self as store, PracticeFilter, PracticeRow};

/// Fewer matches than this, and the query is also tried with its typing
/// errors corrected.
const FEW: i64 = 3;

/// The sort key that orders a search by relevance.
pub const RELEVANCE: &str = "relevance";

/// A page of practices, and what the search made of the query.
pub struct Found {
    pub items: Vec<Practice>,
    pub total: i64,
    /// The query with typing errors corrected, when the query found fewer
    /// than three practices and the correction was searched as well.
    pub suggestion: Option<String>,
    /// More practices match than a ranked search lists ([`search::RANKED`]).
    pub limited: bool,
    pub facets: Option<Facets>,
}

pub use crate::storage::practice_search::Facets;

fn query_issue(detail: &str) -> ServiceError {
    ServiceError::Invalid(vec![InputIssue::query("q", detail)])
}

/// A page of what `filter` selects, with `total`; in relevance order, of the
/// first ranked matches only (`limited`: more match), whose ids `ranked` holds.
struct Listed {
    rows: Vec<PracticeRow>,
    total: i64,
    limited: bool,
    ranked: Option<Vec<Uuid>>,
}

async fn page_of(
    conn: &mut Conn,
    filter: &PracticeFilter,
    sort: &str,
    page: &Page,
) -> ServiceResult<Listed> {
    if sort != RELEVANCE {
        let (rows, total) = store::list(conn, filter, sort, page).await?;
        return Ok(Listed {
            rows,
            total,
            limited: false,
            ranked: None,
        });
    }
    let (ranked, limited) = search::ranked(conn, filter).await?;
    let start = usize::try_from(page.offset)
        .unwrap_or(usize::MAX)
        .min(ranked.len());
    let end = start
        .saturating_add(usize::try_from(page.limit).unwrap_or(0))
        .min(ranked.len());
    let ids: Vec<Uuid> = ranked[start..end].iter().map(|(id, _)| *id).collect();
    let mut rows = store::get_many(conn, &ids).await?;
    let order: HashMap<Uuid, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|r| order.get(&r.id).copied().unwrap_or(usize::MAX));
    Ok(Listed {
        rows,
        total: ranked.len() as i64,
        limited,
        ranked: Some(ranked.into_iter().map(|(id, _)| id).collect()),
    })
}

/// The tsqueries of `q`; a 400 when it holds no word to search for.
async fn terms_of(conn: &mut Conn, q: &str) -> ServiceResult<Terms> {
    let terms = search::terms(conn, q).await?;
    if !terms.is_empty() {
        return Ok(terms);
    }
    Err(query_issue(if q.chars().any(char::is_alphanumeric) {
        "holds only words too common to search for (such as \"de\", \"het\", \"een\"): add a word that says what the practice is about"
    } else {
        "holds no word to search for: give at least one word, or leave q out to list practices"
    }))
}

/// A page of the practices `filter` selects that the caller may see,
/// matching `q` when given, in `sort` order ([`RELEVANCE`]: best match
/// first); with `facets`, the counts per facet of all it selects.
pub async fn list(
    conn: &mut Conn,
    principal: Option<&Principal>,
    mut filter: PracticeFilter,
    q: Option<&str>,
    sort: &str,
    page: Page,
    facets: bool,
) -> ServiceResult<Found> {
    require(principal, Operation::Read)?;
    filter.drafts = drafts_of(principal);
    filter.external_source = principal.and_then(Principal::source_system).map(Some);
    let relevance = sort == RELEVANCE;
    if relevance && q.is_none() {
        return Err(ServiceError::Invalid(vec![InputIssue::query(
            "sort",
            "relevance orders a search: give q as well",
        )]));
    }
    let mut suggestion = None;
    if let Some(q) = q {
        filter.search = Some(terms_of(conn, q).await?);
    }
    let mut listed = page_of(conn, &filter, sort, &page).await?;
    if let Some(q) = q
        && listed.total < FEW
        && let Some(better) = search::suggestion(conn, q).await?
    {
        let corrected = search::terms(conn, &better).await?;
        if !corrected.is_empty() {
            filter.search = filter.search.take().map(|terms| terms.or(corrected));
            listed = page_of(conn, &filter, sort, &page).await?;
            suggestion = Some(better);
        }
    }
    let Listed {
        rows,
        total,
        limited,
        ranked,
    } = listed;
    if ranked.is_some() {
        // What is listed is what facets count.
        filter.ids = ranked;
    }
    let mut items = rows
        .into_iter()
        .map(Practice::from_row)
        .collect::<ServiceResult<Vec<_>>>()?;
    if let Some(terms) = &filter.search {
        let ids: Vec<Uuid> = items.iter().map(|p| p.id).collect();
        let mut found: HashMap<Uuid, (f32, String, String)> = search::highlights(conn, terms, &ids)
            .await?
            .into_iter()
            .map(|h| (h.id, (h.rank, h.title, h.snippet)))
            .collect();
        for item in &mut items {
            if let Some((rank, title, snippet)) = found.remove(&item.id) {
                item.search_match = Some(SearchMatch {
                    rank,
                    title_html: marked_html(&title, MARK_START, MARK_END),
                    snippet_html: marked_html(&snippet, MARK_START, MARK_END),
                });
            }
        }
    }
    let facets = if facets {
        let themes: Vec<&str> = Theme::ALL.iter().map(|t| t.as_str()).collect();
        let levels: Vec<&str> = EvidenceLevel::ALL.iter().map(|l| l.as_str()).collect();
        Some(search::facets(conn, &filter, &themes, &levels).await?)
    } else {
        None
    };
    Ok(Found {
        items,
        total,
        suggestion,
        limited,
        facets,
    })
}
