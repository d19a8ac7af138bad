//! Who may do what: the one place where the permission rules live. The README's
//! permission table states the same rules for people.

use crate::domain::{Principal, Role};
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Users,
    ServiceAccounts,
    ReferenceData,
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
    }
}

/// 403 unless the role allows the operation.
pub fn require(
    principal: &Principal,
    resource: Resource,
    operation: Operation,
) -> Result<(), ApiError> {
    if role_allows(principal.role, resource, operation) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Reading one user: admins read everyone, everyone reads themselves. Anyone
/// else gets a 404, so the existence of other accounts does not leak.
pub fn require_read_user(principal: &Principal, user_id: uuid::Uuid) -> Result<(), ApiError> {
    if principal.id == user_id || role_allows(principal.role, Resource::Users, Operation::Read) {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
