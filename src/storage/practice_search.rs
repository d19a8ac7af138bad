//! Full-text search in practices (migration 18): the query, matching,
//! ranking, highlighted snippets, typing-error suggestions and facet counts.

use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Float, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::practice_schema::{practice_challenges, practice_details as p, practice_regions};
use super::practices::{PracticeFilter, filtered};

/// At most this many matches are ranked and listed, the first found.
pub const RANKED: i64 = 1000;

/// Marks around a matched word in a snippet, before it is made HTML: private
/// use characters, taken out of the text first, so text cannot forge them.
pub const MARK_START: char = '\u{E000}';
pub const MARK_END: char = '\u{E001}';

/// A search as tsqueries of the two text search configurations (text form;
/// empty when the configuration found no word to search for).
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub dutch: String,
    pub snow: String,
}

impl Terms {
    pub fn is_empty(&self) -> bool {
        self.dutch.is_empty() && self.snow.is_empty()
    }

    /// Either search: a practice matches if it matches one of them.
    pub fn or(self, other: Terms) -> Terms {
        fn either(a: String, b: String) -> String {
            match (a.is_empty(), b.is_empty()) {
                (true, _) => b,
                (_, true) => a,
                _ => format!("({a}) | ({b})"),
            }
        }
        Terms {
            dutch: either(self.dutch, other.dutch),
            snow: either(self.snow, other.snow),
        }
    }
}

/// Parses a web-search query (words, "phrase", -word, word*, or).
pub async fn terms(conn: &mut AsyncPgConnection, q: &str) -> StorageResult<Terms> {
    #[derive(QueryableByName)]
    struct Parsed {
        #[diesel(sql_type = Text)]
        dutch: String,
        #[diesel(sql_type = Text)]
        snow: String,
    }
    let parsed: Parsed = diesel::sql_query(
        "SELECT ssw_websearch($1, 'ssw_dutch')::text AS dutch, \
                ssw_websearch($1, 'ssw_dutch_snow')::text AS snow",
    )
    .bind::<Text, _>(q)
    .get_result(conn)
    .await?;
    Ok(Terms {
        dutch: parsed.dutch,
        snow: parsed.snow,
    })
}

/// The query with words no practice uses replaced by the nearest words
/// practices do use; `None` when there is nothing to correct.
pub async fn suggestion(conn: &mut AsyncPgConnection, q: &str) -> StorageResult<Option<String>> {
    #[derive(QueryableByName)]
    struct Suggested {
        #[diesel(sql_type = Nullable<Text>)]
        text: Option<String>,
    }
    let found: Suggested = diesel::sql_query("SELECT ssw_suggest($1) AS text")
        .bind::<Text, _>(q)
        .get_result(conn)
        .await?;
    Ok(found.text.filter(|s| s != q))
}

/// Whether a practice matches the search.
pub fn matches(
    terms: &Terms,
) -> Box<dyn BoxableExpression<p::table, diesel::pg::Pg, SqlType = Bool>> {
    match (terms.dutch.is_empty(), terms.snow.is_empty()) {
        (false, false) => Box::new(
            sql::<Bool>("(practice_details.search @@ ")
                .bind::<Text, _>(terms.dutch.clone())
                .sql("::tsquery OR practice_details.search_snow @@ ")
                .bind::<Text, _>(terms.snow.clone())
                .sql("::tsquery)"),
        ),
        (false, true) => Box::new(
            sql::<Bool>("(practice_details.search @@ ")
                .bind::<Text, _>(terms.dutch.clone())
                .sql("::tsquery)"),
        ),
        (true, false) => Box::new(
            sql::<Bool>("(practice_details.search_snow @@ ")
                .bind::<Text, _>(terms.snow.clone())
                .sql("::tsquery)"),
        ),
        (true, true) => Box::new(sql::<Bool>("false")),
    }
}

