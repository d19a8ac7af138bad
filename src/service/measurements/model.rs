//! A measurement and its revisions as clients see them, and the inputs that
//! record and correct one.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::results::{Period, PlaceType};
use crate::service::patch::{nullable, present};
use crate::service::{Link, ServiceResult, corrupt};
use crate::storage::measurements::{MeasurementRow, RevisionRow};

/// Where a measurement is for, as a client names it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlaceInput {
    /// `flanders`, `region` or `municipality`.
    #[serde(rename = "type")]
    pub kind: PlaceType,
    /// A region id (`limburg`) or a NIS code (`71016`); absent for Flanders.
    #[schema(
        min_length = 2,
        max_length = 40,
        pattern = "^([a-z][a-z0-9-]{1,39}|[0-9]{5})$"
    )]
    pub code: Option<String>,
}

/// Where a measurement is for.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    /// `flanders`, `region` or `municipality`.
    #[serde(rename = "type")]
    pub kind: PlaceType,
    /// The region id or NIS code; absent for Flanders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The place's name, for display.
    pub name: String,
}

/// Who recorded a value.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Reporter {
    /// The user's or service account's id; the nil id for the command line.
    pub id: Uuid,
    /// `user`, `serviceAccount` or `system`.
    pub kind: String,
}

/// The current value of an indicator for one period and one place.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Measurement {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    #[schema(value_type = String)]
    pub self_link: Link,
    /// The indicator.
    pub indicator_id: Uuid,
    /// URL of the indicator.
    #[schema(value_type = String)]
    pub indicator: Link,
    /// The period's id: `2023`, `2023Q2` or `2023-05`.
    pub period: String,
    /// The period's first day.
    #[serde(serialize_with = "crate::domain::written::date")]
    pub period_start: NaiveDate,
    /// The period's last day.
    #[serde(serialize_with = "crate::domain::written::date")]
    pub period_end: NaiveDate,
    /// Where the value is for.
    pub place: Place,
    /// The value of a count or an amount; absent for other measures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// A percentage's numerator; absent for other measures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<f64>,
    /// A percentage's denominator; absent for other measures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<f64>,
    /// The text of a qualitative indicator; absent for other measures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A note on the value; may be empty.
    pub note: String,
    /// Identifier in the source system; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Who recorded the current value.
    pub reporter: Reporter,
    /// When the current value was recorded.
    #[serde(serialize_with = "crate::domain::written::timestamp")]
    pub recorded_at: DateTime<Utc>,
    /// The measurement's revisions, oldest first.
    #[schema(value_type = String)]
    pub revisions: Link,
    /// Example data, not the plan's own.
    pub example: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    #[serde(serialize_with = "crate::domain::written::timestamp")]
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    #[serde(serialize_with = "crate::domain::written::timestamp")]
    pub updated_at: DateTime<Utc>,
}

/// A measurement row with the name of its place.
#[derive(Debug, Clone)]
pub struct MeasurementRecord {
    pub row: MeasurementRow,
    pub place_name: String,
}

/// The id of the calendar period from `start` to `end`.
fn period_id(start: NaiveDate, end: NaiveDate) -> ServiceResult<String> {
    Period::spanning(start, end)
        .map(|p| p.id())
        .ok_or_else(|| corrupt(format!("{start} to {end} is not a calendar period")))
}

impl Measurement {
    pub(crate) fn from_record(record: MeasurementRecord) -> ServiceResult<Self> {
        let row = record.row;
        let self_link = Link::to("measurements", row.id);
        let kind: PlaceType = row.place_type.parse().map_err(corrupt)?;
        Ok(Self {
            revisions: self_link.under("/revisions"),
            self_link,
            id: row.id,
            indicator_id: row.indicator_id,
            indicator: Link::to("indicators", row.indicator_id),
            period: period_id(row.period_start, row.period_end)?,
            period_start: row.period_start,
            period_end: row.period_end,
            place: Place {
                kind,
                code: (kind != PlaceType::Flanders).then_some(row.place_code),
                name: record.place_name,
            },
            value: row.value,
            numerator: row.numerator,
            denominator: row.denominator,
            text: row.text_value,
            note: row.note,
            external_id: row.external_id,
            reporter: Reporter {
                id: row.reporter_id,
                kind: row.reporter_kind,
            },
            recorded_at: row.recorded_at,
            example: row.example,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// One value a measurement has had: its first, each correction, and its removal.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeasurementRevision {
    /// The measurement's version this revision made.
    pub version: i32,
    /// The value of a count or an amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// A percentage's numerator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<f64>,
    /// A percentage's denominator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<f64>,
    /// The text of a qualitative indicator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The note.
    pub note: String,
    /// Who recorded it.
    pub reporter: Reporter,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Whether this revision removed the measurement.
    pub deleted: bool,
}

impl From<RevisionRow> for MeasurementRevision {
    fn from(row: RevisionRow) -> Self {
        Self {
            version: row.version,
            value: row.value,
            numerator: row.numerator,
            denominator: row.denominator,
            text: row.text_value,
            note: row.note,
            reporter: Reporter {
                id: row.reporter_id,
                kind: row.reporter_kind,
            },
            recorded_at: row.recorded_at,
            deleted: row.deleted,
        }
    }
}

/// A new measurement: one period (`period`, or `periodStart` and
/// `periodEnd`) of the indicator's granularity that has started, one place,
/// and the value its measure takes: `value` (count, amount), `numerator` and
/// `denominator` (percentage) or `text` (qualitative).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MeasurementCreate {
    /// The period's id: `2023`, `2023Q2` or `2023-05`.
    #[schema(pattern = "^[0-9]{4}(Q[1-4]|-(0[1-9]|1[0-2]))?$")]
    pub period: Option<String>,
    /// The period's first day (with `periodEnd`, instead of `period`).
    pub period_start: Option<NaiveDate>,
    /// The period's last day.
    pub period_end: Option<NaiveDate>,
    /// Where the value is for.
    pub place: PlaceInput,
    /// A count (whole, 0 or more) or an amount.
    pub value: Option<f64>,
    /// A percentage's numerator, from 0 to the denominator.
    #[schema(minimum = 0)]
    pub numerator: Option<f64>,
    /// A percentage's denominator, above 0.
    pub denominator: Option<f64>,
    /// The text of a qualitative indicator.
    #[schema(min_length = 1, max_length = 10000)]
    pub text: Option<String>,
    /// A note; default empty.
    #[schema(max_length = 10000)]
    pub note: Option<String>,
    /// Identifier in the caller's source system (a service account's own; for
    /// people, the service's): unique there among current measurements.
    #[schema(min_length = 1, max_length = 200)]
    pub external_id: Option<String>,
    /// Example data (the demo data set); not part of the API.
    #[serde(skip)]
    pub example: bool,
}

/// A correction (JSON merge patch): the value, the note, the external id. The
/// indicator, period and place are the measurement's key and stay: a wrong
/// key is a delete and a new measurement.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MeasurementPatch {
    /// A count or an amount.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub value: Option<f64>,
    /// A percentage's numerator.
    #[schema(minimum = 0)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub numerator: Option<f64>,
    /// A percentage's denominator.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub denominator: Option<f64>,
    /// The text of a qualitative indicator.
    #[schema(min_length = 1, max_length = 10000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub text: Option<String>,
    /// The note.
    #[schema(max_length = 10000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub note: Option<String>,
    /// Identifier in the caller's source system; another one moves the
    /// record's to it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
}
