//! A proposal's steps and decisions, its comments, and what is like it.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Double, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::proposal_schema::{proposal_comments, proposal_transitions};
use crate::domain::Page;

/// One step of a proposal's life cycle.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = proposal_transitions)]
pub struct TransitionRow {
    pub id: Uuid,
    pub proposal_id: Uuid,
    pub seq: i32,
    pub from_status: String,
    pub to_status: String,
    pub decision: bool,
    pub reason_code: Option<String>,
    pub reason: String,
    pub meeting: Option<String>,
    pub meeting_on: Option<NaiveDate>,
    pub supersedes: Option<Uuid>,
    pub actor_id: Uuid,
    pub actor_kind: String,
    pub actor_name: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = proposal_transitions)]
pub struct NewTransition {
    pub proposal_id: Uuid,
    pub seq: i32,
    pub from_status: String,
    pub to_status: String,
    pub decision: bool,
    pub reason_code: Option<String>,
    pub reason: String,
    pub meeting: Option<String>,
    pub meeting_on: Option<NaiveDate>,
    pub supersedes: Option<Uuid>,
    pub actor_id: Uuid,
    pub actor_kind: String,
    pub actor_name: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = proposal_comments)]
pub struct CommentRow {
    pub id: Uuid,
    pub proposal_id: Uuid,
    pub body: String,
    pub author_id: Uuid,
    pub author_kind: String,
    pub author_name: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = proposal_comments)]
pub struct NewComment {
    pub proposal_id: Uuid,
    pub body: String,
    pub author_id: Uuid,
    pub author_kind: String,
    pub author_name: String,
}

pub async fn insert_transition(
    conn: &mut AsyncPgConnection,
    new: NewTransition,
) -> StorageResult<TransitionRow> {
    Ok(diesel::insert_into(proposal_transitions::table)
        .values(new)
        .returning(TransitionRow::as_returning())
        .get_result(conn)
        .await?)
}

