//! The example GBO projects: one or more in every region, among the seeded
//! municipalities, each with the standard indicators it reports and
//! quarterly measurements from 2023Q1. Deliberate gaps: the Mechelen-Turnhout
//! project stopped reporting after 2025Q2, Aalst did not report 2024Q3,
//! Brugge-Kortrijk has no health-insurance partner, and the Sint-Truiden
//! project is only planned (indicators, no measurements).

use chrono::NaiveDate;

use super::figures::{Figure, LAST_QUARTER, Quarter, Scale, gbo_figure, project_value};
use super::{Added, find_indicator, record};
use crate::domain::Page;
use crate::domain::results::{GboPart, GboStatus, PlaceType, SubjectType};
use crate::seed::plan::known;
use crate::seed::{ExamplePlan, day};
use crate::service::gbo_projects::GboProjectSelection;
use crate::service::gbo_projects::{self, GboContact, GboPartner, GboProjectCreate};
use crate::service::indicators::{self, IndicatorCreate, Subject, ValueAtDate};
use crate::service::measurements::{self, MeasurementPatch};
use crate::service::{Conn, ServiceResult, Writer};

use GboPart::{Caw, HealthInsuranceFund, LocalGovernment, Other};

/// The standard indicators every example project reports, with their names.
const STANDARD_SET: &[(&str, &str)] = &[
    ("gbo.peopleReached", "Voorbeeld: Bereikte personen"),
    (
        "gbo.rights.increasedAllowance",
        "Voorbeeld: Gerealiseerde rechten: verhoogde tegemoetkoming",
    ),
    (
        "gbo.rights.energy",
        "Voorbeeld: Gerealiseerde rechten: sociaal tarief energie",
    ),
    (
        "gbo.rightsRealisedShare",
        "Voorbeeld: Aandeel gerealiseerde rechten",
    ),
    (
        "gbo.referrals",
        "Voorbeeld: Doorverwijzingen tussen partners",
    ),
    (
        "gbo.activePartnerships",
        "Voorbeeld: Actieve samenwerkingsverbanden",
    ),
    ("gbo.staffFte", "Voorbeeld: Ingezette sociaal werkers"),
];

/// Where a project reports for, and at what scale.
struct Place {
    kind: PlaceType,
    /// NIS code or region id.
    code: &'static str,
    size: i64,
    partners: i64,
}

const fn muni(code: &'static str, size: i64, partners: i64) -> Place {
    Place {
        kind: PlaceType::Municipality,
        code,
        size,
        partners,
    }
}

const fn region(code: &'static str, size: i64, partners: i64) -> Place {
    Place {
        kind: PlaceType::Region,
        code,
        size,
        partners,
    }
}

