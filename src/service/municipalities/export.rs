//! The municipalities as a file: every municipality a filter selects, by NIS
//! code, read in one snapshot, in the columns an import reads back.

use super::Municipality;
use crate::domain::table::{Cell, CellKind, Column};
use crate::service::exports::{batches, in_snapshot};
use crate::service::{Conn, ServiceResult};
use crate::storage::geography::{self as store, MunicipalityFilter};

/// The columns of the file: those an import of municipalities reads.
pub fn columns() -> Vec<Column> {
    use CellKind::*;
    [
        ("nisCode", "NIS code", Text),
        ("name", "Name", Text),
        ("nameFr", "Name (French)", Text),
        ("provinceNisCode", "Province (NIS)", Text),
        ("regionId", "Region", Text),
        ("validFrom", "Valid from", Text),
        ("validTo", "Valid to", Text),
        ("version", "Version", Integer),
    ]
    .into_iter()
    .map(|(name, title, kind)| Column::new(name, title, kind))
    .collect()
}

fn row(m: Municipality) -> Vec<Cell> {
    let text = |v: Option<&str>| v.map_or(Cell::Empty, Cell::text);
    vec![
        Cell::text(&m.nis_code),
        Cell::text(&m.name),
        text(m.name_fr.as_deref()),
        text(m.province_nis_code.as_deref()),
        Cell::text(&m.region_id),
        Cell::text(&m.valid_from.to_string()),
        text(m.valid_to.map(|d| d.to_string()).as_deref()),
        Cell::Integer(i64::from(m.version)),
    ]
}

/// Hands the rows of every municipality `filter` selects to `each` a batch
/// at a time, all read in one snapshot; answers the change-feed cursor that
/// follows on from it.
pub async fn export<F, Fut>(
    conn: &mut Conn,
    filter: MunicipalityFilter,
    each: F,
) -> ServiceResult<String>
where
    F: FnMut(Vec<Vec<Cell>>) -> Fut + Send,
    Fut: Future<Output = bool> + Send,
{
    let batch = batches(move |conn, page| {
        let filter = filter.clone();
        Box::pin(async move {
            let (rows, _) = store::list_municipalities(conn, &filter, "nisCode", &page).await?;
            Ok(rows
                .into_iter()
                .map(|r| row(Municipality::from(r)))
                .collect())
        })
    });
    in_snapshot(conn, batch, each).await
}
