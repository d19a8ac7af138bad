// The diesel view of the tables in `migrations/`; kept in step with them by the
// integration tests, which run every query against a migrated database.

diesel::table! {
    regions (id) {
        id -> Text,
        name -> Text,
        nis_code -> Text,
        flanders_wide -> Bool,
        sort_order -> Int4,
    }
}

diesel::table! {
    plans (id) {
        id -> Uuid,
        code -> Text,
        title -> Text,
        description -> Text,
        start_year -> Int4,
        end_year -> Int4,
        status -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    challenges (id) {
        id -> Uuid,
        plan_id -> Uuid,
        code -> Text,
        number -> Int4,
        title -> Text,
        description -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    organisations (id) {
        id -> Uuid,
        name -> Text,
        kind -> Text,
        enterprise_number -> Nullable<Text>,
        ovo_code -> Nullable<Text>,
        region_id -> Nullable<Text>,
        municipality_nis -> Nullable<Text>,
        website -> Nullable<Text>,
        external_id -> Nullable<Text>,
        example -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        region_id -> Nullable<Text>,
        organisation_id -> Nullable<Uuid>,
        active -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        password_changed_at -> Timestamptz,
    }
}

diesel::table! {
    service_accounts (id) {
        id -> Uuid,
        name -> Text,
        description -> Text,
        role -> Text,
        region_id -> Nullable<Text>,
        organisation_id -> Nullable<Uuid>,
        active -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Uuid,
        service_account_id -> Uuid,
        name -> Text,
        prefix -> Text,
        key_hash -> Bytea,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Bytea,
        session_id -> Uuid,
        created_at -> Timestamptz,
        rotated_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> Int4,
        window_started_at -> Timestamptz,
        blocked_until -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    idempotency_records (principal_id, key) {
        principal_id -> Uuid,
        key -> Text,
        request_hash -> Bytea,
        status_code -> Nullable<Int4>,
        response_body -> Nullable<Bytea>,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(challenges -> plans (plan_id));
diesel::joinable!(organisations -> regions (region_id));
diesel::joinable!(users -> regions (region_id));
diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(service_accounts -> regions (region_id));
diesel::joinable!(service_accounts -> organisations (organisation_id));
diesel::joinable!(api_keys -> service_accounts (service_account_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::allow_tables_to_appear_in_same_query!(
    regions,
    plans,
    challenges,
    organisations,
    users,
    service_accounts,
    api_keys,
    sessions,
    refresh_tokens,
    login_throttle,
    idempotency_records,
);
