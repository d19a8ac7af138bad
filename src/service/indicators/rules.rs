//! The rules an indicator follows, judged without the database: the form of
//! each field, the settings a standard indicator fixes, the combinations that
//! give no meaningful figure, and baselines and targets that fit the measure.

use super::model::{IndicatorCreate, IndicatorPatch, ValueAtDate};
use crate::domain::InputIssue;
use crate::domain::plan::{check_external_id, check_long_text, check_text};
use crate::domain::results::{
    Direction, Granularity, Measure, PlaceAggregation, Rules, TimeAggregation, check_amount,
    check_count,
};
use crate::service::check;

/// How an indicator's values are read and combined.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub measure: Measure,
    pub unit: Option<String>,
    pub direction: Option<Direction>,
    pub time: TimeAggregation,
    pub place: PlaceAggregation,
    pub cumulative: bool,
    pub granularity: Granularity,
}

/// The settings a write names; absent ones are kept (or defaulted on create).
#[derive(Debug, Default, Clone)]
pub struct Sent {
    pub measure: Option<Measure>,
    pub unit: Option<Option<String>>,
    pub direction: Option<Option<Direction>>,
    pub time: Option<TimeAggregation>,
    pub place: Option<PlaceAggregation>,
    pub cumulative: Option<bool>,
    pub granularity: Option<Granularity>,
}

impl Sent {
    pub fn of_create(input: &IndicatorCreate) -> Self {
        Self {
            measure: input.measure,
            unit: input.unit.clone().map(Some),
            direction: input.direction.map(Some),
            time: input.time_aggregation,
            place: input.place_aggregation,
            cumulative: input.cumulative,
            granularity: input.granularity,
        }
    }

    pub fn of_patch(patch: &IndicatorPatch) -> Self {
        Self {
            measure: patch.measure,
            unit: patch.unit.clone(),
            direction: patch.direction,
            time: patch.time_aggregation,
            place: patch.place_aggregation,
            cumulative: patch.cumulative,
            granularity: patch.granularity,
        }
    }
}

/// An indicator code: 1 to 40 letters, digits, `.`, `_`, `-`, starting with a
/// letter or digit.
pub fn check_indicator_code(code: &str) -> Result<(), &'static str> {
    let mut bytes = code.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphanumeric());
    if first_ok
        && code.len() <= 40
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        Ok(())
    } else {
        Err("must be 1 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit")
    }
}

/// The fields whose form can be judged on their own.
struct Fields<'a> {
    code: Option<&'a str>,
    name: Option<&'a str>,
    description: Option<&'a str>,
    unit: Option<&'a str>,
    targets: Option<&'a [ValueAtDate]>,
    standard: Option<&'a str>,
    external_id: Option<&'a str>,
}

fn check_fields(issues: &mut Vec<InputIssue>, f: Fields<'_>) {
    if let Some(code) = f.code {
        check(issues, "code", check_indicator_code(code), || code.into());
    }
    if let Some(name) = f.name {
        check(issues, "name", check_text(name, 300), || name.into());
    }
    if let Some(d) = f.description {
        check(issues, "description", check_long_text(d, 10000), || {
            serde_json::Value::Null
        });
    }
    if let Some(unit) = f.unit {
        check(issues, "unit", check_text(unit, 50), || unit.into());
    }
    if let Some(targets) = f.targets
        && targets.len() > 20
    {
        issues.push(InputIssue::body("targets", "must hold at most 20 targets"));
    }
    if let Some(code) = f.standard {
        check(issues, "standard", check_indicator_code(code), || {
            code.into()
        });
    }
    if let Some(id) = f.external_id {
        check(issues, "externalId", check_external_id(id), || id.into());
    }
}

pub fn check_create(input: &IndicatorCreate) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        Fields {
            code: Some(&input.code),
            name: Some(&input.name),
            description: input.description.as_deref(),
            unit: input.unit.as_deref(),
            targets: Some(&input.targets),
            standard: input.standard.as_deref(),
            external_id: input.external_id.as_deref(),
        },
    );
    issues
}

pub fn check_patch(patch: &IndicatorPatch) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        Fields {
            code: patch.code.as_deref(),
            name: patch.name.as_deref(),
            description: patch.description.as_deref(),
            unit: patch.unit.as_ref().and_then(Option::as_deref),
            targets: patch.targets.as_deref(),
            standard: patch.standard.as_ref().and_then(Option::as_deref),
            external_id: patch.external_id.as_ref().and_then(Option::as_deref),
        },
    );
    issues
}

