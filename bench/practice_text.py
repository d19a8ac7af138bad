"""Realistic Dutch (Flemish) good practices for the search benchmark, the
same on every run (a fixed seed): titles of about 8 words, summaries of about
40, Markdown descriptions of about 300, with Zipf-like word frequencies. The
first rows are practices the issue's examples name.

`rows(n)` yields the columns bench/search.py loads into `practices`.
"""

import random
import re

PLACES = ["Antwerpen", "Gent", "Brussel", "Leuven", "Mechelen", "Hasselt", "Brugge", "Kortrijk",
          "Oostende", "Genk", "Aalst", "Sint-Niklaas", "Roeselare", "Turnhout", "Lier", "Geel",
          "Vilvoorde", "Dendermonde", "Ieper", "Tienen", "Lokeren", "Mol", "Herentals", "Tongeren",
          "Beveren", "Ninove", "Halle", "Zaventem", "Diest", "Waregem", "Menen", "Maasmechelen",
          "Rotterdam", "Utrecht", "Amsterdam", "Eindhoven", "Tilburg", "Maastricht"]
NEIGHBOURHOODS = ["Borgerhout", "Deurne", "Kiel", "Rabot", "Brugse Poort", "Ledeberg", "Molenbeek",
                  "Anderlecht", "Kessel-Lo", "Nekkerspoel", "Heuvelwijk", "Seefhoek", "Luchtbal",
                  "Hoboken", "Sluizeken", "Muide", "Dampoort", "Nieuw Gent"]
ORGS = ["het OCMW", "de stad", "de gemeente", "het lokaal bestuur", "het buurtcentrum", "het CAW",
        "het wijkgezondheidscentrum", "de jeugddienst", "de welzijnsvereniging", "het huis van het kind",
        "de eerstelijnszone", "het sociaal huis", "de vzw", "het samenwerkingsverband",
        "de dienst welzijn", "het inloopcentrum", "de buurtwerking", "het jeugdhuis",
        "de schuldhulpverlening", "het kinderdagverblijf", "de mutualiteit", "het ziekenhuis",
        "de thuiszorgdienst", "het dienstencentrum", "de huisartsenpraktijk", "de school",
        "het centrum voor leerlingenbegeleiding", "de sociale huisvestingsmaatschappij",
        "het wijkteam", "de opbouwwerker", "de brugfiguur", "het netwerk tegen armoede"]
GROUPS = ["jongeren", "ouderen", "nieuwkomers", "kwetsbare gezinnen", "alleenstaande ouders",
          "mensen met een beperking", "mensen in armoede", "dak- en thuislozen", "kinderen",
          "tieners", "mantelzorgers", "vrijwilligers", "werkzoekenden", "studenten", "senioren",
          "anderstalige ouders", "jonge moeders", "gezinnen met jonge kinderen", "buurtbewoners",
          "mensen met psychische problemen", "langdurig zieken", "vluchtelingen",
          "mensen met schulden", "eenzame ouderen", "jongvolwassenen", "laaggeletterden"]
THEMES = ["armoedebestrijding", "schuldhulpverlening", "jeugdwerking", "vrijwilligerswerk",
          "toegankelijkheid", "samenwerking", "coördinatie", "participatie", "inburgering",
          "huisvesting", "tewerkstelling", "kinderopvang", "mantelzorg", "eenzaamheid",
          "geestelijke gezondheid", "preventie", "gezondheidspromotie", "buurtwerk",
          "onderwijsondersteuning", "taalstimulering", "opvoedingsondersteuning", "energiearmoede",
          "kinderarmoede", "woonbegeleiding", "dagbesteding", "ouderenzorg", "thuiszorg",
          "digitale inclusie", "sociale cohesie", "buurtgerichte zorg", "integrale jeugdhulp",
          "drempelverlaging", "outreachend werken", "rechtenverkenning", "voedselhulp",
          "armoedebeleid", "wijkgezondheidszorg", "eerstelijnszorg", "zorgcoördinatie",
          "jongerenwerk", "sportparticipatie", "cultuurparticipatie", "netwerkvorming"]
NOUNS = ["project", "aanpak", "werking", "initiatief", "traject", "samenwerking", "netwerk",
         "proefproject", "methodiek", "ondersteuning", "begeleiding", "dienstverlening", "aanbod",
         "werkgroep", "overleg", "ontmoetingsplek", "spreekuur", "huisbezoek", "buddywerking",
         "vorming", "campagne", "actieplan", "zorgpad", "loket", "wijkpunt", "inloopmoment",
         "workshop", "opleiding", "coaching", "intervisie", "screening", "doorverwijzing",
         "samenwerkingsverband", "partnerschap", "beleidsplan", "subsidie", "evaluatie",
         "registratie", "signaalfunctie", "vindplaats", "huiswerkbegeleiding", "speelpleinwerking",
         "vrijetijdsaanbod", "kansenpas", "uitpas", "sociale kruidenier", "repair café",
         "buurtrestaurant", "tweedehandswinkel", "woonkamer", "praatcafé", "taalcafé"]
