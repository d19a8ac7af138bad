//! The figures of the example GBO projects: computed from the place's size
//! and the quarter with integer arithmetic, so that they vary believably
//! (growth, a seasonal swing) and are the same on every machine. A person can
//! check any seeded value by hand with the formulas below.

use chrono::NaiveDate;

/// The first quarter GBO projects report for: 2023Q1.
pub(super) const FIRST_YEAR: i32 = 2023;
/// The last quarter the data set reports for, counted from 2023Q1: 2026Q3.
pub(super) const LAST_QUARTER: i32 = 14;

/// People reached swing with the seasons: more in spring, fewer in summer.
const SEASON: [i64; 4] = [6, 11, -9, 3];

/// A quarter, counted from 2023Q1 (0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Quarter(pub i32);

impl Quarter {
    fn year(self) -> i32 {
        FIRST_YEAR + self.0.div_euclid(4)
    }

    /// 1 to 4.
    fn number(self) -> u32 {
        self.0.rem_euclid(4).unsigned_abs() + 1
    }

    /// The period id: `2024Q2`.
    pub(super) fn id(self) -> String {
        format!("{}Q{}", self.year(), self.number())
    }

    /// Its first day.
    pub(super) fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), (self.number() - 1) * 3 + 1, 1)
            .unwrap_or(NaiveDate::MAX)
    }

    fn index(self) -> i64 {
        i64::from(self.0)
    }
}

/// A value as a measurement takes it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Figure {
    /// A count or an amount.
    Value(f64),
    /// A percentage: numerator and denominator.
    Fraction(f64, f64),
    /// A qualitative value.
    Text(&'static str),
}

/// A count as a measurement value.
#[expect(
    clippy::cast_precision_loss,
    reason = "small whole numbers, exact in an f64"
)]
pub(super) fn count(value: i64) -> f64 {
    value as f64
}

/// What a place of a project reports from: how many people it reaches in a
/// quarter at the start, and how many partners are active there.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scale {
    /// The project's number (`example-gbo-N`).
    pub project: i64,
    pub size: i64,
    pub partners: i64,
}

/// People reached in quarter `q`: the size, a steady growth that differs per
/// project, and the seasonal swing.
pub(super) fn people_reached(s: Scale, q: Quarter) -> i64 {
    let i = q.index();
    s.size + (2 + s.project) * i + SEASON[usize::try_from(i.rem_euclid(4)).unwrap_or(0)]
}

/// The value of the standard indicator `code` for a place of this scale in
/// quarter `q`; `None` for a code the data set does not report.
pub(super) fn gbo_figure(code: &str, s: Scale, q: Quarter) -> Option<Figure> {
    let i = q.index();
    let people = people_reached(s, q);
    let winter = matches!(q.number(), 1 | 4);
    Some(match code {
        "gbo.peopleReached" => Figure::Value(count(people)),
        "gbo.rights.increasedAllowance" => Figure::Value(count(people / 5 + (i + s.project) % 3)),
        "gbo.rights.energy" => Figure::Value(count(
            people / 8 + (i * s.project) % 4 + if winter { people / 20 } else { 0 },
        )),
        "gbo.rightsRealisedShare" => {
            let detected = people / 3 + 5;
            let realised = detected * (45 + 2 * i + s.project) / 100;
            Figure::Fraction(count(realised), count(detected))
        }
        "gbo.referrals" => Figure::Value(count(people / 4 + i % 5)),
        "gbo.activePartnerships" => Figure::Value(count(s.partners + i / 4)),
        "gbo.staffFte" => Figure::Value(count(s.size / 30 + i / 4) / 2.0),
        _ => return None,
    })
}

/// The value of `code` for the whole project (its places together) in
/// quarter `q`, for baselines and targets: counts and amounts added up, a
/// percentage as the percent of the summed fractions.
pub(super) fn project_value(code: &str, places: &[Scale], q: Quarter) -> f64 {
    let (mut value, mut numerator, mut denominator) = (0.0, 0.0, 0.0);
    for figure in places.iter().filter_map(|s| gbo_figure(code, *s, q)) {
        match figure {
            Figure::Value(v) => value += v,
            Figure::Fraction(n, d) => {
                numerator += n;
                denominator += d;
            }
            Figure::Text(_) => {}
        }
    }
    if denominator > 0.0 {
        (100.0 * numerator / denominator).round()
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENK: Scale = Scale {
        project: 1,
        size: 120,
        partners: 4,
    };

    #[test]
    fn quarters_count_from_2023q1() {
        assert_eq!(Quarter(0).id(), "2023Q1");
        assert_eq!(Quarter(5).id(), "2024Q2");
        assert_eq!(Quarter(LAST_QUARTER).id(), "2026Q3");
        assert_eq!(
            Quarter(6).start(),
            NaiveDate::from_ymd_opt(2024, 7, 1).unwrap()
        );
    }

    #[test]
    fn figures_follow_the_formulas() {
        // 120 + (2 + 1) × 5 + 11
        assert_eq!(people_reached(GENK, Quarter(5)), 146);
        assert_eq!(
            gbo_figure("gbo.peopleReached", GENK, Quarter(5)),
            Some(Figure::Value(146.0))
        );
        // 146 / 3 + 5 = 53 detected; 53 × (45 + 10 + 1) / 100 = 29 realised
        assert_eq!(
            gbo_figure("gbo.rightsRealisedShare", GENK, Quarter(5)),
            Some(Figure::Fraction(29.0, 53.0))
        );
        // (120 / 30 + 5 / 4) / 2
        assert_eq!(
            gbo_figure("gbo.staffFte", GENK, Quarter(5)),
            Some(Figure::Value(2.5))
        );
        assert_eq!(gbo_figure("gbo.rights.care", GENK, Quarter(5)), None);
    }

    #[test]
    fn every_figure_is_a_valid_value() {
        for project in 1..=7 {
            for size in [60, 70, 90, 230] {
                let s = Scale {
                    project,
                    size,
                    partners: 3,
                };
                for q in 0..=LAST_QUARTER {
                    let people = people_reached(s, Quarter(q));
                    assert!(people > 0);
                    if let Some(Figure::Fraction(n, d)) =
                        gbo_figure("gbo.rightsRealisedShare", s, Quarter(q))
                    {
                        assert!(0.0 <= n && n <= d && d > 0.0);
                    }
                }
            }
        }
    }
}
