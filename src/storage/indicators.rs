//! Indicators and the standard set they may follow.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{indicators, measurements, standard_indicators};
use super::statement::{
    Bind, Statement, count_of, counted_page, external_key, page_and_total, sort_by, when,
};
use super::{StorageError, StorageResult, escape_like};
use crate::domain::Page;

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
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

impl IndicatorFilter {
    /// The conditions on an indicator `i`.
    fn conditions(&self) -> Vec<Statement> {
        let mut c = Vec::new();
        if !self.plan.is_empty() {
            let plans = Bind::Uuids(self.plan.clone());
            let mut s = Statement::new();
            s.sql("i.plan_id = ANY(")
                .bind(plans.clone())
                .sql(") OR i.action_id IN (SELECT a.id FROM actions a WHERE a.plan_id = ANY(")
                .bind(plans.clone())
                .sql(")) OR i.initiative_id IN (SELECT n.id FROM initiatives n WHERE n.plan_id = ANY(")
                .bind(plans)
                .sql("))");
            c.push(s);
        }
        for (column, ids) in [
            ("i.action_id", &self.action),
            ("i.initiative_id", &self.initiative),
            ("i.gbo_project_id", &self.gbo_project),
        ] {
            if !ids.is_empty() {
                c.push(when(
                    &format!("{column} = ANY("),
                    Bind::Uuids(ids.clone()),
                    ")",
                ));
            }
        }
        for (column, values) in [
            ("i.standard_code", &self.standard),
            ("i.measure", &self.measure),
        ] {
            if !values.is_empty() {
                c.push(when(
                    &format!("{column} = ANY("),
                    Bind::Texts(values.clone()),
                    ")",
                ));
            }
        }
        if let Some(code) = &self.code {
            c.push(when("i.code = ", Bind::Text(code.clone()), ""));
        }
        c.extend(external_key(
            "i",
            self.external_id.as_deref(),
            self.external_source,
        ));
        if let Some(text) = &self.q {
            c.push(when("i.name ILIKE ", Bind::Text(escape_like(text)), ""));
        }
        c
    }
}

/// The columns of an `IndicatorRow`.
const COLUMNS: &str = "i.id, i.code, i.name, i.description, i.measure, i.unit, i.direction, \
     i.time_aggregation, i.place_aggregation, i.cumulative, i.granularity, i.baseline_value, \
     i.baseline_date, i.targets, i.plan_id, i.action_id, i.initiative_id, i.gbo_project_id, \
     i.standard_code, i.external_id, i.external_source, i.example, i.version, i.created_at, \
     i.updated_at";

/// The statement of a page of indicators and their total.
fn page_statement(conditions: &[Statement], sort: &str, page: &Page) -> Statement {
    let (column, direction) = sort_by(
        sort,
        &[
            ("code", "code"),
            ("name", "name"),
            ("createdAt", "created_at"),
            ("updatedAt", "updated_at"),
        ],
    );
    counted_page(
        "indicators i",
        COLUMNS,
        conditions,
        &format!("i.{column} {direction}, i.id ASC"),
        page,
    )
}

/// A page of indicators and the size of the whole filtered set, in one
/// round trip (a second only past the last page, to count).
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &IndicatorFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<IndicatorRow>, i64)> {
    let conditions = filter.conditions();
    Ok(
        page_and_total(conn, page_statement(&conditions, sort, page), || {
            count_of("indicators i", &conditions)
        })
        .await?,
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::statement::assert_bench_sql;

    /// `make bench` runs the page's own statement (every indicator, by code) alone with
    /// pgbench, as the database's limit for that page.
    #[test]
    fn the_benchmark_runs_the_pages_own_statement() {
        let filter = IndicatorFilter::default();
        let page = Page {
            offset: 0,
            limit: 50,
        };
        assert_bench_sql(
            "indicators_page",
            &page_statement(&filter.conditions(), "code", &page),
        );
    }
}
