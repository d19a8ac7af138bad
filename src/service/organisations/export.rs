//! The organisations as a file: every organisation a filter selects, read in
//! one snapshot, in the columns an import reads back; and the change-feed
//! cursor to follow on from it.

use super::{Organisation, OrganisationFilter, require};
use crate::auth::permissions::Operation;
use crate::domain::Principal;
use crate::domain::table::{Cell, CellKind, Column};
use crate::service::exports::{batches, in_snapshot};
use crate::service::{Conn, ServiceResult};
use crate::storage::organisations as store;

/// The columns of the file: those an import of organisations reads.
pub fn columns() -> Vec<Column> {
    use CellKind::*;
    [
        ("id", "Id", Text),
        ("name", "Name", Text),
        ("kind", "Kind", Text),
        ("enterpriseNumber", "KBO number", Text),
        ("ovoCode", "OVO code", Text),
        ("regionId", "Region", Text),
        ("municipality", "Municipality (NIS)", Text),
        ("website", "Website", Text),
        ("externalId", "External id", Text),
        ("version", "Version", Integer),
    ]
    .into_iter()
    .map(|(name, title, kind)| Column::new(name, title, kind))
    .collect()
}

fn text(value: Option<&str>) -> Cell {
    value.map_or(Cell::Empty, Cell::text)
}

fn row(o: Organisation) -> Vec<Cell> {
    vec![
        Cell::text(&o.id.to_string()),
        Cell::text(&o.name),
        Cell::text(o.kind.as_str()),
        text(o.enterprise_number.as_deref()),
        text(o.ovo_code.as_deref()),
        text(o.region_id.as_deref()),
        text(o.municipality.as_deref()),
        text(o.website.as_deref()),
        text(o.external_id.as_deref()),
        Cell::Integer(i64::from(o.version)),
    ]
}

/// Hands the rows of every organisation `filter` selects, by name, to
/// `each` a batch at a time, all read in one snapshot; answers the
/// change-feed cursor that follows on from that snapshot.
pub async fn export<F, Fut>(
    conn: &mut Conn,
    principal: &Principal,
    mut filter: OrganisationFilter,
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
            let (rows, _) = store::list(conn, &filter, "name", &page).await?;
            rows.into_iter()
                .map(|r| Organisation::from_row(r).map(row))
                .collect()
        })
    });
    in_snapshot(conn, batch, each).await
}
