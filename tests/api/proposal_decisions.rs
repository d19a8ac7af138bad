//! Steering's decisions on proposals: reasons, reconsidering by superseding,
//! decisions the database keeps as written, and an acceptance that creates
//! exactly one action or, failing, leaves no decision behind.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ssw_api::domain::Role;
use uuid::Uuid;

use crate::fixtures::World;
use crate::proposals::{actions_from, decide, draft, get, path, post, refused, under_review};

#[actix_web::test]
async fn rejecting_needs_a_reason_and_reconsidering_supersedes_the_decision() {
    let w = World::new().await;
    let p = under_review(&w, "Een netwerk van ervaringsdeskundigen in armoede").await;
    let bare = decide(&w, &p, &w.steering, json!({"outcome": "rejected"})).await;
    assert_eq!(bare.status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = bare.body["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["reasonCode", "reason"]);
    let future = decide(
        &w,
        &p,
        &w.steering,
        json!({"outcome": "accepted", "meetingOn": "2999-01-01"}),
    )
    .await;
    refused(&future, 400, "must not be after today");
    let rejected = decide(
        &w,
        &p,
        &w.steering,
        json!({"outcome": "rejected", "reasonCode": "lacksSupport", "reason": "Geen trekker."}),
    )
    .await;
    assert_eq!(rejected.status, StatusCode::CREATED, "{}", rejected.body);
    assert_eq!(
        get(&w, &path(&p), &w.reader).await.body["status"],
        "rejected"
    );
    assert!(actions_from(&w, &p).await.is_empty());
    let plain = json!({"outcome": "accepted", "reason": "Het CAW trekt het netwerk."});
    let again = decide(&w, &p, &w.steering, plain.clone()).await;
    refused(&again, 409, "name that decision in `supersedes`");
    let wrong = decide(
        &w,
        &p,
        &w.steering,
        json!({"outcome": "accepted", "reason": "Toch.", "supersedes": Uuid::new_v4()}),
    )
    .await;
    refused(&wrong, 409, "must name the proposal's latest decision");
    let silent = decide(
        &w,
        &p,
        &w.steering,
        json!({"outcome": "accepted", "supersedes": rejected.body["id"]}),
    )
    .await;
    refused(&silent, 400, "is required to reconsider a decision");
    let mut reconsider = plain;
    reconsider["supersedes"] = rejected.body["id"].clone();
    let accepted = decide(&w, &p, &w.steering, reconsider).await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.body);
    assert_eq!(accepted.body["supersedes"], rejected.body["id"]);
    assert_eq!(actions_from(&w, &p).await.len(), 1);
    // Both decisions stay; the first names the one that superseded it.
    let decisions = get(&w, &format!("{}/decisions", path(&p)), &w.reader)
        .await
        .body;
    assert_eq!(decisions["total"], 2);
    assert_eq!(decisions["items"][0]["to"], "rejected");
    assert_eq!(decisions["items"][0]["reason"], "Geen trekker.");
    assert_eq!(decisions["items"][0]["supersededBy"], accepted.body["id"]);
    assert!(decisions["items"][0].get("actionId").is_none());
    assert_eq!(decisions["items"][1]["actionId"], accepted.body["actionId"]);
    let one = get(&w, rejected.body["self"].as_str().unwrap(), &w.reader).await;
    assert_eq!(one.body["supersededBy"], accepted.body["id"]);
}

#[actix_web::test]
async fn a_returned_proposal_is_changed_and_submitted_again() {
    let w = World::new().await;
    let p = draft(&w, "Buddywerking voor jongeren die de jeugdhulp verlaten").await;
    post(
        &w,
        &format!("{}/submit", path(&p)),
        &w.coordinator,
        json!({}),
    )
    .await;
    let returned = decide(
        &w,
        &p,
        &w.steering,
        json!({"outcome": "returned", "reasonCode": "needsMoreDetail", "reason": "Graag een raming."}),
    )
    .await;
    assert_eq!(returned.status, StatusCode::CREATED, "{}", returned.body);
    let changed = w
        .app
        .patch_current(
            &path(&p),
            &w.coordinator,
            json!({"rationale": "Met raming: 40 jongeren per jaar."}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let superseding = decide(
        &w,
        &p,
        &w.steering,
        json!({"outcome": "accepted", "reason": "x", "supersedes": returned.body["id"]}),
    )
    .await;
    assert_eq!(
        superseding.status,
        StatusCode::CREATED,
        "a returned decision can be reconsidered"
    );
    let p2 = draft(&w, "Taalcafés in de wijkgezondheidscentra").await;
    post(
        &w,
        &format!("{}/submit", path(&p2)),
        &w.coordinator,
        json!({}),
    )
    .await;
    let r2 = decide(
        &w,
        &p2,
        &w.steering,
        json!({"outcome": "returned", "reasonCode": "other", "reason": "Te vaag."}),
    )
    .await;
    let again = post(
        &w,
        &format!("{}/submit", path(&p2)),
        &w.coordinator,
        json!({}),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body["proposal"]["status"], "submitted");
    let stale = decide(
        &w,
        &p2,
        &w.steering,
        json!({"outcome": "accepted", "reason": "x", "supersedes": r2.body["id"]}),
    )
    .await;
    refused(&stale, 409, "submitted again since that decision");
    let fresh = decide(&w, &p2, &w.steering, json!({"outcome": "accepted"})).await;
    assert_eq!(fresh.status, StatusCode::CREATED);
}

#[actix_web::test]
async fn decisions_and_transitions_are_never_changed_even_by_the_database() {
    let w = World::new().await;
    let p = under_review(&w, "Vorming over armoede voor lokale besturen").await;
    decide(
        &w,
        &p,
        &w.steering,
        json!({"outcome": "rejected", "reasonCode": "outOfScope", "reason": "Buiten het plan."}),
    )
    .await;
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    for statement in [
        "UPDATE proposal_transitions SET reason = 'herschreven'",
        "DELETE FROM proposal_transitions",
        "TRUNCATE proposal_transitions CASCADE",
    ] {
        let r = diesel_async::RunQueryDsl::execute(diesel::sql_query(statement), &mut conn).await;
        assert!(r.is_err(), "{statement} must be refused");
    }
    // A proposal submitted once is never deleted; withdrawing a decided one is refused.
    let gone = w.app.delete_current(&path(&p), &w.steering).await;
    assert_eq!(gone.status, StatusCode::CONFLICT);
    let withdraw = post(
        &w,
        &format!("{}/withdraw", path(&p)),
        &w.coordinator,
        json!({}),
    )
    .await;
    refused(
        &withdraw,
        409,
        "a proposal that is rejected cannot be withdrawn",
    );
    let decisions = get(&w, &format!("{}/decisions", path(&p)), &w.reader).await;
    assert_eq!(decisions.body["items"][0]["reason"], "Buiten het plan.");
}

#[actix_web::test]
async fn two_steering_members_accepting_at_once_make_one_action() {
    let w = World::new().await;
    let other_steering = w.app.token_for(Role::Steering).await.1;
    for round in 0..3 {
        let p = under_review(&w, &format!("Gelijktijdig aanvaard {round}")).await;
        let accept = json!({"outcome": "accepted"});
        let (a, b) = tokio::join!(
            decide(&w, &p, &w.steering, accept.clone()),
            decide(&w, &p, &other_steering, accept.clone()),
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 409], "{} / {}", a.body, b.body);
        assert_eq!(actions_from(&w, &p).await.len(), 1);
        let decisions = get(&w, &format!("{}/decisions", path(&p)), &w.reader).await;
        assert_eq!(decisions.body["total"], 1);
    }
}

#[actix_web::test]
async fn a_failure_creating_the_action_leaves_no_decision_behind() {
    let w = World::new().await;
    // The next number is 92, but another action holds the code A92.
    w.app
        .create(
            "/api/v1/actions",
            &w.steering,
            json!({"planId": w.plan_id, "number": 91, "code": "A92", "title": "Bezet",
                   "challengeIds": [w.challenge_ids[0]]}),
        )
        .await;
    let p = under_review(&w, "Een digitale helpdesk in de bibliotheek").await;
    let failed = decide(&w, &p, &w.steering, json!({"outcome": "accepted"})).await;
    assert_eq!(failed.status, StatusCode::CONFLICT, "{}", failed.body);
    let now = get(&w, &path(&p), &w.reader).await.body;
    assert_eq!(now["status"], "underReview");
    assert_eq!(now["version"], p["version"]);
    assert!(now.get("decisionId").is_none());
    let steps = get(&w, &format!("{}/transitions", path(&p)), &w.reader).await;
    assert_eq!(steps.body["total"], 2, "submitted and under review only");
    assert!(actions_from(&w, &p).await.is_empty());
    let history = get(&w, &format!("{}/history", path(&p)), &w.steering).await;
    assert_eq!(history.body["total"], 3, "create, submit, review");
}
#[actix_web::test]
async fn a_retried_decision_with_its_idempotency_key_is_taken_once() {
    let w = World::new().await;
    let p = under_review(&w, "Herhaalde beslissing").await;
    let send = || {
        w.app
            .request(Method::POST, &format!("{}/decisions", path(&p)))
            .bearer_auth(&w.steering)
            .header("idempotency-key", "beslissing-1")
            .json(&json!({"outcome": "accepted"}))
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let second = send().await.unwrap();
    assert_eq!(second.status(), StatusCode::CREATED);
    let second: Value = second.json().await.unwrap();
    assert_eq!(first["id"], second["id"]);
    assert_eq!(actions_from(&w, &p).await.len(), 1);
}
