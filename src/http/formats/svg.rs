//! The charts of the HTML rendering ([`super::html`]) as inline SVG, drawn by
//! the service: no JavaScript, no fonts or images to fetch.
//!
//! Each chart is an `<svg role="img">` labelled by its `<title>` (the chart's
//! title) and described by its `<desc>`: the caller's description followed by
//! every figure in words ("Regio Gent: 45 %; Regio Brugge: geen gegevens."),
//! so a screen reader, a text browser and a search all get what the picture
//! shows. The section's table holds the same figures again.
//!
//! - [`Chart::Bars`]: one horizontal bar per [`Bar`], on a scale from 0 to
//!   the chart's `max` with tick labels at round steps. A bar without a value
//!   is drawn as an empty dashed frame reading "geen gegevens" (no data), never
//!   as a bar of length 0. A value below 0 or above `max` is drawn at the end
//!   of the scale it passes; its label states the value itself.
//! - [`Chart::Lines`]: one line per [`Series`] over the periods, the y-axis
//!   from 0 (or the lowest value when one is negative) to a round maximum, the
//!   target as a dashed line with square markers, the baseline as a horizontal
//!   rule. A missing value (`None`) is a gap: the line stops and starts again,
//!   and a value between two gaps is still visible as its point. When there
//!   are more periods than fit, only every n-th period is labelled.
//!
//! Numbers are written as the JSON writes them (the shortest form that reads
//! back to the same value, see [`super::csv::format_number`]), so the chart,
//! its description and the table agree. NaN and the infinities never reach
//! the SVG: such a value is treated as missing, a `max` that is not a positive
//! number becomes the largest value (or 1).
//!
//! The markup comes from askama templates (`templates/reports/*.svg`), which
//! escape every value they insert; see [`super::html`] for why askama.
//! Colours are presentation attributes (`fill`, `stroke`), not `style`
//! attributes, so the page's Content-Security-Policy needs no
//! `'unsafe-inline'` for them. Each kind of mark has its own colour (the
//! `*_COLOUR` constants), which the browser test counts in a screenshot.

use std::fmt;

use askama::Template;

use super::csv::{Dialect, format_number};
use super::html::{Bar, Chart};

mod lines;
use lines::lines_svg;

/// The fill of a bar.
pub const BAR_COLOUR: &str = "#1b7f5b";
/// The lines' colours, one per series in turn (repeated after the last).
pub const SERIES_COLOURS: [&str; 6] = [
    "#c2410c", "#1d4ed8", "#7e22ce", "#0f766e", "#a16207", "#be185d",
];
/// The target's dashed line and markers.
pub const TARGET_COLOUR: &str = "#b91c1c";
/// The baseline's rule.
pub const BASELINE_COLOUR: &str = "#52525b";

/// The words for a missing figure.
pub const NO_DATA: &str = "geen gegevens";
const TARGET: &str = "doel";
const BASELINE: &str = "basislijn";

/// The width of every chart (its `viewBox`; the page scales it down to fit).
const WIDTH: f64 = 720.0;
/// A label longer than this many characters is cut (with `…`) in the
/// picture; the whole text is in its tooltip, the description and the table.
const LABEL_CHARS: usize = 30;
const NOTE_CHARS: usize = 28;
const PERIOD_CHARS: usize = 12;

// Bars: label column, plot, room for the value and note after the bar.
const BAR_PLOT_LEFT: f64 = 230.0;
const BAR_PLOT_RIGHT: f64 = 540.0;
const BAR_TOP: f64 = 10.0;
const BAR_ROW: f64 = 30.0;
const BAR_HEIGHT: f64 = 20.0;

// Lines: y labels on the left, x labels under the plot, the legend below.
const LINE_PLOT_LEFT: f64 = 70.0;
const LINE_PLOT_RIGHT: f64 = 700.0;
const LINE_TOP: f64 = 20.0;
const LINE_PLOT_HEIGHT: f64 = 260.0;
const LINE_LEGEND_ROW: f64 = 22.0;
/// The least room a period label gets before labels are thinned.
const PERIOD_LABEL_WIDTH: f64 = 70.0;

/// A coordinate as SVG takes it: one decimal, never NaN.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Px(f64);

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if self.0.is_finite() { self.0 } else { 0.0 };
        write!(f, "{value:.1}")
    }
}

/// The chart as an `<svg>` element. `id` makes the ids of its `<title>` and
/// `<desc>` (`{id}-title`, `{id}-desc`); it must be unique in the page and is
/// the caller's, never user text.
pub fn render(chart: &Chart, id: &str) -> String {
    // Rendering only fails when a value's `Display` fails, and none of the
    // values here can.
    match chart {
        Chart::Bars {
            title,
            description,
            unit,
            max,
            bars,
        } => bars_svg(id, title, description, unit, *max, bars)
            .render()
            .unwrap_or_default(),
        Chart::Lines {
            title,
            description,
            unit,
            periods,
            series,
            target,
            baseline,
        } => lines_svg(
            id,
            title,
            description,
            unit,
            periods,
            series,
            target.as_deref(),
            *baseline,
        )
        .render()
        .unwrap_or_default(),
    }
}

/// A number as every format writes it; `None` when it is not finite.
pub fn number(value: f64) -> Option<String> {
    format_number(value, Dialect::Rfc4180)
}

