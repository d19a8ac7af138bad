//! Users, service accounts and their API keys.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{api_keys, service_accounts, users};
use crate::domain::Page;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);
use super::{StorageError, StorageResult, escape_like};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub region_id: Option<String>,
    pub organisation_id: Option<Uuid>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub region_id: Option<&'a str>,
    pub organisation_id: Option<Uuid>,
}

/// Changes to a user; `None` leaves a field alone, `Some(None)` clears a nullable one.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub region_id: Option<Option<String>>,
    pub organisation_id: Option<Option<Uuid>>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
    pub password_changed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Default)]
pub struct UserFilter {
    pub role: Option<String>,
    pub active: Option<bool>,
    pub q: Option<String>,
}

pub async fn find_user_by_email(
    conn: &mut AsyncPgConnection,
    email: &str,
) -> StorageResult<Option<UserRow>> {
    Ok(users::table
        .filter(lower(users::email).eq(email.to_lowercase()))
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

pub async fn get_user(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<UserRow> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .await?)
}

pub async fn insert_user(
    conn: &mut AsyncPgConnection,
    user: NewUser<'_>,
) -> StorageResult<UserRow> {
    Ok(diesel::insert_into(users::table)
        .values(user)
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn list_users(
    conn: &mut AsyncPgConnection,
    filter: &UserFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<UserRow>, i64)> {
    let build = || {
        let mut query = users::table.into_boxed();
        if let Some(role) = &filter.role {
            query = query.filter(users::role.eq(role.clone()));
        }
        if let Some(active) = filter.active {
            query = query.filter(users::active.eq(active));
        }
        if let Some(q) = &filter.q {
            let pattern = escape_like(q);
            query = query.filter(
                users::email
                    .ilike(pattern.clone())
                    .or(users::display_name.ilike(pattern)),
            );
        }
        query
    };
    let total: i64 = build().count().get_result(conn).await?;
    let query = build();
    let query = match sort {
        "email" => query.order((users::email.asc(), users::id.asc())),
        "-email" => query.order((users::email.desc(), users::id.asc())),
        "displayName" => query.order((users::display_name.asc(), users::id.asc())),
        "-displayName" => query.order((users::display_name.desc(), users::id.asc())),
        "-createdAt" => query.order((users::created_at.desc(), users::id.asc())),
        _ => query.order((users::created_at.asc(), users::id.asc())),
    };
    let rows = query
        .offset(page.offset)
        .limit(page.limit)
        .select(UserRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// Applies `changes` when the stored version is still `expected_version`.
pub async fn update_user(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    expected_version: i32,
    changes: UserChanges,
) -> StorageResult<UserRow> {
    let updated = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::version.eq(expected_version)),
    )
    .set((
        changes,
        users::version.eq(users::version + 1),
        users::updated_at.eq(diesel::dsl::now),
    ))
    .returning(UserRow::as_returning())
    .get_result(conn)
    .await
    .optional()?;
    match updated {
        Some(row) => Ok(row),
        None => {
            get_user(conn, id).await?;
            Err(StorageError::VersionMismatch)
        }
    }
}

pub async fn set_password(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    password_hash: &str,
) -> StorageResult<UserRow> {
    Ok(diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::password_changed_at.eq(diesel::dsl::now),
            users::updated_at.eq(diesel::dsl::now),
            users::version.eq(users::version + 1),
        ))
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn lock_user(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<UserRow> {
    Ok(users::table
        .find(id)
        .for_update()
        .select(UserRow::as_select())
        .first(conn)
        .await?)
}

/// Makes the changes that may remove an active administrator wait for each
/// other until the transaction ends, so that two concurrent demotions cannot
/// both count the other administrator as left. An advisory lock, not row locks:
/// writers that lock their own row first cannot deadlock on it.
pub async fn serialize_admin_changes(conn: &mut AsyncPgConnection) -> StorageResult<()> {
    const LAST_ADMIN_LOCK: i64 = 0x5357_0001;
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<diesel::sql_types::BigInt, _>(LAST_ADMIN_LOCK)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn count_admins(conn: &mut AsyncPgConnection) -> StorageResult<i64> {
    Ok(users::table
        .filter(users::role.eq("admin"))
        .filter(users::active.eq(true))
        .count()
        .get_result(conn)
        .await?)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_accounts)]
pub struct ServiceAccountRow {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub role: String,
    pub region_id: Option<String>,
    pub organisation_id: Option<Uuid>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = service_accounts)]
pub struct NewServiceAccount<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub role: &'a str,
    pub region_id: Option<&'a str>,
    pub organisation_id: Option<Uuid>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = service_accounts)]
pub struct ServiceAccountChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub role: Option<String>,
    pub region_id: Option<Option<String>>,
    pub organisation_id: Option<Option<Uuid>>,
    pub active: Option<bool>,
}

