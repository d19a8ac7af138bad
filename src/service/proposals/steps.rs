//! The steps of a proposal's life cycle that are not decisions: submitting,
//! taking under review and withdrawing; and who takes a step.

use uuid::Uuid;

use super::model::{Proposal, Similar, StepNote, Submission};
use super::{seen, status_of, visible_row};
use crate::auth::permissions::{proposal_decide, proposal_write};
use crate::domain::Principal;
use crate::domain::plan::check_long_text;
use crate::domain::proposals::{ProposalStatus, Step, step_refused};
use crate::service::record;
use crate::service::{Change, Conn, ServiceError, ServiceResult, Writer, check, ensure_valid};
use crate::storage::proposals::{self as store, NewTransition, ProposalRow};

/// Who takes a step, as transitions and comments record them.
#[derive(Debug, Clone)]
pub(crate) struct Actor {
    pub(super) id: Uuid,
    pub(super) kind: &'static str,
    pub(super) name: String,
}

impl Actor {
    pub(crate) async fn of(conn: &mut Conn, writer: &Writer<'_>) -> ServiceResult<Self> {
        Ok(Self {
            id: writer.principal.id,
            kind: writer.actor().kind,
            name: crate::service::actor_name(conn, writer).await?,
        })
    }
}

/// The transition that moves `current` to `to`.
pub(crate) fn transition(
    current: &ProposalRow,
    to: ProposalStatus,
    actor: &Actor,
    reason: String,
) -> NewTransition {
    NewTransition {
        proposal_id: current.id,
        seq: current.last_seq.unwrap_or(0) + 1,
        from_status: current.status.clone(),
        to_status: to.as_str().to_owned(),
        decision: false,
        reason_code: None,
        reason,
        meeting: None,
        meeting_on: None,
        supersedes: None,
        actor_id: actor.id,
        actor_kind: actor.kind.to_owned(),
        actor_name: actor.name.clone(),
    }
}

/// Submitting, taking under review or withdrawing.
struct Stepping {
    step: Step,
    note: String,
    actor: Actor,
}

impl Change<ProposalRow> for Stepping {
    type Admission = ();
    async fn admit(
        &self,
        _: &mut Conn,
        principal: &Principal,
        current: &ProposalRow,
    ) -> ServiceResult<()> {
        seen(principal, current)?;
        match self.step {
            Step::Review => proposal_decide(principal)?,
            Step::Submit | Step::Withdraw => proposal_write(principal, &current.region_id)?,
        }
        if let Some(reason) = step_refused(status_of(current)?, self.step) {
            return Err(ServiceError::Conflict(reason));
        }
        if self.step == Step::Submit
            && (current.rationale.trim().is_empty() || current.challenge_ids.is_empty())
        {
            return Err(ServiceError::Conflict(
                "a proposal is submitted with its rationale and at least one challenge: add them first"
                    .into(),
            ));
        }
        Ok(())
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: ProposalRow,
        _: (),
    ) -> ServiceResult<Option<Proposal>> {
        let to = self.step.target();
        store::insert_transition(conn, transition(&current, to, &self.actor, self.note)).await?;
        store::set_status(conn, current.id, to.as_str(), self.step == Step::Submit).await?;
        Proposal::from_row(store::get(conn, current.id).await?).map(Some)
    }
}

/// Takes `step` on the proposal, at version `expected` when one is named.
pub async fn step(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    step: Step,
    note: StepNote,
) -> ServiceResult<Proposal> {
    let note = note.note.unwrap_or_default();
    let mut issues = Vec::new();
    check(&mut issues, "note", check_long_text(&note, 2000), || {
        serde_json::Value::Null
    });
    ensure_valid(issues)?;
    let actor = Actor::of(conn, writer).await?;
    record::change_at::<ProposalRow, _>(conn, writer, &id, expected, Stepping { step, note, actor })
        .await?
        .ok_or_else(|| ServiceError::Internal("a step removed its proposal".into()))
}

/// Submits a draft or a returned proposal, and shows what is like it.
pub async fn submit(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    note: StepNote,
) -> ServiceResult<Submission> {
    let proposal = step(conn, writer, id, expected, Step::Submit, note).await?;
    let (proposals, actions) = store::similar(conn, proposal.plan_id, id, &proposal.title).await?;
    Ok(Submission {
        proposal,
        similar: Similar::of(proposals, actions),
    })
}

/// The submitted proposals and the actions of the plan like this proposal.
pub async fn similar(conn: &mut Conn, principal: &Principal, id: Uuid) -> ServiceResult<Similar> {
    let row = visible_row(conn, principal, id).await?;
    let (proposals, actions) = store::similar(conn, row.plan_id, id, &row.title).await?;
    Ok(Similar::of(proposals, actions))
}
