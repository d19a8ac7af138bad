//! The tables of good practices (migration 17), beside `schema`.

diesel::table! {
    practices (id) {
        id -> Uuid,
        title -> Text,
        summary -> Text,
        body -> Text,
        body_text -> Nullable<Text>,
        problem -> Text,
        aim -> Text,
        target_groups -> Array<Text>,
        approach -> Text,
        conditions -> Text,
        results -> Text,
        evidence_level -> Nullable<Text>,
        evidence_assessed_by -> Nullable<Text>,
        evidence_assessed_on -> Nullable<Date>,
        themes -> Array<Text>,
        tags -> Array<Text>,
        region_id -> Nullable<Text>,
        organisation_id -> Nullable<Uuid>,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        status -> Text,
        published_on -> Nullable<Date>,
        review_due -> Nullable<Date>,
        author_ids -> Array<Uuid>,
        external_id -> Nullable<Text>,
        external_source -> Nullable<Uuid>,
        example -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    practice_details (id) {
        id -> Uuid,
        title -> Text,
        summary -> Text,
        body -> Text,
        problem -> Text,
        aim -> Text,
        target_groups -> Array<Text>,
        approach -> Text,
        conditions -> Text,
        results -> Text,
        evidence_level -> Nullable<Text>,
        evidence_assessed_by -> Nullable<Text>,
        evidence_assessed_on -> Nullable<Date>,
        themes -> Array<Text>,
        tags -> Array<Text>,
        region_id -> Nullable<Text>,
        organisation_id -> Nullable<Uuid>,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        status -> Text,
        published_on -> Nullable<Date>,
        review_due -> Nullable<Date>,
        author_ids -> Array<Uuid>,
        external_id -> Nullable<Text>,
        external_source -> Nullable<Uuid>,
        example -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        challenge_ids -> Array<Uuid>,
        region_ids -> Array<Text>,
        municipality_codes -> Array<Text>,
        organisation_ids -> Array<Uuid>,
        initiative_ids -> Array<Uuid>,
        gbo_project_ids -> Array<Uuid>,
        action_ids -> Array<Uuid>,
    }
}

diesel::table! {
    practice_challenges (practice_id, challenge_id) {
        practice_id -> Uuid,
        challenge_id -> Uuid,
    }
}

diesel::table! {
    practice_regions (practice_id, region_id) {
        practice_id -> Uuid,
        region_id -> Text,
    }
}

diesel::table! {
    practice_municipalities (practice_id, nis_code) {
        practice_id -> Uuid,
        nis_code -> Text,
    }
}

diesel::table! {
    practice_organisations (practice_id, organisation_id) {
        practice_id -> Uuid,
        organisation_id -> Uuid,
    }
}

diesel::table! {
    practice_initiatives (practice_id, initiative_id) {
        practice_id -> Uuid,
        initiative_id -> Uuid,
    }
}

diesel::table! {
    practice_gbo_projects (practice_id, gbo_project_id) {
        practice_id -> Uuid,
        gbo_project_id -> Uuid,
    }
}

diesel::table! {
    practice_actions (practice_id, action_id) {
        practice_id -> Uuid,
        action_id -> Uuid,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    practices,
    practice_details,
    practice_challenges,
    practice_regions,
    practice_municipalities,
    practice_organisations,
    practice_initiatives,
    practice_gbo_projects,
    practice_actions,
);
