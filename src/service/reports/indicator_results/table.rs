//! The indicator results as one result set: a row per indicator, period and place.

use super::{IndicatorResult, IndicatorResultsReport, ResultRow};
use crate::domain::combine::{FigureJson, Reading};
use crate::domain::table::{Cell, CellKind, Column, Rows, Table};
use crate::service::reports::Tabular;

fn count(value: usize) -> Cell {
    Cell::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}

impl Tabular for IndicatorResultsReport {
    fn about(&self) -> &crate::service::reports::About {
        &self.about
    }

    fn name(&self) -> &'static str {
        "indicatorResults"
    }

    fn table(&self) -> Table {
        self.rows().collect_table()
    }

    fn rows(&self) -> Rows<'_> {
        Rows::new(columns(), self.indicators.iter().flat_map(rows_of))
    }
}

/// The rows of one indicator's results.
pub fn rows_of(indicator: &IndicatorResult) -> impl Iterator<Item = Vec<Cell>> + '_ {
    indicator.rows.iter().map(move |r| row(indicator, r))
}

/// The columns of the report's rows.
pub fn columns() -> Vec<Column> {
    use CellKind::*;
    vec![
        Column::new("indicator", "Indicator", Text),
        Column::new("name", "Name", Text),
        Column::new("unit", "Unit", Text),
        Column::new("period", "Period", Text),
        Column::new("periodStart", "Period start", Date),
        Column::new("periodEnd", "Period end", Date),
        Column::new("placeType", "Place type", Text),
        Column::new("placeCode", "Place code", Text),
        Column::new("placeName", "Place", Text),
        Column::new("value", "Value", Number),
        Column::new("text", "Text", Text),
        Column::new("numerator", "Numerator", Number),
        Column::new("denominator", "Denominator", Number),
        Column::new("values", "Values", Integer),
        Column::new("places", "Places", Integer),
        Column::new("carriedFrom", "Carried from", Text),
        Column::new("baseline", "Baseline", Number),
        Column::new("target", "Target", Number),
        Column::new("progress", "Progress towards target", Number),
        Column::new("expectedPlaces", "Expected places", Integer),
        Column::new("reportedPlaces", "Reported places", Integer),
    ]
}

/// One figure as a row of [`columns`].
fn row(indicator: &IndicatorResult, r: &ResultRow) -> Vec<Cell> {
    let f = FigureJson::from(r.figure.clone());
    let (value, reading) = match &f.value {
        Some(Reading::Number(n)) => (Some(*n), Cell::Empty),
        Some(Reading::Text(t)) => (None, Cell::text(t)),
        None => (None, Cell::Empty),
    };
    vec![
        Cell::text(&indicator.code),
        Cell::text(&indicator.name),
        indicator.unit.as_deref().map_or(Cell::Empty, Cell::text),
        Cell::text(&r.period),
        Cell::Date(r.period_start),
        Cell::Date(r.period_end),
        Cell::text(r.place_type.as_str()),
        Cell::text(&r.place_code),
        Cell::text(&r.place_name),
        Cell::maybe(value),
        reading,
        Cell::maybe(f.numerator),
        Cell::maybe(f.denominator),
        count(f.values),
        count(f.places),
        f.carried_from.as_deref().map_or(Cell::Empty, Cell::text),
        Cell::maybe(indicator.baseline.as_ref().map(|b| b.value)),
        Cell::maybe(r.target.as_ref().map(|t| t.value)),
        Cell::maybe(r.progress),
        r.coverage.map_or(Cell::Empty, |c| count(c.expected)),
        r.coverage.map_or(Cell::Empty, |c| count(c.reported)),
    ]
}
