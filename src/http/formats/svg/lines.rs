//! [`Chart::Lines`](super::Chart::Lines): values over periods (see the parent
//! module's documentation).

use std::fmt::Write as _;

use askama::Template;

use super::{
    BASELINE, BASELINE_COLOUR, LINE_LEGEND_ROW, LINE_PLOT_HEIGHT, LINE_PLOT_LEFT, LINE_PLOT_RIGHT,
    LINE_TOP, NO_DATA, PERIOD_CHARS, PERIOD_LABEL_WIDTH, Px, SERIES_COLOURS, TARGET, TARGET_COLOUR,
    Tick, WIDTH, finite, join_desc, nice_step, number, shorten, tick_value, with_unit,
};
use crate::http::formats::html::Series;

/// A point of a line.
pub(super) struct Point {
    x: Px,
    y: Px,
}

/// One line: its path (gaps restart it with a new `M`) and its points.
pub(super) struct Line {
    colour: &'static str,
    path: String,
    points: Vec<Point>,
}

pub(super) struct Rule {
    y: Px,
    label: String,
}

pub(super) struct LegendItem {
    y: Px,
    colour: &'static str,
    dashed: bool,
    name: String,
}

#[derive(Template)]
#[template(path = "reports/lines.svg")]
pub(super) struct LinesSvg<'a> {
    id: &'a str,
    title: &'a str,
    desc: String,
    width: Px,
    height: Px,
    left: Px,
    right: Px,
    top: Px,
    bottom: Px,
    tick_end: Px,
    y_labels: Px,
    x_labels: Px,
    legend_line_end: Px,
    legend_text: Px,
    y_ticks: Vec<Tick>,
    x_ticks: Vec<Tick>,
    baseline: Option<Rule>,
    baseline_colour: &'static str,
    target: Option<Line>,
    lines: Vec<Line>,
    legend: Vec<LegendItem>,
}

/// The y-axis: from 0 (or below it, to the lowest value) to a round maximum.
struct Scale {
    low: f64,
    high: f64,
    step: f64,
}

impl Scale {
    fn of(values: impl Iterator<Item = f64>) -> Self {
        let (mut low, mut high) = (0.0f64, 0.0f64);
        for value in values {
            low = low.min(value);
            high = high.max(value);
        }
        if high <= low {
            high = low + 1.0;
        }
        let step = nice_step(high - low);
        let low = (low / step).floor() * step;
        let high = (high / step).ceil() * step;
        Scale { low, high, step }
    }

    fn y(&self, value: f64) -> f64 {
        LINE_TOP + LINE_PLOT_HEIGHT - (value - self.low) / (self.high - self.low) * LINE_PLOT_HEIGHT
    }

    fn ticks(&self) -> Vec<Tick> {
        let first = (self.low / self.step).round();
        let last = (self.high / self.step).round();
        let mut ticks = Vec::new();
        let mut k = first;
        while k <= last && ticks.len() < 50 {
            let value = tick_value(k, self.step);
            ticks.push(Tick {
                at: Px(self.y(value)),
                label: number(value).unwrap_or_default(),
            });
            k += 1.0;
        }
        ticks
    }
}

/// The x of the middle of period `i` of `n`.
fn period_x(i: usize, n: usize) -> f64 {
    let band = (LINE_PLOT_RIGHT - LINE_PLOT_LEFT) / n.max(1) as f64;
    LINE_PLOT_LEFT + band * (i as f64 + 0.5)
}

/// The value of each period, missing or not finite as `None`.
fn values_of(values: &[Option<f64>], periods: usize) -> Vec<Option<f64>> {
    (0..periods)
        .map(|i| finite(values.get(i).copied().flatten()))
        .collect()
}

fn line(values: &[Option<f64>], scale: &Scale, colour: &'static str) -> Line {
    let mut path = String::new();
    let mut points = Vec::new();
    let mut drawing = false;
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(value) => {
                let point = Point {
                    x: Px(period_x(i, values.len())),
                    y: Px(scale.y(*value)),
                };
                let command = if drawing { 'L' } else { 'M' };
                let space = if path.is_empty() { "" } else { " " };
                // Writing to a String cannot fail.
                let _ = write!(path, "{space}{command}{} {}", point.x, point.y);
                points.push(point);
                drawing = true;
            }
            None => drawing = false,
        }
    }
    Line {
        colour,
        path,
        points,
    }
}

