//! Results: what indicators measure, how their values combine over time and
//! over places, the periods they are reported for, and GBO partnerships.

use chrono::{Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::plan::vocabulary;

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

/// A calendar period of a granularity: a year, a quarter or a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    start: NaiveDate,
    granularity: Granularity,
}

const FIRST_YEAR: i32 = 1990;
const LAST_YEAR: i32 = 2100;

impl Period {
    /// The period a period id names: `2023`, `2023Q2` or `2023-05`.
    pub fn parse(id: &str) -> Result<Self, String> {
        // A period id has at most 7 characters; a longer value is not echoed back.
        let malformed = || {
            if id.chars().count() <= 10 {
                format!("`{id}` is not a period: use 2023, 2023Q2 or 2023-05")
            } else {
                "is not a period: use 2023, 2023Q2 or 2023-05".to_owned()
            }
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let (year, rest) = id.split_at_checked(4).ok_or_else(malformed)?;
        if !digits(year) {
            return Err(malformed());
        }
        let year: i32 = year.parse().map_err(|_| malformed())?;
        let (granularity, month) = match rest.as_bytes() {
            [] => (Granularity::Year, 1),
            [b'Q', q @ b'1'..=b'4'] => (Granularity::Quarter, u32::from(q - b'1') * 3 + 1),
            [b'-', m1, m2] if m1.is_ascii_digit() && m2.is_ascii_digit() => {
                let month = u32::from(m1 - b'0') * 10 + u32::from(m2 - b'0');
                if !(1..=12).contains(&month) {
                    return Err(malformed());
                }
                (Granularity::Month, month)
            }
            _ => return Err(malformed()),
        };
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(format!(
                "the year must lie between {FIRST_YEAR} and {LAST_YEAR}"
            ));
        }
        let start = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(malformed)?;
        Ok(Self { start, granularity })
    }

