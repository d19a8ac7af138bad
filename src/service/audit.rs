//! The audit log: every write, who made it and what it changed. Steering and
//! administrators read it; nobody writes it but the use cases.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Conn, ServiceResult, corrupt};
use crate::auth::permissions::{self, Operation, Resource};
use crate::domain::{Page, Principal};
use crate::storage::audit::{self as store, AuditRow};

pub use crate::storage::audit::AuditFilter;

/// The kinds of record the audit log names.
pub const RESOURCES: &[&str] = &[
    "plan",
    "challenge",
    "action",
    "initiative",
    "progressUpdate",
    "organisation",
    "region",
    "municipality",
    "primaryCareZone",
    "gboProject",
    "conference",
    "user",
    "serviceAccount",
    "apiKey",
    "indicator",
    "measurement",
    "practice",
    "proposal",
    "proposalComment",
];

/// What a write did.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum AuditOperation {
    Create,
    Update,
    Delete,
}

impl AuditOperation {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOperation::Create => "create",
            AuditOperation::Update => "update",
            AuditOperation::Delete => "delete",
        }
    }
}

impl std::fmt::Display for AuditOperation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One write, as the audit log keeps it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Sequence number; later writes have higher numbers.
    pub id: i64,
    /// When the write happened.
    pub at: DateTime<Utc>,
    /// Who wrote: a user or service account id; the nil id for the command line.
    pub actor_id: Uuid,
    /// `user`, `serviceAccount`, or `system` for the operator's command line
    /// (`create-user`, `seed`).
    pub actor_kind: String,
    /// The kind of record: `plan`, `challenge`, `action`, `initiative`,
    /// `progressUpdate`, `organisation`, `region`, `municipality`, `primaryCareZone`,
    /// `gboProject`, `conference`, `user`, `serviceAccount`, `apiKey`, `indicator`, `measurement`.
    pub resource: String,
    /// The record's id (a NIS code for municipalities, a slug for regions).
    pub resource_id: String,
    /// What the write did.
    pub operation: AuditOperation,
    /// The fields that changed, by their API names: `{"title": {"before": …, "after": …}}`.
    /// A create has only `after`, a delete only `before`.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
    /// The request that made the write (`X-Request-Id`); absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl AuditEntry {
    fn from_row(row: AuditRow) -> ServiceResult<Self> {
        Ok(Self {
            id: row.id,
            at: row.at,
            actor_id: row.actor_id,
            actor_kind: row.actor_kind,
            resource: row.resource,
            resource_id: row.resource_id,
            operation: match row.operation.as_str() {
                "create" => AuditOperation::Create,
                "update" => AuditOperation::Update,
                "delete" => AuditOperation::Delete,
                other => return Err(corrupt(format!("audit operation {other}"))),
            },
            changes: row.changes,
            request_id: row.request_id,
        })
    }
}

/// A page of audit entries matching `filter`, newest first. Steering and administrators.
pub async fn list(
    conn: &mut Conn,
    principal: &Principal,
    filter: &AuditFilter,
    page: Page,
) -> ServiceResult<(Vec<AuditEntry>, i64)> {
    permissions::require(principal, Resource::Audit, Operation::Read)?;
    let (rows, total) = store::list(conn, filter, &page).await?;
    let entries = rows
        .into_iter()
        .map(AuditEntry::from_row)
        .collect::<ServiceResult<_>>()?;
    Ok((entries, total))
}
