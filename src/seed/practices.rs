//! Example good practices, in Dutch as people write them: published ones in
//! every region, one draft and one archived, each through the practice's own
//! use case, once.

use chrono::NaiveDate;

use super::ExamplePlan;
use crate::domain::Page;
use crate::domain::practices::{Evidence, EvidenceLevel, PracticeStatus, Theme};
use crate::service::Conn;
use crate::service::practices::{self, PracticeCreate, PracticeFilter};
use crate::service::{ServiceResult, Writer};

struct Example {
    key: &'static str,
    title: &'static str,
    summary: &'static str,
    body: &'static str,
    themes: &'static [Theme],
    tags: &'static [&'static str],
    challenges: &'static [&'static str],
    initiatives: &'static [&'static str],
    region: &'static str,
    organisation: &'static str,
    municipalities: &'static [&'static str],
    evidence: Option<EvidenceLevel>,
    status: PracticeStatus,
    published: Option<&'static str>,
}

const EXAMPLES: &[Example] = &[
    Example {
        key: "example-practice-1",
        title: "Voorbeeld: Armoedebestrijding op lokaal niveau",
        summary: "Het OCMW, het CAW en de ziekenfondsen gaan samen op huisbezoek bij gezinnen die hun rechten niet opnemen.",
        body: "## Aanpak\n\nEen vast team van **drie partners** gaat op huisbezoek bij gezinnen die de [energiepremie](https://example.org/energiepremie) of de verhoogde tegemoetkoming niet aanvragen.\n\n- één aanspreekpunt per gezin\n- opvolging na drie maanden\n\n## Resultaat\n\nIn het eerste jaar kregen 146 gezinnen een recht toegekend.",
        themes: &[Theme::Poverty, Theme::RightsTakeUp],
        tags: &["huisbezoek", "onderbescherming"],
        challenges: &["U8"],
        initiatives: &[],
        region: "oost-vlaanderen",
        organisation: "example-org-8",
        municipalities: &["44021", "41002"],
        evidence: Some(EvidenceLevel::IndicationsOfEffect),
        status: PracticeStatus::Published,
        published: Some("2023-05-12"),
    },
    Example {
        key: "example-practice-2",
        title: "Voorbeeld: Jongeren in Antwerpen vinden hun weg naar hulp",
        summary: "Jongerenwerkers en het CAW houden wekelijks een open spreekuur in de jeugdwerking.",
        body: "Jongeren stappen zelden naar een loket. Daarom komt het **CAW** naar de jeugdwerking.\n\n> Je moet niet eerst een afspraak maken.\n\nHet spreekuur is laagdrempelig en anoniem.",
        themes: &[Theme::Youth, Theme::MentalHealth],
        tags: &["jeugdwerk", "laagdrempelig"],
        challenges: &["U1", "U3"],
        initiatives: &[],
        region: "antwerpen",
        organisation: "example-org-12",
        municipalities: &["12025"],
        evidence: Some(EvidenceLevel::Described),
        status: PracticeStatus::Published,
        published: Some("2022-09-01"),
    },
    Example {
        key: "example-practice-3",
        title: "Voorbeeld: Coördinatie van vrijwilligers in de wijk",
        summary: "Een buurtvereniging brengt vrijwilligers en hulpvragen samen met één digitaal prikbord.",
        body: "Vrijwilligers melden zich aan voor **korte opdrachten**: boodschappen, vervoer naar de dokter, hulp bij formulieren.\n\nDe coördinator koppelt vraag en aanbod binnen twee dagen.",
        themes: &[Theme::Volunteering, Theme::Participation],
        tags: &["vrijwilligerswerk", "buurtwerk"],
        challenges: &["U1"],
        initiatives: &[],
        region: "west-vlaanderen",
        organisation: "example-org-5",
        municipalities: &["31005", "34022"],
        evidence: None,
        status: PracticeStatus::Published,
        published: Some("2024-02-20"),
    },
    Example {
        key: "example-practice-4",
        title: "Voorbeeld: Wijkgezondheidscentrum als toegangspoort",
        summary: "Wie bij de huisarts komt met geldzorgen, wordt meteen doorverwezen naar het sociaal werk in hetzelfde gebouw.",
        body: "Het wijkgezondheidscentrum en het sociaal huis delen een **onthaal**. Een warme overdracht vervangt de brief met een adres.\n\n| jaar | doorverwijzingen |\n|---|---|\n| 2023 | 212 |\n| 2024 | 268 |",
        themes: &[Theme::Health, Theme::Debt],
        tags: &["eerstelijn", "doorverwijzing"],
        challenges: &["U6", "U8"],
        initiatives: &[],
        region: "limburg",
        organisation: "example-org-7",
        municipalities: &["71016"],
        evidence: Some(EvidenceLevel::TheoryBased),
        status: PracticeStatus::Published,
        published: Some("2024-06-03"),
    },
    Example {
        key: "example-practice-5",
        title: "Voorbeeld: Digitale hulp aan huis voor ouderen",
        summary: "Digibuddy's helpen ouderen thuis met online bankieren en afspraken bij de dokter.",
        body: "Een eerste versie, nog niet nagelezen door de regio.",
        themes: &[Theme::DigitalInclusion, Theme::Elderly],
        tags: &["digitale inclusie"],
        challenges: &["U2"],
        initiatives: &[],
        region: "vlaams-brabant",
        organisation: "example-org-9",
        municipalities: &["24062"],
        evidence: None,
        status: PracticeStatus::Draft,
        published: None,
    },
    Example {
        key: "example-practice-6",
        title: "Voorbeeld: Schuldhulpverlening in groep",
        summary: "Een groepsaanbod rond budgetbeheer, vervangen door individuele trajecten in 2024.",
        body: "Deze praktijk liep van 2020 tot 2023 en is **gearchiveerd**.",
        themes: &[Theme::Debt],
        tags: &["budget"],
        challenges: &["U8"],
        initiatives: &[],
        region: "brussel",
        organisation: "example-org-11",
        municipalities: &["21001"],
        evidence: Some(EvidenceLevel::Described),
        status: PracticeStatus::Archived,
        published: Some("2020-11-15"),
    },
];

