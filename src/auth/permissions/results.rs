//! Who may write results: indicators, measurements and GBO projects.

use uuid::Uuid;

use super::{Decision, Denied, Write, allow, plan_editor, same_set};
use crate::domain::results::SubjectType;
use crate::domain::{InputIssue, Principal, Role};

/// The work an indicator measures, as far as rights go.
#[derive(Debug, Clone, Copy)]
pub struct Work<'a> {
    pub subject: SubjectType,
    /// The regions it is in: an initiative's regions, a GBO project's regions;
    /// none for the plan and its actions.
    pub regions: &'a [String],
    /// The organisations that answer for it: an initiative's lead, a GBO
    /// project's partners.
    pub organisations: &'a [Uuid],
}

impl Work<'_> {
    fn in_region(&self, principal: &Principal) -> bool {
        matches!(
            self.subject,
            SubjectType::Initiative | SubjectType::GboProject
        ) && principal
            .region_id
            .as_ref()
            .is_some_and(|own| self.regions.contains(own))
    }

    fn answered_for_by(&self, principal: &Principal) -> bool {
        principal
            .organisation_id
            .is_some_and(|own| self.organisations.contains(&own))
    }
}

/// Indicators. Steering and administrators write any; a coordinator those of
/// initiatives and GBO projects in their region; a contributor those of the
/// initiatives its organisation leads. Indicators of the plan and its actions
/// are for steering and administrators.
pub fn indicator_write(principal: &Principal, work: &Work<'_>) -> Decision {
    allow(match principal.role {
        Role::Admin | Role::Steering => true,
        Role::Coordinator => work.in_region(principal),
        Role::Contributor => {
            work.subject == SubjectType::Initiative && work.answered_for_by(principal)
        }
        Role::Reader => false,
    })
}

/// Measurements. Steering and administrators record any; a coordinator those
/// for places in their region (a municipality of it, or the region itself);
/// a contributor those of indicators of initiatives its organisation leads and
/// of GBO projects it partners in.
///
/// `place_region` is the region of the measurement's place; none for Flanders.
pub fn measurement_write(
    principal: &Principal,
    work: &Work<'_>,
    place_region: Option<&str>,
) -> Decision {
    allow(match principal.role {
        Role::Admin | Role::Steering => true,
        Role::Coordinator => {
            principal.region_id.is_some() && principal.region_id.as_deref() == place_region
        }
        Role::Contributor => {
            matches!(
                work.subject,
                SubjectType::Initiative | SubjectType::GboProject
            ) && work.answered_for_by(principal)
        }
        Role::Reader => false,
    })
}

/// A GBO project as rights see it: its regions (from its municipalities) and
/// its partner organisations.
#[derive(Debug, Clone, Copy)]
pub struct Partnership<'a> {
    pub regions: &'a [String],
    pub partners: &'a [Uuid],
}

