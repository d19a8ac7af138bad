-- Results: conferences, GBO projects, indicators and their measurements; and
-- the `example` mark on the plan's records, for demo data.

ALTER TABLE plans ADD COLUMN example boolean NOT NULL DEFAULT false;
ALTER TABLE challenges ADD COLUMN example boolean NOT NULL DEFAULT false;
ALTER TABLE actions ADD COLUMN example boolean NOT NULL DEFAULT false;
ALTER TABLE initiatives ADD COLUMN example boolean NOT NULL DEFAULT false;

-- Progress updates posted at the command line (the example plan) name the
-- system as their author.
ALTER TABLE progress_updates DROP CONSTRAINT progress_updates_author_kind_check;
ALTER TABLE progress_updates ADD CONSTRAINT progress_updates_author_kind_check
    CHECK (author_kind IN ('user', 'serviceAccount', 'system'));

-- Evaluation moments of the plan. A conference whose day is not recorded yet
-- has its year only.
CREATE TABLE conferences (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    year        integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    date        date,
    title       text NOT NULL,
    place       text,
    notes       text NOT NULL DEFAULT '',
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT conferences_date_in_year CHECK (date IS NULL OR extract(year FROM date) = year)
);
CREATE UNIQUE INDEX conferences_date_key ON conferences (date) WHERE date IS NOT NULL;
INSERT INTO conferences (year, date, title, notes) VALUES
    (2018, DATE '2018-05-24', 'Sociaalwerkconferentie 2018',
     'The first Sociaalwerkconferentie; the Vlaams Platform Sterk Sociaal Werk and the Actieplan Sterk Sociaal Werk 2020-2024 followed from it.'),
    (2022, NULL, 'Sociaalwerkconferentie 2022',
     'The second Sociaalwerkconferentie, the public interim evaluation of the Actieplan Sterk Sociaal Werk 2020-2024. Its day is to be recorded by an administrator.');

