//! A result set ([`Table`](crate::domain::table::Table) or [`Rows`]) as an XLSX workbook (Office Open XML), written with
//! `rust_xlsxwriter`.
//!
//! The workbook has one worksheet, named after the report ([`sheet_name`]
//! makes any name one Excel accepts). Row 1 is the header: the columns'
//! titles (the words a person reads, not the JSON keys the CSV header holds),
//! bold, frozen (it stays in view while scrolling) and with an autofilter
//! over the whole table. Every row of the table follows, one cell per column:
//!
//! - [`Cell::Integer`]: a number with the format `0` (Excel holds every number
//!   as an `f64`, so an integer beyond ±2⁵³ loses its last digits; Excel
//!   itself shows only 15 significant digits);
//! - [`Cell::Number`]: a number in Excel's `General` format, which shows as
//!   many decimals as the value has and fit the column, without the trailing
//!   `.` that `0.########` puts after a whole number. Never text: a number is
//!   stored as a number whatever it looks like;
//! - [`Cell::Date`]: a real Excel date (a day number) shown `yyyy-mm-dd`;
//! - [`Cell::DateTime`]: a real Excel date-time in **UTC** (Excel has no time
//!   zones), shown `yyyy-mm-dd hh:mm:ss`;
//! - [`Cell::Bool`]: an Excel boolean (`TRUE` / `FALSE`);
//! - [`Cell::Text`]: an inline string, always. No cell is ever a formula:
//!   `rust_xlsxwriter` writes a string as `t="inlineStr"` and only writes a
//!   formula through its formula writers, which this module never calls. Text
//!   that begins with `=`, `+`, `-`, `@`, tab or CR (what Excel would take
//!   for a formula when a person edits the cell) also gets Excel's quote
//!   prefix style, the `'` a person would type, so that editing it keeps it
//!   text. Excel's limit is 32,767 characters (UTF-16 units) per cell; a
//!   longer text is cut there (on a character boundary) instead of failing
//!   the whole file;
//! - [`Cell::Empty`]: no cell at all, which Excel shows blank.
//!
//! Column widths come from the header and the first [`WIDTH_SAMPLE`] rows,
//! between [`MIN_WIDTH`] and [`MAX_WIDTH`] characters. The workbook has no
//! macros, no external links, no formulas and no defined names besides the
//! autofilter's own.
//!
//! Memory: the worksheet is written in `rust_xlsxwriter`'s *constant memory*
//! mode: each row goes to a temporary file (in the system's temporary
//! directory) as it is written, instead of a cell tree in memory that takes
//! about 200 bytes a cell. The rows come from [`Rows`], one at a time, so a
//! report is never copied into cells as a whole: what stays in memory is the
//! report itself, the first [`WIDTH_SAMPLE`] rows and the finished,
//! compressed file ([`render`]).
//!
//! A table larger than a worksheet (1,048,576 rows with the header, 16,384
//! columns) is refused with [`XlsxProblem::TooLarge`]: too many columns
//! before anything is written, too many rows at the first row too many.

use std::fmt;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::domain::table::{Cell, Column, Rows};

/// The media type of an XLSX workbook.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The most rows a worksheet holds (the header included).
pub const MAX_ROWS: usize = 1_048_576;
/// The most columns a worksheet holds.
pub const MAX_COLUMNS: usize = 16_384;
/// The most characters (UTF-16 units) a cell holds.
pub const MAX_TEXT: usize = 32_767;
/// The most characters (UTF-16 units) a worksheet's name holds.
pub const MAX_SHEET_NAME: usize = 31;

/// How many rows (after the header) the column widths are measured on.
pub const WIDTH_SAMPLE: usize = 100;
/// The narrowest column, in characters.
pub const MIN_WIDTH: f64 = 8.0;
/// The widest column, in characters; longer text wraps off-screen.
pub const MAX_WIDTH: f64 = 60.0;

/// The name a worksheet gets when the report's name has nothing left.
const FALLBACK_SHEET_NAME: &str = "Report";

/// Why a table could not be written as XLSX.
#[derive(Debug)]
pub enum XlsxProblem {
    /// More rows or columns than a worksheet holds.
    TooLarge { rows: usize, columns: usize },
    /// `rust_xlsxwriter` failed, e.g. the temporary file could not be made.
    Write(XlsxError),
}

