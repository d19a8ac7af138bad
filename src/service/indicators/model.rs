//! An indicator and a standard indicator as clients see them, and the inputs
//! that create and change an indicator.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::results::{
    Direction, Granularity, Measure, PlaceAggregation, SubjectType, TimeAggregation,
};
use crate::service::patch::{nullable, present};
use crate::service::{API_BASE, ServiceResult, corrupt};
use crate::storage::indicators::{self as store, IndicatorRow, StandardRow};

/// A value at a date: a baseline or a target. For a percentage the value is
/// in percent (0 to 100); for a count a whole number of 0 or more.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValueAtDate {
    /// The value.
    pub value: f64,
    /// The day it holds on.
    pub date: NaiveDate,
}

/// What an indicator is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Subject {
    /// `plan`, `action`, `initiative` or `gboProject`.
    #[serde(rename = "type")]
    pub kind: SubjectType,
    /// The id of the plan, action, initiative or GBO project.
    pub id: Uuid,
}

/// What is counted, for a plan, an action, an initiative or a GBO project.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Indicator {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Code, unique among the subject's indicators.
    #[schema(example = "gbo.peopleReached")]
    pub code: String,
    /// Name.
    pub name: String,
    /// Description; may be empty.
    pub description: String,
    /// What the values are.
    pub measure: Measure,
    /// Unit of an amount (`EUR`, `FTE`); absent for other measures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Whether higher or lower is better; absent for qualitative indicators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// How values of several periods combine.
    pub time_aggregation: TimeAggregation,
    /// How values of several places combine.
    pub place_aggregation: PlaceAggregation,
    /// Whether each value is a running total since the start.
    pub cumulative: bool,
    /// The length of the periods values are reported for.
    pub granularity: Granularity,
    /// The value at the start; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<ValueAtDate>,
    /// Targets, by date.
    pub targets: Vec<ValueAtDate>,
    /// What it is attached to.
    pub subject: Subject,
    /// The code of the standard indicator it follows; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    /// Identifier in the source system; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The indicator's measurements.
    pub measurements: String,
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

/// The subject of an indicator row.
pub(crate) fn subject_of(row: &IndicatorRow) -> ServiceResult<Subject> {
    let found = [
        (SubjectType::Plan, row.plan_id),
        (SubjectType::Action, row.action_id),
        (SubjectType::Initiative, row.initiative_id),
        (SubjectType::GboProject, row.gbo_project_id),
    ]
    .into_iter()
    .find_map(|(kind, id)| id.map(|id| Subject { kind, id }));
    found.ok_or_else(|| corrupt(format!("indicator {} has no subject", row.id)))
}

