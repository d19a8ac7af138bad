//! A proposal, its transitions and comments as clients see them, and the
//! inputs that write them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::proposals::{Outcome, ProposalStatus, ReasonCode};
use crate::service::patch::present;
use crate::service::{API_BASE, ServiceResult, corrupt};
use crate::storage::proposals::{Alike, CommentRow, ProposalRow, TransitionRow};

/// A proposal for a new action, put forward for a regional platform and
/// decided by steering.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Proposal {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The plan the action would join.
    pub plan_id: Uuid,
    /// The proposing regional platform.
    pub region_id: String,
    /// Title of the proposed action.
    pub title: String,
    /// Why the plan needs it; may be empty in a draft.
    pub rationale: String,
    /// The challenges of the plan it serves.
    pub challenge_ids: Vec<Uuid>,
    /// The organisations that support it.
    pub organisation_ids: Vec<Uuid>,
    /// Good practices it builds on.
    pub practice_ids: Vec<Uuid>,
    /// Where it stands.
    pub status: ProposalStatus,
    /// When it was first submitted; absent for a draft never submitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<DateTime<Utc>>,
    /// The latest decision on it (`…/decisions/{id}`); absent before one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_id: Option<Uuid>,
    /// The action accepting it created; absent unless accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<Uuid>,
    /// Who wrote it.
    pub author_ids: Vec<Uuid>,
    /// `true` for demo data.
    pub example: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl Proposal {
    pub(crate) fn from_row(row: ProposalRow) -> ServiceResult<Self> {
        Ok(Self {
            self_link: format!("{API_BASE}/proposals/{}", row.id),
            id: row.id,
            plan_id: row.plan_id,
            region_id: row.region_id,
            title: row.title,
            rationale: row.rationale,
            challenge_ids: row.challenge_ids,
            organisation_ids: row.organisation_ids,
            practice_ids: row.practice_ids,
            status: row.status.parse().map_err(corrupt)?,
            submitted_at: row.submitted_at,
            decision_id: row.decision_id,
            action_id: row.action_id,
            author_ids: row.author_ids,
            example: row.example,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A new proposal: a draft until it is submitted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProposalCreate {
    /// The plan the action would join.
    pub plan_id: Uuid,
    /// The proposing regional platform; default the coordinator's own
    /// region, required from steering.
    #[schema(min_length = 1, max_length = 40)]
    pub region_id: Option<String>,
    /// Title of the proposed action.
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// Why the plan needs it; required to submit.
    #[schema(max_length = 20000)]
    pub rationale: Option<String>,
    /// The challenges of the same plan it serves; one or more to submit.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub challenge_ids: Vec<Uuid>,
    /// The organisations that support it.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub organisation_ids: Vec<Uuid>,
    /// Good practices it builds on.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub practice_ids: Vec<Uuid>,
    /// Demo data: set by the command line, never by a request.
    #[serde(skip)]
    pub example: bool,
}

/// Changes to a proposal (JSON merge patch), while it is a draft or
/// returned for changes. Its plan and region stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProposalPatch {
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub title: Option<String>,
    /// Rationale.
    #[schema(max_length = 20000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub rationale: Option<String>,
    /// The challenges it serves.
    #[schema(max_items = 50)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub challenge_ids: Option<Vec<Uuid>>,
    /// The organisations that support it.
    #[schema(max_items = 50)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub organisation_ids: Option<Vec<Uuid>>,
    /// Good practices it builds on.
    #[schema(max_items = 50)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub practice_ids: Option<Vec<Uuid>>,
}

/// A step of the life cycle (submit, review, withdraw), with an optional note.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepNote {
    /// Why, in a few words; kept with the transition.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// A decision of steering on a proposal.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecisionCreate {
    /// What steering decided.
    pub outcome: Outcome,
    /// Why; required to reject or return.
    pub reason_code: Option<ReasonCode>,
    /// Why, in words; required to reject or return, and to reconsider.
    #[schema(max_length = 5000)]
    pub reason: Option<String>,
    /// The meeting the decision was taken in (`Stuurgroep 12 maart 2026`).
    #[schema(min_length = 1, max_length = 200)]
    pub meeting: Option<String>,
    /// The day of that meeting; not after today.
    pub meeting_on: Option<NaiveDate>,
    /// To reconsider: the proposal's latest decision, which this one supersedes.
    pub supersedes: Option<Uuid>,
}

/// Who took a step or wrote a comment.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub id: Uuid,
    /// `user`, `serviceAccount` or `system` (the command line).
    pub kind: String,
    pub name: String,
}

/// A step of a proposal's life cycle; a decision when steering took it.
/// Never changed: a decision reconsidered stays, superseded by the next.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    /// Identifier.
    pub id: Uuid,
    /// URL of the decision; absent for other steps.
    #[serde(rename = "self", skip_serializing_if = "Option::is_none")]
    pub self_link: Option<String>,
    /// The proposal.
    pub proposal_id: Uuid,
    /// Its place among the proposal's steps, from 1.
    pub seq: i32,
    pub from: ProposalStatus,
    pub to: ProposalStatus,
    /// Whether steering decided (accepted, rejected, returned).
    pub decision: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<ReasonCode>,
    /// Why, in words; may be empty.
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_on: Option<NaiveDate>,
    /// The earlier decision this one reconsidered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Uuid>,
    /// The later decision that reconsidered this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<Uuid>,
    /// The action an acceptance created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<Uuid>,
    pub by: Person,
    pub at: DateTime<Utc>,
}

