//! The rules a measurement follows, judged without the database: one started
//! calendar period of the indicator's granularity, a well-formed place that
//! lies where the indicator's work is, and the value its measure takes.

use chrono::NaiveDate;

use super::model::{MeasurementCreate, PlaceInput};
use crate::domain::InputIssue;
use crate::domain::plan::{check_external_id, check_long_text, check_nis_code, check_region_id};
use crate::domain::results::{
    Granularity, Measure, Period, PlaceType, SubjectType, check_amount, check_count, check_fraction,
};
use crate::service::check;
use crate::storage::work::WorkFacts;

/// The period a new measurement names, of `granularity`, started by `today`.
pub fn period(
    input: &MeasurementCreate,
    granularity: Granularity,
    today: NaiveDate,
) -> Result<Period, Vec<InputIssue>> {
    let refuse = |field: &str, detail: String| Err(vec![InputIssue::body(field, detail)]);
    let (field, found) = match (&input.period, input.period_start, input.period_end) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return refuse(
                "period",
                "give either period or periodStart and periodEnd, not both".into(),
            );
        }
        (Some(id), None, None) => (
            "period",
            Period::parse(id).and_then(|p| {
                if p.granularity() == granularity {
                    Ok(p)
                } else {
                    Err(format!(
                        "the indicator is reported per {granularity}: {id} is a {}",
                        p.granularity()
                    ))
                }
            }),
        ),
        (None, Some(start), Some(end)) => {
            ("periodStart", Period::from_dates(start, end, granularity))
        }
        (None, Some(_), None) => {
            return refuse("periodEnd", "is required with periodStart".into());
        }
        (None, None, Some(_)) => {
            return refuse("periodStart", "is required with periodEnd".into());
        }
        (None, None, None) => {
            return refuse(
                "period",
                "is required: a period id (2023, 2023Q2, 2023-05) or periodStart and periodEnd"
                    .into(),
            );
        }
    };
    match found {
        Err(detail) => refuse(field, detail),
        Ok(p) if p.start() > today => refuse(
            field,
            format!("{p} has not started yet: measurements are for periods that have begun"),
        ),
        Ok(p) => Ok(p),
    }
}

/// The value fields a measurement leaves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub text: Option<String>,
}

/// The value fields must be those of `measure`, each valid.
pub fn values_issues(measure: Measure, v: &Values) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    let takes = match measure {
        Measure::Count | Measure::Amount => "value",
        Measure::Percentage => "numerator and denominator",
        Measure::Qualitative => "text",
    };
    let wrong = format!("a {measure} indicator takes {takes}");
    let mut absent = |field: &str, sent: bool| {
        if sent {
            issues.push(InputIssue::body(field, wrong.clone()));
        }
    };
    let is_number = matches!(measure, Measure::Count | Measure::Amount);
    absent("value", !is_number && v.value.is_some());
    absent(
        "numerator",
        measure != Measure::Percentage && v.numerator.is_some(),
    );
    absent(
        "denominator",
        measure != Measure::Percentage && v.denominator.is_some(),
    );
    absent("text", measure != Measure::Qualitative && v.text.is_some());
    let required = |field: &str| InputIssue::body(field, format!("is required: {wrong}"));
    match measure {
        Measure::Count | Measure::Amount => match v.value {
            None => issues.push(required("value")),
            Some(x) => {
                let result = if measure == Measure::Count {
                    check_count(x)
                } else {
                    check_amount(x)
                };
                check(&mut issues, "value", result, || x.into());
            }
        },
        Measure::Percentage => match (v.numerator, v.denominator) {
            (Some(n), Some(d)) => {
                for (field, detail) in check_fraction(n, d) {
                    issues.push(InputIssue::body(field, detail));
                }
            }
            (None, _) => issues.push(required("numerator")),
            (_, None) => issues.push(required("denominator")),
        },
        Measure::Qualitative => match &v.text {
            None => issues.push(required("text")),
            Some(t) if t.trim().is_empty() => {
                issues.push(InputIssue::body("text", "must not be empty"))
            }
            Some(t) => check(&mut issues, "text", check_long_text(t, 10000), || {
                serde_json::Value::Null
            }),
        },
    }
    issues
}

/// A note and an external id.
pub fn check_extras(issues: &mut Vec<InputIssue>, note: Option<&str>, external_id: Option<&str>) {
    if let Some(note) = note {
        check(issues, "note", check_long_text(note, 10000), || {
            serde_json::Value::Null
        });
    }
    if let Some(id) = external_id {
        check(issues, "externalId", check_external_id(id), || id.into());
    }
}

