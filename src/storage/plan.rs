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

mod action_rows;
pub use action_rows::*;

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
