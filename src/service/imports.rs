//! Imports: a file of records applied as one job kept in the database. The
//! file is read off the async workers, a batch of rows at a time; each batch
//! is judged by the write rules of its kind of record and written set-based,
//! all in one transaction, so that an import is applied whole or not at all
//! (or, not atomic, its good rows). A validation runs the same judgement and
//! writes nothing.

mod each;
mod gbo_projects;
mod indicators;
mod initiatives;
mod measurements;
mod model;
mod municipalities;
mod organisations;
mod progress_updates;
mod run;

use uuid::Uuid;

pub use indicators::targets_cell;
pub use model::{
    ImportCounts, ImportFailure, ImportFile, ImportIssue, ImportJob, ImportRow, RowResult,
};
pub use run::{Submitted, Upload, submit};

use super::{Conn, ServiceError, ServiceResult, Writer};
use crate::auth::permissions::{self, Operation, Resource};
use crate::domain::records::{Columns, Format, Record};
use crate::domain::{Page, Principal, Role};
use crate::storage::imports as store;

/// Rows judged and written together.
pub const BATCH: usize = 5000;

/// How long a job may go without a sign of life from its runner before it is
/// taken as cut off (its runner beats every few seconds).
pub const STALLED_AFTER_SECONDS: i32 = 30;

/// Declares the kinds of record a file can be imported into, each with its
/// name, and the list of them all.
macro_rules! import_resources {
    ($($variant:ident = $name:literal),* $(,)?) => {
        /// What a file can be imported into.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ImportResource {
            $($variant),*
        }

        impl ImportResource {
            pub const ALL: &[ImportResource] = &[$(ImportResource::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ImportResource::$variant => $name),*
                }
            }
        }
    };
}

import_resources! {
    Measurements = "measurements",
    Organisations = "organisations",
    Municipalities = "municipalities",
    Indicators = "indicators",
    Initiatives = "initiatives",
    GboProjects = "gboProjects",
    ProgressUpdates = "progressUpdates",
}

impl ImportResource {
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.as_str() == name)
    }

    /// The columns a file of this kind has (those of its CSV export).
    pub fn columns(self) -> Columns {
        match self {
            ImportResource::Measurements => measurements::COLUMNS,
            ImportResource::Organisations => organisations::COLUMNS,
            ImportResource::Municipalities => municipalities::COLUMNS,
            ImportResource::Indicators => indicators::COLUMNS,
            ImportResource::Initiatives => initiatives::COLUMNS,
            ImportResource::GboProjects => gbo_projects::COLUMNS,
            ImportResource::ProgressUpdates => progress_updates::COLUMNS,
        }
    }

    fn resource(self) -> Resource {
        match self {
            ImportResource::Measurements => Resource::Measurements,
            ImportResource::Organisations => Resource::Organisations,
            ImportResource::Municipalities => Resource::ReferenceData,
            ImportResource::Indicators => Resource::Indicators,
            ImportResource::Initiatives => Resource::Initiatives,
            ImportResource::GboProjects => Resource::GboProjects,
            ImportResource::ProgressUpdates => Resource::ProgressUpdates,
        }
    }
}

