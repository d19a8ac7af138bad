//! Building the application: one `Application::build` for `main` and the tests alike.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, ErrorHandlers, Logger, from_fn};
use actix_web::{App, HttpServer, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::Registry;
use utoipa_actix_web::AppExt;

use crate::auth::password::PasswordService;
use crate::auth::tokens::TokenService;
use crate::config::ServerSettings;
use crate::http;
use crate::http::problems::RouteTable;
use crate::openapi;
use crate::storage::{DbPool, WorkerPools};
use crate::telemetry::{self, InFlight, PoolMetrics};

/// What every handler can reach.
pub struct AppState {
    /// This worker's pool.
    pub pool: DbPool,
    /// The reads that may lag (reports, list files, the change feed): a
    /// streaming replica's pool when one is configured, else `pool`.
    pub read_pool: DbPool,
    /// Every worker's pools, for the server's metrics.
    pub pools: WorkerPools,
    pub tokens: TokenService,
    pub passwords: PasswordService,
    pub settings: ServerSettings,
    pub registry: Registry,
    pub pool_metrics: PoolMetrics,
    /// Recent plan roll-ups, shared between requests for a moment.
    pub rollups: Arc<crate::service::progress::rollup::RollupCache>,
    /// Callers of recently checked sessions.
    pub principals: Arc<crate::auth::extractor::PrincipalCache>,
    /// Rendered reports, served again while nothing has been written.
    pub reports: Arc<crate::http::reports::kept::KeptReports>,
    /// Indicator results, taken again while nothing they read has been written.
    pub report_results: Arc<crate::service::reports::indicator_results::KeptResults>,
    /// List pages, served again while nothing they show has been written.
    pub pages: Arc<crate::http::kept_pages::KeptPages>,
}

impl AppState {
    /// The pool a read takes: the replica's for one that may lag (`lagging`).
    pub fn reads(&self, lagging: bool) -> &DbPool {
        if lagging { &self.read_pool } else { &self.pool }
    }
}

pub struct Application {
    server: Server,
    port: u16,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Settings(#[from] crate::config::SettingsError),
    #[error("cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
    #[error("{0}")]
    Other(String),
}

impl Application {
    /// Binds the listener and prepares the server; `handle_signals` is off in tests.
    pub fn build(settings: ServerSettings, handle_signals: bool) -> Result<Self, StartError> {
        let secret = settings.signing_secret()?;
        let tokens = TokenService::new(
            &secret,
            &settings.jwt_issuer,
            &settings.jwt_audience,
            i64::try_from(settings.access_token_ttl_seconds).unwrap_or(i64::MAX / 2),
            i64::try_from(settings.refresh_token_ttl_seconds).unwrap_or(i64::MAX / 2),
        );
        let hashes = match settings.password_hashes {
            0 => std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
            n => n,
        };
        let passwords =
            PasswordService::new(hashes).map_err(|e| StartError::Other(e.to_string()))?;
        let registry = Registry::new();
        let pool_metrics =
            PoolMetrics::register(&registry).map_err(|e| StartError::Other(e.to_string()))?;
        let in_flight =
            InFlight::register(&registry).map_err(|e| StartError::Other(e.to_string()))?;
        let metrics = PrometheusMetricsBuilder::new("ssw")
            .registry(registry.clone())
            .mask_unmatched_patterns("UNMATCHED")
            .build()
            .map_err(|e| StartError::Other(e.to_string()))?;

        let listener = TcpListener::bind(settings.bind)
            .map_err(|e| StartError::Bind(settings.bind.to_string(), e))?;
        let port = listener
            .local_addr()
            .map_err(|e| StartError::Bind(settings.bind.to_string(), e))?
            .port();

        let spec = openapi::build();
        let routes = web::Data::new(RouteTable::from_openapi(&spec));
        let spec_json = openapi::document()
            .and_then(|doc| serde_json::to_vec(&doc))
            .map_err(|e| StartError::Other(e.to_string()))?;
        let spec = web::Data::new(http::docs::SpecJson(spec_json.into()));
        let workers = match settings.workers {
            0 => std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            n => n,
        };
        let shutdown = settings.shutdown_timeout_seconds;
        // The reports' memory: half for renderings, half for indicators' results.
        let kept = settings.report_cache_mb.saturating_mul(1 << 20) / 2;
        let reports = Arc::new(http::reports::kept::KeptReports::new(kept));
        let report_results =
            Arc::new(crate::service::reports::indicator_results::KeptResults::new(kept));
        let pages = Arc::new(http::kept_pages::KeptPages::new(
            settings.page_cache_mb.saturating_mul(1 << 20),
        ));
        let pools = WorkerPools::new(
            settings.database.clone(),
            settings.read_database_url.clone(),
            workers,
        );
        let rollups = Arc::<crate::service::progress::rollup::RollupCache>::default();
        let principals = Arc::<crate::auth::extractor::PrincipalCache>::default();

        // Called once per worker, on its thread: the worker's own pools, and
        // everything else shared.
        let server = HttpServer::new(move || {
            let taken = pools.take();
            let state = web::Data::new(AppState {
                pool: taken.pool,
                read_pool: taken.read_pool,
                pools: pools.clone(),
                tokens: tokens.clone(),
                passwords: passwords.clone(),
                settings: settings.clone(),
                registry: registry.clone(),
                pool_metrics: pool_metrics.clone(),
                rollups: rollups.clone(),
                principals: principals.clone(),
                reports: reports.clone(),
                report_results: report_results.clone(),
                pages: pages.clone(),
            });
            app(state, spec.clone(), routes.clone(), metrics.clone())
                .app_data(in_flight.clone())
                .wrap(from_fn(telemetry::count_in_flight))
        })
        .shutdown_timeout(shutdown)
        .client_request_timeout(Duration::from_secs(10))
        .workers(workers)
        .listen(listener)
        .map_err(|e| StartError::Bind("listener".into(), e))?;
        // Signals are handled here rather than by actix, which stops at once on
        // SIGINT: Ctrl-C stops as gracefully as SIGTERM.
        let server = server.disable_signals().run();
        if handle_signals {
            actix_web::rt::spawn(stop_on_signals(server.handle()));
        }
        Ok(Self { server, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// SIGTERM or Ctrl-C (SIGINT) stop the server gracefully: new connections are
/// refused, requests being handled finish within the shutdown timeout, idle
/// connections close. A second signal stops it at once.
async fn stop_on_signals(handle: actix_web::dev::ServerHandle) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        log::error!("cannot listen for SIGTERM and SIGINT; stop the server with SIGKILL");
        return;
    };
    let mut next = async || {
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        }
    };
    let first = next().await;
    log::info!("{first} received: finishing the requests in flight, then stopping");
    let graceful = handle.stop(true);
    tokio::select! {
        () = graceful => {}
        second = next() => {
            log::warn!("{second} received again: stopping at once");
            handle.stop(false).await;
        }
    }
}

fn cors(settings: &ServerSettings) -> Cors {
    let origins = settings.cors_origins();
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            actix_web::http::header::AUTHORIZATION,
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::IF_MATCH,
            actix_web::http::header::ACCEPT,
        ])
        .allowed_header("x-api-key")
        .allowed_header("idempotency-key")
        .allowed_header("x-request-id")
        .expose_headers(["etag", "location", "x-request-id", "retry-after"])
        .max_age(3600)
        .block_on_origin_mismatch(false);
    for origin in origins {
        cors = cors.allowed_origin(&origin);
    }
    cors
}

fn app(
    state: web::Data<AppState>,
    spec: web::Data<http::docs::SpecJson>,
    routes: web::Data<RouteTable>,
    metrics: PrometheusMetrics,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let body_limit = state.settings.body_limit_bytes;
    let cors = cors(&state.settings);
    let (app, _) = App::new()
        .into_utoipa_app()
        .openapi(openapi::base())
        .app_data(state)
        .app_data(spec)
        .app_data(routes)
        .app_data(http::problems::json_config(body_limit))
        .app_data(http::problems::path_config())
        .app_data(http::problems::query_config())
        .configure(http::routes)
        .split_for_parts();
    app.configure(http::docs::swagger_ui)
        .default_service(web::to(http::problems::fallback))
        .wrap(from_fn(http::conditional::not_modified))
        .wrap(from_fn(http::conditional::head_as_get))
        .wrap(ErrorHandlers::new().default_handler(http::problems::ensure_problem))
        .wrap(cors)
        .wrap(
            DefaultHeaders::new()
                .add(("x-content-type-options", "nosniff"))
                .add(("cache-control", "no-store")),
        )
        .wrap(Logger::new(r#"%{x-request-id}i %a "%r" %s %b %Dms"#))
        .wrap(metrics)
        .wrap(from_fn(telemetry::request_id))
        .wrap(from_fn(note_writes))
}

/// After any request that may have written, cached roll-ups are outdated, and
/// after one on accounts or sessions, so are the cached callers.
async fn note_writes(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    // A login only adds a session: it changes no record and ends no session.
    let safe = req.method().is_safe() || req.path() == "/api/v1/auth/login";
    let accounts = [
        "/api/v1/auth/",
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/serviceAccounts",
    ]
    .iter()
    .any(|prefix| req.path().starts_with(prefix));
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await;
    if !safe && let Some(state) = state {
        state.rollups.written();
        if accounts {
            state.principals.clear();
        }
    }
    res
}
