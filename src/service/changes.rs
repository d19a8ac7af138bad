//! The change feed: every create, update and removal of the plan's records
//! and results, in an order a mirror can apply, gap-free under concurrent
//! writers (see `storage::changes`), with an opaque cursor to continue from.
//! Signed-in readers only; users, service accounts and API keys are not in it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{API_BASE, Conn, ServiceError, ServiceResult};
use crate::domain::{InputIssue, Principal};
use crate::storage::changes::{self as store, Position};
use crate::storage::practices::Drafts;

/// The kinds of record in the feed, and the collection each is read from.
pub const RESOURCES: &[(&str, &str)] = &[
    ("plan", "plans"),
    ("challenge", "challenges"),
    ("action", "actions"),
    ("initiative", "initiatives"),
    ("progressUpdate", "progressUpdates"),
    ("organisation", "organisations"),
    ("region", "regions"),
    ("municipality", "municipalities"),
    ("primaryCareZone", "primaryCareZones"),
    ("gboProject", "gboProjects"),
    ("conference", "conferences"),
    ("indicator", "indicators"),
    ("measurement", "measurements"),
    ("practice", "practices"),
    ("proposal", "proposals"),
];

/// Changes per page unless asked otherwise, and at most.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

/// What a write did to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ChangeOperation {
    Create,
    Update,
    /// A tombstone: the record is gone; only its id and kind are given.
    Delete,
}

/// One write of one record.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// The kind of record.
    #[schema(example = "initiative")]
    pub resource: String,
    /// The record's id (a municipality's NIS code).
    pub id: String,
    pub operation: ChangeOperation,
    /// The record's version after the write; for a removal, the version
    /// removed. Absent for records without versions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// URL of the record as it is now; absent for a removal.
    #[serde(rename = "self", skip_serializing_if = "Option::is_none")]
    pub self_link: Option<String>,
    /// Where to continue from to read the changes after this one.
    pub cursor: String,
}

/// A page of the feed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangesPage {
    /// The changes, oldest first; empty when nothing new is final yet.
    pub items: Vec<Change>,
    /// Where to continue from (`after=`): always given, also on an empty
    /// page.
    pub next: String,
    /// Whether more changes were final already: ask again at once.
    pub more: bool,
}

/// What the feed is asked for.
#[derive(Debug, Clone, Default)]
pub struct ChangesQuery {
    pub after: Option<String>,
    pub resources: Vec<String>,
    pub limit: Option<i64>,
}

/// A cursor as the client holds it: versioned, opaque.
fn encode(position: &Position) -> String {
    URL_SAFE_NO_PAD.encode(format!("c1:{}:{}", position.xid, position.id))
}

/// The cursor that follows on from what the transaction on `conn` reads (in
/// its snapshot): the changes after it are those that snapshot may not hold.
pub async fn cursor_of_snapshot(conn: &mut Conn) -> ServiceResult<String> {
    let xid = store::snapshot_horizon(conn).await?;
    Ok(encode(&Position { xid, id: 0 }))
}

fn decode(cursor: &str) -> Option<Position> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.strip_prefix("c1:")?.split(':');
    let xid = parts.next()?.parse().ok()?;
    let id = parts.next()?.parse().ok()?;
    if parts.next().is_some() || id < 0 {
        return None;
    }
    Some(Position { xid, id })
}

/// The feed's checked parameters.
pub struct Checked {
    after: Position,
    resources: Vec<&'static str>,
    limit: i64,
    /// The drafts of practices the caller sees.
    drafts: Drafts,
}

/// Checks the parameters before anything is read.
pub fn check(principal: Option<&Principal>, q: &ChangesQuery) -> ServiceResult<Checked> {
    if principal.is_none() {
        return Err(ServiceError::Unauthenticated("authentication required"));
    }
    let after = match &q.after {
        None => Position { xid: 0, id: 0 },
        Some(cursor) => decode(cursor).ok_or_else(|| {
            ServiceError::invalid(InputIssue::query(
                "after",
                "is not a cursor of this feed: start without `after`, or continue from a `next` \
                 or `cursor` the feed gave",
            ))
        })?,
    };
    let mut resources = Vec::new();
    for wanted in &q.resources {
        match RESOURCES.iter().find(|(name, _)| *name == wanted.as_str()) {
            Some((name, _)) => resources.push(*name),
            None => {
                return Err(ServiceError::invalid(InputIssue::query(
                    "resource",
                    format!(
                        "must be one of {}",
                        RESOURCES
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )));
            }
        }
    }
    if resources.is_empty() {
        resources = RESOURCES.iter().map(|(name, _)| *name).collect();
    }
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ServiceError::invalid(InputIssue::query(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        )));
    }
    Ok(Checked {
        after,
        resources,
        limit,
        drafts: super::practices::drafts_of(principal),
    })
}

/// One page of the feed after the checked cursor.
pub async fn page(conn: &mut Conn, checked: &Checked) -> ServiceResult<ChangesPage> {
    let page = store::page(
        conn,
        &checked.resources,
        &checked.after,
        checked.limit,
        &checked.drafts,
    )
    .await?;
    let full = i64::try_from(page.rows.len()).unwrap_or(i64::MAX) >= checked.limit;
    let items: Vec<Change> = page.rows.into_iter().map(change).collect();
    // A page that is not full holds every final change after the cursor:
    // the next one starts at the horizon, below which nothing can appear.
    let next = match (full, items.last()) {
        (true, Some(last)) => last.cursor.clone(),
        _ => {
            let horizon = Position {
                xid: page.horizon,
                id: 0,
            };
            if horizon.xid > checked.after.xid {
                encode(&horizon)
            } else {
                encode(&checked.after)
            }
        }
    };
    Ok(ChangesPage {
        items,
        next,
        more: full,
    })
}

impl Checked {
    /// The same request continued from `next`.
    pub fn continued(&self, next: &str) -> Option<Checked> {
        Some(Checked {
            after: decode(next)?,
            resources: self.resources.clone(),
            limit: self.limit,
            drafts: self.drafts.clone(),
        })
    }
}

fn change(row: store::ChangeRow) -> Change {
    let operation = match row.operation.as_str() {
        "create" => ChangeOperation::Create,
        "delete" => ChangeOperation::Delete,
        _ => ChangeOperation::Update,
    };
    let collection = RESOURCES
        .iter()
        .find(|(name, _)| *name == row.resource)
        .map(|(_, collection)| *collection);
    let self_link = match (operation, collection) {
        (ChangeOperation::Delete, _) | (_, None) => None,
        (_, Some(collection)) => Some(format!("{API_BASE}/{collection}/{}", row.resource_id)),
    };
    Change {
        cursor: encode(&Position {
            xid: row.xid,
            id: row.id,
        }),
        resource: row.resource,
        id: row.resource_id,
        operation,
        version: row.version,
        at: row.at,
        self_link,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_come_back_as_they_went_and_others_are_refused() {
        let p = Position { xid: 812, id: 77 };
        assert_eq!(decode(&encode(&p)), Some(p));
        for bad in [
            "",
            "x",
            "YzE6",
            "c1:1:2",
            &URL_SAFE_NO_PAD.encode("c2:1:2"),
            &URL_SAFE_NO_PAD.encode("c1:1:-2"),
            &URL_SAFE_NO_PAD.encode("c1:1:2:3"),
        ] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
