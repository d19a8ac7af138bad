//! Plans, their challenges and their actions.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Array, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::principals::Page;
use super::schema::{
    action_challenges, action_leads, actions, challenges, initiatives, plans, progress_updates,
};
use super::{StorageResult, escape_like};

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
}

#[derive(Debug, Insertable)]
#[diesel(table_name = challenges)]
pub struct NewChallenge {
    pub plan_id: Uuid,
    pub code: String,
    pub number: i32,
    pub title: String,
    pub description: String,
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

type ActionSelect = (
    diesel::helper_types::AsSelect<ActionRow, diesel::pg::Pg>,
    diesel::expression::SqlLiteral<Array<SqlUuid>>,
    diesel::expression::SqlLiteral<Array<SqlUuid>>,
);

fn action_select() -> ActionSelect {
    (
        ActionRow::as_select(),
        sql::<Array<SqlUuid>>(
            "ARRAY(SELECT c.challenge_id FROM action_challenges c \
             JOIN challenges ch ON ch.id = c.challenge_id \
             WHERE c.action_id = actions.id ORDER BY ch.number)",
        ),
        sql::<Array<SqlUuid>>(
            "ARRAY(SELECT l.organisation_id FROM action_leads l \
             WHERE l.action_id = actions.id ORDER BY l.organisation_id)",
        ),
    )
}

fn action_record(
    (row, challenge_ids, lead_organisation_ids): (ActionRow, Vec<Uuid>, Vec<Uuid>),
) -> ActionRecord {
    ActionRecord {
        row,
        challenge_ids,
        lead_organisation_ids,
    }
}

pub async fn get_action(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<ActionRecord> {
    Ok(actions::table
        .find(id)
        .select(action_select())
        .first(conn)
        .await
        .map(action_record)?)
}

pub async fn lock_action(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<ActionRecord> {
    Ok(actions::table
        .find(id)
        .for_update()
        .select(action_select())
        .first(conn)
        .await
        .map(action_record)?)
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
        let mut q = actions::table.into_boxed();
        if !filter.plan.is_empty() {
            q = q.filter(actions::plan_id.eq_any(filter.plan.clone()));
        }
        if !filter.challenge.is_empty() {
            q = q.filter(
                actions::id.eq_any(
                    action_challenges::table
                        .filter(action_challenges::challenge_id.eq_any(filter.challenge.clone()))
                        .select(action_challenges::action_id),
                ),
            );
        }
        if !filter.status.is_empty() {
            q = q.filter(actions::status.eq_any(filter.status.clone()));
        }
        if let Some(text) = &filter.q {
            let pattern = escape_like(text);
            q = q.filter(
                actions::title
                    .ilike(pattern.clone())
                    .or(actions::code.ilike(pattern)),
            );
        }
        if filter.published_only {
            q = q.filter(
                actions::plan_id.eq_any(
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
        "-number" => query().order(actions::number.desc()),
        "code" => query().order(actions::code.asc()),
        "-code" => query().order(actions::code.desc()),
        "title" => query().order(actions::title.asc()),
        "-title" => query().order(actions::title.desc()),
        "updatedAt" => query().order(actions::updated_at.asc()),
        "-updatedAt" => query().order(actions::updated_at.desc()),
        _ => query().order(actions::number.asc()),
    };
    let rows = q
        .then_order_by(actions::id.asc())
        .offset(page.offset)
        .limit(page.limit)
        .select(action_select())
        .load(conn)
        .await?;
    Ok((rows.into_iter().map(action_record).collect(), total))
}

pub async fn actions_of_plan(
    conn: &mut AsyncPgConnection,
    plan_id: Uuid,
) -> StorageResult<Vec<ActionRecord>> {
    let rows = actions::table
        .filter(actions::plan_id.eq(plan_id))
        .order(actions::number.asc())
        .select(action_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(action_record).collect())
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
    Ok(describe(&[
        (initiative_count, "initiatives"),
        (
            update_count,
            "progress updates (set its status to dropped instead)",
        ),
    ]))
}
