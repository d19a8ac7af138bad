//! The initiatives as a file: every initiative a selection holds, by code,
//! read in one snapshot, in the columns an import reads back. Lists in a
//! cell are separated by ` | `.

use super::{Initiative, InitiativeSelection, filter_of};
use crate::domain::table::{Cell, CellKind, Column};
use crate::service::exports::{batches, in_snapshot};
use crate::service::plans::PlanAudience;
use crate::service::{Conn, ServiceResult};
use crate::storage::initiatives as store;

/// The columns of the file: those an import of initiatives reads.
pub fn columns() -> Vec<Column> {
    use CellKind::*;
    [
        ("id", "Id", Text),
        ("actionId", "Action id", Text),
        ("code", "Code", Text),
        ("title", "Title", Text),
        ("description", "Description", Text),
        ("leadOrganisationId", "Lead organisation id", Text),
        ("partnerOrganisationIds", "Partner organisation ids", Text),
        ("regions", "Regions", Text),
        ("municipalities", "Municipalities (NIS)", Text),
        ("primaryCareZoneId", "Primary care zone id", Text),
        ("status", "Status", Text),
        ("progress", "Progress", Integer),
        ("weight", "Weight", Number),
        ("startDate", "Start", Text),
        ("endDate", "End", Text),
        ("externalId", "External id", Text),
        ("version", "Version", Integer),
    ]
    .into_iter()
    .map(|(name, title, kind)| Column::new(name, title, kind))
    .collect()
}

/// A list in one cell.
pub fn joined<T: ToString>(items: &[T]) -> Cell {
    if items.is_empty() {
        return Cell::Empty;
    }
    let text: Vec<String> = items.iter().map(ToString::to_string).collect();
    Cell::text(&text.join(" | "))
}

fn row(i: Initiative) -> Vec<Cell> {
    let text = |v: Option<String>| v.map_or(Cell::Empty, |t| Cell::text(&t));
    vec![
        Cell::text(&i.id.to_string()),
        Cell::text(&i.action_id.to_string()),
        Cell::text(&i.code),
        Cell::text(&i.title),
        text(Some(i.description).filter(|d| !d.is_empty())),
        Cell::text(&i.lead_organisation_id.to_string()),
        joined(&i.partner_organisation_ids),
        joined(&i.regions),
        joined(&i.municipalities),
        text(i.primary_care_zone_id.map(|z| z.to_string())),
        Cell::text(i.status.as_str()),
        i.progress
            .map_or(Cell::Empty, |p| Cell::Integer(i64::from(p))),
        Cell::maybe(Some(i.weight)),
        text(i.start_date.map(|d| d.to_string())),
        text(i.end_date.map(|d| d.to_string())),
        text(i.external_id),
        Cell::Integer(i64::from(i.version)),
    ]
}

/// Hands the rows of every initiative `selection` holds (of the plans the
/// audience may read) to `each` a batch at a time, all read in one snapshot;
/// answers the change-feed cursor that follows on from it.
pub async fn export<F, Fut>(
    conn: &mut Conn,
    audience: PlanAudience,
    selection: InitiativeSelection,
    each: F,
) -> ServiceResult<String>
where
    F: FnMut(Vec<Vec<Cell>>) -> Fut + Send,
    Fut: Future<Output = bool> + Send,
{
    let filter = filter_of(audience, selection);
    let batch = batches(move |conn, page| {
        let filter = filter.clone();
        Box::pin(async move {
            let (rows, _) = store::list(conn, &filter, "code", &page).await?;
            rows.into_iter()
                .map(|r| Initiative::from_record(r).map(row))
                .collect()
        })
    });
    in_snapshot(conn, batch, each).await
}
