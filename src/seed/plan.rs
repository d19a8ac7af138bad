//! The example plan, its eight challenges and its 17 actions.

use chrono::NaiveDate;

use super::{ExamplePlan, PLAN_CODE, PLAN_RECORDED, Update, day, post_timeline, recorded_on, up};
use crate::domain::WorkStatus::{Completed, InProgress};
use crate::domain::{ActionOrigin, PlanStatus};
use crate::service::actions::{self, ActionCreate};
use crate::service::challenges::{self, ChallengeCreate};
use crate::service::plans::{self, PlanCreate};
use crate::service::progress::Timeline;
use crate::service::{Conn, ServiceError, ServiceResult, Writer};

const PLAN_TITLE: &str = "Voorbeeld — Actieplan Sterk Sociaal Werk 2020-2024";
const PLAN_DESCRIPTION: &str = "Voorbeelddata om de API te verkennen: een verzonnen plan \
    met verzonnen acties, initiatieven en organisaties. Dit is niet het echte actieplan \
    Sterk Sociaal Werk; elk record ervan heeft `example: true`.";

/// The eight societal challenges: code, title, description.
#[rustfmt::skip]
const CHALLENGES: &[(&str, &str, &str)] = &[
    ("U1", "Voorbeeld: Vermaatschappelijking", "Zorg en ondersteuning in de samenleving, met buren, vrijwilligers en mantelzorgers."),
    ("U2", "Voorbeeld: Digitalisering", "Een digitale samenleving waarin niemand uit de boot valt."),
    ("U3", "Voorbeeld: Superdiverse context", "Sociaal werk in buurten waar vele talen, culturen en migratiegeschiedenissen samenkomen."),
    ("U4", "Voorbeeld: Ecologie en sociaal beleid", "Klimaat, energie en leefomgeving als sociale vraagstukken."),
    ("U5", "Voorbeeld: Werken in/met vertrouwen", "Vertrouwen tussen burgers, sociaal werkers en overheden."),
    ("U6", "Voorbeeld: Multidisciplinaire context", "Samenwerken over sectoren en beroepen heen."),
    ("U7", "Voorbeeld: Hybridisering", "Publiek, privaat, vrijwillig en informeel sociaal werk lopen door elkaar."),
    ("U8", "Voorbeeld: Onderbescherming", "Mensen krijgen niet de rechten waar ze recht op hebben."),
];

/// An action of the data set.
struct Action {
    number: i32,
    title: &'static str,
    /// Codes of the challenges it serves.
    challenges: &'static [&'static str],
    /// `externalId`s of the example organisations that lead it.
    leads: &'static [&'static str],
    weight: f64,
    /// The regional platform that proposed it, for an accepted regional proposal.
    proposed_by: Option<&'static str>,
    start: NaiveDate,
    end: NaiveDate,
}

#[expect(clippy::too_many_arguments, reason = "one row of a table")]
const fn action(
    number: i32,
    title: &'static str,
    challenges: &'static [&'static str],
    leads: &'static [&'static str],
    weight: f64,
    proposed_by: Option<&'static str>,
    start: NaiveDate,
    end: NaiveDate,
) -> Action {
    Action {
        number,
        title,
        challenges,
        leads,
        weight,
        proposed_by,
        start,
        end,
    }
}

const START: NaiveDate = day(2020, 1, 1);
const END: NaiveDate = day(2024, 12, 31);

#[rustfmt::skip]
const ACTIONS: &[Action] = &[
    action(1, "Voorbeeld: Sociaal werk versterken in de eerstelijnszones", &["U1", "U6"], &["example-org-23", "example-org-22"], 2.0, None, START, END),
    action(2, "Voorbeeld: Impulsen voor nieuwe digitale praktijken", &["U2"], &["example-org-4"], 1.5, None, START, END),
    action(3, "Voorbeeld: Samenwerking tussen formeel sociaal werk, burgerinitiatieven en verenigingen", &["U1", "U7"], &["example-org-22"], 1.5, None, START, END),
    action(4, "Voorbeeld: Onderbescherming aanpakken met geïntegreerd breed onthaal", &["U8"], &["example-org-21", "example-org-23"], 2.0, None, START, END),
    action(5, "Voorbeeld: Sociaal werk politiseren", &["U5"], &["example-org-22"], 1.0, None, START, END),
    action(6, "Voorbeeld: Digitale inclusie van kwetsbare burgers", &["U2", "U8"], &["example-org-25"], 1.0, None, START, END),
    action(7, "Voorbeeld: Werken in een superdiverse buurt", &["U3"], &["example-org-14"], 1.0, None, START, END),
    action(8, "Voorbeeld: Meertalige toegang tot hulp en rechten", &["U3", "U8"], &["example-org-21"], 0.5, None, START, END),
    action(9, "Voorbeeld: Energiearmoede en klimaatrechtvaardigheid", &["U4"], &["example-org-20"], 1.0, None, START, END),
    action(10, "Voorbeeld: Groene ruimte en sociale samenhang", &["U4", "U1"], &["example-org-24"], 0.5, None, START, END),
    action(11, "Voorbeeld: Vertrouwen tussen burger en hulpverlener", &["U5"], &["example-org-18"], 1.0, None, START, END),
    action(12, "Voorbeeld: Beroepsgeheim en gedeelde informatie", &["U5", "U6"], &["example-org-23"], 0.5, None, START, END),
    action(13, "Voorbeeld: Multidisciplinaire casusoverleggen", &["U6"], &["example-org-21", "example-org-12"], 1.0, None, START, END),
    action(14, "Voorbeeld: Hybride samenwerking tussen publiek, privaat en vrijwillig", &["U7"], &["example-org-18"], 1.0, None, START, END),
    action(15, "Voorbeeld: Sociaal ondernemerschap en hybride organisaties", &["U7"], &["example-org-20"], 0.5, None, START, END),
    action(16, "Voorbeeld: Proactieve rechtentoekenning", &["U8"], &["example-org-15", "example-org-16"], 1.5, None, START, END),
    action(17, "Voorbeeld: Mobiele sociale permanenties op het platteland", &["U1", "U8"], &["example-org-10"], 1.0, Some("west-vlaanderen"), day(2022, 10, 1), day(2026, 12, 31)),
];

