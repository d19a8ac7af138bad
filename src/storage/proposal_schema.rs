//! The tables of proposals for new actions (migration 19), beside `schema`.

diesel::table! {
    proposals (id) {
        id -> Uuid,
        plan_id -> Uuid,
        region_id -> Text,
        title -> Text,
        rationale -> Text,
        status -> Text,
        author_ids -> Array<Uuid>,
        submitted_at -> Nullable<Timestamptz>,
        example -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    proposal_details (id) {
        id -> Uuid,
        plan_id -> Uuid,
        region_id -> Text,
        title -> Text,
        rationale -> Text,
        status -> Text,
        author_ids -> Array<Uuid>,
        submitted_at -> Nullable<Timestamptz>,
        example -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        challenge_ids -> Array<Uuid>,
        organisation_ids -> Array<Uuid>,
        practice_ids -> Array<Uuid>,
        action_id -> Nullable<Uuid>,
        decision_id -> Nullable<Uuid>,
        last_seq -> Nullable<Int4>,
    }
}

diesel::table! {
    proposal_challenges (proposal_id, challenge_id) {
        proposal_id -> Uuid,
        challenge_id -> Uuid,
    }
}

diesel::table! {
    proposal_organisations (proposal_id, organisation_id) {
        proposal_id -> Uuid,
        organisation_id -> Uuid,
    }
}

diesel::table! {
    proposal_practices (proposal_id, practice_id) {
        proposal_id -> Uuid,
        practice_id -> Uuid,
    }
}

diesel::table! {
    proposal_transitions (id) {
        id -> Uuid,
        proposal_id -> Uuid,
        seq -> Int4,
        from_status -> Text,
        to_status -> Text,
        decision -> Bool,
        reason_code -> Nullable<Text>,
        reason -> Text,
        meeting -> Nullable<Text>,
        meeting_on -> Nullable<Date>,
        supersedes -> Nullable<Uuid>,
        actor_id -> Uuid,
        actor_kind -> Text,
        actor_name -> Text,
        at -> Timestamptz,
    }
}

diesel::table! {
    proposal_comments (id) {
        id -> Uuid,
        proposal_id -> Uuid,
        body -> Text,
        author_id -> Uuid,
        author_kind -> Text,
        author_name -> Text,
        at -> Timestamptz,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    proposals,
    proposal_details,
    proposal_challenges,
    proposal_organisations,
    proposal_practices,
    proposal_transitions,
    proposal_comments,
);
