//! Indicators and the standard set they may follow.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{actions, indicators, initiatives, measurements, standard_indicators};
use super::{StorageError, StorageResult, escape_like};
use crate::domain::Page;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicators)]
pub struct IndicatorRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub description: String,
    pub measure: String,
    pub unit: Option<String>,
    pub direction: Option<String>,
    pub time_aggregation: String,
    pub place_aggregation: String,
    pub cumulative: bool,
    pub granularity: String,
    pub baseline_value: Option<f64>,
    pub baseline_date: Option<NaiveDate>,
    pub targets: serde_json::Value,
    pub plan_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    pub initiative_id: Option<Uuid>,
    pub gbo_project_id: Option<Uuid>,
    pub standard_code: Option<String>,
    pub external_id: Option<String>,
    pub external_source: Option<Uuid>,
    pub example: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The fields every write of an indicator sets (a change sets them all, as
/// the rules judged them together).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = indicators, treat_none_as_null = true)]
pub struct IndicatorValues {
    pub code: String,
    pub name: String,
    pub description: String,
    pub measure: String,
    pub unit: Option<String>,
    pub direction: Option<String>,
    pub time_aggregation: String,
    pub place_aggregation: String,
    pub cumulative: bool,
    pub granularity: String,
    pub baseline_value: Option<f64>,
    pub baseline_date: Option<NaiveDate>,
    pub targets: serde_json::Value,
    pub standard_code: Option<String>,
    pub external_id: Option<String>,
    pub external_source: Option<Uuid>,
}

/// The subject columns of a new indicator: exactly one is set.
#[derive(Debug, Clone, Default, Insertable)]
#[diesel(table_name = indicators)]
pub struct IndicatorSubject {
    pub plan_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    pub initiative_id: Option<Uuid>,
    pub gbo_project_id: Option<Uuid>,
    pub example: bool,
}

/// Unique values taken: the code within its subject, the external id.
fn named_conflict(error: DieselError) -> StorageError {
    if let DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = &error {
        match info.constraint_name() {
            Some("indicators_subject_code_key") => {
                return StorageError::Conflict(
                    "code: the subject already has an indicator with this code".into(),
                );
            }
            Some("indicators_external_id_key") => {
                return StorageError::Conflict(
                    "externalId: an indicator with this externalId already exists".into(),
                );
            }
            _ => {}
        }
    }
    error.into()
}

pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<IndicatorRow> {
    Ok(indicators::table
        .find(id)
        .select(IndicatorRow::as_select())
        .first(conn)
        .await?)
}

/// Reads the indicator and locks it until the transaction ends.
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<IndicatorRow> {
    Ok(indicators::table
        .find(id)
        .for_update()
        .select(IndicatorRow::as_select())
        .first(conn)
        .await?)
}

/// Reads the indicator and keeps it from changing until the transaction ends
/// (a measurement is judged by its measure and granularity).
pub async fn share(mut conn: &AsyncPgConnection, id: Uuid) -> StorageResult<IndicatorRow> {
    Ok(indicators::table
        .find(id)
        .for_share()
        .select(IndicatorRow::as_select())
        .first(&mut conn)
        .await?)
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    values: IndicatorValues,
    subject: IndicatorSubject,
) -> StorageResult<IndicatorRow> {
    diesel::insert_into(indicators::table)
        .values((values, subject))
        .returning(IndicatorRow::as_returning())
        .get_result(conn)
        .await
        .map_err(named_conflict)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    values: IndicatorValues,
) -> StorageResult<IndicatorRow> {
    diesel::update(indicators::table.find(id))
        .set((
            values,
            indicators::version.eq(indicators::version + 1),
            indicators::updated_at.eq(diesel::dsl::now),
        ))
        .returning(IndicatorRow::as_returning())
        .get_result(conn)
        .await
        .map_err(named_conflict)
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::delete(indicators::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Measurement rows of the indicator, current and removed.
pub async fn measurement_rows(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<i64> {
    Ok(measurements::table
        .filter(measurements::indicator_id.eq(id))
        .count()
        .get_result(conn)
        .await?)
}

/// The codes of the indicators attached to a plan, an action, an initiative
/// or a GBO project (`column` names which), in code order.
pub async fn codes_attached(
    conn: &mut AsyncPgConnection,
    subject: AttachedTo,
) -> StorageResult<Vec<String>> {
    let q = indicators::table.into_boxed();
    let q = match subject {
        AttachedTo::Plan(id) => q.filter(indicators::plan_id.eq(id)),
        AttachedTo::Action(id) => q.filter(indicators::action_id.eq(id)),
        AttachedTo::Initiative(id) => q.filter(indicators::initiative_id.eq(id)),
        AttachedTo::GboProject(id) => q.filter(indicators::gbo_project_id.eq(id)),
    };
    Ok(q.order(indicators::code.asc())
        .select(indicators::code)
        .load(conn)
        .await?)
}

/// The indicator with this external id in `source` (`None`: the one people
/// set), else the one with this code on `subject`, if any.
pub async fn by_key(
    conn: &mut AsyncPgConnection,
    external_id: Option<&str>,
    source: Option<Uuid>,
    code: Option<(AttachedTo, &str)>,
) -> StorageResult<Option<IndicatorRow>> {
    if let Some(external) = external_id {
        let q = indicators::table
            .filter(indicators::external_id.eq(external))
            .into_boxed();
        let q = match source {
            Some(source) => q.filter(indicators::external_source.eq(source)),
            None => q.filter(indicators::external_source.is_null()),
        };
        let found = q
            .select(IndicatorRow::as_select())
            .first(conn)
            .await
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    let Some((subject, code)) = code else {
        return Ok(None);
    };
    let q = indicators::table
        .filter(indicators::code.eq(code))
        .into_boxed();
    let q = match subject {
        AttachedTo::Plan(id) => q.filter(indicators::plan_id.eq(id)),
        AttachedTo::Action(id) => q.filter(indicators::action_id.eq(id)),
        AttachedTo::Initiative(id) => q.filter(indicators::initiative_id.eq(id)),
        AttachedTo::GboProject(id) => q.filter(indicators::gbo_project_id.eq(id)),
    };
    Ok(q.select(IndicatorRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// What an indicator is attached to.
#[derive(Debug, Clone, Copy)]
pub enum AttachedTo {
    Plan(Uuid),
    Action(Uuid),
    Initiative(Uuid),
    GboProject(Uuid),
}

#[derive(Debug, Default, Clone)]
pub struct IndicatorFilter {
    /// The plan itself or one of its actions or initiatives.
    pub plan: Vec<Uuid>,
    pub action: Vec<Uuid>,
    pub initiative: Vec<Uuid>,
    pub gbo_project: Vec<Uuid>,
    pub standard: Vec<String>,
    pub measure: Vec<String>,
    pub code: Option<String>,
    pub external_id: Option<String>,
    /// The source system `external_id` is looked up in: `None` any,
    /// `Some(None)` the service's own.
    pub external_source: Option<Option<Uuid>>,
    pub q: Option<String>,
}

fn filtered(filter: &IndicatorFilter) -> indicators::BoxedQuery<'_, diesel::pg::Pg> {
    let mut q = indicators::table.into_boxed();
    if !filter.plan.is_empty() {
        q = q.filter(
            indicators::plan_id
                .eq_any(&filter.plan)
                .or(indicators::action_id.eq_any(
                    actions::table
                        .filter(actions::plan_id.eq_any(&filter.plan))
                        .select(actions::id.nullable()),
                ))
                .or(indicators::initiative_id.eq_any(
                    initiatives::table
                        .filter(initiatives::plan_id.eq_any(&filter.plan))
                        .select(initiatives::id.nullable()),
                )),
        );
    }
    if !filter.action.is_empty() {
        q = q.filter(indicators::action_id.eq_any(&filter.action));
    }
    if !filter.initiative.is_empty() {
        q = q.filter(indicators::initiative_id.eq_any(&filter.initiative));
    }
    if !filter.gbo_project.is_empty() {
        q = q.filter(indicators::gbo_project_id.eq_any(&filter.gbo_project));
    }
    if !filter.standard.is_empty() {
        q = q.filter(indicators::standard_code.eq_any(&filter.standard));
    }
    if !filter.measure.is_empty() {
        q = q.filter(indicators::measure.eq_any(&filter.measure));
    }
    if let Some(code) = &filter.code {
        q = q.filter(indicators::code.eq(code));
    }
    if let Some(external) = &filter.external_id {
        q = q.filter(indicators::external_id.eq(external));
        q = match filter.external_source {
            Some(Some(source)) => q.filter(indicators::external_source.eq(source)),
            Some(None) => q.filter(indicators::external_source.is_null()),
            None => q,
        };
    }
    if let Some(text) = &filter.q {
        q = q.filter(indicators::name.ilike(escape_like(text)));
    }
    q
}

/// A page of indicators and the size of the whole filtered set.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &IndicatorFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<IndicatorRow>, i64)> {
    let total: i64 = filtered(filter).count().get_result(conn).await?;
    if total <= page.offset {
        return Ok((Vec::new(), total));
    }
    let q = filtered(filter);
    let q = match sort {
        "-code" => q.order(indicators::code.desc()),
        "name" => q.order(indicators::name.asc()),
        "-name" => q.order(indicators::name.desc()),
        "createdAt" => q.order(indicators::created_at.asc()),
        "-createdAt" => q.order(indicators::created_at.desc()),
        "updatedAt" => q.order(indicators::updated_at.asc()),
        "-updatedAt" => q.order(indicators::updated_at.desc()),
        _ => q.order(indicators::code.asc()),
    };
    let rows = q
        .then_order_by(indicators::id.asc())
        .offset(page.offset)
        .limit(page.limit)
        .select(IndicatorRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

// ---- the standard set ----

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = standard_indicators)]
pub struct StandardRow {
    pub code: String,
    pub name: String,
    pub description: String,
    pub measure: String,
    pub unit: Option<String>,
    pub direction: Option<String>,
    pub time_aggregation: String,
    pub place_aggregation: String,
    pub cumulative: bool,
    pub granularity: String,
    pub sort_order: i32,
}

pub async fn standards(conn: &mut AsyncPgConnection) -> StorageResult<Vec<StandardRow>> {
    Ok(standard_indicators::table
        .order((
            standard_indicators::sort_order.asc(),
            standard_indicators::code.asc(),
        ))
        .select(StandardRow::as_select())
        .load(conn)
        .await?)
}

pub async fn standard(
    conn: &mut AsyncPgConnection,
    code: &str,
) -> StorageResult<Option<StandardRow>> {
    Ok(standard_indicators::table
        .find(code)
        .select(StandardRow::as_select())
        .first(conn)
        .await
        .optional()?)
}