/// An example GBO project.
struct Project {
    /// `example-gbo-N`.
    number: i64,
    name: &'static str,
    municipalities: &'static [&'static str],
    /// `externalId`s of example organisations and their part.
    partners: &'static [(&'static str, GboPart)],
    status: GboStatus,
    start: Option<NaiveDate>,
    /// Name, e-mail and telephone.
    contact: Option<(&'static str, &'static str, &'static str)>,
    /// The places it reports for; none for a project that has not started.
    places: &'static [Place],
    /// The first quarter it reports for (0 = 2023Q1).
    first: i32,
    /// The last quarter it reports for.
    last: i32,
    /// A quarter one of its places did not report (the place's code).
    gap: Option<(&'static str, i32)>,
}

impl Project {
    fn external_id(&self) -> String {
        format!("example-gbo-{}", self.number)
    }

    fn scales(&self) -> Vec<Scale> {
        self.places
            .iter()
            .map(|p| Scale {
                project: self.number,
                size: p.size,
                partners: p.partners,
            })
            .collect()
    }
}

/// The correction: this project, place, indicator and quarter was first
/// recorded with `WRONG_BY` too many (a double registration), then corrected.
const CORRECTED: (i64, &str, &str, i32) = (3, "24062", "gbo.referrals", 5);
const WRONG_BY: f64 = 12.0;
const CORRECTION_NOTE: &str = "Voorbeeld: correctie na nazicht van de registratie";

#[rustfmt::skip]
const PROJECTS: &[Project] = &[
    Project {
        number: 1, name: "Voorbeeld: GBO Genk", municipalities: &["71016"],
        partners: &[("example-org-7", LocalGovernment), ("example-org-2", Caw), ("example-org-17", HealthInsuranceFund), ("example-org-25", Other)],
        status: GboStatus::Active, start: Some(day(2021, 3, 1)),
        contact: Some(("Onthaalteam GBO Genk", "gbo-genk@example.org", "+32 11 22 33 44")),
        places: &[muni("71016", 120, 4)], first: 0, last: LAST_QUARTER, gap: None,
    },
    Project {
        number: 2, name: "Voorbeeld: GBO Gent en Aalst", municipalities: &["44021", "41002"],
        partners: &[("example-org-8", LocalGovernment), ("example-org-26", Caw), ("example-org-3", HealthInsuranceFund), ("example-org-19", Other)],
        status: GboStatus::Active, start: Some(day(2021, 9, 1)), contact: None,
        places: &[muni("44021", 210, 4), muni("41002", 90, 3)], first: 0, last: LAST_QUARTER,
        gap: Some(("41002", 6)),
    },
    Project {
        number: 3, name: "Voorbeeld: GBO Leuven en Vilvoorde", municipalities: &["24062", "23088"],
        partners: &[("example-org-9", LocalGovernment), ("example-org-27", Caw), ("example-org-28", HealthInsuranceFund)],
        status: GboStatus::Active, start: Some(day(2022, 1, 1)),
        contact: Some(("Coördinator GBO Dijleveld", "gbo-leuven@example.org", "+32 16 00 00 00")),
        places: &[muni("24062", 140, 3), muni("23088", 70, 3)], first: 0, last: LAST_QUARTER, gap: None,
    },
    Project {
        number: 4, name: "Voorbeeld: GBO Brugge en Kortrijk", municipalities: &["31005", "34022"],
        partners: &[("example-org-10", LocalGovernment), ("example-org-13", Caw), ("example-org-5", Other)],
        status: GboStatus::Active, start: Some(day(2022, 4, 1)), contact: None,
        places: &[region("west-vlaanderen", 160, 3)], first: 0, last: LAST_QUARTER, gap: None,
    },
    Project {
        number: 5, name: "Voorbeeld: GBO Mechelen en Turnhout", municipalities: &["12025", "13040"],
        partners: &[("example-org-1", LocalGovernment), ("example-org-12", Caw), ("example-org-15", HealthInsuranceFund), ("example-org-18", Other)],
        status: GboStatus::Active, start: Some(day(2022, 10, 1)), contact: None,
        places: &[region("antwerpen", 180, 4)], first: 0, last: 9, gap: None,
    },
    Project {
        number: 6, name: "Voorbeeld: GBO Brussel, Anderlecht en Schaarbeek", municipalities: &["21004", "21001", "21015"],
        partners: &[("example-org-11", LocalGovernment), ("example-org-14", Caw), ("example-org-29", HealthInsuranceFund), ("example-org-6", Other)],
        status: GboStatus::Active, start: Some(day(2024, 1, 1)),
        contact: Some(("Onthaal GBO Brussel", "gbo-brussel@example.org", "+32 2 000 00 00")),
        places: &[region("brussel", 230, 4)], first: 4, last: LAST_QUARTER, gap: None,
    },
    Project {
        number: 7, name: "Voorbeeld: GBO Sint-Truiden (in voorbereiding)", municipalities: &["71053"],
        partners: &[("example-org-7", LocalGovernment), ("example-org-2", Caw), ("example-org-17", HealthInsuranceFund)],
        status: GboStatus::Planned, start: None, contact: None,
        places: &[], first: 0, last: -1, gap: None,
    },
];

/// Finds or creates every example project, then its indicators and their
/// measurements (only for indicators this run created).
pub(super) async fn add(
    conn: &mut Conn,
    writer: &Writer<'_>,
    example: &ExamplePlan,
    added: &mut Added,
) -> ServiceResult<()> {
    for project in PROJECTS {
        let id = find_or_create(conn, writer, example, project, added).await?;
        add_indicators(conn, writer, project, id, added).await?;
    }
    Ok(())
}

async fn find_or_create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    example: &ExamplePlan,
    project: &Project,
    added: &mut Added,
) -> ServiceResult<uuid::Uuid> {
    let selection = GboProjectSelection {
        external_id: Some(project.external_id()),
        ..GboProjectSelection::default()
    };
    let first = Page {
        offset: 0,
        limit: 1,
    };
    let (found, _) = gbo_projects::list(conn, writer.principal, selection, "name", first).await?;
    if let Some(existing) = found.first() {
        return Ok(existing.id);
    }
    let partners = project
        .partners
        .iter()
        .map(|(key, part)| {
            Ok(GboPartner {
                organisation_id: known(example.organisation(key).as_ref(), key)?,
                part: *part,
            })
        })
        .collect::<ServiceResult<_>>()?;
    let input = GboProjectCreate {
        name: project.name.to_owned(),
        municipalities: project
            .municipalities
            .iter()
            .map(|m| (*m).to_owned())
            .collect(),
        primary_care_zone_id: None,
        partners,
        contact: project.contact.map(|(name, email, phone)| GboContact {
            name: Some(name.to_owned()),
            email: Some(email.to_owned()),
            phone: Some(phone.to_owned()),
        }),
        status: Some(project.status),
        start_date: project.start,
        external_id: Some(project.external_id()),
        example: true,
        source: None,
    };
    added.gbo_projects += 1;
    Ok(gbo_projects::create(conn, writer, input).await?.id)
}

