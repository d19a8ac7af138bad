//! The change feed's statement: audit entries in the order their
//! transactions became visible, gap-free under concurrent writers.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::practices::Drafts;
use super::{StorageError, StorageResult};

/// A place in the feed: after the entry `id` of the transaction `xid` (the
/// text of an `xid8`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub xid: u64,
    pub id: i64,
}

/// One write, as the feed gives it.
#[derive(Debug, Clone)]
pub struct ChangeRow {
    pub id: i64,
    pub xid: u64,
    pub resource: String,
    pub resource_id: String,
    pub operation: String,
    pub version: Option<i32>,
    pub at: DateTime<Utc>,
}

/// A page of the feed and where it stands.
#[derive(Debug, Clone)]
pub struct ChangePage {
    pub rows: Vec<ChangeRow>,
    /// The oldest transaction still running when the page was read: every
    /// entry of an older one is in this page or an earlier one (when the
    /// page is not full), entries of it or later ones come in later pages.
    pub horizon: u64,
}

/// The horizon, and an entry when there is one (none on an empty page).
#[derive(QueryableByName)]
struct Read {
    #[diesel(sql_type = Text)]
    horizon: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    xid: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    resource: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    resource_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    operation: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    version: Option<i32>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    at: Option<DateTime<Utc>>,
}

/// Up to `limit` entries of `resources` after `after`, by transaction then
/// entry, of transactions older than the oldest one still running, with that
/// horizon, read in one statement: a transaction that commits later, even
/// with a lower entry id than one read now, is at or above the horizon and
/// so still ahead of the next page's start.
///
/// Practices are given as far as `drafts` lets the reader see them: an entry
/// of a practice the reader may see now; a removal of one the reader could
/// see when it was removed; and a practice taken back to draft out of the
/// reader's sight, as a removal (it left the reader's view). Proposals alike:
/// one never submitted only to those who see drafts, its authors and its
/// region (only such a draft is ever removed).
pub async fn page(
    conn: &mut AsyncPgConnection,
    resources: &[&str],
    after: &Position,
    limit: i64,
    drafts: &Drafts,
) -> StorageResult<ChangePage> {
    let (all, author, region) = match drafts {
        Drafts::All => (true, None, None),
        Drafts::None => (false, None, None),
        Drafts::Of { author, region } => (false, Some(*author), region.clone()),
    };
    let read: Vec<Read> = diesel::sql_query(
        "WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)
         SELECT h.horizon::text AS horizon, a.id, a.xid::text AS xid, a.resource, a.resource_id,
                CASE WHEN a.hidden_now AND a.operation = 'update' THEN 'delete' ELSE a.operation END
                    AS operation,
                a.version, a.at
           FROM h
           LEFT JOIN LATERAL (
                SELECT id, xid, resource, resource_id, operation, version, at, v.hidden_now
                  FROM audit_log
                  CROSS JOIN LATERAL (
                       SELECT NOT $5 AND (
                              (resource = 'practice' AND NOT EXISTS (
                                  SELECT 1 FROM practices p
                                   WHERE p.id = (CASE WHEN resource = 'practice' THEN resource_id::uuid END)
                                     AND (p.status <> 'draft' OR p.author_ids @> ARRAY[$6::uuid]
                                          OR p.region_id = $7)))
                           OR (resource = 'proposal' AND NOT EXISTS (
                                  SELECT 1 FROM proposals q
                                   WHERE q.id = (CASE WHEN resource = 'proposal' THEN resource_id::uuid END)
                                     AND (q.submitted_at IS NOT NULL OR q.author_ids @> ARRAY[$6::uuid]
                                          OR q.region_id = $7)))) AS hidden_now) v
                 WHERE xid IS NOT NULL
                   AND xid < h.horizon
                   AND (xid, id) > ($1::text::xid8, $2)
                   AND resource = ANY ($3)
                   AND (NOT v.hidden_now
                        OR (operation = 'delete'
                            AND (coalesce(changes -> 'status' ->> 'before', '') <> 'draft'
                                 OR changes -> 'authorIds' -> 'before' ? $6::text
                                 OR changes -> 'regionId' ->> 'before' = $7))
                        OR (operation = 'update' AND changes -> 'status' ->> 'after' = 'draft'))
                 ORDER BY xid, id
                 LIMIT $4) a ON true
          ORDER BY a.xid, a.id",
    )
    .bind::<Text, _>(after.xid.to_string())
    .bind::<BigInt, _>(after.id)
    .bind::<Array<Text>, _>(resources)
    .bind::<BigInt, _>(limit)
    .bind::<diesel::sql_types::Bool, _>(all)
    .bind::<Nullable<diesel::sql_types::Uuid>, _>(author)
    .bind::<Nullable<Text>, _>(region)
    .load(conn)
    .await?;
    let horizon = read
        .as_slice()
        .first()
        .and_then(|r| r.horizon.parse().ok())
        .unwrap_or(0);
    let rows = read
        .into_iter()
        .filter_map(|r| {
            Some(ChangeRow {
                id: r.id?,
                xid: r.xid?.parse().ok()?,
                resource: r.resource?,
                resource_id: r.resource_id?,
                operation: r.operation?,
                version: r.version,
                at: r.at?,
            })
        })
        .collect();
    Ok(ChangePage { rows, horizon })
}

/// The oldest transaction the current snapshot may not see: every change of
/// an earlier one is in what the snapshot reads.
pub async fn snapshot_horizon(conn: &mut AsyncPgConnection) -> StorageResult<u64> {
    #[derive(QueryableByName)]
    struct Horizon {
        #[diesel(sql_type = diesel::sql_types::Text)]
        xmin: String,
    }
    let found: Vec<Horizon> =
        diesel::sql_query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin")
            .load(conn)
            .await?;
    found
        .as_slice()
        .first()
        .and_then(|h| h.xmin.parse().ok())
        .ok_or_else(|| StorageError::Other("no snapshot horizon".into()))
}
