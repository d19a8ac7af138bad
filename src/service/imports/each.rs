//! Records imported a row at a time through the single writes of their kind.
//! Each row becomes the body a `POST` or a merge `PATCH` would send (its
//! cells under their column names, an empty cell as `null`) and goes through
//! the same create or update use case, in a savepoint of the import's
//! transaction: every rule, right and audit entry is the single write's, and
//! a rejected row leaves nothing behind. A row that would change nothing is
//! `unchanged` and writes nothing.
//!
//! These are the kinds of record counted in thousands, not millions; the ids
//! the rows named are kept to find a record named twice.

use std::collections::HashMap;

use diesel_async::AsyncConnection;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::RowResult;
use crate::domain::Principal;
use crate::domain::records::{Cell, Columns, Record, RowIssue};
use crate::service::record::Audited;
use crate::service::{Conn, ServiceError, ServiceResult, Writer};

/// The record a row names.
pub enum Found<V> {
    /// None: the row is a new record.
    New,
    Existing(V),
    /// The row names a record that cannot be (an unknown id).
    Rejected(RowIssue),
}

/// A row as the body of a write: its cells by column name.
pub type Row = Map<String, Value>;

/// What an import needs of a record as clients see it: its key, and its
/// version when it has one.
pub trait Shown: serde::Serialize + Send + Sync {
    fn key(&self) -> String;
    fn version(&self) -> Option<i32>;
}

impl<T: Audited + Sync> Shown for T {
    fn key(&self) -> String {
        self.audit_key()
    }
    fn version(&self) -> Option<i32> {
        Some(Audited::version(self))
    }
}

/// A kind of record imported through its single writes.
pub trait Kind: Send + Sync {
    /// The columns of its file: those of its CSV export.
    const COLUMNS: Columns;
    /// What one record is called in messages.
    const NAME: &'static str;
    type View: Shown;
    type Create: DeserializeOwned + Send;
    type Patch: DeserializeOwned + Send;

    /// The value the text of a cell in `column` stands for in a write, in
    /// the form the record shows it (so that an unchanged value is equal).
    fn value(column: &str, text: &str) -> Value {
        let _ = column;
        Value::String(text.trim().to_owned())
    }

    /// The column a member of the write's body comes from (`targets[1].date`:
    /// `targets`).
    fn column(member: &str) -> Option<&'static str> {
        root_column(Self::COLUMNS, member)
    }

    /// Brings the cells of a row into the shape of the write's body, such as
    /// two columns into one object; an issue rejects the row.
    fn shape(row: &mut Row) -> Result<(), RowIssue> {
        let _ = row;
        Ok(())
    }

    /// The record the row names: by `id`, else `externalId`, else the key
    /// people use for this kind of record.
    fn find(
        conn: &mut Conn,
        principal: &Principal,
        row: &Row,
    ) -> impl Future<Output = ServiceResult<Found<Self::View>>> + Send;

    fn create(
        conn: &mut Conn,
        writer: &Writer<'_>,
        input: Self::Create,
    ) -> impl Future<Output = ServiceResult<Self::View>> + Send;

    fn update(
        conn: &mut Conn,
        writer: &Writer<'_>,
        current: &Self::View,
        patch: Self::Patch,
    ) -> impl Future<Output = ServiceResult<Self::View>> + Send;
}

/// The text of a member of the row, when it has one.
pub fn text<'r>(row: &'r Row, column: &str) -> Option<&'r str> {
    row.get(column).and_then(Value::as_str)
}

/// The record a row's `id` names; an unknown or malformed id rejects the row.
pub async fn by_id<V>(
    row: &Row,
    name: &str,
    read: impl AsyncFnOnce(Uuid) -> ServiceResult<V>,
) -> ServiceResult<Option<Found<V>>> {
    let Some(id) = text(row, "id") else {
        return Ok(None);
    };
    let Ok(id) = Uuid::parse_str(id) else {
        return Ok(Some(Found::Rejected(
            RowIssue::new(
                Some("id"),
                "invalid",
                "must be a UUID (leave it empty for a new record)",
            )
            .with_value(id),
        )));
    };
    match read(id).await {
        Ok(view) => Ok(Some(Found::Existing(view))),
        Err(ServiceError::NotFound) => Ok(Some(Found::Rejected(
            RowIssue::new(
                Some("id"),
                "notFound",
                format!("no {name} has this id (leave it empty for a new record)"),
            )
            .with_value(&id.to_string()),
        ))),
        Err(e) => Err(e),
    }
}

/// The column of `columns` a member of a write's body names by its root.
pub fn root_column(columns: Columns, member: &str) -> Option<&'static str> {
    let root = member.split(['.', '[']).next().unwrap_or_default();
    columns.iter().find(|c| **c == root).copied()
}

/// A number as people write it: `3.5`, or with a decimal comma, `3,5`.
pub fn decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    let read = if text.matches(',').count() == 1 && !text.contains('.') {
        text.replace(',', ".").parse::<f64>()
    } else {
        text.parse::<f64>()
    };
    read.ok().filter(|v| v.is_finite())
}

