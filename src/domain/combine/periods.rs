//! Calendar arithmetic for reports: the period containing a day, the periods
//! of a granularity over a date range, and the days two date ranges share.
//! Every range is a pair of days, both included. Days are Europe/Brussels
//! days (with summer time), not UTC days.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Brussels;

use crate::domain::results::{Granularity, Period};

/// The period of `granularity` that contains `day`; an error when the day's
/// year lies outside the years periods may have (1990–2100).
pub fn containing(day: NaiveDate, granularity: Granularity) -> Result<Period, String> {
    let month = match granularity {
        Granularity::Year => 1,
        Granularity::Quarter => (day.month() - 1) / 3 * 3 + 1,
        Granularity::Month => day.month(),
    };
    let start = NaiveDate::from_ymd_opt(day.year(), month, 1)
        .ok_or_else(|| format!("{day} has no {granularity}"))?;
    let id = match granularity {
        Granularity::Year => format!("{:04}", start.year()),
        Granularity::Quarter => format!("{:04}Q{}", start.year(), (month - 1) / 3 + 1),
        Granularity::Month => format!("{:04}-{:02}", start.year(), month),
    };
    Period::parse(&id)
}

/// The periods of `granularity` that overlap `from..=to`, in order: from the
/// one containing `from` to the one containing `to`. Empty when `from` is
/// after `to`; an error when either day lies outside 1990–2100.
pub fn periods_over(
    granularity: Granularity,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Period>, String> {
    let mut found = Vec::new();
    if from > to {
        return Ok(found);
    }
    let last = containing(to, granularity)?;
    let mut period = containing(from, granularity)?;
    loop {
        found.push(period);
        if period == last {
            return Ok(found);
        }
        let next = period
            .end()
            .succ_opt()
            .ok_or_else(|| "no period follows".to_owned())?;
        period = containing(next, granularity)?;
    }
}

/// How many days the ranges `a` and `b` share (0 when they do not meet).
pub fn overlap_days(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> i64 {
    let start = a.0.max(b.0);
    let end = a.1.min(b.1);
    if start > end {
        0
    } else {
        (end - start).num_days() + 1
    }
}

/// The Brussels day an instant falls on: 22:30 UTC on 30 June is already
/// 1 July in Brussels (UTC+2 in summer, UTC+1 in winter).
pub fn day_of(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Brussels).date_naive()
}

/// The instant a Brussels day begins, as UTC: what was recorded before
/// `day_start(d + 1)` was known by the end of day `d`.
pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    // Brussels changes its clocks at 02:00 and 03:00, so every midnight exists once.
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    Brussels
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

/// The period's days as a range.
pub fn range(period: &Period) -> (NaiveDate, NaiveDate) {
    (period.start(), period.end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn ids(periods: &[Period]) -> Vec<String> {
        periods.iter().map(Period::id).collect()
    }

    #[test]
    fn the_period_containing_a_day() {
        let leap_day = date(2024, 2, 29);
        assert_eq!(
            containing(leap_day, Granularity::Quarter).unwrap().id(),
            "2024Q1"
        );
        assert_eq!(
            containing(leap_day, Granularity::Month).unwrap().id(),
            "2024-02"
        );
        assert_eq!(
            containing(leap_day, Granularity::Year).unwrap().id(),
            "2024"
        );
        assert_eq!(
            containing(date(2023, 12, 31), Granularity::Quarter)
                .unwrap()
                .id(),
            "2023Q4"
        );
        assert!(containing(date(1989, 12, 31), Granularity::Year).is_err());
    }

    #[test]
    fn the_periods_over_a_range_include_those_it_only_touches() {
        let quarters = periods_over(Granularity::Quarter, date(2023, 2, 15), date(2023, 8, 1));
        assert_eq!(ids(&quarters.unwrap()), ["2023Q1", "2023Q2", "2023Q3"]);
        let months = periods_over(Granularity::Month, date(2023, 11, 30), date(2024, 2, 1));
        assert_eq!(
            ids(&months.unwrap()),
            ["2023-11", "2023-12", "2024-01", "2024-02"]
        );
        let years = periods_over(Granularity::Year, date(2022, 1, 1), date(2023, 1, 1));
        assert_eq!(ids(&years.unwrap()), ["2022", "2023"]);
        let one = periods_over(Granularity::Month, date(2023, 5, 3), date(2023, 5, 3));
        assert_eq!(ids(&one.unwrap()), ["2023-05"]);
        assert!(
            periods_over(Granularity::Year, date(2024, 1, 1), date(2023, 1, 1))
                .unwrap()
                .is_empty()
        );
        assert!(periods_over(Granularity::Year, date(2000, 1, 1), date(2101, 1, 1)).is_err());
        let all = periods_over(Granularity::Month, date(1990, 1, 1), date(2100, 12, 31));
        assert_eq!(all.unwrap().len(), 111 * 12);
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn days_are_brussels_days() {
        // 2023-06-30 22:30 UTC is 00:30 on 1 July in Brussels (UTC+2): 2023Q3.
        let summer = day_of(utc("2023-06-30T22:30:00Z"));
        assert_eq!(summer, date(2023, 7, 1));
        assert_eq!(
            containing(summer, Granularity::Quarter).unwrap().id(),
            "2023Q3"
        );
        assert_eq!(day_of(utc("2023-06-30T21:59:59Z")), date(2023, 6, 30));
        // 2023-12-31 23:30 UTC is 00:30 on 1 January 2024 (UTC+1).
        assert_eq!(day_of(utc("2023-12-31T23:30:00Z")), date(2024, 1, 1));
        assert_eq!(day_of(utc("2023-12-31T22:59:59Z")), date(2023, 12, 31));
        // Clocks went forward on 26 March 2023: that day began at 23:00 UTC
        // the evening before and lasted 23 hours.
        assert_eq!(day_start(date(2023, 3, 26)), utc("2023-03-25T23:00:00Z"));
        assert_eq!(day_start(date(2023, 3, 27)), utc("2023-03-26T22:00:00Z"));
        // Back on 29 October 2023: a day of 25 hours.
        assert_eq!(day_start(date(2023, 10, 29)), utc("2023-10-28T22:00:00Z"));
        assert_eq!(day_start(date(2023, 10, 30)), utc("2023-10-29T23:00:00Z"));
    }

    #[test]
    fn overlap_counts_shared_days_both_ends_included() {
        let q1 = (date(2023, 1, 1), date(2023, 3, 31));
        assert_eq!(overlap_days(q1, q1), 90);
        assert_eq!(overlap_days(q1, (date(2023, 3, 31), date(2023, 6, 30))), 1);
        assert_eq!(overlap_days(q1, (date(2023, 4, 1), date(2023, 6, 30))), 0);
        // February 2024 inside the year 2024: 29 days.
        assert_eq!(
            overlap_days(
                (date(2024, 1, 1), date(2024, 12, 31)),
                (date(2024, 2, 1), date(2024, 2, 29))
            ),
            29
        );
    }
}
