//! Each report as a printable page: its figures as tables, and charts of
//! progress per challenge, per action and per regional platform.

use crate::domain::results::Measure;
use crate::domain::table::{Cell, Table};
use crate::http::formats::html::{Bar, Chart, Page, Section, Series};
use crate::service::reports::indicator_results::IndicatorResultsReport;
use crate::service::reports::progress::columns;
use crate::service::reports::progress::{Part, PlanProgressBody, PlanProgressReport};
use crate::service::reports::regional::RegionalOverviewReport;
use crate::service::reports::snapshot::SnapshotReport;
use crate::service::reports::staleness::StalenessReport;
use crate::service::reports::{About, Tabular};

/// A report that has a printable page.
pub trait Printable: Tabular {
    fn page(&self) -> Page;
}

/// The rows of `table` whose first cell is the text `kind`.
fn rows_of(table: &Table, kind: &str) -> Table {
    Table {
        columns: table.columns.clone(),
        rows: table
            .rows
            .iter()
            .filter(|row| matches!(row.first(), Some(Cell::Text(k)) if k == kind))
            .cloned()
            .collect(),
    }
}

fn facts(about: &About, more: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut facts = vec![(
        "Gegenereerd".to_owned(),
        about
            .generated_at
            .format("%Y-%m-%d %H:%M:%S UTC")
            .to_string(),
    )];
    facts.push((
        "Laatste wijziging inbegrepen".to_owned(),
        about.latest_change.as_ref().map_or("geen".to_owned(), |c| {
            format!("{} (nr. {})", c.at.format("%Y-%m-%d %H:%M:%S UTC"), c.id)
        }),
    ));
    facts.extend(more);
    facts
}

fn bar(label: String, part: &Part) -> Bar {
    Bar {
        label,
        value: part.progress.progress,
        note: Some(format!(
            "{} initiatieven, gewicht {}",
            part.initiatives.total, part.progress.weight_total
        )),
    }
}

fn bars(title: &str, description: &str, bars: Vec<Bar>) -> Option<Chart> {
    Some(Chart::Bars {
        title: title.to_owned(),
        description: description.to_owned(),
        unit: "%".to_owned(),
        max: 100.0,
        bars,
    })
}

impl Printable for PlanProgressReport {
    fn page(&self) -> Page {
        let b = &self.body;
        let mut table = Table::new(columns());
        b.rows(&mut table);
        Page {
            title: format!("Voortgang: {}", b.plan.title),
            subtitle: Some(b.plan.code.clone()),
            facts: facts(&self.about, body_facts(b)),
            sections: progress_sections(b, &table, ""),
        }
    }
}

impl Printable for SnapshotReport {
    fn page(&self) -> Page {
        let mut sections = Vec::new();
        for plan in &self.plans {
            let mut table = Table::new(columns());
            plan.progress.rows(&mut table);
            let prefix = format!("{}: ", plan.progress.plan.code);
            sections.extend(progress_sections(&plan.progress, &table, &prefix));
        }
        let mut more = vec![
            ("Dag".to_owned(), self.date.to_string()),
            (
                "Zoals geregistreerd vóór".to_owned(),
                self.as_of.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            ),
        ];
        if !self.is_final {
            more.push((
                "Voorlopig".to_owned(),
                "de dag is nog niet voorbij".to_owned(),
            ));
        }
        Page {
            title: format!("Het plan zoals gekend op {}", self.date),
            subtitle: None,
            facts: facts(&self.about, more),
            sections,
        }
    }
}

fn body_facts(b: &PlanProgressBody) -> Vec<(String, String)> {
    vec![
        ("Dag".to_owned(), b.day.to_string()),
        (
            "Zonder update na".to_owned(),
            format!("{} dagen", b.stale_after_days),
        ),
    ]
}

/// The sections of a plan's progress: the plan, its challenges, regions and actions.
fn progress_sections(b: &PlanProgressBody, table: &Table, prefix: &str) -> Vec<Section> {
    let challenges = b
        .challenges
        .iter()
        .map(|c| bar(format!("{} {}", c.code, c.title), &c.part))
        .collect();
    let actions = b
        .actions
        .iter()
        .map(|a| Bar {
            label: format!("{} {}", a.code, a.title),
            value: a.progress,
            note: Some(format!(
                "{} initiatieven, gewicht {}",
                a.initiatives.total, a.weight
            )),
        })
        .collect();
    let regions = b
        .regions
        .iter()
        .map(|r| bar(r.name.clone(), &r.part))
        .collect();
    vec![
        Section {
            heading: format!("{prefix}Het plan"),
            intro: Some(b.rule.to_owned()),
            chart: None,
            table: rows_of(table, "plan"),
        },
        Section {
            heading: format!("{prefix}Per uitdaging"),
            intro: None,
            chart: bars(
                "Voortgang per uitdaging",
                "Gewogen voortgang van de acties die elke uitdaging dienen, in procent.",
                challenges,
            ),
            table: rows_of(table, "challenge"),
        },
        Section {
            heading: format!("{prefix}Per regionaal platform"),
            intro: None,
            chart: bars(
                "Voortgang per regionaal platform",
                "Gewogen voortgang over de initiatieven van elke regio, in procent.",
                regions,
            ),
            table: rows_of(table, "region"),
        },
        Section {
            heading: format!("{prefix}Per actie"),
            intro: None,
            chart: bars(
                "Voortgang per actie",
                "Voortgang van elke actie, in procent.",
                actions,
            ),
            table: rows_of(table, "action"),
        },
    ]
}

