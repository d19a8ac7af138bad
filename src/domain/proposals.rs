//! Proposals for new actions: their vocabularies and the life cycle, as rules
//! that need no database.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::plan::vocabulary;

vocabulary! {
    /// Where a proposal stands. A draft is put forward by submitting it;
    /// steering takes it under review and decides: accepted (the action is
    /// created), rejected, or returned for changes (its proposers change it
    /// and submit it again). Its proposers may withdraw it before a decision.
    ProposalStatus {
        Draft = "draft",
        Submitted = "submitted",
        UnderReview = "underReview",
        Accepted = "accepted",
        Rejected = "rejected",
        Returned = "returned",
        Withdrawn = "withdrawn",
    }
}

vocabulary! {
    /// What steering decides on a proposal.
    Outcome {
        /// The action is created in the plan.
        Accepted = "accepted",
        /// Not taken up; a reason is required.
        Rejected = "rejected",
        /// Back to its proposers for changes; a reason is required.
        Returned = "returned",
    }
}

vocabulary! {
    /// Why a proposal was rejected or returned (or, optionally, accepted).
    ReasonCode {
        /// An action or another proposal covers it already.
        Duplicate = "duplicate",
        /// It falls outside the plan's challenges.
        OutOfScope = "outOfScope",
        /// It cannot be done with the means at hand.
        NotFeasible = "notFeasible",
        /// It needs to be worked out further.
        NeedsMoreDetail = "needsMoreDetail",
        /// It lacks support from the partners it needs.
        LacksSupport = "lacksSupport",
        /// It fits the plan (for an acceptance).
        FitsPlan = "fitsPlan",
        /// Another reason, given in the text.
        Other = "other",
    }
}

impl Outcome {
    pub fn status(self) -> ProposalStatus {
        match self {
            Outcome::Accepted => ProposalStatus::Accepted,
            Outcome::Rejected => ProposalStatus::Rejected,
            Outcome::Returned => ProposalStatus::Returned,
        }
    }

    /// Whether a decision of this outcome must say why.
    pub fn needs_reason(self) -> bool {
        self != Outcome::Accepted
    }
}

/// A step of the life cycle that is not a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Review,
    Withdraw,
}

impl Step {
    pub fn target(self) -> ProposalStatus {
        match self {
            Step::Submit => ProposalStatus::Submitted,
            Step::Review => ProposalStatus::UnderReview,
            Step::Withdraw => ProposalStatus::Withdrawn,
        }
    }
}

/// Why a step or a decision cannot be taken in the proposal's status (a 409).
pub fn step_refused(from: ProposalStatus, step: Step) -> Option<String> {
    use ProposalStatus::*;
    let allowed = match step {
        Step::Submit => matches!(from, Draft | Returned),
        Step::Review => from == Submitted,
        Step::Withdraw => matches!(from, Draft | Submitted | UnderReview | Returned),
    };
    (!allowed).then(|| {
        let what = match step {
            Step::Submit => "submitted",
            Step::Review => "taken under review",
            Step::Withdraw => "withdrawn",
        };
        format!("a proposal that is {} cannot be {what}", from.as_str())
    })
}

/// Whether the proposal's text and lists may change: only while its
/// proposers hold it (a draft, or returned for changes).
pub fn editable(status: ProposalStatus) -> bool {
    matches!(status, ProposalStatus::Draft | ProposalStatus::Returned)
}

/// What a decision does to a proposal's earlier decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reconsidering {
    /// A first decision on a submitted proposal, or one under review.
    First,
    /// A decision that supersedes the proposal's latest one.
    Supersedes,
}

/// Whether steering may decide on a proposal in `from` status, naming an
/// earlier decision to supersede (`supersedes`) or not. `Err` is the 409's
/// reason.
pub fn decision_allowed(from: ProposalStatus, supersedes: bool) -> Result<Reconsidering, String> {
    use ProposalStatus::*;
    match (from, supersedes) {
        (Submitted | UnderReview, false) => Ok(Reconsidering::First),
        (Rejected | Returned, true) => Ok(Reconsidering::Supersedes),
        (Submitted | UnderReview, true) => Err(
            "the proposal has been submitted again since that decision: decide without `supersedes`"
                .into(),
        ),
        (Rejected | Returned, false) => Err(format!(
            "the proposal was {} already: name that decision in `supersedes` to reconsider it",
            from.as_str()
        )),
        (Accepted, _) => Err(
            "the proposal was accepted and its action created: a decision cannot be taken on it again"
                .into(),
        ),
        (Draft | Withdrawn, _) => Err(format!(
            "a proposal that is {} has nothing to decide on",
            from.as_str()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::ProposalStatus::*;
    use super::*;

    #[test]
    fn steps_follow_the_life_cycle() {
        assert!(step_refused(Draft, Step::Submit).is_none());
        assert!(step_refused(Returned, Step::Submit).is_none());
        assert!(step_refused(Submitted, Step::Submit).is_some());
        assert!(step_refused(Submitted, Step::Review).is_none());
        assert!(step_refused(UnderReview, Step::Review).is_some());
        for from in [Draft, Submitted, UnderReview, Returned] {
            assert!(step_refused(from, Step::Withdraw).is_none(), "{from:?}");
        }
        for from in [Accepted, Rejected, Withdrawn] {
            assert_eq!(
                step_refused(from, Step::Withdraw),
                Some(format!(
                    "a proposal that is {} cannot be withdrawn",
                    from.as_str()
                ))
            );
        }
    }

    #[test]
    fn a_decision_is_taken_once_and_reconsidered_only_by_superseding() {
        assert_eq!(decision_allowed(Submitted, false), Ok(Reconsidering::First));
        assert_eq!(
            decision_allowed(UnderReview, false),
            Ok(Reconsidering::First)
        );
        assert_eq!(
            decision_allowed(Rejected, true),
            Ok(Reconsidering::Supersedes)
        );
        assert_eq!(
            decision_allowed(Returned, true),
            Ok(Reconsidering::Supersedes)
        );
        assert!(decision_allowed(Rejected, false).is_err());
        assert!(decision_allowed(Accepted, false).is_err());
        assert!(decision_allowed(Accepted, true).is_err());
        assert!(decision_allowed(Draft, false).is_err());
        assert!(decision_allowed(Withdrawn, true).is_err());
        assert!(decision_allowed(UnderReview, true).is_err());
    }

    #[test]
    fn only_proposals_their_proposers_hold_are_edited() {
        assert!(editable(Draft) && editable(Returned));
        for s in [Submitted, UnderReview, Accepted, Rejected, Withdrawn] {
            assert!(!editable(s));
        }
        assert!(Outcome::Rejected.needs_reason() && !Outcome::Accepted.needs_reason());
        assert_eq!(Outcome::Returned.status(), Returned);
    }
}
