//! One result set, the shape every report and list renders from: JSON, CSV,
//! XLSX and HTML all read the same [`Table`], so the four formats hold the
//! same columns and the same numbers.
//!
//! Numbers are numbers, never text: a renderer decides how a number looks
//! (decimal point or comma), the table only holds its value. A [`Cell::Number`]
//! is always finite: [`Cell::number`] and `From<f64>` turn NaN and the
//! infinities into [`Cell::Empty`], so no renderer ever has to write them.

use chrono::{DateTime, NaiveDate, Utc};

/// A result set: named, typed columns and rows of cells, one cell per column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// One column of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The lowerCamelCase key, as in the JSON of the same resource; the CSV
    /// header, and the column name an import reads back.
    pub name: String,
    /// A header a person reads (XLSX, HTML).
    pub title: String,
    /// What the column's cells hold (besides [`Cell::Empty`]).
    pub kind: CellKind,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellKind {
    Integer,
    Number,
    Text,
    Date,
    DateTime,
    Bool,
}

/// One value of a [`Table`]. `Empty` is "no value" (not 0, not "").
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Integer(i64),
    /// Always finite (see the module documentation).
    Number(f64),
    Text(String),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    Bool(bool),
}

impl Column {
    pub fn new(name: impl Into<String>, title: impl Into<String>, kind: CellKind) -> Self {
        Self {
            name: name.into(),
            title: title.into(),
            kind,
        }
    }
}

impl Cell {
    /// A number cell; NaN and the infinities become [`Cell::Empty`].
    pub fn number(value: f64) -> Self {
        if value.is_finite() {
            Cell::Number(value)
        } else {
            Cell::Empty
        }
    }

    /// A number cell, or [`Cell::Empty`] for no value.
    pub fn maybe(value: Option<f64>) -> Self {
        value.map_or(Cell::Empty, Cell::number)
    }

    /// A text cell.
    pub fn text(value: &str) -> Self {
        Cell::Text(value.to_owned())
    }

    /// The kind of the value, `None` for [`Cell::Empty`].
    pub fn kind(&self) -> Option<CellKind> {
        match self {
            Cell::Empty => None,
            Cell::Integer(_) => Some(CellKind::Integer),
            Cell::Number(_) => Some(CellKind::Number),
            Cell::Text(_) => Some(CellKind::Text),
            Cell::Date(_) => Some(CellKind::Date),
            Cell::DateTime(_) => Some(CellKind::DateTime),
            Cell::Bool(_) => Some(CellKind::Bool),
        }
    }
}

impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Cell::Integer(value)
    }
}

impl From<i32> for Cell {
    fn from(value: i32) -> Self {
        Cell::Integer(value.into())
    }
}

impl From<f64> for Cell {
    fn from(value: f64) -> Self {
        Cell::number(value)
    }
}

impl From<String> for Cell {
    fn from(value: String) -> Self {
        Cell::Text(value)
    }
}

impl From<&str> for Cell {
    fn from(value: &str) -> Self {
        Cell::Text(value.to_owned())
    }
}

impl From<NaiveDate> for Cell {
    fn from(value: NaiveDate) -> Self {
        Cell::Date(value)
    }
}

impl From<DateTime<Utc>> for Cell {
    fn from(value: DateTime<Utc>) -> Self {
        Cell::DateTime(value)
    }
}

impl From<bool> for Cell {
    fn from(value: bool) -> Self {
        Cell::Bool(value)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Empty, Into::into)
    }
}

/// A row does not have one cell per column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a row has {got} cells for {expected} columns")]
pub struct RowWidth {
    pub expected: usize,
    pub got: usize,
}

