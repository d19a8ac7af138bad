//! API keys of service accounts: shown once, stored as digests, revocable.

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::accounts::name_issue;
use super::service_accounts::{ensure_exists, require};
use super::{Conn, ServiceError, ServiceResult, Writer, record};
use crate::auth::api_keys;
use crate::auth::permissions::Operation;
use crate::domain::Principal;
use crate::storage::principals::{self, ApiKeyRow};

/// The name the audit log files API keys under.
const RESOURCE: &str = "apiKey";

/// An API key, without its secret.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// Identifier.
    pub id: Uuid,
    /// What the key is for.
    pub name: String,
    /// The visible start of the key (`ssw_<prefix>_…`), to recognise it.
    pub prefix: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last time the key authenticated a request (to the minute); absent if never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<DateTime<Utc>>,
    /// When the key was revoked; absent while it works.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(row: ApiKeyRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            prefix: format!("ssw_{}", row.prefix),
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

/// A new API key: the only time its secret is shown.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    /// The key's details.
    #[serde(flatten)]
    pub details: ApiKey,
    /// The key. Store it now: it is not stored in clear and cannot be shown again.
    pub key: String,
}

/// Name for a new API key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiKeyCreate {
    /// What the key is for (e.g. the host that uses it).
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

/// The keys of a service account, never their secrets. Administrators.
pub async fn list(
    conn: &mut Conn,
    principal: &Principal,
    account: Uuid,
) -> ServiceResult<Vec<ApiKey>> {
    require(principal, Operation::Read)?;
    ensure_exists(conn, account).await?;
    let keys = principals::list_api_keys(conn, account).await?;
    Ok(keys.into_iter().map(ApiKey::from).collect())
}

/// Makes a key for a service account. Administrators.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    account: Uuid,
    input: ApiKeyCreate,
) -> ServiceResult<CreatedApiKey> {
    require(writer.principal, Operation::Write)?;
    if let Some(issue) = name_issue(&input.name, "name") {
        return Err(ServiceError::invalid(issue));
    }
    ensure_exists(conn, account).await?;
    let generated = api_keys::generate();
    let row = conn
        .transaction::<_, ServiceError, _>(async |conn| {
            let row = principals::insert_api_key(
                conn,
                account,
                input.name.trim(),
                &generated.prefix,
                &generated.digest,
            )
            .await?;
            let after =
                json!({"serviceAccountId": account, "name": row.name, "prefix": row.prefix});
            let key = row.id.to_string();
            record::log(conn, writer, RESOURCE, &key, None, Some(&after)).await?;
            Ok(row)
        })
        .await?;
    Ok(CreatedApiKey {
        details: row.into(),
        key: generated.key,
    })
}

/// Revokes a key of a service account; it stops working at once. Revoking a
/// revoked key again changes nothing. Administrators.
pub async fn revoke(
    conn: &mut Conn,
    writer: &Writer<'_>,
    account: Uuid,
    key: Uuid,
) -> ServiceResult<()> {
    require(writer.principal, Operation::Write)?;
    conn.transaction::<_, ServiceError, _>(async |conn| {
        principals::revoke_api_key(conn, account, key).await?;
        let before = json!({"serviceAccountId": account, "revoked": false});
        let after = json!({"serviceAccountId": account, "revoked": true});
        let key = key.to_string();
        record::log(conn, writer, RESOURCE, &key, Some(&before), Some(&after)).await
    })
    .await
}