ADJS = ["lokaal", "laagdrempelig", "geïntegreerd", "toegankelijk", "financiële", "sociaal",
        "duurzaam", "innovatief", "wijkgericht", "outreachend", "preventief", "structureel",
        "intersectoraal", "integraal", "kwetsbaar", "gratis", "betaalbaar", "meertalig",
        "digitaal", "persoonlijk", "proactief", "collectief", "individueel", "regionaal",
        "gemeentelijk", "interdisciplinair", "cultuursensitief", "inclusief", "flexibel",
        "kleinschalig", "gezamenlijk", "nieuw", "succesvol", "concreet", "tijdelijk", "permanent"]
VERBS_3 = ["ondersteunt", "begeleidt", "bereikt", "verbindt", "versterkt", "informeert",
           "activeert", "helpt", "coacht", "betrekt", "ontmoet", "organiseert", "verbetert",
           "vereenvoudigt", "bundelt", "zoekt", "signaleert", "stimuleert", "coördineert",
           "verwijst", "financiert", "evalueert", "ontwikkelt", "bevordert", "verlaagt"]
VERBS_PL = ["vinden", "krijgen", "zoeken", "leren", "nemen", "delen", "bouwen", "ontdekken",
            "ervaren", "gebruiken", "bezoeken", "volgen", "werken", "helpen", "maken"]
OBJECTS = ["hun weg", "hun rechten", "een job", "een woning", "ondersteuning", "nieuwe contacten",
           "de juiste hulp", "een luisterend oor", "meer zelfvertrouwen", "hun netwerk",
           "een stageplaats", "financiële hulp", "een betaalbare woning", "gezonde voeding",
           "een vrijwilligersjob", "toegang tot zorg", "een plek in de buurt", "hun talenten"]
OUTCOMES = ["het aantal doorverwijzingen steeg", "de wachttijden daalden",
            "meer gezinnen werden bereikt", "de drempel tot hulpverlening werd lager",
            "het niet-gebruik van rechten nam af", "de samenwerking tussen partners verbeterde",
            "deelnemers voelen zich minder eenzaam", "de schuldenlast van gezinnen daalde",
            "jongeren vonden sneller een job", "de buurt werd hechter",
            "vrijwilligers bleven langer actief", "de zorg werd beter afgestemd",
            "het vertrouwen in de dienstverlening groeide", "de kosten bleven beperkt"]
CONNECT = ["Daarnaast", "Bovendien", "Tegelijk", "Verder", "Ook", "In een tweede fase",
           "Na een evaluatie", "Sinds vorig jaar", "In samenwerking met partners",
           "Met steun van de Vlaamse overheid", "Op vraag van de bewoners", "Concreet"]
SECTIONS = ["Context", "Aanpak", "Doelgroep", "Partners", "Resultaten", "Leerpunten",
            "Financiering", "Tips voor wie wil starten", "Contact", "Tijdlijn"]
# Words that occur in only a handful of practices (the "rare word" benchmark)
RARE = ["kangoeroewoning", "zorgboerderij", "tiny house", "klusjesdienst", "fietsherstelplaats",
        "boekenruil", "zwerfvuilactie", "moestuinproject", "valpreventie", "hitteplan",
        "babbelbox", "deeltuin", "rouwcafé", "soepbar", "stiltewandeling", "breicafé"]

