//! Who may do what: the one place where the permission rules live. The README's
//! permission table states the same rules for people.

use crate::domain::{InputIssue, Principal, Role};

mod practices;
mod proposals;
mod results;
pub use practices::{Owner, practice_publish, practice_visible, practice_write};
pub use proposals::{proposal_comment, proposal_decide, proposal_visible, proposal_write};
pub use results::{Partnership, Work, gbo_project_write, indicator_write, measurement_write};

/// Why a principal may not do what it asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Denied {
    /// The role or scope does not allow it (403).
    Forbidden,
    /// The record is not the caller's to see, so it is as if it did not exist (404).
    Hidden,
    /// The caller may write the record, but not this change of it (400, naming the field).
    Refused(InputIssue),
}

/// The answer to "may this principal do this?".
pub type Decision = Result<(), Denied>;

fn allow(allowed: bool) -> Decision {
    if allowed {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Users,
    ServiceAccounts,
    /// Regions, municipalities, primary care zones.
    ReferenceData,
    /// Plans, challenges and actions.
    Plan,
    Initiatives,
    ProgressUpdates,
    Organisations,
    /// The audit log and the history of every record.
    Audit,
    Indicators,
    Measurements,
    GboProjects,
    /// Sociaalwerkconferenties: reference data steering keeps.
    Conferences,
    /// Good practices.
    Practices,
    /// Proposals for new actions and steering's decisions on them.
    Proposals,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Read,
    Write,
}

/// Role-level rule: may a principal with this role perform `operation` on any
/// record of `resource`? Scope rules (own record, own region) come on top.
pub fn role_allows(role: Role, resource: Resource, operation: Operation) -> bool {
    use Operation::*;
    use Resource::*;
    match (resource, operation) {
        (Users | ServiceAccounts, _) => role == Role::Admin,
        (ReferenceData, Read) => true,
        (ReferenceData, Write) => role == Role::Admin,
        (Plan | Initiatives | ProgressUpdates | Organisations, Read) => true,
        (Plan, Write) => plan_editor(role),
        // Scoped further by `initiative_write`, `progress_update_write` and `organisation_write`.
        (Initiatives, Write) => plan_editor(role) || role == Role::Coordinator,
        (ProgressUpdates, Write) => role != Role::Reader,
        (Organisations, Write) => role != Role::Reader,
        (Audit, _) => plan_editor(role),
        (Indicators | Measurements | GboProjects | Conferences, Read) => true,
        (Conferences, Write) => plan_editor(role),
        // Scoped further by `indicator_write`, `measurement_write` and `gbo_project_write`.
        (Indicators | Measurements | GboProjects, Write) => role != Role::Reader,
        // Drafts hidden by `practice_visible`; writes scoped by `practice_write`.
        (Practices, Read) => true,
        (Practices, Write) => role != Role::Reader,
        // Drafts hidden by `proposal_visible`; writes scoped by `proposal_write`,
        // decisions by `proposal_decide`.
        (Proposals, Read) => true,
        (Proposals, Write) => matches!(role, Role::Steering | Role::Coordinator),
    }
}

/// Steering and administrators edit the whole plan.
fn plan_editor(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Steering)
}

/// The kind of write on a scoped record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    Create,
    Update,
    Delete,
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

/// Initiatives. Steering and administrators write any. A coordinator creates
/// them in their own region only, edits those whose regions include theirs but
/// cannot change the set of regions, and deletes those in their region alone.
/// Flanders-wide initiatives are for steering and administrators.
///
/// `before` are the regions now (absent on create), `after` the regions the
/// write leaves (absent on delete); `flanders_wide` whether either touches the
/// Flanders-wide region.
pub fn initiative_write(
    principal: &Principal,
    write: Write,
    before: Option<&[String]>,
    after: Option<&[String]>,
    flanders_wide: bool,
) -> Decision {
    if plan_editor(principal.role) {
        return Ok(());
    }
    let (Role::Coordinator, Some(own)) = (principal.role, principal.region_id.as_ref()) else {
        return Err(Denied::Forbidden);
    };
    if flanders_wide {
        return Err(Denied::Forbidden);
    }
    let only_own = |regions: &[String]| regions.len() == 1 && regions[0] == *own;
    let allowed = match (write, before, after) {
        (Write::Create, _, Some(after)) => only_own(after),
        (Write::Update, Some(before), Some(after)) => {
            if before.contains(own) && !same_set(before, after) {
                return Err(Denied::Refused(InputIssue::body(
                    "regions",
                    "coordinators cannot change the regions of an initiative",
                )));
            }
            before.contains(own)
        }
        (Write::Delete, Some(before), _) => only_own(before),
        _ => false,
    };
    allow(allowed)
}

