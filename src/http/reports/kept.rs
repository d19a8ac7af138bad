//! Rendered reports, kept with the database snapshot they were computed
//! from. A report asked for again is served from here only when no write has
//! been committed since that snapshot (one indexed look at the audit log, in
//! the database, so it holds across instances); otherwise it is computed
//! afresh. A write is therefore always in the very next report, and a report
//! nobody wrote under is not computed twice. Bounded by size
//! (`SSW_REPORT_CACHE_MB`; 0 computes every report afresh).

use std::sync::Arc;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::Bytes;
use chrono::NaiveDate;
use moka::sync::Cache;

use crate::error::ApiResult;
use crate::service;
use crate::service::reports::ReadAt;
use crate::startup::AppState;

/// A report rendered in one format, as it goes out.
pub struct Rendered {
    pub etag: String,
    pub content_type: &'static str,
    pub disposition: Option<String>,
    /// Served with the page's Content-Security-Policy (HTML).
    pub page: bool,
    pub body: Bytes,
    pub read_at: ReadAt,
}

impl Rendered {
    pub fn response(&self) -> HttpResponse {
        let mut res = HttpResponse::Ok();
        res.insert_header((header::ETAG, self.etag.clone()))
            .insert_header((header::VARY, "Accept"))
            .insert_header((header::CACHE_CONTROL, "private, no-cache"))
            .content_type(self.content_type);
        if let Some(disposition) = &self.disposition {
            res.insert_header((header::CONTENT_DISPOSITION, disposition.clone()));
        }
        if self.page {
            res.insert_header((
                header::CONTENT_SECURITY_POLICY,
                crate::http::formats::html::CONTENT_SECURITY_POLICY,
            ));
        }
        res.body(self.body.clone())
    }
}

/// What makes two requests ask for the same rendering: the report and its
/// parameters as given, the rendering, whether the caller is signed in (the
/// only difference rights make to a report's content) and the day, from
/// which staleness counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub report: &'static str,
    pub query: String,
    pub format: &'static str,
    pub dialect: crate::http::formats::csv::Dialect,
    pub signed_in: bool,
    pub day: NaiveDate,
}

/// Reports larger than this are not kept: they would crowd out the others.
const LARGEST_SHARE: u64 = 4;

/// How many locks the computations are spread over.
const STRIPES: usize = 64;

/// The kept renderings of one server process.
pub struct KeptReports {
    cache: Option<Cache<Key, Arc<Rendered>>>,
    largest: u64,
    /// One report is computed at a time per stripe of keys: the requests
    /// that missed together wait for the first, then find its rendering
    /// fresh instead of each computing the same.
    computing: Vec<tokio::sync::Mutex<()>>,
}

impl KeptReports {
    pub fn new(megabytes: u64) -> Self {
        let bytes = megabytes.saturating_mul(1 << 20);
        let cache = (bytes > 0).then(|| {
            Cache::builder()
                .max_capacity(bytes)
                .weigher(|_: &Key, r: &Arc<Rendered>| {
                    u32::try_from(r.body.len() + 256).unwrap_or(u32::MAX)
                })
                .build()
        });
        KeptReports {
            cache,
            largest: bytes / LARGEST_SHARE,
            computing: (0..STRIPES).map(|_| tokio::sync::Mutex::new(())).collect(),
        }
    }

    /// The kept rendering for `key`, if nothing was written since it was
    /// computed.
    pub async fn fresh(&self, state: &AppState, key: &Key) -> ApiResult<Option<Arc<Rendered>>> {
        let Some(hit) = self.cache.as_ref().and_then(|c| c.get(key)) else {
            return Ok(None);
        };
        let mut conn = service::connect(&state.pool).await?;
        if service::reports::unchanged_since(&mut conn, key.report, &hit.read_at).await? {
            return Ok(Some(hit));
        }
        if let Some(cache) = &self.cache {
            cache.invalidate(key);
        }
        Ok(None)
    }

    /// The turn to compute the report `key` names, while no other request
    /// computes one of its stripe; none when nothing is kept.
    pub async fn turn(&self, key: &Key) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        self.cache.as_ref()?;
        let mut hasher = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(key, &mut hasher);
        let stripe = std::hash::Hasher::finish(&hasher) as usize % STRIPES;
        Some(self.computing[stripe].lock().await)
    }

    /// Keeps a rendering just computed.
    pub fn keep(&self, key: Key, rendered: Arc<Rendered>) {
        if let Some(cache) = &self.cache
            && (rendered.body.len() as u64) <= self.largest
        {
            cache.insert(key, rendered);
        }
    }
}

impl Default for KeptReports {
    fn default() -> Self {
        KeptReports::new(32)
    }
}
