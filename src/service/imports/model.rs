//! An import job and its rows as clients see them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::records::RowIssue;
use crate::service::API_BASE;
use crate::storage::imports::{JobRow, RowOutcome};

/// What became of one row.
#[derive(Debug, Clone)]
pub struct RowResult {
    pub record: u32,
    pub line: u32,
    pub outcome: &'static str,
    pub id: Option<String>,
    pub issues: Vec<RowIssue>,
}

/// Why a row was rejected.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportIssue {
    /// The column, when the problem is one cell's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The value as read (at most 200 characters of it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A stable reason code: `required`, `invalid`, `notANumber`, `notFound`,
    /// `ambiguous`, `mismatch`, `immutable`, `stale`, `taken`, `forbidden`,
    /// `repeated`, `conflict`, `fieldCount`, `tooLong`, `controlCharacter`,
    /// `unnamedColumn`, `unknownColumn`, `notAnObject`, `notAValue`, `syntax`.
    pub code: String,
    /// What is wrong, for a person to act on.
    pub message: String,
}

impl From<&RowIssue> for ImportIssue {
    fn from(i: &RowIssue) -> Self {
        ImportIssue {
            column: i.column.clone(),
            value: i.value.clone(),
            code: i.code.to_owned(),
            message: i.message.clone(),
        }
    }
}

/// One row of an imported file and what became of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportRow {
    /// The record's number in the file, from 1 (the header not counted).
    pub record: i32,
    /// The physical line the record starts on, from 1.
    pub line: i32,
    /// `created`, `updated`, `unchanged` or `rejected` (in a validation, or an
    /// import that was rejected as a whole: what a commit would do).
    pub outcome: String,
    /// The record written (or that would be), when one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why the row was rejected; empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<ImportIssue>,
}

impl From<RowOutcome> for ImportRow {
    fn from(r: RowOutcome) -> Self {
        ImportRow {
            record: r.record,
            line: r.line,
            outcome: r.outcome,
            id: r.resource_id,
            issues: r
                .issues
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default(),
        }
    }
}

/// The file as received.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportFile {
    /// `csv`, `json` or `ndjson`.
    pub format: String,
    /// Its size in bytes.
    pub bytes: i64,
    /// The SHA-256 of its bytes, in hexadecimal.
    pub sha256: String,
}

/// How many rows went which way.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportCounts {
    pub read: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub rejected: i32,
}

/// Why a file could not be imported at all.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportFailure {
    /// `encoding`, `empty`, `unknownColumn`, `repeatedColumn`, `syntax`,
    /// `unreadable`, `interrupted` (the server stopped while it ran) or
    /// `internal`.
    pub code: String,
    pub message: String,
    /// The line, when the problem is at one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The byte of the file (from 1), when the problem is at one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte: Option<u64>,
}

/// An import: a file applied to one kind of record.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportJob {
    pub id: Uuid,
    /// URL of this import.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The kind of record: `measurements`, `organisations`, `municipalities`,
    /// `indicators`, `initiatives`, `gboProjects` or `progressUpdates`.
    pub resource: String,
    /// `validate` (nothing is written) or `commit`.
    pub mode: String,
    /// Whether it is all rows or none.
    pub atomic: bool,
    /// `queued`, `running`, `succeeded` (every row applied, or in a validation
    /// would be), `partial` (not atomic: the good rows applied, the others
    /// rejected), `rejected` (atomic, with rejected rows: nothing written) or
    /// `failed` (the file could not be read, or the import was cut off:
    /// nothing written).
    pub status: String,
    pub file: ImportFile,
    pub counts: ImportCounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<ImportFailure>,
    /// Every row and its outcome, paged (`?outcome=rejected` for those only).
    pub rows: String,
    /// The first rejected rows (at most 100); all of them are at `rows`.
    pub rejected_rows: Vec<ImportRow>,
    /// Who filed it.
    pub owner: Uuid,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
}

impl ImportJob {
    pub fn new(row: JobRow, rejected_rows: Vec<ImportRow>) -> Self {
        let self_link = format!("{API_BASE}/imports/{}", row.id);
        ImportJob {
            id: row.id,
            rows: format!("{self_link}/rows"),
            self_link,
            resource: row.resource,
            mode: row.mode,
            atomic: row.atomic,
            status: row.status,
            file: ImportFile {
                format: row.format,
                bytes: row.file_bytes,
                sha256: row.file_sha256,
            },
            counts: ImportCounts {
                read: row.rows_read,
                created: row.created,
                updated: row.updated,
                unchanged: row.unchanged,
                rejected: row.rejected,
            },
            failure: row
                .failure
                .and_then(|v: Value| serde_json::from_value(v).ok()),
            rejected_rows,
            owner: row.owner_id,
            created_at: row.created_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
        }
    }

    /// Whether it has ended.
    pub fn ended(&self) -> bool {
        !matches!(self.status.as_str(), "queued" | "running")
    }
}
