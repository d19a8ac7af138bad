//! The arithmetic of indicator results: how stored measurements become the
//! figures of a report. Pure code; every figure says what it is made of.
//!
//! # Over time — the values of one place for a longer target period
//! The target is a range of days, both included (a year, a quarter, a month,
//! or any range). Each observation covers one calendar period.
//! - `sum` adds the observations whose period lies wholly within the target
//!   (a flow: people reached). A percentage adds numerators and denominators
//!   apart and divides once at the end. An observation only partly inside the
//!   target is left out: how a flow spread over its days is unknown. `days`
//!   says how many days of the target the added periods cover, so a year made
//!   of three quarters shows as incomplete.
//! - `last` takes the latest observation (by period end) whose period ends on
//!   or before the target's end — even one from before the target: a snapshot
//!   (staff in post, active partnerships) stays true until it is replaced. The
//!   figure then names that period in `carriedFrom`.
//! - `lastInPeriod` takes the latest observation whose period lies wholly
//!   within the target; none when there is none.
//! - `average` is weighted by days: Σ(value × days the observation shares with
//!   the target) / Σ(those days), over the observations that overlap the
//!   target. Quarters of unequal length weigh differently (2023Q1 has 90
//!   days, 2023Q3 92, 2024Q1 91). Numbers only.
//!
//! Text takes only `last` and `lastInPeriod`; a percentage is never averaged;
//! a cumulative indicator (running totals) takes only `last` and
//! `lastInPeriod`. A combination `Rules::problems` refuses gives no figure, as
//! does a series mixing kinds of values. The series is one place's current
//! values, at most one per period.
//!
//! # Over places — the figures of several places for a larger place
//! - `sum` adds the figures (a percentage: numerators and denominators apart,
//!   never an average of percentages: 30/40 and 10/60 make 40/100 = 40 %).
//! - `average` is the plain mean of the places that reported (numbers only).
//!   It weighs each figure given equally: to average Flanders over its
//!   municipalities, pass the municipalities' figures, not regional means.
//! - `none`: the places' figures do not combine; no combined figure.
//!
//! `places` counts the places a figure is made of and `values` the
//! observations; `carriedFrom` is the earliest period any part was carried
//! from.
//!
//! # Missing is not zero
//! No observation gives no figure (`None`), never 0; a place that did not
//! report is left out of a sum or a mean, not counted as 0, and the report
//! says how many of the expected places reported ([`coverage`]).
//!
//! # Progress towards a target
//! (actual − baseline) / (target − baseline), see [`progress_towards`].

mod periods;

use serde::Serialize;
use utoipa::ToSchema;

use chrono::NaiveDate;

pub use periods::{containing, day_of, day_start, overlap_days, periods_over};

use super::results::{Period, PlaceAggregation, TimeAggregation};

/// One stored value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A count or an amount.
    Number(f64),
    /// A percentage's parts.
    Fraction { numerator: f64, denominator: f64 },
    /// A qualitative value.
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Fraction,
    Text,
}

impl Value {
    fn kind(&self) -> Kind {
        match self {
            Value::Number(_) => Kind::Number,
            Value::Fraction { .. } => Kind::Fraction,
            Value::Text(_) => Kind::Text,
        }
    }
}

/// One place's value for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub period: Period,
    pub value: Value,
}

/// A report figure and what it is made of.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(into = "FigureJson")]
pub struct Figure {
    pub value: Value,
    /// How many observations it is made of.
    pub values: usize,
    /// How many places it is made of.
    pub places: usize,
    /// The rule that combined values over time, if any did.
    pub time: Option<TimeAggregation>,
    /// The rule that combined places, if any did.
    pub place: Option<PlaceAggregation>,
    /// The earliest period a value was carried forward from by `last`.
    pub carried_from: Option<Period>,
    /// For `sum` and `average` over time: the days of the target covered.
    pub days: Option<i64>,
}

impl Figure {
    /// One observation as a figure for its own period.
    pub fn observed(observation: &Observation) -> Self {
        Self {
            value: observation.value.clone(),
            values: 1,
            places: 1,
            time: None,
            place: None,
            carried_from: None,
            days: None,
        }
    }

    /// The number to show and compare with a target: a count or an amount,
    /// or a percentage's 100·n/d.
    pub fn number(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => Some(*n),
            Value::Fraction { .. } => self.percentage(),
            Value::Text(_) => None,
        }
    }

    /// 100 · numerator / denominator, for a percentage with a denominator above 0.
    pub fn percentage(&self) -> Option<f64> {
        match self.value {
            Value::Fraction {
                numerator,
                denominator,
            } if denominator > 0.0 => Some(100.0 * numerator / denominator),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// A figure's value: a number or a text.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Reading {
    Number(f64),
    Text(String),
}

/// A report figure as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FigureJson {
    /// The value: a number, a percentage (100·numerator/denominator) or a text.
    pub value: Option<Reading>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<f64>,
    /// How many stored values it is made of.
    pub values: usize,
    /// How many places it is made of.
    pub places: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_aggregation: Option<TimeAggregation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place_aggregation: Option<PlaceAggregation>,
    /// The period a snapshot value was carried forward from (`last`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "2022Q4")]
    pub carried_from: Option<String>,
    /// The days of the period the values cover (`sum`, `average`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
}

impl From<Figure> for FigureJson {
    fn from(figure: Figure) -> Self {
        let (numerator, denominator) = match figure.value {
            Value::Fraction {
                numerator,
                denominator,
            } => (Some(numerator), Some(denominator)),
            _ => (None, None),
        };
        let value = match &figure.value {
            Value::Text(t) => Some(Reading::Text(t.clone())),
            _ => figure.number().map(Reading::Number),
        };
        Self {
            value,
            numerator,
            denominator,
            values: figure.values,
            places: figure.places,
            time_aggregation: figure.time,
            place_aggregation: figure.place,
            carried_from: figure.carried_from.map(|p| p.id()),
            days: figure.days,
        }
    }
}