impl fmt::Display for XlsxProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XlsxProblem::TooLarge { rows, columns } => write!(
                f,
                "{rows} rows and {columns} columns do not fit in a worksheet \
                 (at most {} rows and {MAX_COLUMNS} columns)",
                MAX_ROWS - 1
            ),
            XlsxProblem::Write(error) => write!(f, "the workbook could not be written: {error}"),
        }
    }
}

impl std::error::Error for XlsxProblem {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            XlsxProblem::TooLarge { .. } => None,
            XlsxProblem::Write(error) => Some(error),
        }
    }
}

impl From<XlsxError> for XlsxProblem {
    fn from(error: XlsxError) -> Self {
        XlsxProblem::Write(error)
    }
}

/// A worksheet name Excel accepts, made from a report's name: each of
/// `[ ] : * ? / \` becomes `-`, control characters are dropped, leading and
/// trailing spaces and apostrophes are trimmed, the rest is cut to 31
/// characters (UTF-16 units, as Excel counts). A name with nothing left is
/// `Report`; `History`, which Excel keeps for itself, becomes `History-`.
pub fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '-',
            c => c,
        })
        .collect();
    let mut out = String::new();
    let mut units = 0;
    for c in cleaned
        .trim_matches(|c: char| c == '\'' || c.is_whitespace())
        .chars()
    {
        units += c.len_utf16();
        if units > MAX_SHEET_NAME {
            break;
        }
        out.push(c);
    }
    // Cutting may leave a trailing apostrophe or space again.
    let out = out.trim_end_matches(|c: char| c == '\'' || c.is_whitespace());
    if out.is_empty() {
        FALLBACK_SHEET_NAME.to_owned()
    } else if out.eq_ignore_ascii_case("History") {
        format!("{out}-")
    } else {
        out.to_owned()
    }
}

/// The whole table as the bytes of an XLSX file with one worksheet, named
/// [`sheet_name`]`(sheet)`.
pub fn render<'a>(rows: impl Into<Rows<'a>>, sheet: &str) -> Result<Vec<u8>, XlsxProblem> {
    use std::io::{Read, Seek, SeekFrom};
    let mut workbook = build(rows.into(), sheet)?;
    // Saved to a temporary file, then read at its exact size: a buffer that
    // grows while the zip is written would hold the file up to twice.
    let io = |e: std::io::Error| XlsxProblem::Write(XlsxError::IoError(e));
    let mut file = tempfile::tempfile().map_err(io)?;
    workbook.save_to_writer(&mut file)?;
    let size = file.seek(SeekFrom::End(0)).map_err(io)?;
    file.rewind().map_err(io)?;
    let mut body = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.read_to_end(&mut body).map_err(io)?;
    Ok(body)
}

/// The workbook of [`render`], before it is saved: `save_to_writer` streams
/// it to a file or socket instead of a buffer. The rows are taken one at a
/// time and go straight to the worksheet's temporary file.
pub fn build(rows: Rows<'_>, sheet: &str) -> Result<Workbook, XlsxProblem> {
    let columns = rows.columns.len();
    if columns > MAX_COLUMNS {
        return Err(XlsxProblem::TooLarge { rows: 0, columns });
    }
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet_with_constant_memory()?;
    worksheet.set_name(sheet_name(sheet))?;
    write_sheet(worksheet, rows)?;
    Ok(workbook)
}

/// The formats of the cells, made once per workbook.
struct Formats {
    header: Format,
    integer: Format,
    date: Format,
    date_time: Format,
    quoted: Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            header: Format::new().set_bold(),
            integer: Format::new().set_num_format("0"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            date_time: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            quoted: Format::new().set_quote_prefix(),
        }
    }
}