/// A page of a proposal's transitions (`decisions`: its decisions only), in
/// the order they were taken, and how many there are.
pub async fn transitions(
    conn: &mut AsyncPgConnection,
    proposal: Uuid,
    decisions: bool,
    page: &Page,
) -> StorageResult<(Vec<TransitionRow>, i64)> {
    use proposal_transitions as t;
    let query = || {
        let q = t::table.filter(t::proposal_id.eq(proposal)).into_boxed();
        if decisions { q.filter(t::decision) } else { q }
    };
    let total = query().count().get_result(conn).await?;
    let rows = query()
        .order(t::seq.asc())
        .offset(page.offset)
        .limit(page.limit)
        .select(TransitionRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// One of a proposal's decisions.
pub async fn decision(
    conn: &mut AsyncPgConnection,
    proposal: Uuid,
    id: Uuid,
) -> StorageResult<TransitionRow> {
    use proposal_transitions as t;
    Ok(t::table
        .filter(
            t::proposal_id
                .eq(proposal)
                .and(t::id.eq(id))
                .and(t::decision),
        )
        .select(TransitionRow::as_select())
        .first(conn)
        .await?)
}

pub async fn insert_comment(
    conn: &mut AsyncPgConnection,
    new: NewComment,
) -> StorageResult<CommentRow> {
    Ok(diesel::insert_into(proposal_comments::table)
        .values(new)
        .returning(CommentRow::as_returning())
        .get_result(conn)
        .await?)
}

/// A page of a proposal's comments, oldest first, and how many there are.
pub async fn comments(
    conn: &mut AsyncPgConnection,
    proposal: Uuid,
    page: &Page,
) -> StorageResult<(Vec<CommentRow>, i64)> {
    use proposal_comments as c;
    let total = c::table
        .filter(c::proposal_id.eq(proposal))
        .count()
        .get_result(conn)
        .await?;
    let rows = c::table
        .filter(c::proposal_id.eq(proposal))
        .order((c::at.asc(), c::id.asc()))
        .offset(page.offset)
        .limit(page.limit)
        .select(CommentRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// A record whose title is like a proposal's.
#[derive(Debug, Clone, QueryableByName)]
pub struct Alike {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Double)]
    pub similarity: f64,
}

/// How alike two titles must be (trigram similarity of their unaccented,
/// lowercased text) to be shown.
pub const ALIKE: f64 = 0.3;

const SIMILAR_PROPOSALS: &str = "
    SELECT p.id, '' AS code, p.title, p.status,
           similarity(ssw_unaccent(lower(p.title)), ssw_unaccent(lower($2)))::float8 AS similarity
      FROM proposals p
     WHERE p.plan_id = $1 AND p.id <> $3 AND p.submitted_at IS NOT NULL
       AND similarity(ssw_unaccent(lower(p.title)), ssw_unaccent(lower($2))) >= $4
     ORDER BY similarity DESC, p.id LIMIT 5";

const SIMILAR_ACTIONS: &str = "
    SELECT a.id, a.code, a.title, a.status,
           similarity(ssw_unaccent(lower(a.title)), ssw_unaccent(lower($2)))::float8 AS similarity
      FROM actions a
     WHERE a.plan_id = $1 AND a.proposal_id IS DISTINCT FROM $3
       AND similarity(ssw_unaccent(lower(a.title)), ssw_unaccent(lower($2))) >= $4
     ORDER BY similarity DESC, a.number LIMIT 5";

/// The submitted proposals (other than `own`) and the actions of `plan`
/// whose titles are most like `title`: five of each at most.
pub async fn similar(
    conn: &mut AsyncPgConnection,
    plan: Uuid,
    own: Uuid,
    title: &str,
) -> StorageResult<(Vec<Alike>, Vec<Alike>)> {
    let mut found = Vec::new();
    for statement in [SIMILAR_PROPOSALS, SIMILAR_ACTIONS] {
        found.push(
            diesel::sql_query(statement)
                .bind::<SqlUuid, _>(plan)
                .bind::<Text, _>(title)
                .bind::<SqlUuid, _>(own)
                .bind::<Double, _>(ALIKE)
                .load::<Alike>(conn)
                .await?,
        );
    }
    let actions = found.pop().unwrap_or_default();
    let proposals = found.pop().unwrap_or_default();
    Ok((proposals, actions))
}

/// Locks the plan's action numbers for the rest of the transaction and
/// gives the next free one: one more than the highest.
pub async fn next_action_number(conn: &mut AsyncPgConnection, plan: Uuid) -> StorageResult<i32> {
    use super::schema::{actions, plans};
    plans::table
        .find(plan)
        .for_no_key_update()
        .select(plans::id)
        .first::<Uuid>(conn)
        .await?;
    let highest: Option<i32> = actions::table
        .filter(actions::plan_id.eq(plan))
        .select(diesel::dsl::max(actions::number))
        .first(conn)
        .await?;
    Ok(highest.unwrap_or(0) + 1)
}

/// One comment on a proposal.
pub async fn comment(
    conn: &mut AsyncPgConnection,
    proposal: Uuid,
    id: Uuid,
) -> StorageResult<CommentRow> {
    use proposal_comments as c;
    Ok(c::table
        .filter(c::proposal_id.eq(proposal).and(c::id.eq(id)))
        .select(CommentRow::as_select())
        .first(conn)
        .await?)
}

/// The proposal's reconsidered decisions, each with the one that superseded it.
pub async fn superseded(
    conn: &mut AsyncPgConnection,
    proposal: Uuid,
) -> StorageResult<Vec<(Uuid, Uuid)>> {
    use proposal_transitions as t;
    let pairs: Vec<(Option<Uuid>, Uuid)> = t::table
        .filter(t::proposal_id.eq(proposal).and(t::supersedes.is_not_null()))
        .select((t::supersedes, t::id))
        .load(conn)
        .await?;
    Ok(pairs
        .into_iter()
        .filter_map(|(old, new)| Some((old?, new)))
        .collect())
}
