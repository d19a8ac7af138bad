//! A timeline as a file: every progress update of an initiative or an
//! action, newest first, read in one snapshot, in the columns an import of
//! progress updates reads back.

use super::{ProgressUpdate, Timeline, timeline};
use crate::domain::table::{Cell, CellKind, Column};
use crate::service::exports::{batches, in_snapshot};
use crate::service::plans::PlanAudience;
use crate::service::{Conn, ServiceResult};

/// The columns of the file: those an import of progress updates reads.
pub fn columns() -> Vec<Column> {
    use CellKind::*;
    [
        ("id", "Id", Text),
        ("initiativeId", "Initiative id", Text),
        ("actionId", "Action id", Text),
        ("date", "Date", Text),
        ("status", "Status", Text),
        ("progress", "Progress", Integer),
        ("narrative", "Narrative", Text),
    ]
    .into_iter()
    .map(|(name, title, kind)| Column::new(name, title, kind))
    .collect()
}

fn row(u: ProgressUpdate) -> Vec<Cell> {
    let id = |v: Option<uuid::Uuid>| v.map_or(Cell::Empty, |id| Cell::text(&id.to_string()));
    vec![
        Cell::text(&u.id.to_string()),
        id(u.initiative_id),
        id(u.action_id),
        Cell::text(&u.date.to_string()),
        Cell::text(u.status.as_str()),
        u.progress
            .map_or(Cell::Empty, |p| Cell::Integer(i64::from(p))),
        if u.narrative.is_empty() {
            Cell::Empty
        } else {
            Cell::text(&u.narrative)
        },
    ]
}

/// Hands the rows of the timeline `of` to `each` a batch at a time, all
/// read in one snapshot; answers the change-feed cursor that follows on from
/// it. A 404 when the audience may not see what the timeline is of.
pub async fn export<F, Fut>(
    conn: &mut Conn,
    audience: PlanAudience,
    of: Timeline,
    each: F,
) -> ServiceResult<String>
where
    F: FnMut(Vec<Vec<Cell>>) -> Fut + Send,
    Fut: Future<Output = bool> + Send,
{
    let batch = batches(move |conn, page| {
        Box::pin(async move {
            let (updates, _) = timeline(conn, audience, of, page).await?;
            Ok(updates.into_iter().map(row).collect())
        })
    });
    in_snapshot(conn, batch, each).await
}