/// A cell's kind is not its column's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column `{column}` holds {expected:?}, not {got:?}")]
pub struct CellMismatch {
    pub column: String,
    pub expected: CellKind,
    pub got: CellKind,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Self {
        Self {
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds a row, refusing one whose width is not the number of columns.
    pub fn push(&mut self, row: Vec<Cell>) -> Result<(), RowWidth> {
        if row.len() != self.columns.len() {
            return Err(RowWidth {
                expected: self.columns.len(),
                got: row.len(),
            });
        }
        self.rows.push(row);
        Ok(())
    }

    /// Whether every row has one cell per column and every cell the kind of
    /// its column (or is empty). A report's tests call this on what it builds.
    pub fn check(&self) -> Result<(), TableProblem> {
        for row in &self.rows {
            if row.len() != self.columns.len() {
                return Err(TableProblem::Width(RowWidth {
                    expected: self.columns.len(),
                    got: row.len(),
                }));
            }
            for (column, cell) in self.columns.iter().zip(row) {
                match cell.kind() {
                    Some(kind) if kind != column.kind => {
                        return Err(TableProblem::Kind(CellMismatch {
                            column: column.name.clone(),
                            expected: column.kind,
                            got: kind,
                        }));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

/// A result set read a row at a time: what the CSV and XLSX renderers take,
/// so that a large report is written out without first being copied into a
/// [`Table`] of cells.
pub struct Rows<'a> {
    pub columns: Vec<Column>,
    rows: Box<dyn Iterator<Item = Vec<Cell>> + Send + 'a>,
}

impl<'a> Rows<'a> {
    /// The rows `rows` makes, each with one cell per column.
    pub fn new(columns: Vec<Column>, rows: impl Iterator<Item = Vec<Cell>> + Send + 'a) -> Self {
        Self {
            columns,
            rows: Box::new(rows),
        }
    }

    /// Every row, collected into a table.
    pub fn collect_table(self) -> Table {
        Table {
            columns: self.columns,
            rows: self.rows.collect(),
        }
    }
}

impl Iterator for Rows<'_> {
    type Item = Vec<Cell>;

    fn next(&mut self) -> Option<Vec<Cell>> {
        self.rows.next()
    }
}

impl From<Table> for Rows<'static> {
    fn from(table: Table) -> Self {
        Rows::new(table.columns, table.rows.into_iter())
    }
}

impl<'a> From<&'a Table> for Rows<'a> {
    fn from(table: &'a Table) -> Self {
        Rows::new(table.columns.clone(), table.rows.iter().cloned())
    }
}

/// What [`Table::check`] finds wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableProblem {
    #[error(transparent)]
    Width(RowWidth),
    #[error(transparent)]
    Kind(CellMismatch),
}

/// Whether a spreadsheet would take this text for a formula (OWASP CSV
/// injection): it begins with `=`, `+`, `-`, `@`, tab or CR.
pub fn starts_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Undoes the CSV-injection neutralisation on a text field an import reads:
/// a leading `'` in front of `=`, `+`, `-`, `@`, tab or CR is dropped.
pub fn restore_text(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest) => rest,
        _ => field,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_numbers_are_empty() {
        assert_eq!(Cell::number(f64::NAN), Cell::Empty);
        assert_eq!(Cell::from(f64::INFINITY), Cell::Empty);
        assert_eq!(Cell::from(f64::NEG_INFINITY), Cell::Empty);
        assert_eq!(Cell::from(-3.5), Cell::Number(-3.5));
        assert_eq!(Cell::from(None::<i64>), Cell::Empty);
        assert_eq!(Cell::from(Some("x")), Cell::Text("x".into()));
    }

    #[test]
    fn rows_have_one_cell_per_column_of_its_kind() {
        let mut table = Table::new(vec![
            Column::new("code", "Code", CellKind::Text),
            Column::new("value", "Waarde", CellKind::Number),
        ]);
        assert_eq!(
            table.push(vec![Cell::from("a")]),
            Err(RowWidth {
                expected: 2,
                got: 1
            })
        );
        assert!(table.push(vec!["a".into(), Cell::Empty]).is_ok());
        assert!(table.check().is_ok());
        table.rows.push(vec!["b".into(), 3.into()]);
        assert_eq!(
            table.check(),
            Err(TableProblem::Kind(CellMismatch {
                column: "value".into(),
                expected: CellKind::Number,
                got: CellKind::Integer,
            }))
        );
    }
}
