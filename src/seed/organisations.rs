//! The example organisations (every kind, work in all six regions and
//! Flanders-wide) and the real municipalities the example initiatives name.

use chrono::NaiveDate;
use uuid::Uuid;

use super::day;
use crate::domain::{OrganisationKind, Page};
use crate::service::municipalities::{self, MunicipalityCreate};
use crate::service::organisations::{self, OrganisationCreate, OrganisationFilter};
use crate::service::{Conn, ServiceError, ServiceResult, Writer};

use OrganisationKind::{
    Association, Caw, CitizenInitiative, Government, HealthInsuranceFund, LocalGovernment,
    University,
};

/// An example organisation as the seed made or found it.
#[derive(Debug, Clone)]
pub struct ExampleOrganisation {
    pub id: Uuid,
    /// `example-org-N`: how the seed finds it again, and how other parts of
    /// the demo data name it.
    pub external_id: &'static str,
    pub name: &'static str,
    pub kind: OrganisationKind,
    /// Its regional platform; `None` for Flanders-wide bodies.
    pub region_id: Option<&'static str>,
}

struct Org {
    external_id: &'static str,
    name: &'static str,
    kind: OrganisationKind,
    region_id: Option<&'static str>,
}

const fn org(
    external_id: &'static str,
    name: &'static str,
    kind: OrganisationKind,
    region_id: Option<&'static str>,
) -> Org {
    Org {
        external_id,
        name,
        kind,
        region_id,
    }
}

/// The example organisations. The first six are those of the first demo data
/// set, with the same `externalId`s. Every regional platform has a local
/// government, a CAW and a health-insurance fund service: the three core
/// partners of a GBO. No enterprise numbers: fictitious
/// organisations must not borrow a real one.
#[rustfmt::skip]
const ORGANISATIONS: &[Org] = &[
    org("example-org-1", "Voorbeeld: OCMW Voorbeeldstad", LocalGovernment, Some("antwerpen")),
    org("example-org-2", "Voorbeeld: CAW Voorbeeldregio", Caw, Some("limburg")),
    org("example-org-3", "Voorbeeld: Ziekenfonds Voorbeeld", HealthInsuranceFund, Some("oost-vlaanderen")),
    org("example-org-4", "Voorbeeld: Hogeschool Voorbeeld", University, Some("vlaams-brabant")),
    org("example-org-5", "Voorbeeld: Buurtvereniging Voorbeeld", Association, Some("west-vlaanderen")),
    org("example-org-6", "Voorbeeld: Burgerinitiatief Voorbeeld", CitizenInitiative, Some("brussel")),
    org("example-org-7", "Voorbeeld: Sociaal Huis Maasbeek", LocalGovernment, Some("limburg")),
    org("example-org-8", "Voorbeeld: OCMW Scheldegem", LocalGovernment, Some("oost-vlaanderen")),
    org("example-org-9", "Voorbeeld: Lokaal bestuur Dijleveld", LocalGovernment, Some("vlaams-brabant")),
    org("example-org-10", "Voorbeeld: OCMW Polderzele", LocalGovernment, Some("west-vlaanderen")),
    org("example-org-11", "Voorbeeld: OCMW Zennevoorde", LocalGovernment, Some("brussel")),
    org("example-org-12", "Voorbeeld: CAW Scheldeland", Caw, Some("antwerpen")),
    org("example-org-13", "Voorbeeld: CAW Leiedal", Caw, Some("west-vlaanderen")),
    org("example-org-14", "Voorbeeld: CAW Hoofdstad", Caw, Some("brussel")),
    org("example-org-15", "Voorbeeld: Ziekenfonds Kempen, dienst maatschappelijk werk", HealthInsuranceFund, Some("antwerpen")),
    org("example-org-16", "Voorbeeld: Ziekenfonds Westkust, sociale dienst", HealthInsuranceFund, Some("west-vlaanderen")),
    org("example-org-17", "Voorbeeld: Ziekenfonds Maasland, sociale dienst", HealthInsuranceFund, Some("limburg")),
    org("example-org-18", "Voorbeeld: Universiteit Voorbeeld, onderzoeksgroep sociaal werk", University, Some("antwerpen")),
    org("example-org-19", "Voorbeeld: Vereniging waar armen het woord nemen", Association, Some("oost-vlaanderen")),
    org("example-org-20", "Voorbeeld: Samenlevingsopbouw Voorbeeld", Association, Some("oost-vlaanderen")),
    org("example-org-21", "Voorbeeld: Departement Welzijn", Government, None),
    org("example-org-22", "Voorbeeld: Steunpunt Sociaal Werk", Association, None),
    org("example-org-23", "Voorbeeld: Koepel van Lokale Besturen", Association, None),
    org("example-org-24", "Voorbeeld: Burgerinitiatief Buurtkracht", CitizenInitiative, Some("antwerpen")),
    org("example-org-25", "Voorbeeld: Digitaal Buurthuis", CitizenInitiative, Some("limburg")),
    org("example-org-26", "Voorbeeld: CAW Scheldegem", Caw, Some("oost-vlaanderen")),
    org("example-org-27", "Voorbeeld: CAW Dijleveld", Caw, Some("vlaams-brabant")),
    org("example-org-28", "Voorbeeld: Ziekenfonds Dijleveld, sociale dienst", HealthInsuranceFund, Some("vlaams-brabant")),
    org("example-org-29", "Voorbeeld: Ziekenfonds Zennevoorde, sociale dienst", HealthInsuranceFund, Some("brussel")),
];

