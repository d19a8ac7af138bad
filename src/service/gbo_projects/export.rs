//! The GBO projects as a file: every project a selection holds, by name,
//! read in one snapshot, in the columns an import reads back. The partners
//! are one cell, `organisationId=part` separated by ` | `; the contact three.

use super::{GboPartner, GboProject, GboProjectSelection, list};
use crate::domain::Principal;
use crate::domain::table::{Cell, CellKind, Column};
use crate::service::exports::{batches, in_snapshot};
use crate::service::initiatives::export::joined;
use crate::service::{Conn, ServiceResult};

/// The columns of the file: those an import of GBO projects reads.
pub fn columns() -> Vec<Column> {
    use CellKind::*;
    [
        ("id", "Id", Text),
        ("name", "Name", Text),
        ("municipalities", "Municipalities (NIS)", Text),
        ("primaryCareZoneId", "Primary care zone id", Text),
        ("partners", "Partners (organisation id=part)", Text),
        ("contactName", "Contact", Text),
        ("contactEmail", "Contact e-mail", Text),
        ("contactPhone", "Contact phone", Text),
        ("status", "Status", Text),
        ("startDate", "Start", Text),
        ("externalId", "External id", Text),
        ("version", "Version", Integer),
    ]
    .into_iter()
    .map(|(name, title, kind)| Column::new(name, title, kind))
    .collect()
}

/// A partner as the partners cell writes it.
pub fn partner_text(p: &GboPartner) -> String {
    format!("{}={}", p.organisation_id, p.part.as_str())
}

fn row(p: GboProject) -> Vec<Cell> {
    let text = |v: Option<String>| v.map_or(Cell::Empty, |t| Cell::text(&t));
    let contact = p.contact.unwrap_or_default();
    let partners: Vec<String> = p.partners.iter().map(partner_text).collect();
    vec![
        Cell::text(&p.id.to_string()),
        Cell::text(&p.name),
        joined(&p.municipalities),
        text(p.primary_care_zone_id.map(|z| z.to_string())),
        joined(&partners),
        text(contact.name),
        text(contact.email),
        text(contact.phone),
        Cell::text(p.status.as_str()),
        text(p.start_date.map(|d| d.to_string())),
        text(p.external_id),
        Cell::Integer(i64::from(p.version)),
    ]
}

/// Hands the rows of every project `selection` holds to `each` a batch at a
/// time, all read in one snapshot; answers the change-feed cursor that
/// follows on from it.
pub async fn export<F, Fut>(
    conn: &mut Conn,
    principal: &Principal,
    selection: GboProjectSelection,
    each: F,
) -> ServiceResult<String>
where
    F: FnMut(Vec<Vec<Cell>>) -> Fut + Send,
    Fut: Future<Output = bool> + Send,
{
    let principal = principal.clone();
    let batch = batches(move |conn, page| {
        let (selection, principal) = (selection.clone(), principal.clone());
        Box::pin(async move {
            let (projects, _) = list(conn, &principal, selection, "name", page).await?;
            Ok(projects.into_iter().map(row).collect())
        })
    });
    in_snapshot(conn, batch, each).await
}