/// How well a practice matches: the better of the two configurations, with
/// weights title 1.0, summary 0.4, the rest 0.2.
fn rank(terms: &Terms) -> Box<dyn BoxableExpression<p::table, diesel::pg::Pg, SqlType = Float>> {
    const DUTCH: &str = "ts_rank_cd('{0.1,0.2,0.4,1.0}', practice_details.search, ";
    const SNOW: &str = "ts_rank_cd('{0.1,0.2,0.4,1.0}', practice_details.search_snow, ";
    match (terms.dutch.is_empty(), terms.snow.is_empty()) {
        (false, false) => Box::new(
            sql::<Float>("greatest(")
                .sql(DUTCH)
                .bind::<Text, _>(terms.dutch.clone())
                .sql("::tsquery), ")
                .sql(SNOW)
                .bind::<Text, _>(terms.snow.clone())
                .sql("::tsquery))"),
        ),
        (false, true) => Box::new(
            sql::<Float>(DUTCH)
                .bind::<Text, _>(terms.dutch.clone())
                .sql("::tsquery)"),
        ),
        (true, false) => Box::new(
            sql::<Float>(SNOW)
                .bind::<Text, _>(terms.snow.clone())
                .sql("::tsquery)"),
        ),
        (true, true) => Box::new(sql::<Float>("0")),
    }
}

/// The ids and ranks of the first [`RANKED`] practices `filter` selects
/// (with its search), best first, and whether it selects more.
pub async fn ranked(
    conn: &mut AsyncPgConnection,
    filter: &PracticeFilter,
) -> StorageResult<(Vec<(Uuid, f32)>, bool)> {
    let terms = filter.search.clone().unwrap_or_default();
    let mut ranked: Vec<(Uuid, f32)> = filtered(filter)
        .select((p::id, rank(&terms)))
        .limit(RANKED + 1)
        .load(conn)
        .await?;
    let more = ranked.len() as i64 > RANKED;
    ranked.truncate(RANKED as usize);
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok((ranked, more))
}

/// How a practice matched: its rank, and its title and a snippet with the
/// matched words between [`MARK_START`] and [`MARK_END`] (plain text, not HTML).
pub struct Highlight {
    pub id: Uuid,
    pub rank: f32,
    pub title: String,
    pub snippet: String,
}

pub async fn highlights(
    conn: &mut AsyncPgConnection,
    terms: &Terms,
    ids: &[Uuid],
) -> StorageResult<Vec<Highlight>> {
    #[derive(QueryableByName)]
    struct Lit {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: Uuid,
        #[diesel(sql_type = Float)]
        rank: f32,
        #[diesel(sql_type = Text)]
        title: String,
        #[diesel(sql_type = Text)]
        snippet: String,
    }
    if ids.is_empty() || terms.is_empty() {
        return Ok(Vec::new());
    }
    let dutch = if terms.dutch.is_empty() {
        &terms.snow
    } else {
        &terms.dutch
    };
    let snow = if terms.snow.is_empty() {
        &terms.dutch
    } else {
        &terms.snow
    };
    // Each headline is made only when the one before it marked nothing
    // (`OFFSET 0` keeps each step from being inlined, and so repeated):
    // the title and a passage of the summary in the ispell configuration,
    // else in snowball; else a passage of the description in snowball, else
    // in the ispell configuration (slower: it splits compounds). Parsing is
    // what a headline costs, so a description is read only for a practice
    // whose summary holds no match.
    let statement = format!(
        "SELECT p.id, \
           greatest(ts_rank_cd('{{0.1,0.2,0.4,1.0}}', p.search, $1::tsquery), \
                    ts_rank_cd('{{0.1,0.2,0.4,1.0}}', p.search_snow, $2::tsquery)) AS rank, \
           t2.a AS title, \
           CASE WHEN strpos(s4.a, '{MARK_START}') > 0 OR s1.a = '' THEN s4.a ELSE s1.a END AS snippet \
         FROM practices p \
         CROSS JOIN LATERAL (SELECT translate(p.title, '{marks}', '') AS title, \
             translate(p.summary, '{marks}', '') AS summary, \
             translate(left(coalesce(p.body_text, ''), 3000), '{marks}', '') AS body OFFSET 0) t \
         CROSS JOIN LATERAL (SELECT ts_headline('ssw_dutch', t.title, $1::tsquery, '{whole}') AS a OFFSET 0) t1 \
         CROSS JOIN LATERAL (SELECT CASE WHEN strpos(t1.a, '{MARK_START}') > 0 THEN t1.a \
             ELSE ts_headline('ssw_dutch_snow', t.title, $2::tsquery, '{whole}') END AS a OFFSET 0) t2 \
         CROSS JOIN LATERAL (SELECT ts_headline('ssw_dutch', t.summary, $1::tsquery, '{part}') AS a OFFSET 0) s1 \
         CROSS JOIN LATERAL (SELECT CASE WHEN strpos(s1.a, '{MARK_START}') > 0 THEN s1.a \
             ELSE ts_headline('ssw_dutch_snow', t.summary, $2::tsquery, '{part}') END AS a OFFSET 0) s2 \
         CROSS JOIN LATERAL (SELECT CASE WHEN strpos(s2.a, '{MARK_START}') > 0 THEN s2.a \
             ELSE ts_headline('ssw_dutch_snow', t.body, $2::tsquery, '{part}') END AS a OFFSET 0) s3 \
         CROSS JOIN LATERAL (SELECT CASE WHEN strpos(s3.a, '{MARK_START}') > 0 THEN s3.a \
             ELSE ts_headline('ssw_dutch', t.body, $1::tsquery, '{part}') END AS a OFFSET 0) s4 \
         WHERE p.id = ANY($3)",
        marks = format_args!("{MARK_START}{MARK_END}"),
        whole = format_args!("StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"),
        part = format_args!(
            "StartSel={MARK_START}, StopSel={MARK_END}, MaxFragments=2, MinWords=8, MaxWords=30, FragmentDelimiter=\" … \""
        ),
    );
    let rows: Vec<Lit> = diesel::sql_query(statement)
        .bind::<Text, _>(dutch)
        .bind::<Text, _>(snow)
        .bind::<Array<diesel::sql_types::Uuid>, _>(ids)
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Highlight {
            id: r.id,
            rank: r.rank,
            title: r.title,
            snippet: r.snippet,
        })
        .collect())
}

