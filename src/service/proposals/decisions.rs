//! Steering's decisions on proposals, and the history of every step.
//!
//! A decision is a transition row the database never lets change. Accepting
//! creates the action through the action's own use case, in the transaction
//! that records the decision and under the proposal's lock: a second
//! acceptance waits, then finds the proposal accepted (409); a failure
//! creating the action leaves no decision behind.

use std::collections::HashMap;

use uuid::Uuid;

use super::model::{DecisionCreate, Proposal, Transition};
use super::steps::{Actor, transition};
use super::{seen, status_of, visible_row};
use crate::auth::permissions::proposal_decide;
use crate::domain::plan::{check_long_text, check_text};
use crate::domain::proposals::{Outcome, Reconsidering, decision_allowed};
use crate::domain::results::today;
use crate::domain::{ActionOrigin, InputIssue, Page, Principal};
use crate::service::actions::{self, ActionCreate};
use crate::service::record;
use crate::service::{Change, Conn, ServiceError, ServiceResult, Writer, check, ensure_valid};
use crate::storage::proposals::{self as store, ProposalRow};

/// The highest number an action can have.
const LAST_ACTION_NUMBER: i32 = 999;

struct Deciding<'w> {
    input: DecisionCreate,
    actor: Actor,
    writer: Writer<'w>,
}

impl Change<ProposalRow> for Deciding<'_> {
    type Admission = ();
    async fn admit(
        &self,
        _: &mut Conn,
        principal: &Principal,
        current: &ProposalRow,
    ) -> ServiceResult<()> {
        seen(principal, current)?;
        proposal_decide(principal)?;
        let kind = decision_allowed(status_of(current)?, self.input.supersedes.is_some())
            .map_err(ServiceError::Conflict)?;
        if kind == Reconsidering::Supersedes && self.input.supersedes != current.decision_id {
            return Err(ServiceError::Conflict(format!(
                "`supersedes` must name the proposal's latest decision, {}",
                current
                    .decision_id
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            )));
        }
        Ok(())
    }

    async fn apply(
        self,
        conn: &mut Conn,
        current: ProposalRow,
        _: (),
    ) -> ServiceResult<Option<Proposal>> {
        let input = self.input;
        let to = input.outcome.status();
        let mut row = transition(&current, to, &self.actor, input.reason.unwrap_or_default());
        row.decision = true;
        row.reason_code = input.reason_code.map(|c| c.as_str().to_owned());
        row.meeting = input.meeting.map(|m| m.trim().to_owned());
        row.meeting_on = input.meeting_on;
        row.supersedes = input.supersedes;
        store::insert_transition(conn, row).await?;
        store::set_status(conn, current.id, to.as_str(), false).await?;
        if input.outcome == Outcome::Accepted {
            create_action(conn, &self.writer, &current).await?;
        }
        Proposal::from_row(store::get(conn, current.id).await?).map(Some)
    }
}

/// The action an accepted proposal becomes: the plan's next free number
/// (its code `A` and the number), the proposal's title, rationale and
/// challenges, led by its supporting organisations, proposed by its region.
async fn create_action(
    conn: &mut Conn,
    writer: &Writer<'_>,
    proposal: &ProposalRow,
) -> ServiceResult<()> {
    let number = store::next_action_number(conn, proposal.plan_id).await?;
    if number > LAST_ACTION_NUMBER {
        return Err(ServiceError::Conflict(format!(
            "the plan has no free action number: its actions reach {LAST_ACTION_NUMBER}"
        )));
    }
    actions::create(
        conn,
        writer,
        ActionCreate {
            plan_id: proposal.plan_id,
            number,
            code: None,
            title: proposal.title.clone(),
            description: Some(proposal.rationale.clone()),
            challenge_ids: proposal.challenge_ids.clone(),
            origin: Some(ActionOrigin::RegionalProposal),
            proposed_by_region_id: Some(proposal.region_id.clone()),
            status: None,
            progress: None,
            weight: None,
            lead_organisation_ids: proposal.organisation_ids.clone(),
            start_date: None,
            end_date: None,
            example: proposal.example,
            proposal_id: Some(proposal.id),
        },
    )
    .await?;
    Ok(())
}

fn check_decision(input: &DecisionCreate) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    let reason = input.reason.as_deref().unwrap_or_default();
    check(&mut issues, "reason", check_long_text(reason, 5000), || {
        serde_json::Value::Null
    });
    if input.outcome.needs_reason() {
        if input.reason_code.is_none() {
            issues.push(InputIssue::body(
                "reasonCode",
                "is required to reject or return a proposal",
            ));
        }
        if reason.trim().is_empty() {
            issues.push(InputIssue::body(
                "reason",
                "is required to reject or return a proposal",
            ));
        }
    } else if input.supersedes.is_some() && reason.trim().is_empty() {
        issues.push(InputIssue::body(
            "reason",
            "is required to reconsider a decision",
        ));
    }
    if let Some(m) = &input.meeting {
        check(&mut issues, "meeting", check_text(m, 200), || {
            m.as_str().into()
        });
    }
    if let Some(day) = input.meeting_on
        && day > today()
    {
        issues.push(
            InputIssue::body("meetingOn", "must not be after today")
                .with_value(day.to_string().into()),
        );
    }
    issues
}

/// Records steering's decision on a proposal, at version `expected` when one
/// is named; accepting creates the action in the same transaction.
pub async fn decide(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    input: DecisionCreate,
) -> ServiceResult<Transition> {
    ensure_valid(check_decision(&input))?;
    let actor = Actor::of(conn, writer).await?;
    let deciding = Deciding {
        input,
        actor,
        writer: writer.clone(),
    };
    let proposal = record::change_at::<ProposalRow, _>(conn, writer, &id, expected, deciding)
        .await?
        .ok_or_else(|| ServiceError::Internal("a decision removed its proposal".into()))?;
    let decision_id = proposal
        .decision_id
        .ok_or_else(|| ServiceError::Internal("a decision left none behind".into()))?;
    Transition::from_row(
        store::decision(conn, id, decision_id).await?,
        None,
        proposal.action_id,
    )
}

/// A page of a proposal's steps in the order taken (`decisions`: its
/// decisions only), each with the decision that superseded it.
pub async fn transitions(
    conn: &mut Conn,
    principal: &Principal,
    id: Uuid,
    decisions: bool,
    page: Page,
) -> ServiceResult<(Vec<Transition>, i64)> {
    let row = visible_row(conn, principal, id).await?;
    let (rows, total) = store::transitions(conn, id, decisions, &page).await?;
    let superseded: HashMap<Uuid, Uuid> = store::superseded(conn, id).await?.into_iter().collect();
    let items = rows
        .into_iter()
        .map(|t| {
            let by = superseded.get(&t.id).copied();
            Transition::from_row(t, by, row.action_id)
        })
        .collect::<ServiceResult<_>>()?;
    Ok((items, total))
}

/// One decision on a proposal.
pub async fn decision(
    conn: &mut Conn,
    principal: &Principal,
    id: Uuid,
    decision: Uuid,
) -> ServiceResult<Transition> {
    let row = visible_row(conn, principal, id).await?;
    let found = store::decision(conn, id, decision).await?;
    let superseded: HashMap<Uuid, Uuid> = store::superseded(conn, id).await?.into_iter().collect();
    Transition::from_row(found, superseded.get(&decision).copied(), row.action_id)
}
