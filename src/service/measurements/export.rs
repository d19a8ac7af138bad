//! The measurements as a file: every current measurement a filter selects,
//! read in one snapshot a batch at a time, in the columns an import reads
//! back; and the change-feed cursor to follow on from it.

use std::collections::HashMap;

use uuid::Uuid;

use super::{Measurement, require};
use crate::auth::permissions::Operation;
use crate::domain::Principal;
use crate::domain::table::{Cell, CellKind, Column};
use crate::service::{Conn, ServiceError, ServiceResult};
use crate::storage::measurements::{self as store, MeasurementFilter};

/// Measurements read and handed on together.
const BATCH: i64 = 5000;

/// The columns of the file: those an import of measurements reads.
pub fn columns() -> Vec<Column> {
    use CellKind::*;
    [
        ("id", "Id", Text),
        ("indicatorId", "Indicator id", Text),
        ("indicatorCode", "Indicator", Text),
        ("period", "Period", Text),
        ("placeType", "Place type", Text),
        ("placeCode", "Place code", Text),
        ("placeName", "Place", Text),
        ("value", "Value", Number),
        ("numerator", "Numerator", Number),
        ("denominator", "Denominator", Number),
        ("text", "Text", Text),
        ("note", "Note", Text),
        ("externalId", "External id", Text),
        ("version", "Version", Integer),
    ]
    .into_iter()
    .map(|(name, title, kind)| Column::new(name, title, kind))
    .collect()
}

fn row(m: Measurement, code: &str) -> Vec<Cell> {
    vec![
        Cell::text(&m.id.to_string()),
        Cell::text(&m.indicator_id.to_string()),
        Cell::text(code),
        Cell::text(&m.period),
        Cell::text(m.place.kind.as_str()),
        m.place.code.as_deref().map_or(Cell::Empty, Cell::text),
        Cell::text(&m.place.name),
        Cell::maybe(m.value),
        Cell::maybe(m.numerator),
        Cell::maybe(m.denominator),
        m.text.as_deref().map_or(Cell::Empty, Cell::text),
        Cell::text(&m.note),
        m.external_id.as_deref().map_or(Cell::Empty, Cell::text),
        Cell::Integer(i64::from(m.version)),
    ]
}

/// Hands the rows of every current measurement `filter` selects to `each`,
/// a batch at a time, all read in one snapshot. Answers the change-feed
/// cursor that follows on from that snapshot: every change the file may
/// miss comes after it (a change the file already holds may come again,
/// with the version the file has).
pub async fn export<F, Fut>(
    conn: &mut Conn,
    principal: &Principal,
    mut filter: MeasurementFilter,
    mut each: F,
) -> ServiceResult<String>
where
    F: FnMut(Vec<Vec<Cell>>) -> Fut + Send,
    Fut: Future<Output = bool> + Send,
{
    require(principal, Operation::Read)?;
    filter.external_source = principal.source_system().map(Some);
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run::<_, ServiceError, _>(async |conn| {
            let cursor = crate::service::changes::cursor_of_snapshot(conn).await?;
            let mut codes: HashMap<Uuid, String> = HashMap::new();
            let mut after = None;
            loop {
                let rows = store::export_batch(conn, &filter, after, BATCH).await?;
                let Some(last) = rows.last() else {
                    break;
                };
                after = Some(last.measurement.id);
                let unknown: Vec<Uuid> = rows
                    .iter()
                    .map(|r| r.measurement.indicator_id)
                    .filter(|id| !codes.contains_key(id))
                    .collect();
                if !unknown.is_empty() {
                    codes.extend(store::indicator_codes(conn, &unknown).await?);
                }
                let mut cells = Vec::with_capacity(rows.len());
                for m in super::shown(rows)? {
                    let code = codes.get(&m.indicator_id).cloned().unwrap_or_default();
                    cells.push(row(m, &code));
                }
                if !each(cells).await {
                    break;
                }
            }
            Ok(cursor)
        })
        .await
}
