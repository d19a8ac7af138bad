//! Figures checked by hand: each test states the arithmetic in its comments.

use chrono::NaiveDate;

use super::*;
use crate::domain::results::{PlaceAggregation as P, TimeAggregation as T};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn period(id: &str) -> Period {
    Period::parse(id).unwrap()
}

fn target(id: &str) -> (NaiveDate, NaiveDate) {
    let p = period(id);
    (p.start(), p.end())
}

fn number(id: &str, value: f64) -> Observation {
    Observation {
        period: period(id),
        value: Value::Number(value),
    }
}

fn fraction(id: &str, numerator: f64, denominator: f64) -> Observation {
    Observation {
        period: period(id),
        value: Value::Fraction {
            numerator,
            denominator,
        },
    }
}

fn text(id: &str, value: &str) -> Observation {
    Observation {
        period: period(id),
        value: Value::Text(value.to_owned()),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn a_percentage_over_two_regions_sums_numerators_and_denominators() {
    // Region A: 30 of 40 (75 %); region B: 10 of 60 (16.67 %).
    // Combined: (30 + 10) / (40 + 60) = 40 / 100 = 40 %,
    // not the mean of the percentages, (75 + 16.67) / 2 = 45.83 %.
    let a = over_time(
        T::Sum,
        false,
        target("2023"),
        &[fraction("2023", 30.0, 40.0)],
    )
    .unwrap();
    let b = over_time(
        T::Sum,
        false,
        target("2023"),
        &[fraction("2023", 10.0, 60.0)],
    )
    .unwrap();
    let flanders = over_places(P::Sum, &[a, b]).unwrap();
    assert_eq!(
        flanders.value,
        Value::Fraction {
            numerator: 40.0,
            denominator: 100.0
        }
    );
    assert!(close(flanders.percentage().unwrap(), 40.0));
    assert!(close(flanders.number().unwrap(), 40.0));
    assert_eq!((flanders.values, flanders.places), (2, 2));
    // A percentage is never averaged over places.
    let a = Figure::observed(&fraction("2023", 30.0, 40.0));
    let b = Figure::observed(&fraction("2023", 10.0, 60.0));
    assert_eq!(over_places(P::Average, &[a, b]), None);
}

#[test]
fn a_percentage_over_quarters_sums_its_parts_too() {
    // 2023Q1: 3 of 10, 2023Q2: 5 of 10 → the first half: 8 / 20 = 40 %
    // (the mean of 30 % and 50 % happens to agree here; with 3 of 10 and
    // 5 of 30 it would not: 8 / 40 = 20 %, not (30 + 16.67) / 2 = 23.33 %).
    let half = (date(2023, 1, 1), date(2023, 6, 30));
    let equal = [fraction("2023Q1", 3.0, 10.0), fraction("2023Q2", 5.0, 10.0)];
    let f = over_time(T::Sum, false, half, &equal).unwrap();
    assert!(close(f.percentage().unwrap(), 40.0));
    let unequal = [fraction("2023Q1", 3.0, 10.0), fraction("2023Q2", 5.0, 30.0)];
    let f = over_time(T::Sum, false, half, &unequal).unwrap();
    assert!(close(f.percentage().unwrap(), 20.0));
    assert_eq!(f.days, Some(90 + 91));
    assert_eq!(over_time(T::Average, false, half, &unequal), None);
}

#[test]
fn a_snapshot_takes_the_last_value_a_flow_the_sum() {
    // Active partnerships at the end of each quarter of 2023: 12, 14, 15, 15.
    // For the year: last = 15 (the 2023Q4 value); sum = 12 + 14 + 15 + 15 = 56,
    // which would count the same partnerships four times.
    let series = [
        number("2023Q1", 12.0),
        number("2023Q2", 14.0),
        number("2023Q3", 15.0),
        number("2023Q4", 15.0),
    ];
    let last = over_time(T::Last, false, target("2023"), &series).unwrap();
    assert_eq!(last.value, Value::Number(15.0));
    assert_eq!((last.values, last.carried_from), (1, None));
    let sum = over_time(T::Sum, false, target("2023"), &series).unwrap();
    assert_eq!(sum.value, Value::Number(56.0));
    assert_eq!(sum.values, 4);
    // 90 + 91 + 92 + 92 = 365: the whole year is covered.
    assert_eq!(sum.days, Some(365));
    // Order does not matter: the latest period wins, not the last item.
    let mut shuffled = series.clone();
    shuffled.swap(1, 3);
    assert_eq!(
        over_time(T::Last, false, target("2023"), &shuffled)
            .unwrap()
            .value,
        Value::Number(15.0)
    );
    // A year of three quarters shows as incomplete: 90 + 91 + 92 = 273 days.
    let partial = over_time(T::Sum, false, target("2023"), &series[..3]).unwrap();
    assert_eq!(
        (partial.value.clone(), partial.days),
        (Value::Number(41.0), Some(273))
    );
    // Running totals do not add up over time.
    assert_eq!(over_time(T::Sum, true, target("2023"), &series), None);
    assert_eq!(over_time(T::Average, true, target("2023"), &series), None);
    let running = over_time(T::Last, true, target("2023"), &series).unwrap();
    assert_eq!(running.value, Value::Number(15.0));
}

#[test]
fn an_average_over_time_is_weighted_by_days() {
    // 2023Q1 (90 days) = 10, 2023Q3 (92 days) = 20, over 2023:
    // (10 × 90 + 20 × 92) / (90 + 92) = 2740 / 182 = 15.054945…, not 15.
    let series = [number("2023Q1", 10.0), number("2023Q3", 20.0)];
    let f = over_time(T::Average, false, target("2023"), &series).unwrap();
    assert!(close(f.number().unwrap(), 2740.0 / 182.0));
    assert!(close(f.number().unwrap(), 15.054_945_054_945_055));
    assert_eq!((f.values, f.days), (2, Some(182)));
    // In the leap year 2024, Q1 has 91 days:
    // (10 × 91 + 20 × 92) / (91 + 92) = 2750 / 183 = 15.027322…
    let leap = [number("2024Q1", 10.0), number("2024Q3", 20.0)];
    let f = over_time(T::Average, false, target("2024"), &leap).unwrap();
    assert!(close(f.number().unwrap(), 2750.0 / 183.0));
    assert_eq!(f.days, Some(183));
    // A target cutting through periods weighs the shared days only:
    // 1 March – 31 July 2023 shares 31 days with Q1 (10), all 91 of Q2 (20)
    // and 31 with Q3 (40): (310 + 1820 + 1240) / 153 = 3370 / 153 = 22.026…
    let cut = (date(2023, 3, 1), date(2023, 7, 31));
    let series = [
        number("2023Q1", 10.0),
        number("2023Q2", 20.0),
        number("2023Q3", 40.0),
        number("2023Q4", 1000.0),
    ];
    let f = over_time(T::Average, false, cut, &series).unwrap();
    assert!(close(f.number().unwrap(), 3370.0 / 153.0));
    assert_eq!((f.values, f.days), (3, Some(153)));
    // Nothing overlapping: no figure, not 0.
    assert_eq!(over_time(T::Average, false, target("2022"), &series), None);
}

#[test]
fn a_missing_place_is_left_out_not_counted_as_zero() {
    // Three municipalities are expected; two reported 5 and 7.
    // Sum = 12 over 2 places; the mean is 12 / 2 = 6, not 12 / 3 = 4.
    let reported: Vec<Figure> = [number("2023Q2", 5.0), number("2023Q2", 7.0)]
        .iter()
        .map(|o| over_time(T::Sum, false, target("2023Q2"), std::slice::from_ref(o)).unwrap())
        .collect();
    let silent = over_time(T::Sum, false, target("2023Q2"), &[]);
    assert_eq!(silent, None);
    let sum = over_places(P::Sum, &reported).unwrap();
    assert_eq!(
        (sum.value.clone(), sum.places, sum.values),
        (Value::Number(12.0), 2, 2)
    );
    assert_eq!(sum.time, Some(T::Sum));
    let mean = over_places(P::Average, &reported).unwrap();
    assert_eq!(mean.value, Value::Number(6.0));
    let covered = coverage(3, sum.places);
    assert_eq!((covered.expected, covered.reported), (3, 2));
    assert!(close(covered.share.unwrap(), 2.0 / 3.0));
    assert_eq!(coverage(0, 0).share, None);
    // No place reported: no figure at all; `none` never combines.
    assert_eq!(over_places(P::Sum, &[]), None);
    assert_eq!(over_places(P::None, &reported), None);
    // Combining regions into Flanders counts the municipalities beneath.
    let flanders = over_places(P::Sum, &[sum.clone(), sum]).unwrap();
    assert_eq!((flanders.places, flanders.values), (4, 4));
}

#[test]
fn last_carries_a_snapshot_forward_and_says_so_last_in_period_does_not() {
    // Staff in post: 8 at the end of 2022Q4, nothing reported since.
    // For 2023Q1, `last` still gives 8, carried from 2022Q4; `lastInPeriod` none.
    let series = [number("2022Q3", 7.0), number("2022Q4", 8.0)];
    let f = over_time(T::Last, false, target("2023Q1"), &series).unwrap();
    assert_eq!(f.value, Value::Number(8.0));
    assert_eq!(f.carried_from, Some(period("2022Q4")));
    assert_eq!(
        over_time(T::LastInPeriod, false, target("2023Q1"), &series),
        None
    );
    // A value from after the target is not known by its end.
    let later = [number("2023Q2", 9.0)];
    assert_eq!(over_time(T::Last, false, target("2023Q1"), &later), None);
    // Within the target, lastInPeriod takes the latest: 2022Q4 over 2022.
    let f = over_time(T::LastInPeriod, false, target("2022"), &series).unwrap();
    assert_eq!(
        (f.value.clone(), f.carried_from),
        (Value::Number(8.0), None)
    );
    // Over places, the earliest carried period is named.
    let fresh = over_time(T::Last, false, target("2023Q1"), &[number("2023Q1", 3.0)]).unwrap();
    let old = over_time(T::Last, false, target("2023Q1"), &[number("2022Q2", 4.0)]).unwrap();
    let both = over_places(P::Sum, &[fresh, old, f.clone()]).unwrap();
    assert_eq!(both.carried_from, Some(period("2022Q2")));
}

#[test]
fn progress_towards_a_target() {
    // Higher is better: baseline 100, target 200.
    // actual 150 → 50 / 100 = 0.5; 250 → 1.5; 80 → −20 / 100 = −0.2.
    assert_eq!(progress_towards(150.0, 100.0, 200.0), Some(0.5));
    assert_eq!(progress_towards(250.0, 100.0, 200.0), Some(1.5));
    assert!(close(progress_towards(80.0, 100.0, 200.0).unwrap(), -0.2));
    // Lower is better, same formula: baseline 20, target 10.
    // actual 15 → (15 − 20) / (10 − 20) = −5 / −10 = 0.5; 25 → 5 / −10 = −0.5.
    assert_eq!(progress_towards(15.0, 20.0, 10.0), Some(0.5));
    assert_eq!(progress_towards(25.0, 20.0, 10.0), Some(-0.5));
    assert_eq!(progress_towards(10.0, 20.0, 10.0), Some(1.0));
    // Target equal to baseline: no distance, no figure.
    assert_eq!(progress_towards(15.0, 20.0, 20.0), None);
    assert_eq!(progress_towards(20.0, 20.0, 20.0), None);
    assert_eq!(progress_towards(f64::NAN, 20.0, 10.0), None);
}

#[test]
fn text_takes_only_last_and_does_not_combine() {
    let series = [
        text("2023Q1", "pilot started"),
        text("2023Q3", "rolled out"),
    ];
    let f = over_time(T::Last, false, target("2023"), &series).unwrap();
    assert_eq!(f.text(), Some("rolled out"));
    assert_eq!(f.number(), None);
    let q2 = over_time(T::Last, false, target("2023Q2"), &series).unwrap();
    assert_eq!(q2.text(), Some("pilot started"));
    assert_eq!(q2.carried_from, Some(period("2023Q1")));
    assert_eq!(
        over_time(T::LastInPeriod, false, target("2023Q2"), &series),
        None
    );
    assert_eq!(over_time(T::Sum, false, target("2023"), &series), None);
    assert_eq!(over_time(T::Average, false, target("2023"), &series), None);
    assert_eq!(over_places(P::Sum, &[f.clone(), q2]), None);
    assert_eq!(over_places(P::Average, &[f]), None);
}

#[test]
fn mixed_kinds_and_reversed_targets_give_no_figure() {
    let mixed = [number("2023Q1", 1.0), fraction("2023Q2", 1.0, 2.0)];
    assert_eq!(over_time(T::Sum, false, target("2023"), &mixed), None);
    let reversed = (date(2023, 12, 31), date(2023, 1, 1));
    assert_eq!(
        over_time(T::Last, false, reversed, &[number("2023Q1", 1.0)]),
        None
    );
    let a = Figure::observed(&number("2023", 1.0));
    let b = Figure::observed(&fraction("2023", 1.0, 2.0));
    assert_eq!(over_places(P::Sum, &[a, b]), None);
}

#[test]
fn a_figure_as_json_says_what_it_is_made_of() {
    let a = over_time(
        T::Sum,
        false,
        target("2023"),
        &[fraction("2023", 30.0, 40.0)],
    )
    .unwrap();
    let b = over_time(
        T::Sum,
        false,
        target("2023"),
        &[fraction("2023", 10.0, 60.0)],
    )
    .unwrap();
    let json = serde_json::to_value(over_places(P::Sum, &[a, b]).unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "value": 40.0, "numerator": 40.0, "denominator": 100.0,
            "values": 2, "places": 2,
            "timeAggregation": "sum", "placeAggregation": "sum"
        })
    );
    let carried = over_time(T::Last, false, target("2023"), &[text("2022Q4", "=1+1")]).unwrap();
    assert_eq!(
        serde_json::to_value(carried).unwrap(),
        serde_json::json!({
            "value": "=1+1", "values": 1, "places": 1,
            "timeAggregation": "last", "carriedFrom": "2022Q4"
        })
    );
}
