//! One indicator's figures: its current measurements grouped by place,
//! combined over time per period (`over_time`) and over places
//! (`over_places`), by the indicator's own rules.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;

use super::{DatedValue, IndicatorResult, ResultRow, ResultsQuery};
use crate::domain::combine::{
    Figure, Observation, Value, coverage, over_places, over_time, periods_over, progress_towards,
};
use crate::domain::results::{Granularity, Period, PlaceType};
use crate::service::{Conn, ServiceResult};
use crate::storage::indicators::IndicatorRow;
use crate::storage::report_results::{ExpectedPlace, MeasurementRow};
use crate::storage::work;

/// The names of the places a report shows.
pub(super) struct Names {
    regions: HashMap<String, String>,
    municipalities: HashMap<String, String>,
}

impl Names {
    pub(super) async fn load(conn: &mut Conn, rows: &[MeasurementRow]) -> ServiceResult<Names> {
        let regions: BTreeSet<String> = rows.iter().filter_map(|r| r.region_id.clone()).collect();
        let municipalities: BTreeSet<String> = rows
            .iter()
            .filter(|r| r.place_type == "municipality")
            .map(|r| r.place_code.clone())
            .collect();
        let regions: Vec<String> = regions.into_iter().collect();
        let municipalities: Vec<String> = municipalities.into_iter().collect();
        let (regions, municipalities) = work::place_names(conn, &regions, &municipalities).await?;
        Ok(Names {
            regions,
            municipalities,
        })
    }

    fn of(&self, place_type: PlaceType, code: &str) -> String {
        match place_type {
            PlaceType::Flanders => Some("Vlaanderen".to_owned()),
            PlaceType::Region => self.regions.get(code).cloned(),
            PlaceType::Municipality => self.municipalities.get(code).cloned(),
        }
        .unwrap_or_else(|| code.to_owned())
    }
}

fn rank(g: Granularity) -> u8 {
    match g {
        Granularity::Month => 0,
        Granularity::Quarter => 1,
        Granularity::Year => 2,
    }
}

/// The value of a stored measurement.
fn value_of(m: &MeasurementRow) -> Result<Value, String> {
    match (m.value, m.numerator, m.denominator, &m.text_value) {
        (Some(v), None, None, None) => Ok(Value::Number(v)),
        (None, Some(numerator), Some(denominator), None) => Ok(Value::Fraction {
            numerator,
            denominator,
        }),
        (None, None, None, Some(t)) => Ok(Value::Text(t.clone())),
        _ => Err(format!(
            "measurement of {} has no single value",
            m.indicator_id
        )),
    }
}

/// The indicator's observations, per kind of place, limited to `region`.
#[derive(Default)]
struct Places {
    /// Per NIS code: its region and its series.
    municipalities: BTreeMap<String, (Option<String>, Vec<Observation>)>,
    regions: BTreeMap<String, Vec<Observation>>,
    flanders: Vec<Observation>,
}

impl Places {
    fn of(
        rows: Vec<MeasurementRow>,
        granularity: Granularity,
        region: Option<&str>,
    ) -> Result<Places, String> {
        let mut places = Places::default();
        for m in rows {
            let inside = match (region, m.place_type.as_str()) {
                (None, _) => true,
                (Some(_), "flanders") => false,
                (Some(r), _) => m.region_id.as_deref() == Some(r),
            };
            if !inside {
                continue;
            }
            let observation = Observation {
                period: Period::from_dates(m.period_start, m.period_end, granularity)?,
                value: value_of(&m)?,
            };
            match m.place_type.as_str() {
                "municipality" => places
                    .municipalities
                    .entry(m.place_code)
                    .or_insert_with(|| (m.region_id, Vec::new()))
                    .1
                    .push(observation),
                "region" => places
                    .regions
                    .entry(m.place_code)
                    .or_default()
                    .push(observation),
                _ => places.flanders.push(observation),
            }
        }
        Ok(places)
    }

    fn all(&self) -> impl Iterator<Item = &Observation> {
        self.municipalities
            .values()
            .flat_map(|(_, s)| s)
            .chain(self.regions.values().flatten())
            .chain(&self.flanders)
    }
}

/// The target for a period ending on `end`: the first dated on or after it,
/// else the last.
fn target_for(targets: &[DatedValue], end: NaiveDate) -> Option<DatedValue> {
    targets
        .iter()
        .find(|t| t.date >= end)
        .or(targets.last())
        .cloned()
}

fn targets_of(row: &IndicatorRow) -> Result<Vec<DatedValue>, String> {
    let mut targets: Vec<DatedValue> = row
        .targets
        .as_array()
        .ok_or("targets are not a list")?
        .iter()
        .map(|t| {
            let value = t["value"].as_f64().ok_or("a target without a value")?;
            let date = t["date"]
                .as_str()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .ok_or("a target without a day")?;
            Ok(DatedValue { value, date })
        })
        .collect::<Result<_, &str>>()?;
    targets.sort_by_key(|t| t.date);
    Ok(targets)
}