/// The baseline and targets of `code` for a project of these scales.
fn goals(code: &str, project: &Project) -> (Option<ValueAtDate>, Vec<ValueAtDate>) {
    let scales = if project.places.is_empty() {
        vec![Scale {
            project: project.number,
            size: 60,
            partners: 3,
        }]
    } else {
        project.scales()
    };
    let start = Quarter(project.first);
    let value = |q: Quarter| project_value(code, &scales, q);
    let (baseline, target) = match code {
        "gbo.rightsRealisedShare" => (40.0, 70.0),
        "gbo.activePartnerships" => (value(start), value(start) + 2.0),
        "gbo.staffFte" => (value(start), value(Quarter(LAST_QUARTER)) + 1.0),
        _ => (
            (value(start) * 0.9).floor(),
            (value(Quarter(LAST_QUARTER + 1)) * 1.1).round(),
        ),
    };
    let mut targets = vec![ValueAtDate {
        value: target,
        date: day(2026, 12, 31),
    }];
    if code == "gbo.peopleReached" {
        targets.insert(
            0,
            ValueAtDate {
                value: (value(Quarter(7)) * 1.05).round(),
                date: day(2024, 12, 31),
            },
        );
    }
    let baseline = (!project.places.is_empty()).then(|| ValueAtDate {
        value: baseline,
        date: start.start().pred_opt().unwrap_or(start.start()),
    });
    (baseline, targets)
}

async fn add_indicators(
    conn: &mut Conn,
    writer: &Writer<'_>,
    project: &Project,
    project_id: uuid::Uuid,
    added: &mut Added,
) -> ServiceResult<()> {
    for (code, name) in STANDARD_SET {
        let external_id = format!("{}/{code}", project.external_id());
        if find_indicator(conn, &external_id).await?.is_some() {
            continue;
        }
        let (baseline, targets) = goals(code, project);
        let input = IndicatorCreate {
            code: (*code).to_owned(),
            name: (*name).to_owned(),
            description: None,
            measure: None,
            unit: None,
            direction: None,
            time_aggregation: None,
            place_aggregation: None,
            cumulative: None,
            granularity: None,
            baseline,
            targets,
            subject: Subject {
                kind: SubjectType::GboProject,
                id: project_id,
            },
            standard: Some((*code).to_owned()),
            external_id: Some(external_id),
            example: true,
            source: None,
        };
        // Set up when the project began.
        crate::seed::recorded_on(conn, Quarter(project.first).start()).await?;
        let indicator = indicators::create(conn, writer, input).await?;
        added.indicators += 1;
        add_measurements(conn, writer, project, code, indicator.id, added).await?;
    }
    Ok(())
}

async fn add_measurements(
    conn: &mut Conn,
    writer: &Writer<'_>,
    project: &Project,
    code: &str,
    indicator_id: uuid::Uuid,
    added: &mut Added,
) -> ServiceResult<()> {
    for q in project.first..=project.last {
        let quarter = Quarter(q);
        for (place, scale) in project.places.iter().zip(project.scales()) {
            if project.gap == Some((place.code, q)) {
                continue;
            }
            let Some(figure) = gbo_figure(code, scale, quarter) else {
                continue;
            };
            let corrected = (project.number, place.code, code, q) == CORRECTED;
            let sent = match (&figure, corrected) {
                (Figure::Value(v), true) => Figure::Value(v + WRONG_BY),
                _ => figure.clone(),
            };
            let Some(recorded) = record(
                conn,
                writer,
                indicator_id,
                quarter.id(),
                (place.kind, Some(place.code)),
                sent,
            )
            .await?
            else {
                continue;
            };
            added.measurements += 1;
            if let (true, Figure::Value(value)) = (corrected, figure) {
                let patch = MeasurementPatch {
                    value: Some(value),
                    note: Some(CORRECTION_NOTE.to_owned()),
                    ..MeasurementPatch::default()
                };
                measurements::update(conn, writer, recorded.id, Some(recorded.version), patch)
                    .await?;
                added.corrections += 1;
            }
        }
    }
    Ok(())
}