/// A yes or no as spreadsheets write it, in English or Dutch.
pub fn boolean(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "true" | "waar" | "ja" | "yes" | "1" => Some(true),
        "false" | "onwaar" | "nee" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// Columns of every file that name the record and its version; neither is
/// written.
const KEY_COLUMNS: [&str; 2] = ["id", "version"];

/// An import of one kind of record, a row at a time.
pub struct Import<'w, K> {
    writer: &'w Writer<'w>,
    /// Each record named so far, by the first row that named it.
    named: HashMap<String, (u32, u32)>,
    kind: std::marker::PhantomData<K>,
}

impl<'w, K: Kind> Import<'w, K> {
    pub fn new(writer: &'w Writer<'w>) -> Self {
        Import {
            writer,
            named: HashMap::new(),
            kind: std::marker::PhantomData,
        }
    }

    /// Judges and writes a batch of rows, in order. A validation writes them
    /// too: its transaction is rolled back, and later rows see what earlier
    /// ones would have written.
    pub async fn apply(
        &mut self,
        conn: &mut Conn,
        records: Vec<Record>,
    ) -> ServiceResult<Vec<RowResult>> {
        let mut results = Vec::with_capacity(records.len());
        for record in records {
            let (outcome, id, issues) = match self.row(conn, &record).await? {
                Ok((outcome, id)) => (outcome, Some(id), Vec::new()),
                Err(mut issues) => {
                    record.show_values(K::COLUMNS, &mut issues);
                    ("rejected", None, issues)
                }
            };
            results.push(RowResult {
                record: record.number,
                line: record.line,
                outcome,
                id,
                issues,
            });
        }
        Ok(results)
    }

    async fn row(
        &mut self,
        conn: &mut Conn,
        record: &Record,
    ) -> ServiceResult<Result<(&'static str, String), Vec<RowIssue>>> {
        if !record.issues.is_empty() {
            return Ok(Err(record.issues.clone()));
        }
        let mut row = Row::new();
        for (column, cell) in K::COLUMNS.iter().zip(&record.cells) {
            match cell {
                Cell::Absent => {}
                Cell::Empty => {
                    row.insert((*column).to_owned(), Value::Null);
                }
                Cell::Text(text) => {
                    row.insert((*column).to_owned(), K::value(column, text));
                }
            }
        }
        if let Err(issue) = K::shape(&mut row) {
            return Ok(Err(vec![issue]));
        }
        let version = match row.get("version") {
            Some(Value::String(v)) => match v.parse::<i32>() {
                Ok(v) if v > 0 => Some(v),
                _ => {
                    return Ok(Err(vec![
                        RowIssue::new(
                            Some("version"),
                            "invalid",
                            "must be a positive whole number (the record's version)",
                        )
                        .with_value(v),
                    ]));
                }
            },
            _ => None,
        };
        let found = match K::find(conn, self.writer.principal, &row).await? {
            Found::Rejected(issue) => return Ok(Err(vec![issue])),
            found => found,
        };
        for column in KEY_COLUMNS {
            row.remove(column);
        }
        let written = match found {
            Found::Existing(current) => {
                if let Some(first) = self.named.get(&current.key()) {
                    return Ok(Err(vec![repeated(K::NAME, *first)]));
                }
                self.named
                    .insert(current.key(), (record.number, record.line));
                if let (Some(sent), Some(now)) = (version, current.version())
                    && sent != now
                {
                    return Ok(Err(vec![RowIssue::new(
                        Some("version"),
                        "stale",
                        format!(
                            "the {} changed since this version (it is at version {now} now): export it again and redo the change",
                            K::NAME,
                        ),
                    )]));
                }
                self.update(conn, &current, row).await?
            }
            Found::New => self.create(conn, row).await?,
            Found::Rejected(_) => unreachable!("returned above"),
        };
        if let Ok((outcome, id)) = &written
            && *outcome == "created"
        {
            self.named.insert(id.clone(), (record.number, record.line));
        }
        Ok(written)
    }

    async fn create(
        &self,
        conn: &mut Conn,
        row: Row,
    ) -> ServiceResult<Result<(&'static str, String), Vec<RowIssue>>> {
        let input = match body::<K::Create>(row, K::column) {
            Ok(input) => input,
            Err(issue) => return Ok(Err(vec![issue])),
        };
        let writer = self.writer;
        let created = conn
            .transaction::<_, ServiceError, _>(async |conn| K::create(conn, writer, input).await)
            .await;
        Ok(match created {
            Ok(view) => Ok(("created", view.key())),
            Err(e) => Err(rejection(e, K::column)?),
        })
    }

