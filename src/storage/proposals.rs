//! Proposals for new actions, their life cycle and their comments.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Double, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::practices::Drafts;
use super::proposal_schema::{
    proposal_challenges, proposal_comments, proposal_details, proposal_organisations,
    proposal_practices, proposal_transitions, proposals,
};
use crate::domain::Page;

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
    if let Some(ids) = links.challenges {
        diesel::delete(proposal_challenges::table.filter(proposal_challenges::proposal_id.eq(id)))
            .execute(conn)
            .await?;
        let rows: Vec<_> = ids
            .iter()
            .map(|c| {
                (
                    proposal_challenges::proposal_id.eq(id),
                    proposal_challenges::challenge_id.eq(*c),
                )
            })
            .collect();
        diesel::insert_into(proposal_challenges::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    if let Some(ids) = links.organisations {
        diesel::delete(
            proposal_organisations::table.filter(proposal_organisations::proposal_id.eq(id)),
        )
        .execute(conn)
        .await?;
        let rows: Vec<_> = ids
            .iter()
            .map(|o| {
                (
                    proposal_organisations::proposal_id.eq(id),
                    proposal_organisations::organisation_id.eq(*o),
                )
            })
            .collect();
        diesel::insert_into(proposal_organisations::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    if let Some(ids) = links.practices {
        diesel::delete(proposal_practices::table.filter(proposal_practices::proposal_id.eq(id)))
            .execute(conn)
            .await?;
        let rows: Vec<_> = ids
            .iter()
            .map(|p| {
                (
                    proposal_practices::proposal_id.eq(id),
                    proposal_practices::practice_id.eq(*p),
                )
            })
            .collect();
        diesel::insert_into(proposal_practices::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
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

/// The proposal an action was created from, if any.
pub async fn of_action(conn: &mut AsyncPgConnection, action: Uuid) -> StorageResult<Option<Uuid>> {
    use super::schema::actions;
    Ok(actions::table
        .find(action)
        .select(actions::proposal_id)
        .first::<Option<Uuid>>(conn)
        .await
        .optional()?
        .flatten())
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
