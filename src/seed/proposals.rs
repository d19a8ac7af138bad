//! Example proposals for new actions, in every state of their life cycle,
//! each taken through the proposal's own use cases on the days the story
//! tells: an acceptance creates its action, a rejection is reconsidered.
//! Added once: not when the example plan has proposals already.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{ExamplePlan, recorded_on};
use crate::domain::proposals::{Outcome, ReasonCode, Step};
use crate::domain::{Page, Principal, PrincipalKind, Role};
use crate::service::proposals::{
    self, CommentCreate, DecisionCreate, ProposalCreate, ProposalSelection, StepNote,
};
use crate::service::{Conn, ServiceResult, Writer};

/// What happens to an example proposal after it is written, in order.
enum Event {
    Submit,
    Review,
    Withdraw(&'static str),
    Decide(Outcome, Option<ReasonCode>, &'static str),
    /// A decision that supersedes the latest one.
    Reconsider(Outcome, &'static str),
    Comment(&'static str),
}

struct Example {
    title: &'static str,
    rationale: &'static str,
    region: &'static str,
    challenges: &'static [&'static str],
    organisations: &'static [&'static str],
    /// The day it was written; each event follows three weeks later.
    written: NaiveDate,
    events: &'static [Event],
}

const MEETING: &str = "Stuurgroep Sterk Sociaal Werk";

const EXAMPLES: &[Example] = &[
    Example {
        title: "Voorbeeld: Mobiele sociale permanenties in landelijke gemeenten",
        rationale: "In kleine gemeenten is er geen vast onthaal van OCMW of CAW. Een mobiele permanentie komt wekelijks naar het dorpshuis, zodat mensen hun rechten opnemen zonder een dag te reizen.",
        region: "west-vlaanderen",
        challenges: &["U1", "U8"],
        organisations: &["example-org-5"],
        written: super::day(2024, 9, 2),
        events: &[
            Event::Submit,
            Event::Comment("Kunnen jullie aangeven in welke gemeenten jullie willen starten?"),
            Event::Review,
            Event::Decide(
                Outcome::Accepted,
                Some(ReasonCode::FitsPlan),
                "Sluit aan bij uitdaging 1; start in drie gemeenten.",
            ),
        ],
    },
    Example {
        title: "Voorbeeld: Een gedeeld schuldhulpdossier voor OCMW en CAW",
        rationale: "Mensen met schulden vertellen hun verhaal twee keer. Een gedeeld dossier, met hun toestemming, voorkomt dat.",
        region: "oost-vlaanderen",
        challenges: &["U8"],
        organisations: &["example-org-8"],
        written: super::day(2024, 10, 7),
        events: &[
            Event::Submit,
            Event::Review,
            Event::Decide(
                Outcome::Rejected,
                Some(ReasonCode::Duplicate),
                "Het geïntegreerd breed onthaal werkt hier al aan; sluit aan bij de GBO-werkgroep.",
            ),
        ],
    },
    Example {
        title: "Voorbeeld: Buddywerking voor jongeren die de jeugdhulp verlaten",
        rationale: "Op achttien valt de jeugdhulp weg. Een vrijwillige buddy helpt het eerste jaar met wonen, geld en werk.",
        region: "antwerpen",
        challenges: &["U3"],
        organisations: &["example-org-12"],
        written: super::day(2024, 11, 4),
        events: &[
            Event::Submit,
            Event::Decide(
                Outcome::Returned,
                Some(ReasonCode::NeedsMoreDetail),
                "Graag een raming van het aantal jongeren en wie de buddy's begeleidt.",
            ),
            Event::Comment("We werken de raming uit met de jeugdhulpregie."),
        ],
    },
    Example {
        title: "Voorbeeld: De sociale kruidenier als ontmoetingsplek",
        rationale: "De sociale kruidenier bereikt gezinnen die geen hulp vragen. Met een koffiehoek en een wekelijkse permanentie wordt hij een toegangspoort.",
        region: "limburg",
        challenges: &["U1"],
        organisations: &[],
        written: super::day(2025, 1, 13),
        events: &[Event::Submit, Event::Review],
    },
    Example {
        title: "Voorbeeld: Een digitale helpdesk in de bibliotheek",
        rationale: "Steeds meer rechten vraag je online aan. Vrijwilligers in de bibliotheek helpen wie dat niet alleen kan.",
        region: "vlaams-brabant",
        challenges: &["U1"],
        organisations: &[],
        written: super::day(2025, 2, 3),
        events: &[Event::Submit],
    },
    Example {
        title: "Voorbeeld: Vorming over armoede voor lokale besturen",
        rationale: "",
        region: "brussel",
        challenges: &[],
        organisations: &[],
        written: super::day(2025, 2, 17),
        events: &[],
    },
    Example {
        title: "Voorbeeld: Taalcafés in de wijkgezondheidscentra",
        rationale: "Wie de taal nog leert, vindt moeilijk de weg naar zorg. Een taalcafé in het wijkgezondheidscentrum verlaagt de drempel.",
        region: "limburg",
        challenges: &["U1"],
        organisations: &[],
        written: super::day(2024, 12, 2),
        events: &[
            Event::Submit,
            Event::Withdraw("Het wijkgezondheidscentrum neemt dit op in zijn eigen werking."),
        ],
    },
    Example {
        title: "Voorbeeld: Een netwerk van ervaringsdeskundigen in armoede",
        rationale: "Ervaringsdeskundigen maken diensten toegankelijker. Een regionaal netwerk deelt hun inzet over de organisaties heen.",
        region: "oost-vlaanderen",
        challenges: &["U1", "U8"],
        organisations: &["example-org-8"],
        written: super::day(2024, 6, 3),
        events: &[
            Event::Submit,
            Event::Review,
            Event::Decide(
                Outcome::Rejected,
                Some(ReasonCode::LacksSupport),
                "Er is nog geen partner die het netwerk trekt.",
            ),
            Event::Reconsider(
                Outcome::Accepted,
                "Het CAW trekt het netwerk; de stuurgroep herziet haar beslissing.",
            ),
        ],
    },
];

/// The example proposals this run added.
pub(super) async fn add(conn: &mut Conn, example: &ExamplePlan) -> ServiceResult<usize> {
    // The command line acts as steering: only steering decides.
    let steering = Principal {
        id: Uuid::nil(),
        kind: PrincipalKind::User,
        role: Role::Steering,
        region_id: None,
        organisation_id: None,
        session_id: None,
    };
    let writer = Writer::command_line_as(&steering);
    let existing = proposals::list(
        conn,
        &steering,
        ProposalSelection {
            plans: vec![example.plan_id],
            ..ProposalSelection::default()
        },
        "title",
        Page {
            offset: 0,
            limit: 1,
        },
    )
    .await?;
    if existing.1 > 0 {
        return Ok(0);
    }
    for e in EXAMPLES {
        let mut day = e.written;
        recorded_on(conn, day).await?;
        let lookup = |codes: &[&str]| {
            codes
                .iter()
                .filter_map(|c| example.challenges.get(*c).copied())
                .collect::<Vec<_>>()
        };
        let created = proposals::create(
            conn,
            &writer,
            ProposalCreate {
                plan_id: example.plan_id,
                region_id: Some(e.region.to_owned()),
                title: e.title.to_owned(),
                rationale: Some(e.rationale.to_owned()),
                challenge_ids: lookup(e.challenges),
                organisation_ids: e
                    .organisations
                    .iter()
                    .filter_map(|k| example.organisation(k))
                    .collect(),
                practice_ids: Vec::new(),
                example: true,
            },
        )
        .await?;
        for event in e.events {
            day = day + chrono::Days::new(21);
            recorded_on(conn, day).await?;
            happen(conn, &writer, created.id, event, day).await?;
        }
    }
    crate::service::record::recorded_at(conn, None).await?;
    Ok(EXAMPLES.len())
}

async fn happen(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    event: &Event,
    day: NaiveDate,
) -> ServiceResult<()> {
    let note = |text: &str| StepNote {
        note: (!text.is_empty()).then(|| text.to_owned()),
    };
    let decision = |outcome, reason_code, reason: &str, supersedes| DecisionCreate {
        outcome,
        reason_code,
        reason: Some(reason.to_owned()),
        meeting: Some(format!("{MEETING} {}", day.format("%d-%m-%Y"))),
        meeting_on: Some(day),
        supersedes,
    };
    match event {
        Event::Submit => {
            proposals::submit(conn, writer, id, None, note("")).await?;
        }
        Event::Review => {
            proposals::step(conn, writer, id, None, Step::Review, note("")).await?;
        }
        Event::Withdraw(why) => {
            proposals::step(conn, writer, id, None, Step::Withdraw, note(why)).await?;
        }
        Event::Decide(outcome, code, why) => {
            let input = decision(*outcome, *code, why, None);
            proposals::decide(conn, writer, id, None, input).await?;
        }
        Event::Reconsider(outcome, why) => {
            let latest = proposals::read(conn, writer.principal, id)
                .await?
                .decision_id;
            let input = decision(*outcome, None, why, latest);
            proposals::decide(conn, writer, id, None, input).await?;
        }
        Event::Comment(text) => {
            let input = CommentCreate {
                body: (*text).to_owned(),
            };
            proposals::add_comment(conn, writer, id, input).await?;
        }
    }
    Ok(())
}
