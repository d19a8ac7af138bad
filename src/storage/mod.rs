//! Persistence: the connection pool, the diesel schema and one module per
//! aggregate. Nothing here knows about HTTP; functions return [`StorageResult`].

pub mod audit;
pub mod bulk;
pub mod changes;
pub mod conferences;
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

use std::time::Duration;

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::{Object, Pool, PoolError};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::DatabaseSettings;
use crate::domain::InputIssue;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub type DbPool = Pool<AsyncPgConnection>;
pub type DbConn = Object<AsyncPgConnection>;

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

/// Builds the pool. Connections are made lazily, so the server starts while the
/// database is down and recovers by itself once it is back.
///
/// Recycling is `Fast` (no ping per checkout): a connection that died with the
/// database fails its next query, is reported as 503 and is then discarded,
/// because diesel-async marks it broken.
pub fn build_pool(settings: &DatabaseSettings) -> DbPool {
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    // A connection's driver is a task of the runtime that makes it. Made on a
    // worker's runtime, it would die when that worker stops first at shutdown,
    // under a request of another worker still using it: all are made on the
    // runtime the pool was built on, which outlives the workers.
    let home = tokio::runtime::Handle::try_current().ok();
    config.custom_setup = Box::new(move |url| {
        let url = url.to_owned();
        match home.clone() {
            Some(home) => Box::pin(async move {
                home.spawn(async move { set_up(&url).await })
                    .await
                    .unwrap_or_else(|e| Err(diesel::ConnectionError::BadConnection(e.to_string())))
            }),
            None => Box::pin(async move { set_up(&url).await }),
        }
    });
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(
        &settings.database_url,
        config,
    );
    let timeout = settings.timeout();
    Pool::builder(manager)
        .max_size(settings.db_pool_size.max(1))
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(timeout))
        .create_timeout(Some(timeout))
        .recycle_timeout(Some(Duration::from_secs(1)))
        .build()
        .unwrap_or_else(|e| panic!("connection pool configuration is invalid: {e}"))
}

/// A new connection as the service runs its statements: without JIT
/// compilation.
///
/// JIT is for long analytic statements. Planned generically, a page whose
/// `LIMIT` is a parameter is estimated at a tenth of its table, and PostgreSQL
/// would then compile it on every execution, for far longer than it runs.
async fn set_up(url: &str) -> diesel::ConnectionResult<AsyncPgConnection> {
    use diesel_async::{AsyncConnection, SimpleAsyncConnection};
    let mut conn = AsyncPgConnection::establish(url).await?;
    conn.batch_execute("SET jit = off")
        .await
        .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
    Ok(conn)
}

/// Makes the pool's connections one after another and loads the search
/// dictionary into each, holding them until all are made: started with the
/// server (`SSW_DB_WARM_SEARCH`), so that the first requests find them made and
/// no search waits for the dictionary. PostgreSQL reads it into each backend
/// on its first use, for about 0.2 s of its CPU.
///
/// Requests never load it on the fill's behalf: a connection a request makes
/// is made without it, so that neither a burst of new connections nor a probe
/// at start waits for dictionaries. The fill never waits for a connection in
/// use, and never keeps a request waiting for it: once every slot of the pool
/// is taken, by it or by requests, or as soon as a request waits for a
/// connection (looked at every 20 ms, also while a dictionary loads, which on
/// a machine busy with password hashes can take seconds), it lets go of all
/// it holds and stops.
pub async fn fill(pool: DbPool) {
    use diesel_async::RunQueryDsl;
    let at_once = deadpool::managed::Timeouts {
        wait: Some(Duration::ZERO),
        ..pool.timeouts()
    };
    let wanted = || pool.status().waiting > 0;
    let mut held = Vec::new();
    let mut stop = false;
    while held.len() < pool.status().max_size && !stop && !wanted() {
        let mut conn = match pool.timeout_get(&at_once).await {
            Ok(conn) => conn,
            Err(e) => {
                log::debug!("pool filled with {} connections: {e}", held.len());
                return;
            }
        };
        let warm = diesel::sql_query("SELECT to_tsvector('ssw_dutch', 'armoedebestrijding')");
        let loaded = {
            let loading = warm.execute(&mut conn);
            tokio::pin!(loading);
            loop {
                tokio::select! {
                    loaded = &mut loading => break loaded,
                    () = tokio::time::sleep(Duration::from_millis(20)), if !held.is_empty() => {
                        if wanted() {
                            log::debug!("the pool's fill let go of {} connections for requests", held.len());
                            held.clear();
                            stop = true;
                        }
                    }
                }
            }
        };
        if let Err(e) = loaded {
            log::debug!("search dictionary not loaded into a connection: {e}");
            return;
        }
        held.push(conn);
    }
    log::debug!("the pool's fill stopped with {} connections", held.len());
}

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
