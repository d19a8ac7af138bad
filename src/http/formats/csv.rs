//! A result set ([`Table`](crate::domain::table::Table) or [`Rows`]) as CSV, in two dialects.
//!
//! - [`Dialect::Rfc4180`] (the default): UTF-8 without a BOM, `,` between
//!   fields, `.` as the decimal point. Records end in CRLF, as RFC 4180 § 2
//!   says, the last one included; a CSV reader that expects LF reads CRLF too,
//!   the reverse is not always true.
//! - [`Dialect::ExcelNlBe`] (`dialect=excel-nl-be`): what Belgian Excel opens
//!   right with a double click: a UTF-8 BOM (without it Excel reads the PC's
//!   code page), `;` between fields, a decimal comma (`-3,5`), CRLF.
//!
//! Both dialects write the same values otherwise: a header row of the column
//! names (the lowerCamelCase keys of the JSON, which an import reads back),
//! integers as digits, numbers in the shortest decimal form that reads back to
//! the same `f64` (`0.1`, `2.5`, `0.0000001`: never an exponent, never `.0`
//! on a whole number, no thousands separators, `-0` written `0`), dates as ISO
//! 8601 (`2023-05-01`), date-times as RFC 3339 in UTC (`2023-05-01T08:30:00Z`),
//! booleans as `true` / `false`, an empty cell as an empty field. NaN and the
//! infinities never reach a table ([`Cell::number`] makes them empty); if one
//! did, it would be written as an empty field.
//!
//! A field is quoted (`"`, inner quotes doubled) when it holds `,`, `;`, `"`,
//! CR or LF. Both separators are quoted in both dialects, so a reader that
//! guesses the separator from the header is never misled and a file keeps its
//! meaning whichever of the two it is read with. Line breaks inside a quoted
//! field are kept as they are.
//!
//! CSV injection (OWASP): a **text** cell that begins with `=`, `+`, `-`, `@`,
//! tab or CR would be a formula to a spreadsheet. It is written with a single
//! quote in front and quoted as a whole (`"'=SUM(A1)"`), which Excel shows as
//! text. Only text cells: the number `-3.5` is a number and stays `-3.5` /
//! `-3,5`, unquoted. An import undoes it with [`restore_text`]; the one text it
//! cannot tell apart is a value that itself began with `'` followed by one of
//! those characters.
//!
//! Written by hand rather than with the `csv` crate: it cannot quote one field
//! while leaving the others bare (the neutralised text cells need that), and
//! the rules above are the whole of the format.

use std::fmt;
use std::io::{self, Write};

use chrono::SecondsFormat;

use crate::domain::table::{Cell, Column, Rows};

/// The media type of both dialects.
pub const CONTENT_TYPE: &str = "text/csv; charset=utf-8; header=present";

const BOM: &[u8] = b"\xEF\xBB\xBF";
const CRLF: &[u8] = b"\r\n";

/// How a CSV file is written. See the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// `rfc4180`: UTF-8, no BOM, `,`, `.` decimal point, CRLF.
    #[default]
    Rfc4180,
    /// `excel-nl-be`: UTF-8 with a BOM, `;`, decimal comma, CRLF.
    ExcelNlBe,
}

/// A `dialect` that is not one of [`Dialect::KNOWN`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDialect(pub String);

impl fmt::Display for UnknownDialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown CSV dialect `{}`; known dialects: {}",
            self.0,
            Dialect::KNOWN.join(", ")
        )
    }
}

impl std::error::Error for UnknownDialect {}

impl Dialect {
    /// The names `dialect=` accepts, the default first.
    pub const KNOWN: [&'static str; 2] = ["rfc4180", "excel-nl-be"];

    /// Reads a `dialect=` value (ASCII case does not matter).
    pub fn parse(name: &str) -> Result<Self, UnknownDialect> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("rfc4180") {
            Ok(Dialect::Rfc4180)
        } else if name.eq_ignore_ascii_case("excel-nl-be") {
            Ok(Dialect::ExcelNlBe)
        } else {
            Err(UnknownDialect(name.to_owned()))
        }
    }

    /// Reads an optional `dialect=` value: absent is the default.
    pub fn parse_optional(name: Option<&str>) -> Result<Self, UnknownDialect> {
        name.map_or(Ok(Dialect::default()), Dialect::parse)
    }