/// GBO projects. Steering and administrators write any. A coordinator creates
/// them in their own region only, edits those whose regions include theirs
/// without changing the set of regions, and deletes those in their region
/// alone. A contributor edits the projects its organisation partners in, but
/// not their partners or municipalities.
///
/// `before` is the project now (absent on create), `regions_after` the regions
/// the write leaves (absent on delete), `locked` the first field a contributor
/// may not change that the write changes.
pub fn gbo_project_write(
    principal: &Principal,
    write: Write,
    before: Option<Partnership<'_>>,
    regions_after: Option<&[String]>,
    locked: Option<&'static str>,
) -> Decision {
    if plan_editor(principal.role) {
        return Ok(());
    }
    let own_region = principal.region_id.as_ref();
    let only_own = |regions: &[String]| regions.len() == 1 && Some(&regions[0]) == own_region;
    let allowed = match (principal.role, write, before, regions_after) {
        (Role::Coordinator, Write::Create, None, Some(after)) => only_own(after),
        (Role::Coordinator, Write::Update, Some(before), Some(after))
            if own_region.is_some_and(|own| before.regions.contains(own)) =>
        {
            if !same_set(before.regions, after) {
                return Err(Denied::Refused(InputIssue::body(
                    "municipalities",
                    "coordinators cannot change the regions of a GBO project",
                )));
            }
            true
        }
        (Role::Coordinator, Write::Delete, Some(before), _) => only_own(before.regions),
        (Role::Contributor, Write::Update, Some(before), _)
            if principal
                .organisation_id
                .is_some_and(|own| before.partners.contains(&own)) =>
        {
            if let Some(field) = locked {
                return Err(Denied::Refused(InputIssue::body(
                    field,
                    "partners cannot change a project's partners or municipalities",
                )));
            }
            true
        }
        _ => false,
    };
    allow(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PrincipalKind;

    fn principal(role: Role, region: Option<&str>, organisation: Option<Uuid>) -> Principal {
        Principal {
            id: Uuid::new_v4(),
            kind: PrincipalKind::User,
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
    fn everyone_reads_results_and_steering_keeps_conferences() {
        use super::super::{Operation, Resource, role_allows};
        for role in Role::ALL {
            for resource in [
                Resource::Indicators,
                Resource::Measurements,
                Resource::GboProjects,
                Resource::Conferences,
            ] {
                assert!(role_allows(role, resource, Operation::Read));
            }
            assert_eq!(
                role_allows(role, Resource::Conferences, Operation::Write),
                matches!(role, Role::Admin | Role::Steering)
            );
            assert_eq!(
                role_allows(role, Resource::Measurements, Operation::Write),
                role != Role::Reader
            );
        }
    }

    #[test]
    fn indicators_follow_the_work_they_measure() {
        let org = Uuid::new_v4();
        let limburg = regions(&["limburg"]);
        let initiative = Work {
            subject: SubjectType::Initiative,
            regions: &limburg,
            organisations: &[org],
        };
        let project = Work {
            subject: SubjectType::GboProject,
            ..initiative
        };
        let action = Work {
            subject: SubjectType::Action,
            regions: &[],
            organisations: &[org],
        };
        let coordinator = principal(Role::Coordinator, Some("limburg"), None);
        assert!(indicator_write(&coordinator, &initiative).is_ok());
        assert!(indicator_write(&coordinator, &project).is_ok());
        assert!(indicator_write(&coordinator, &action).is_err());
        let elsewhere = principal(Role::Coordinator, Some("antwerpen"), None);
        assert!(indicator_write(&elsewhere, &initiative).is_err());
        let contributor = principal(Role::Contributor, None, Some(org));
        assert!(indicator_write(&contributor, &initiative).is_ok());
        assert!(indicator_write(&contributor, &project).is_err());
        assert!(indicator_write(&contributor, &action).is_err());
        let other = principal(Role::Contributor, None, Some(Uuid::new_v4()));
        assert!(indicator_write(&other, &initiative).is_err());
        assert!(
            indicator_write(
                &principal(Role::Reader, Some("limburg"), Some(org)),
                &initiative
            )
            .is_err()
        );
        for role in [Role::Admin, Role::Steering] {
            assert!(indicator_write(&principal(role, None, None), &action).is_ok());
        }
    }

    #[test]
    fn measurements_follow_the_place_for_coordinators_and_the_work_for_partners() {
        let org = Uuid::new_v4();
        let limburg = regions(&["limburg"]);
        let project = Work {
            subject: SubjectType::GboProject,
            regions: &limburg,
            organisations: &[org],
        };
        let coordinator = principal(Role::Coordinator, Some("limburg"), None);
        assert!(measurement_write(&coordinator, &project, Some("limburg")).is_ok());
        assert!(measurement_write(&coordinator, &project, Some("antwerpen")).is_err());
        assert!(measurement_write(&coordinator, &project, None).is_err());
        let partner = principal(Role::Contributor, None, Some(org));
        assert!(measurement_write(&partner, &project, Some("antwerpen")).is_ok());
        let plan = Work {
            subject: SubjectType::Plan,
            ..project
        };
        assert!(measurement_write(&partner, &plan, None).is_err());
        let stranger = principal(Role::Contributor, None, Some(Uuid::new_v4()));
        assert!(measurement_write(&stranger, &project, Some("limburg")).is_err());
        let reader = principal(Role::Reader, Some("limburg"), Some(org));
        assert!(measurement_write(&reader, &project, Some("limburg")).is_err());
        assert!(measurement_write(&principal(Role::Steering, None, None), &plan, None).is_ok());
    }

    #[test]
    fn gbo_projects_by_region_and_partnership() {
        let org = Uuid::new_v4();
        let own = regions(&["limburg"]);
        let both = regions(&["limburg", "antwerpen"]);
        let c = principal(Role::Coordinator, Some("limburg"), None);
        let now = |regions| Partnership {
            regions,
            partners: std::slice::from_ref(&org),
        };
        assert!(gbo_project_write(&c, Write::Create, None, Some(&own), None).is_ok());
        assert!(gbo_project_write(&c, Write::Create, None, Some(&both), None).is_err());
        assert!(gbo_project_write(&c, Write::Update, Some(now(&both)), Some(&both), None).is_ok());
        assert!(matches!(
            gbo_project_write(&c, Write::Update, Some(now(&own)), Some(&both), None),
            Err(Denied::Refused(_))
        ));
        assert!(gbo_project_write(&c, Write::Delete, Some(now(&own)), None, None).is_ok());
        assert!(gbo_project_write(&c, Write::Delete, Some(now(&both)), None, None).is_err());
        let elsewhere = principal(Role::Coordinator, Some("brussel"), None);
        assert!(
            gbo_project_write(
                &elsewhere,
                Write::Update,
                Some(now(&both)),
                Some(&both),
                None
            )
            .is_err()
        );
        let partner = principal(Role::Contributor, None, Some(org));
        assert!(
            gbo_project_write(&partner, Write::Update, Some(now(&own)), Some(&own), None).is_ok()
        );
        assert!(matches!(
            gbo_project_write(
                &partner,
                Write::Update,
                Some(now(&own)),
                Some(&own),
                Some("partners")
            ),
            Err(Denied::Refused(_))
        ));
        assert!(gbo_project_write(&partner, Write::Create, None, Some(&own), None).is_err());
        assert!(gbo_project_write(&partner, Write::Delete, Some(now(&own)), None, None).is_err());
        let stranger = principal(Role::Contributor, None, Some(Uuid::new_v4()));
        assert!(
            gbo_project_write(&stranger, Write::Update, Some(now(&own)), Some(&own), None).is_err()
        );
        assert!(
            gbo_project_write(
                &principal(Role::Steering, None, None),
                Write::Delete,
                Some(now(&both)),
                None,
                None
            )
            .is_ok()
        );
    }
}