impl Transition {
    pub(crate) fn from_row(
        row: TransitionRow,
        superseded_by: Option<Uuid>,
        action_id: Option<Uuid>,
    ) -> ServiceResult<Self> {
        let to: ProposalStatus = row.to_status.parse().map_err(corrupt)?;
        Ok(Self {
            self_link: row.decision.then(|| {
                format!(
                    "{API_BASE}/proposals/{}/decisions/{}",
                    row.proposal_id, row.id
                )
            }),
            id: row.id,
            proposal_id: row.proposal_id,
            seq: row.seq,
            from: row.from_status.parse().map_err(corrupt)?,
            to,
            decision: row.decision,
            reason_code: row
                .reason_code
                .map(|c| c.parse())
                .transpose()
                .map_err(corrupt)?,
            reason: row.reason,
            meeting: row.meeting,
            meeting_on: row.meeting_on,
            supersedes: row.supersedes,
            superseded_by,
            action_id: action_id.filter(|_| to == ProposalStatus::Accepted),
            by: Person {
                id: row.actor_id,
                kind: row.actor_kind,
                name: row.actor_name,
            },
            at: row.at,
        })
    }
}

/// A comment on a proposal, as written.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    pub id: Uuid,
    #[serde(rename = "self")]
    pub self_link: String,
    pub proposal_id: Uuid,
    pub body: String,
    pub by: Person,
    pub at: DateTime<Utc>,
}

impl From<CommentRow> for Comment {
    fn from(row: CommentRow) -> Self {
        Self {
            self_link: format!(
                "{API_BASE}/proposals/{}/comments/{}",
                row.proposal_id, row.id
            ),
            id: row.id,
            proposal_id: row.proposal_id,
            body: row.body,
            by: Person {
                id: row.author_id,
                kind: row.author_kind,
                name: row.author_name,
            },
            at: row.at,
        }
    }
}

/// A new comment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommentCreate {
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// A submitted proposal or an action of the plan whose title is like a proposal's.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SimilarItem {
    pub id: Uuid,
    #[serde(rename = "self")]
    pub self_link: String,
    /// The action's code; absent for a proposal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub title: String,
    /// The proposal's or the action's status.
    pub status: String,
    /// Trigram similarity of the titles, from 0.3 to 1.
    pub similarity: f64,
}

/// What is like a proposal already, so that an idea is not proposed twice.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Similar {
    /// Submitted proposals of the same plan, most alike first; five at most.
    pub proposals: Vec<SimilarItem>,
    /// Actions of the plan, most alike first; five at most.
    pub actions: Vec<SimilarItem>,
}

impl Similar {
    pub(crate) fn of(proposals: Vec<Alike>, actions: Vec<Alike>) -> Self {
        let item = |collection: &str, a: Alike| SimilarItem {
            self_link: format!("{API_BASE}/{collection}/{}", a.id),
            id: a.id,
            code: (!a.code.is_empty()).then_some(a.code),
            title: a.title,
            status: a.status,
            similarity: (a.similarity * 1000.0).round() / 1000.0,
        };
        Self {
            proposals: proposals
                .into_iter()
                .map(|a| item("proposals", a))
                .collect(),
            actions: actions.into_iter().map(|a| item("actions", a)).collect(),
        }
    }
}

/// A submitted proposal and what is like it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Submission {
    pub proposal: Proposal,
    pub similar: Similar,
}
