//! Plans, their challenges and their actions.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{
    action_challenges, action_details, action_leads, actions, challenges, initiatives, plans,
    progress_updates,
};
use super::{StorageResult, escape_like};
use crate::domain::Page;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plans)]
pub struct PlanRow {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub description: String,
    pub start_year: i32,
    pub end_year: i32,
    pub status: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub example: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = plans)]
pub struct NewPlan {
    pub code: String,
    pub title: String,
    pub description: String,
    pub start_year: i32,
    pub end_year: i32,
    pub status: String,
    pub example: bool,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = plans)]
pub struct PlanChanges {
    pub code: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = challenges)]
pub struct ChallengeRow {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub code: String,
    pub number: i32,
    pub title: String,
    pub description: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub example: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = challenges)]
pub struct NewChallenge {
    pub plan_id: Uuid,
    pub code: String,
    pub number: i32,
    pub title: String,
    pub description: String,
    pub example: bool,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = challenges)]
pub struct ChallengeChanges {
    pub code: Option<String>,
    pub number: Option<i32>,
    pub title: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = actions)]
pub struct ActionRow {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub code: String,
    pub number: i32,
    pub title: String,
    pub description: String,
    pub origin: String,
    pub proposed_by_region_id: Option<String>,
    pub status: String,
    pub progress: Option<i16>,
    pub effective_progress: Option<i16>,
    pub weight: f64,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub last_progress_on: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub example: bool,
    /// The proposal accepting created it from.
    pub proposal_id: Option<Uuid>,
}

/// An action with the challenges it serves and the organisations that lead it.
#[derive(Debug, Clone)]
pub struct ActionRecord {
    pub row: ActionRow,
    pub challenge_ids: Vec<Uuid>,
    pub lead_organisation_ids: Vec<Uuid>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = actions)]
pub struct NewAction {
    pub plan_id: Uuid,
    pub code: String,
    pub number: i32,
    pub title: String,
    pub description: String,
    pub origin: String,
    pub proposed_by_region_id: Option<String>,
    pub status: String,
    pub progress: Option<i16>,
    pub weight: f64,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub example: bool,
    pub proposal_id: Option<Uuid>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = actions)]
pub struct ActionChanges {
    pub code: Option<String>,
    pub number: Option<i32>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub origin: Option<String>,
    pub proposed_by_region_id: Option<Option<String>>,
    pub weight: Option<f64>,
    pub start_date: Option<Option<NaiveDate>>,
    pub end_date: Option<Option<NaiveDate>>,
}

// ---- plans ----

