//! Initiatives, their timeline of progress updates, and the sums the
//! progress roll-up is built from.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::schema::{
    actions, initiative_details, initiative_municipalities, initiative_partners,
    initiative_regions, initiatives, progress_updates, service_accounts, users,
};
use crate::domain::Page;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = initiatives)]
pub struct InitiativeRow {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub action_id: Uuid,
    pub code: String,
    pub title: String,
    pub description: String,
    pub lead_organisation_id: Uuid,
    pub primary_care_zone_id: Option<Uuid>,
    pub status: String,
    pub progress: Option<i16>,
    pub effective_progress: Option<i16>,
    pub weight: f64,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub external_id: Option<String>,
    pub last_progress_on: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub example: bool,
}

/// An initiative with its regions, partner organisations and municipalities.
#[derive(Debug, Clone)]
pub struct InitiativeRecord {
    pub row: InitiativeRow,
    pub regions: Vec<String>,
    pub partner_ids: Vec<Uuid>,
    pub municipalities: Vec<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = initiatives)]
pub struct NewInitiative {
    pub plan_id: Uuid,
    pub action_id: Uuid,
    pub code: String,
    pub title: String,
    pub description: String,
    pub lead_organisation_id: Uuid,
    pub primary_care_zone_id: Option<Uuid>,
    pub status: String,
    pub progress: Option<i16>,
    pub weight: f64,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub external_id: Option<String>,
    pub external_source: Option<Uuid>,
    pub example: bool,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = initiatives)]
pub struct InitiativeChanges {
    pub plan_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    pub code: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub lead_organisation_id: Option<Uuid>,
    pub primary_care_zone_id: Option<Option<Uuid>>,
    pub weight: Option<f64>,
    pub start_date: Option<Option<NaiveDate>>,
    pub end_date: Option<Option<NaiveDate>>,
    pub external_id: Option<Option<String>>,
    pub external_source: Option<Option<Uuid>>,
}

/// The children of an initiative, to replace after a write.
#[derive(Debug, Default)]
pub struct InitiativeLinks<'a> {
    pub regions: Option<&'a [String]>,
    pub partner_ids: Option<&'a [Uuid]>,
    pub municipalities: Option<&'a [String]>,
}

/// A row of the `initiative_details` view: the initiative and its lists.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = initiative_details)]
pub(super) struct DetailRow {
    id: Uuid,
    plan_id: Uuid,
    action_id: Uuid,
    code: String,
    title: String,
    description: String,
    lead_organisation_id: Uuid,
    primary_care_zone_id: Option<Uuid>,
    status: String,
    progress: Option<i16>,
    effective_progress: Option<i16>,
    weight: f64,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    external_id: Option<String>,
    last_progress_on: Option<NaiveDate>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    example: bool,
    region_ids: Vec<String>,
    partner_ids: Vec<Uuid>,
    municipality_codes: Vec<String>,
}

impl From<DetailRow> for InitiativeRecord {
    fn from(d: DetailRow) -> Self {
        InitiativeRecord {
            row: InitiativeRow {
                id: d.id,
                plan_id: d.plan_id,
                action_id: d.action_id,
                code: d.code,
                title: d.title,
                description: d.description,
                lead_organisation_id: d.lead_organisation_id,
                primary_care_zone_id: d.primary_care_zone_id,
                status: d.status,
                progress: d.progress,
                effective_progress: d.effective_progress,
                weight: d.weight,
                start_date: d.start_date,
                end_date: d.end_date,
                external_id: d.external_id,
                last_progress_on: d.last_progress_on,
                version: d.version,
                created_at: d.created_at,
                updated_at: d.updated_at,
                example: d.example,
            },
            regions: d.region_ids,
            partner_ids: d.partner_ids,
            municipalities: d.municipality_codes,
        }
    }
}

pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<InitiativeRecord> {
    Ok(initiative_details::table
        .find(id)
        .select(DetailRow::as_select())
        .first(conn)
        .await
        .map(InitiativeRecord::from)?)
}

/// Locks the initiative for the rest of the transaction and reads it.
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<InitiativeRecord> {
    initiatives::table
        .find(id)
        .for_update()
        .select(initiatives::id)
        .first::<Uuid>(conn)
        .await?;
    get(conn, id).await
}

pub use super::initiative_list::{InitiativeFilter, list};

