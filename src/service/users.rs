//! User accounts, managed by administrators.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::accounts::{name_issue, scope_issues};
use super::patch::{nullable, present};
use super::record;
use super::{
    API_BASE, Change, Conn, Creation, ServiceError, ServiceResult, Writer, corrupt, ensure_valid,
};
use crate::auth::password::PasswordService;
use crate::auth::permissions::{self, Operation, Resource};
use crate::domain::{Email, InputIssue, NewPassword, Page, Principal, Role};
use crate::storage::principals::{self, UserChanges, UserFilter, UserRow};
use crate::storage::sessions;

/// A user account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// E-mail address, lower-cased; unique.
    pub email: String,
    /// Name shown to other people.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Region of a coordinator; absent for other roles unless set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    /// Organisation of a contributor; absent for other roles unless set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<Uuid>,
    /// Inactive users cannot log in; deactivation ends their sessions.
    pub active: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl User {
    fn from_row(row: UserRow) -> ServiceResult<Self> {
        Ok(Self {
            self_link: format!("{API_BASE}/users/{}", row.id),
            id: row.id,
            email: row.email,
            display_name: row.display_name,
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

record::uuid_record!(UserRow => User, "user", lock = principals::lock_user, view = User::from_row);

/// A new user account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserCreate {
    /// E-mail address; unique, compared case-insensitively.
    #[schema(example = "an.peeters@example.org", max_length = 254)]
    pub email: String,
    /// Name shown to other people.
    #[schema(min_length = 1, max_length = 200)]
    pub display_name: String,
    /// Initial password, 12 to 128 characters.
    #[schema(min_length = 12, max_length = 128, format = Password)]
    pub password: String,
    /// Role.
    pub role: Role,
    /// Region; required for coordinators.
    pub region_id: Option<String>,
    /// Organisation; required for contributors.
    pub organisation_id: Option<Uuid>,
}

/// Changes to a user account (JSON merge patch): absent fields stay as they are,
/// `null` clears an optional field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserPatch {
    /// Name shown to other people.
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub display_name: Option<String>,
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
    /// `false` deactivates the account and ends all its sessions.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
    /// A new password set by an administrator; ends all the user's sessions.
    #[schema(min_length = 12, max_length = 128, format = Password)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub password: Option<String>,
}

/// What a list of users may be narrowed to.
#[derive(Debug, Default)]
pub struct UserSearch {
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Text in the e-mail address or display name.
    pub q: Option<String>,
}

/// A page of users. Administrators.
pub async fn list(
    conn: &mut Conn,
    principal: &Principal,
    query: UserSearch,
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<User>, i64)> {
    permissions::require(principal, Resource::Users, Operation::Read)?;
    let filter = UserFilter {
        role: query.role.map(|r| r.as_str().to_owned()),
        active: query.active,
        q: query.q,
    };
    let (rows, total) = principals::list_users(conn, &filter, sort, &page).await?;
    let users = rows
        .into_iter()
        .map(User::from_row)
        .collect::<ServiceResult<_>>()?;
    Ok((users, total))
}

/// A user. Everyone reads their own account, administrators every account;
/// another account is a 404 to anyone else.
pub async fn read(conn: &mut Conn, principal: &Principal, id: Uuid) -> ServiceResult<User> {
    permissions::require_read_user(principal, id)?;
    User::from_row(principals::get_user(conn, id).await?)
}

/// Whether there is no active administrator yet: the first-run set-up creates one.
pub async fn no_active_admin(conn: &mut Conn) -> ServiceResult<bool> {
    Ok(principals::count_admins(conn).await? == 0)
}

/// A user ready to insert: its checked values, and the issues found so far.
struct NewUser {
    input: UserCreate,
    email: Option<Email>,
    hash: Option<String>,
    issues: Vec<InputIssue>,
}

impl Creation for NewUser {
    type Admission = ();
    type View = User;
    async fn admit(&self, conn: &mut Conn, _: &Principal) -> ServiceResult<()> {
        let mut issues = self.issues.clone();
        let input = &self.input;
        let scope = input.region_id.as_deref();
        issues.extend(scope_issues(conn, input.role, scope, input.organisation_id).await?);
        ensure_valid(issues)
    }
    async fn insert(self, conn: &mut Conn, _: Self::Admission) -> ServiceResult<User> {
        let (Some(email), Some(hash)) = (self.email, self.hash) else {
            return Err(ServiceError::Internal("a user admitted unchecked".into()));
        };
        let input = self.input;
        let row = principals::insert_user(
            conn,
            principals::NewUser {
                email: email.as_str(),
                display_name: input.display_name.trim(),
                password_hash: &hash,
                role: input.role.as_str(),
                region_id: input.region_id.as_deref(),
                organisation_id: input.organisation_id,
            },
        )
        .await?;
        User::from_row(row)
    }
}

/// Creates a user. Administrators, and the command line's first-run set-up.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    passwords: &PasswordService,
    input: UserCreate,
) -> ServiceResult<User> {
    permissions::require(writer.principal, Resource::Users, Operation::Write)?;
    let mut issues = Vec::new();
    let email = Email::parse(&input.email)
        .map_err(|e| {
            issues.push(InputIssue::body("email", e).with_value(input.email.clone().into()))
        })
        .ok();
    issues.extend(name_issue(&input.display_name, "displayName"));
    let password = NewPassword::parse(&input.password)
        .map_err(|e| issues.push(InputIssue::body("password", e)))
        .ok();
    // The hash is made only for input that may pass, outside the transaction.
    let hash = match password {
        Some(password) if issues.is_empty() => Some(hash(passwords, &password).await?),
        _ => None,
    };
    let new = NewUser {
        input,
        email,
        hash,
        issues,
    };
    record::create(conn, writer, new).await
}

async fn hash(passwords: &PasswordService, password: &NewPassword) -> ServiceResult<String> {
    passwords
        .hash(password.expose().to_owned())
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))
}

