//! Actions: the plan's measures, the challenges they serve and the organisations that lead them.

use super::*;

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
