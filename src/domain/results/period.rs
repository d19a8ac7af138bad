//! The calendar periods values are reported for, and their ids.

use super::*;

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
}
