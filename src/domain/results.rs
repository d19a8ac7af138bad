//! Results: what indicators measure, how their values combine over time and
//! over places, the periods they are reported for, and GBO partnerships.

use chrono::{Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::plan::vocabulary;

mod period;
pub use period::Period;

vocabulary! {
    /// What an indicator's values are.
    Measure {
        /// A whole number of things or people, 0 or more.
        Count = "count",
        /// A quantity in the indicator's `unit` (euros, FTE, hours, ...).
        Amount = "amount",
        /// A share, reported as a numerator and a denominator, never as a ratio.
        Percentage = "percentage",
        /// Text; no arithmetic.
        Qualitative = "qualitative",
    }
}

vocabulary! {
    /// Whether a higher or a lower value is better.
    Direction {
        HigherIsBetter = "higherIsBetter",
        LowerIsBetter = "lowerIsBetter",
    }
}

vocabulary! {
    /// How the values of several periods combine into one for a longer period.
    TimeAggregation {
        /// Added up (flows: people reached in a quarter).
        Sum = "sum",
        /// The latest value known by the end of the period, even from an
        /// earlier period (snapshots: active partnerships).
        Last = "last",
        /// The latest value within the period; none when the period has none.
        LastInPeriod = "lastInPeriod",
        /// The average weighted by the days each value covers.
        Average = "average",
    }
}

vocabulary! {
    /// How the values of several places combine into one for a larger place.
    PlaceAggregation {
        /// Added up (for a percentage: numerators and denominators apart).
        Sum = "sum",
        /// The plain average of the places that reported.
        Average = "average",
        /// Values do not combine over places.
        None = "none",
    }
}

vocabulary! {
    /// The length of the periods an indicator is reported for.
    Granularity {
        /// Calendar years: `2023`.
        Year = "year",
        /// Calendar quarters: `2023Q2`.
        Quarter = "quarter",
        /// Calendar months: `2023-05`.
        Month = "month",
    }
}

vocabulary! {
    /// What kind of place a measurement is for.
    PlaceType {
        /// Flanders as a whole; no code.
        Flanders = "flanders",
        /// A regional platform; the code is its id (`limburg`).
        Region = "region",
        /// A municipality; the code is its NIS code (`71016`).
        Municipality = "municipality",
    }
}

vocabulary! {
    /// What an indicator is attached to.
    SubjectType {
        /// The plan itself.
        Plan = "plan",
        Action = "action",
        Initiative = "initiative",
        GboProject = "gboProject",
    }
}

vocabulary! {
    /// A partner's part in a GBO partnership.
    GboPart {
        /// The OCMW or the local government.
        LocalGovernment = "localGovernment",
        /// The Centrum Algemeen Welzijnswerk.
        Caw = "caw",
        /// The social service of a health insurance fund.
        HealthInsuranceFund = "healthInsuranceFund",
        /// Any other partner.
        Other = "other",
    }
}

vocabulary! {
    /// Where a GBO partnership stands.
    GboStatus {
        Planned = "planned",
        Active = "active",
        Ended = "ended",
    }
}

/// The partner kinds every GBO partnership has at least.
pub const CORE_GBO_PARTS: [GboPart; 3] = [
    GboPart::LocalGovernment,
    GboPart::Caw,
    GboPart::HealthInsuranceFund,
];

/// The core partner kinds a partnership with these parts lacks, in order.
pub fn missing_partner_kinds(parts: &[GboPart]) -> Vec<GboPart> {
    CORE_GBO_PARTS
        .into_iter()
        .filter(|core| !parts.contains(core))
        .collect()
}

/// How an indicator's values are read and combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub measure: Measure,
    pub direction: Option<Direction>,
    pub time: TimeAggregation,
    pub place: PlaceAggregation,
    pub cumulative: bool,
    pub has_unit: bool,
}

impl Rules {
    /// The combinations that cannot give a meaningful figure, each as the
    /// field it concerns and why.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        use PlaceAggregation as P;
        use TimeAggregation as T;
        let mut found = Vec::new();
        match (self.measure, self.has_unit) {
            (Measure::Amount, false) => found.push(("unit", "an amount needs its unit")),
            (Measure::Count | Measure::Percentage | Measure::Qualitative, true) => {
                found.push(("unit", "only an amount has a unit"))
            }
            _ => {}
        }
        match (self.measure, self.direction) {
            (Measure::Qualitative, Some(_)) => {
                found.push(("direction", "text values have no better direction"))
            }
            (Measure::Count | Measure::Amount | Measure::Percentage, None) => found.push((
                "direction",
                "say whether a higher or a lower value is better",
            )),
            _ => {}
        }
        if self.measure == Measure::Qualitative {
            if !matches!(self.time, T::Last | T::LastInPeriod) {
                found.push((
                    "timeAggregation",
                    "text values combine over time only by last or lastInPeriod",
                ));
            }
            if self.place != P::None {
                found.push(("placeAggregation", "text values do not combine over places"));
            }
            if self.cumulative {
                found.push(("cumulative", "text values cannot be cumulative"));
            }
        }
        if self.measure == Measure::Percentage {
            if self.place == P::Average {
                found.push((
                    "placeAggregation",
                    "percentages are never averaged: sum combines numerators and denominators",
                ));
            }
            if self.time == T::Average {
                found.push((
                    "timeAggregation",
                    "percentages are never averaged: sum combines numerators and denominators",
                ));
            }
        }
        if self.cumulative && matches!(self.time, T::Sum | T::Average) {
            found.push((
                "timeAggregation",
                "cumulative values are running totals: combine them by last or lastInPeriod",
            ));
        }
        found
    }
}

