//! Indicators of the example plan's work: two on the plan itself (per
//! region), two on actions (one for Flanders, one per region) and six on
//! initiatives (a count, an amount in EUR, percentages, a qualitative one),
//! each measured only where its work is, with baselines and targets, so that
//! an indicator report has real figures to show.

use chrono::NaiveDate;

use super::figures::{Figure, count};
use super::{Added, find_indicator, record};
use crate::domain::results::{
    Direction, Granularity, Measure, PlaceAggregation, PlaceType, SubjectType, TimeAggregation,
};
use crate::seed::plan::known;
use crate::seed::{ExamplePlan, day};
use crate::service::indicators::{self, IndicatorCreate, Subject, ValueAtDate};
use crate::service::{Conn, ServiceResult, Writer};

use Granularity::{Quarter, Year};
use Measure::{Amount, Count, Percentage, Qualitative};
use PlaceAggregation::Sum as PlaceSum;
use TimeAggregation::{Last, Sum};

/// The regional platforms, in a fixed order: `r` below is the index.
const REGIONS: [&str; 6] = [
    "antwerpen",
    "limburg",
    "oost-vlaanderen",
    "vlaams-brabant",
    "west-vlaanderen",
    "brussel",
];

/// What an indicator is attached to.
#[derive(Clone, Copy)]
enum On {
    Plan,
    /// An action's code (`A04`).
    Action(&'static str),
    /// An initiative's code (`A06.1`).
    Initiative(&'static str),
}

/// One measurement: period id, place type and code, value.
type Point = (String, PlaceType, Option<&'static str>, Figure);

/// An indicator of the data set with the function that gives its measurements.
struct Spec {
    /// `example-indicator-N`.
    number: u32,
    on: On,
    code: &'static str,
    name: &'static str,
    description: &'static str,
    measure: Measure,
    unit: Option<&'static str>,
    time: TimeAggregation,
    place: PlaceAggregation,
    granularity: Granularity,
    baseline: Option<(f64, NaiveDate)>,
    targets: &'static [(f64, NaiveDate)],
    points: fn() -> Vec<Point>,
}

/// `n` quarters from `year` Q`first` on: period id and index.
fn quarters(year: i32, first: i32, n: i32) -> impl Iterator<Item = (String, i64)> {
    (0..n).map(move |i| {
        let q = first - 1 + i;
        (format!("{}Q{}", year + q / 4, q % 4 + 1), i64::from(i))
    })
}

fn years(from: i32, to: i32) -> impl Iterator<Item = (String, i64)> {
    (from..=to).map(move |y| (y.to_string(), i64::from(y - from)))
}

fn per_region(figure: impl Fn(i64, i64) -> Figure) -> Vec<Point> {
    let mut points = Vec::new();
    for (period, y) in years(2021, 2025) {
        for (r, region) in (0_i64..).zip(REGIONS) {
            points.push((
                period.clone(),
                PlaceType::Region,
                Some(region),
                figure(r, y),
            ));
        }
    }
    points
}

fn working_groups() -> Vec<Point> {
    per_region(|r, y| Figure::Value(count(2 + r % 3 + y * (2 + r % 2) / 2)))
}

fn trained() -> Vec<Point> {
    per_region(|r, y| Figure::Value(count(150 + 40 * r + 35 * y + (7 * y + 13 * r) % 17)))
}

fn municipalities_with_gbo() -> Vec<Point> {
    [120, 151, 183, 214, 236]
        .into_iter()
        .zip(years(2021, 2025))
        .map(|(v, (period, _))| (period, PlaceType::Flanders, None, Figure::Value(count(v))))
        .collect()
}

fn automatic_allowance() -> Vec<Point> {
    per_region(|r, y| {
        let granted = 2000 + 350 * r + 100 * y;
        Figure::Fraction(count(granted * (40 + 4 * y + r) / 100), count(granted))
    })
}

fn digipunt_visitors() -> Vec<Point> {
    const SWING: [i64; 4] = [10, 25, -30, 5];
    quarters(2021, 1, 13)
        .map(|(period, i)| {
            let v = 140 + 23 * i + SWING[usize::try_from(i % 4).unwrap_or(0)];
            (
                period,
                PlaceType::Municipality,
                Some("71016"),
                Figure::Value(count(v)),
            )
        })
        .collect()
}

fn energy_fund() -> Vec<Point> {
    quarters(2022, 4, 13)
        .map(|(period, i)| {
            let winter = i % 4 <= 1;
            let cents = 300_000 + 45_000 * i + if winter { 225_000 } else { 0 } + (i % 2) * 50;
            let euros = count(cents) / 100.0;
            (
                period,
                PlaceType::Municipality,
                Some("71053"),
                Figure::Value(euros),
            )
        })
        .collect()
}

fn rights_shop() -> Vec<Point> {
    [(81, 180), (135, 260), (177, 310)]
        .into_iter()
        .zip(years(2023, 2025))
        .map(|((n, d), (period, _))| {
            let share = Figure::Fraction(count(n), count(d));
            (period, PlaceType::Municipality, Some("24062"), share)
        })
        .collect()
}

fn experts_by_experience() -> Vec<Point> {
    [
        "Twaalf ervaringsdeskundigen opgeleid; eerste intervisies samen met het OCMW.",
        "De ervaringsdeskundigen schuiven aan bij het casusoverleg en bij het onthaal.",
        "Vaste plaats in de lokale adviesraad; de werking wordt verankerd in het OCMW.",
    ]
    .into_iter()
    .zip(years(2021, 2023))
    .map(|(text, (period, _))| {
        (
            period,
            PlaceType::Region,
            Some("oost-vlaanderen"),
            Figure::Text(text),
        )
    })
    .collect()
}

fn handbook_users() -> Vec<Point> {
    [(35, "2021"), (112, "2022")]
        .into_iter()
        .map(|(v, period)| {
            (
                period.to_owned(),
                PlaceType::Flanders,
                None,
                Figure::Value(count(v)),
            )
        })
        .collect()
}

fn home_visits() -> Vec<Point> {
    let mut points = Vec::new();
    for (period, i) in quarters(2022, 2, 15) {
        let brugge = 30 + 2 * i + (7 * i) % 9;
        let kortrijk = 22 + i + (5 * i) % 7;
        points.push((
            period.clone(),
            PlaceType::Municipality,
            Some("31005"),
            Figure::Value(count(brugge)),
        ));
        points.push((
            period,
            PlaceType::Municipality,
            Some("34022"),
            Figure::Value(count(kortrijk)),
        ));
    }
    points
}

#[rustfmt::skip]
const SPECS: &[Spec] = &[
    Spec { number: 1, on: On::Plan, code: "voorbeeld.werkgroepen",
        name: "Voorbeeld: aantal actieve werkgroepen van de regionale platformen",
        description: "Werkgroepen die op het einde van het jaar actief zijn, per regionaal platform.",
        measure: Count, unit: None, time: Last, place: PlaceSum, granularity: Year,
        baseline: Some((12.0, day(2020, 12, 31))), targets: &[(36.0, day(2024, 12, 31))], points: working_groups },
    Spec { number: 2, on: On::Plan, code: "voorbeeld.vorming",
        name: "Voorbeeld: sociaal werkers bereikt met vorming",
        description: "Sociaal werkers die in het jaar een vorming van het platform volgden.",
        measure: Count, unit: None, time: Sum, place: PlaceSum, granularity: Year,
        baseline: Some((900.0, day(2020, 12, 31))), targets: &[(2000.0, day(2024, 12, 31)), (2600.0, day(2025, 12, 31))], points: trained },
    Spec { number: 3, on: On::Action("A04"), code: "voorbeeld.gboGemeenten",
        name: "Voorbeeld: gemeenten met een GBO-samenwerking",
        description: "Gemeenten waar op het einde van het jaar een GBO-samenwerking actief is.",
        measure: Count, unit: None, time: Last, place: PlaceSum, granularity: Year,
        baseline: Some((95.0, day(2020, 12, 31))), targets: &[(250.0, day(2024, 12, 31)), (285.0, day(2026, 12, 31))], points: municipalities_with_gbo },
    Spec { number: 4, on: On::Action("A16"), code: "voorbeeld.automatischeVt",
        name: "Voorbeeld: aandeel automatisch toegekende verhoogde tegemoetkomingen",
        description: "Van de toegekende verhoogde tegemoetkomingen (noemer), die zonder aanvraag toegekend (teller).",
        measure: Percentage, unit: None, time: Sum, place: PlaceSum, granularity: Year,
        baseline: Some((38.0, day(2020, 12, 31))), targets: &[(60.0, day(2024, 12, 31))], points: automatic_allowance },
    Spec { number: 5, on: On::Initiative("A06.1"), code: "voorbeeld.bezoekers",
        name: "Voorbeeld: bezoekers van de digipunten",
        description: "Bezoekers die in het kwartaal aan een digipunt geholpen werden.",
        measure: Count, unit: None, time: Sum, place: PlaceSum, granularity: Quarter,
        baseline: Some((60.0, day(2020, 12, 31))), targets: &[(400.0, day(2023, 12, 31))], points: digipunt_visitors },
    Spec { number: 6, on: On::Initiative("A09.2"), code: "voorbeeld.energiefonds",
        name: "Voorbeeld: uitgekeerde steun uit het energiefonds",
        description: "Steun die het energiefonds in het kwartaal aan gezinnen uitkeerde.",
        measure: Amount, unit: Some("EUR"), time: Sum, place: PlaceSum, granularity: Quarter,
        baseline: Some((0.0, day(2022, 9, 30))), targets: &[(9000.0, day(2025, 12, 31))], points: energy_fund },
    Spec { number: 7, on: On::Initiative("A16.3"), code: "voorbeeld.gerealiseerd",
        name: "Voorbeeld: aandeel dossiers met een gerealiseerd recht",
        description: "Van de dossiers van de rechtenwinkel in het jaar (noemer), die met minstens één gerealiseerd recht (teller).",
        measure: Percentage, unit: None, time: Sum, place: PlaceSum, granularity: Year,
        baseline: Some((35.0, day(2022, 12, 31))), targets: &[(60.0, day(2025, 12, 31))], points: rights_shop },
    Spec { number: 8, on: On::Initiative("A07.3"), code: "voorbeeld.inzet",
        name: "Voorbeeld: inzet van ervaringsdeskundigen",
        description: "Hoe de ervaringsdeskundigen op het einde van het jaar ingezet worden.",
        measure: Qualitative, unit: None, time: Last, place: PlaceAggregation::None, granularity: Year,
        baseline: None, targets: &[], points: experts_by_experience },
    Spec { number: 9, on: On::Initiative("A04.4"), code: "voorbeeld.handleiding",
        name: "Voorbeeld: lokale besturen die de handleiding gebruiken",
        description: "Lokale besturen die op het einde van het jaar met de GBO-handleiding werken.",
        measure: Count, unit: None, time: Last, place: PlaceSum, granularity: Year,
        baseline: Some((0.0, day(2020, 12, 31))), targets: &[(150.0, day(2022, 12, 31))], points: handbook_users },
    Spec { number: 10, on: On::Initiative("A16.2"), code: "voorbeeld.huisbezoeken",
        name: "Voorbeeld: huisbezoeken bij 65-plussers",
        description: "Huisbezoeken in het kwartaal bij 65-plussers zonder aanvullende rechten.",
        measure: Count, unit: None, time: Sum, place: PlaceSum, granularity: Quarter,
        baseline: Some((0.0, day(2022, 3, 31))), targets: &[(60.0, day(2025, 12, 31))], points: home_visits },
];

fn subject(example: &ExamplePlan, on: On) -> ServiceResult<Subject> {
    Ok(match on {
        On::Plan => Subject {
            kind: SubjectType::Plan,
            id: example.plan_id,
        },
        On::Action(code) => Subject {
            kind: SubjectType::Action,
            id: known(example.actions.get(code), code)?,
        },
        On::Initiative(code) => Subject {
            kind: SubjectType::Initiative,
            id: known(example.initiatives.get(code), code)?,
        },
    })
}

fn at((value, date): (f64, NaiveDate)) -> ValueAtDate {
    ValueAtDate { value, date }
}

/// Finds or creates every indicator of the plan's work, with its measurements.
pub(super) async fn add(
    conn: &mut Conn,
    writer: &Writer<'_>,
    example: &ExamplePlan,
    added: &mut Added,
) -> ServiceResult<()> {
    for spec in SPECS {
        let external_id = format!("example-indicator-{}", spec.number);
        if find_indicator(conn, &external_id).await?.is_some() {
            continue;
        }
        let qualitative = spec.measure == Qualitative;
        let input = IndicatorCreate {
            code: spec.code.to_owned(),
            name: spec.name.to_owned(),
            description: Some(spec.description.to_owned()),
            measure: Some(spec.measure),
            unit: spec.unit.map(str::to_owned),
            direction: (!qualitative).then_some(Direction::HigherIsBetter),
            time_aggregation: Some(spec.time),
            place_aggregation: Some(spec.place),
            cumulative: Some(false),
            granularity: Some(spec.granularity),
            baseline: spec.baseline.map(at),
            targets: spec.targets.iter().copied().map(at).collect(),
            subject: subject(example, spec.on)?,
            standard: None,
            external_id: Some(external_id),
            example: true,
            source: None,
        };
        crate::seed::recorded_on(conn, crate::seed::PLAN_RECORDED).await?;
        let indicator = indicators::create(conn, writer, input).await?;
        added.indicators += 1;
        for (period, kind, code, figure) in (spec.points)() {
            if record(conn, writer, indicator.id, period, (kind, code), figure)
                .await?
                .is_some()
            {
                added.measurements += 1;
            }
        }
    }
    Ok(())
}