fn day(text: &str) -> ServiceResult<NaiveDate> {
    text.parse().map_err(crate::service::corrupt)
}

/// Adds the example practices that are not there yet; how many it added.
/// Call it inside a transaction, after the example plan.
pub(super) async fn add(
    conn: &mut Conn,
    writer: &Writer<'_>,
    example: &ExamplePlan,
) -> ServiceResult<usize> {
    let mut added = 0;
    for e in EXAMPLES {
        let filter = PracticeFilter {
            external_id: Some(e.key.to_owned()),
            status: vec!["draft".into(), "published".into(), "archived".into()],
            ..PracticeFilter::default()
        };
        let one = Page {
            offset: 0,
            limit: 1,
        };
        let found = practices::list(
            conn,
            Some(writer.principal),
            filter,
            None,
            "title",
            one,
            false,
        )
        .await?;
        if !found.items.is_empty() {
            continue;
        }
        let lookup = |codes: &[&str], map: &std::collections::BTreeMap<String, uuid::Uuid>| {
            codes
                .iter()
                .filter_map(|c| map.get(*c).copied())
                .collect::<Vec<_>>()
        };
        let published = e.published.map(day).transpose()?;
        // An archived practice was published first.
        let first = match e.status {
            PracticeStatus::Archived => PracticeStatus::Published,
            other => other,
        };
        let input = PracticeCreate {
            title: e.title.into(),
            summary: e.summary.into(),
            body: e.body.into(),
            themes: e.themes.to_vec(),
            tags: e.tags.iter().map(|t| (*t).to_owned()).collect(),
            challenge_ids: lookup(e.challenges, &example.challenges),
            initiative_ids: lookup(e.initiatives, &example.initiatives),
            region_id: Some(e.region.into()),
            organisation_id: example.organisation(e.organisation),
            regions: vec![e.region.into()],
            municipalities: e.municipalities.iter().map(|m| (*m).to_owned()).collect(),
            evidence: e.evidence.map(|level| Evidence {
                level,
                assessed_by: None,
                assessed_on: None,
            }),
            status: Some(first),
            published_on: published,
            review_due: published.and_then(|p| p.checked_add_months(chrono::Months::new(24))),
            external_id: Some(e.key.into()),
            example: true,
            ..PracticeCreate::default()
        };
        let created = practices::create(conn, writer, input).await?;
        if e.status == PracticeStatus::Archived {
            let patch = practices::PracticePatch {
                status: Some(PracticeStatus::Archived),
                ..practices::PracticePatch::default()
            };
            practices::update(conn, writer, created.id, Some(created.version), patch).await?;
        }
        added += 1;
    }
    Ok(added)
}