/// A real municipality, as reference data: the example initiatives name a few.
struct Municipality {
    nis_code: &'static str,
    name: &'static str,
    name_fr: &'static str,
    province_nis_code: Option<&'static str>,
    region_id: &'static str,
}

const fn muni(
    nis_code: &'static str,
    name: &'static str,
    name_fr: &'static str,
    province_nis_code: Option<&'static str>,
    region_id: &'static str,
) -> Municipality {
    Municipality {
        nis_code,
        name,
        name_fr,
        province_nis_code,
        region_id,
    }
}

/// Municipalities untouched by the mergers of 2019 and 2025, valid since the
/// merger of 1977.
#[rustfmt::skip]
const MUNICIPALITIES: &[Municipality] = &[
    muni("12025", "Mechelen", "Malines", Some("10000"), "antwerpen"),
    muni("13040", "Turnhout", "Turnhout", Some("10000"), "antwerpen"),
    muni("71016", "Genk", "Genk", Some("70000"), "limburg"),
    muni("71053", "Sint-Truiden", "Saint-Trond", Some("70000"), "limburg"),
    muni("44021", "Gent", "Gand", Some("40000"), "oost-vlaanderen"),
    muni("41002", "Aalst", "Alost", Some("40000"), "oost-vlaanderen"),
    muni("24062", "Leuven", "Louvain", Some("20001"), "vlaams-brabant"),
    muni("23088", "Vilvoorde", "Vilvorde", Some("20001"), "vlaams-brabant"),
    muni("31005", "Brugge", "Bruges", Some("30000"), "west-vlaanderen"),
    muni("34022", "Kortrijk", "Courtrai", Some("30000"), "west-vlaanderen"),
    muni("21004", "Brussel", "Bruxelles", None, "brussel"),
    muni("21001", "Anderlecht", "Anderlecht", None, "brussel"),
    muni("21015", "Schaarbeek", "Schaerbeek", None, "brussel"),
];

const VALID_FROM: NaiveDate = day(1977, 1, 1);

/// Creates the municipalities that are not known yet; returns how many.
pub(super) async fn add_municipalities(
    conn: &mut Conn,
    writer: &Writer<'_>,
) -> ServiceResult<usize> {
    let mut added = 0;
    for m in MUNICIPALITIES {
        match municipalities::read(conn, m.nis_code).await {
            Ok(_) => continue,
            Err(ServiceError::NotFound) => {}
            Err(other) => return Err(other),
        }
        let input = MunicipalityCreate {
            nis_code: m.nis_code.to_owned(),
            name: m.name.to_owned(),
            name_fr: Some(m.name_fr.to_owned()),
            province_nis_code: m.province_nis_code.map(str::to_owned),
            region_id: m.region_id.to_owned(),
            valid_from: VALID_FROM,
            valid_to: None,
        };
        municipalities::create(conn, writer, input).await?;
        added += 1;
    }
    Ok(added)
}

/// Finds or creates each example organisation; returns them all and how many
/// were created.
pub(super) async fn add_organisations(
    conn: &mut Conn,
    writer: &Writer<'_>,
) -> ServiceResult<(Vec<ExampleOrganisation>, usize)> {
    let mut found = Vec::with_capacity(ORGANISATIONS.len());
    let mut added = 0;
    for o in ORGANISATIONS {
        let filter = OrganisationFilter {
            external_id: Some(o.external_id.to_owned()),
            ..OrganisationFilter::default()
        };
        let first = Page {
            offset: 0,
            limit: 1,
        };
        let (existing, _) =
            organisations::list(conn, writer.principal, &filter, "name", first).await?;
        let id = match existing.first() {
            Some(existing) => existing.id,
            None => {
                added += 1;
                organisations::create(conn, writer, o.input()).await?.id
            }
        };
        found.push(ExampleOrganisation {
            id,
            external_id: o.external_id,
            name: o.name,
            kind: o.kind,
            region_id: o.region_id,
        });
    }
    Ok((found, added))
}

impl Org {
    fn input(&self) -> OrganisationCreate {
        OrganisationCreate {
            name: self.name.to_owned(),
            kind: self.kind,
            enterprise_number: None,
            ovo_code: None,
            region_id: self.region_id.map(str::to_owned),
            municipality: None,
            website: None,
            external_id: Some(self.external_id.to_owned()),
            example: true,
            source: None,
        }
    }
}