/// The settings a write leaves: a standard indicator's own (a sent value that
/// differs from it is refused), else the sent ones over `base` (the current
/// settings), else, on create, the sent ones with their defaults.
pub fn settle(
    sent: &Sent,
    base: Option<&Settings>,
    standard: Option<&Settings>,
) -> Result<Settings, Vec<InputIssue>> {
    if let Some(standard) = standard {
        let mut issues = Vec::new();
        let mut differs = |field: &str, same: bool| {
            if !same {
                issues.push(InputIssue::body(
                    field,
                    "is set by the standard indicator; leave it out or send the standard's value",
                ));
            }
        };
        differs(
            "measure",
            sent.measure.is_none_or(|m| m == standard.measure),
        );
        differs(
            "unit",
            sent.unit.as_ref().is_none_or(|u| *u == standard.unit),
        );
        differs(
            "direction",
            sent.direction.is_none_or(|d| d == standard.direction),
        );
        differs(
            "timeAggregation",
            sent.time.is_none_or(|t| t == standard.time),
        );
        differs(
            "placeAggregation",
            sent.place.is_none_or(|p| p == standard.place),
        );
        differs(
            "cumulative",
            sent.cumulative.is_none_or(|c| c == standard.cumulative),
        );
        differs(
            "granularity",
            sent.granularity.is_none_or(|g| g == standard.granularity),
        );
        return if issues.is_empty() {
            Ok(standard.clone())
        } else {
            Err(issues)
        };
    }
    if let Some(base) = base {
        return Ok(Settings {
            measure: sent.measure.unwrap_or(base.measure),
            unit: sent.unit.clone().unwrap_or_else(|| base.unit.clone()),
            direction: sent.direction.unwrap_or(base.direction),
            time: sent.time.unwrap_or(base.time),
            place: sent.place.unwrap_or(base.place),
            cumulative: sent.cumulative.unwrap_or(base.cumulative),
            granularity: sent.granularity.unwrap_or(base.granularity),
        });
    }
    let mut issues = Vec::new();
    let required = "is required unless a standard indicator is named";
    if sent.measure.is_none() {
        issues.push(InputIssue::body("measure", required));
    }
    if sent.granularity.is_none() {
        issues.push(InputIssue::body("granularity", required));
    }
    let (Some(measure), Some(granularity)) = (sent.measure, sent.granularity) else {
        return Err(issues);
    };
    let qualitative = measure == Measure::Qualitative;
    Ok(Settings {
        measure,
        unit: sent.unit.clone().flatten(),
        direction: sent.direction.flatten(),
        time: sent.time.unwrap_or(if qualitative {
            TimeAggregation::Last
        } else {
            TimeAggregation::Sum
        }),
        place: sent.place.unwrap_or(if qualitative {
            PlaceAggregation::None
        } else {
            PlaceAggregation::Sum
        }),
        cumulative: sent.cumulative.unwrap_or(false),
        granularity,
    })
}

/// The combinations of settings that give no meaningful figure.
pub fn settings_issues(settings: &Settings) -> Vec<InputIssue> {
    Rules {
        measure: settings.measure,
        direction: settings.direction,
        time: settings.time,
        place: settings.place,
        cumulative: settings.cumulative,
        has_unit: settings.unit.is_some(),
    }
    .problems()
    .into_iter()
    .map(|(field, detail)| InputIssue::body(field, detail))
    .collect()
}

/// A baseline or target value of an indicator of `measure`.
fn check_value(measure: Measure, value: f64) -> Result<(), &'static str> {
    match measure {
        Measure::Count => check_count(value),
        Measure::Amount => check_amount(value),
        Measure::Percentage if value.is_finite() && (0.0..=100.0).contains(&value) => Ok(()),
        Measure::Percentage => Err("a percentage is a number from 0 to 100"),
        Measure::Qualitative => Err("text values have no baselines or targets"),
    }
}

