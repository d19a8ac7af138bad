//! Good practices and the records they relate to.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::practice_schema::{
    practice_actions, practice_challenges, practice_details, practice_gbo_projects,
    practice_initiatives, practice_municipalities, practice_organisations, practice_regions,
    practices,
};
use super::practice_search::{self, Terms};
use crate::domain::Page;

/// A practice with the ids of what it relates to.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = practice_details)]
pub struct PracticeRow {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub problem: String,
    pub aim: String,
    pub target_groups: Vec<String>,
    pub approach: String,
    pub conditions: String,
    pub results: String,
    pub evidence_level: Option<String>,
    pub evidence_assessed_by: Option<String>,
    pub evidence_assessed_on: Option<NaiveDate>,
    pub themes: Vec<String>,
    pub tags: Vec<String>,
    pub region_id: Option<String>,
    pub organisation_id: Option<Uuid>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub status: String,
    pub published_on: Option<NaiveDate>,
    pub review_due: Option<NaiveDate>,
    pub author_ids: Vec<Uuid>,
    pub external_id: Option<String>,
    pub external_source: Option<Uuid>,
    pub example: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub challenge_ids: Vec<Uuid>,
    pub region_ids: Vec<String>,
    pub municipality_codes: Vec<String>,
    pub organisation_ids: Vec<Uuid>,
    pub initiative_ids: Vec<Uuid>,
    pub gbo_project_ids: Vec<Uuid>,
    pub action_ids: Vec<Uuid>,
}

/// The fields every write of a practice sets (a change sets them all, as the
/// rules judged them together).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = practices, treat_none_as_null = true)]
pub struct PracticeValues {
    pub title: String,
    pub summary: String,
    pub body: String,
    /// The text a reader sees of `body`, which search reads.
    pub body_text: Option<String>,
    pub problem: String,
    pub aim: String,
    pub target_groups: Vec<String>,
    pub approach: String,
    pub conditions: String,
    pub results: String,
    pub evidence_level: Option<String>,
    pub evidence_assessed_by: Option<String>,
    pub evidence_assessed_on: Option<NaiveDate>,
    pub themes: Vec<String>,
    pub tags: Vec<String>,
    pub region_id: Option<String>,
    pub organisation_id: Option<Uuid>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub status: String,
    pub published_on: Option<NaiveDate>,
    pub review_due: Option<NaiveDate>,
    pub author_ids: Vec<Uuid>,
    pub external_id: Option<String>,
    pub external_source: Option<Uuid>,
}

/// The records a practice relates to; `None` leaves a list as it is.
#[derive(Debug, Default)]
pub struct PracticeLinks<'a> {
    pub challenges: Option<&'a [Uuid]>,
    pub regions: Option<&'a [String]>,
    pub municipalities: Option<&'a [String]>,
    pub organisations: Option<&'a [Uuid]>,
    pub initiatives: Option<&'a [Uuid]>,
    pub gbo_projects: Option<&'a [Uuid]>,
    pub actions: Option<&'a [Uuid]>,
}

/// Which practices a caller sees beside the published and archived ones:
/// drafts of any, or drafts they wrote or that belong to their region.
#[derive(Debug, Clone, Default)]
pub enum Drafts {
    #[default]
    None,
    All,
    Of {
        author: Uuid,
        region: Option<String>,
    },
}

/// Which practices a list holds: every filter given must match, and a list
/// matches any of its values.
#[derive(Debug, Clone, Default)]
pub struct PracticeFilter {
    pub drafts: Drafts,
    /// Only these practices (the ranked results of a search).
    pub ids: Option<Vec<Uuid>>,
    /// Statuses; empty: drafts (as far as seen) and published, not archived.
    pub status: Vec<String>,
    /// A full-text search.
    pub search: Option<Terms>,
    pub challenge: Vec<Uuid>,
    pub region: Vec<String>,
    pub municipality: Vec<String>,
    pub organisation: Vec<Uuid>,
    pub initiative: Vec<Uuid>,
    pub gbo_project: Vec<Uuid>,
    pub action: Vec<Uuid>,
    pub theme: Vec<String>,
    pub tag: Vec<String>,
    pub evidence_level: Vec<String>,
    pub external_id: Option<String>,
    /// The source system `external_id` is looked up in: `None` any,
    /// `Some(None)` the service's own.
    pub external_source: Option<Option<Uuid>>,
}

pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<PracticeRow> {
    Ok(practice_details::table
        .find(id)
        .select(PracticeRow::as_select())
        .first(conn)
        .await?)
}

/// Locks the practice for the rest of the transaction and reads it.
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<PracticeRow> {
    practices::table
        .find(id)
        .for_update()
        .select(practices::id)
        .first::<Uuid>(conn)
        .await?;
    get(conn, id).await
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    values: PracticeValues,
    example: bool,
) -> StorageResult<Uuid> {
    Ok(diesel::insert_into(practices::table)
        .values((values, practices::example.eq(example)))
        .returning(practices::id)
        .get_result(conn)
        .await?)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    values: PracticeValues,
) -> StorageResult<()> {
    diesel::update(practices::table.find(id))
        .set((
            values,
            practices::version.eq(practices::version + 1),
            practices::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::delete(practices::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the lists `links` gives.
pub async fn set_links(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    links: PracticeLinks<'_>,
) -> StorageResult<()> {
    macro_rules! replace {
        ($list:expr, $table:ident, $column:ident) => {
            if let Some(items) = $list {
                diesel::delete($table::table.filter($table::practice_id.eq(id)))
                    .execute(conn)
                    .await?;
                let rows: Vec<_> = items
                    .iter()
                    .map(|item| ($table::practice_id.eq(id), $table::$column.eq(item.clone())))
                    .collect();
                if !rows.is_empty() {
                    diesel::insert_into($table::table)
                        .values(rows)
                        .on_conflict_do_nothing()
                        .execute(conn)
                        .await?;
                }
            }
        };
    }
    replace!(links.challenges, practice_challenges, challenge_id);
    replace!(links.regions, practice_regions, region_id);
    replace!(links.municipalities, practice_municipalities, nis_code);
    replace!(links.organisations, practice_organisations, organisation_id);
    replace!(links.initiatives, practice_initiatives, initiative_id);
    replace!(links.gbo_projects, practice_gbo_projects, gbo_project_id);
    replace!(links.actions, practice_actions, action_id);
    Ok(())
}

pub(super) fn filtered(
    filter: &PracticeFilter,
) -> practice_details::BoxedQuery<'_, diesel::pg::Pg> {
    use practice_details as p;
    let mut q = p::table.into_boxed();
    q = match &filter.drafts {
        Drafts::All => q,
        Drafts::None => q.filter(p::status.ne("draft")),
        Drafts::Of { author, region } => {
            let mine = p::author_ids.contains(vec![*author]);
            match region {
                Some(region) => q.filter(
                    p::status
                        .ne("draft")
                        .or(mine)
                        .or(p::region_id.eq(region.clone())),
                ),
                None => q.filter(p::status.ne("draft").or(mine)),
            }
        }
    };
    q = if filter.status.is_empty() {
        q.filter(p::status.ne("archived"))
    } else {
        q.filter(p::status.eq_any(filter.status.clone()))
    };
    if let Some(ids) = &filter.ids {
        q = q.filter(p::id.eq_any(ids.clone()));
    } else if let Some(terms) = &filter.search {
        q = q.filter(practice_search::matches(terms));
    }
    if !filter.challenge.is_empty() {
        q = q.filter(p::challenge_ids.overlaps_with(filter.challenge.clone()));
    }
    if !filter.region.is_empty() {
        q = q.filter(p::region_ids.overlaps_with(filter.region.clone()));
    }
    if !filter.municipality.is_empty() {
        q = q.filter(p::municipality_codes.overlaps_with(filter.municipality.clone()));
    }
    if !filter.organisation.is_empty() {
        q = q.filter(
            p::organisation_ids
                .overlaps_with(filter.organisation.clone())
                .or(p::organisation_id.eq_any(filter.organisation.clone())),
        );
    }
    if !filter.initiative.is_empty() {
        q = q.filter(p::initiative_ids.overlaps_with(filter.initiative.clone()));
    }
    if !filter.gbo_project.is_empty() {
        q = q.filter(p::gbo_project_ids.overlaps_with(filter.gbo_project.clone()));
    }
    if !filter.action.is_empty() {
        q = q.filter(p::action_ids.overlaps_with(filter.action.clone()));
    }
    if !filter.theme.is_empty() {
        q = q.filter(p::themes.overlaps_with(filter.theme.clone()));
    }
    if !filter.tag.is_empty() {
        q = q.filter(p::tags.overlaps_with(filter.tag.clone()));
    }
    if !filter.evidence_level.is_empty() {
        q = q.filter(p::evidence_level.eq_any(filter.evidence_level.clone()));
    }
    if let Some(external) = &filter.external_id {
        q = q.filter(p::external_id.eq(external.clone()));
        q = match filter.external_source {
            Some(Some(source)) => q.filter(p::external_source.eq(source)),
            Some(None) => q.filter(p::external_source.is_null()),
            None => q,
        };
    }
    q
}

/// How many practices `filter` selects.
pub async fn count(conn: &mut AsyncPgConnection, filter: &PracticeFilter) -> StorageResult<i64> {
    Ok(filtered(filter).count().get_result(conn).await?)
}

/// The practices with these ids, in no order.
pub async fn get_many(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> StorageResult<Vec<PracticeRow>> {
    Ok(practice_details::table
        .filter(practice_details::id.eq_any(ids))
        .select(PracticeRow::as_select())
        .load(conn)
        .await?)
}

/// A page of the practices `filter` selects, in `sort` order, and how many
/// it selects in all.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &PracticeFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<PracticeRow>, i64)> {
    use practice_details as p;
    let total = filtered(filter).count().get_result(conn).await?;
    let q = filtered(filter);
    let q = match sort {
        "-title" => q.order(p::title.desc()),
        "publishedOn" => q.order(p::published_on.asc().nulls_last()),
        "-publishedOn" => q.order(p::published_on.desc().nulls_last()),
        "updatedAt" => q.order(p::updated_at.asc()),
        "-updatedAt" => q.order(p::updated_at.desc()),
        _ => q.order(p::title.asc()),
    };
    let rows = q
        .then_order_by(p::id.asc())
        .offset(page.offset)
        .limit(page.limit)
        .select(PracticeRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// The tables a practice or a proposal refers to by id.
#[derive(Debug, Clone, Copy)]
pub enum Referenced {
    Challenges,
    Organisations,
    Initiatives,
    GboProjects,
    Actions,
    Practices,
}

impl Referenced {
    fn table(self) -> &'static str {
        match self {
            Referenced::Challenges => "challenges",
            Referenced::Organisations => "organisations",
            Referenced::Initiatives => "initiatives",
            Referenced::GboProjects => "gbo_projects",
            Referenced::Actions => "actions",
            Referenced::Practices => "practices",
        }
    }
}

/// The ids of `ids` that the table lacks.
pub async fn missing_ids(
    conn: &mut AsyncPgConnection,
    table: Referenced,
    ids: &[Uuid],
) -> StorageResult<Vec<Uuid>> {
    #[derive(QueryableByName)]
    struct Missing {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: Uuid,
    }
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The table name is one of the fixed names above, never input.
    let statement = format!(
        "SELECT x AS id FROM unnest($1::uuid[]) x WHERE NOT EXISTS (SELECT 1 FROM {} t WHERE t.id = x)",
        table.table()
    );
    let found: Vec<Missing> = diesel::sql_query(statement)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(ids)
        .load(conn)
        .await?;
    Ok(found.into_iter().map(|m| m.id).collect())
}

/// The region ids (`municipalities`: false) or NIS codes (true) of `keys`
/// that are not known.
pub async fn missing_places(
    conn: &mut AsyncPgConnection,
    municipalities: bool,
    keys: &[String],
) -> StorageResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Missing {
        #[diesel(sql_type = diesel::sql_types::Text)]
        key: String,
    }
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let statement = if municipalities {
        "SELECT x AS key FROM unnest($1::text[]) x WHERE NOT EXISTS (SELECT 1 FROM municipalities t WHERE t.nis_code = x)"
    } else {
        "SELECT x AS key FROM unnest($1::text[]) x WHERE NOT EXISTS (SELECT 1 FROM regions t WHERE t.id = x)"
    };
    let found: Vec<Missing> = diesel::sql_query(statement)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(keys)
        .load(conn)
        .await?;
    Ok(found.into_iter().map(|m| m.key).collect())
}
