//! Domain types and rules. Nothing in here knows about HTTP or the database:
//! values are parsed once into these types and trusted afterwards.

pub mod combine;
mod email;
mod issue;
pub mod markdown;
mod password;
pub mod plan;
pub mod practices;
pub mod proposals;
pub mod records;
pub mod results;
mod role;
pub mod rollup;
pub mod table;
pub mod written;

pub use email::Email;
pub use issue::InputIssue;
pub use password::NewPassword;
pub use plan::{ActionOrigin, EnterpriseNumber, OrganisationKind, PlanStatus, WorkStatus};
pub use role::Role;

/// A region scope: the regional platform's id (`limburg`, ...).
pub type RegionId = String;

/// Who is calling: a user or a service account, with the role and scope that
/// decide what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub id: uuid::Uuid,
    pub kind: PrincipalKind,
    pub role: Role,
    pub region_id: Option<RegionId>,
    pub organisation_id: Option<uuid::Uuid>,
    /// The login session of a user calling with an access token.
    pub session_id: Option<uuid::Uuid>,
}

impl Principal {
    /// The source system of the external ids this caller sets: a service
    /// account is one; people and the service itself share `None`.
    pub fn source_system(&self) -> Option<uuid::Uuid> {
        (self.kind == PrincipalKind::ServiceAccount).then_some(self.id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    User,
    ServiceAccount,
}

/// A window of a list: how many items to skip and how many to return.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
}
