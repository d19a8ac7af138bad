//! Who may see, write, comment on and decide on proposals for new actions.

use uuid::Uuid;

use super::{Decision, allow, plan_editor};
use crate::domain::{Principal, Role};

fn coordinator_of(principal: &Principal, region: &str) -> bool {
    principal.role == Role::Coordinator && principal.region_id.as_deref() == Some(region)
}

/// May the caller see a proposal? One that was ever submitted: every
/// reader. One never submitted: its authors, its region's coordinator,
/// steering and administrators.
pub fn proposal_visible(
    principal: &Principal,
    submitted: bool,
    region: &str,
    authors: &[Uuid],
) -> bool {
    submitted
        || plan_editor(principal.role)
        || authors.contains(&principal.id)
        || coordinator_of(principal, region)
}

/// Writing a proposal (creating, changing, submitting, withdrawing,
/// deleting a draft): steering for any region, a coordinator for their own.
pub fn proposal_write(principal: &Principal, region: &str) -> Decision {
    allow(principal.role == Role::Steering || coordinator_of(principal, region))
}

/// Taking a proposal under review and deciding on it: steering only.
pub fn proposal_decide(principal: &Principal) -> Decision {
    allow(principal.role == Role::Steering)
}

/// Commenting: steering and the proposing region's coordinator.
pub fn proposal_comment(principal: &Principal, region: &str) -> Decision {
    proposal_write(principal, region)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::permissions::Denied;
    use crate::domain::PrincipalKind;

    fn principal(role: Role, region: Option<&str>) -> Principal {
        Principal {
            id: Uuid::from_u128(7),
            kind: PrincipalKind::User,
            role,
            region_id: region.map(str::to_owned),
            organisation_id: None,
            session_id: None,
        }
    }

    #[test]
    fn steering_writes_any_a_coordinator_their_own_region_only() {
        let steering = principal(Role::Steering, None);
        let limburg = principal(Role::Coordinator, Some("limburg"));
        assert_eq!(proposal_write(&steering, "antwerpen"), Ok(()));
        assert_eq!(proposal_write(&limburg, "limburg"), Ok(()));
        assert_eq!(
            proposal_write(&limburg, "antwerpen"),
            Err(Denied::Forbidden)
        );
        for role in [Role::Admin, Role::Contributor, Role::Reader] {
            assert_eq!(
                proposal_write(&principal(role, Some("limburg")), "limburg"),
                Err(Denied::Forbidden)
            );
        }
    }

    #[test]
    fn only_steering_decides() {
        assert_eq!(proposal_decide(&principal(Role::Steering, None)), Ok(()));
        for role in [
            Role::Admin,
            Role::Coordinator,
            Role::Contributor,
            Role::Reader,
        ] {
            assert_eq!(
                proposal_decide(&principal(role, Some("limburg"))),
                Err(Denied::Forbidden)
            );
        }
    }

    #[test]
    fn a_draft_is_seen_by_its_authors_its_region_steering_and_admin() {
        let reader = principal(Role::Reader, None);
        assert!(proposal_visible(&reader, true, "limburg", &[]));
        assert!(!proposal_visible(&reader, false, "limburg", &[]));
        assert!(proposal_visible(&reader, false, "limburg", &[reader.id]));
        assert!(proposal_visible(
            &principal(Role::Coordinator, Some("limburg")),
            false,
            "limburg",
            &[]
        ));
        assert!(!proposal_visible(
            &principal(Role::Coordinator, Some("antwerpen")),
            false,
            "limburg",
            &[]
        ));
        assert!(proposal_visible(
            &principal(Role::Admin, None),
            false,
            "limburg",
            &[]
        ));
        assert!(proposal_visible(
            &principal(Role::Steering, None),
            false,
            "limburg",
            &[]
        ));
    }
}
