//! An initiative as clients see it, and the inputs that create and change one.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::WorkStatus;
use crate::service::patch::{nullable, present};
use crate::service::{Link, ProgressSource, ServiceResult, corrupt, progress_source};
use crate::storage::initiatives::{self as store, InitiativeRecord};

/// A concrete initiative under an action.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Initiative {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    #[schema(value_type = String)]
    pub self_link: Link,
    /// URL of the good practices related to it.
    #[schema(value_type = String)]
    pub practices: Link,
    /// The plan (the action's plan).
    pub plan_id: Uuid,
    /// The action it serves.
    pub action_id: Uuid,
    /// Code, unique in the plan (`A07.3`).
    #[schema(example = "A07.3")]
    pub code: String,
    /// Title.
    pub title: String,
    /// Description; may be empty.
    pub description: String,
    /// The organisation that leads it.
    pub lead_organisation_id: Uuid,
    /// Partner organisations.
    pub partner_organisation_ids: Vec<Uuid>,
    /// The regional platforms it runs in, or only the Flanders-wide `vlaanderen`.
    pub regions: Vec<String>,
    /// NIS codes of the municipalities it runs in; may be empty.
    pub municipalities: Vec<String>,
    /// The primary care zone it runs in; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_care_zone_id: Option<Uuid>,
    /// Current status, from the latest progress update.
    pub status: WorkStatus,
    /// Current progress (0-100): the explicit progress of the latest update,
    /// else the status default; absent when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<i16>,
    /// Where `progress` comes from; absent when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_source: Option<ProgressSource>,
    /// Weight in the roll-up of its action and region.
    pub weight: f64,
    /// Start date; absent when not set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::domain::written::optional_date")]
    pub start_date: Option<NaiveDate>,
    /// End date; absent when not set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::domain::written::optional_date")]
    pub end_date: Option<NaiveDate>,
    /// Identifier in the source system that syncs it; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Date of the latest progress update; absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::domain::written::optional_date")]
    pub last_progress_on: Option<NaiveDate>,
    /// `true` for demo data, which is never part of the plan.
    pub example: bool,
    /// Changes on every write (progress updates included); send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    #[serde(serialize_with = "crate::domain::written::timestamp")]
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    #[serde(serialize_with = "crate::domain::written::timestamp")]
    pub updated_at: DateTime<Utc>,
}

impl Initiative {
    pub(in crate::service) fn from_record(record: InitiativeRecord) -> ServiceResult<Self> {
        let row = record.row;
        Ok(Self {
            self_link: Link::to("initiatives", row.id),
            practices: Link::filtered("practices", "?initiative=", row.id),
            id: row.id,
            plan_id: row.plan_id,
            action_id: row.action_id,
            code: row.code,
            title: row.title,
            description: row.description,
            lead_organisation_id: row.lead_organisation_id,
            partner_organisation_ids: record.partner_ids,
            regions: record.regions,
            municipalities: record.municipalities,
            primary_care_zone_id: row.primary_care_zone_id,
            status: row.status.parse().map_err(corrupt)?,
            progress: row.effective_progress,
            progress_source: progress_source(row.progress, row.effective_progress),
            weight: row.weight,
            start_date: row.start_date,
            end_date: row.end_date,
            external_id: row.external_id,
            last_progress_on: row.last_progress_on,
            example: row.example,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

crate::service::record::uuid_record!(InitiativeRecord => Initiative, "initiative", lock = store::lock, view = Initiative::from_record);

/// A new initiative.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InitiativeCreate {
    /// The action it serves; the initiative belongs to the action's plan.
    pub action_id: Uuid,
    /// Code, unique in the plan.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")]
    pub code: String,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// Description.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// The organisation that leads it.
    pub lead_organisation_id: Uuid,
    /// Partner organisations, without the lead.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub partner_organisation_ids: Vec<Uuid>,
    /// One or more regional platforms, or only `vlaanderen` for Flanders-wide work.
    /// A coordinator creates initiatives in their own region only.
    #[schema(min_items = 1, max_items = 7)]
    pub regions: Vec<String>,
    /// NIS codes of known municipalities in those regions.
    #[serde(default)]
    #[schema(max_items = 300)]
    pub municipalities: Vec<String>,
    /// A primary care zone.
    pub primary_care_zone_id: Option<Uuid>,
    /// Initial status, default `planned`; later changes go through progress updates.
    pub status: Option<WorkStatus>,
    /// Initial explicit progress (0-100); absent means the status default.
    #[schema(minimum = 0, maximum = 100)]
    pub progress: Option<i16>,
    /// Weight in roll-ups, 0 to 1000; default 1.
    #[schema(minimum = 0, maximum = 1000)]
    pub weight: Option<f64>,
    /// Start date.
    pub start_date: Option<NaiveDate>,
    /// End date, not before the start.
    pub end_date: Option<NaiveDate>,
    /// Identifier in the caller's source system (a service account's own; for
    /// people, the service's): unique there.
    #[schema(min_length = 1, max_length = 200)]
    pub external_id: Option<String>,
    /// Demo data: set by the command line for the example plan, never by a
    /// request (the API refuses `example` as read-only).
    #[serde(skip)]
    pub example: bool,
    /// The source system of `external_id`: the writer's, never sent.
    #[serde(skip)]
    pub source: Option<Uuid>,
}

/// Changes to an initiative (JSON merge patch). Status and progress change
/// through progress updates. A coordinator cannot change `regions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InitiativePatch {
    /// The action; may move to an action of another plan.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub action_id: Option<Uuid>,
    /// Code.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub title: Option<String>,
    /// Description.
    #[schema(max_length = 20000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// The lead organisation.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub lead_organisation_id: Option<Uuid>,
    /// Partner organisations.
    #[schema(max_items = 50)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub partner_organisation_ids: Option<Vec<Uuid>>,
    /// Regions.
    #[schema(min_items = 1, max_items = 7)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub regions: Option<Vec<String>>,
    /// Municipalities.
    #[schema(max_items = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub municipalities: Option<Vec<String>>,
    /// Primary care zone.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub primary_care_zone_id: Option<Option<Uuid>>,
    /// Weight in roll-ups.
    #[schema(minimum = 0, maximum = 1000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub weight: Option<f64>,
    /// Start date.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub start_date: Option<Option<NaiveDate>>,
    /// End date.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub end_date: Option<Option<NaiveDate>>,
    /// Identifier in the caller's source system; another one moves the
    /// record's to it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
    /// The source system of a new `external_id`: the writer's, never sent.
    #[serde(skip)]
    pub source: Option<Uuid>,
}
