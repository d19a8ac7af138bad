//! Pages of lists kept as they went out, with the database snapshot they were
//! read at, and served again while no write they could show has been
//! committed since (one indexed look at the audit log, in the database, so it
//! holds across instances; see [`crate::service::freshness`]). A write is
//! therefore in the very next page, `total` included. A page whose content
//! depends on the clock (a `staleDays` filter) is read afresh every time.
//! Bounded by size (`SSW_PAGE_CACHE_MB`; 0 reads every page afresh).

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web::Bytes};
use moka::sync::Cache;
use serde::Serialize;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::service::Conn;
use crate::service::freshness::{self, HoldsAt, ReadAt};
use crate::service::plans::PlanAudience;

/// What makes two requests ask for the same page: the list, its parameters
/// as given, whether the caller is signed in (public read shows published
/// plans only) and, for a lookup by external id, the caller's source system.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    list: &'static str,
    query: String,
    signed_in: bool,
    source: Option<Uuid>,
}

impl PageKey {
    /// The key of the page of `list` that `req` asks for.
    pub fn new(
        list: &'static str,
        req: &HttpRequest,
        audience: PlanAudience,
        source: Option<Uuid>,
    ) -> Self {
        PageKey {
            list,
            query: req.query_string().to_owned(),
            signed_in: audience == PlanAudience::SignedIn,
            source,
        }
    }
}

/// A page as it went out, and the latest snapshot it is known to hold at.
struct Kept {
    json: Bytes,
    read_at: HoldsAt,
}

/// Pages larger than this share of the room are not kept.
const LARGEST_SHARE: u64 = 4;

/// The kept pages of one server process.
pub struct KeptPages {
    cache: Option<Cache<PageKey, Arc<Kept>>>,
    largest: u64,
}

impl KeptPages {
    /// Pages of at most `bytes` in all (0: none).
    pub fn new(bytes: u64) -> Self {
        let cache = (bytes > 0).then(|| {
            Cache::builder()
                .max_capacity(bytes)
                .weigher(|_: &PageKey, kept: &Arc<Kept>| {
                    u32::try_from(kept.json.len() + 256).unwrap_or(u32::MAX)
                })
                .build()
        });
        KeptPages {
            cache,
            largest: bytes / LARGEST_SHARE,
        }
    }

    /// The page `key` names as it went out, when nothing has been written
    /// since it was read other than to the resources `ignoring` (audit log
    /// names); otherwise the snapshot to keep the page read next with (none
    /// when the page is not to be kept). Looks on `conn`, the connection
    /// the page is then read on.
    pub async fn look(
        &self,
        conn: &mut Conn,
        key: Option<&PageKey>,
        ignoring: &[&str],
    ) -> ApiResult<Result<HttpResponse, Option<ReadAt>>> {
        let (Some(cache), Some(key)) = (&self.cache, key) else {
            return Ok(Err(None));
        };
        let Some(kept) = cache.get(key) else {
            return Ok(Err(Some(ReadAt::now(conn).await?)));
        };
        let (fresh, now) = freshness::look(conn, ignoring, &kept.read_at.get()).await?;
        if fresh {
            kept.read_at.move_to(now);
            return Ok(Ok(super::json::ok(kept.json.clone())));
        }
        cache.invalidate(key);
        Ok(Err(Some(now)))
    }

    /// The `200 OK` answer of `page` (of `items` records), read at
    /// `read_at`; kept under `key` when both are given.
    pub fn answer(
        &self,
        key: Option<PageKey>,
        read_at: Option<ReadAt>,
        (page, items): (&impl Serialize, usize),
    ) -> ApiResult<HttpResponse> {
        let json = Bytes::from(super::json::page_bytes(page, items)?);
        if let (Some(cache), Some(key), Some(read_at)) = (&self.cache, key, read_at)
            && json.len() as u64 <= self.largest
        {
            cache.insert(
                key,
                Arc::new(Kept {
                    json: json.clone(),
                    read_at: HoldsAt::new(read_at),
                }),
            );
        }
        Ok(super::json::ok(json))
    }
}