/// Progress updates on an initiative. Steering and administrators post on any;
/// a coordinator on initiatives whose regions include theirs; a contributor on
/// initiatives its organisation leads.
pub fn progress_update_write(
    principal: &Principal,
    regions: &[String],
    lead_organisation_id: uuid::Uuid,
) -> Decision {
    let allowed = match principal.role {
        Role::Admin | Role::Steering => true,
        Role::Coordinator => principal
            .region_id
            .as_ref()
            .is_some_and(|own| regions.contains(own)),
        Role::Contributor => principal.organisation_id == Some(lead_organisation_id),
        Role::Reader => false,
    };
    allow(allowed)
}

/// Organisations. Steering and administrators write any and alone delete. A
/// coordinator creates and edits those in their region and cannot move one
/// out of it; a contributor edits its own organisation's details but not its
/// region.
///
/// `record` is the organisation's id and region now (absent on create);
/// `region_after` the region the write leaves.
pub fn organisation_write(
    principal: &Principal,
    write: Write,
    record: Option<(uuid::Uuid, Option<&str>)>,
    region_after: Option<&str>,
) -> Decision {
    if plan_editor(principal.role) {
        return Ok(());
    }
    let own_region = principal.region_id.as_deref();
    let allowed = match (principal.role, write, record) {
        (Role::Coordinator, Write::Create, None) => {
            own_region.is_some() && region_after == own_region
        }
        (Role::Coordinator, Write::Update, Some((_, region)))
            if own_region.is_some() && region == own_region =>
        {
            if region_after != own_region {
                return Err(Denied::Refused(InputIssue::body(
                    "regionId",
                    "coordinators cannot move an organisation to another region",
                )));
            }
            true
        }
        (Role::Contributor, Write::Update, Some((id, region)))
            if principal.organisation_id == Some(id) =>
        {
            if region_after != region {
                return Err(Denied::Refused(InputIssue::body(
                    "regionId",
                    "contributors cannot change the region of their organisation",
                )));
            }
            true
        }
        _ => false,
    };
    allow(allowed)
}

/// 403 unless the role allows the operation.
pub fn require(principal: &Principal, resource: Resource, operation: Operation) -> Decision {
    allow(role_allows(principal.role, resource, operation))
}