-- Local integrated-intake partnerships (geïntegreerd breed onthaal).
CREATE TABLE gbo_projects (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                 text NOT NULL,
    primary_care_zone_id uuid REFERENCES primary_care_zones (id),
    contact_name         text,
    contact_email        text,
    contact_phone        text,
    status               text NOT NULL DEFAULT 'active' CHECK (status IN ('planned', 'active', 'ended')),
    start_date           date,
    external_id          text,
    example              boolean NOT NULL DEFAULT false,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX gbo_projects_external_id_key ON gbo_projects (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX gbo_projects_name_idx ON gbo_projects (lower(name));

CREATE TABLE gbo_project_municipalities (
    project_id  uuid NOT NULL REFERENCES gbo_projects (id) ON DELETE CASCADE,
    nis_code    text NOT NULL REFERENCES municipalities (nis_code),
    PRIMARY KEY (project_id, nis_code)
);
CREATE INDEX gbo_project_municipalities_nis_idx ON gbo_project_municipalities (nis_code);

-- A partner's part: the OCMW or local government, the CAW, the social service
-- of a health insurance fund, or another partner.
CREATE TABLE gbo_project_partners (
    project_id      uuid NOT NULL REFERENCES gbo_projects (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    part            text NOT NULL CHECK (part IN ('localGovernment', 'caw', 'healthInsuranceFund', 'other')),
    PRIMARY KEY (project_id, organisation_id)
);
CREATE INDEX gbo_project_partners_organisation_idx ON gbo_project_partners (organisation_id);

-- The standard set of indicators every GBO project reports, so that their
-- figures compare and add up. Reference data.
CREATE TABLE standard_indicators (
    code              text PRIMARY KEY,
    name              text NOT NULL,
    description       text NOT NULL,
    measure           text NOT NULL CHECK (measure IN ('count', 'amount', 'percentage', 'qualitative')),
    unit              text,
    direction         text CHECK (direction IN ('higherIsBetter', 'lowerIsBetter')),
    time_aggregation  text NOT NULL CHECK (time_aggregation IN ('sum', 'last', 'lastInPeriod', 'average')),
    place_aggregation text NOT NULL CHECK (place_aggregation IN ('sum', 'average', 'none')),
    cumulative        boolean NOT NULL DEFAULT false,
    granularity       text NOT NULL CHECK (granularity IN ('year', 'quarter', 'month')),
    sort_order        integer NOT NULL
);
INSERT INTO standard_indicators (code, name, description, measure, unit, direction,
                                 time_aggregation, place_aggregation, cumulative, granularity, sort_order) VALUES
    ('gbo.peopleReached', 'Bereikte personen',
     'People the partnership reached in the quarter: each person counted once per quarter.',
     'count', NULL, 'higherIsBetter', 'sum', 'sum', false, 'quarter', 1),
    ('gbo.rights.increasedAllowance', 'Gerealiseerde rechten: verhoogde tegemoetkoming',
     'Rights realised in the quarter: increased health-care allowance (verhoogde tegemoetkoming).',
     'count', NULL, 'higherIsBetter', 'sum', 'sum', false, 'quarter', 2),
    ('gbo.rights.incomeSupport', 'Gerealiseerde rechten: leefloon en inkomensgarantie',
     'Rights realised in the quarter: social integration income (leefloon) or the income guarantee for the elderly (IGO).',
     'count', NULL, 'higherIsBetter', 'sum', 'sum', false, 'quarter', 3),
    ('gbo.rights.energy', 'Gerealiseerde rechten: sociaal tarief energie',
     'Rights realised in the quarter: the social tariff for energy and water.',
     'count', NULL, 'higherIsBetter', 'sum', 'sum', false, 'quarter', 4),
    ('gbo.rights.childBenefit', 'Gerealiseerde rechten: sociale toeslagen Groeipakket',
     'Rights realised in the quarter: social supplements of the child benefit (Groeipakket).',
     'count', NULL, 'higherIsBetter', 'sum', 'sum', false, 'quarter', 5),
    ('gbo.rights.care', 'Gerealiseerde rechten: zorgbudgetten',
     'Rights realised in the quarter: care budgets (zorgbudget voor zwaar zorgbehoevenden, voor ouderen met een zorgnood, voor mensen met een handicap).',
     'count', NULL, 'higherIsBetter', 'sum', 'sum', false, 'quarter', 6),
    ('gbo.rights.housing', 'Gerealiseerde rechten: huurpremie en huursubsidie',
     'Rights realised in the quarter: rent premium or rent subsidy.',
     'count', NULL, 'higherIsBetter', 'sum', 'sum', false, 'quarter', 7),
    ('gbo.rights.other', 'Gerealiseerde rechten: andere',
     'Rights realised in the quarter that none of the kinds above covers.',
     'count', NULL, 'higherIsBetter', 'sum', 'sum', false, 'quarter', 8),
    ('gbo.rightsRealisedShare', 'Aandeel gerealiseerde rechten',
     'Of the rights detected in the quarter (denominator), those realised (numerator).',
     'percentage', NULL, 'higherIsBetter', 'sum', 'sum', false, 'quarter', 9),
    ('gbo.referrals', 'Doorverwijzingen tussen partners',
     'Warm referrals from one partner to another in the quarter.',
     'count', NULL, 'higherIsBetter', 'sum', 'sum', false, 'quarter', 10),
    ('gbo.activePartnerships', 'Actieve samenwerkingsverbanden',
     'Partner organisations actively taking part at the end of the quarter: a snapshot, never summed over time.',
     'count', NULL, 'higherIsBetter', 'last', 'sum', false, 'quarter', 11),
    ('gbo.staffFte', 'Ingezette sociaal werkers',
     'Social workers deployed for the partnership, in full-time equivalents, averaged over the days of the period.',
     'amount', 'FTE', 'higherIsBetter', 'average', 'sum', false, 'quarter', 12);

-- What is counted, attached to exactly one subject: the plan, an action, an
-- initiative or a GBO project. Targets are a JSON array of {value, date}.
CREATE TABLE indicators (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code              text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    name              text NOT NULL,
    description       text NOT NULL DEFAULT '',
    measure           text NOT NULL CHECK (measure IN ('count', 'amount', 'percentage', 'qualitative')),
    unit              text,
    direction         text CHECK (direction IN ('higherIsBetter', 'lowerIsBetter')),
    time_aggregation  text NOT NULL CHECK (time_aggregation IN ('sum', 'last', 'lastInPeriod', 'average')),
    place_aggregation text NOT NULL CHECK (place_aggregation IN ('sum', 'average', 'none')),
    cumulative        boolean NOT NULL DEFAULT false,
    granularity       text NOT NULL CHECK (granularity IN ('year', 'quarter', 'month')),
    baseline_value    double precision,
    baseline_date     date,
    targets           jsonb NOT NULL DEFAULT '[]',
    plan_id           uuid REFERENCES plans (id),
    action_id         uuid REFERENCES actions (id),
    initiative_id     uuid REFERENCES initiatives (id),
    gbo_project_id    uuid REFERENCES gbo_projects (id),
    standard_code     text REFERENCES standard_indicators (code),
    external_id       text,
    example           boolean NOT NULL DEFAULT false,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT indicators_one_subject CHECK (num_nonnulls(plan_id, action_id, initiative_id, gbo_project_id) = 1),
    CONSTRAINT indicators_unit CHECK ((measure = 'amount') = (unit IS NOT NULL)),
    CONSTRAINT indicators_direction CHECK ((measure = 'qualitative') = (direction IS NULL)),
    CONSTRAINT indicators_baseline CHECK ((baseline_value IS NULL) = (baseline_date IS NULL)),
    CONSTRAINT indicators_targets_array CHECK (jsonb_typeof(targets) = 'array')
);
CREATE UNIQUE INDEX indicators_subject_code_key
    ON indicators (COALESCE(plan_id, action_id, initiative_id, gbo_project_id), code);
CREATE UNIQUE INDEX indicators_external_id_key ON indicators (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX indicators_plan_idx ON indicators (plan_id) WHERE plan_id IS NOT NULL;
CREATE INDEX indicators_action_idx ON indicators (action_id) WHERE action_id IS NOT NULL;
CREATE INDEX indicators_initiative_idx ON indicators (initiative_id) WHERE initiative_id IS NOT NULL;
CREATE INDEX indicators_gbo_project_idx ON indicators (gbo_project_id) WHERE gbo_project_id IS NOT NULL;
CREATE INDEX indicators_code_idx ON indicators (code);

-- The current value of an indicator for one period and place. A removed
-- measurement keeps its row (deleted_at set) so that its history stays.
CREATE TABLE measurements (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    indicator_id   uuid NOT NULL REFERENCES indicators (id),
    period_start   date NOT NULL,
    period_end     date NOT NULL,
    place_type     text NOT NULL CHECK (place_type IN ('flanders', 'region', 'municipality')),
    place_code     text NOT NULL DEFAULT '',
    value          double precision,
    numerator      double precision,
    denominator    double precision,
    text_value     text,
    note           text NOT NULL DEFAULT '',
    reporter_id    uuid NOT NULL,
    reporter_kind  text NOT NULL CHECK (reporter_kind IN ('user', 'serviceAccount', 'system')),
    external_id    text,
    example        boolean NOT NULL DEFAULT false,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    deleted_at     timestamptz,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT measurements_period CHECK (period_end >= period_start),
    CONSTRAINT measurements_place CHECK ((place_type = 'flanders') = (place_code = '')),
    CONSTRAINT measurements_one_value CHECK (num_nonnulls(value, numerator, text_value) = 1),
    CONSTRAINT measurements_fraction CHECK ((numerator IS NULL) = (denominator IS NULL)),
    CONSTRAINT measurements_fraction_range CHECK (denominator IS NULL OR (denominator > 0 AND numerator >= 0 AND numerator <= denominator))
);
CREATE UNIQUE INDEX measurements_current_key
    ON measurements (indicator_id, period_start, place_type, place_code) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX measurements_external_id_key
    ON measurements (external_id) WHERE external_id IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX measurements_place_idx ON measurements (place_type, place_code, period_start) WHERE deleted_at IS NULL;
CREATE INDEX measurements_updated_idx ON measurements (updated_at, id);

-- Every value a measurement has had, one row per version, including its
-- removal. Append-only: never updated, never deleted.
CREATE TABLE measurement_revisions (
    measurement_id uuid NOT NULL REFERENCES measurements (id),
    version        integer NOT NULL,
    value          double precision,
    numerator      double precision,
    denominator    double precision,
    text_value     text,
    note           text NOT NULL,
    reporter_id    uuid NOT NULL,
    reporter_kind  text NOT NULL,
    recorded_at    timestamptz NOT NULL,
    deleted        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (measurement_id, version)
);
CREATE INDEX measurement_revisions_recorded_idx ON measurement_revisions (recorded_at);

CREATE FUNCTION refuse_history_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'measurement history is append-only' USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER measurement_revisions_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON measurement_revisions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_rewrite();