/// The import of one kind of record: measurements judged a batch at a time
/// and written set-based, the other kinds a row at a time through their
/// single writes.
enum Importer<'w> {
    Measurements(measurements::Import<'w>),
    Organisations(each::Import<'w, organisations::Organisations>),
    Municipalities(each::Import<'w, municipalities::Municipalities>),
    Indicators(each::Import<'w, indicators::Indicators>),
    Initiatives(each::Import<'w, initiatives::Initiatives>),
    GboProjects(each::Import<'w, gbo_projects::GboProjects>),
    ProgressUpdates(each::Import<'w, progress_updates::ProgressUpdates>),
}

impl<'w> Importer<'w> {
    async fn begin(
        conn: &mut Conn,
        resource: ImportResource,
        writer: &'w Writer<'w>,
    ) -> ServiceResult<Self> {
        Ok(match resource {
            ImportResource::Measurements => Importer::Measurements(
                measurements::Import::begin(conn, writer.principal, writer.actor()).await?,
            ),
            ImportResource::Organisations => Importer::Organisations(each::Import::new(writer)),
            ImportResource::Municipalities => Importer::Municipalities(each::Import::new(writer)),
            ImportResource::Indicators => Importer::Indicators(each::Import::new(writer)),
            ImportResource::Initiatives => Importer::Initiatives(each::Import::new(writer)),
            ImportResource::GboProjects => Importer::GboProjects(each::Import::new(writer)),
            ImportResource::ProgressUpdates => Importer::ProgressUpdates(each::Import::new(writer)),
        })
    }

    async fn apply(
        &mut self,
        conn: &mut Conn,
        records: Vec<Record>,
        batch: &mut Batch,
    ) -> ServiceResult<Vec<RowResult>> {
        let results = match self {
            Importer::Measurements(import) => return import.apply(conn, records, batch).await,
            Importer::Organisations(import) => import.apply(conn, records).await?,
            Importer::Municipalities(import) => import.apply(conn, records).await?,
            Importer::Indicators(import) => import.apply(conn, records).await?,
            Importer::Initiatives(import) => import.apply(conn, records).await?,
            Importer::GboProjects(import) => import.apply(conn, records).await?,
            Importer::ProgressUpdates(import) => import.apply(conn, records).await?,
        };
        if results.iter().any(|r| r.outcome == "rejected") {
            batch.saw_rejection();
        }
        Ok(results)
    }
}

/// Validate (write nothing) or commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Validate,
    Commit,
}

impl Mode {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "validate" => Some(Mode::Validate),
            "commit" => Some(Mode::Commit),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Validate => "validate",
            Mode::Commit => "commit",
        }
    }
}

/// May the principal file an import of this kind at all? Each row is judged
/// by the rights of its own write besides.
pub fn may_import(principal: &Principal, resource: ImportResource) -> ServiceResult<()> {
    Ok(permissions::require(
        principal,
        resource.resource(),
        Operation::Write,
    )?)
}

/// Whether the principal may see the job: its owner, steering and
/// administrators.
fn may_see(principal: &Principal, job: &store::JobRow) -> bool {
    job.owner_id == principal.id || matches!(principal.role, Role::Steering | Role::Admin)
}

/// Fails the jobs whose runner stopped (a server stopped or killed mid-import).
pub async fn fail_stalled(conn: &mut Conn) -> ServiceResult<()> {
    let failure = serde_json::to_value(ImportFailure {
        code: "interrupted".into(),
        message: "the import was cut off (the server that ran it stopped); nothing of it was applied: send the file again".into(),
        line: None,
        byte: None,
    })
    .map_err(|e| ServiceError::Internal(e.to_string()))?;
    store::fail_stalled(conn, STALLED_AFTER_SECONDS, &failure).await?;
    Ok(())
}

/// The job as clients see it, with its first rejected rows.
async fn view(conn: &mut Conn, row: store::JobRow) -> ServiceResult<ImportJob> {
    let first = Page {
        offset: 0,
        limit: 100,
    };
    let (rejected, _) = store::rows(conn, row.id, Some("rejected"), &first).await?;
    Ok(ImportJob::new(
        row,
        rejected.into_iter().map(ImportRow::from).collect(),
    ))
}

/// An import job; a 404 for one the principal may not see.
pub async fn read(conn: &mut Conn, principal: &Principal, id: Uuid) -> ServiceResult<ImportJob> {
    fail_stalled(conn).await?;
    let row = store::get(conn, id)
        .await?
        .filter(|row| may_see(principal, row))
        .ok_or(ServiceError::NotFound)?;
    view(conn, row).await
}

/// The imports the principal may see, newest first.
pub async fn list(
    conn: &mut Conn,
    principal: &Principal,
    page: &Page,
) -> ServiceResult<(Vec<ImportJob>, i64)> {
    fail_stalled(conn).await?;
    let owner = (!matches!(principal.role, Role::Steering | Role::Admin)).then_some(principal.id);
    let (rows, total) = store::list(conn, owner, page).await?;
    let jobs = rows
        .into_iter()
        .map(|row| ImportJob::new(row, Vec::new()))
        .collect();
    Ok((jobs, total))
}

/// A page of a job's rows; only those with `outcome` when given.
pub async fn rows(
    conn: &mut Conn,
    principal: &Principal,
    id: Uuid,
    outcome: Option<&str>,
    page: &Page,
) -> ServiceResult<(Vec<ImportRow>, i64)> {
    read(conn, principal, id).await?;
    let (rows, total) = store::rows(conn, id, outcome, page).await?;
    Ok((rows.into_iter().map(ImportRow::from).collect(), total))
}

/// The state of a job's judging: whether it still writes, and the keys its
/// rows named so far (in a table of the transaction, so that memory does not
/// grow with the file).
pub struct Batch {
    commit: bool,
    atomic: bool,
    rejected: bool,
}

impl Batch {
    fn new(mode: Mode, atomic: bool) -> Self {
        Batch {
            commit: mode == Mode::Commit,
            atomic,
            rejected: false,
        }
    }

    /// Whether the batch now judged is to be written.
    pub fn writes(&self) -> bool {
        self.commit && !(self.atomic && self.rejected)
    }

    pub fn saw_rejection(&mut self) {
        self.rejected = true;
    }

    /// The rows (by index) that name a key an earlier row named, each with
    /// that row's record and line. `keys` holds, per row not rejected, its
    /// index, record, line and keys. The keys of the other rows are kept.
    pub async fn repeated(
        &mut self,
        conn: &mut Conn,
        keys: &[(usize, u32, u32, Vec<String>)],
    ) -> ServiceResult<Vec<(usize, (u32, u32))>> {
        use std::collections::HashMap;
        let all: Vec<String> = keys.iter().flat_map(|(_, _, _, k)| k.clone()).collect();
        let mut seen: HashMap<String, (u32, u32)> = store::keys_seen(conn, &all).await?;
        let mut repeated = Vec::new();
        let mut new_keys = Vec::new();
        for (index, record, line, row_keys) in keys {
            if let Some(first) = row_keys.iter().find_map(|k| seen.get(k)) {
                repeated.push((*index, *first));
                continue;
            }
            for k in row_keys {
                seen.insert(k.clone(), (*record, *line));
                new_keys.push((k.clone(), *record, *line));
            }
        }
        store::keep_keys(conn, &new_keys).await?;
        Ok(repeated)
    }
}

/// The format a file is in, from its media type.
pub fn format_of(media_type: &str) -> Option<Format> {
    match media_type {
        "text/csv" | "application/csv" => Some(Format::Csv),
        "application/json" => Some(Format::Json),
        "application/x-ndjson" | "application/ndjson" | "application/jsonl" => Some(Format::Ndjson),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::ImportResource;

    #[test]
    fn every_import_reads_the_columns_of_its_export() {
        for &resource in ImportResource::ALL {
            let exported: Vec<String> = match resource {
                ImportResource::Measurements => crate::service::measurements::export::columns(),
                ImportResource::Organisations => crate::service::organisations::export::columns(),
                ImportResource::Municipalities => crate::service::municipalities::export::columns(),
                ImportResource::Indicators => crate::service::indicators::export::columns(),
                ImportResource::Initiatives => crate::service::initiatives::export::columns(),
                ImportResource::GboProjects => crate::service::gbo_projects::export::columns(),
                ImportResource::ProgressUpdates => crate::service::progress::export::columns(),
            }
            .into_iter()
            .map(|c| c.name)
            .collect();
            assert_eq!(exported, resource.columns(), "{}", resource.as_str());
        }
    }
}
