//! Each report as a printable page: its figures as tables, and charts of
//! progress per challenge, per action and per regional platform.

use crate::domain::table::{Cell, Table};
use crate::http::formats::html::{Bar, Chart, Page, Section};
use crate::service::reports::progress::{Part, PlanProgressReport};
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
        let table = self.table();
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
        Page {
            title: format!("Voortgang: {}", b.plan.title),
            subtitle: Some(b.plan.code.clone()),
            facts: facts(
                &self.about,
                vec![
                    ("Dag".to_owned(), b.day.to_string()),
                    (
                        "Zonder update na".to_owned(),
                        format!("{} dagen", b.stale_after_days),
                    ),
                ],
            ),
            sections: vec![
                Section {
                    heading: "Het plan".to_owned(),
                    intro: Some(b.rule.to_owned()),
                    chart: None,
                    table: rows_of(&table, "plan"),
                },
                Section {
                    heading: "Per uitdaging".to_owned(),
                    intro: None,
                    chart: bars(
                        "Voortgang per uitdaging",
                        "Gewogen voortgang van de acties die elke uitdaging dienen, in procent.",
                        challenges,
                    ),
                    table: rows_of(&table, "challenge"),
                },
                Section {
                    heading: "Per regionaal platform".to_owned(),
                    intro: None,
                    chart: bars(
                        "Voortgang per regionaal platform",
                        "Gewogen voortgang over de initiatieven van elke regio, in procent.",
                        regions,
                    ),
                    table: rows_of(&table, "region"),
                },
                Section {
                    heading: "Per actie".to_owned(),
                    intro: None,
                    chart: bars(
                        "Voortgang per actie",
                        "Voortgang van elke actie, in procent.",
                        actions,
                    ),
                    table: rows_of(&table, "action"),
                },
            ],
        }
    }
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
