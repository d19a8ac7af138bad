//! Filing and running an import job: the file is read on a blocking thread
//! and handed over a batch at a time; the rows are judged and written in one
//! transaction that also ends the job, so that a job is applied whole or not
//! at all, whatever happens to the server meanwhile. The outcome of every row
//! goes to a temporary file first, so that memory does not grow with the
//! file and the outcomes outlive a transaction that is rolled back.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::time::Duration;

use diesel_async::AsyncConnection;
use serde_json::json;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::{
    BATCH, Batch, ImportFailure, ImportJob, ImportResource, Importer, Mode, RowResult,
    fail_stalled, may_import, view,
};
use crate::domain::Principal;
use crate::domain::records::{self, FileError, Format, Record};
use crate::service::{Conn, ServiceError, ServiceResult, Writer};
use crate::storage::DbPool;
use crate::storage::imports::{self as store, Ending, JobRow, NewJob, RowOutcome};

/// A file received for import, kept in a temporary file until the job ends.
pub struct Upload {
    pub resource: ImportResource,
    pub format: Format,
    pub mode: Mode,
    pub atomic: bool,
    pub file: tempfile::TempPath,
    pub sha256: String,
    pub bytes: u64,
    pub idempotency_key: Option<String>,
}

/// What filing an import gave.
pub enum Submitted {
    /// It ran to its end while the request waited.
    Ended(ImportJob),
    /// It runs in the background (or still ran, for a repeated idempotency key).
    Running(ImportJob),
}

/// Files an import and runs it: at once when the file is at most
/// `inline_bytes`, in the background otherwise. The same idempotency key
/// (of the same owner) gives the job filed first; with another file, a 422.
pub async fn submit(
    pool: &DbPool,
    principal: &Principal,
    request_id: Option<String>,
    upload: Upload,
    inline_bytes: u64,
) -> ServiceResult<Submitted> {
    may_import(principal, upload.resource)?;
    let mut conn = crate::service::connect(pool).await?;
    fail_stalled(&mut conn).await?;
    if let Some(key) = &upload.idempotency_key
        && let Some(job) = store::by_key(&mut conn, principal.id, key).await?
    {
        return again(&mut conn, job, &upload).await;
    }
    let job = NewJob {
        resource: upload.resource.as_str().to_owned(),
        mode: upload.mode.as_str().to_owned(),
        atomic: upload.atomic,
        format: upload.format.as_str().to_owned(),
        status: "queued".into(),
        file_sha256: upload.sha256.clone(),
        file_bytes: i64::try_from(upload.bytes).unwrap_or(i64::MAX),
        owner_id: principal.id,
        owner_kind: crate::service::kind_name(principal.kind).to_owned(),
        idempotency_key: upload.idempotency_key.clone(),
    };
    let Some(job) = store::insert(&mut conn, job).await? else {
        // Filed meanwhile by a request with the same key.
        let key = upload.idempotency_key.as_deref().unwrap_or_default();
        let job = store::by_key(&mut conn, principal.id, key)
            .await?
            .ok_or(ServiceError::NotFound)?;
        return again(&mut conn, job, &upload).await;
    };
    drop(conn);
    let id = job.id;
    let principal = principal.clone();
    if upload.bytes <= inline_bytes {
        run(pool.clone(), id, principal, request_id, upload).await;
        let mut conn = crate::service::connect(pool).await?;
        let job = store::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        return Ok(Submitted::Ended(view(&mut conn, job).await?));
    }
    let background = pool.clone();
    tokio::spawn(async move { run(background, id, principal, request_id, upload).await });
    let mut conn = crate::service::connect(pool).await?;
    Ok(Submitted::Running(view(&mut conn, job).await?))
}

/// The job filed earlier under the same key, when the file is the same.
async fn again(conn: &mut Conn, job: JobRow, upload: &Upload) -> ServiceResult<Submitted> {
    if job.file_sha256 != upload.sha256
        || job.resource != upload.resource.as_str()
        || job.mode != upload.mode.as_str()
        || job.atomic != upload.atomic
    {
        return Err(ServiceError::Unprocessable(
            "the Idempotency-Key was used for another import (another file, resource, mode or atomic): use a new key".into(),
        ));
    }
    let job = view(conn, job).await?;
    Ok(if job.ended() {
        Submitted::Ended(job)
    } else {
        Submitted::Running(job)
    })
}