PROBES = [
    ("Jongeren in Antwerpen vinden hun weg",
     "Een laagdrempelige werking waarbij jongeren in Antwerpen samen met een coach hun weg vinden naar werk en opleiding.",
     "## Aanpak\n\nJongeren worden opgezocht op straat en in het jeugdhuis.\n"),
    ("Coördinatie van vrijwilligers in de wijk",
     "Het buurtcentrum organiseert de coördinatie van vrijwilligers die ouderen in de wijk helpen met boodschappen.",
     "## Aanpak\n\nEen vaste coördinator plant de inzet van de vrijwilligers.\n"),
    ("Armoedebestrijding op lokaal niveau",
     "Het lokaal bestuur bundelt de krachten van het OCMW en middenveldorganisaties om armoede structureel aan te pakken.",
     "## Context\n\nDe stad kent een hoge kinderarmoede.\n"),
    ("Wijkgezondheidscentrum als toegangspoort",
     "Het wijkgezondheidscentrum is een toegangspoort tot zorg en welzijn voor kwetsbare buurtbewoners.",
     "## Partners\n\nHuisartsen, verpleegkundigen en maatschappelijk werkers werken samen.\n"),
    ("Armoede bij gezinnen met jonge kinderen",
     "Een project rond armoede bij gezinnen met jonge kinderen in Gent.",
     "Gezinnen krijgen begeleiding.\n"),
    ("Armoede en eenzaamheid bij senioren",
     "Ouderen in armoede worden thuis bezocht door vrijwilligers.",
     "Senioren krijgen een huisbezoek.\n"),
    ("Lokaal overleg op niveau van de eerstelijnszone",
     "Partners overleggen op het niveau van de eerstelijnszone; dit is lokaal maar niet op lokaal niveau geformuleerd.",
     "Overleg.\n"),
    ("Armlastige constructies en armbanden",
     "Een praktijk die het woord arm bevat: mensen met een gebroken arm krijgen thuiszorg.",
     "Thuiszorg.\n"),
]