impl Printable for StalenessReport {
    fn page(&self) -> Page {
        let table = self.table();
        Page {
            title: "Achterstand: initiatieven zonder update, metingen te laat".to_owned(),
            subtitle: self.plan.as_ref().map(|p| p.title.clone()),
            facts: facts(
                &self.about,
                vec![
                    ("Dag".to_owned(), self.day.to_string()),
                    (
                        "Zonder update na".to_owned(),
                        format!("{} dagen", self.stale_after_days),
                    ),
                    (
                        "Meting verwacht na".to_owned(),
                        format!("{} dagen na de periode", self.grace_days),
                    ),
                ],
            ),
            sections: vec![
                Section {
                    heading: "Initiatieven zonder recente update".to_owned(),
                    intro: None,
                    chart: None,
                    table: rows_of(&table, "initiative"),
                },
                Section {
                    heading: "Indicatoren met een ontbrekende periode".to_owned(),
                    intro: None,
                    chart: None,
                    table: rows_of(&table, "indicator"),
                },
            ],
        }
    }
}

/// At most this many indicators get a section of their own on a page.
const PAGE_INDICATORS: usize = 100;
/// At most this many places get a line in an indicator's chart.
const CHART_PLACES: usize = 8;

impl Printable for IndicatorResultsReport {
    fn page(&self) -> Page {
        let table = self.table();
        let mut offset = 0;
        let mut sections = Vec::new();
        for indicator in &self.indicators {
            let rows = indicator.rows.len();
            let slice = Table {
                columns: table.columns.clone(),
                rows: table.rows[offset..offset + rows].to_vec(),
            };
            offset += rows;
            if sections.len() == PAGE_INDICATORS {
                continue;
            }
            let mut periods: Vec<String> = Vec::new();
            for r in &indicator.rows {
                if periods.last() != Some(&r.period) {
                    periods.push(r.period.clone());
                }
            }
            let mut places: Vec<(String, String)> = Vec::new();
            for r in &indicator.rows {
                let place = (r.place_code.clone(), r.place_name.clone());
                if !places.contains(&place) && places.len() < CHART_PLACES {
                    places.push(place);
                }
            }
            let value_at = |period: &str, code: &str| {
                indicator
                    .rows
                    .iter()
                    .find(|r| r.period == period && r.place_code == code)
                    .and_then(|r| r.figure.number())
            };
            let series = places
                .iter()
                .map(|(code, name)| Series {
                    name: name.clone(),
                    values: periods.iter().map(|p| value_at(p, code)).collect(),
                })
                .collect();
            let target = periods
                .iter()
                .map(|p| {
                    indicator
                        .rows
                        .iter()
                        .find(|r| &r.period == p)
                        .and_then(|r| r.target.as_ref().map(|t| t.value))
                })
                .collect::<Vec<_>>();
            let numeric = indicator.measure != Measure::Qualitative && !periods.is_empty();
            sections.push(Section {
                heading: format!("{} — {}", indicator.code, indicator.name),
                intro: Some(format!(
                    "Over de tijd: {}; over plaatsen: {}.",
                    indicator.time_aggregation.as_str(),
                    indicator.place_aggregation.as_str()
                )),
                chart: numeric.then(|| Chart::Lines {
                    title: format!("{} per periode", indicator.name),
                    description: format!(
                        "{} per {} tegenover het doel.",
                        indicator.name,
                        indicator.granularity.as_str()
                    ),
                    unit: indicator.unit.clone().unwrap_or_default(),
                    periods: periods.clone(),
                    series,
                    target: target.iter().any(Option::is_some).then_some(target),
                    baseline: indicator.baseline.as_ref().map(|b| b.value),
                }),
                table: slice,
            });
        }
        let shown = self.indicators.len().min(PAGE_INDICATORS);
        Page {
            title: "Resultaten van indicatoren".to_owned(),
            subtitle: None,
            facts: facts(
                &self.about,
                vec![
                    ("Periodes".to_owned(), self.granularity.as_str().to_owned()),
                    ("Niveau".to_owned(), self.level.as_str().to_owned()),
                    (
                        "Indicatoren".to_owned(),
                        format!("{shown} van {} getoond", self.indicators.len()),
                    ),
                ],
            ),
            sections,
        }
    }
}

impl Printable for RegionalOverviewReport {
    fn page(&self) -> Page {
        let table = self.table();
        let bars_of = self
            .regions
            .iter()
            .map(|r| Bar {
                label: r.name.clone(),
                value: r.progress.progress,
                note: Some(format!(
                    "{} initiatieven, {} GBO-projecten",
                    r.initiatives.total, r.gbo_projects.total
                )),
            })
            .collect();
        Page {
            title: format!("Regionale platformen: {}", self.plan.title),
            subtitle: Some(self.plan.code.clone()),
            facts: facts(
                &self.about,
                vec![
                    ("Dag".to_owned(), self.day.to_string()),
                    ("Jaar van de indicatoren".to_owned(), self.year.to_string()),
                ],
            ),
            sections: vec![
                Section {
                    heading: "Per regionaal platform".to_owned(),
                    intro: None,
                    chart: bars(
                        "Voortgang per regionaal platform",
                        "Gewogen voortgang over de initiatieven van elke regio, in procent.",
                        bars_of,
                    ),
                    table: rows_of(&table, "region"),
                },
                Section {
                    heading: "Standaardindicatoren per regio".to_owned(),
                    intro: None,
                    chart: None,
                    table: rows_of(&table, "indicator"),
                },
            ],
        }
    }
}
