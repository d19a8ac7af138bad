use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A role decides what a principal may do; see the permission table in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// Users, service accounts, reference data, and everything steering may do.
    Admin,
    /// The steering group: edits the whole plan and decides on proposals.
    Steering,
    /// A regional coordinator: writes the records of one region (`regionId`).
    Coordinator,
    /// A contributing organisation: updates the work its organisation (`organisationId`) leads.
    Contributor,
    /// Reads.
    Reader,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Steering,
        Role::Coordinator,
        Role::Contributor,
        Role::Reader,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Steering => "steering",
            Role::Coordinator => "coordinator",
            Role::Contributor => "contributor",
            Role::Reader => "reader",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role `{s}`; expected one of admin, steering, coordinator, contributor, reader"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("Admin".parse::<Role>().is_err());
    }
}