/// Why a job's transaction ended without committing.
enum Stopped {
    /// Judged to its end, but not to be kept (a validation, or atomic with
    /// rejected rows): the outcomes are filed after the rollback.
    Judged(Tally),
    File(FileError),
    Error(ServiceError),
}

impl From<diesel::result::Error> for Stopped {
    fn from(e: diesel::result::Error) -> Self {
        Stopped::Error(e.into())
    }
}

impl From<crate::storage::StorageError> for Stopped {
    fn from(e: crate::storage::StorageError) -> Self {
        Stopped::Error(e.into())
    }
}

impl From<ServiceError> for Stopped {
    fn from(e: ServiceError) -> Self {
        Stopped::Error(e)
    }
}

/// The rows counted by outcome.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    read: i32,
    created: i32,
    updated: i32,
    unchanged: i32,
    rejected: i32,
}

impl Tally {
    fn add(&mut self, result: &RowResult) {
        self.read += 1;
        match result.outcome {
            "created" => self.created += 1,
            "updated" => self.updated += 1,
            "unchanged" => self.unchanged += 1,
            _ => self.rejected += 1,
        }
    }

    fn ending(self, atomic: bool) -> Ending {
        Ending {
            status: match (self.rejected, atomic) {
                (0, _) => "succeeded",
                (_, true) => "rejected",
                (_, false) => "partial",
            },
            rows_read: self.read,
            created: self.created,
            updated: self.updated,
            unchanged: self.unchanged,
            rejected: self.rejected,
            failure: None,
        }
    }
}

/// Runs a filed job to its end; whatever happens, the job ends (or, if the
/// server stops, is failed as cut off by whoever looks next).
async fn run(
    pool: DbPool,
    id: Uuid,
    principal: Principal,
    request_id: Option<String>,
    upload: Upload,
) {
    let heart = tokio::spawn(beat(pool.clone(), id));
    let ended = apply(&pool, id, &principal, request_id, &upload).await;
    heart.abort();
    let failure = match ended {
        Ok(()) => return,
        Err(Stopped::File(e)) => ImportFailure {
            code: e.code.into(),
            message: e.message,
            line: e.line,
            byte: e.byte,
        },
        Err(Stopped::Error(e)) => {
            log::error!("import {id} failed: {e}");
            ImportFailure {
                code: "internal".into(),
                message: "the import stopped on an error of the service; nothing of it was applied: send the file again, and report it if it happens again".into(),
                line: None,
                byte: None,
            }
        }
        Err(Stopped::Judged(_)) => unreachable!("judged imports end in apply"),
    };
    let end = Ending {
        status: "failed",
        failure: serde_json::to_value(failure).ok(),
        ..Ending::default()
    };
    match crate::service::connect(&pool).await {
        Ok(mut conn) => {
            if let Err(e) = store::finish(&mut conn, id, &end).await {
                log::error!("import {id} could not be ended: {e}");
            }
        }
        Err(e) => log::error!("import {id} could not be ended: {e}"),
    }
}

/// Keeps the job's `beat_at` fresh while it runs.
async fn beat(pool: DbPool, id: Uuid) {
    loop {
        tokio::time::sleep(Duration::from_secs(5)).await;
        if let Ok(mut conn) = crate::service::connect(&pool).await {
            let _ = store::beat(&mut conn, id).await;
        }
    }
}

/// The file read on a blocking thread, a batch of records at a time.
fn read_file(
    path: PathBuf,
    format: Format,
    resource: ImportResource,
) -> mpsc::Receiver<Result<Vec<Record>, FileError>> {
    let (tx, rx) = mpsc::channel(2);
    tokio::task::spawn_blocking(move || {
        let open = || {
            std::fs::File::open(&path)
                .map(BufReader::new)
                .map_err(|e| FileError {
                    code: "unreadable",
                    message: format!("the file could not be read: {e}"),
                    line: None,
                    byte: None,
                })
        };
        let checked = open().and_then(records::check_utf8);
        if let Err(e) = checked {
            let _ = tx.blocking_send(Err(e));
            return;
        }
        let mut batch = Vec::with_capacity(BATCH);
        let read = open().map_err(Halt::File).and_then(|file| {
            records::read(file, format, resource.columns(), |record| {
                batch.push(record);
                if batch.len() == BATCH {
                    tx.blocking_send(Ok(std::mem::take(&mut batch)))
                        .map_err(|_| Halt::Closed)?;
                }
                Ok::<_, Halt>(())
            })
        });
        match read {
            Ok(()) => {
                if !batch.is_empty() {
                    let _ = tx.blocking_send(Ok(batch));
                }
            }
            Err(Halt::File(e)) => {
                let _ = tx.blocking_send(Err(e));
            }
            Err(Halt::Closed) => {}
        }
    });
    rx
}