    async fn update(
        &self,
        conn: &mut Conn,
        current: &K::View,
        mut row: Row,
    ) -> ServiceResult<Result<(&'static str, String), Vec<RowIssue>>> {
        let shown =
            serde_json::to_value(current).map_err(|e| ServiceError::Internal(e.to_string()))?;
        row.retain(|column, value| !same(value, shown.get(column).unwrap_or(&Value::Null)));
        if row.is_empty() {
            return Ok(Ok(("unchanged", current.key())));
        }
        let patch = match body::<K::Patch>(row, K::column) {
            Ok(patch) => patch,
            Err(issue) => return Ok(Err(vec![issue])),
        };
        let writer = self.writer;
        let updated = conn
            .transaction::<_, ServiceError, _>(async |conn| {
                K::update(conn, writer, current, patch).await
            })
            .await;
        Ok(match updated {
            Ok(view) => Ok(("updated", view.key())),
            Err(e) => Err(rejection(e, K::column)?),
        })
    }
}

/// Whether a row's value is the value shown: a list is a set, and a member
/// left out of an object is one without a value.
fn same(sent: &Value, shown: &Value) -> bool {
    match (sent, shown) {
        (Value::Array(a), Value::Array(b)) => {
            fn sorted(list: &[Value]) -> Vec<String> {
                let mut texts: Vec<String> = list.iter().map(Value::to_string).collect();
                texts.sort_unstable();
                texts
            }
            sorted(a) == sorted(b)
        }
        (Value::Object(a), Value::Object(b)) => a.keys().chain(b.keys()).all(|k| {
            same(
                a.get(k).unwrap_or(&Value::Null),
                b.get(k).unwrap_or(&Value::Null),
            )
        }),
        (Value::Object(a), Value::Null) => a.values().all(Value::is_null),
        _ => sent == shown,
    }
}

fn repeated(name: &str, (record, line): (u32, u32)) -> RowIssue {
    RowIssue::new(
        None,
        "repeated",
        format!(
            "names the same {name} as record {record} (line {line}): a file gives each {name} once"
        ),
    )
}

/// What reading a date can say, none of which names what a date looks like.
const DATE_ERRORS: [&str; 6] = [
    "trailing input",
    "premature end of input",
    "input contains invalid characters",
    "input is out of range",
    "input is not enough for unique date and time",
    "no possible date and time matching input",
];

/// The row as the body of a write; what keeps it from being one names its
/// column.
fn body<T: DeserializeOwned>(
    row: Row,
    column: fn(&str) -> Option<&'static str>,
) -> Result<T, RowIssue> {
    serde_path_to_error::deserialize(Value::Object(row)).map_err(|e| {
        let member = e.path().to_string();
        let path = column(&member).unwrap_or(&member).to_owned();
        let detail = e.into_inner().to_string();
        let named = |prefix: &str| {
            detail
                .strip_prefix(prefix)
                .and_then(|rest| rest.split_once('`'))
                .map(|(name, _)| name.to_owned())
        };
        if let Some(member) = named("unknown field `") {
            return RowIssue::new(
                Some(column(&member).unwrap_or(&member)),
                "immutable",
                "cannot be changed once the record exists: leave the cell as exported",
            );
        }
        match named("missing field `") {
            Some(member) => RowIssue::new(
                Some(column(&member).unwrap_or(&member)),
                "required",
                "is required: the file has no such column",
            ),
            None if detail.starts_with("invalid type: null") => {
                RowIssue::new(Some(&path), "required", "is required: the cell is empty")
            }
            None if DATE_ERRORS.contains(&detail.as_str()) => {
                RowIssue::new(Some(&path), "invalid", "must be a date, as 2025-01-31")
            }
            None => RowIssue::new((path != ".").then_some(path.as_str()), "invalid", detail),
        }
    })
}

/// Why a single write refused a row, as the row's issues; an error of the
/// service itself stops the import.
pub fn rejection(
    error: ServiceError,
    column_of: fn(&str) -> Option<&'static str>,
) -> ServiceResult<Vec<RowIssue>> {
    let one = |code: &'static str, message: String| Ok(vec![RowIssue::new(None, code, message)]);
    match error {
        ServiceError::Invalid(issues) => Ok(issues
            .into_iter()
            .map(|i| {
                let column = column_of(&i.name);
                let code = if i.detail.starts_with("is required") {
                    "required"
                } else {
                    "invalid"
                };
                let message = match column {
                    Some(_) => i.detail,
                    None if i.name.is_empty() => i.detail,
                    None => format!("{}: {}", i.name, i.detail),
                };
                let issue = RowIssue::new(column, code, message);
                match i.value {
                    Some(Value::String(v)) => issue.with_value(&v),
                    Some(v) if !v.is_null() => issue.with_value(&v.to_string()),
                    _ => issue,
                }
            })
            .collect()),
        ServiceError::Forbidden => one(
            "forbidden",
            "the importer may not make this write (each row is held to the rights of its own single write)".into(),
        ),
        ServiceError::NotFound => one("notFound", "refers to a record that does not exist".into()),
        ServiceError::Stale => one(
            "stale",
            "the record changed meanwhile: export it again and redo the change".into(),
        ),
        ServiceError::Conflict(detail) | ServiceError::Unprocessable(detail) => {
            one("conflict", detail)
        }
        ServiceError::Exists { detail, .. } => one("taken", detail),
        other => Err(other),
    }
}
