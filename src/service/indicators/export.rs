//! The indicators as a file: every indicator a filter selects, by code, read
//! in one snapshot, in the columns an import reads back.

use super::{Indicator, IndicatorSelection, require};
use crate::auth::permissions::Operation;
use crate::domain::Principal;
use crate::domain::table::{Cell, CellKind, Column};
use crate::service::exports::{batches, in_snapshot};
use crate::service::imports::targets_cell;
use crate::service::{Conn, ServiceResult};
use crate::storage::indicators as store;

/// The columns of the file: those an import of indicators reads.
pub fn columns() -> Vec<Column> {
    use CellKind::*;
    [
        ("id", "Id", Text),
        ("code", "Code", Text),
        ("name", "Name", Text),
        ("description", "Description", Text),
        ("subjectType", "Subject type", Text),
        ("subjectId", "Subject id", Text),
        ("measure", "Measure", Text),
        ("unit", "Unit", Text),
        ("direction", "Direction", Text),
        ("timeAggregation", "Over time", Text),
        ("placeAggregation", "Over places", Text),
        ("cumulative", "Cumulative", Text),
        ("granularity", "Granularity", Text),
        ("baselineValue", "Baseline", Number),
        ("baselineDate", "Baseline date", Text),
        ("targets", "Targets", Text),
        ("standard", "Standard", Text),
        ("externalId", "External id", Text),
        ("version", "Version", Integer),
    ]
    .into_iter()
    .map(|(name, title, kind)| Column::new(name, title, kind))
    .collect()
}

fn row(i: Indicator) -> Vec<Cell> {
    let text = |v: Option<&str>| v.map_or(Cell::Empty, Cell::text);
    vec![
        Cell::text(&i.id.to_string()),
        Cell::text(&i.code),
        Cell::text(&i.name),
        text(Some(i.description.as_str()).filter(|d| !d.is_empty())),
        Cell::text(i.subject.kind.as_str()),
        Cell::text(&i.subject.id.to_string()),
        Cell::text(i.measure.as_str()),
        text(i.unit.as_deref()),
        text(i.direction.map(|d| d.as_str())),
        Cell::text(i.time_aggregation.as_str()),
        Cell::text(i.place_aggregation.as_str()),
        Cell::text(if i.cumulative { "true" } else { "false" }),
        Cell::text(i.granularity.as_str()),
        Cell::maybe(i.baseline.map(|b| b.value)),
        text(i.baseline.map(|b| b.date.to_string()).as_deref()),
        text(Some(targets_cell(&i.targets).as_str()).filter(|t| !t.is_empty())),
        text(i.standard.as_deref()),
        text(i.external_id.as_deref()),
        Cell::Integer(i64::from(i.version)),
    ]
}

/// Hands the rows of every indicator `filter` selects to `each` a batch at
/// a time, all read in one snapshot; answers the change-feed cursor that
/// follows on from it.
pub async fn export<F, Fut>(
    conn: &mut Conn,
    principal: &Principal,
    mut filter: IndicatorSelection,
    each: F,
) -> ServiceResult<String>
where
    F: FnMut(Vec<Vec<Cell>>) -> Fut + Send,
    Fut: Future<Output = bool> + Send,
{
    require(principal, Operation::Read)?;
    filter.external_source = principal.source_system().map(Some);
    let batch = batches(move |conn, page| {
        let filter = filter.clone();
        Box::pin(async move {
            let (rows, _) = store::list(conn, &filter, "code", &page).await?;
            rows.into_iter()
                .map(|r| Indicator::from_row(r).map(row))
                .collect()
        })
    });
    in_snapshot(conn, batch, each).await
}
