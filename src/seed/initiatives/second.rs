//! Initiatives of actions A09 to A17.

use super::Work;
use crate::domain::WorkStatus::{Completed, Delayed, Dropped, InProgress, Planned};
use crate::seed::{day, up};

#[rustfmt::skip]
pub(super) const WORK: &[Work] = &[
    Work {
        code: "A09.1", title: "Voorbeeld: Energiescans bij huurders in Brugge",
        lead: "example-org-10", partners: &["example-org-13"], regions: &["west-vlaanderen"], municipalities: &["31005"],
        weight: 1.0, start: day(2020, 10, 1), end: Some(day(2023, 3, 31)),
        timeline: &[
            up(day(2020, 11, 2), InProgress, Some(15), "Energiesnoeiers opgeleid; eerste scans bij sociale huurders."),
            up(day(2022, 2, 21), InProgress, Some(65), "Negenhonderd scans uitgevoerd; de energiefactuur daalt gemiddeld met 12 %."),
            up(day(2023, 3, 30), Completed, None, "Afgerond en opgenomen in het lokale energiebeleid."),
        ],
    },
    Work {
        code: "A09.2", title: "Voorbeeld: Energiefonds voor gezinnen in Sint-Truiden",
        lead: "example-org-17", partners: &["example-org-2"], regions: &["limburg"], municipalities: &["71053"],
        weight: 1.0, start: day(2022, 9, 1), end: None,
        timeline: &[
            up(day(2022, 10, 3), InProgress, Some(20), "Fonds opgericht met steun van het ziekenfonds en het CAW."),
            up(day(2025, 2, 17), InProgress, Some(45), "Driehonderd gezinnen geholpen; nieuwe middelen nodig voor de volgende winter."),
        ],
    },
    Work {
        code: "A09.3", title: "Voorbeeld: Klimaatrechtvaardigheid in de wijk",
        lead: "example-org-20", partners: &["example-org-9"], regions: &["oost-vlaanderen", "vlaams-brabant"], municipalities: &["44021", "24062"],
        weight: 1.5, start: day(2021, 5, 1), end: Some(day(2025, 12, 31)),
        timeline: &[
            up(day(2021, 6, 7), InProgress, Some(15), "Wijkbewoners brengen hitte-eilanden en tochtige woningen in kaart."),
            up(day(2023, 10, 9), InProgress, Some(40), "Voorstellen overgemaakt aan beide steden."),
            up(day(2026, 9, 14), Delayed, Some(45), "Uitvoering wacht op de renovatieplannen van de steden."),
        ],
    },
    Work {
        code: "A10.1", title: "Voorbeeld: Samentuinen in Turnhout",
        lead: "example-org-24", partners: &[], regions: &["antwerpen"], municipalities: &["13040"],
        weight: 0.5, start: day(2022, 3, 1), end: None,
        timeline: &[
            up(day(2022, 4, 11), InProgress, Some(25), "Eerste samentuin aangelegd op een braakliggend terrein."),
            up(day(2026, 10, 26), InProgress, Some(70), "Drie samentuinen; de oogst gaat deels naar de sociale kruidenier."),
        ],
    },
    Work {
        code: "A10.2", title: "Voorbeeld: Groene speelplaatsen open voor de buurt",
        lead: "example-org-6", partners: &[], regions: &["brussel"], municipalities: &["21004"],
        weight: 0.5, start: day(2026, 9, 1), end: None,
        timeline: &[
            up(day(2026, 10, 12), Planned, None, "Projectvoorstel ingediend; de scholen beslissen in december."),
        ],
    },
    Work {
        code: "A11.1", title: "Voorbeeld: Onderzoek naar vertrouwen in de hulpverlening",
        lead: "example-org-4", partners: &["example-org-22"], regions: &["vlaams-brabant"], municipalities: &[],
        weight: 1.0, start: day(2020, 9, 1), end: Some(day(2022, 6, 30)),
        timeline: &[
            up(day(2020, 10, 5), InProgress, Some(20), "Interviews met 60 gebruikers en 40 sociaal werkers gepland."),
            up(day(2021, 11, 22), InProgress, Some(70), "Analyse van de interviews afgerond."),
            up(day(2022, 6, 27), Completed, None, "Onderzoeksrapport en aanbevelingen gepubliceerd."),
        ],
    },
    Work {
        code: "A11.2", title: "Voorbeeld: Vaste contactpersoon voor elk gezin",
        lead: "example-org-7", partners: &[], regions: &["limburg"], municipalities: &[],
        weight: 1.0, start: day(2021, 1, 1), end: None,
        timeline: &[
            up(day(2021, 2, 8), InProgress, Some(10), "Proef met een vaste contactpersoon in één team."),
            up(day(2023, 1, 16), Dropped, None, "Stopgezet na de evaluatie; de werkwijze wordt meegenomen in A01.2."),
        ],
    },
    Work {
        code: "A12.1", title: "Voorbeeld: Afsprakenkader gedeeld beroepsgeheim",
        lead: "example-org-23", partners: &["example-org-22"], regions: &["vlaanderen"], municipalities: &[],
        weight: 1.0, start: day(2021, 1, 1), end: None,
        timeline: &[
            up(day(2021, 3, 8), InProgress, Some(15), "Juridische werkgroep gestart."),
            up(day(2023, 6, 12), InProgress, Some(50), "Ontwerp van afsprakenkader getest in vier casusoverleggen."),
            up(day(2026, 9, 29), InProgress, Some(80), "Definitieve tekst ligt voor bij de sectorfederaties."),
        ],
    },
    Work {
        code: "A12.2", title: "Voorbeeld: Vorming beroepsgeheim voor vrijwilligers",
        lead: "example-org-13", partners: &[], regions: &["west-vlaanderen"], municipalities: &[],
        weight: 0.5, start: day(2024, 9, 1), end: None,
        timeline: &[
            up(day(2024, 5, 6), Planned, None, "Vormingspakket in voorbereiding; start voorzien in het najaar."),
        ],
    },
    Work {
        code: "A13.1", title: "Voorbeeld: Casusoverleg rond dak- en thuisloosheid in Gent",
        lead: "example-org-8", partners: &["example-org-3"], regions: &["oost-vlaanderen"], municipalities: &["44021"],
        weight: 1.0, start: day(2020, 9, 1), end: Some(day(2025, 3, 31)),
        timeline: &[
            up(day(2020, 10, 19), InProgress, Some(20), "Maandelijks casusoverleg met OCMW, CAW, ziekenfonds en psychiatrie."),
            up(day(2023, 2, 13), InProgress, Some(70), "85 mensen aan een woning geholpen via het overleg."),
            up(day(2025, 3, 28), Completed, None, "Overleg verankerd in de lokale aanpak van dakloosheid."),
        ],
    },
    Work {
        code: "A13.2", title: "Voorbeeld: Wijkgezondheid en welzijn in één team",
        lead: "example-org-15", partners: &["example-org-1", "example-org-12"], regions: &["antwerpen"], municipalities: &["12025"],
        weight: 1.5, start: day(2021, 6, 1), end: None,
        timeline: &[
            up(day(2021, 7, 5), InProgress, Some(15), "Gezamenlijk team van verpleegkundigen en maatschappelijk werkers."),
            up(day(2024, 1, 22), InProgress, Some(50), "Gedeeld dossier in gebruik na toestemming van de cliënt."),
            up(day(2026, 11, 9), InProgress, Some(75), "Tweede wijkteam gestart."),
        ],
    },
    Work {
        code: "A13.3", title: "Voorbeeld: Jeugdhulp en OCMW aan één tafel",
        lead: "example-org-9", partners: &[], regions: &["vlaams-brabant"], municipalities: &["24062"],
        weight: 1.0, start: day(2022, 1, 1), end: Some(day(2025, 6, 30)),
        timeline: &[
            up(day(2022, 1, 31), InProgress, Some(20), "Afspraken gemaakt over gezamenlijke intake voor jongvolwassenen."),
            up(day(2025, 9, 15), Delayed, Some(40), "De jeugdhulp herstructureert; het overleg ligt voorlopig stil."),
        ],
    },
    Work {
        code: "A14.1", title: "Voorbeeld: Samenwerking CAW en digitale burgerinitiatieven",
        lead: "example-org-2", partners: &["example-org-25"], regions: &["limburg"], municipalities: &[],
        weight: 1.0, start: day(2022, 5, 1), end: None,
        timeline: &[
            up(day(2022, 6, 13), InProgress, Some(20), "Charter voor samenwerking met burgerinitiatieven opgesteld."),
            up(day(2026, 8, 17), InProgress, Some(60), "Zes burgerinitiatieven werken met een vaste contactpersoon bij het CAW."),
        ],
    },
    Work {
        code: "A14.2", title: "Voorbeeld: Kennisbundel hybride sociaal werk",
        lead: "example-org-18", partners: &["example-org-22"], regions: &["vlaanderen"], municipalities: &[],
        weight: 1.0, start: day(2021, 1, 1), end: Some(day(2024, 6, 30)),
        timeline: &[
            up(day(2021, 2, 1), InProgress, Some(10), "Literatuurstudie en casestudies gestart."),
            up(day(2022, 5, 24), InProgress, Some(50), "Tussentijdse bevindingen voorgesteld op de Sociaalwerkconferentie."),
            up(day(2024, 6, 17), Completed, None, "Kennisbundel gepubliceerd."),
        ],
    },
    Work {
        code: "A15.1", title: "Voorbeeld: Sociale coöperatie voor klusjesdiensten",
        lead: "example-org-20", partners: &[], regions: &["oost-vlaanderen"], municipalities: &["41002"],
        weight: 0.5, start: day(2027, 3, 1), end: None,
        timeline: &[],
    },
    Work {
        code: "A15.2", title: "Voorbeeld: Sociale kruidenier met tewerkstelling",
        lead: "example-org-14", partners: &[], regions: &["brussel"], municipalities: &["21015"],
        weight: 0.5, start: day(2021, 4, 1), end: None,
        timeline: &[
            up(day(2021, 5, 3), InProgress, Some(20), "Kruidenier geopend met vier mensen in een werkervaringstraject."),
            up(day(2024, 12, 2), InProgress, Some(55), "Verhuis naar een groter pand in voorbereiding."),
        ],
    },
    Work {
        code: "A16.1", title: "Voorbeeld: Automatische toekenning van de verhoogde tegemoetkoming",
        lead: "example-org-15", partners: &["example-org-1"], regions: &["antwerpen"], municipalities: &[],
        weight: 1.5, start: day(2021, 1, 1), end: None,
        timeline: &[
            up(day(2021, 1, 25), InProgress, Some(10), "Gegevensuitwisseling tussen ziekenfonds en OCMW voorbereid."),
            up(day(2023, 5, 8), InProgress, Some(45), "1.200 gezinnen proactief aangeschreven."),
            up(day(2026, 10, 1), InProgress, Some(70), "Werkwijze uitgebreid naar de schooltoelage."),
        ],
    },
    Work {
        code: "A16.2", title: "Voorbeeld: Huisbezoeken bij 65-plussers zonder aanvullende rechten",
        lead: "example-org-16", partners: &["example-org-10", "example-org-13"], regions: &["west-vlaanderen"], municipalities: &["31005", "34022"],
        weight: 1.0, start: day(2022, 3, 1), end: Some(day(2025, 12, 31)),
        timeline: &[
            up(day(2022, 3, 28), InProgress, Some(15), "Lijst van 65-plussers zonder aanvullende rechten opgesteld."),
            up(day(2024, 3, 11), InProgress, Some(40), "Vierhonderd huisbezoeken; een op drie krijgt een recht toegekend."),
            up(day(2026, 7, 20), Delayed, Some(45), "Te weinig vrijwilligers voor de huisbezoeken; werving loopt."),
        ],
    },
    Work {
        code: "A16.3", title: "Voorbeeld: Rechtenwinkel in Leuven",
        lead: "example-org-9", partners: &["example-org-3", "example-org-27", "example-org-28"], regions: &["vlaams-brabant"], municipalities: &["24062"],
        weight: 1.0, start: day(2023, 1, 1), end: None,
        timeline: &[
            up(day(2023, 2, 20), InProgress, Some(20), "Rechtenwinkel open op marktdag."),
            up(day(2026, 11, 12), InProgress, Some(55), "Vaste samenwerking met de sociale dienst van het ziekenfonds."),
        ],
    },
    Work {
        code: "A17.1", title: "Voorbeeld: Sociale bus in de Westhoek",
        lead: "example-org-10", partners: &["example-org-16"], regions: &["west-vlaanderen"], municipalities: &[],
        weight: 1.5, start: day(2023, 1, 1), end: None,
        timeline: &[
            up(day(2023, 3, 6), InProgress, Some(20), "De sociale bus rijdt wekelijks langs acht dorpen."),
            up(day(2026, 9, 1), InProgress, Some(60), "Ook rechtenverkenning en digitale hulp aan boord."),
        ],
    },
    Work {
        code: "A17.2", title: "Voorbeeld: Mobiele permanentie in het Haspengouwse platteland",
        lead: "example-org-7", partners: &[], regions: &["limburg"], municipalities: &[],
        weight: 1.0, start: day(2027, 1, 1), end: None,
        timeline: &[],
    },
];
