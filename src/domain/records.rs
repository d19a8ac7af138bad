//! The records of an uploaded file, one at a time: CSV (`,` or `;`, UTF-8
//! with or without a byte order mark, quoted fields over several lines, CRLF
//! or LF) or JSON (an array of objects, or one object per line). Each record
//! comes with its number and the physical line it starts on, and each of its
//! cells is absent (the file has no such column), empty (no value) or text.
//! Problems of the file as a whole (not UTF-8, an unknown column, no header)
//! end the reading; problems of one record (too many fields, a field too
//! long) go with that record. Memory holds one record, whatever the file's
//! size.

mod csv_file;
mod json_file;
#[cfg(test)]
mod tests;

use std::io::Read;

pub use csv_file::check_utf8;

/// The longest field read, in characters.
pub const LONGEST_FIELD: usize = 10_000;

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    /// A JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
        }
    }
}

/// A cell of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// The file has no such column (or the object no such member): leave it.
    Absent,
    /// An empty field, or `null`: no value.
    Empty,
    Text(String),
}

impl Cell {
    /// The text, when there is one.
    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// A problem of one record: the column (when one), the value as read
/// (shortened), a reason code and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    pub column: Option<String>,
    pub value: Option<String>,
    pub code: &'static str,
    pub message: String,
}

impl RowIssue {
    pub fn new(column: Option<&str>, code: &'static str, message: impl Into<String>) -> Self {
        RowIssue {
            column: column.map(str::to_owned),
            value: None,
            code,
            message: message.into(),
        }
    }

    /// The value as read, at most 200 characters of it.
    pub fn with_value(mut self, value: &str) -> Self {
        let mut shown: String = value.chars().take(200).collect();
        if shown.len() < value.len() {
            shown.push('…');
        }
        self.value = Some(shown);
        self
    }
}

/// One record of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Its number, from 1, the header not counted.
    pub number: u32,
    /// The physical line it starts on, from 1.
    pub line: u32,
    /// One cell per known column, in their order.
    pub cells: Vec<Cell>,
    /// What kept it from being read whole; it is rejected when any.
    pub issues: Vec<RowIssue>,
}

impl Record {
    /// Shows, for each issue that names a column, that column's text as the
    /// file holds it (not as a rule saw it after reading).
    pub fn show_values(&self, columns: Columns, issues: &mut [RowIssue]) {
        for issue in issues {
            let cell = issue
                .column
                .as_deref()
                .and_then(|column| columns.iter().position(|c| *c == column))
                .and_then(|i| self.cells.get(i));
            if let Some(Cell::Text(text)) = cell {
                let shown = std::mem::replace(issue, RowIssue::new(None, "", ""));
                *issue = shown.with_value(text);
            }
        }
    }
}

/// Why the file cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub code: &'static str,
    pub message: String,
    pub line: Option<u32>,
    pub byte: Option<u64>,
}

impl FileError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        FileError {
            code,
            message: message.into(),
            line: None,
            byte: None,
        }
    }

    fn at(mut self, line: u32, byte: u64) -> Self {
        self.line = Some(line);
        self.byte = Some(byte);
        self
    }
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The column names a resource reads, in order.
pub type Columns = &'static [&'static str];

/// Reads the records of `input` in `format`, handing each to `each` in
/// order; the columns are `columns`. What `each` returns as an error ends
/// the reading and is returned.
pub fn read<R: Read, E: From<FileError>>(
    input: R,
    format: Format,
    columns: Columns,
    each: impl FnMut(Record) -> Result<(), E>,
) -> Result<(), E> {
    match format {
        Format::Csv => csv_file::read(input, columns, each),
        Format::Json => json_file::read_array(input, columns, each),
        Format::Ndjson => json_file::read_lines(input, columns, each),
    }
}

/// A text field as an import takes it: with the neutralisation a CSV export
/// puts in front of formula-like text undone.
fn restored(field: &str) -> &str {
    crate::domain::table::restore_text(field)
}

/// The cell of a field as read: empty, or its (restored) text; an issue when
/// it is longer than [`LONGEST_FIELD`] characters.
fn cell_of(column: &str, field: &str, issues: &mut Vec<RowIssue>) -> Cell {
    if field.is_empty() {
        return Cell::Empty;
    }
    if field.len() > LONGEST_FIELD && field.chars().count() > LONGEST_FIELD {
        issues.push(
            RowIssue::new(
                Some(column),
                "tooLong",
                format!("is longer than {LONGEST_FIELD} characters"),
            )
            .with_value(field),
        );
        return Cell::Empty;
    }
    if field.contains('\0') {
        issues.push(
            RowIssue::new(
                Some(column),
                "controlCharacter",
                "holds a NUL character: a binary file, or a field that is not text",
            )
            .with_value(&field.replace('\0', "\u{fffd}")),
        );
        return Cell::Empty;
    }
    Cell::Text(restored(field).to_owned())
}
