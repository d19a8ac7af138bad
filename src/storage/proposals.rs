//! Proposals for new actions, their life cycle and their comments.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::practices::Drafts;
use super::proposal_schema::{
    proposal_challenges, proposal_details, proposal_organisations, proposal_practices, proposals,
};
use crate::domain::Page;

pub use super::proposal_steps::{
    Alike, CommentRow, NewComment, NewTransition, TransitionRow, comment, comments, decision,
    insert_comment, insert_transition, next_action_number, similar, superseded, transitions,
};

/// A proposal with what it names, its action and its latest decision.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = proposal_details)]
pub struct ProposalRow {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub region_id: String,
    pub title: String,
    pub rationale: String,
    pub status: String,
    pub author_ids: Vec<Uuid>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub example: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub challenge_ids: Vec<Uuid>,
    pub organisation_ids: Vec<Uuid>,
    pub practice_ids: Vec<Uuid>,
    pub action_id: Option<Uuid>,
    pub decision_id: Option<Uuid>,
    pub last_seq: Option<i32>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = proposals)]
pub struct NewProposal {
    pub plan_id: Uuid,
    pub region_id: String,
    pub title: String,
    pub rationale: String,
    pub author_ids: Vec<Uuid>,
    pub example: bool,
}

/// The text of a proposal a change sets; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = proposals)]
pub struct ProposalText {
    pub title: Option<String>,
    pub rationale: Option<String>,
}

/// The records a proposal names; `None` leaves a list as it is.
#[derive(Debug, Default)]
pub struct ProposalLinks<'a> {
    pub challenges: Option<&'a [Uuid]>,
    pub organisations: Option<&'a [Uuid]>,
    pub practices: Option<&'a [Uuid]>,
}

/// Which proposals a list holds: every filter given must match, and a list
/// matches any of its values.
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    /// Which proposals never submitted the caller sees.
    pub drafts: Drafts,
    pub plan: Vec<Uuid>,
    pub region: Vec<String>,
    pub status: Vec<String>,
    pub challenge: Vec<Uuid>,
    /// Text in the title.
    pub q: Option<String>,
}

/// The moment a write is recorded (migration 12): now, unless the
/// transaction enters history after the fact.
fn recording_time() -> diesel::expression::SqlLiteral<diesel::sql_types::Timestamptz> {
    diesel::dsl::sql("recording_time(now())")
}

pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<ProposalRow> {
    Ok(proposal_details::table
        .find(id)
        .select(ProposalRow::as_select())
        .first(conn)
        .await?)
}

/// Locks the proposal for the rest of the transaction and reads it.
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<ProposalRow> {
    proposals::table
        .find(id)
        .for_update()
        .select(proposals::id)
        .first::<Uuid>(conn)
        .await?;
    get(conn, id).await
}

pub async fn insert(conn: &mut AsyncPgConnection, new: NewProposal) -> StorageResult<Uuid> {
    Ok(diesel::insert_into(proposals::table)
        .values(new)
        .returning(proposals::id)
        .get_result(conn)
        .await?)
}

/// Sets the text given and moves the version on.
pub async fn update_text(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    text: ProposalText,
) -> StorageResult<()> {
    touch(conn, id).await?;
    if text.title.is_some() || text.rationale.is_some() {
        diesel::update(proposals::table.find(id))
            .set(text)
            .execute(conn)
            .await?;
    }
    Ok(())
}

async fn touch(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::update(proposals::table.find(id))
        .set((
            proposals::version.eq(proposals::version + 1),
            proposals::updated_at.eq(recording_time()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves the proposal to `status`, noting the first submission, and the version on.
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: &str,
    submitted: bool,
) -> StorageResult<()> {
    let first_submission = diesel::dsl::sql::<
        diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
    >(if submitted {
        "COALESCE(submitted_at, recording_time(now()))"
    } else {
        "submitted_at"
    });
    diesel::update(proposals::table.find(id))
        .set((
            proposals::status.eq(status),
            proposals::submitted_at.eq(first_submission),
            proposals::version.eq(proposals::version + 1),
            proposals::updated_at.eq(recording_time()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces each list given.
pub async fn set_links(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    links: ProposalLinks<'_>,
) -> StorageResult<()> {
    // One link table: its rows of this proposal replaced by `ids`.
    macro_rules! replace {
        ($table:ident, $column:ident, $ids:expr) => {
            if let Some(ids) = $ids {
                diesel::delete($table::table.filter($table::proposal_id.eq(id)))
                    .execute(conn)
                    .await?;
                let rows: Vec<_> = ids
                    .iter()
                    .map(|x| ($table::proposal_id.eq(id), $table::$column.eq(*x)))
                    .collect();
                diesel::insert_into($table::table)
                    .values(rows)
                    .on_conflict_do_nothing()
                    .execute(conn)
                    .await?;
            }
        };
    }
    replace!(proposal_challenges, challenge_id, links.challenges);
    replace!(proposal_organisations, organisation_id, links.organisations);
    replace!(proposal_practices, practice_id, links.practices);
    Ok(())
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::delete(proposals::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// A page of the proposals the filter selects, and how many it selects.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &ProposalFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<ProposalRow>, i64)> {
    use proposal_details as p;
    let query = || {
        let mut q = p::table.into_boxed();
        q = match &filter.drafts {
            Drafts::All => q,
            Drafts::None => q.filter(p::submitted_at.is_not_null()),
            Drafts::Of { author, region } => q.filter(
                p::submitted_at
                    .is_not_null()
                    .or(p::author_ids.contains(vec![*author]))
                    .or(p::region_id.nullable().eq(region.clone())),
            ),
        };
        if !filter.plan.is_empty() {
            q = q.filter(p::plan_id.eq_any(filter.plan.clone()));
        }
        if !filter.region.is_empty() {
            q = q.filter(p::region_id.eq_any(filter.region.clone()));
        }
        if !filter.status.is_empty() {
            q = q.filter(p::status.eq_any(filter.status.clone()));
        }
        if !filter.challenge.is_empty() {
            q = q.filter(
                p::id.eq_any(
                    proposal_challenges::table
                        .filter(proposal_challenges::challenge_id.eq_any(filter.challenge.clone()))
                        .select(proposal_challenges::proposal_id),
                ),
            );
        }
        if let Some(text) = &filter.q {
            q = q.filter(p::title.ilike(super::escape_like(text)));
        }
        q
    };
    let total: i64 = query().count().get_result(conn).await?;
    let q = match sort {
        "-title" => query().order(p::title.desc()),
        "title" => query().order(p::title.asc()),
        "updatedAt" => query().order(p::updated_at.asc()),
        "createdAt" => query().order(p::created_at.asc()),
        "-createdAt" => query().order(p::created_at.desc()),
        _ => query().order(p::updated_at.desc()),
    };
    let rows = q
        .then_order_by(p::id.asc())
        .offset(page.offset)
        .limit(page.limit)
        .select(ProposalRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}