/// The figures of one indicator as the query asks for them.
pub(super) fn indicator(
    row: IndicatorRow,
    measurements: Vec<MeasurementRow>,
    expected: Vec<ExpectedPlace>,
    q: &ResultsQuery,
    names: &Names,
) -> Result<IndicatorResult, String> {
    let own: Granularity = row.granularity.parse()?;
    let time = row.time_aggregation.parse()?;
    let place_rule = row.place_aggregation.parse()?;
    let granularity = if rank(own) > rank(q.granularity) {
        own
    } else {
        q.granularity
    };
    let places = Places::of(measurements, own, q.region.as_deref())?;
    let baseline = match (row.baseline_value, row.baseline_date) {
        (Some(value), Some(date)) => Some(DatedValue { value, date }),
        _ => None,
    };
    let targets = targets_of(&row)?;
    // The periods: those asked for, else those the values cover.
    let first = places.all().map(|o| o.period.start()).min();
    let last = places.all().map(|o| o.period.end()).max();
    let from = q.from.map(|p| p.start()).or(first);
    let to = q.to.map(|p| p.end()).or(last);
    let periods = match (from, to) {
        (Some(from), Some(to)) => periods_over(granularity, from, to)?,
        _ => Vec::new(),
    };
    let region_filter = q.region.as_deref();
    let expected_municipalities: Vec<&ExpectedPlace> = expected
        .iter()
        .filter(|e| e.place_type == "municipality")
        .filter(|e| region_filter.is_none_or(|r| e.region_id.as_deref() == Some(r)))
        .collect();
    let expected_regions: Vec<&ExpectedPlace> = expected
        .iter()
        .filter(|e| e.place_type == "region")
        .filter(|e| region_filter.is_none_or(|r| e.place_code == r))
        .collect();
    let mut rows = Vec::new();
    for period in periods {
        let target_days = (period.start(), period.end());
        let mut row_of = |place_type: PlaceType, code: &str, figure: Figure, cover| {
            let target = target_for(&targets, period.end());
            let progress = match (&baseline, &target, figure.number()) {
                (Some(b), Some(t), Some(actual)) => progress_towards(actual, b.value, t.value),
                _ => None,
            };
            rows.push(ResultRow {
                period: period.id(),
                period_start: period.start(),
                period_end: period.end(),
                place_type,
                place_code: code.to_owned(),
                place_name: names.of(place_type, code),
                figure,
                target,
                progress,
                coverage: cover,
            });
        };
        let over = |series: &[Observation]| over_time(time, row.cumulative, target_days, series);
        let municipal: BTreeMap<&str, (Option<&str>, Figure)> = places
            .municipalities
            .iter()
            .filter_map(|(code, (region, series))| {
                over(series).map(|f| (code.as_str(), (region.as_deref(), f)))
            })
            .collect();
        if q.level == PlaceType::Municipality {
            for (code, (_, figure)) in &municipal {
                row_of(PlaceType::Municipality, code, figure.clone(), None);
            }
            continue;
        }
        // Each region: its own value, else its municipalities combined.
        let mut region_codes: BTreeSet<&str> = places.regions.keys().map(String::as_str).collect();
        region_codes.extend(municipal.values().filter_map(|(r, _)| *r));
        let mut regional: BTreeMap<&str, (bool, Figure)> = BTreeMap::new();
        for code in region_codes {
            let own_value = places.regions.get(code).and_then(|s| over(s));
            let figure = match own_value {
                Some(f) => Some((true, f)),
                None => {
                    let parts: Vec<Figure> = municipal
                        .values()
                        .filter(|(r, _)| *r == Some(code))
                        .map(|(_, f)| f.clone())
                        .collect();
                    over_places(place_rule, &parts).map(|f| (false, f))
                }
            };
            if let Some(f) = figure {
                regional.insert(code, f);
            }
        }
        if q.level == PlaceType::Region {
            for (code, (_, figure)) in regional {
                let in_region: Vec<&&ExpectedPlace> = expected_municipalities
                    .iter()
                    .filter(|e| e.region_id.as_deref() == Some(code))
                    .collect();
                let cover = (!in_region.is_empty()).then(|| {
                    let reported = in_region
                        .iter()
                        .filter(|e| municipal.contains_key(e.place_code.as_str()))
                        .count();
                    coverage(in_region.len(), reported)
                });
                row_of(PlaceType::Region, code, figure, cover);
            }
            continue;
        }
        // Flanders: its own value, else the regions' own values and the
        // municipalities of the other regions combined.
        let figure = over(&places.flanders).or_else(|| {
            let mut parts: Vec<Figure> = regional
                .iter()
                .filter(|(_, (own, _))| *own)
                .map(|(_, (_, f))| f.clone())
                .collect();
            parts.extend(
                municipal
                    .values()
                    .filter(|(r, _)| {
                        !r.is_some_and(|r| regional.get(r).is_some_and(|(own, _)| *own))
                    })
                    .map(|(_, f)| f.clone()),
            );
            over_places(place_rule, &parts)
        });
        if let Some(figure) = figure {
            let cover = (!expected_regions.is_empty()).then(|| {
                let reported = expected_regions
                    .iter()
                    .filter(|e| regional.contains_key(e.place_code.as_str()))
                    .count();
                coverage(expected_regions.len(), reported)
            });
            row_of(PlaceType::Flanders, "", figure, cover);
        }
    }
    let (subject_type, subject_id) = match (row.plan_id, row.action_id, row.initiative_id) {
        (Some(id), _, _) => ("plan", id),
        (_, Some(id), _) => ("action", id),
        (_, _, Some(id)) => ("initiative", id),
        _ => (
            "gboProject",
            row.gbo_project_id.ok_or("an indicator without a subject")?,
        ),
    };
    Ok(IndicatorResult {
        indicator_id: row.id,
        code: row.code,
        name: row.name,
        standard: row.standard_code,
        measure: row.measure.parse()?,
        unit: row.unit,
        time_aggregation: time,
        place_aggregation: place_rule,
        cumulative: row.cumulative,
        granularity,
        subject_type: subject_type.to_owned(),
        subject_id,
        baseline,
        rows,
    })
}
