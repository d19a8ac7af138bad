//! The use cases: one function per thing a caller can do, called alike by the
//! routes, the command line and imports. Each owns its rules, the permission
//! check, the version check, the write and the audit entry, and runs on a
//! connection that may already be inside a transaction: an outer transaction
//! (an import of many rows) makes every use case in it a savepoint, so all of
//! them commit or none does.
//!
//! Below: `storage` (SQL) and `auth` (permissions). Above: `http`, which turns a
//! [`ServiceError`] into a problem document; nothing here knows HTTP.

mod accounts;
pub mod actions;
pub mod api_keys;
pub mod audit;
pub mod challenges;
pub mod changes;
pub mod conferences;
pub mod exports;
pub mod freshness;
pub mod gbo_projects;
pub mod idempotency;
pub mod imports;
pub mod indicators;
pub mod initiatives;
mod link;
pub mod measurements;
pub mod municipalities;
pub mod organisations;
pub mod patch;
pub mod plans;
pub mod practices;
pub mod primary_care_zones;
pub mod progress;
pub mod proposals;
pub mod record;
pub mod regions;
pub mod reports;
mod rules;
pub mod service_accounts;
pub mod sessions;
pub mod users;

use diesel_async::AsyncPgConnection;
use serde::Serialize;
use serde_json::Value;

use crate::auth::permissions::Denied;
use uuid::Uuid;

use crate::domain::{InputIssue, Principal, PrincipalKind, Role};
use crate::storage::audit::Actor;
use crate::storage::{self, DbConn, DbPool, StorageError};

pub use link::Link;
pub use record::{Audited, Change, Creation, Record};
pub use rules::{
    ProgressSource, check, check_list, check_path, check_period, ensure_valid, progress_source,
};

/// Where the API's resources live; records carry their own URL under it.
pub const API_BASE: &str = "/api/v1";

/// A database connection, from the pool or inside a caller's transaction.
pub type Conn = AsyncPgConnection;

/// Takes a connection from the pool; failing to get one means the database is unreachable.
pub async fn connect(pool: &DbPool) -> ServiceResult<DbConn> {
    Ok(storage::connection(pool).await?)
}

/// Checks that the database answers; the readiness probe asks.
pub async fn ping(pool: &DbPool) -> ServiceResult<()> {
    Ok(storage::ping(pool).await?)
}

/// Why a use case did not happen. Every variant leaves the database as it was.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input")]
    Invalid(Vec<InputIssue>),
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    /// The record exists already; `existing` is its URL.
    #[error("exists: {detail}")]
    Exists { detail: String, existing: String },
    /// The write names no version to compare.
    #[error("version required")]
    VersionRequired,
    /// The record has changed since the version the write names.
    #[error("stale version")]
    Stale,
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    #[error("too many attempts")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn invalid(issue: InputIssue) -> Self {
        ServiceError::Invalid(vec![issue])
    }
}

impl From<StorageError> for ServiceError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::NotFound => ServiceError::NotFound,
            StorageError::Unavailable(cause) => ServiceError::Unavailable(cause),
            StorageError::Conflict(detail) => ServiceError::Conflict(detail),
            StorageError::VersionMismatch => ServiceError::Stale,
            StorageError::Invalid(issue) => ServiceError::invalid(issue),
            StorageError::Other(cause) => ServiceError::Internal(cause),
        }
    }
}

impl From<diesel::result::Error> for ServiceError {
    fn from(error: diesel::result::Error) -> Self {
        StorageError::from(error).into()
    }
}

impl From<Denied> for ServiceError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::Forbidden => ServiceError::Forbidden,
            Denied::Hidden => ServiceError::NotFound,
            Denied::Refused(issue) => ServiceError::invalid(issue),
        }
    }
}

/// Who writes: the principal whose rights decide, and the author the audit log records.
#[derive(Debug, Clone)]
pub struct Writer<'a> {
    pub principal: &'a Principal,
    actor: Actor,
}

impl<'a> Writer<'a> {
    /// `request_id` ties the audit entry to the request that made it, when there is one.
    pub fn new(principal: &'a Principal, request_id: Option<String>) -> Self {
        Self {
            principal,
            actor: Actor {
                id: principal.id,
                kind: kind_name(principal.kind),
                request_id,
            },
        }
    }

    /// The operator at the command line (`create-user`, `seed`): an
    /// administrator the audit log names `system`.
    pub fn command_line() -> Writer<'static> {
        static OPERATOR: Principal = Principal {
            id: Uuid::nil(),
            kind: PrincipalKind::User,
            role: Role::Admin,
            region_id: None,
            organisation_id: None,
            session_id: None,
        };
        Writer {
            principal: &OPERATOR,
            actor: Actor {
                id: Uuid::nil(),
                kind: SYSTEM,
                request_id: None,
            },
        }
    }

    /// The operator at the command line acting with `principal`'s rights
    /// (the seed's steering decisions); the audit log names `system`.
    pub fn command_line_as(principal: &'a Principal) -> Writer<'a> {
        Writer {
            principal,
            actor: Actor {
                id: principal.id,
                kind: SYSTEM,
                request_id: None,
            },
        }
    }

    pub(crate) fn actor(&self) -> &Actor {
        &self.actor
    }
}

/// The actor kind (and progress update author) of writes made at the command line.
pub const SYSTEM: &str = "system";

/// The name a timeline entry or a proposal's step records for `writer`: the
/// account's, or `system` for the command line, which has none.
pub(crate) async fn actor_name(conn: &mut Conn, writer: &Writer<'_>) -> ServiceResult<String> {
    if writer.actor().kind == SYSTEM {
        Ok(SYSTEM.to_owned())
    } else {
        Ok(storage::initiatives::principal_name(conn, writer.principal.id).await?)
    }
}

/// The name of a kind of principal, as the API and the audit log spell it.
pub fn kind_name(kind: PrincipalKind) -> &'static str {
    match kind {
        PrincipalKind::User => "user",
        PrincipalKind::ServiceAccount => "serviceAccount",
    }
}

/// A resource as the audit log stores it: its API representation.
pub fn snapshot(value: &impl Serialize) -> ServiceResult<Value> {
    serde_json::to_value(value).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// A value read from the database that the code cannot interpret.
pub fn corrupt(cause: impl ToString) -> ServiceError {
    ServiceError::Internal(cause.to_string())
}