const STARTED: &[Update] = &[up(
    day(2020, 6, 15),
    InProgress,
    Some(10),
    "De actie is opgestart: trekkers aangeduid, eerste overleg met de regionale platformen.",
)];

#[rustfmt::skip]
const A02: &[Update] = &[
    up(day(2020, 6, 15), InProgress, Some(10), "Startschot gegeven met een oproep voor digitale praktijken."),
    up(day(2022, 5, 24), InProgress, Some(50), "Tussentijdse stand van zaken voorgesteld op de Sociaalwerkconferentie."),
];

#[rustfmt::skip]
const A05: &[Update] = &[
    up(day(2020, 6, 15), InProgress, Some(10), "Werkgroep politisering samengesteld."),
    up(day(2024, 12, 10), Completed, None, "Handboek en vormingsaanbod afgerond; de actie is afgesloten."),
];

#[rustfmt::skip]
const A17: &[Update] = &[
    up(day(2022, 10, 20), InProgress, Some(20), "Regionaal voorstel van West-Vlaanderen aanvaard door de stuurgroep en opgestart."),
];

/// Every action starts with an update; some have more.
fn action_timeline(number: i32) -> &'static [Update] {
    match number {
        2 => A02,
        5 => A05,
        17 => A17,
        _ => STARTED,
    }
}

/// Creates the plan, its challenges and its actions with their timelines.
pub(super) async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    example: &mut ExamplePlan,
) -> ServiceResult<()> {
    recorded_on(conn, PLAN_RECORDED).await?;
    let plan = plans::create(
        conn,
        writer,
        PlanCreate {
            code: PLAN_CODE.to_owned(),
            title: PLAN_TITLE.to_owned(),
            description: Some(PLAN_DESCRIPTION.to_owned()),
            start_year: 2020,
            end_year: 2024,
            status: Some(PlanStatus::Active),
            example: true,
        },
    )
    .await?;
    example.plan_id = plan.id;
    for (number, (code, title, description)) in (1..).zip(CHALLENGES) {
        let challenge = challenges::create(
            conn,
            writer,
            ChallengeCreate {
                plan_id: plan.id,
                code: (*code).to_owned(),
                number,
                title: (*title).to_owned(),
                description: Some((*description).to_owned()),
                example: true,
            },
        )
        .await?;
        example.challenges.insert(challenge.code, challenge.id);
    }
    for a in ACTIONS {
        let challenge_ids = a
            .challenges
            .iter()
            .map(|code| known(example.challenges.get(*code), code))
            .collect::<ServiceResult<_>>()?;
        let lead_organisation_ids = a
            .leads
            .iter()
            .map(|key| known(example.organisation(key).as_ref(), key))
            .collect::<ServiceResult<_>>()?;
        recorded_on(conn, a.start).await?;
        let created = actions::create(
            conn,
            writer,
            ActionCreate {
                plan_id: plan.id,
                number: a.number,
                code: None,
                title: a.title.to_owned(),
                description: None,
                challenge_ids,
                origin: a.proposed_by.map(|_| ActionOrigin::RegionalProposal),
                proposed_by_region_id: a.proposed_by.map(str::to_owned),
                status: None,
                progress: None,
                weight: Some(a.weight),
                lead_organisation_ids,
                start_date: Some(a.start),
                end_date: Some(a.end),
                example: true,
                proposal_id: None,
            },
        )
        .await?;
        example.progress_updates_added += post_timeline(
            conn,
            writer,
            Timeline::Action(created.id),
            action_timeline(a.number),
        )
        .await?;
        example.actions.insert(created.code, created.id);
    }
    Ok(())
}

/// The id the data set names by `key`; an error when the data set is wrong.
pub(super) fn known(id: Option<&uuid::Uuid>, key: &str) -> ServiceResult<uuid::Uuid> {
    id.copied()
        .ok_or_else(|| ServiceError::Internal(format!("demo data names an unknown record {key}")))
}
