//! Progress updates from a file: each row a new entry on the timeline of an
//! initiative (`initiativeId`) or an action (`actionId`), posted through the
//! single post. Entries are never changed: a row naming one by `id`, or
//! saying exactly what an entry on the same timeline says (the same day,
//! status, progress and narrative), is `unchanged`, so a file sent twice
//! posts nothing twice; a row that would change one is rejected.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::each::{Found, Kind, Row, Shown, by_id, text};
use crate::domain::records::Columns;
use crate::domain::{InputIssue, Principal, WorkStatus};
use crate::service::plans::PlanAudience;
use crate::service::progress::{self, ProgressUpdate, ProgressUpdateCreate};
use crate::service::{Conn, ServiceError, ServiceResult, Writer};
use crate::storage::keys::{self, ProgressKey};

/// The columns of a progress update file: those of a timeline's CSV export.
pub const COLUMNS: Columns = &[
    "id",
    "initiativeId",
    "actionId",
    "date",
    "status",
    "progress",
    "narrative",
];

impl Shown for ProgressUpdate {
    fn key(&self) -> String {
        self.id.to_string()
    }
    fn version(&self) -> Option<i32> {
        None
    }
}

/// A row of a progress update file, as a new entry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProgressRow {
    initiative_id: Option<Uuid>,
    action_id: Option<Uuid>,
    date: NaiveDate,
    status: WorkStatus,
    progress: Option<i16>,
    narrative: Option<String>,
}

/// Nothing of an entry changes: every member is refused as immutable.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoChange {}

pub struct ProgressUpdates;

impl Kind for ProgressUpdates {
    const COLUMNS: Columns = COLUMNS;
    const NAME: &'static str = "progress update";
    type View = ProgressUpdate;
    type Create = ProgressRow;
    type Patch = NoChange;

    fn value(column: &str, text: &str) -> Value {
        let text = text.trim();
        match column {
            "progress" => text
                .parse::<i64>()
                .map_or_else(|_| text.into(), Value::from),
            _ => text.into(),
        }
    }

    fn shape(row: &mut Row) -> Result<(), crate::domain::records::RowIssue> {
        if row.get("narrative") == Some(&Value::Null) {
            row.insert("narrative".into(), "".into());
        }
        Ok(())
    }

    async fn find(
        conn: &mut Conn,
        _: &Principal,
        row: &Row,
    ) -> ServiceResult<Found<ProgressUpdate>> {
        if let Some(found) = by_id(row, Self::NAME, async |id| {
            progress::read(conn, id, PlanAudience::SignedIn).await
        })
        .await?
        {
            return Ok(found);
        }
        let id = |column| text(row, column).and_then(|t| Uuid::parse_str(t).ok());
        let date = text(row, "date").and_then(|d| d.parse::<NaiveDate>().ok());
        let (Some(date), Some(status)) = (date, text(row, "status")) else {
            return Ok(Found::New);
        };
        let progress = match row.get("progress") {
            Some(Value::Number(n)) => n.as_i64().and_then(|p| i16::try_from(p).ok()),
            _ => None,
        };
        let key = ProgressKey {
            initiative_id: id("initiativeId"),
            action_id: id("actionId"),
            date,
            status,
            progress,
            narrative: text(row, "narrative").unwrap_or_default(),
        };
        Ok(match keys::progress_update(conn, &key).await? {
            Some(id) => Found::Existing(progress::read(conn, id, PlanAudience::SignedIn).await?),
            None => Found::New,
        })
    }

    async fn create(
        conn: &mut Conn,
        writer: &Writer<'_>,
        row: ProgressRow,
    ) -> ServiceResult<ProgressUpdate> {
        let input = ProgressUpdateCreate {
            date: row.date,
            status: row.status,
            progress: row.progress,
            narrative: row.narrative,
        };
        match (row.initiative_id, row.action_id) {
            (Some(id), None) => progress::post_on_initiative(conn, writer, id, input).await,
            (None, Some(id)) => progress::post_on_action(conn, writer, id, input).await,
            _ => Err(ServiceError::invalid(InputIssue::body(
                "initiativeId",
                "give the initiativeId or the actionId the update is on (one of them)",
            ))),
        }
    }

    async fn update(
        _: &mut Conn,
        _: &Writer<'_>,
        _: &ProgressUpdate,
        _: NoChange,
    ) -> ServiceResult<ProgressUpdate> {
        Err(ServiceError::Conflict(
            "a progress update is never changed: post a new one".into(),
        ))
    }
}
