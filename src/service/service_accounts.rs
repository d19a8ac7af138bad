//! Service accounts: the identities of municipal and GBO systems. Their API
//! keys are in `api_keys`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::accounts::{name_issue, scope_issues};
use super::patch::{nullable, present};
use super::record;
use super::{API_BASE, Change, Conn, Creation, ServiceResult, Writer, corrupt, ensure_valid};
use crate::auth::permissions::{self, Operation, Resource};
use crate::domain::plan::check_long_text;
use crate::domain::{InputIssue, Page, Principal, Role};
use crate::storage::principals::{self, ServiceAccountChanges, ServiceAccountRow};

/// An account for a system that calls the API with an API key.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccount {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Name, unique (case-insensitive).
    pub name: String,
    /// What the system is and who runs it.
    pub description: String,
    /// Role.
    pub role: Role,
    /// Region scope (coordinators).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    /// Organisation scope (contributors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<Uuid>,
    /// Inactive accounts cannot authenticate.
    pub active: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl ServiceAccount {
    fn from_row(row: ServiceAccountRow) -> ServiceResult<Self> {
        Ok(Self {
            self_link: format!("{API_BASE}/serviceAccounts/{}", row.id),
            id: row.id,
            name: row.name,
            description: row.description,
            role: row.role.parse().map_err(corrupt)?,
            region_id: row.region_id,
            organisation_id: row.organisation_id,
            active: row.active,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

record::uuid_record!(ServiceAccountRow => ServiceAccount, "serviceAccount", lock = principals::lock_service_account, view = ServiceAccount::from_row);

/// A new service account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceAccountCreate {
    /// Name, unique (case-insensitive).
    #[schema(min_length = 1, max_length = 200, example = "GBO Genk sync")]
    pub name: String,
    /// What the system is and who runs it.
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// Role.
    pub role: Role,
    /// Region; required for coordinators.
    pub region_id: Option<String>,
    /// Organisation; required for contributors.
    pub organisation_id: Option<Uuid>,
}

/// Changes to a service account (JSON merge patch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceAccountPatch {
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// Description.
    #[schema(max_length = 2000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// Role.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub role: Option<Role>,
    /// Region; required for coordinators.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub region_id: Option<Option<String>>,
    /// Organisation; required for contributors.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub organisation_id: Option<Option<Uuid>>,
    /// `false` stops every key of the account from working.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

fn description_issue(description: &str) -> Option<InputIssue> {
    check_long_text(description, 2000)
        .err()
        .map(|detail| InputIssue::body("description", detail))
}

pub(super) fn require(principal: &Principal, operation: Operation) -> ServiceResult<()> {
    Ok(permissions::require(
        principal,
        Resource::ServiceAccounts,
        operation,
    )?)
}

/// A page of service accounts, by name. Administrators.
pub async fn list(
    conn: &mut Conn,
    principal: &Principal,
    page: Page,
) -> ServiceResult<(Vec<ServiceAccount>, i64)> {
    require(principal, Operation::Read)?;
    let (rows, total) = principals::list_service_accounts(conn, &page).await?;
    let accounts = rows
        .into_iter()
        .map(ServiceAccount::from_row)
        .collect::<ServiceResult<_>>()?;
    Ok((accounts, total))
}

/// A service account. Administrators.
pub async fn read(
    conn: &mut Conn,
    principal: &Principal,
    id: Uuid,
) -> ServiceResult<ServiceAccount> {
    require(principal, Operation::Read)?;
    ServiceAccount::from_row(principals::get_service_account(conn, id).await?)
}

impl Creation for ServiceAccountCreate {
    type Admission = ();
    type View = ServiceAccount;
    async fn admit(&self, conn: &mut Conn, _: &Principal) -> ServiceResult<()> {
        let mut issues: Vec<_> = name_issue(&self.name, "name").into_iter().collect();
        issues.extend(description_issue(self.description.as_deref().unwrap_or("")));
        let region = self.region_id.as_deref();
        issues.extend(scope_issues(conn, self.role, region, self.organisation_id).await?);
        ensure_valid(issues)
    }
    async fn insert(self, conn: &mut Conn, _: Self::Admission) -> ServiceResult<ServiceAccount> {
        let row = principals::insert_service_account(
            conn,
            principals::NewServiceAccount {
                name: self.name.trim(),
                description: self.description.as_deref().unwrap_or(""),
                role: self.role.as_str(),
                region_id: self.region_id.as_deref(),
                organisation_id: self.organisation_id,
            },
        )
        .await?;
        ServiceAccount::from_row(row)
    }
}

/// Creates a service account. Administrators.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    input: ServiceAccountCreate,
) -> ServiceResult<ServiceAccount> {
    require(writer.principal, Operation::Write)?;
    record::create(conn, writer, input).await
}

impl Change<ServiceAccountRow> for ServiceAccountPatch {
    type Admission = ();
    async fn admit(
        &self,
        conn: &mut Conn,
        _: &Principal,
        current: &ServiceAccountRow,
    ) -> ServiceResult<()> {
        let mut issues = Vec::new();
        if let Some(name) = &self.name {
            issues.extend(name_issue(name, "name"));
        }
        if let Some(description) = &self.description {
            issues.extend(description_issue(description));
        }
        let role = match self.role {
            Some(role) => role,
            None => current.role.parse().map_err(corrupt)?,
        };
        let region = self.region_id.clone().unwrap_or(current.region_id.clone());
        let organisation = self.organisation_id.unwrap_or(current.organisation_id);
        issues.extend(scope_issues(conn, role, region.as_deref(), organisation).await?);
        ensure_valid(issues)
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: ServiceAccountRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<ServiceAccount>> {
        let changes = ServiceAccountChanges {
            name: self.name.map(|n| n.trim().to_owned()),
            description: self.description,
            role: self.role.map(|r| r.as_str().to_owned()),
            region_id: self.region_id,
            organisation_id: self.organisation_id,
            active: self.active,
        };
        let row =
            principals::update_service_account(conn, current.id, current.version, changes).await?;
        ServiceAccount::from_row(row).map(Some)
    }
}

/// Changes a service account at version `expected`. Administrators.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    patch: ServiceAccountPatch,
) -> ServiceResult<ServiceAccount> {
    require(writer.principal, Operation::Write)?;
    let expected = record::expected(expected)?;
    record::update::<ServiceAccountRow, _>(conn, writer, &id, expected, patch).await
}

/// Checks that the service account exists (404 otherwise).
pub(super) async fn ensure_exists(conn: &mut Conn, id: Uuid) -> ServiceResult<()> {
    principals::get_service_account(conn, id).await?;
    Ok(())
}