/// How many practices `filter` selects, drafts left out, per challenge,
/// region, theme and evidence level; values without any are left out.
pub struct Facets {
    pub challenges: Vec<(Uuid, i64)>,
    pub regions: Vec<(String, i64)>,
    pub themes: Vec<(String, i64)>,
    pub evidence_levels: Vec<(String, i64)>,
}

pub async fn facets(
    conn: &mut AsyncPgConnection,
    filter: &PracticeFilter,
    themes: &[&str],
    levels: &[&str],
) -> StorageResult<Facets> {
    // The values are written into the statement: vocabulary names only.
    debug_assert!(
        themes
            .iter()
            .chain(levels)
            .all(|v| v.chars().all(|c| c.is_ascii_alphanumeric()))
    );
    let selected = || filtered(filter).filter(p::status.ne("draft"));
    let challenges: Vec<(Uuid, i64)> = practice_challenges::table
        .filter(practice_challenges::practice_id.eq_any(selected().select(p::id)))
        .group_by(practice_challenges::challenge_id)
        .select((practice_challenges::challenge_id, count_star()))
        .load(conn)
        .await?;
    let regions: Vec<(String, i64)> = practice_regions::table
        .filter(practice_regions::practice_id.eq_any(selected().select(p::id)))
        .group_by(practice_regions::region_id)
        .select((practice_regions::region_id, count_star()))
        .load(conn)
        .await?;
    let mut counts: Vec<String> = themes
        .iter()
        .map(|t| format!("count(*) FILTER (WHERE practice_details.themes @> ARRAY['{t}'])"))
        .collect();
    counts.extend(
        levels
            .iter()
            .map(|l| format!("count(*) FILTER (WHERE practice_details.evidence_level = '{l}')")),
    );
    let counted: Vec<i64> = selected()
        .select(sql::<Array<BigInt>>(&format!(
            "ARRAY[{}]::bigint[]",
            counts.join(", ")
        )))
        .first(conn)
        .await?;
    let (theme_counts, level_counts) = counted.split_at(themes.len().min(counted.len()));
    let sorted = |mut v: Vec<(String, i64)>| {
        v.retain(|x| x.1 > 0);
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    };
    let mut challenges = challenges;
    challenges.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(Facets {
        challenges,
        regions: sorted(regions),
        themes: sorted(
            themes
                .iter()
                .zip(theme_counts)
                .map(|(t, n)| ((*t).to_owned(), *n))
                .collect(),
        ),
        evidence_levels: sorted(
            levels
                .iter()
                .zip(level_counts)
                .map(|(l, n)| ((*l).to_owned(), *n))
                .collect(),
        ),
    })
}