    /// The period from `start` to `end`, both included, which must be exactly
    /// one calendar period of `granularity`.
    pub fn from_dates(
        start: NaiveDate,
        end: NaiveDate,
        granularity: Granularity,
    ) -> Result<Self, String> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&start.year()) {
            return Err(format!(
                "the year must lie between {FIRST_YEAR} and {LAST_YEAR}"
            ));
        }
        let period = Self { start, granularity };
        if !period.spans(end) {
            return Err(format!(
                "the indicator is reported per {granularity}: {start} to {end} is not one calendar {granularity}"
            ));
        }
        Ok(period)
    }

    /// The calendar period from `start` to `end`, both included, of whichever
    /// granularity that is; `None` when it is no calendar period of a year
    /// the plan counts.
    pub fn spanning(start: NaiveDate, end: NaiveDate) -> Option<Self> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&start.year()) {
            return None;
        }
        Granularity::ALL
            .iter()
            .map(|&granularity| Self { start, granularity })
            .find(|period| period.spans(end))
    }

    /// Whether the period starts on a first day of its granularity and ends
    /// on `end`.
    fn spans(&self, end: NaiveDate) -> bool {
        let start = self.start;
        start.day() == 1
            && match self.granularity {
                Granularity::Year => start.month() == 1,
                Granularity::Quarter => start.month() % 3 == 1,
                Granularity::Month => true,
            }
            && self.end() == end
    }

    pub fn granularity(&self) -> Granularity {
        self.granularity
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last day.
    pub fn end(&self) -> NaiveDate {
        let months = match self.granularity {
            Granularity::Year => 12,
            Granularity::Quarter => 3,
            Granularity::Month => 1,
        };
        self.start
            .checked_add_months(Months::new(months))
            .and_then(|next| next.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// How many days the period has.
    pub fn days(&self) -> i64 {
        (self.end() - self.start).num_days() + 1
    }

    /// The period's id: `2023`, `2023Q2` or `2023-05`.
    pub fn id(&self) -> String {
        let year = self.start.year();
        match self.granularity {
            Granularity::Year => format!("{year}"),
            Granularity::Quarter => format!("{year}Q{}", (self.start.month() - 1) / 3 + 1),
            Granularity::Month => format!("{year}-{:02}", self.start.month()),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.id())
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

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn period_ids_name_calendar_periods() {
        let q2 = Period::parse("2023Q2").unwrap();
        assert_eq!(
            (q2.start(), q2.end()),
            (date(2023, 4, 1), date(2023, 6, 30))
        );
        assert_eq!(q2.days(), 91);
        assert_eq!(q2.id(), "2023Q2");
        let year = Period::parse("2024").unwrap();
        assert_eq!((year.end(), year.days()), (date(2024, 12, 31), 366));
        let feb = Period::parse("2024-02").unwrap();
        assert_eq!(
            (feb.end(), feb.id()),
            (date(2024, 2, 29), "2024-02".to_owned())
        );
        let q4 = Period::parse("2023Q4").unwrap();
        assert_eq!(q4.end(), date(2023, 12, 31));
        for bad in [
            "",
            "23",
            "2023Q5",
            "2023Q0",
            "2023-13",
            "2023-00",
            "2023-1",
            "2023q2",
            "२०२३",
            "2023Q2 ",
            "20230",
            "1800",
            "+023",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        // A long value is refused without being repeated in the answer.
        let long = "2".repeat(10_000);
        let refused = Period::parse(&long).unwrap_err();
        assert!(refused.len() < 100, "{refused}");
        assert!(Period::parse("2023Q9").unwrap_err().contains("`2023Q9`"));
    }

    #[test]
    fn dates_must_be_exactly_one_period_of_the_granularity() {
        let q = Period::from_dates(date(2023, 7, 1), date(2023, 9, 30), Granularity::Quarter);
        assert_eq!(q.unwrap().id(), "2023Q3");
        assert!(
            Period::from_dates(date(2023, 7, 1), date(2023, 9, 29), Granularity::Quarter).is_err()
        );
        assert!(
            Period::from_dates(date(2023, 8, 1), date(2023, 10, 31), Granularity::Quarter).is_err()
        );
        assert!(
            Period::from_dates(date(2023, 7, 1), date(2023, 7, 31), Granularity::Quarter).is_err()
        );
        assert!(
            Period::from_dates(date(2023, 7, 1), date(2023, 7, 31), Granularity::Month).is_ok()
        );
        assert!(
            Period::from_dates(date(2023, 1, 1), date(2023, 12, 31), Granularity::Year).is_ok()
        );
        assert!(
            Period::from_dates(date(2023, 1, 2), date(2023, 12, 31), Granularity::Year).is_err()
        );
    }

    #[test]
    fn dates_name_the_one_calendar_period_they_span() {
        let id = |s, e| Period::spanning(s, e).map(|p| p.id());
        assert_eq!(
            id(date(2023, 1, 1), date(2023, 12, 31)).as_deref(),
            Some("2023")
        );
        assert_eq!(
            id(date(2023, 1, 1), date(2023, 3, 31)).as_deref(),
            Some("2023Q1")
        );
        assert_eq!(
            id(date(2023, 10, 1), date(2023, 12, 31)).as_deref(),
            Some("2023Q4")
        );
        assert_eq!(
            id(date(2024, 2, 1), date(2024, 2, 29)).as_deref(),
            Some("2024-02")
        );
        assert_eq!(
            id(date(2023, 1, 1), date(2023, 1, 31)).as_deref(),
            Some("2023-01")
        );
        assert_eq!(id(date(2023, 2, 1), date(2023, 4, 30)), None);
        assert_eq!(id(date(2023, 1, 2), date(2023, 12, 31)), None);
        assert_eq!(id(date(2023, 1, 1), date(2023, 6, 30)), None);
        assert_eq!(id(date(1900, 1, 1), date(1900, 12, 31)), None);
    }

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