pub async fn insert(conn: &mut AsyncPgConnection, new: NewInitiative) -> StorageResult<Uuid> {
    Ok(diesel::insert_into(initiatives::table)
        .values(new)
        .returning(initiatives::id)
        .get_result(conn)
        .await?)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: InitiativeChanges,
) -> StorageResult<()> {
    diesel::update(initiatives::table.find(id))
        .set((
            changes,
            initiatives::version.eq(initiatives::version + 1),
            initiatives::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the children that are given.
pub async fn set_links(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    links: InitiativeLinks<'_>,
) -> StorageResult<()> {
    if let Some(regions) = links.regions {
        diesel::delete(initiative_regions::table.filter(initiative_regions::initiative_id.eq(id)))
            .execute(conn)
            .await?;
        let rows: Vec<_> = regions
            .iter()
            .map(|r| {
                (
                    initiative_regions::initiative_id.eq(id),
                    initiative_regions::region_id.eq(r.as_str()),
                )
            })
            .collect();
        diesel::insert_into(initiative_regions::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    if let Some(partners) = links.partner_ids {
        diesel::delete(
            initiative_partners::table.filter(initiative_partners::initiative_id.eq(id)),
        )
        .execute(conn)
        .await?;
        let rows: Vec<_> = partners
            .iter()
            .map(|o| {
                (
                    initiative_partners::initiative_id.eq(id),
                    initiative_partners::organisation_id.eq(*o),
                )
            })
            .collect();
        diesel::insert_into(initiative_partners::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    if let Some(codes) = links.municipalities {
        diesel::delete(
            initiative_municipalities::table
                .filter(initiative_municipalities::initiative_id.eq(id)),
        )
        .execute(conn)
        .await?;
        let rows: Vec<_> = codes
            .iter()
            .map(|c| {
                (
                    initiative_municipalities::initiative_id.eq(id),
                    initiative_municipalities::nis_code.eq(c.as_str()),
                )
            })
            .collect();
        diesel::insert_into(initiative_municipalities::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::delete(initiatives::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn progress_update_count(
    conn: &mut AsyncPgConnection,
    initiative_id: Uuid,
) -> StorageResult<i64> {
    Ok(progress_updates::table
        .filter(progress_updates::initiative_id.eq(initiative_id))
        .count()
        .get_result(conn)
        .await?)
}

/// The plan an action belongs to, if the action exists.
pub async fn plan_of_action(
    conn: &mut AsyncPgConnection,
    action_id: Uuid,
) -> StorageResult<Option<Uuid>> {
    Ok(actions::table
        .find(action_id)
        .select(actions::plan_id)
        .first(conn)
        .await
        .optional()?)
}

// ---- progress updates ----

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = progress_updates)]
pub struct ProgressUpdateRow {
    pub id: Uuid,
    pub initiative_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    pub date: NaiveDate,
    pub status: String,
    pub progress: Option<i16>,
    pub effective_progress: Option<i16>,
    pub narrative: String,
    pub author_id: Uuid,
    pub author_kind: String,
    pub author_name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = progress_updates)]
pub struct NewProgressUpdate {
    pub initiative_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    pub date: NaiveDate,
    pub status: String,
    pub progress: Option<i16>,
    pub narrative: String,
    pub author_id: Uuid,
    pub author_kind: String,
    pub author_name: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_progress_update(
    conn: &mut AsyncPgConnection,
    new: NewProgressUpdate,
) -> StorageResult<ProgressUpdateRow> {
    Ok(diesel::insert_into(progress_updates::table)
        .values(new)
        .returning(ProgressUpdateRow::as_returning())
        .get_result(conn)
        .await?)
}

/// Makes the update the initiative's current status, progress and last update day.
pub async fn apply_to_initiative(
    conn: &mut AsyncPgConnection,
    update: &ProgressUpdateRow,
    initiative_id: Uuid,
) -> StorageResult<()> {
    diesel::update(initiatives::table.find(initiative_id))
        .set((
            initiatives::status.eq(&update.status),
            initiatives::progress.eq(update.progress),
            initiatives::last_progress_on.eq(update.date),
            initiatives::version.eq(initiatives::version + 1),
            initiatives::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Makes the update the action's current status, progress and last update day.
pub async fn apply_to_action(
    conn: &mut AsyncPgConnection,
    update: &ProgressUpdateRow,
    action_id: Uuid,
) -> StorageResult<()> {
    diesel::update(actions::table.find(action_id))
        .set((
            actions::status.eq(&update.status),
            actions::progress.eq(update.progress),
            actions::last_progress_on.eq(update.date),
            actions::version.eq(actions::version + 1),
            actions::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn get_progress_update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> StorageResult<ProgressUpdateRow> {
    Ok(progress_updates::table
        .find(id)
        .select(ProgressUpdateRow::as_select())
        .first(conn)
        .await?)
}

/// The timeline of an initiative or an action, newest first.
pub async fn list_progress_updates(
    conn: &mut AsyncPgConnection,
    initiative_id: Option<Uuid>,
    action_id: Option<Uuid>,
    page: &Page,
) -> StorageResult<(Vec<ProgressUpdateRow>, i64)> {
    let query = || {
        let mut q = progress_updates::table.into_boxed();
        if let Some(id) = initiative_id {
            q = q.filter(progress_updates::initiative_id.eq(id));
        }
        if let Some(id) = action_id {
            q = q.filter(progress_updates::action_id.eq(id));
        }
        q
    };
    let total = query().count().get_result(conn).await?;
    let rows = query()
        .order((
            progress_updates::date.desc(),
            progress_updates::created_at.desc(),
            progress_updates::id.desc(),
        ))
        .offset(page.offset)
        .limit(page.limit)
        .select(ProgressUpdateRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// The name a principal is shown under.
pub async fn principal_name(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<String> {
    let user: Option<String> = users::table
        .find(id)
        .select(users::display_name)
        .first(conn)
        .await
        .optional()?;
    if let Some(name) = user {
        return Ok(name);
    }
    Ok(service_accounts::table
        .find(id)
        .select(service_accounts::name)
        .first(conn)
        .await?)
}

// ---- roll-up sums ----

#[derive(Debug, QueryableByName)]
pub struct SumRow {
    #[diesel(sql_type = SqlUuid)]
    pub action_id: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    pub region_id: Option<String>,
    #[diesel(sql_type = Double)]
    pub weighted_sum: f64,
    #[diesel(sql_type = Double)]
    pub weight_total: f64,
    #[diesel(sql_type = BigInt)]
    pub counted: i64,
    #[diesel(sql_type = BigInt)]
    pub excluded: i64,
}

/// Per action (`region_id` absent) and per action and region: the sums over
/// the plan's initiatives. An initiative counts when it is not dropped and
/// weighs more than zero.
pub async fn plan_sums(conn: &mut AsyncPgConnection, plan_id: Uuid) -> StorageResult<Vec<SumRow>> {
    const SUMS: &str = "
        COALESCE(SUM(i.weight * i.effective_progress) FILTER (WHERE i.status <> 'dropped' AND i.weight > 0), 0)::float8 AS weighted_sum,
        COALESCE(SUM(i.weight) FILTER (WHERE i.status <> 'dropped' AND i.weight > 0), 0)::float8 AS weight_total,
        COUNT(*) FILTER (WHERE i.status <> 'dropped' AND i.weight > 0) AS counted,
        COUNT(*) FILTER (WHERE NOT (i.status <> 'dropped' AND i.weight > 0)) AS excluded";
    let query = format!(
        "SELECT i.action_id, NULL::text AS region_id, {SUMS}
           FROM initiatives i WHERE i.plan_id = $1 GROUP BY i.action_id
         UNION ALL
         SELECT i.action_id, r.region_id, {SUMS}
           FROM initiatives i JOIN initiative_regions r ON r.initiative_id = i.id
          WHERE i.plan_id = $1 GROUP BY i.action_id, r.region_id"
    );
    Ok(diesel::sql_query(query)
        .bind::<SqlUuid, _>(plan_id)
        .load(conn)
        .await?)
}

/// The initiatives of an action, as the roll-up needs them.
/// An initiative in an action's roll-up: id, code, status, weight, progress.
pub type Part = (Uuid, String, String, f64, Option<i16>);

pub async fn action_parts(
    conn: &mut AsyncPgConnection,
    action_id: Uuid,
) -> StorageResult<Vec<Part>> {
    Ok(initiatives::table
        .filter(initiatives::action_id.eq(action_id))
        .order((initiatives::code.asc(), initiatives::id.asc()))
        .select((
            initiatives::id,
            initiatives::code,
            initiatives::status,
            initiatives::weight,
            initiatives::effective_progress,
        ))
        .load(conn)
        .await?)
}