pub async fn insert_service_account(
    conn: &mut AsyncPgConnection,
    account: NewServiceAccount<'_>,
) -> StorageResult<ServiceAccountRow> {
    Ok(diesel::insert_into(service_accounts::table)
        .values(account)
        .returning(ServiceAccountRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn get_service_account(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> StorageResult<ServiceAccountRow> {
    Ok(service_accounts::table
        .find(id)
        .select(ServiceAccountRow::as_select())
        .first(conn)
        .await?)
}

pub async fn lock_service_account(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> StorageResult<ServiceAccountRow> {
    Ok(service_accounts::table
        .find(id)
        .for_update()
        .select(ServiceAccountRow::as_select())
        .first(conn)
        .await?)
}

pub async fn list_service_accounts(
    conn: &mut AsyncPgConnection,
    page: &Page,
) -> StorageResult<(Vec<ServiceAccountRow>, i64)> {
    let total: i64 = service_accounts::table.count().get_result(conn).await?;
    let rows = service_accounts::table
        .order((service_accounts::name.asc(), service_accounts::id.asc()))
        .offset(page.offset)
        .limit(page.limit)
        .select(ServiceAccountRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

pub async fn update_service_account(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    expected_version: i32,
    changes: ServiceAccountChanges,
) -> StorageResult<ServiceAccountRow> {
    let updated = diesel::update(
        service_accounts::table
            .filter(service_accounts::id.eq(id))
            .filter(service_accounts::version.eq(expected_version)),
    )
    .set((
        changes,
        service_accounts::version.eq(service_accounts::version + 1),
        service_accounts::updated_at.eq(diesel::dsl::now),
    ))
    .returning(ServiceAccountRow::as_returning())
    .get_result(conn)
    .await
    .optional()?;
    match updated {
        Some(row) => Ok(row),
        None => {
            get_service_account(conn, id).await?;
            Err(StorageError::VersionMismatch)
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: Uuid,
    pub service_account_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub key_hash: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn insert_api_key(
    conn: &mut AsyncPgConnection,
    service_account_id: Uuid,
    name: &str,
    prefix: &str,
    key_hash: &[u8],
) -> StorageResult<ApiKeyRow> {
    Ok(diesel::insert_into(api_keys::table)
        .values((
            api_keys::service_account_id.eq(service_account_id),
            api_keys::name.eq(name),
            api_keys::prefix.eq(prefix),
            api_keys::key_hash.eq(key_hash),
        ))
        .returning(ApiKeyRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn list_api_keys(
    conn: &mut AsyncPgConnection,
    service_account_id: Uuid,
) -> StorageResult<Vec<ApiKeyRow>> {
    Ok(api_keys::table
        .filter(api_keys::service_account_id.eq(service_account_id))
        .order((api_keys::created_at.asc(), api_keys::id.asc()))
        .select(ApiKeyRow::as_select())
        .load(conn)
        .await?)
}

/// Revokes a key; revoking an already revoked key changes nothing.
pub async fn revoke_api_key(
    conn: &mut AsyncPgConnection,
    service_account_id: Uuid,
    key_id: Uuid,
) -> StorageResult<ApiKeyRow> {
    let key: ApiKeyRow = api_keys::table
        .filter(api_keys::id.eq(key_id))
        .filter(api_keys::service_account_id.eq(service_account_id))
        .select(ApiKeyRow::as_select())
        .first(conn)
        .await?;
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    Ok(diesel::update(api_keys::table.find(key_id))
        .set(api_keys::revoked_at.eq(diesel::dsl::now))
        .returning(ApiKeyRow::as_returning())
        .get_result(conn)
        .await?)
}

/// The active key with this prefix and its active service account.
pub async fn find_api_key(
    conn: &mut AsyncPgConnection,
    prefix: &str,
) -> StorageResult<Option<(ApiKeyRow, ServiceAccountRow)>> {
    Ok(api_keys::table
        .inner_join(service_accounts::table)
        .filter(api_keys::prefix.eq(prefix))
        .filter(api_keys::revoked_at.is_null())
        .filter(service_accounts::active.eq(true))
        .select((ApiKeyRow::as_select(), ServiceAccountRow::as_select()))
        .first(conn)
        .await
        .optional()?)
}

/// Records use of a key, at most once a minute so that reads stay reads.
pub async fn touch_api_key(conn: &mut AsyncPgConnection, key_id: Uuid) -> StorageResult<()> {
    diesel::update(
        api_keys::table.filter(api_keys::id.eq(key_id)).filter(
            api_keys::last_used_at
                .is_null()
                .or(api_keys::last_used_at.lt(Utc::now() - chrono::Duration::minutes(1))),
        ),
    )
    .set(api_keys::last_used_at.eq(diesel::dsl::now))
    .execute(conn)
    .await?;
    Ok(())
}
