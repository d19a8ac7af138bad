//! Persistence: the connection pool, the diesel schema and one module per
//! aggregate. Nothing here knows about HTTP; functions return [`StorageResult`].

pub mod audit;
pub mod bulk;
pub mod changes;
pub mod conferences;
mod fields;
pub mod gbo_projects;
pub mod geography;
pub mod history;
pub mod idempotency;
pub mod imports;
pub mod indicators;
pub mod initiative_list;
pub mod initiatives;
pub mod keys;
pub mod measurement_list;
pub mod measurements;
pub mod organisations;
pub mod plan;
pub mod pool;
pub mod practice_schema;
pub mod practice_search;
pub mod practices;
pub mod principals;
pub mod proposal_schema;
pub mod proposal_steps;
pub mod proposals;
pub mod reference;
pub mod report_results;
pub mod reports;
pub mod schema;
pub mod sessions;
pub mod statement;
pub mod throttle;
pub mod work;

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::{Object, Pool, PoolError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::domain::InputIssue;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub type DbPool = Pool<AsyncPgConnection>;
pub type DbConn = Object<AsyncPgConnection>;
pub use pool::{WorkerPools, build_pool, fill};

/// What can go wrong in storage, classified for the HTTP layer.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("not found")]
    NotFound,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("version mismatch")]
    VersionMismatch,
    #[error("invalid: {0:?}")]
    Invalid(InputIssue),
    #[error("database error: {0}")]
    Other(String),
}

pub type StorageResult<T> = Result<T, StorageError>;

/// Takes a connection from the pool; failing to get one means the database is unreachable.
pub async fn connection(pool: &DbPool) -> StorageResult<DbConn> {
    pool.get().await.map_err(|e| match e {
        PoolError::Closed => StorageError::Other("pool closed".into()),
        other => StorageError::Unavailable(other.to_string()),
    })
}

/// Runs pending migrations. Blocking: call it outside the async workers.
pub fn run_migrations(database_url: &str) -> Result<Vec<String>, String> {
    use diesel::Connection;
    use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
    let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(database_url)
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    let applied: Vec<String> = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| format!("migration failed: {e}"))?
        .iter()
        .map(ToString::to_string)
        .collect();
    fill_body_text(&mut conn).map_err(|e| format!("migration failed: {e}"))?;
    Ok(applied)
}

/// Computes the text search reads of practices stored before it was kept
/// (migration 18): what a reader sees of the Markdown body.
fn fill_body_text(
    conn: &mut diesel_async::async_connection_wrapper::AsyncConnectionWrapper<AsyncPgConnection>,
) -> Result<(), DieselError> {
    use diesel::prelude::*;
    use practice_schema::practices as t;
    let rows: Vec<(uuid::Uuid, String)> = t::table
        .filter(t::body_text.is_null())
        .select((t::id, t::body))
        .load(conn)?;
    for (id, body) in rows {
        diesel::update(t::table.find(id))
            .set(t::body_text.eq(crate::domain::markdown::visible_text(&body)))
            .execute(conn)?;
    }
    Ok(())
}

impl From<DieselError> for StorageError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => StorageError::NotFound,
            DieselError::DatabaseError(kind, info) => {
                let constraint = info.constraint_name().unwrap_or_default().to_owned();
                match kind {
                    DatabaseErrorKind::UniqueViolation => {
                        StorageError::Conflict(unique_message(&constraint))
                    }
                    DatabaseErrorKind::ForeignKeyViolation => StorageError::Conflict(format!(
                        "the operation conflicts with related records ({constraint})"
                    )),
                    DatabaseErrorKind::CheckViolation | DatabaseErrorKind::NotNullViolation => {
                        StorageError::Invalid(InputIssue::body(
                            constraint_field(&constraint),
                            format!("violates rule {constraint}"),
                        ))
                    }
                    DatabaseErrorKind::SerializationFailure => StorageError::Conflict(
                        "a concurrent change got in the way; retry the request".into(),
                    ),
                    DatabaseErrorKind::ClosedConnection
                    | DatabaseErrorKind::UnableToSendCommand => {
                        StorageError::Unavailable(info.message().to_owned())
                    }
                    // A NUL in text that validation did not catch: the input's fault.
                    _ if info.message().starts_with("invalid byte sequence") => {
                        StorageError::Invalid(InputIssue::body(
                            "",
                            "contains a character that cannot be stored (NUL)",
                        ))
                    }
                    _ if is_unavailable_message(info.message()) => {
                        StorageError::Unavailable(info.message().to_owned())
                    }
                    _ => StorageError::Other(info.message().to_owned()),
                }
            }
            DieselError::BrokenTransactionManager => {
                StorageError::Unavailable("broken transaction".into())
            }
            other => StorageError::Other(other.to_string()),
        }
    }
}

/// Messages PostgreSQL sends while it shuts down or starts up.
fn is_unavailable_message(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "terminating connection",
        "shutting down",
        "starting up",
        "connection closed",
        "recovery mode",
    ]
    .iter()
    .any(|needle| m.contains(needle))
}

fn unique_message(constraint: &str) -> String {
    match constraint {
        "users_email_key" => "a user with this e-mail address already exists".into(),
        "service_accounts_name_key" => "a service account with this name already exists".into(),
        "organisations_enterprise_number_key" => {
            "an organisation with this enterprise number already exists".into()
        }
        "organisations_external_id_key" => {
            "an organisation with this externalId already exists".into()
        }
        "regions_pkey" => "a region with this id already exists".into(),
        "regions_nis_code_key" => "a region with this NIS code already exists".into(),
        "municipalities_pkey" => "a municipality with this NIS code already exists".into(),
        "primary_care_zones_code_key" => "a primary care zone with this code already exists".into(),
        "gbo_projects_external_id_key" => {
            "a GBO project with this externalId already exists".into()
        }
        "conferences_date_key" => "a conference on this date already exists".into(),
        other => format!("a record with the same unique value already exists ({other})"),
    }
}

fn constraint_field(constraint: &str) -> String {
    match constraint {
        "users_coordinator_has_region" | "service_accounts_coordinator_has_region" => {
            "regionId".into()
        }
        "users_contributor_has_organisation" | "service_accounts_contributor_has_organisation" => {
            "organisationId".into()
        }
        other => other.to_owned(),
    }
}

/// A `LIKE` pattern that finds `q` anywhere, with `q`'s wildcards taken literally.
pub fn escape_like(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Checks that the database answers; used by the readiness probe.
pub async fn ping(pool: &DbPool) -> StorageResult<()> {
    use diesel_async::RunQueryDsl;
    let mut conn = connection(pool).await?;
    diesel::sql_query("SELECT 1").execute(&mut conn).await?;
    Ok(())
}
