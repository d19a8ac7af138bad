//! Measurements: the current value of an indicator for a period and a place,
//! and every value it has had (`measurement_revisions`, append-only).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::deserialize;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::row::NamedRow;
use diesel::sql_types::{self as sql, Nullable};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::fields::Fields;
pub use super::measurement_list::{Listed, MeasurementFilter, export_batch, list, one};
use super::schema::{indicators, measurement_revisions, measurements};
use super::{StorageError, StorageResult};
use crate::domain::Page;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = measurements)]
pub struct MeasurementRow {
    pub id: Uuid,
    pub indicator_id: Uuid,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub place_type: String,
    pub place_code: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub text_value: Option<String>,
    pub note: String,
    pub reporter_id: Uuid,
    pub reporter_kind: String,
    pub external_id: Option<String>,
    pub external_source: Option<Uuid>,
    pub example: bool,
    pub recorded_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Read by name as diesel's derive would, its fields looked for in the order
/// of the table's columns first (`super::fields`).
impl QueryableByName<Pg> for MeasurementRow {
    fn build<'a>(row: &impl NamedRow<'a, Pg>) -> deserialize::Result<Self> {
        let mut f = Fields::new(row);
        Ok(Self {
            id: f.get::<sql::Uuid, _>("id")?,
            indicator_id: f.get::<sql::Uuid, _>("indicator_id")?,
            period_start: f.get::<sql::Date, _>("period_start")?,
            period_end: f.get::<sql::Date, _>("period_end")?,
            place_type: f.get::<sql::Text, _>("place_type")?,
            place_code: f.get::<sql::Text, _>("place_code")?,
            value: f.get::<Nullable<sql::Float8>, _>("value")?,
            numerator: f.get::<Nullable<sql::Float8>, _>("numerator")?,
            denominator: f.get::<Nullable<sql::Float8>, _>("denominator")?,
            text_value: f.get::<Nullable<sql::Text>, _>("text_value")?,
            note: f.get::<sql::Text, _>("note")?,
            reporter_id: f.get::<sql::Uuid, _>("reporter_id")?,
            reporter_kind: f.get::<sql::Text, _>("reporter_kind")?,
            external_id: f.get::<Nullable<sql::Text>, _>("external_id")?,
            external_source: f.get::<Nullable<sql::Uuid>, _>("external_source")?,
            example: f.get::<sql::Bool, _>("example")?,
            recorded_at: f.get::<sql::Timestamptz, _>("recorded_at")?,
            deleted_at: f.get::<Nullable<sql::Timestamptz>, _>("deleted_at")?,
            version: f.get::<sql::Int4, _>("version")?,
            created_at: f.get::<sql::Timestamptz, _>("created_at")?,
            updated_at: f.get::<sql::Timestamptz, _>("updated_at")?,
        })
    }
}

/// A new measurement. Absent values are bound as NULL (none of these
/// columns has another default), so the statement's text is always the same
/// and stays prepared.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = measurements, treat_none_as_default_value = false)]
pub struct NewMeasurement {
    pub indicator_id: Uuid,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub place_type: String,
    pub place_code: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub text_value: Option<String>,
    pub note: String,
    pub reporter_id: Uuid,
    pub reporter_kind: String,
    pub external_id: Option<String>,
    pub external_source: Option<Uuid>,
    pub example: bool,
}

/// A correction: the values, the note and the external id it leaves, and who
/// recorded them.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = measurements, treat_none_as_null = true)]
pub struct MeasurementValues {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub text_value: Option<String>,
    pub note: String,
    pub reporter_id: Uuid,
    pub reporter_kind: String,
    pub external_id: Option<String>,
    pub external_source: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = measurement_revisions)]
pub struct RevisionRow {
    pub measurement_id: Uuid,
    pub version: i32,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub text_value: Option<String>,
    pub note: String,
    pub reporter_id: Uuid,
    pub reporter_kind: String,
    pub recorded_at: DateTime<Utc>,
    pub deleted: bool,
}

