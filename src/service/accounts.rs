//! Rules shared by the two kinds of account, users and service accounts.

use uuid::Uuid;

use super::{Conn, ServiceResult};
use crate::domain::{InputIssue, Role};
use crate::storage::reference;

/// A name shown to people: 1 to 200 characters without control characters.
pub fn name_issue(name: &str, field: &str) -> Option<InputIssue> {
    let len = name.chars().count();
    if name.trim().is_empty() || len > 200 || name.chars().any(char::is_control) {
        Some(InputIssue::body(
            field,
            "must be 1 to 200 characters without control characters",
        ))
    } else {
        None
    }
}

/// The scope a role needs: a region for coordinators, an organisation for
/// contributors, each of which must exist.
pub async fn scope_issues(
    conn: &mut Conn,
    role: Role,
    region_id: Option<&str>,
    organisation_id: Option<Uuid>,
) -> ServiceResult<Vec<InputIssue>> {
    let mut issues = Vec::new();
    match region_id {
        Some(region) if !reference::region_exists(conn, region).await? => {
            issues.push(InputIssue::body("regionId", "no such region").with_value(region.into()));
        }
        None if role == Role::Coordinator => {
            issues.push(InputIssue::body("regionId", "is required for coordinators"))
        }
        _ => {}
    }
    match organisation_id {
        Some(org) if !reference::organisation_exists(conn, org).await? => {
            issues.push(
                InputIssue::body("organisationId", "no such organisation")
                    .with_value(org.to_string().into()),
            );
        }
        None if role == Role::Contributor => {
            issues.push(InputIssue::body(
                "organisationId",
                "is required for contributors",
            ));
        }
        _ => {}
    }
    Ok(issues)
}