fn write_sheet(worksheet: &mut Worksheet, mut rows: Rows<'_>) -> Result<(), XlsxProblem> {
    let formats = Formats::new();
    // In constant memory mode rows go out in order and cannot be revisited:
    // what depends on the cells (the widths) is set before the first row,
    // from the first rows; the filter's range is set once the rows are known.
    let sample: Vec<Vec<Cell>> = rows.by_ref().take(WIDTH_SAMPLE).collect();
    for (col, width) in widths(&rows.columns, &sample).into_iter().enumerate() {
        worksheet.set_column_width(col_num(col), width)?;
    }
    let columns = std::mem::take(&mut rows.columns);
    if !columns.is_empty() {
        worksheet.set_freeze_panes(1, 0)?;
    }
    for (col, column) in columns.iter().enumerate() {
        worksheet.write_string_with_format(
            0,
            col_num(col),
            limit(&column.title),
            &formats.header,
        )?;
    }
    let mut written = 0;
    for row in sample.into_iter().chain(rows) {
        written += 1;
        if written >= MAX_ROWS {
            return Err(XlsxProblem::TooLarge {
                rows: written,
                columns: columns.len(),
            });
        }
        for (col, cell) in row.iter().enumerate() {
            write_cell(worksheet, &formats, row_num(written), col_num(col), cell)?;
        }
    }
    if !columns.is_empty() {
        worksheet.autofilter(0, 0, row_num(written), col_num(columns.len() - 1))?;
    }
    Ok(())
}

fn write_cell(
    worksheet: &mut Worksheet,
    formats: &Formats,
    row: u32,
    col: u16,
    cell: &Cell,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        // Excel numbers are f64: the cast is the conversion Excel would make.
        Cell::Integer(value) => {
            worksheet.write_number_with_format(row, col, *value as f64, &formats.integer)?;
        }
        Cell::Number(value) if value.is_finite() => {
            // `-0` is 0, as in the CSV.
            let value = if *value == 0.0 { 0.0 } else { *value };
            worksheet.write_number(row, col, value)?;
        }
        // Never in a table (see `Cell::number`); blank if it were.
        Cell::Number(_) => {}
        Cell::Text(text) => {
            let text = limit(text);
            if crate::domain::table::starts_like_formula(text) {
                worksheet.write_string_with_format(row, col, text, &formats.quoted)?;
            } else {
                worksheet.write_string(row, col, text)?;
            }
        }
        Cell::Date(date) => {
            worksheet.write_datetime_with_format(row, col, *date, &formats.date)?;
        }
        Cell::DateTime(at) => {
            worksheet.write_datetime_with_format(row, col, at.naive_utc(), &formats.date_time)?;
        }
        Cell::Bool(value) => {
            worksheet.write_boolean(row, col, *value)?;
        }
    }
    Ok(())
}

/// `text` cut to [`MAX_TEXT`] UTF-16 units, on a character boundary.
fn limit(text: &str) -> &str {
    // A UTF-8 byte is at most one UTF-16 unit: short text needs no counting.
    if text.len() <= MAX_TEXT {
        return text;
    }
    let mut units = 0;
    for (at, c) in text.char_indices() {
        units += c.len_utf16();
        if units > MAX_TEXT {
            return &text[..at];
        }
    }
    text
}

/// Each column's width in characters: the longest of its title (plus room
/// for the autofilter's button) and its first [`WIDTH_SAMPLE`] cells.
fn widths(columns: &[Column], sample: &[Vec<Cell>]) -> Vec<f64> {
    columns
        .iter()
        .enumerate()
        .map(|(col, column)| {
            let header = shown_length(&column.title) + 3;
            let cells = sample
                .iter()
                .filter_map(|row| row.get(col))
                .map(cell_length)
                .max()
                .unwrap_or(0);
            (header.max(cells) as f64 + 1.0).clamp(MIN_WIDTH, MAX_WIDTH)
        })
        .collect()
}

fn cell_length(cell: &Cell) -> usize {
    match cell {
        Cell::Empty => 0,
        Cell::Integer(value) => value.to_string().len(),
        // General shows at most about 11 significant digits.
        Cell::Number(value) => value.to_string().len().min(12),
        Cell::Text(text) => shown_length(text),
        Cell::Date(_) => 10,
        Cell::DateTime(_) => 19,
        Cell::Bool(_) => 5,
    }
}

/// The characters of the longest line of `text`.
fn shown_length(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0)
}

/// A row index Excel takes; [`build`] has checked it fits.
fn row_num(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// A column index Excel takes; [`build`] has checked it fits.
fn col_num(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests;
