//! Login sessions and their rotating refresh tokens. A session is a family of
//! refresh tokens: each refresh replaces the token; presenting a replaced token
//! again means it was stolen or replayed, so the whole family is revoked.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::principals::UserRow;
use super::schema::{refresh_tokens, sessions, users};
use super::{StorageError, StorageResult};
use crate::auth::secrets;

pub struct NewSession {
    pub session_id: Uuid,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Starts a session for a user and returns its first refresh token.
pub async fn create(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    ttl_seconds: i64,
) -> StorageResult<NewSession> {
    let expires_at = Utc::now() + Duration::seconds(ttl_seconds);
    let refresh_token = secrets::random_token();
    let digest = secrets::digest(&refresh_token);
    let session_id = conn
        .transaction::<_, StorageError, _>(async |conn| {
            let session_id: Uuid = diesel::insert_into(sessions::table)
                .values((
                    sessions::user_id.eq(user_id),
                    sessions::expires_at.eq(expires_at),
                ))
                .returning(sessions::id)
                .get_result(conn)
                .await?;
            diesel::insert_into(refresh_tokens::table)
                .values((
                    refresh_tokens::token_hash.eq(&digest),
                    refresh_tokens::session_id.eq(session_id),
                ))
                .execute(conn)
                .await?;
            Ok(session_id)
        })
        .await?;
    Ok(NewSession {
        session_id,
        refresh_token,
        expires_at,
    })
}

pub enum Rotation {
    Rotated {
        user_id: Uuid,
        session: NewSession,
    },
    /// The token was already replaced: its family is now revoked.
    Reused,
    Invalid,
}

/// A refresh token with its session and user, as read for rotation.
#[derive(Queryable)]
struct TokenState {
    rotated_at: Option<DateTime<Utc>>,
    session_id: Uuid,
    user_id: Uuid,
    expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    active: bool,
}

/// Exchanges a refresh token for a new one in the same session.
pub async fn rotate(conn: &mut AsyncPgConnection, presented: &str) -> StorageResult<Rotation> {
    let digest = secrets::digest(presented);
    conn.transaction::<_, StorageError, _>(async |conn| {
        let found: Option<TokenState> = refresh_tokens::table
            .inner_join(sessions::table.inner_join(users::table))
            .filter(refresh_tokens::token_hash.eq(&digest))
            .select((
                refresh_tokens::rotated_at,
                sessions::id,
                sessions::user_id,
                sessions::expires_at,
                sessions::revoked_at,
                users::active,
            ))
            .for_update()
            .first(conn)
            .await
            .optional()?;
        let Some(TokenState {
            rotated_at,
            session_id,
            user_id,
            expires_at,
            revoked_at,
            active,
        }) = found
        else {
            return Ok(Rotation::Invalid);
        };
        if rotated_at.is_some() {
            revoke_session(conn, session_id, "refresh token reused").await?;
            return Ok(Rotation::Reused);
        }
        if revoked_at.is_some() || expires_at <= Utc::now() || !active {
            return Ok(Rotation::Invalid);
        }
        diesel::update(refresh_tokens::table.find(&digest))
            .set(refresh_tokens::rotated_at.eq(diesel::dsl::now))
            .execute(conn)
            .await?;
        let refresh_token = secrets::random_token();
        diesel::insert_into(refresh_tokens::table)
            .values((
                refresh_tokens::token_hash.eq(secrets::digest(&refresh_token)),
                refresh_tokens::session_id.eq(session_id),
            ))
            .execute(conn)
            .await?;
        Ok(Rotation::Rotated {
            user_id,
            session: NewSession {
                session_id,
                refresh_token,
                expires_at,
            },
        })
    })
    .await
}

/// Revokes the session a refresh token belongs to. Unknown tokens change nothing.
pub async fn revoke_by_token(conn: &mut AsyncPgConnection, presented: &str) -> StorageResult<()> {
    let digest = secrets::digest(presented);
    let session: Option<Uuid> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(&digest))
        .select(refresh_tokens::session_id)
        .first(conn)
        .await
        .optional()?;
    if let Some(session_id) = session {
        revoke_session(conn, session_id, "logout").await?;
    }
    Ok(())
}

pub async fn revoke_session(
    conn: &mut AsyncPgConnection,
    session_id: Uuid,
    reason: &str,
) -> StorageResult<()> {
    diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(diesel::dsl::now),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends every session of a user, except `keep` (the caller's own, on a password change).
pub async fn revoke_all_for_user(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    keep: Option<Uuid>,
    reason: &str,
) -> StorageResult<()> {
    let keep = keep.unwrap_or_else(Uuid::nil);
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::id.ne(keep)),
    )
    .set((
        sessions::revoked_at.eq(diesel::dsl::now),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// The user behind an access token, when the user is active and the session is live.
pub async fn user_for_access(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    session_id: Uuid,
) -> StorageResult<Option<UserRow>> {
    Ok(users::table
        .inner_join(sessions::table)
        .filter(users::id.eq(user_id))
        .filter(users::active.eq(true))
        .filter(sessions::id.eq(session_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(diesel::dsl::now))
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()?)
}
