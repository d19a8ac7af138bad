//! Indicator results kept between reports: each indicator's results for one
//! shape of report (granularity, level, range, region, day and the moment
//! they are as of: now, or as recorded before an instant), with the
//! database snapshot they were computed from. A report takes a kept result
//! only when nothing that could change it has been committed since: no
//! write of the indicator itself or of one of its measurements, and no write
//! of anything else (a municipality's region, an initiative's places, a
//! plan's publication…), which is not told apart by indicator and so
//! sets every kept result aside. A result kept from a snapshot that saw a
//! transaction the report's own snapshot does not is set aside too, so that
//! a report never mixes in a later state. After one measurement is recorded,
//! a report of two thousand indicators computes one of them again, not all.
//!
//! Bounded by size (`SSW_REPORT_CACHE_MB`; 0 keeps nothing).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use moka::sync::Cache;
use uuid::Uuid;

use super::{IndicatorResult, ResultsQuery};
use crate::service::freshness::HoldsAt;
use crate::service::reports::ReadAt;
use crate::service::{Conn, ServiceResult};
use crate::storage::report_results as store;
use crate::storage::reports::Moment;

/// The bytes a kept row is counted as, and those of its indicator.
const ROW_BYTES: usize = 320;
const INDICATOR_BYTES: usize = 640;

/// Which results of which indicator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    indicator: Uuid,
    shape: Arc<str>,
}

/// An indicator's results and the latest snapshot at which they are known
/// to hold.
pub struct Kept {
    pub result: IndicatorResult,
    read_at: HoldsAt,
}

/// The kept indicator results of one server process.
pub struct KeptResults {
    cache: Option<Cache<Key, Arc<Kept>>>,
}

impl KeptResults {
    /// Results of at most about `bytes` in all (0: none).
    pub fn new(bytes: u64) -> Self {
        let cache = (bytes > 0).then(|| {
            Cache::builder()
                .max_capacity(bytes)
                .weigher(|_: &Key, kept: &Arc<Kept>| {
                    let size = INDICATOR_BYTES + ROW_BYTES * kept.result.rows.len();
                    u32::try_from(size).unwrap_or(u32::MAX)
                })
                .build()
        });
        KeptResults { cache }
    }
}

impl Default for KeptResults {
    fn default() -> Self {
        KeptResults::new(16 << 20)
    }
}

/// How a report uses the kept results.
#[derive(Clone, Copy)]
pub enum Keeping<'a> {
    /// It takes kept results and keeps those it computes.
    TakeAndKeep(&'a KeptResults),
    /// It takes kept results only: a file of many rows would crowd the
    /// others out (and its rendering is kept whole).
    TakeOnly(&'a KeptResults),
}

impl<'a> Keeping<'a> {
    fn results(self) -> &'a KeptResults {
        match self {
            Keeping::TakeAndKeep(kept) | Keeping::TakeOnly(kept) => kept,
        }
    }
}

/// The kept results a report of `q` may take, as of the snapshot it reads.
pub(super) struct Taken<'a> {
    kept: Keeping<'a>,
    shape: Arc<str>,
    valid: HashMap<Uuid, Arc<Kept>>,
}

impl<'a> Taken<'a> {
    /// The kept results of `indicators` for the shape of `q` that nothing
    /// committed since their snapshot can have changed, as the transaction
    /// on `conn` (whose snapshot is `now`) sees the database. Those taken
    /// are known to hold at `now` from then on, so that writes of other
    /// indicators do not make every later look longer.
    pub(super) async fn look_up(
        conn: &mut Conn,
        kept: Keeping<'a>,
        (q, at): (&ResultsQuery, Moment),
        (day, now): (NaiveDate, &ReadAt),
        indicators: &[Uuid],
    ) -> ServiceResult<Taken<'a>> {
        let shape: Arc<str> = format!(
            "{at:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{day}",
            q.granularity,
            q.level,
            q.from.map(|p| p.id()),
            q.to.map(|p| p.id()),
            q.region
        )
        .into();
        let mut valid = HashMap::new();
        if let Some(cache) = &kept.results().cache {
            for &indicator in indicators {
                let key = Key {
                    indicator,
                    shape: shape.clone(),
                };
                if let Some(hit) = cache.get(&key) {
                    valid.insert(indicator, hit);
                }
            }
        }
        let mut valid: HashMap<Uuid, (Arc<Kept>, ReadAt)> = valid
            .into_iter()
            .map(|(id, k)| {
                let read_at = k.read_at.get();
                (id, (k, read_at))
            })
            .collect();
        let snapshots: HashSet<ReadAt> = valid.values().map(|(_, r)| r.clone()).collect();
        for snapshot in snapshots {
            let written = store::indicators_written_since(conn, snapshot.text()).await?;
            valid.retain(|id, (_, read_at)| {
                *read_at != snapshot || !(written.others || written.indicators.contains(id))
            });
        }
        let valid: HashMap<Uuid, Arc<Kept>> = valid
            .into_iter()
            .map(|(id, (k, _))| {
                if !now.text().is_empty() {
                    k.read_at.move_to(now.clone());
                }
                (id, k)
            })
            .collect();
        Ok(Taken { kept, shape, valid })
    }

    /// The kept results of `indicator`, when they still hold.
    pub(super) fn get(&self, indicator: Uuid) -> Option<&Arc<Kept>> {
        self.valid.get(&indicator)
    }

    /// Keeps results just computed from the snapshot `read_at`, unless the
    /// report only takes.
    pub(super) fn keep(&self, result: &IndicatorResult, read_at: &ReadAt) {
        if let Keeping::TakeAndKeep(kept) = self.kept
            && let Some(cache) = &kept.cache
            && !read_at.text().is_empty()
        {
            let key = Key {
                indicator: result.indicator_id,
                shape: self.shape.clone(),
            };
            cache.insert(
                key,
                Arc::new(Kept {
                    result: result.clone(),
                    read_at: HoldsAt::new(read_at.clone()),
                }),
            );
        }
    }
}