/// Today as a day in Belgium (Europe/Brussels), where the plan's days are counted.
pub fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Brussels)
        .date_naive()
}

/// A count: a whole number, 0 or more.
pub fn check_count(value: f64) -> Result<(), &'static str> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 1e15 {
        Ok(())
    } else {
        Err("a count is a whole number from 0 up to 10^15")
    }
}

/// An amount: any finite number within ±10^15.
pub fn check_amount(value: f64) -> Result<(), &'static str> {
    if value.is_finite() && value.abs() <= 1e15 {
        Ok(())
    } else {
        Err("must be a finite number within ±10^15")
    }
}

/// A percentage's parts: a denominator above 0 and a numerator from 0 to it.
pub fn check_fraction(numerator: f64, denominator: f64) -> Vec<(&'static str, &'static str)> {
    let mut found = Vec::new();
    if !(denominator.is_finite() && denominator > 0.0 && denominator <= 1e15) {
        found.push(("denominator", "must be a number above 0, at most 10^15"));
    } else if !(numerator.is_finite() && numerator >= 0.0 && numerator <= denominator) {
        found.push(("numerator", "must lie between 0 and the denominator"));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partnerships_say_which_core_partner_kinds_they_lack() {
        assert_eq!(
            missing_partner_kinds(&[GboPart::Caw, GboPart::Other]),
            vec![GboPart::LocalGovernment, GboPart::HealthInsuranceFund]
        );
        assert!(missing_partner_kinds(&CORE_GBO_PARTS).is_empty());
    }

    fn rules(measure: Measure, time: TimeAggregation, place: PlaceAggregation) -> Rules {
        Rules {
            measure,
            direction: (measure != Measure::Qualitative).then_some(Direction::HigherIsBetter),
            time,
            place,
            cumulative: false,
            has_unit: measure == Measure::Amount,
        }
    }

    #[test]
    fn rule_combinations_that_give_no_meaningful_figure_are_named() {
        use PlaceAggregation as P;
        use TimeAggregation as T;
        assert!(rules(Measure::Count, T::Sum, P::Sum).problems().is_empty());
        assert!(
            rules(Measure::Amount, T::Average, P::Sum)
                .problems()
                .is_empty()
        );
        assert!(
            rules(Measure::Percentage, T::Sum, P::Sum)
                .problems()
                .is_empty()
        );
        assert!(
            rules(Measure::Qualitative, T::Last, P::None)
                .problems()
                .is_empty()
        );
        let fields = |r: Rules| r.problems().into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        assert_eq!(
            fields(rules(Measure::Percentage, T::Sum, P::Average)),
            ["placeAggregation"]
        );
        assert_eq!(
            fields(rules(Measure::Percentage, T::Average, P::Sum)),
            ["timeAggregation"]
        );
        assert_eq!(
            fields(rules(Measure::Qualitative, T::Sum, P::Sum)),
            ["timeAggregation", "placeAggregation"]
        );
        let mut cumulative = rules(Measure::Count, T::Sum, P::Sum);
        cumulative.cumulative = true;
        assert_eq!(fields(cumulative), ["timeAggregation"]);
        cumulative.time = T::Last;
        assert!(cumulative.problems().is_empty());
        let mut no_unit = rules(Measure::Amount, T::Sum, P::Sum);
        no_unit.has_unit = false;
        no_unit.direction = None;
        assert_eq!(fields(no_unit), ["unit", "direction"]);
    }

    #[test]
    fn values_are_finite_and_fractions_within_their_denominator() {
        assert!(check_count(3.0).is_ok());
        assert!(check_count(3.5).is_err());
        assert!(check_count(-1.0).is_err());
        assert!(check_count(f64::INFINITY).is_err());
        assert!(check_amount(-2.5).is_ok());
        assert!(check_amount(f64::NAN).is_err());
        assert!(check_fraction(3.0, 4.0).is_empty());
        assert!(check_fraction(4.0, 4.0).is_empty());
        assert_eq!(check_fraction(5.0, 4.0)[0].0, "numerator");
        assert_eq!(check_fraction(-1.0, 4.0)[0].0, "numerator");
        assert_eq!(check_fraction(0.0, 0.0)[0].0, "denominator");
    }
}