/// The kind all values share; none when they are empty or mixed.
fn one_kind<'a>(values: impl IntoIterator<Item = &'a Value>) -> Option<Kind> {
    let mut values = values.into_iter();
    let kind = values.next()?.kind();
    values.all(|v| v.kind() == kind).then_some(kind)
}

/// Numbers added, or fractions added part by part; none for text.
fn add<'a>(values: impl IntoIterator<Item = &'a Value>) -> Option<Value> {
    let mut total: Option<Value> = None;
    for value in values {
        total = Some(match (total, value) {
            (None, Value::Text(_)) | (Some(_), Value::Text(_)) => return None,
            (None, v) => v.clone(),
            (Some(Value::Number(a)), Value::Number(b)) => Value::Number(a + b),
            (
                Some(Value::Fraction {
                    numerator: n,
                    denominator: d,
                }),
                Value::Fraction {
                    numerator,
                    denominator,
                },
            ) => Value::Fraction {
                numerator: n + numerator,
                denominator: d + denominator,
            },
            _ => return None,
        });
    }
    total
}

/// One place's observations combined into one figure for the target days
/// (both included), by the rules in the module's documentation.
pub fn over_time(
    rule: TimeAggregation,
    cumulative: bool,
    target: (NaiveDate, NaiveDate),
    series: &[Observation],
) -> Option<Figure> {
    use TimeAggregation as T;
    let (start, end) = target;
    if start > end {
        return None;
    }
    let kind = one_kind(series.iter().map(|o| &o.value))?;
    let within = |o: &&Observation| o.period.start() >= start && o.period.end() <= end;
    let figure = |value, values, carried_from, days| Figure {
        value,
        values,
        places: 1,
        time: Some(rule),
        place: None,
        carried_from,
        days,
    };
    match rule {
        T::Last | T::LastInPeriod => {
            let latest = series
                .iter()
                .filter(|o| o.period.end() <= end)
                .filter(|o| rule == T::Last || within(o))
                .max_by_key(|o| (o.period.end(), o.period.start()))?;
            let carried = (latest.period.start() < start).then_some(latest.period);
            Some(figure(latest.value.clone(), 1, carried, None))
        }
        _ if cumulative || kind == Kind::Text => None,
        T::Sum => {
            let used: Vec<&Observation> = series.iter().filter(within).collect();
            let total = add(used.iter().map(|o| &o.value))?;
            let days = used.iter().map(|o| o.period.days()).sum();
            Some(figure(total, used.len(), None, Some(days)))
        }
        T::Average => {
            if kind != Kind::Number {
                return None;
            }
            let (mut weighted, mut days, mut values) = (0.0, 0_i64, 0);
            for o in series {
                let shared = overlap_days(periods::range(&o.period), target);
                if let (true, Value::Number(v)) = (shared > 0, &o.value) {
                    weighted += v * shared as f64;
                    days += shared;
                    values += 1;
                }
            }
            (days > 0).then(|| {
                figure(
                    Value::Number(weighted / days as f64),
                    values,
                    None,
                    Some(days),
                )
            })
        }
    }
}

/// Several places' figures for one period combined into one, by the rules in
/// the module's documentation. None for `none`, for no figures, and for
/// values the rule cannot combine.
pub fn over_places(rule: PlaceAggregation, figures: &[Figure]) -> Option<Figure> {
    let kind = one_kind(figures.iter().map(|f| &f.value))?;
    let value = match rule {
        PlaceAggregation::None => return None,
        PlaceAggregation::Sum => add(figures.iter().map(|f| &f.value))?,
        PlaceAggregation::Average => {
            if kind != Kind::Number {
                return None;
            }
            let total: f64 = figures.iter().filter_map(Figure::number).sum();
            Value::Number(total / figures.len() as f64)
        }
    };
    let first_time = figures[0].time;
    Some(Figure {
        value,
        values: figures.iter().map(|f| f.values).sum(),
        places: figures.iter().map(|f| f.places).sum(),
        time: figures
            .iter()
            .all(|f| f.time == first_time)
            .then_some(first_time)
            .flatten(),
        place: Some(rule),
        carried_from: figures
            .iter()
            .filter_map(|f| f.carried_from)
            .min_by_key(|p| (p.start(), p.end())),
        days: None,
    })
}

/// How far `actual` has come from `baseline` towards `target`:
/// (actual − baseline) / (target − baseline). 0 at the baseline, 1 at the
/// target; below 0 when it went the wrong way, above 1 past the target.
///
/// The same formula serves `lowerIsBetter`: with baseline 20 and target 10,
/// an actual of 15 gives (15 − 20) / (10 − 20) = 0.5, and 25 gives −0.5.
/// None when target equals baseline (no distance to cover, no division by
/// zero) or when a number is not finite.
pub fn progress_towards(actual: f64, baseline: f64, target: f64) -> Option<f64> {
    let progress = (actual - baseline) / (target - baseline);
    (target != baseline && progress.is_finite()).then_some(progress)
}

/// How many of the places expected to report did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    pub expected: usize,
    pub reported: usize,
    /// reported / expected, none when no place is expected.
    pub share: Option<f64>,
}

/// The coverage of `reported` places out of `expected`.
pub fn coverage(expected: usize, reported: usize) -> Coverage {
    Coverage {
        expected,
        reported,
        share: (expected > 0).then(|| reported as f64 / expected as f64),
    }
}

#[cfg(test)]
mod tests;
