//! Who may see, write and publish good practices.

use uuid::Uuid;

use super::{Decision, Denied, Write, allow, plan_editor};
use crate::domain::practices::PracticeStatus;
use crate::domain::{InputIssue, Principal, Role};

/// What decides the rights on a practice: the regional platform and the
/// organisation it belongs to, and who wrote it.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    pub region: Option<&'a str>,
    pub organisation: Option<Uuid>,
}

/// May the caller (`None`: anonymous, with public read on) see a practice?
/// A published or archived one: anyone who may read at all. A draft: its
/// authors, its region's coordinator, steering and administrators.
pub fn practice_visible(
    principal: Option<&Principal>,
    status: PracticeStatus,
    owner: Owner<'_>,
    authors: &[Uuid],
) -> bool {
    if status != PracticeStatus::Draft {
        return true;
    }
    let Some(p) = principal else {
        return false;
    };
    plan_editor(p.role)
        || authors.contains(&p.id)
        || (p.role == Role::Coordinator
            && owner.region.is_some()
            && p.region_id.as_deref() == owner.region)
}

/// Writing practices. Steering and administrators write any. A coordinator
/// writes those of their own region and keeps them there; a contributor
/// those of its own organisation and keeps them its own. Creating one of
/// another region or organisation is forbidden; moving one there is refused
/// by the field.
///
/// `before` is the practice now (absent on create), `after` what the write
/// leaves (absent on delete).
pub fn practice_write(
    principal: &Principal,
    write: Write,
    before: Option<Owner<'_>>,
    after: Option<Owner<'_>>,
) -> Decision {
    if plan_editor(principal.role) {
        return Ok(());
    }
    match principal.role {
        Role::Coordinator => {
            let own = principal.region_id.as_deref();
            let foreign = |o: Option<Owner<'_>>| o.is_some_and(|o| o.region != own);
            if own.is_none() || foreign(before) || (write == Write::Create && foreign(after)) {
                return Err(Denied::Forbidden);
            }
            if write == Write::Update && foreign(after) {
                return Err(Denied::Refused(InputIssue::body(
                    "regionId",
                    "coordinators cannot move a practice to another region",
                )));
            }
            Ok(())
        }
        Role::Contributor => {
            let own = principal.organisation_id;
            let foreign = |o: Option<Owner<'_>>| o.is_some_and(|o| o.organisation != own);
            if own.is_none() || foreign(before) || (write == Write::Create && foreign(after)) {
                return Err(Denied::Forbidden);
            }
            if write == Write::Update && foreign(after) {
                return Err(Denied::Refused(InputIssue::body(
                    "organisationId",
                    "contributors cannot move a practice to another organisation",
                )));
            }
            Ok(())
        }
        Role::Reader | Role::Admin | Role::Steering => Err(Denied::Forbidden),
    }
}

/// Changing a practice's status (publishing, archiving, taking it back to
/// draft): the coordinator of its region, steering and administrators. A
/// writer who may not is refused by the field.
pub fn practice_publish(principal: &Principal, region: Option<&str>) -> Decision {
    let refused = |detail: &str| Err(Denied::Refused(InputIssue::body("status", detail)));
    match principal.role {
        Role::Admin | Role::Steering => Ok(()),
        Role::Coordinator if region.is_some() && principal.region_id.as_deref() == region => Ok(()),
        Role::Coordinator => refused(
            "coordinators cannot publish, archive or withdraw a practice of another region or of Flanders as a whole",
        ),
        Role::Contributor => refused(
            "contributors cannot publish, archive or withdraw a practice; the coordinator of its region does",
        ),
        Role::Reader => allow(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, region: Option<&str>, organisation: Option<Uuid>) -> Principal {
        Principal {
            id: Uuid::new_v4(),
            kind: crate::domain::PrincipalKind::User,
            role,
            region_id: region.map(str::to_owned),
            organisation_id: organisation,
            session_id: None,
        }
    }

    #[test]
    fn drafts_are_seen_by_authors_their_coordinator_and_steering_only() {
        let limburg = Owner {
            region: Some("limburg"),
            organisation: None,
        };
        let author = who(Role::Contributor, None, Some(Uuid::new_v4()));
        let authors = [author.id];
        let draft = PracticeStatus::Draft;
        assert!(practice_visible(Some(&author), draft, limburg, &authors));
        let coordinator = who(Role::Coordinator, Some("limburg"), None);
        assert!(practice_visible(
            Some(&coordinator),
            draft,
            limburg,
            &authors
        ));
        let other = who(Role::Coordinator, Some("antwerpen"), None);
        assert!(!practice_visible(Some(&other), draft, limburg, &authors));
        assert!(!practice_visible(
            Some(&who(Role::Reader, None, None)),
            draft,
            limburg,
            &authors
        ));
        assert!(!practice_visible(None, draft, limburg, &authors));
        assert!(practice_visible(
            None,
            PracticeStatus::Published,
            limburg,
            &authors
        ));
        assert!(practice_visible(
            Some(&who(Role::Steering, None, None)),
            draft,
            limburg,
            &[]
        ));
    }

    #[test]
    fn coordinators_and_contributors_write_their_own_only() {
        let org = Uuid::new_v4();
        let own = Owner {
            region: Some("limburg"),
            organisation: Some(org),
        };
        let elsewhere = Owner {
            region: Some("antwerpen"),
            organisation: None,
        };
        let coordinator = who(Role::Coordinator, Some("limburg"), None);
        assert!(practice_write(&coordinator, Write::Create, None, Some(own)).is_ok());
        assert_eq!(
            practice_write(&coordinator, Write::Create, None, Some(elsewhere)),
            Err(Denied::Forbidden)
        );
        assert!(matches!(
            practice_write(&coordinator, Write::Update, Some(own), Some(elsewhere)),
            Err(Denied::Refused(_))
        ));
        assert_eq!(
            practice_write(
                &coordinator,
                Write::Update,
                Some(elsewhere),
                Some(elsewhere)
            ),
            Err(Denied::Forbidden)
        );
        let contributor = who(Role::Contributor, None, Some(org));
        assert!(practice_write(&contributor, Write::Update, Some(own), Some(own)).is_ok());
        assert!(practice_write(&contributor, Write::Delete, Some(elsewhere), None).is_err());
        assert!(
            practice_write(
                &who(Role::Reader, None, None),
                Write::Create,
                None,
                Some(own)
            )
            .is_err()
        );
        assert!(practice_publish(&coordinator, Some("limburg")).is_ok());
        assert!(practice_publish(&contributor, Some("limburg")).is_err());
        assert!(practice_publish(&coordinator, None).is_err());
    }
}
