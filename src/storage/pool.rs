//! The database pools: how a connection is made and set up, the fill at
//! start, and the pools of a server's workers.
//!
//! Each worker of the server takes connections from a pool of its own, built
//! on its thread. A connection's driver (the task that writes statements to
//! the socket and reads the rows) is then a task of the same thread as the
//! request that uses it: a statement needs no wake-up of another thread, and
//! a worker that stops takes no connection of another worker with it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};

use super::DbPool;
use crate::config::DatabaseSettings;

/// Builds a pool. Connections are made lazily, so the server starts while the
/// database is down and recovers by itself once it is back. A connection's
/// driver is a task of the runtime that makes it: a server's workers each
/// take their own pool ([`WorkerPools`]).
///
/// Recycling is `Fast` (no ping per checkout): a connection that died with the
/// database fails its next query, is reported as 503 and is then discarded,
/// because diesel-async marks it broken.
pub fn build_pool(settings: &DatabaseSettings) -> DbPool {
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(|url| {
        let url = url.to_owned();
        Box::pin(async move { set_up(&url).await })
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

/// The pools of a server's workers: `SSW_DB_POOL_SIZE` connections (and as
/// many to a replica) shared out between them, at least one each. A worker
/// takes its pools once, on its own thread, when it starts.
#[derive(Clone)]
pub struct WorkerPools {
    primary: DatabaseSettings,
    replica: Option<DatabaseSettings>,
    workers: usize,
    started: Arc<AtomicUsize>,
    /// Every worker's pool of the primary, for the metrics of the whole
    /// server.
    taken: Arc<Mutex<Vec<DbPool>>>,
}

/// The pools one worker takes.
pub struct Taken {
    pub pool: DbPool,
    /// The replica's pool, or `pool` when there is no replica.
    pub read_pool: DbPool,
}

/// The size of worker `n`'s share of `total` connections between `workers`.
fn share(total: usize, workers: usize, n: usize) -> usize {
    let workers = workers.max(1);
    (total / workers + usize::from(n % workers < total % workers)).max(1)
}

impl WorkerPools {
    pub fn new(primary: DatabaseSettings, replica_url: Option<String>, workers: usize) -> Self {
        let replica = replica_url.map(|database_url| DatabaseSettings {
            database_url,
            ..primary.clone()
        });
        Self {
            primary,
            replica,
            workers: workers.max(1),
            started: Arc::default(),
            taken: Arc::default(),
        }
    }

    /// The next worker's pools, built on the calling thread, and filled there
    /// when `SSW_DB_WARM_SEARCH` is on; call it on the worker's thread.
    pub fn take(&self) -> Taken {
        let n = self.started.fetch_add(1, Ordering::Relaxed);
        let sized = |settings: &DatabaseSettings| DatabaseSettings {
            db_pool_size: share(settings.db_pool_size.max(1), self.workers, n),
            ..settings.clone()
        };
        let pool = build_pool(&sized(&self.primary));
        let read_pool = match &self.replica {
            Some(replica) => build_pool(&sized(replica)),
            None => pool.clone(),
        };
        if self.primary.db_warm_search {
            tokio::task::spawn_local(fill(pool.clone()));
            if self.replica.is_some() {
                tokio::task::spawn_local(fill(read_pool.clone()));
            }
        }
        if let Ok(mut taken) = self.taken.lock() {
            taken.push(pool.clone());
        }
        Taken { pool, read_pool }
    }

    /// The status of the workers' pools of the primary, summed.
    pub fn status(&self) -> deadpool::Status {
        let mut sum = deadpool::Status {
            max_size: 0,
            size: 0,
            available: 0,
            waiting: 0,
        };
        if let Ok(taken) = self.taken.lock() {
            for status in taken.iter().map(Pool::status) {
                sum.max_size += status.max_size;
                sum.size += status.size;
                sum.available += status.available;
                sum.waiting += status.waiting;
            }
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn the_connections_are_shared_out_between_the_workers() {
        for (total, workers) in [(32, 2), (33, 2), (7, 3), (1, 1), (10, 4), (64, 5)] {
            let shares: Vec<_> = (0..workers).map(|n| share(total, workers, n)).collect();
            assert_eq!(shares.iter().sum::<usize>(), total, "{shares:?}");
            let (least, most) = (shares.iter().min(), shares.iter().max());
            assert!(
                most.zip(least).is_some_and(|(m, l)| m - l <= 1),
                "{shares:?}"
            );
        }
        // fewer connections than workers: one each
        assert_eq!((0..4).map(|n| share(2, 4, n)).collect::<Vec<_>>(), [1; 4]);
    }
}
