//! A row of a measurement file as read: its cells typed, each problem of a
//! cell named by its column.

use uuid::Uuid;

use crate::domain::records::{Cell, Columns, Record, RowIssue};
use crate::domain::results::PlaceType;

/// The columns of a measurement file: those of the measurements' CSV export.
/// `placeName` is read and left alone (the place's code names it).
pub const COLUMNS: Columns = &[
    "id",
    "indicatorId",
    "indicatorCode",
    "period",
    "placeType",
    "placeCode",
    "placeName",
    "value",
    "numerator",
    "denominator",
    "text",
    "note",
    "externalId",
    "version",
];

pub(super) const ID: usize = 0;
pub(super) const INDICATOR_ID: usize = 1;
pub(super) const INDICATOR_CODE: usize = 2;
pub(super) const PERIOD: usize = 3;
pub(super) const PLACE_TYPE: usize = 4;
pub(super) const PLACE_CODE: usize = 5;
pub(super) const VALUE: usize = 7;
pub(super) const NUMERATOR: usize = 8;
pub(super) const DENOMINATOR: usize = 9;
pub(super) const TEXT: usize = 10;
pub(super) const NOTE: usize = 11;
pub(super) const EXTERNAL_ID: usize = 12;
pub(super) const VERSION: usize = 13;

/// A cell as a row sends it: left out, emptied, or a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Field<T> {
    Absent,
    Empty,
    Value(T),
}

impl<T: Clone> Field<T> {
    /// The value this field leaves when the current one is `current`.
    pub(super) fn over(&self, current: Option<T>) -> Option<T> {
        match self {
            Field::Absent => current,
            Field::Empty => None,
            Field::Value(v) => Some(v.clone()),
        }
    }

    pub(super) fn sent(&self) -> Option<T> {
        self.over(None)
    }
}

/// A row as read, its cells typed.
#[derive(Debug)]
pub struct Sent {
    pub id: Option<Uuid>,
    pub indicator_id: Option<Uuid>,
    pub indicator_code: Option<String>,
    pub(super) period: Option<String>,
    pub(super) place_type: Option<PlaceType>,
    pub(super) place_code: Option<String>,
    pub(super) value: Field<f64>,
    pub(super) numerator: Field<f64>,
    pub(super) denominator: Field<f64>,
    pub(super) text: Field<String>,
    pub(super) note: Field<String>,
    pub(super) external_id: Field<String>,
    pub(super) version: Option<i32>,
}

pub(super) fn issue(column: usize, code: &'static str, message: impl Into<String>) -> RowIssue {
    RowIssue::new(Some(COLUMNS[column]), code, message)
}

fn text_field(cell: &Cell) -> Field<String> {
    match cell {
        Cell::Absent => Field::Absent,
        Cell::Empty => Field::Empty,
        Cell::Text(t) => Field::Value(t.clone()),
    }
}

/// A number as people write it: `3.5`, or with a decimal comma, `3,5`.
fn number(column: usize, cell: &Cell, issues: &mut Vec<RowIssue>) -> Field<f64> {
    match cell {
        Cell::Absent => Field::Absent,
        Cell::Empty => Field::Empty,
        Cell::Text(t) => {
            let t = t.trim();
            let read = if t.matches(',').count() == 1 && !t.contains('.') {
                t.replace(',', ".").parse::<f64>()
            } else {
                t.parse::<f64>()
            };
            match read {
                Ok(x) if x.is_finite() => Field::Value(x),
                _ => {
                    issues.push(
                        issue(column, "notANumber", "is not a number (write 3.5 or 3,5)")
                            .with_value(t),
                    );
                    Field::Empty
                }
            }
        }
    }
}

fn uuid(column: usize, cell: &Cell, issues: &mut Vec<RowIssue>) -> Option<Uuid> {
    let text = cell.text()?.trim();
    match Uuid::parse_str(text) {
        Ok(id) => Some(id),
        Err(_) => {
            issues.push(issue(column, "invalid", "is not a UUID").with_value(text));
            None
        }
    }
}

/// Reads a record's cells; the issues of the record and of its cells.
pub fn read(record: &Record) -> Result<Sent, Vec<RowIssue>> {
    let mut issues = record.issues.clone();
    let c = &record.cells;
    let place_type = c[PLACE_TYPE].text().and_then(|t| match t.trim().parse() {
        Ok(kind) => Some(kind),
        Err(_) => {
            issues.push(
                issue(
                    PLACE_TYPE,
                    "invalid",
                    "must be flanders, region or municipality",
                )
                .with_value(t),
            );
            None
        }
    });
    let version = c[VERSION]
        .text()
        .and_then(|t| match t.trim().parse::<i32>() {
            Ok(v) if v >= 1 => Some(v),
            _ => {
                issues.push(
                    issue(VERSION, "invalid", "must be a version number (1 or more)").with_value(t),
                );
                None
            }
        });
    let sent = Sent {
        id: uuid(ID, &c[ID], &mut issues),
        indicator_id: uuid(INDICATOR_ID, &c[INDICATOR_ID], &mut issues),
        indicator_code: c[INDICATOR_CODE].text().map(|t| t.trim().to_owned()),
        period: c[PERIOD].text().map(|t| t.trim().to_owned()),
        place_type,
        place_code: c[PLACE_CODE].text().map(|t| t.trim().to_owned()),
        value: number(VALUE, &c[VALUE], &mut issues),
        numerator: number(NUMERATOR, &c[NUMERATOR], &mut issues),
        denominator: number(DENOMINATOR, &c[DENOMINATOR], &mut issues),
        text: text_field(&c[TEXT]),
        note: text_field(&c[NOTE]),
        external_id: text_field(&c[EXTERNAL_ID]),
        version,
    };
    if issues.is_empty() {
        Ok(sent)
    } else {
        Err(issues)
    }
}
