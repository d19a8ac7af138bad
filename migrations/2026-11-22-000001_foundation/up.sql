-- Foundation: reference data (regions, the 2020-2024 plan and its challenges),
-- organisations, principals (users, service accounts) and their credentials,
-- and the shared state several instances behind a load balancer must agree on
-- (sessions, login throttling, idempotency records).

CREATE TABLE regions (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    nis_code    text NOT NULL UNIQUE CHECK (nis_code ~ '^[0-9]{5}$'),
    flanders_wide boolean NOT NULL DEFAULT false,
    sort_order  integer NOT NULL
);

INSERT INTO regions (id, name, nis_code, flanders_wide, sort_order) VALUES
    ('antwerpen',       'Antwerpen',       '10000', false, 1),
    ('limburg',         'Limburg',         '70000', false, 2),
    ('oost-vlaanderen', 'Oost-Vlaanderen', '40000', false, 3),
    ('vlaams-brabant',  'Vlaams-Brabant',  '20001', false, 4),
    ('west-vlaanderen', 'West-Vlaanderen', '30000', false, 5),
    ('brussel',         'Brussel',         '04000', false, 6),
    ('vlaanderen',      'Vlaanderen (Flanders-wide)', '02000', true, 7);

CREATE TABLE plans (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code        text NOT NULL UNIQUE,
    title       text NOT NULL,
    description text NOT NULL DEFAULT '',
    start_year  integer NOT NULL,
    end_year    integer NOT NULL,
    status      text NOT NULL DEFAULT 'active',
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (end_year >= start_year)
);

CREATE TABLE challenges (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    plan_id     uuid NOT NULL REFERENCES plans (id),
    code        text NOT NULL,
    number      integer NOT NULL,
    title       text NOT NULL,
    description text NOT NULL DEFAULT '',
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plan_id, code),
    UNIQUE (plan_id, number)
);

WITH plan AS (
    INSERT INTO plans (code, title, description, start_year, end_year, status)
    VALUES ('ssw-2020-2024', 'Actieplan Sterk Sociaal Werk 2020-2024',
            'The action plan of the Vlaams Platform Sterk Sociaal Werk: actions around eight societal challenges.',
            2020, 2024, 'active')
    RETURNING id
)
INSERT INTO challenges (plan_id, code, number, title)
SELECT plan.id, c.code, c.number, c.title
FROM plan, (VALUES
    ('U1', 1, 'Vermaatschappelijking'),
    ('U2', 2, 'Digitalisering'),
    ('U3', 3, 'Superdiverse context'),
    ('U4', 4, 'Ecologie en sociaal beleid'),
    ('U5', 5, 'Werken in/met vertrouwen'),
    ('U6', 6, 'Multidisciplinaire context'),
    ('U7', 7, 'Hybridisering'),
    ('U8', 8, 'Onderbescherming')
) AS c (code, number, title);

CREATE TABLE organisations (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name              text NOT NULL,
    kind              text NOT NULL,
    enterprise_number text UNIQUE CHECK (enterprise_number ~ '^[01][0-9]{9}$'),
    ovo_code          text CHECK (ovo_code ~ '^OVO[0-9]{6}$'),
    region_id         text REFERENCES regions (id),
    municipality_nis  text CHECK (municipality_nis ~ '^[0-9]{5}$'),
    website           text,
    external_id       text,
    example           boolean NOT NULL DEFAULT false,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organisations_external_id_key ON organisations (external_id) WHERE external_id IS NOT NULL;

CREATE TABLE users (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email               text NOT NULL,
    display_name        text NOT NULL,
    password_hash       text NOT NULL,
    role                text NOT NULL CHECK (role IN ('admin', 'steering', 'coordinator', 'contributor', 'reader')),
    region_id           text REFERENCES regions (id),
    organisation_id     uuid REFERENCES organisations (id),
    active              boolean NOT NULL DEFAULT true,
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_coordinator_has_region CHECK (role <> 'coordinator' OR region_id IS NOT NULL),
    CONSTRAINT users_contributor_has_organisation CHECK (role <> 'contributor' OR organisation_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE service_accounts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text NOT NULL,
    description     text NOT NULL DEFAULT '',
    role            text NOT NULL CHECK (role IN ('admin', 'steering', 'coordinator', 'contributor', 'reader')),
    region_id       text REFERENCES regions (id),
    organisation_id uuid REFERENCES organisations (id),
    active          boolean NOT NULL DEFAULT true,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT service_accounts_coordinator_has_region CHECK (role <> 'coordinator' OR region_id IS NOT NULL),
    CONSTRAINT service_accounts_contributor_has_organisation CHECK (role <> 'contributor' OR organisation_id IS NOT NULL)
);
CREATE UNIQUE INDEX service_accounts_name_key ON service_accounts (lower(name));

CREATE TABLE api_keys (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    service_account_id uuid NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
    name               text NOT NULL,
    prefix             text NOT NULL UNIQUE,
    key_hash           bytea NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    last_used_at       timestamptz,
    revoked_at         timestamptz
);
CREATE INDEX api_keys_service_account_idx ON api_keys (service_account_id);

-- A session is one login: the family of refresh tokens that rotate from it.
CREATE TABLE sessions (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    revoked_reason text
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
    token_hash  bytea PRIMARY KEY,
    session_id  uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    rotated_at  timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE login_throttle (
    key               text PRIMARY KEY,
    failures          integer NOT NULL,
    window_started_at timestamptz NOT NULL,
    blocked_until     timestamptz
);

-- The first answer to a POST with an Idempotency-Key, replayed on retries for 24 hours.
CREATE TABLE idempotency_records (
    principal_id   uuid NOT NULL,
    key            text NOT NULL,
    request_hash   bytea NOT NULL,
    status_code    integer,
    response_body  bytea,
    location       text,
    etag           text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal_id, key)
);
