//! A report as a self-contained, printable HTML page: a header with the
//! report's title and facts (when it was generated, the latest change it
//! includes, its parameters), then one section per part of the report, each
//! with an optional chart (inline SVG, [`super::svg`]) and its figures as an
//! HTML table.
//!
//! Self-contained: the CSS is inline (with an `@media print` part for A4),
//! and nothing else is loaded: no JavaScript, no CDN, no web font (the
//! system's sans-serif), no image besides the inline SVG. A steering member
//! opens the link, prints it or saves it, and it stays whole.
//!
//! Escaping: the markup comes from askama templates
//! (`templates/reports/page.html`, `bars.svg`, `lines.svg`), and askama
//! escapes every value a template inserts (`<`, `>`, `&`, `"`, `'`), in text
//! and in attributes alike, because the templates' extensions are HTML and
//! SVG. Only two insertions are marked `safe`: the constant style sheet and a
//! chart's SVG, which is itself the output of an escaping template. askama
//! rather than writing the markup by hand with an escaping crate: with a
//! template escaping is the default and skipping it has to be written out
//! (`|safe`), so a field added later is escaped without anyone thinking of
//! it; the templates are checked and compiled into the binary at build time
//! (nothing is read at run time), and the markup reads as markup.
//!
//! Tables: one per section, from its [`Table`]: a `<caption>`, the columns'
//! titles as `<th scope="col">`, the first cell of each row as
//! `<th scope="row">`. Numbers are written as the JSON and the CSV write them
//! (the shortest form that reads back to the same value, a decimal point, no
//! thousands separators) and right-aligned; dates ISO 8601 (`2023-05-01`),
//! date-times RFC 3339 in UTC; booleans `ja` / `nee`; an empty cell stays
//! empty. So every format of a report holds the same numbers.
//!
//! Served with [`CONTENT_SECURITY_POLICY`], which allows no script at all and
//! only the page's own style sheet, by its hash: no `'unsafe-inline'`, no
//! nonce to generate per response (the style sheet is a constant), and no
//! `style` attribute anywhere (the charts use SVG presentation attributes,
//! which CSP does not govern). The page repeats the policy in a `<meta>`
//! element (without `frame-ancestors`, which a `<meta>` cannot carry), so a
//! saved copy opened from disk is held to it too.

use askama::Template;
use chrono::SecondsFormat;

use super::svg;
use crate::domain::table::{Cell, CellKind, Table};

/// The media type of the page.
pub const CONTENT_TYPE: &str = "text/html; charset=utf-8";

/// The page's style sheet, inserted as the whole content of its `<style>`
/// element: the `sha256` in [`CONTENT_SECURITY_POLICY`] is of these bytes.
pub const STYLE: &str = include_str!("../../../templates/reports/page.css");

/// The CSP source of [`STYLE`]: `'sha256-` base64(SHA-256(STYLE)) `'`. A unit
/// test recomputes it, so a change to the style sheet that forgets it fails.
macro_rules! style_source {
    () => {
        "'sha256-yVbhvath5Smb4RhckF2eEiAX16LDnqKwOAnfeOeIj7E='"
    };
}

/// The policy as the page's `<meta>` element carries it.
pub const META_CONTENT_SECURITY_POLICY: &str = concat!(
    "default-src 'none'; style-src ",
    style_source!(),
    "; base-uri 'none'; form-action 'none'"
);

/// The `Content-Security-Policy` header to serve the page with: nothing may
/// load or run (`default-src 'none'`, so no script, font, image, frame or
/// connection) but the page's own style sheet; no `<base>`, no form target,
/// and no other site may frame it.
pub const CONTENT_SECURITY_POLICY: &str = concat!(
    "default-src 'none'; style-src ",
    style_source!(),
    "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
);

/// A report's page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub title: String,
    pub subtitle: Option<String>,
    /// Name and value, in order: e.g. ("Generated", "2026-12-01 10:00 UTC"),
    /// ("Latest change included", …), the report's parameters.
    pub facts: Vec<(String, String)>,
    pub sections: Vec<Section>,
}

