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
use crate::service::freshness::HoldsAt;
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
    /// The same body gzip-compressed, for callers that accept it; none for
    /// a small body or one already compressed (XLSX).
    pub gzip: Option<Bytes>,
    /// The latest snapshot at which the rendering is known to hold.
    read_at: HoldsAt,
}

/// Bodies shorter than this go out as they are.
const SMALLEST_COMPRESSED: usize = 1024;

impl Rendered {
    /// The rendering of `body`, compressed as well when that is worth it.
    /// Compressing a large report takes a few milliseconds: call this off
    /// the async workers.
    pub fn new(
        etag: String,
        (content_type, disposition): (&'static str, Option<String>),
        page: bool,
        body: Vec<u8>,
        read_at: ReadAt,
    ) -> Self {
        let gzip = (body.len() >= SMALLEST_COMPRESSED
            && content_type != crate::http::formats::negotiate::XLSX_TYPE)
            .then(|| gzip(&body))
            .flatten();
        Rendered {
            etag,
            content_type,
            disposition,
            page,
            body: body.into(),
            gzip,
            read_at: HoldsAt::new(read_at),
        }
    }

    /// The response: gzip-compressed when the caller accepts it.
    pub fn response(&self, gzip_accepted: bool) -> HttpResponse {
        let mut res = HttpResponse::Ok();
        res.insert_header((header::ETAG, self.etag.clone()))
            .insert_header((header::VARY, "Accept, Accept-Encoding"))
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
        match &self.gzip {
            Some(compressed) if gzip_accepted => {
                res.insert_header((header::CONTENT_ENCODING, "gzip"));
                res.body(compressed.clone())
            }
            _ => res.body(self.body.clone()),
        }
    }

    /// The bytes it keeps.
    fn size(&self) -> usize {
        self.body.len() + self.gzip.as_ref().map_or(0, Bytes::len)
    }
}

/// `body` gzip-compressed at a fast level; none if compressing failed.
fn gzip(body: &[u8]) -> Option<Bytes> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::fast(),
    );
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
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
    /// Renderings of at most `bytes` in all (0: none).
    pub fn new(bytes: u64) -> Self {
        let cache = (bytes > 0).then(|| {
            Cache::builder()
                .max_capacity(bytes)
                .weigher(|_: &Key, r: &Arc<Rendered>| {
                    u32::try_from(r.size() + 256).unwrap_or(u32::MAX)
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
        let mut conn = service::connect(&state.read_pool).await?;
        if let Some(now) =
            service::reports::unchanged_since(&mut conn, key.report, &hit.read_at.get()).await?
        {
            // Writes the report does not read (measurements, for plan
            // progress) would otherwise make every later look longer.
            hit.read_at.move_to(now);
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
            && (rendered.size() as u64) <= self.largest
        {
            cache.insert(key, rendered);
        }
    }
}

impl Default for KeptReports {
    fn default() -> Self {
        KeptReports::new(16 << 20)
    }
}
