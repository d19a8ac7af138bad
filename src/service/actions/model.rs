//! An action as clients see it, and the inputs that create and change one.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{ActionOrigin, WorkStatus};
use crate::service::patch::{nullable, present};
use crate::service::{API_BASE, ProgressSource, ServiceResult, corrupt, progress_source};
use crate::storage::plan::{self as store, ActionRecord};

/// A numbered action of a plan.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// URL of the good practices related to it.
    pub practices: String,
    /// The plan.
    pub plan_id: Uuid,
    /// Code, unique in the plan (`A07`).
    #[schema(example = "A07")]
    pub code: String,
    /// Number, unique in the plan.
    pub number: i32,
    /// Title.
    pub title: String,
    /// Description; may be empty.
    pub description: String,
    /// The challenges the action serves, one or more.
    pub challenge_ids: Vec<Uuid>,
    /// Part of the plan as written, or an accepted regional proposal.
    pub origin: ActionOrigin,
    /// The regional platform that proposed it; present when `origin` is `regionalProposal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_by_region_id: Option<String>,
    /// The proposal whose acceptance created it (`/proposals/{id}`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal_id: Option<Uuid>,
    /// Current status, from the latest progress update.
    pub status: WorkStatus,
    /// The action's own progress (0-100): explicit or the status default;
    /// absent when dropped. The roll-up over its initiatives is at `…/progress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<i16>,
    /// Where `progress` comes from; absent when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_source: Option<ProgressSource>,
    /// Weight in the roll-up of its plan and challenges.
    pub weight: f64,
    /// The organisations that lead it.
    pub lead_organisation_ids: Vec<Uuid>,
    /// Start of the period; absent when not set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// End of the period; absent when not set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    /// Date of the latest progress update; absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_progress_on: Option<NaiveDate>,
    /// `true` for demo data, which is never part of the plan.
    pub example: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl Action {
    pub(in crate::service) fn from_record(record: ActionRecord) -> ServiceResult<Self> {
        let row = record.row;
        Ok(Self {
            self_link: format!("{API_BASE}/actions/{}", row.id),
            practices: format!("{API_BASE}/practices?action={}", row.id),
            id: row.id,
            plan_id: row.plan_id,
            code: row.code,
            number: row.number,
            title: row.title,
            description: row.description,
            challenge_ids: record.challenge_ids,
            origin: row.origin.parse().map_err(corrupt)?,
            proposed_by_region_id: row.proposed_by_region_id,
            proposal_id: row.proposal_id,
            status: row.status.parse().map_err(corrupt)?,
            progress: row.effective_progress,
            progress_source: progress_source(row.progress, row.effective_progress),
            weight: row.weight,
            lead_organisation_ids: record.lead_organisation_ids,
            start_date: row.start_date,
            end_date: row.end_date,
            last_progress_on: row.last_progress_on,
            example: row.example,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

crate::service::record::uuid_record!(ActionRecord => Action, "action", lock = store::lock_action, view = Action::from_record);

/// A new action.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionCreate {
    /// The plan.
    pub plan_id: Uuid,
    /// Number, unique in the plan.
    #[schema(minimum = 1, maximum = 999)]
    pub number: i32,
    /// Code, unique in the plan; default `A` and the number in two digits (`A07`).
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")]
    pub code: Option<String>,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// Description.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// The challenges of the same plan it serves: one or more.
    #[schema(min_items = 1, max_items = 50)]
    pub challenge_ids: Vec<Uuid>,
    /// Default `plan`.
    pub origin: Option<ActionOrigin>,
    /// Required when `origin` is `regionalProposal`, refused otherwise.
    pub proposed_by_region_id: Option<String>,
    /// Initial status, default `planned`; later changes go through progress updates.
    pub status: Option<WorkStatus>,
    /// Initial explicit progress (0-100); absent means the status default.
    #[schema(minimum = 0, maximum = 100)]
    pub progress: Option<i16>,
    /// Weight in roll-ups, 0 to 1000; default 1.
    #[schema(minimum = 0, maximum = 1000)]
    pub weight: Option<f64>,
    /// The organisations that lead it.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub lead_organisation_ids: Vec<Uuid>,
    /// Start of the period.
    pub start_date: Option<NaiveDate>,
    /// End of the period, not before the start.
    pub end_date: Option<NaiveDate>,
    /// Demo data: set by the command line for the example plan, never by a
    /// request (the API refuses `example` as read-only).
    #[serde(skip)]
    pub example: bool,
    /// The proposal whose acceptance creates it: set by the decision, never
    /// by a request (the API refuses `proposalId` as read-only).
    #[serde(skip)]
    pub proposal_id: Option<Uuid>,
}

impl ActionCreate {
    /// The code given, else `A` and the number in two digits.
    pub(super) fn code(&self) -> String {
        self.code
            .clone()
            .unwrap_or_else(|| format!("A{:02}", self.number))
    }
}

/// Changes to an action (JSON merge patch). Status and progress change
/// through progress updates; an action stays in its plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionPatch {
    /// Number.
    #[schema(minimum = 1, maximum = 999)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub number: Option<i32>,
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
    /// The challenges it serves: one or more.
    #[schema(min_items = 1, max_items = 50)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub challenge_ids: Option<Vec<Uuid>>,
    /// Origin.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub origin: Option<ActionOrigin>,
    /// The proposing region.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub proposed_by_region_id: Option<Option<String>>,
    /// Weight in roll-ups.
    #[schema(minimum = 0, maximum = 1000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub weight: Option<f64>,
    /// The organisations that lead it.
    #[schema(max_items = 50)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub lead_organisation_ids: Option<Vec<Uuid>>,
    /// Start of the period.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub start_date: Option<Option<NaiveDate>>,
    /// End of the period.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub end_date: Option<Option<NaiveDate>>,
}