pub async fn get_plan(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<PlanRow> {
    Ok(plans::table
        .find(id)
        .select(PlanRow::as_select())
        .first(conn)
        .await?)
}

/// The plan with this code, if any.
pub async fn plan_by_code(
    conn: &mut AsyncPgConnection,
    code: &str,
) -> StorageResult<Option<PlanRow>> {
    Ok(plans::table
        .filter(plans::code.eq(code))
        .select(PlanRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

pub async fn lock_plan(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<PlanRow> {
    Ok(plans::table
        .find(id)
        .for_update()
        .select(PlanRow::as_select())
        .first(conn)
        .await?)
}

pub async fn list_plans(
    conn: &mut AsyncPgConnection,
    statuses: &[String],
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<PlanRow>, i64)> {
    let query = || {
        let mut q = plans::table.into_boxed();
        if !statuses.is_empty() {
            q = q.filter(plans::status.eq_any(statuses.to_vec()));
        }
        q
    };
    let total = query().count().get_result(conn).await?;
    let q = match sort {
        "-startYear" => query().order(plans::start_year.desc()),
        "code" => query().order(plans::code.asc()),
        "-code" => query().order(plans::code.desc()),
        _ => query().order(plans::start_year.asc()),
    };
    let rows = q
        .then_order_by(plans::id.asc())
        .offset(page.offset)
        .limit(page.limit)
        .select(PlanRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

pub async fn insert_plan(conn: &mut AsyncPgConnection, new: NewPlan) -> StorageResult<PlanRow> {
    Ok(diesel::insert_into(plans::table)
        .values(new)
        .returning(PlanRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn update_plan(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: PlanChanges,
) -> StorageResult<PlanRow> {
    Ok(diesel::update(plans::table.find(id))
        .set((
            changes,
            plans::version.eq(plans::version + 1),
            plans::updated_at.eq(diesel::dsl::now),
        ))
        .returning(PlanRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn delete_plan(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::delete(plans::table.find(id)).execute(conn).await?;
    Ok(())
}

/// What refers to a plan, in words.
pub async fn plan_references(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<Vec<String>> {
    let challenge_count: i64 = challenges::table
        .filter(challenges::plan_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let action_count: i64 = actions::table
        .filter(actions::plan_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    Ok(describe(&[
        (challenge_count, "challenges"),
        (action_count, "actions"),
    ]))
}

fn describe(counts: &[(i64, &str)]) -> Vec<String> {
    counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect()
}

/// Whether the plan exists and, for `published_only`, is published.
pub async fn plan_visible(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    published_only: bool,
) -> StorageResult<bool> {
    let mut q = plans::table.filter(plans::id.eq(id)).into_boxed();
    if published_only {
        q = q.filter(plans::status.ne("draft"));
    }
    Ok(diesel::select(diesel::dsl::exists(q))
        .get_result(conn)
        .await?)
}

// ---- challenges ----

pub async fn get_challenge(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<ChallengeRow> {
    Ok(challenges::table
        .find(id)
        .select(ChallengeRow::as_select())
        .first(conn)
        .await?)
}

pub async fn lock_challenge(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<ChallengeRow> {
    Ok(challenges::table
        .find(id)
        .for_update()
        .select(ChallengeRow::as_select())
        .first(conn)
        .await?)
}

pub async fn list_challenges(
    conn: &mut AsyncPgConnection,
    plan_ids: &[Uuid],
    published_only: bool,
    page: &Page,
) -> StorageResult<(Vec<ChallengeRow>, i64)> {
    let query = || {
        let mut q = challenges::table.into_boxed();
        if !plan_ids.is_empty() {
            q = q.filter(challenges::plan_id.eq_any(plan_ids.to_vec()));
        }
        if published_only {
            q = q.filter(
                challenges::plan_id.eq_any(
                    plans::table
                        .filter(plans::status.ne("draft"))
                        .select(plans::id),
                ),
            );
        }
        q
    };
    let total = query().count().get_result(conn).await?;
    let rows = query()
        .order((challenges::plan_id.asc(), challenges::number.asc()))
        .offset(page.offset)
        .limit(page.limit)
        .select(ChallengeRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

pub async fn challenges_of_plan(
    conn: &mut AsyncPgConnection,
    plan_id: Uuid,
) -> StorageResult<Vec<ChallengeRow>> {
    Ok(challenges::table
        .filter(challenges::plan_id.eq(plan_id))
        .order(challenges::number.asc())
        .select(ChallengeRow::as_select())
        .load(conn)
        .await?)
}

pub async fn insert_challenge(
    conn: &mut AsyncPgConnection,
    new: NewChallenge,
) -> StorageResult<ChallengeRow> {
    Ok(diesel::insert_into(challenges::table)
        .values(new)
        .returning(ChallengeRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn update_challenge(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: ChallengeChanges,
) -> StorageResult<ChallengeRow> {
    Ok(diesel::update(challenges::table.find(id))
        .set((
            changes,
            challenges::version.eq(challenges::version + 1),
            challenges::updated_at.eq(diesel::dsl::now),
        ))
        .returning(ChallengeRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn delete_challenge(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::delete(challenges::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn challenge_references(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> StorageResult<Vec<String>> {
    let served: i64 = action_challenges::table
        .filter(action_challenges::challenge_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    Ok(describe(&[(served, "actions that serve it")]))
}

/// The ids among `ids` that are not challenges of `plan_id`.
pub async fn challenges_not_in_plan(
    conn: &mut AsyncPgConnection,
    plan_id: Uuid,
    ids: &[Uuid],
) -> StorageResult<Vec<Uuid>> {
    let found: Vec<Uuid> = challenges::table
        .filter(challenges::plan_id.eq(plan_id))
        .filter(challenges::id.eq_any(ids))
        .select(challenges::id)
        .load(conn)
        .await?;
    Ok(ids
        .iter()
        .filter(|id| !found.contains(id))
        .copied()
        .collect())
}

// ---- actions ----

/// A row of the `action_details` view: the action and its lists.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = action_details)]
struct DetailRow {
    id: Uuid,
    plan_id: Uuid,
    code: String,
    number: i32,
    title: String,
    description: String,
    origin: String,
    proposed_by_region_id: Option<String>,
    status: String,
    progress: Option<i16>,
    effective_progress: Option<i16>,
    weight: f64,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    last_progress_on: Option<NaiveDate>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    example: bool,
    challenge_ids: Vec<Uuid>,
    lead_ids: Vec<Uuid>,
    proposal_id: Option<Uuid>,
}

impl From<DetailRow> for ActionRecord {
    fn from(d: DetailRow) -> Self {
        ActionRecord {
            row: ActionRow {
                id: d.id,
                plan_id: d.plan_id,
                code: d.code,
                number: d.number,
                title: d.title,
                description: d.description,
                origin: d.origin,
                proposed_by_region_id: d.proposed_by_region_id,
                status: d.status,
                progress: d.progress,
                effective_progress: d.effective_progress,
                weight: d.weight,
                start_date: d.start_date,
                end_date: d.end_date,
                last_progress_on: d.last_progress_on,
                version: d.version,
                created_at: d.created_at,
                updated_at: d.updated_at,
                example: d.example,
                proposal_id: d.proposal_id,
            },
            challenge_ids: d.challenge_ids,
            lead_organisation_ids: d.lead_ids,
        }
    }
}

pub async fn get_action(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<ActionRecord> {
    Ok(action_details::table
        .find(id)
        .select(DetailRow::as_select())
        .first(conn)
        .await
        .map(ActionRecord::from)?)
}

/// Locks the action for the rest of the transaction and reads it.
pub async fn lock_action(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<ActionRecord> {
    actions::table
        .find(id)
        .for_update()
        .select(actions::id)
        .first::<Uuid>(conn)
        .await?;
    get_action(conn, id).await
}

#[derive(Debug, Default)]
pub struct ActionFilter {
    pub plan: Vec<Uuid>,
    pub challenge: Vec<Uuid>,
    pub status: Vec<String>,
    pub q: Option<String>,
    pub published_only: bool,
}

pub async fn list_actions(
    conn: &mut AsyncPgConnection,
    filter: &ActionFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<ActionRecord>, i64)> {
    let query = || {
        let mut q = action_details::table.into_boxed();
        if !filter.plan.is_empty() {
            q = q.filter(action_details::plan_id.eq_any(filter.plan.clone()));
        }
        if !filter.challenge.is_empty() {
            q = q.filter(
                action_details::id.eq_any(
                    action_challenges::table
                        .filter(action_challenges::challenge_id.eq_any(filter.challenge.clone()))
                        .select(action_challenges::action_id),
                ),
            );
        }
        if !filter.status.is_empty() {
            q = q.filter(action_details::status.eq_any(filter.status.clone()));
        }
        if let Some(text) = &filter.q {
            let pattern = escape_like(text);
            q = q.filter(
                action_details::title
                    .ilike(pattern.clone())
                    .or(action_details::code.ilike(pattern)),
            );
        }
        if filter.published_only {
            q = q.filter(
                action_details::plan_id.eq_any(
                    plans::table
                        .filter(plans::status.ne("draft"))
                        .select(plans::id),
                ),
            );
        }
        q
    };
    let total = query().count().get_result(conn).await?;
    let q = match sort {
        "-number" => query().order(action_details::number.desc()),
        "code" => query().order(action_details::code.asc()),
        "-code" => query().order(action_details::code.desc()),
        "title" => query().order(action_details::title.asc()),
        "-title" => query().order(action_details::title.desc()),
        "updatedAt" => query().order(action_details::updated_at.asc()),
        "-updatedAt" => query().order(action_details::updated_at.desc()),
        _ => query().order(action_details::number.asc()),
    };
    let rows = q
        .then_order_by(action_details::id.asc())
        .offset(page.offset)
        .limit(page.limit)
        .select(DetailRow::as_select())
        .load(conn)
        .await?;
    Ok((rows.into_iter().map(ActionRecord::from).collect(), total))
}

pub async fn actions_of_plan(
    conn: &mut AsyncPgConnection,
    plan_id: Uuid,
) -> StorageResult<Vec<ActionRecord>> {
    let rows = action_details::table
        .filter(action_details::plan_id.eq(plan_id))
        .order(action_details::number.asc())
        .select(DetailRow::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(ActionRecord::from).collect())
}

pub async fn insert_action(conn: &mut AsyncPgConnection, new: NewAction) -> StorageResult<Uuid> {
    Ok(diesel::insert_into(actions::table)
        .values(new)
        .returning(actions::id)
        .get_result(conn)
        .await?)
}

pub async fn update_action(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: ActionChanges,
) -> StorageResult<()> {
    diesel::update(actions::table.find(id))
        .set((
            changes,
            actions::version.eq(actions::version + 1),
            actions::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the challenges an action serves.
pub async fn set_action_challenges(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    challenge_ids: &[Uuid],
) -> StorageResult<()> {
    diesel::delete(action_challenges::table.filter(action_challenges::action_id.eq(id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = challenge_ids
        .iter()
        .map(|c| {
            (
                action_challenges::action_id.eq(id),
                action_challenges::challenge_id.eq(*c),
            )
        })
        .collect();
    diesel::insert_into(action_challenges::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the organisations that lead an action.
pub async fn set_action_leads(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    organisation_ids: &[Uuid],
) -> StorageResult<()> {
    diesel::delete(action_leads::table.filter(action_leads::action_id.eq(id)))
        .execute(conn)
        .await?;
    if organisation_ids.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = organisation_ids
        .iter()
        .map(|o| {
            (
                action_leads::action_id.eq(id),
                action_leads::organisation_id.eq(*o),
            )
        })
        .collect();
    diesel::insert_into(action_leads::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_action(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::delete(actions::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn action_references(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> StorageResult<Vec<String>> {
    let initiative_count: i64 = initiatives::table
        .filter(initiatives::action_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let update_count: i64 = progress_updates::table
        .filter(progress_updates::action_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let from_proposal: i64 = actions::table
        .filter(actions::id.eq(id).and(actions::proposal_id.is_not_null()))
        .count()
        .get_result(conn)
        .await?;
    Ok(describe(&[
        (initiative_count, "initiatives"),
        (
            update_count,
            "progress updates (set its status to dropped instead)",
        ),
        (from_proposal, "proposal it was accepted from"),
    ]))
}