/// One part of a report: a heading, an optional introduction and chart, and
/// its figures as a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: String,
    pub intro: Option<String>,
    pub chart: Option<Chart>,
    pub table: Table,
}

/// What a section's chart shows. `title` is the chart's accessible name,
/// `description` the sentence its `<desc>` starts with (the figures follow in
/// words), `unit` what its values count (`%`, `deelnemers`; may be empty).
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Horizontal bars, e.g. progress (0–100 %) per challenge or per region.
    Bars {
        title: String,
        description: String,
        unit: String,
        max: f64,
        bars: Vec<Bar>,
    },
    /// Values over periods, e.g. an indicator against its target: one line per series, the target as a
    /// dashed line or marker, the baseline as a horizontal rule; gaps (None) are gaps, not zeros.
    Lines {
        title: String,
        description: String,
        unit: String,
        periods: Vec<String>,
        series: Vec<Series>,
        target: Option<Vec<Option<f64>>>,
        baseline: Option<f64>,
    },
}

/// One bar. A `value` of `None` is "no data", drawn as such, never as 0.
/// `note` is a short remark shown after the value (e.g. "4 van 6 regio's").
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub note: Option<String>,
}

/// One line of a [`Chart::Lines`]: a value per period, in the order of the
/// chart's `periods` (missing values at the end count as `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// The whole page: `<!DOCTYPE html>` to `</html>`.
pub fn render(page: &Page) -> String {
    let view = PageHtml {
        page,
        style: STYLE,
        policy: META_CONTENT_SECURITY_POLICY,
        sections: page
            .sections
            .iter()
            .enumerate()
            .map(|(i, section)| SectionView::of(section, i + 1))
            .collect(),
    };
    // Rendering only fails when a value's `Display` fails; none here can.
    view.render().unwrap_or_default()
}

/// A cell as the table shows it.
pub fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Integer(value) => value.to_string(),
        Cell::Number(value) => svg::number(*value).unwrap_or_default(),
        Cell::Text(text) => text.clone(),
        Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
        Cell::DateTime(at) => at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        Cell::Bool(value) => if *value { "ja" } else { "nee" }.to_owned(),
    }
}

#[derive(Template)]
#[template(path = "reports/page.html")]
struct PageHtml<'a> {
    page: &'a Page,
    style: &'static str,
    policy: &'static str,
    sections: Vec<SectionView<'a>>,
}

struct ColumnView<'a> {
    title: &'a str,
    class: &'static str,
}

struct CellView {
    text: String,
    class: &'static str,
}

struct SectionView<'a> {
    id: String,
    heading: &'a str,
    intro: Option<&'a str>,
    chart: Option<String>,
    columns: Vec<ColumnView<'a>>,
    rows: Vec<Vec<CellView>>,
    no_data: &'static str,
}

/// The class of a column's cells: numbers are right-aligned.
fn class_of(kind: CellKind) -> &'static str {
    match kind {
        CellKind::Integer | CellKind::Number => "num",
        CellKind::Date | CellKind::DateTime => "date",
        CellKind::Text | CellKind::Bool => "text",
    }
}

impl<'a> SectionView<'a> {
    fn of(section: &'a Section, number: usize) -> Self {
        let id = format!("section-{number}");
        let chart = section
            .chart
            .as_ref()
            .map(|chart| svg::render(chart, &format!("chart-{number}")));
        let columns: Vec<ColumnView<'a>> = section
            .table
            .columns
            .iter()
            .map(|column| ColumnView {
                title: &column.title,
                class: class_of(column.kind),
            })
            .collect();
        let rows = section
            .table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&columns)
                    .map(|(cell, column)| CellView {
                        text: cell_text(cell),
                        class: column.class,
                    })
                    .collect()
            })
            .collect();
        SectionView {
            id,
            heading: &section.heading,
            intro: section.intro.as_deref().filter(|i| !i.trim().is_empty()),
            chart,
            columns,
            rows,
            no_data: svg::NO_DATA,
        }
    }
}

#[cfg(test)]
mod tests;