/// A change of a user: the patch, its field issues, and the new password's hash.
struct UserUpdate {
    patch: UserPatch,
    issues: Vec<InputIssue>,
    hash: Option<String>,
}

impl Change<UserRow> for UserUpdate {
    type Admission = ();
    async fn admit(&self, conn: &mut Conn, _: &Principal, current: &UserRow) -> ServiceResult<()> {
        let patch = &self.patch;
        let current_role: Role = current.role.parse().map_err(corrupt)?;
        let role = patch.role.unwrap_or(current_role);
        let region = patch.region_id.clone().unwrap_or(current.region_id.clone());
        let organisation = patch.organisation_id.unwrap_or(current.organisation_id);
        let mut issues = self.issues.clone();
        issues.extend(scope_issues(conn, role, region.as_deref(), organisation).await?);
        ensure_valid(issues)?;
        let stays_admin = role == Role::Admin && patch.active.unwrap_or(current.active);
        if current_role == Role::Admin && current.active && !stays_admin {
            principals::serialize_admin_changes(conn).await?;
            if principals::count_admins(conn).await? <= 1 {
                return Err(ServiceError::Conflict(
                    "this is the last active administrator".into(),
                ));
            }
        }
        Ok(())
    }
    fn audit_note(&self) -> Option<(&'static str, serde_json::Value)> {
        self.hash
            .as_ref()
            .map(|_| ("passwordReset", serde_json::Value::Bool(true)))
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: UserRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<User>> {
        let patch = self.patch;
        let ends_sessions = self.hash.is_some() || patch.active == Some(false);
        let changes = UserChanges {
            display_name: patch.display_name.map(|n| n.trim().to_owned()),
            role: patch.role.map(|r| r.as_str().to_owned()),
            region_id: patch.region_id,
            organisation_id: patch.organisation_id,
            active: patch.active,
            password_changed_at: self.hash.as_ref().map(|_| Utc::now()),
            password_hash: self.hash,
        };
        let row = principals::update_user(conn, current.id, current.version, changes).await?;
        if ends_sessions {
            sessions::revoke_all_for_user(conn, current.id, None, "deactivated or password reset")
                .await?;
        }
        User::from_row(row).map(Some)
    }
}

/// Changes a user at version `expected`. Administrators. Deactivation and a new
/// password end the user's sessions; the last active administrator stays one.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    passwords: &PasswordService,
    id: Uuid,
    expected: Option<i32>,
    patch: UserPatch,
) -> ServiceResult<User> {
    permissions::require(writer.principal, Resource::Users, Operation::Write)?;
    let expected = record::expected(expected)?;
    let mut issues = Vec::new();
    if let Some(name) = &patch.display_name {
        issues.extend(name_issue(name, "displayName"));
    }
    let password = match &patch.password {
        Some(p) => NewPassword::parse(p)
            .map_err(|e| issues.push(InputIssue::body("password", e)))
            .ok(),
        None => None,
    };
    let hash = match password {
        Some(password) if issues.is_empty() => Some(hash(passwords, &password).await?),
        _ => None,
    };
    let update = UserUpdate {
        patch,
        issues,
        hash,
    };
    record::update::<UserRow, _>(conn, writer, &id, expected, update).await
}