impl Indicator {
    pub(crate) fn from_row(row: IndicatorRow) -> ServiceResult<Self> {
        let subject = subject_of(&row)?;
        let self_link = format!("{API_BASE}/indicators/{}", row.id);
        Ok(Self {
            measurements: format!("{self_link}/measurements"),
            self_link,
            id: row.id,
            code: row.code,
            name: row.name,
            description: row.description,
            measure: row.measure.parse().map_err(corrupt)?,
            unit: row.unit,
            direction: row
                .direction
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(corrupt)?,
            time_aggregation: row.time_aggregation.parse().map_err(corrupt)?,
            place_aggregation: row.place_aggregation.parse().map_err(corrupt)?,
            cumulative: row.cumulative,
            granularity: row.granularity.parse().map_err(corrupt)?,
            baseline: row
                .baseline_value
                .zip(row.baseline_date)
                .map(|(value, date)| ValueAtDate { value, date }),
            targets: serde_json::from_value(row.targets).map_err(corrupt)?,
            subject,
            standard: row.standard_code,
            external_id: row.external_id,
            example: row.example,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

crate::service::record::uuid_record!(IndicatorRow => Indicator, "indicator", lock = store::lock, view = Indicator::from_row);

/// One of the standard set of indicators every GBO project reports, so that
/// their figures compare and add up.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StandardIndicator {
    /// Code (`gbo.peopleReached`).
    pub code: String,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Name.
    pub name: String,
    /// What is counted, and how.
    pub description: String,
    /// What the values are.
    pub measure: Measure,
    /// Unit of an amount; absent for other measures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Whether higher or lower is better; absent for qualitative ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// How values of several periods combine.
    pub time_aggregation: TimeAggregation,
    /// How values of several places combine.
    pub place_aggregation: PlaceAggregation,
    /// Whether each value is a running total.
    pub cumulative: bool,
    /// The length of the periods values are reported for.
    pub granularity: Granularity,
}

impl StandardIndicator {
    pub(crate) fn from_row(row: StandardRow) -> ServiceResult<Self> {
        Ok(Self {
            self_link: format!("{API_BASE}/standardIndicators/{}", row.code),
            code: row.code,
            name: row.name,
            description: row.description,
            measure: row.measure.parse().map_err(corrupt)?,
            unit: row.unit,
            direction: row
                .direction
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(corrupt)?,
            time_aggregation: row.time_aggregation.parse().map_err(corrupt)?,
            place_aggregation: row.place_aggregation.parse().map_err(corrupt)?,
            cumulative: row.cumulative,
            granularity: row.granularity.parse().map_err(corrupt)?,
        })
    }
}

/// A new indicator. With `standard`, the measure, unit, direction,
/// aggregations, cumulative and granularity come from the standard indicator
/// (sending another value for one of them is a 400).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IndicatorCreate {
    /// Code, unique among the subject's indicators.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    pub code: String,
    /// Name.
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    /// Description; default empty.
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// What the values are; required unless `standard` is given.
    pub measure: Option<Measure>,
    /// Unit; required for an `amount`, refused for other measures.
    #[schema(min_length = 1, max_length = 50)]
    pub unit: Option<String>,
    /// Whether higher or lower is better; required unless qualitative.
    pub direction: Option<Direction>,
    /// How values of several periods combine; default `sum` (`last` for qualitative).
    pub time_aggregation: Option<TimeAggregation>,
    /// How values of several places combine; default `sum` (`none` for qualitative).
    pub place_aggregation: Option<PlaceAggregation>,
    /// Whether each value is a running total; default false.
    pub cumulative: Option<bool>,
    /// The length of the reporting periods; required unless `standard` is given.
    pub granularity: Option<Granularity>,
    /// The value at the start.
    pub baseline: Option<ValueAtDate>,
    /// Targets, each at its own date; none for qualitative indicators.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub targets: Vec<ValueAtDate>,
    /// What it is attached to; fixed once created.
    pub subject: Subject,
    /// The code of a standard indicator to follow.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    pub standard: Option<String>,
    /// Identifier in the caller's source system (a service account's own; for
    /// people, the service's): unique there.
    #[schema(min_length = 1, max_length = 200)]
    pub external_id: Option<String>,
    /// Example data (the demo data set); not part of the API.
    #[serde(skip)]
    pub example: bool,
    /// The source system of `external_id`: the writer's, never sent.
    #[serde(skip)]
    pub source: Option<Uuid>,
}

/// Changes to an indicator (JSON merge patch). Its subject is fixed. Changing
/// `measure` or `granularity` is refused while it has measurements.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IndicatorPatch {
    /// Code.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// Name.
    #[schema(min_length = 1, max_length = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// Description.
    #[schema(max_length = 10000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// What the values are.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub measure: Option<Measure>,
    /// Unit of an amount.
    #[schema(min_length = 1, max_length = 50)]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub unit: Option<Option<String>>,
    /// Whether higher or lower is better.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Direction>)]
    pub direction: Option<Option<Direction>>,
    /// How values of several periods combine.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub time_aggregation: Option<TimeAggregation>,
    /// How values of several places combine.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub place_aggregation: Option<PlaceAggregation>,
    /// Whether each value is a running total.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub cumulative: Option<bool>,
    /// The length of the reporting periods.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub granularity: Option<Granularity>,
    /// The value at the start.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<ValueAtDate>)]
    pub baseline: Option<Option<ValueAtDate>>,
    /// Targets; replaces the list.
    #[schema(max_items = 20)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub targets: Option<Vec<ValueAtDate>>,
    /// The standard indicator to follow; `null` stops following it (the
    /// values it gave stay).
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub standard: Option<Option<String>>,
    /// Identifier in the caller's source system; another one moves the
    /// record's to it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
    /// The source system of a new `external_id`: the writer's, never sent.
    #[serde(skip)]
    pub source: Option<Uuid>,
}