/// Baselines and targets that fit the measure; target dates each once. The
/// targets come back sorted by date; an issue names a target by its place in
/// the list as sent (`targets[1].value`).
pub fn values_issues(
    measure: Measure,
    baseline: Option<&ValueAtDate>,
    targets: &mut [ValueAtDate],
) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    let dated = |d: chrono::NaiveDate| {
        use chrono::Datelike;
        (1990..=2100).contains(&d.year())
    };
    // Text values have none at all: the member as a whole is refused.
    let member = |name: &str, field: &str| {
        if measure == Measure::Qualitative {
            name.to_owned()
        } else {
            format!("{name}.{field}")
        }
    };
    if let Some(b) = baseline {
        check(
            &mut issues,
            &member("baseline", "value"),
            check_value(measure, b.value),
            || b.value.into(),
        );
        if !dated(b.date) {
            issues.push(InputIssue::body(
                "baseline.date",
                "the date must lie between 1990 and 2100",
            ));
        }
    }
    for (i, t) in targets.iter().enumerate() {
        check(
            &mut issues,
            &member(&format!("targets[{i}]"), "value"),
            check_value(measure, t.value),
            || t.value.into(),
        );
        if !dated(t.date) {
            issues.push(InputIssue::body(
                format!("targets[{i}].date"),
                "the date must lie between 1990 and 2100",
            ));
        }
    }
    targets.sort_by_key(|t| t.date);
    for pair in targets.windows(2) {
        if pair[0].date == pair[1].date {
            issues.push(
                InputIssue::body("targets", "each date has one target")
                    .with_value(pair[1].date.to_string().into()),
            );
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted() -> Settings {
        Settings {
            measure: Measure::Count,
            unit: None,
            direction: Some(Direction::HigherIsBetter),
            time: TimeAggregation::Sum,
            place: PlaceAggregation::Sum,
            cumulative: false,
            granularity: Granularity::Quarter,
        }
    }

    #[test]
    fn a_standard_fixes_the_settings_and_refuses_other_values_by_name() {
        let standard = counted();
        let sent = Sent {
            measure: Some(Measure::Count),
            granularity: Some(Granularity::Year),
            ..Sent::default()
        };
        let issues = settle(&sent, None, Some(&standard)).unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].name, "granularity");
        assert_eq!(
            settle(&Sent::default(), None, Some(&standard)),
            Ok(standard)
        );
    }

    #[test]
    fn a_new_indicator_names_its_measure_and_granularity() {
        let issues = settle(&Sent::default(), None, None).unwrap_err();
        let names: Vec<&str> = issues.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["measure", "granularity"]);
        let text = settle(
            &Sent {
                measure: Some(Measure::Qualitative),
                granularity: Some(Granularity::Year),
                ..Sent::default()
            },
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            (text.time, text.place),
            (TimeAggregation::Last, PlaceAggregation::None)
        );
        assert!(settings_issues(&text).is_empty());
    }

    #[test]
    fn targets_fit_the_measure_and_come_sorted() {
        let day = |m| chrono::NaiveDate::from_ymd_opt(2024, m, 1).unwrap();
        let mut targets = [
            ValueAtDate {
                value: 40.0,
                date: day(6),
            },
            ValueAtDate {
                value: 20.0,
                date: day(3),
            },
        ];
        assert!(values_issues(Measure::Count, None, &mut targets).is_empty());
        assert_eq!(targets[0].date, day(3));
        assert_eq!(
            values_issues(
                Measure::Percentage,
                None,
                &mut [ValueAtDate {
                    value: 101.0,
                    date: day(1)
                }]
            )
            .len(),
            1
        );
        assert_eq!(
            values_issues(
                Measure::Count,
                None,
                &mut [ValueAtDate {
                    value: 2.5,
                    date: day(1)
                }]
            )
            .len(),
            1
        );
        let mut twice = [targets[0], targets[0]];
        assert_eq!(values_issues(Measure::Count, None, &mut twice).len(), 1);
        // An issue names the target as sent, before sorting.
        let mut unsorted = [
            targets[1],
            ValueAtDate {
                value: 2.5,
                date: day(1),
            },
        ];
        let issues = values_issues(Measure::Count, None, &mut unsorted);
        assert_eq!(issues[0].name, "targets[1].value");
        let issues = values_issues(Measure::Qualitative, Some(&targets[0]), &mut [targets[1]]);
        let names: Vec<&str> = issues.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["baseline", "targets[0]"]);
    }
}