def zipf_weights(n, s=1.0):
    return [1.0 / (i + 1) ** s for i in range(n)]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.w = {}

    def pick(self, lst, s=0.8):
        # Zipf-like choice: early items are more frequent (realistic skew)
        key = (tuple(lst), s)
        if key not in self.w:
            ws = zipf_weights(len(lst), s)
            acc, t = [], 0.0
            for x in ws:
                t += x
                acc.append(t)
            self.w[key] = acc
        acc = self.w[key]
        x = self.r.random() * acc[-1]
        lo, hi = 0, len(acc) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if acc[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return lst[lo]

    def cap(self, s):
        return s[:1].upper() + s[1:]

    def title(self):
        r = self.r
        t = r.randrange(7)
        if t == 0:
            s = "%s voor %s in %s" % (self.cap(self.pick(THEMES)), self.pick(GROUPS), self.pick(PLACES))
        elif t == 1:
            s = "%s %s versterkt %s in %s" % (self.cap(self.pick(ADJS)), self.pick(NOUNS), self.pick(THEMES), self.pick(PLACES))
        elif t == 2:
            s = "%s in %s %s %s" % (self.cap(self.pick(GROUPS)), self.pick(PLACES), self.pick(VERBS_PL), self.pick(OBJECTS))
        elif t == 3:
            s = "%s als sleutel tot %s voor %s" % (self.cap(self.pick(NOUNS)), self.pick(THEMES), self.pick(GROUPS))
        elif t == 4:
            s = "Een %s %s rond %s in de wijk %s" % (self.pick(ADJS), self.pick(NOUNS), self.pick(THEMES), self.pick(NEIGHBOURHOODS))
        elif t == 5:
            s = "%s en %s: %s %s in %s" % (self.cap(self.pick(THEMES)), self.pick(THEMES), self.pick(ADJS), self.pick(NOUNS), self.pick(PLACES))
        else:
            s = "Hoe %s %s %s" % (self.pick(ORGS), self.pick(GROUPS), self.pick(VERBS_3))
        if self.r.random() < 0.4:
            s += " (sinds %d)" % self.r.randrange(2012, 2025)
        return s

    def sentence(self):
        r = self.r
        t = r.randrange(10)
        if t == 0:
            s = "%s %s %s met een %s %s." % (self.cap(self.pick(ORGS)), self.pick(VERBS_3), self.pick(GROUPS), self.pick(ADJS), self.pick(NOUNS))
        elif t == 1:
            s = "%s %s %s via %s." % (self.cap(self.pick(GROUPS)), self.pick(VERBS_PL), self.pick(OBJECTS), self.pick(ORGS))
        elif t == 2:
            s = "%s werkt %s samen met %s rond %s." % (self.cap(self.pick(ORGS)), self.pick(["nauw", "intensief", "structureel", "sinds 2019"]), self.pick(ORGS), self.pick(THEMES))
        elif t == 3:
            s = "%s %s de %s van %s in %s." % (self.pick(CONNECT), self.pick(VERBS_3), self.pick(["toegankelijkheid", "kwaliteit", "bereikbaarheid", "coördinatie", "zichtbaarheid", "betaalbaarheid"]), self.pick(["de dienstverlening", "het aanbod", "de zorg", "de hulpverlening", "de werking"]), self.pick(PLACES + NEIGHBOURHOODS))
        elif t == 4:
            s = "Het resultaat: %s en %s." % (self.pick(OUTCOMES), self.pick(OUTCOMES))
        elif t == 5:
            s = "De %s focust op %s, %s en %s voor %s." % (self.pick(NOUNS), self.pick(THEMES), self.pick(THEMES), self.pick(THEMES), self.pick(GROUPS))
        elif t == 6:
            s = "Een %s %s %s wekelijks %s op een vaste plek in de buurt." % (self.pick(ADJS), self.pick(["medewerker", "vrijwilliger", "brugfiguur", "opbouwwerker", "maatschappelijk werker", "huisarts", "verpleegkundige", "jeugdwerker"]), self.pick(["ontvangt", "bezoekt", "begeleidt", "spreekt"]), self.pick(GROUPS))
        elif t == 7:
            s = "%s, %s en %s zijn de belangrijkste partners in dit %s." % (self.cap(self.pick(ORGS)), self.pick(ORGS), self.pick(ORGS), self.pick(["samenwerkingsverband", "netwerk", "project", "partnerschap"]))
        elif t == 8:
            s = "Er is aandacht voor %s en %s, omdat %s vaak %s missen." % (self.pick(THEMES), self.pick(["financiële drempels", "taalbarrières", "digitale drempels", "wachtlijsten", "administratieve lasten", "mobiliteit"]), self.pick(GROUPS), self.pick(OBJECTS))
        else:
            s = "%s bereikte het %s in %d %s %s." % (self.cap(self.pick(NOUNS)), self.pick(["project", "team", "netwerk"]), r.randrange(12, 900), self.pick(["gezinnen", "jongeren", "bewoners", "deelnemers", "ouderen", "kinderen"]), self.pick(["per jaar", "in twee jaar", "sinds de start", "tijdens de proefperiode"]))
        if r.random() < 0.004:
            s = s[:-1] + " met een %s." % self.pick(RARE, 0.0)
        return s

    def summary(self):
        words, parts = 0, []
        while words < 34:
            s = self.sentence()
            parts.append(s)
            words += len(s.split())
        return " ".join(parts)

    def body(self):
        r = self.r
        out, words = [], 0
        secs = r.sample(SECTIONS, r.randrange(3, 6))
        target = r.randrange(260, 340)
        per = target // len(secs)
        for sec in secs:
            out.append("## %s\n" % sec)
            w = 0
            if r.random() < 0.3:
                items = []
                for _ in range(r.randrange(3, 6)):
                    item = "- **%s**: %s" % (self.cap(self.pick(NOUNS)), self.sentence())
                    items.append(item)
                    w += len(item.split())
                out.append("\n".join(items) + "\n")
            para = []
            while w < per:
                s = self.sentence()
                para.append(s)
                w += len(s.split())
                if len(para) >= 4:
                    out.append(" ".join(para) + "\n")
                    para = []
            if para:
                out.append(" ".join(para) + "\n")
            if r.random() < 0.1:
                out.append("Meer info: [website](https://www.example.be/%s)\n" % self.pick(THEMES).replace(" ", "-"))
            words += w
        return "\n".join(out)



THEME_NAMES = ["poverty", "debt", "housing", "income", "employment", "health", "mentalHealth", "youth",
               "elderly", "disability", "migration", "education", "digitalInclusion", "participation",
               "volunteering", "care", "energy", "mobility", "rightsTakeUp"]
LEVELS = ["described", "theoryBased", "indicationsOfEffect", "effective"]
REGIONS = ["antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen", "brussel"]


def visible(markdown):
    """What a reader sees of the generated Markdown (headings, bold, links)."""
    text = re.sub(r"^## ", "", markdown, flags=re.M)
    text = re.sub(r"^- ", "", text, flags=re.M)
    text = text.replace("**", "")
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def rows(n, seed=42):
    """COPY text lines: title, summary, body, body_text, status, published_on,
    region_id, themes, evidence_level."""
    g = Gen(seed)
    r = random.Random(seed + 1)
    texts = iter(PROBES)
    for i in range(n):
        t, s, b = next(texts, None) or (g.title(), g.summary(), g.body())
        roll = r.random()
        status = "draft" if roll < 0.05 else "archived" if roll < 0.10 else "published"
        if i < len(PROBES):
            status = "published"
        published = "\\N" if status == "draft" else "20%02d-%02d-%02d" % (r.randrange(18, 27), r.randrange(1, 13), r.randrange(1, 29))
        themes = "{" + ",".join(r.sample(THEME_NAMES, r.randrange(1, 4))) + "}"
        level = LEVELS[r.randrange(4)] if r.random() < 0.6 else "\\N"
        yield "\t".join([esc(t), esc(s), esc(b), esc(visible(b)), status, published,
                         REGIONS[r.randrange(6)], themes, level]) + "\n"
