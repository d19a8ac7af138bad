//! Loading many municipalities at once, all or nothing. Each item is judged by
//! the rules of a single municipality write, fed by lookups made for all items
//! together, and written through the same record sequence (one savepoint each)
//! inside the import's one transaction.

use std::collections::HashMap;

use diesel_async::AsyncConnection;
use serde::Serialize;
use utoipa::ToSchema;

use super::rules::{check_move, check_municipality, initiatives_outside};
use super::{Municipality, MunicipalityCreate};
use crate::domain::InputIssue;
use crate::service::regions::{self, require_reference_editor};
use crate::service::{Change, Conn, ServiceError, ServiceResult, Writer, ensure_valid, record};
use crate::storage::geography::{self as store, MunicipalityRow, NewMunicipality};

/// Most municipalities one import may hold.
pub const MAX_IMPORT: usize = 1000;

/// One item as the caller read it: the municipality, or the issues, named
/// within the item, that kept it from being read.
pub type ImportItem = Result<MunicipalityCreate, Vec<InputIssue>>;

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MunicipalityImportResult {
    /// Municipalities that were new.
    pub created: usize,
    /// Existing municipalities whose values changed; their version went up by one.
    pub updated: usize,
    /// Existing municipalities that already had exactly these values; left alone.
    pub unchanged: usize,
}

/// An existing municipality given all its values anew: absent optional
/// values are cleared.
struct Replacement(NewMunicipality);

impl Change<MunicipalityRow> for Replacement {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: MunicipalityRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Municipality>> {
        let moved = self.0.region_id != current.region_id;
        let row =
            store::update_municipality(conn, &current.nis_code, self.0.into_changes()).await?;
        if moved {
            crate::service::gbo_projects::municipalities_moved(
                conn,
                std::slice::from_ref(&row.nis_code),
            )
            .await?;
        }
        Ok(Some(Municipality::from(row)))
    }
}

/// The items, each checked on its own and against the others (a NIS code
/// once); issue names start with `[index].`.
pub fn check_items(items: Vec<ImportItem>) -> ServiceResult<Vec<MunicipalityCreate>> {
    if items.is_empty() || items.len() > MAX_IMPORT {
        return Err(ServiceError::invalid(InputIssue::body(
            "",
            format!("must hold 1 to {MAX_IMPORT} municipalities"),
        )));
    }
    let mut issues = Vec::new();
    let mut checked = Vec::with_capacity(items.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, item) in items.into_iter().enumerate() {
        let prefix = format!("[{index}].");
        match item {
            Ok(item) => {
                check_municipality(&mut issues, &prefix, &item);
                if let Some(first) = seen.get(&item.nis_code) {
                    issues.push(
                        InputIssue::body(
                            format!("{prefix}nisCode"),
                            format!("repeats the NIS code of item [{first}]"),
                        )
                        .with_value(item.nis_code.clone().into()),
                    );
                } else {
                    seen.insert(item.nis_code.clone(), index);
                }
                checked.push(item);
            }
            Err(found) => issues.extend(found.into_iter().map(|mut issue| {
                issue.name = if issue.name.is_empty() {
                    format!("[{index}]")
                } else {
                    format!("{prefix}{}", issue.name)
                };
                issue
            })),
        }
    }
    ensure_valid(issues)?;
    Ok(checked)
}

/// Loads a list of municipalities: each one is created, or, when its NIS code
/// exists, given the values of the item. Administrators.
///
/// `read` reads the caller's items; it runs once the caller is known to be
/// allowed, so that a caller who may not import learns nothing about its input.
pub async fn import(
    conn: &mut Conn,
    writer: &Writer<'_>,
    read: impl FnOnce() -> ServiceResult<Vec<ImportItem>>,
) -> ServiceResult<MunicipalityImportResult> {
    require_reference_editor(writer.principal)?;
    let items = check_items(read()?)?;
    let mut named: Vec<String> = items.iter().map(|m| m.region_id.clone()).collect();
    named.sort();
    named.dedup();
    let missing = store::regions_missing(conn, &named).await?;
    let mut issues = Vec::new();
    for (index, m) in items.iter().enumerate() {
        let field = format!("[{index}].regionId");
        regions::check_reference(&mut issues, &field, &m.region_id, &missing);
    }
    ensure_valid(issues)?;
    let codes: Vec<String> = items.iter().map(|m| m.nis_code.clone()).collect();
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let mut existing: HashMap<String, MunicipalityRow> =
            store::lock_municipalities(conn, &codes)
                .await?
                .into_iter()
                .map(|row| (row.nis_code.clone(), row))
                .collect();
        let moves: Vec<(String, String)> = items
            .iter()
            .filter(|m| {
                existing
                    .get(&m.nis_code)
                    .is_some_and(|current| current.region_id != m.region_id)
            })
            .map(|m| (m.nis_code.clone(), m.region_id.clone()))
            .collect();
        let outside = initiatives_outside(conn, &moves).await?;
        let mut result = MunicipalityImportResult {
            created: 0,
            updated: 0,
            unchanged: 0,
        };
        for (index, item) in items.into_iter().enumerate() {
            let Some(current) = existing.remove(&item.nis_code) else {
                record::create(conn, writer, item).await?;
                result.created += 1;
                continue;
            };
            let new = item.into_new();
            if new.same_as(&current) {
                result.unchanged += 1;
                continue;
            }
            let leaving = outside
                .get(&current.nis_code)
                .map_or(&[][..], Vec::as_slice);
            check_move(&current, &new.region_id, leaving, Some(index))?;
            let replacement = Replacement(new);
            record::update::<MunicipalityRow, _>(
                conn,
                writer,
                &current.nis_code,
                current.version,
                replacement,
            )
            .await?;
            result.updated += 1;
        }
        Ok(result)
    })
    .await
}
