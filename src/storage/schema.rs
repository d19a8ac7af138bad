// The diesel view of the tables in `migrations/`; kept in step with them by the
// integration tests, which run every query against a migrated database.

diesel::table! {
    regions (id) {
        id -> Text,
        name -> Text,
        nis_code -> Text,
        flanders_wide -> Bool,
        sort_order -> Int4,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
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
        example -> Bool,
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
        example -> Bool,
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
        external_source -> Nullable<Uuid>,
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

diesel::table! {
    municipalities (nis_code) {
        nis_code -> Text,
        name -> Text,
        name_fr -> Nullable<Text>,
        province_nis -> Nullable<Text>,
        region_id -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    primary_care_zones (id) {
        id -> Uuid,
        code -> Text,
        name -> Text,
        region_id -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    primary_care_zone_municipalities (zone_id, nis_code) {
        zone_id -> Uuid,
        nis_code -> Text,
    }
}

diesel::table! {
    actions (id) {
        id -> Uuid,
        plan_id -> Uuid,
        code -> Text,
        number -> Int4,
        title -> Text,
        description -> Text,
        origin -> Text,
        proposed_by_region_id -> Nullable<Text>,
        status -> Text,
        progress -> Nullable<Int2>,
        effective_progress -> Nullable<Int2>,
        weight -> Float8,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        last_progress_on -> Nullable<Date>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        example -> Bool,
        proposal_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    action_challenges (action_id, challenge_id) {
        action_id -> Uuid,
        challenge_id -> Uuid,
    }
}

diesel::table! {
    action_leads (action_id, organisation_id) {
        action_id -> Uuid,
        organisation_id -> Uuid,
    }
}

diesel::table! {
    initiatives (id) {
        id -> Uuid,
        plan_id -> Uuid,
        action_id -> Uuid,
        code -> Text,
        title -> Text,
        description -> Text,
        lead_organisation_id -> Uuid,
        primary_care_zone_id -> Nullable<Uuid>,
        status -> Text,
        progress -> Nullable<Int2>,
        effective_progress -> Nullable<Int2>,
        weight -> Float8,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        external_id -> Nullable<Text>,
        external_source -> Nullable<Uuid>,
        last_progress_on -> Nullable<Date>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        example -> Bool,
    }
}

diesel::table! {
    initiative_regions (initiative_id, region_id) {
        initiative_id -> Uuid,
        region_id -> Text,
    }
}

diesel::table! {
    initiative_partners (initiative_id, organisation_id) {
        initiative_id -> Uuid,
        organisation_id -> Uuid,
    }
}

diesel::table! {
    initiative_municipalities (initiative_id, nis_code) {
        initiative_id -> Uuid,
        nis_code -> Text,
    }
}

diesel::table! {
    progress_updates (id) {
        id -> Uuid,
        initiative_id -> Nullable<Uuid>,
        action_id -> Nullable<Uuid>,
        date -> Date,
        status -> Text,
        progress -> Nullable<Int2>,
        effective_progress -> Nullable<Int2>,
        narrative -> Text,
        author_id -> Uuid,
        author_kind -> Text,
        author_name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        at -> Timestamptz,
        actor_id -> Uuid,
        actor_kind -> Text,
        resource -> Text,
        resource_id -> Text,
        operation -> Text,
        changes -> Jsonb,
        request_id -> Nullable<Text>,
        version -> Nullable<Int4>,
    }
}

// Views (migrations/2026-11-22-000004_detail_views): a record with its lists.
diesel::table! {
    initiative_details (id) {
        id -> Uuid,
        plan_id -> Uuid,
        action_id -> Uuid,
        code -> Text,
        title -> Text,
        description -> Text,
        lead_organisation_id -> Uuid,
        primary_care_zone_id -> Nullable<Uuid>,
        status -> Text,
        progress -> Nullable<Int2>,
        effective_progress -> Nullable<Int2>,
        weight -> Float8,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        external_id -> Nullable<Text>,
        last_progress_on -> Nullable<Date>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        example -> Bool,
        region_ids -> Array<Text>,
        partner_ids -> Array<Uuid>,
        municipality_codes -> Array<Text>,
    }
}

diesel::table! {
    action_details (id) {
        id -> Uuid,
        plan_id -> Uuid,
        code -> Text,
        number -> Int4,
        title -> Text,
        description -> Text,
        origin -> Text,
        proposed_by_region_id -> Nullable<Text>,
        status -> Text,
        progress -> Nullable<Int2>,
        effective_progress -> Nullable<Int2>,
        weight -> Float8,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        last_progress_on -> Nullable<Date>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        example -> Bool,
        challenge_ids -> Array<Uuid>,
        lead_ids -> Array<Uuid>,
        proposal_id -> Nullable<Uuid>,
    }
}

diesel::joinable!(gbo_projects -> primary_care_zones (primary_care_zone_id));
diesel::joinable!(gbo_project_municipalities -> gbo_projects (project_id));
diesel::joinable!(gbo_project_municipalities -> municipalities (nis_code));
diesel::joinable!(gbo_project_partners -> gbo_projects (project_id));
diesel::joinable!(gbo_project_partners -> organisations (organisation_id));
diesel::joinable!(indicators -> plans (plan_id));
diesel::joinable!(indicators -> actions (action_id));
diesel::joinable!(indicators -> initiatives (initiative_id));
diesel::joinable!(indicators -> gbo_projects (gbo_project_id));
diesel::joinable!(indicators -> standard_indicators (standard_code));
diesel::joinable!(measurements -> indicators (indicator_id));
diesel::joinable!(measurement_revisions -> measurements (measurement_id));
diesel::joinable!(actions -> plans (plan_id));
diesel::joinable!(action_challenges -> actions (action_id));
diesel::joinable!(action_challenges -> challenges (challenge_id));
diesel::joinable!(action_leads -> actions (action_id));
diesel::joinable!(action_leads -> organisations (organisation_id));
diesel::joinable!(initiatives -> actions (action_id));
diesel::joinable!(initiatives -> organisations (lead_organisation_id));
diesel::joinable!(initiatives -> primary_care_zones (primary_care_zone_id));
diesel::joinable!(initiative_regions -> initiatives (initiative_id));
diesel::joinable!(initiative_regions -> regions (region_id));
diesel::joinable!(initiative_partners -> initiatives (initiative_id));
diesel::joinable!(initiative_partners -> organisations (organisation_id));
diesel::joinable!(initiative_municipalities -> initiatives (initiative_id));
diesel::joinable!(initiative_municipalities -> municipalities (nis_code));
diesel::joinable!(municipalities -> regions (region_id));
diesel::joinable!(primary_care_zones -> regions (region_id));
diesel::joinable!(primary_care_zone_municipalities -> primary_care_zones (zone_id));
diesel::joinable!(primary_care_zone_municipalities -> municipalities (nis_code));

diesel::joinable!(challenges -> plans (plan_id));
diesel::joinable!(organisations -> regions (region_id));
diesel::joinable!(users -> regions (region_id));
diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(service_accounts -> regions (region_id));
diesel::joinable!(service_accounts -> organisations (organisation_id));
diesel::joinable!(api_keys -> service_accounts (service_account_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::table! {
    conferences (id) {
        id -> Uuid,
        year -> Int4,
        date -> Nullable<Date>,
        title -> Text,
        place -> Nullable<Text>,
        notes -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    gbo_projects (id) {
        id -> Uuid,
        name -> Text,
        primary_care_zone_id -> Nullable<Uuid>,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        status -> Text,
        start_date -> Nullable<Date>,
        external_id -> Nullable<Text>,
        external_source -> Nullable<Uuid>,
        example -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    gbo_project_municipalities (project_id, nis_code) {
        project_id -> Uuid,
        nis_code -> Text,
    }
}

diesel::table! {
    gbo_project_partners (project_id, organisation_id) {
        project_id -> Uuid,
        organisation_id -> Uuid,
        part -> Text,
    }
}

diesel::table! {
    standard_indicators (code) {
        code -> Text,
        name -> Text,
        description -> Text,
        measure -> Text,
        unit -> Nullable<Text>,
        direction -> Nullable<Text>,
        time_aggregation -> Text,
        place_aggregation -> Text,
        cumulative -> Bool,
        granularity -> Text,
        sort_order -> Int4,
    }
}

diesel::table! {
    indicators (id) {
        id -> Uuid,
        code -> Text,
        name -> Text,
        description -> Text,
        measure -> Text,
        unit -> Nullable<Text>,
        direction -> Nullable<Text>,
        time_aggregation -> Text,
        place_aggregation -> Text,
        cumulative -> Bool,
        granularity -> Text,
        baseline_value -> Nullable<Float8>,
        baseline_date -> Nullable<Date>,
        targets -> Jsonb,
        plan_id -> Nullable<Uuid>,
        action_id -> Nullable<Uuid>,
        initiative_id -> Nullable<Uuid>,
        gbo_project_id -> Nullable<Uuid>,
        standard_code -> Nullable<Text>,
        external_id -> Nullable<Text>,
        external_source -> Nullable<Uuid>,
        example -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    measurements (id) {
        id -> Uuid,
        indicator_id -> Uuid,
        period_start -> Date,
        period_end -> Date,
        place_type -> Text,
        place_code -> Text,
        value -> Nullable<Float8>,
        numerator -> Nullable<Float8>,
        denominator -> Nullable<Float8>,
        text_value -> Nullable<Text>,
        note -> Text,
        reporter_id -> Uuid,
        reporter_kind -> Text,
        external_id -> Nullable<Text>,
        external_source -> Nullable<Uuid>,
        example -> Bool,
        recorded_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        region_id -> Nullable<Text>,
    }
}

diesel::table! {
    measurement_revisions (measurement_id, version) {
        measurement_id -> Uuid,
        version -> Int4,
        value -> Nullable<Float8>,
        numerator -> Nullable<Float8>,
        denominator -> Nullable<Float8>,
        text_value -> Nullable<Text>,
        note -> Text,
        reporter_id -> Uuid,
        reporter_kind -> Text,
        recorded_at -> Timestamptz,
        deleted -> Bool,
    }
}

diesel::table! {
    import_jobs (id) {
        id -> Uuid,
        resource -> Text,
        mode -> Text,
        atomic -> Bool,
        format -> Text,
        status -> Text,
        file_sha256 -> Text,
        file_bytes -> Int8,
        rows_read -> Int4,
        created -> Int4,
        updated -> Int4,
        unchanged -> Int4,
        rejected -> Int4,
        failure -> Nullable<Jsonb>,
        owner_id -> Uuid,
        owner_kind -> Text,
        idempotency_key -> Nullable<Text>,
        beat_at -> Timestamptz,
        created_at -> Timestamptz,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    import_rows (job_id, record) {
        job_id -> Uuid,
        record -> Int4,
        line -> Int4,
        outcome -> Text,
        resource_id -> Nullable<Text>,
        issues -> Nullable<Jsonb>,
    }
}

diesel::joinable!(import_rows -> import_jobs (job_id));

diesel::allow_tables_to_appear_in_same_query!(
    regions,
    import_jobs,
    import_rows,
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
    municipalities,
    primary_care_zones,
    primary_care_zone_municipalities,
    actions,
    action_challenges,
    action_leads,
    initiatives,
    initiative_regions,
    initiative_partners,
    initiative_municipalities,
    progress_updates,
    audit_log,
    initiative_details,
    action_details,
    conferences,
    gbo_projects,
    gbo_project_municipalities,
    gbo_project_partners,
    standard_indicators,
    indicators,
    measurements,
    measurement_revisions,
);
