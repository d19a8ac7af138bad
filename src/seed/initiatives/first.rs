//! Initiatives of actions A01 to A08.

use super::Work;
use crate::domain::WorkStatus::{Completed, Delayed, Dropped, InProgress};
use crate::seed::{day, up};

#[rustfmt::skip]
pub(super) const WORK: &[Work] = &[
    Work {
        code: "A01.1", title: "Voorbeeld: Sociaal werker in de eerstelijnszone Mechelen",
        lead: "example-org-1", partners: &["example-org-12"], regions: &["antwerpen"], municipalities: &["12025"],
        weight: 1.0, start: day(2020, 9, 1), end: Some(day(2024, 6, 30)),
        timeline: &[
            up(day(2020, 9, 15), InProgress, Some(10), "Startoverleg met de zorgraad en het CAW; de sociaal werker is aangeworven."),
            up(day(2022, 3, 1), InProgress, Some(60), "Vaste zitdag in twee huisartsenpraktijken; 140 mensen doorverwezen naar het OCMW."),
            up(day(2024, 6, 28), Completed, None, "De functie is structureel opgenomen in de werking van de eerstelijnszone."),
        ],
    },
    Work {
        code: "A01.2", title: "Voorbeeld: Buurtgerichte zorg in Genk",
        lead: "example-org-7", partners: &["example-org-2"], regions: &["limburg"], municipalities: &["71016"],
        weight: 1.5, start: day(2021, 1, 1), end: None,
        timeline: &[
            up(day(2021, 2, 1), InProgress, Some(15), "Buurtteams samengesteld in drie wijken."),
            up(day(2023, 9, 15), InProgress, Some(45), "Evaluatie met bewoners: de buurtteams worden uitgebreid naar twee nieuwe wijken."),
            up(day(2026, 10, 5), InProgress, Some(70), "Vijf buurtteams actief; het model wordt beschreven voor andere gemeenten."),
        ],
    },
    Work {
        code: "A01.3", title: "Voorbeeld: Sociale kaart voor de eerstelijnszone Brugge",
        lead: "example-org-10", partners: &["example-org-13", "example-org-16"], regions: &["west-vlaanderen"], municipalities: &["31005"],
        weight: 1.0, start: day(2021, 4, 1), end: Some(day(2024, 12, 31)),
        timeline: &[
            up(day(2021, 5, 10), InProgress, Some(20), "Inventaris van het sociale aanbod gestart met de partners."),
            up(day(2025, 3, 14), Delayed, Some(40), "De technische partner haakte af; een nieuwe partner wordt gezocht."),
        ],
    },
    Work {
        code: "A02.1", title: "Voorbeeld: Lerend netwerk digitaal sociaal werk",
        lead: "example-org-4", partners: &["example-org-22"], regions: &["vlaanderen"], municipalities: &[],
        weight: 1.0, start: day(2020, 10, 1), end: Some(day(2023, 6, 30)),
        timeline: &[
            up(day(2020, 10, 20), InProgress, Some(10), "Eerste bijeenkomst van het lerend netwerk met 25 organisaties."),
            up(day(2022, 1, 18), InProgress, Some(55), "Acht praktijken beschreven; online hulpverlening staat centraal."),
            up(day(2023, 6, 20), Completed, None, "Eindpublicatie verschenen met twaalf uitgewerkte praktijken."),
        ],
    },
    Work {
        code: "A02.2", title: "Voorbeeld: Chat met het Sociaal Huis in Gent",
        lead: "example-org-8", partners: &[], regions: &["oost-vlaanderen"], municipalities: &["44021"],
        weight: 1.0, start: day(2022, 3, 1), end: None,
        timeline: &[
            up(day(2022, 4, 4), InProgress, Some(20), "Proefperiode van de chat gestart op weekdagen."),
            up(day(2024, 2, 12), InProgress, Some(50), "De chat draait het hele jaar; gemiddeld 300 gesprekken per maand."),
            up(day(2026, 9, 22), InProgress, Some(75), "Koppeling met het cliëntdossier in gebruik genomen."),
        ],
    },
    Work {
        code: "A02.3", title: "Voorbeeld: App voor vrijwilligers in de buurtwerking",
        lead: "example-org-6", partners: &["example-org-14"], regions: &["brussel"], municipalities: &["21004"],
        weight: 0.5, start: day(2020, 11, 1), end: None,
        timeline: &[
            up(day(2021, 1, 11), InProgress, Some(15), "Behoeftenbevraging bij vrijwilligers afgerond."),
            up(day(2022, 6, 30), Dropped, None, "Stopgezet: een bestaande app van de stad voldoet; de middelen gaan naar vorming."),
        ],
    },
    Work {
        code: "A03.1", title: "Voorbeeld: Buurtkracht en OCMW samen in Turnhout",
        lead: "example-org-24", partners: &["example-org-1"], regions: &["antwerpen"], municipalities: &["13040"],
        weight: 1.0, start: day(2021, 3, 1), end: None,
        timeline: &[
            up(day(2021, 3, 15), InProgress, Some(10), "Afsprakenkader tussen het burgerinitiatief en het OCMW opgesteld."),
            up(day(2023, 5, 2), InProgress, Some(40), "Gezamenlijke zitdagen in het buurthuis, twee keer per maand."),
            up(day(2025, 1, 20), InProgress, Some(55), "Nieuwe coördinator bij het burgerinitiatief; de samenwerking loopt verder."),
        ],
    },
    Work {
        code: "A03.2", title: "Voorbeeld: Verenigingen als brug naar hulp in Leuven",
        lead: "example-org-9", partners: &["example-org-4"], regions: &["vlaams-brabant"], municipalities: &["24062"],
        weight: 1.0, start: day(2020, 9, 1), end: Some(day(2025, 6, 30)),
        timeline: &[
            up(day(2020, 10, 1), InProgress, Some(10), "Twintig verenigingen tekenden het engagement."),
            up(day(2023, 3, 20), InProgress, Some(70), "Vorming 'signalen herkennen' gegeven aan 180 vrijwilligers."),
            up(day(2025, 6, 24), Completed, None, "Afgerond; de vorming zit voortaan in het vaste aanbod van de gemeente."),
        ],
    },
    Work {
        code: "A03.3", title: "Voorbeeld: Dorpsrestaurants in de Westhoek",
        lead: "example-org-5", partners: &["example-org-10"], regions: &["west-vlaanderen"], municipalities: &[],
        weight: 0.5, start: day(2022, 1, 1), end: None,
        timeline: &[
            up(day(2022, 2, 7), InProgress, Some(20), "Eerste dorpsrestaurant open, met vrijwilligers uit de buurtvereniging."),
            up(day(2026, 8, 28), InProgress, Some(60), "Vier dorpsrestaurants; een sociaal werker komt maandelijks langs."),
        ],
    },
    Work {
        code: "A04.1", title: "Voorbeeld: Geïntegreerd breed onthaal Genk en Sint-Truiden",
        lead: "example-org-2", partners: &["example-org-7", "example-org-17"], regions: &["limburg"], municipalities: &["71016", "71053"],
        weight: 2.0, start: day(2020, 6, 1), end: None,
        timeline: &[
            up(day(2020, 6, 15), InProgress, Some(10), "Samenwerkingsovereenkomst OCMW, CAW en ziekenfonds ondertekend."),
            up(day(2022, 10, 3), InProgress, Some(45), "Gezamenlijk onthaal in beide gemeenten; rechtenverkenning bij elk eerste gesprek."),
            up(day(2026, 10, 14), InProgress, Some(70), "Proactieve opsporing met gegevens van het ziekenfonds gestart."),
        ],
    },
    Work {
        code: "A04.2", title: "Voorbeeld: Rechtenverkenner in Aalst",
        lead: "example-org-3", partners: &["example-org-8", "example-org-19", "example-org-26"], regions: &["oost-vlaanderen"], municipalities: &["41002"],
        weight: 1.5, start: day(2021, 2, 1), end: None,
        timeline: &[
            up(day(2021, 3, 1), InProgress, Some(15), "Rechtenverkenner uitgetest met ervaringsdeskundigen."),
            up(day(2024, 4, 15), InProgress, Some(50), "Alle onthaalmedewerkers gebruiken de rechtenverkenner."),
            up(day(2026, 11, 2), InProgress, Some(65), "Uitbreiding naar de dienstverlening van de ziekenfondsen."),
        ],
    },
    Work {
        code: "A04.3", title: "Voorbeeld: Onthaalpunt rechten in Anderlecht",
        lead: "example-org-11", partners: &["example-org-14", "example-org-29"], regions: &["brussel"], municipalities: &["21001"],
        weight: 1.0, start: day(2022, 1, 1), end: Some(day(2025, 12, 31)),
        timeline: &[
            up(day(2022, 2, 14), InProgress, Some(20), "Onthaalpunt geopend in het sociaal huis."),
            up(day(2024, 9, 9), InProgress, Some(45), "Tweetalig onthaal; de wachttijden lopen op."),
            up(day(2026, 7, 6), Delayed, Some(50), "Vertraging door personeelstekort; de einddatum wordt verschoven naar 2027."),
        ],
    },
    Work {
        code: "A04.4", title: "Voorbeeld: Handleiding voor lokale GBO-samenwerkingen",
        lead: "example-org-21", partners: &["example-org-23"], regions: &["vlaanderen"], municipalities: &[],
        weight: 1.0, start: day(2020, 3, 1), end: Some(day(2022, 5, 24)),
        timeline: &[
            up(day(2020, 4, 20), InProgress, Some(25), "Schrijfgroep met lokale besturen, CAW's en ziekenfondsen opgericht."),
            up(day(2022, 5, 24), Completed, None, "Handleiding voorgesteld op de Sociaalwerkconferentie."),
        ],
    },
    Work {
        code: "A05.1", title: "Voorbeeld: Handboek politiserend sociaal werk",
        lead: "example-org-22", partners: &["example-org-18"], regions: &["vlaanderen"], municipalities: &[],
        weight: 1.0, start: day(2020, 5, 1), end: Some(day(2022, 12, 31)),
        timeline: &[
            up(day(2020, 6, 1), InProgress, Some(10), "Praktijkverzameling gestart bij sociaal werkers."),
            up(day(2021, 9, 30), InProgress, Some(60), "Eerste versie van het handboek besproken met de regionale platformen."),
            up(day(2022, 11, 15), Completed, None, "Handboek gepubliceerd en verspreid."),
        ],
    },
    Work {
        code: "A05.2", title: "Voorbeeld: Signalenbundel van het CAW aan het lokaal bestuur",
        lead: "example-org-12", partners: &[], regions: &["antwerpen"], municipalities: &[],
        weight: 0.5, start: day(2021, 9, 1), end: None,
        timeline: &[
            up(day(2021, 10, 4), InProgress, Some(20), "Eerste signalenbundel over betaalbaar wonen overhandigd."),
            up(day(2024, 10, 21), InProgress, Some(50), "Tweede bundel over schulden; nog geen antwoord van de gemeenteraad."),
        ],
    },
    Work {
        code: "A06.1", title: "Voorbeeld: Digipunten in bibliotheken en buurthuizen",
        lead: "example-org-25", partners: &["example-org-7"], regions: &["limburg"], municipalities: &["71016"],
        weight: 1.0, start: day(2020, 9, 1), end: Some(day(2024, 3, 31)),
        timeline: &[
            up(day(2020, 10, 12), InProgress, Some(20), "Drie digipunten open met vrijwillige digicoaches."),
            up(day(2022, 4, 25), InProgress, Some(70), "Elf digipunten; 2.400 bezoekers geholpen met hun online zaken."),
            up(day(2024, 3, 29), Completed, None, "Afgerond; de digipunten worden door de gemeente verdergezet."),
        ],
    },
    Work {
        code: "A06.2", title: "Voorbeeld: Digitale hulp bij het aanvragen van rechten in Kortrijk",
        lead: "example-org-16", partners: &[], regions: &["west-vlaanderen"], municipalities: &["34022"],
        weight: 1.0, start: day(2023, 1, 1), end: None,
        timeline: &[
            up(day(2023, 2, 6), InProgress, Some(15), "Spreekuur voor digitale aanvragen in het ziekenfondskantoor."),
            up(day(2026, 9, 8), InProgress, Some(55), "Ook huisbezoeken voor wie niet tot bij het kantoor raakt."),
        ],
    },
    Work {
        code: "A06.3", title: "Voorbeeld: Digitale vaardigheden van sociaal werkers in Vilvoorde",
        lead: "example-org-4", partners: &["example-org-9"], regions: &["vlaams-brabant"], municipalities: &["23088"],
        weight: 0.5, start: day(2027, 1, 1), end: None,
        timeline: &[],
    },
    Work {
        code: "A07.1", title: "Voorbeeld: Brugfiguren in Schaarbeekse scholen",
        lead: "example-org-14", partners: &["example-org-6"], regions: &["brussel"], municipalities: &["21015"],
        weight: 1.0, start: day(2021, 9, 1), end: None,
        timeline: &[
            up(day(2021, 9, 20), InProgress, Some(15), "Twee brugfiguren aan de slag in vier basisscholen."),
            up(day(2023, 11, 6), InProgress, Some(45), "Ouderkoffies in vijf talen; de opkomst verdubbelt."),
            up(day(2026, 10, 19), InProgress, Some(70), "Uitbreiding naar drie secundaire scholen voorbereid."),
        ],
    },
    Work {
        code: "A07.2", title: "Voorbeeld: Interculturele buurtbemiddeling in Mechelen",
        lead: "example-org-1", partners: &["example-org-24"], regions: &["antwerpen"], municipalities: &["12025"],
        weight: 1.0, start: day(2021, 1, 1), end: Some(day(2024, 12, 31)),
        timeline: &[
            up(day(2021, 2, 15), InProgress, Some(15), "Bemiddelaars opgeleid, onder wie zes buurtbewoners."),
            up(day(2023, 4, 3), InProgress, Some(40), "Zestig bemiddelingen; de meeste over geluidsoverlast."),
            up(day(2025, 6, 2), Delayed, Some(45), "Subsidie voor het vervolg nog niet toegekend; de werking ligt deels stil."),
        ],
    },
    Work {
        code: "A07.3", title: "Voorbeeld: Ervaringsdeskundigen in de armoedewerking in Gent",
        lead: "example-org-19", partners: &[], regions: &["oost-vlaanderen"], municipalities: &["44021"],
        weight: 1.0, start: day(2020, 9, 1), end: Some(day(2023, 8, 31)),
        timeline: &[
            up(day(2020, 9, 28), InProgress, Some(20), "Groep van twaalf ervaringsdeskundigen samengesteld."),
            up(day(2023, 8, 30), Completed, None, "Afgerond; de ervaringsdeskundigen zetelen in de lokale adviesraad."),
        ],
    },
    Work {
        code: "A08.1", title: "Voorbeeld: Vlaamse vertaaldienst voor het sociaal werk",
        lead: "example-org-21", partners: &["example-org-15"], regions: &["vlaanderen"], municipalities: &[],
        weight: 1.0, start: day(2020, 6, 1), end: None,
        timeline: &[
            up(day(2020, 7, 1), InProgress, Some(10), "Verkenning van een gezamenlijke vertaaldienst."),
            up(day(2021, 12, 13), Dropped, None, "Niet verdergezet: vervangen door de lokale aanpak van A08.2."),
        ],
    },
    Work {
        code: "A08.2", title: "Voorbeeld: Meertalig onthaal in het sociaal huis",
        lead: "example-org-11", partners: &["example-org-6"], regions: &["brussel"], municipalities: &["21004", "21001"],
        weight: 1.0, start: day(2022, 1, 1), end: None,
        timeline: &[
            up(day(2022, 1, 24), InProgress, Some(15), "Tolken via beeldbellen beschikbaar aan het onthaal."),
            up(day(2026, 6, 15), InProgress, Some(60), "Onthaal in acht talen; folders in eenvoudige taal vernieuwd."),
        ],
    },
];