    /// The name `dialect=` takes for this dialect.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Rfc4180 => Dialect::KNOWN[0],
            Dialect::ExcelNlBe => Dialect::KNOWN[1],
        }
    }

    /// The byte between fields.
    pub fn separator(self) -> u8 {
        match self {
            Dialect::Rfc4180 => b',',
            Dialect::ExcelNlBe => b';',
        }
    }

    /// The byte order mark the file starts with (none for RFC 4180).
    fn bom(self) -> &'static [u8] {
        match self {
            Dialect::Rfc4180 => b"",
            Dialect::ExcelNlBe => BOM,
        }
    }
}

/// The whole table as CSV bytes: the header row, then every row.
pub fn render<'a>(rows: impl Into<Rows<'a>>, dialect: Dialect) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(rows, dialect, &mut out);
    out
}

/// Writes the whole table as CSV to `out`, a row at a time.
pub fn write<'a, W: Write>(rows: impl Into<Rows<'a>>, dialect: Dialect, out: W) -> io::Result<()> {
    let rows = rows.into();
    let mut writer = CsvWriter::new(out, dialect);
    writer.header(&rows.columns)?;
    for row in rows {
        writer.row(&row)?;
    }
    Ok(())
}

/// Writes CSV a record at a time, for results too large to hold as a whole.
/// The BOM (if the dialect has one) goes out before the first record.
pub struct CsvWriter<W: Write> {
    out: W,
    dialect: Dialect,
    started: bool,
    line: Vec<u8>,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(out: W, dialect: Dialect) -> Self {
        Self {
            out,
            dialect,
            started: false,
            line: Vec::new(),
        }
    }

    /// The header row: the columns' names.
    pub fn header(&mut self, columns: &[Column]) -> io::Result<()> {
        self.line.clear();
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                self.line.push(self.dialect.separator());
            }
            push_text(&mut self.line, &column.name);
        }
        if columns.len() == 1 && self.line.is_empty() {
            self.line.extend_from_slice(b"\"\"");
        }
        self.finish_line()
    }

    /// One record.
    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        self.line.clear();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.line.push(self.dialect.separator());
            }
            push_cell(&mut self.line, cell, self.dialect);
        }
        // A record of one empty field would be a blank line, which readers
        // skip: quote it so that it stays a record.
        if cells.len() == 1 && self.line.is_empty() {
            self.line.extend_from_slice(b"\"\"");
        }
        self.finish_line()
    }

    /// The writer, for flushing or taking back the bytes.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn finish_line(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.out.write_all(self.dialect.bom())?;
        }
        self.line.extend_from_slice(CRLF);
        self.out.write_all(&self.line)
    }
}

/// A number the way the dialect writes it; `None` for NaN and the
/// infinities (written as an empty field).
pub fn format_number(value: f64, dialect: Dialect) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    // `-0` would read as a negative zero in some tools; it is 0.
    let value = if value == 0.0 { 0.0 } else { value };
    // Rust's `Display` for f64 writes the shortest digits that read back to
    // the same value, in plain decimal notation (never an exponent) and
    // without `.0` on whole numbers.
    let text = value.to_string();
    Some(match dialect {
        Dialect::Rfc4180 => text,
        Dialect::ExcelNlBe => text.replace('.', ","),
    })
}

fn push_cell(line: &mut Vec<u8>, cell: &Cell, dialect: Dialect) {
    match cell {
        Cell::Empty => {}
        Cell::Integer(value) => line.extend_from_slice(value.to_string().as_bytes()),
        Cell::Number(value) => {
            if let Some(text) = format_number(*value, dialect) {
                line.extend_from_slice(text.as_bytes());
            }
        }
        Cell::Text(text) => push_text(line, text),
        Cell::Date(date) => line.extend_from_slice(date.format("%Y-%m-%d").to_string().as_bytes()),
        Cell::DateTime(at) => {
            line.extend_from_slice(at.to_rfc3339_opts(SecondsFormat::AutoSi, true).as_bytes())
        }
        Cell::Bool(value) => line.extend_from_slice(if *value { b"true" } else { b"false" }),
    }
}

pub use crate::domain::table::{restore_text, starts_like_formula};

fn push_text(line: &mut Vec<u8>, text: &str) {
    let neutralise = starts_like_formula(text);
    let quote = neutralise || text.contains([',', ';', '"', '\r', '\n']);
    if !quote {
        line.extend_from_slice(text.as_bytes());
        return;
    }
    line.push(b'"');
    if neutralise {
        line.push(b'\'');
    }
    for part in text.split_inclusive('"') {
        line.extend_from_slice(part.as_bytes());
        if part.ends_with('"') {
            line.push(b'"');
        }
    }
    line.push(b'"');
}

#[cfg(test)]
mod tests;