enum Halt {
    File(FileError),
    Closed,
}

impl From<FileError> for Halt {
    fn from(e: FileError) -> Self {
        Halt::File(e)
    }
}

/// Judges and writes the job's rows in one transaction; files the outcomes
/// and ends the job, in that transaction when it commits.
async fn apply(
    pool: &DbPool,
    id: Uuid,
    principal: &Principal,
    request_id: Option<String>,
    upload: &Upload,
) -> Result<(), Stopped> {
    let mut conn = crate::service::connect(pool).await?;
    store::start(&mut conn, id).await?;
    let outcomes = tempfile::NamedTempFile::new()
        .map_err(|e| ServiceError::Internal(format!("no temporary file: {e}")))?;
    let path = outcomes.path().to_owned();
    let mut written = BufWriter::new(
        outcomes
            .reopen()
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
    );
    let writer = Writer::new(principal, request_id);
    let mut rx = read_file(upload.file.to_path_buf(), upload.format, upload.resource);
    let (mode, atomic) = (upload.mode, upload.atomic);
    let committed = conn
        .transaction::<_, Stopped, _>(async |conn| {
            store::begin_keys(conn).await?;
            let mut import = Importer::begin(conn, upload.resource, &writer).await?;
            let mut batch = Batch::new(mode, atomic);
            let mut tally = Tally::default();
            while let Some(records) = rx.recv().await {
                let records = records.map_err(Stopped::File)?;
                for result in import.apply(conn, records, &mut batch).await? {
                    tally.add(&result);
                    keep(&mut written, &result)?;
                }
            }
            written
                .flush()
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            let end = tally.ending(atomic);
            if mode == Mode::Validate || (atomic && tally.rejected > 0) {
                return Err(Stopped::Judged(tally));
            }
            file_outcomes(conn, id, &path).await?;
            if !store::finish(conn, id, &end).await? {
                return Err(ServiceError::Conflict("the job was ended meanwhile".into()).into());
            }
            Ok(())
        })
        .await;
    match committed {
        Ok(()) => Ok(()),
        Err(Stopped::Judged(tally)) => {
            conn.transaction::<_, ServiceError, _>(async |conn| {
                file_outcomes(conn, id, &path).await?;
                store::finish(conn, id, &tally.ending(atomic)).await?;
                Ok(())
            })
            .await?;
            Ok(())
        }
        Err(other) => Err(other),
    }
}

/// Writes a row's outcome to the job's temporary file of outcomes.
fn keep(out: &mut impl Write, r: &RowResult) -> ServiceResult<()> {
    let issues: Vec<super::ImportIssue> = r.issues.iter().map(Into::into).collect();
    let line = json!([r.record, r.line, r.outcome, r.id, issues]);
    serde_json::to_writer(&mut *out, &line)
        .and_then(|()| out.write_all(b"\n").map_err(serde_json::Error::io))
        .map_err(|e| ServiceError::Internal(format!("the outcomes could not be kept: {e}")))
}

/// Files the outcomes kept in `path`, a batch at a time.
async fn file_outcomes(conn: &mut Conn, id: Uuid, path: &std::path::Path) -> ServiceResult<()> {
    let broken = |e: &dyn std::fmt::Display| ServiceError::Internal(format!("outcomes: {e}"));
    let file = std::fs::File::open(path).map_err(|e| broken(&e))?;
    let mut rows = Vec::with_capacity(BATCH);
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| broken(&e))?;
        let (record, at, outcome, resource_id, issues): (
            i32,
            i32,
            String,
            Option<String>,
            Vec<super::ImportIssue>,
        ) = serde_json::from_str(&line).map_err(|e| broken(&e))?;
        rows.push(RowOutcome {
            record,
            line: at,
            outcome,
            resource_id,
            issues: (!issues.is_empty())
                .then(|| serde_json::to_value(issues).ok())
                .flatten(),
        });
        if rows.len() == BATCH {
            store::insert_rows(conn, id, &rows).await?;
            rows.clear();
        }
    }
    store::insert_rows(conn, id, &rows).await?;
    Ok(())
}
