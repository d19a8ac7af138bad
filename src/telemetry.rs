//! Request ids, logging and metrics.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use prometheus::{IntGauge, Registry};

use crate::error::InternalCause;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, in the request extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub fn init_logging() {
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("info,actix_server=warn"),
    )
    .init();
}

/// A client's request id is kept when it is short and printable; otherwise a new one is made.
fn accepted(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    let ok = !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| s.to_owned())
}

/// Gives every request an id (the client's `X-Request-Id` or a new UUID),
/// echoes it on the response, and logs the hidden cause of any 5xx with it.
pub async fn request_id(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(accepted)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let header = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
    req.headers_mut().insert(REQUEST_ID, header.clone());
    req.extensions_mut().insert(RequestId(id.clone()));
    // Inner services answer errors as responses (handlers, extractors and CORS
    // are configured so), so the header reaches every response.
    let mut res = next.call(req).await?;
    if let Some(InternalCause(cause)) = res.response().extensions().get::<InternalCause>() {
        log::error!("request {id} answered {}: {cause}", res.status().as_u16());
    }
    res.headers_mut().insert(REQUEST_ID, header);
    Ok(res)
}

/// The requests being handled right now, in the gauge `ssw_http_requests_in_flight`.
#[derive(Clone)]
pub struct InFlight(IntGauge);

impl InFlight {
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let gauge = IntGauge::with_opts(
            prometheus::Opts::new("http_requests_in_flight", "Requests being handled")
                .namespace("ssw"),
        )?;
        registry.register(Box::new(gauge.clone()))?;
        Ok(Self(gauge))
    }
}

/// Counted while the gauge's request is handled, however it ends.
struct Handling(IntGauge);

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Counts each request in `ssw_http_requests_in_flight` until its response is ready.
pub async fn count_in_flight(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let handling = req.app_data::<InFlight>().map(|InFlight(gauge)| {
        gauge.inc();
        Handling(gauge.clone())
    });
    let res = next.call(req).await;
    drop(handling);
    res
}

/// Pool gauges, refreshed when `/metrics` is scraped.
#[derive(Clone)]
pub struct PoolMetrics {
    size: IntGauge,
    available: IntGauge,
    waiting: IntGauge,
    max_size: IntGauge,
}

impl PoolMetrics {
    pub fn register(registry: &Registry) -> prometheus::Result<Self> {
        let gauge = |name: &str, help: &str| -> prometheus::Result<IntGauge> {
            let g = IntGauge::with_opts(prometheus::Opts::new(name, help).namespace("ssw"))?;
            registry.register(Box::new(g.clone()))?;
            Ok(g)
        };
        Ok(Self {
            size: gauge(
                "db_pool_connections",
                "Open database connections in the pool",
            )?,
            available: gauge("db_pool_available", "Idle database connections in the pool")?,
            waiting: gauge(
                "db_pool_waiting",
                "Requests waiting for a database connection",
            )?,
            max_size: gauge(
                "db_pool_max_connections",
                "Maximum size of the database pool",
            )?,
        })
    }

    pub fn observe(&self, status: deadpool::Status) {
        self.size.set(status.size as i64);
        self.available.set(status.available as i64);
        self.waiting.set(status.waiting as i64);
        self.max_size.set(status.max_size as i64);
    }
}