/// The place's form: no code for Flanders, a region id or a NIS code.
pub fn place_issues(place: &PlaceInput) -> Vec<InputIssue> {
    let result = match (place.kind, place.code.as_deref()) {
        (PlaceType::Flanders, None) => Ok(()),
        (PlaceType::Flanders, Some(_)) => Err("Flanders as a whole has no code"),
        (_, None) => Err("a region or municipality needs its code"),
        (PlaceType::Region, Some(code)) => check_region_id(code),
        (PlaceType::Municipality, Some(code)) => check_nis_code(code),
    };
    let mut issues = Vec::new();
    check(&mut issues, "place.code", result, || {
        place.code.clone().into()
    });
    issues
}

/// Whether the work of `subject` (with its `facts`) reports for a place of
/// `kind` with `code`, in `region` (none for Flanders).
pub fn place_in_work(
    subject: SubjectType,
    facts: &WorkFacts,
    kind: PlaceType,
    code: &str,
    region: Option<&str>,
) -> Result<(), &'static str> {
    let in_regions = region.is_some_and(|r| facts.regions.iter().any(|own| own == r));
    let fits = match subject {
        SubjectType::Plan | SubjectType::Action => true,
        SubjectType::Initiative => {
            facts.flanders_wide || (kind != PlaceType::Flanders && in_regions)
        }
        SubjectType::GboProject => match kind {
            PlaceType::Municipality => facts.municipalities.iter().any(|m| m == code),
            PlaceType::Region => in_regions,
            PlaceType::Flanders => false,
        },
    };
    if fits {
        Ok(())
    } else {
        Err(match subject {
            SubjectType::GboProject => {
                "the GBO project reports for its own municipalities and their regions only"
            }
            _ => {
                "the initiative reports for its own regions and their municipalities only (Flanders as a whole only when it is Flanders-wide)"
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(period: Option<&str>) -> MeasurementCreate {
        MeasurementCreate {
            period: period.map(str::to_owned),
            period_start: None,
            period_end: None,
            place: PlaceInput {
                kind: PlaceType::Flanders,
                code: None,
            },
            value: None,
            numerator: None,
            denominator: None,
            text: None,
            note: None,
            external_id: None,
            example: false,
        }
    }

    #[test]
    fn periods_match_the_granularity_and_have_started() {
        let today = NaiveDate::from_ymd_opt(2024, 5, 10).unwrap();
        assert!(period(&input(Some("2023Q2")), Granularity::Quarter, today).is_ok());
        assert!(period(&input(Some("2024Q2")), Granularity::Quarter, today).is_ok());
        let wrong = period(&input(Some("2023Q2")), Granularity::Year, today).unwrap_err();
        assert_eq!(wrong[0].name, "period");
        let future = period(&input(Some("2024Q3")), Granularity::Quarter, today).unwrap_err();
        assert_eq!(future[0].name, "period");
        assert!(period(&input(None), Granularity::Year, today).is_err());
    }

    #[test]
    fn each_measure_takes_its_own_value_fields() {
        let count = |value| Values {
            value: Some(value),
            ..Values::default()
        };
        assert!(values_issues(Measure::Count, &count(3.0)).is_empty());
        assert_eq!(values_issues(Measure::Count, &count(2.5))[0].name, "value");
        let share = Values {
            numerator: Some(5.0),
            denominator: Some(4.0),
            ..Values::default()
        };
        assert_eq!(
            values_issues(Measure::Percentage, &share)[0].name,
            "numerator"
        );
        let names: Vec<String> = values_issues(Measure::Qualitative, &count(1.0))
            .into_iter()
            .map(|i| i.name)
            .collect();
        assert_eq!(names, ["value", "text"]);
    }

    #[test]
    fn places_lie_where_the_work_is() {
        let initiative = WorkFacts {
            regions: vec!["limburg".into()],
            ..WorkFacts::default()
        };
        let ok = |kind, code, region| {
            place_in_work(SubjectType::Initiative, &initiative, kind, code, region).is_ok()
        };
        assert!(ok(PlaceType::Region, "limburg", Some("limburg")));
        assert!(ok(PlaceType::Municipality, "71016", Some("limburg")));
        assert!(!ok(PlaceType::Municipality, "11002", Some("antwerpen")));
        assert!(!ok(PlaceType::Flanders, "", None));
        let project = WorkFacts {
            regions: vec!["limburg".into()],
            municipalities: vec!["71016".into()],
            ..WorkFacts::default()
        };
        let fits = |kind, code, region| {
            place_in_work(SubjectType::GboProject, &project, kind, code, region).is_ok()
        };
        assert!(fits(PlaceType::Municipality, "71016", Some("limburg")));
        assert!(!fits(PlaceType::Municipality, "71022", Some("limburg")));
        assert!(fits(PlaceType::Region, "limburg", Some("limburg")));
        assert!(
            place_in_work(
                SubjectType::Plan,
                &WorkFacts::default(),
                PlaceType::Flanders,
                "",
                None
            )
            .is_ok()
        );
    }
}