fn named_conflict(error: DieselError) -> StorageError {
    if let DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = &error {
        match info.constraint_name() {
            Some("measurements_current_key") => {
                return StorageError::Conflict(
                    "the indicator already has a measurement for this period and place".into(),
                );
            }
            Some("measurements_external_id_key") => {
                return StorageError::Conflict(EXTERNAL_ID_TAKEN.into());
            }
            _ => {}
        }
    }
    error.into()
}

/// Whether the measurement was ever recorded, removed or not.
pub async fn ever_existed(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<bool> {
    Ok(
        diesel::select(diesel::dsl::exists(measurements::table.find(id)))
            .get_result(conn)
            .await?,
    )
}

/// The current measurement of the indicator for a period and a place.
pub async fn current_for(
    conn: &mut AsyncPgConnection,
    indicator_id: Uuid,
    period_start: NaiveDate,
    place_type: &str,
    place_code: &str,
) -> StorageResult<Option<Uuid>> {
    Ok(measurements::table
        .filter(measurements::indicator_id.eq(indicator_id))
        .filter(measurements::period_start.eq(period_start))
        .filter(measurements::place_type.eq(place_type))
        .filter(measurements::place_code.eq(place_code))
        .filter(measurements::deleted_at.is_null())
        .select(measurements::id)
        .first(conn)
        .await
        .optional()?)
}

/// Inserts a measurement; its first revision follows from the row, in the
/// same statement (migration 000013). `None` when a unique key is taken: a
/// current measurement of the period and place, or the `externalId`.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: NewMeasurement,
) -> StorageResult<Option<MeasurementRow>> {
    Ok(diesel::insert_into(measurements::table)
        .values(new)
        .on_conflict_do_nothing()
        .returning(MeasurementRow::as_returning())
        .get_result(conn)
        .await
        .optional()?)
}

/// Why [`insert`] inserted nothing when the period and place are free.
pub const EXTERNAL_ID_TAKEN: &str = "externalId: a measurement with this externalId already exists";

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    values: MeasurementValues,
) -> StorageResult<MeasurementRow> {
    diesel::update(measurements::table.find(id))
        .set((
            values,
            measurements::version.eq(measurements::version + 1),
            measurements::updated_at.eq(diesel::dsl::now),
        ))
        .returning(MeasurementRow::as_returning())
        .get_result(conn)
        .await
        .map_err(named_conflict)
}

/// Marks the measurement removed, by `reporter` at `at`: its key is free again.
pub async fn remove(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    reporter: (Uuid, &str),
    at: DateTime<Utc>,
) -> StorageResult<MeasurementRow> {
    Ok(diesel::update(measurements::table.find(id))
        .set((
            measurements::deleted_at.eq(at),
            measurements::reporter_id.eq(reporter.0),
            measurements::reporter_kind.eq(reporter.1),
            measurements::recorded_at.eq(at),
            measurements::version.eq(measurements::version + 1),
            measurements::updated_at.eq(diesel::dsl::now),
        ))
        .returning(MeasurementRow::as_returning())
        .get_result(conn)
        .await?)
}

/// Every revision of a measurement, oldest first.
pub async fn revisions(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    page: &Page,
) -> StorageResult<(Vec<RevisionRow>, i64)> {
    let total = measurement_revisions::table
        .filter(measurement_revisions::measurement_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let rows = measurement_revisions::table
        .filter(measurement_revisions::measurement_id.eq(id))
        .order(measurement_revisions::version.asc())
        .offset(page.offset)
        .limit(page.limit)
        .select(RevisionRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// The codes of these indicators.
pub async fn indicator_codes(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> StorageResult<std::collections::HashMap<Uuid, String>> {
    let found: Vec<(Uuid, String)> = indicators::table
        .filter(indicators::id.eq_any(ids))
        .select((indicators::id, indicators::code))
        .load(conn)
        .await?;
    Ok(found.into_iter().collect())
}