/// Reading one user: admins read everyone, everyone reads themselves. Anyone
/// else gets a 404, so the existence of other accounts does not leak.
pub fn require_read_user(principal: &Principal, user_id: uuid::Uuid) -> Decision {
    if principal.id == user_id || role_allows(principal.role, Resource::Users, Operation::Read) {
        Ok(())
    } else {
        Err(Denied::Hidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, region: Option<&str>, organisation: Option<uuid::Uuid>) -> Principal {
        Principal {
            id: uuid::Uuid::new_v4(),
            kind: crate::domain::PrincipalKind::User,
            role,
            region_id: region.map(str::to_owned),
            organisation_id: organisation,
            session_id: None,
        }
    }

    fn regions(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn coordinators_write_initiatives_of_their_own_region_only() {
        let c = principal(Role::Coordinator, Some("limburg"), None);
        let own = regions(&["limburg"]);
        let both = regions(&["limburg", "antwerpen"]);
        let other = regions(&["antwerpen"]);
        assert!(initiative_write(&c, Write::Create, None, Some(&own), false).is_ok());
        assert!(initiative_write(&c, Write::Create, None, Some(&both), false).is_err());
        assert!(initiative_write(&c, Write::Create, None, Some(&other), false).is_err());
        assert!(initiative_write(&c, Write::Update, Some(&both), Some(&both), false).is_ok());
        assert!(matches!(
            initiative_write(&c, Write::Update, Some(&both), Some(&own), false),
            Err(Denied::Refused(_))
        ));
        assert!(initiative_write(&c, Write::Update, Some(&other), Some(&other), false).is_err());
        assert!(initiative_write(&c, Write::Delete, Some(&own), None, false).is_ok());
        assert!(initiative_write(&c, Write::Delete, Some(&both), None, false).is_err());
        assert!(initiative_write(&c, Write::Create, None, Some(&own), true).is_err());
        for role in [Role::Contributor, Role::Reader] {
            let p = principal(role, Some("limburg"), None);
            assert!(initiative_write(&p, Write::Create, None, Some(&own), false).is_err());
        }
        for role in [Role::Admin, Role::Steering] {
            let p = principal(role, None, None);
            assert!(initiative_write(&p, Write::Update, Some(&own), Some(&other), true).is_ok());
        }
    }

    #[test]
    fn progress_updates_follow_region_and_lead_organisation() {
        let org = uuid::Uuid::new_v4();
        let both = regions(&["limburg", "antwerpen"]);
        let coordinator = principal(Role::Coordinator, Some("antwerpen"), None);
        assert!(progress_update_write(&coordinator, &both, org).is_ok());
        assert!(progress_update_write(&coordinator, &regions(&["limburg"]), org).is_err());
        let contributor = principal(Role::Contributor, None, Some(org));
        assert!(progress_update_write(&contributor, &both, org).is_ok());
        assert!(progress_update_write(&contributor, &both, uuid::Uuid::new_v4()).is_err());
        let reader = principal(Role::Reader, Some("limburg"), Some(org));
        assert!(progress_update_write(&reader, &both, org).is_err());
    }

    #[test]
    fn organisations_by_region_and_own_organisation() {
        let org = uuid::Uuid::new_v4();
        let c = principal(Role::Coordinator, Some("limburg"), None);
        assert!(organisation_write(&c, Write::Create, None, Some("limburg")).is_ok());
        assert!(organisation_write(&c, Write::Create, None, Some("antwerpen")).is_err());
        assert!(organisation_write(&c, Write::Create, None, None).is_err());
        assert!(
            organisation_write(
                &c,
                Write::Update,
                Some((org, Some("limburg"))),
                Some("limburg")
            )
            .is_ok()
        );
        assert!(matches!(
            organisation_write(
                &c,
                Write::Update,
                Some((org, Some("limburg"))),
                Some("antwerpen")
            ),
            Err(Denied::Refused(_))
        ));
        assert!(
            organisation_write(
                &c,
                Write::Update,
                Some((org, Some("antwerpen"))),
                Some("antwerpen")
            )
            .is_err()
        );
        assert!(organisation_write(&c, Write::Delete, Some((org, Some("limburg"))), None).is_err());
        let contributor = principal(Role::Contributor, None, Some(org));
        assert!(
            organisation_write(
                &contributor,
                Write::Update,
                Some((org, Some("limburg"))),
                Some("limburg")
            )
            .is_ok()
        );
        assert!(
            organisation_write(
                &contributor,
                Write::Update,
                Some((uuid::Uuid::new_v4(), Some("limburg"))),
                Some("limburg")
            )
            .is_err()
        );
        assert!(organisation_write(&contributor, Write::Create, None, Some("limburg")).is_err());
        let steering = principal(Role::Steering, None, None);
        assert!(organisation_write(&steering, Write::Delete, Some((org, None)), None).is_ok());
    }

    #[test]
    fn plan_and_audit_are_for_steering_and_admins() {
        for role in Role::ALL {
            let editor = matches!(role, Role::Admin | Role::Steering);
            assert!(role_allows(role, Resource::Plan, Operation::Read));
            assert_eq!(role_allows(role, Resource::Plan, Operation::Write), editor);
            assert_eq!(role_allows(role, Resource::Audit, Operation::Read), editor);
        }
    }

    #[test]
    fn only_admins_manage_principals() {
        for role in Role::ALL {
            for resource in [Resource::Users, Resource::ServiceAccounts] {
                for op in [Operation::Read, Operation::Write] {
                    assert_eq!(
                        role_allows(role, resource, op),
                        role == Role::Admin,
                        "{role} {resource:?} {op:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn everyone_reads_reference_data_and_only_admins_write_it() {
        for role in Role::ALL {
            assert!(role_allows(role, Resource::ReferenceData, Operation::Read));
            assert_eq!(
                role_allows(role, Resource::ReferenceData, Operation::Write),
                role == Role::Admin
            );
        }
    }
}