/// A number with its unit: `45%`, `12 deelnemers`.
fn with_unit(value: f64, unit: &str) -> String {
    let text = number(value).unwrap_or_else(|| NO_DATA.to_owned());
    match unit.trim() {
        "" => text,
        "%" => format!("{text}%"),
        unit => format!("{text} {unit}"),
    }
}

/// A finite value, or none.
fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// The text cut to `chars` characters, with `…` when it was longer.
fn shorten(text: &str, chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= chars {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(chars.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// A round step for about `range / 5`: 1, 2, 2.5 or 5 times a power of ten.
fn nice_step(range: f64) -> f64 {
    let raw = range / 5.0;
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 2.5 {
        2.5
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// `k * step` without the binary noise of the multiplication (`0.30000000000000004`).
fn tick_value(k: f64, step: f64) -> f64 {
    let decimals = (-step.log10().floor()).clamp(0.0, 12.0) + 2.0;
    let scale = 10f64.powf(decimals);
    let value = (k * step * scale).round() / scale;
    if value == 0.0 { 0.0 } else { value }
}

struct Tick {
    at: Px,
    label: String,
}

struct BarRow {
    label: String,
    /// The whole label when the picture shows it cut.
    full: Option<String>,
    /// The top of the row's bar.
    top: Px,
    /// The middle of the row, where its texts stand.
    middle: Px,
    /// The bar's length; `None` for "no data".
    length: Option<Px>,
    value_x: Px,
    value: String,
    note: Option<String>,
}

#[derive(Template)]
#[template(path = "reports/bars.svg")]
struct BarsSvg<'a> {
    id: &'a str,
    title: &'a str,
    desc: String,
    width: Px,
    height: Px,
    top: Px,
    left: Px,
    right: Px,
    plot_width: Px,
    bar_height: Px,
    axis: Px,
    tick_labels: Px,
    ticks: Vec<Tick>,
    rows: Vec<BarRow>,
    fill: &'static str,
    no_data: &'static str,
}

fn bars_svg<'a>(
    id: &'a str,
    title: &'a str,
    description: &str,
    unit: &str,
    max: f64,
    bars: &[Bar],
) -> BarsSvg<'a> {
    let values: Vec<Option<f64>> = bars.iter().map(|bar| finite(bar.value)).collect();
    let largest = values.iter().flatten().copied().fold(0.0, f64::max);
    let max = if max.is_finite() && max > 0.0 {
        max
    } else if largest > 0.0 {
        largest
    } else {
        1.0
    };
    let plot = BAR_PLOT_RIGHT - BAR_PLOT_LEFT;
    let axis = BAR_TOP + BAR_ROW * bars.len() as f64;
    let step = nice_step(max);
    let mut ticks = Vec::new();
    let mut k = 0.0;
    while k * step <= max * (1.0 + 1e-9) && ticks.len() < 50 {
        let value = tick_value(k, step);
        ticks.push(Tick {
            at: Px(BAR_PLOT_LEFT + value.min(max) / max * plot),
            label: number(value).unwrap_or_default(),
        });
        k += 1.0;
    }
    let mut words = Vec::new();
    let rows = bars
        .iter()
        .zip(&values)
        .enumerate()
        .map(|(i, (bar, value))| {
            let top = BAR_TOP + BAR_ROW * i as f64 + (BAR_ROW - BAR_HEIGHT) / 2.0;
            let length = value.map(|v| v.clamp(0.0, max) / max * plot);
            let value_text = value.map_or_else(|| NO_DATA.to_owned(), |v| with_unit(v, unit));
            let note = bar.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
            words.push(match note {
                Some(note) => format!("{}: {value_text} ({note})", bar.label.trim()),
                None => format!("{}: {value_text}", bar.label.trim()),
            });
            let label = shorten(&bar.label, LABEL_CHARS);
            BarRow {
                full: (label != bar.label.trim()).then(|| bar.label.trim().to_owned()),
                label,
                top: Px(top),
                middle: Px(top + BAR_HEIGHT / 2.0),
                length: length.map(Px),
                value_x: Px(BAR_PLOT_LEFT + length.unwrap_or(plot) + 6.0),
                value: if value.is_some() {
                    value_text
                } else {
                    String::new()
                },
                note: note.map(|n| shorten(n, NOTE_CHARS)),
            }
        })
        .collect();
    let scale = format!("Schaal van 0 tot {}.", with_unit(max, unit));
    BarsSvg {
        id,
        title,
        desc: join_desc(description, &words, &scale),
        width: Px(WIDTH),
        height: Px(axis + 30.0),
        top: Px(BAR_TOP),
        left: Px(BAR_PLOT_LEFT),
        right: Px(BAR_PLOT_RIGHT),
        plot_width: Px(plot),
        bar_height: Px(BAR_HEIGHT),
        axis: Px(axis),
        tick_labels: Px(axis + 18.0),
        ticks,
        rows,
        fill: BAR_COLOUR,
        no_data: NO_DATA,
    }
}

/// The description, then the figures, then the scale, as sentences.
fn join_desc(description: &str, figures: &[String], scale: &str) -> String {
    let mut parts = Vec::new();
    let description = description.trim();
    if !description.is_empty() {
        parts.push(description.to_owned());
    }
    if !figures.is_empty() {
        parts.push(format!("{}.", figures.join("; ")));
    }
    parts.push(scale.to_owned());
    parts.join(" ")
}

#[cfg(test)]
mod tests;