/// "name: 2023 12, 2024 geen gegevens" for the description.
fn in_words(name: &str, periods: &[String], values: &[Option<f64>], unit: &str) -> String {
    let figures: Vec<String> = periods
        .iter()
        .zip(values)
        .map(|(period, value)| match value {
            Some(value) => format!("{} {}", period.trim(), with_unit(*value, unit)),
            None => format!("{} {NO_DATA}", period.trim()),
        })
        .collect();
    format!("{}: {}", name.trim(), figures.join(", "))
}

#[allow(
    clippy::too_many_arguments,
    reason = "the fields of Chart::Lines, one by one"
)]
pub(super) fn lines_svg<'a>(
    id: &'a str,
    title: &'a str,
    description: &str,
    unit: &str,
    periods: &[String],
    series: &[Series],
    target: Option<&[Option<f64>]>,
    baseline: Option<f64>,
) -> LinesSvg<'a> {
    let n = periods.len();
    let series_values: Vec<Vec<Option<f64>>> =
        series.iter().map(|s| values_of(&s.values, n)).collect();
    let target_values = target.map(|t| values_of(t, n));
    let baseline = finite(baseline);
    let scale = Scale::of(
        series_values
            .iter()
            .chain(target_values.iter())
            .flatten()
            .flatten()
            .copied()
            .chain(baseline),
    );

    let mut words: Vec<String> = series
        .iter()
        .zip(&series_values)
        .map(|(s, values)| in_words(&s.name, periods, values, unit))
        .collect();
    if let Some(values) = &target_values {
        let set: Vec<String> = periods
            .iter()
            .zip(values)
            .filter_map(|(period, value)| {
                value.map(|v| format!("{} {}", period.trim(), with_unit(v, unit)))
            })
            .collect();
        if !set.is_empty() {
            words.push(format!("{TARGET}: {}", set.join(", ")));
        }
    }
    if let Some(value) = baseline {
        words.push(format!("{BASELINE}: {}", with_unit(value, unit)));
    }

    let lines: Vec<Line> = series_values
        .iter()
        .enumerate()
        .map(|(i, values)| line(values, &scale, SERIES_COLOURS[i % SERIES_COLOURS.len()]))
        .collect();
    let target = target_values
        .as_ref()
        .map(|values| line(values, &scale, TARGET_COLOUR))
        .filter(|line| !line.points.is_empty());

    // Thin the period labels so that each has room: every `every`-th one.
    let room = ((LINE_PLOT_RIGHT - LINE_PLOT_LEFT) / PERIOD_LABEL_WIDTH).floor() as usize;
    let every = n.div_ceil(room.max(1)).max(1);
    let x_ticks = periods
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, period)| Tick {
            at: Px(period_x(i, n)),
            label: shorten(period, PERIOD_CHARS),
        })
        .collect();

    let bottom = LINE_TOP + LINE_PLOT_HEIGHT;
    let legend_top = bottom + 50.0;
    let legend: Vec<LegendItem> = series
        .iter()
        .zip(&lines)
        .map(|(s, line)| (line.colour, false, shorten(&s.name, 60)))
        .chain(
            target
                .as_ref()
                .map(|_| (TARGET_COLOUR, true, TARGET.to_owned())),
        )
        .chain(baseline.map(|_| (BASELINE_COLOUR, false, BASELINE.to_owned())))
        .enumerate()
        .map(|(i, (colour, dashed, name))| LegendItem {
            y: Px(legend_top + LINE_LEGEND_ROW * i as f64),
            colour,
            dashed,
            name,
        })
        .collect();
    let height = legend_top + LINE_LEGEND_ROW * legend.len() as f64;

    let scale_words = format!(
        "Schaal van {} tot {}.",
        number(scale.low).unwrap_or_default(),
        with_unit(scale.high, unit)
    );
    LinesSvg {
        id,
        title,
        desc: join_desc(description, &words, &scale_words),
        width: Px(WIDTH),
        height: Px(height),
        left: Px(LINE_PLOT_LEFT),
        right: Px(LINE_PLOT_RIGHT),
        top: Px(LINE_TOP),
        bottom: Px(bottom),
        tick_end: Px(bottom + 5.0),
        y_labels: Px(LINE_PLOT_LEFT - 8.0),
        x_labels: Px(bottom + 20.0),
        legend_line_end: Px(LINE_PLOT_LEFT + 30.0),
        legend_text: Px(LINE_PLOT_LEFT + 38.0),
        y_ticks: scale.ticks(),
        x_ticks,
        baseline: baseline.map(|value| Rule {
            y: Px(scale.y(value)),
            label: format!("{BASELINE} {}", with_unit(value, unit)),
        }),
        baseline_colour: BASELINE_COLOUR,
        target,
        lines,
        legend,
    }
}
