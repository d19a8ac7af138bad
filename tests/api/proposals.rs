//! Proposals for new actions: drafts seen by their proposers only, the life
//! cycle from draft to an accepted action, comments, withdrawing and
//! deleting. Decisions are in `proposal_decisions`.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ssw_api::domain::Role;
use uuid::Uuid;

use crate::fixtures::{Answer, World};

pub(crate) const RATIONALE: &str = "Wie niet mobiel is, raakt niet aan het loket. Een wekelijkse permanentie in het dorpshuis brengt het OCMW en het CAW tot bij de mensen.";

/// A problem document of `status` whose detail, or one of whose issues, says `text`.
pub(crate) fn refused(answer: &Answer, status: u16, text: &str) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    let said = std::iter::once(&answer.body["detail"])
        .chain(
            answer.body["issues"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| &i["detail"]),
        )
        .filter_map(Value::as_str)
        .any(|d| d.contains(text));
    assert!(said, "{text:?} not in {}", answer.body);
}

pub(crate) async fn post(w: &World, path: &str, token: &str, body: Value) -> Answer {
    w.app
        .call(Method::POST, path, token, Some(&body), None)
        .await
}

pub(crate) async fn get(w: &World, path: &str, token: &str) -> Answer {
    w.app.call(Method::GET, path, token, None, None).await
}

pub(crate) fn path(p: &Value) -> String {
    p["self"].as_str().expect("self").to_owned()
}

/// A draft for Limburg by its coordinator, ready to submit.
pub(crate) async fn draft(w: &World, title: &str) -> Value {
    let made = post(
        w,
        "/api/v1/proposals",
        &w.coordinator,
        json!({"planId": w.plan_id, "title": title, "rationale": RATIONALE,
               "challengeIds": [w.challenge_ids[0]], "organisationIds": [w.org_limburg]}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    made.body
}

/// A proposal submitted and taken under review.
pub(crate) async fn under_review(w: &World, title: &str) -> Value {
    let p = draft(w, title).await;
    let submitted = post(
        w,
        &format!("{}/submit", path(&p)),
        &w.coordinator,
        json!({}),
    )
    .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    let reviewed = post(w, &format!("{}/review", path(&p)), &w.steering, json!({})).await;
    assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.body);
    reviewed.body
}

pub(crate) async fn decide(w: &World, p: &Value, token: &str, body: Value) -> Answer {
    post(w, &format!("{}/decisions", path(p)), token, body).await
}

pub(crate) async fn actions_from(w: &World, proposal: &Value) -> Vec<Value> {
    let all = get(
        w,
        &format!("/api/v1/actions?plan={}&pageSize=200", w.plan_id),
        &w.reader,
    )
    .await;
    all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["proposalId"] == proposal["id"])
        .cloned()
        .collect()
}

#[actix_web::test]
async fn a_draft_becomes_an_action_through_submission_review_and_acceptance() {
    let w = World::new().await;
    w.app
        .create(
            "/api/v1/actions",
            &w.steering,
            json!({"planId": w.plan_id, "number": 50, "title": "Mobiele permanenties op het platteland",
                   "challengeIds": [w.challenge_ids[0]]}),
        )
        .await;
    let made = post(
        &w,
        "/api/v1/proposals",
        &w.coordinator,
        json!({"planId": w.plan_id, "title": "Mobiele sociale permanenties in landelijke gemeenten"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let p = made.body;
    assert_eq!(
        p["regionId"], "limburg",
        "a coordinator proposes for their region"
    );
    assert_eq!(p["status"], "draft");
    // A draft is its proposers' own.
    assert_eq!(
        get(&w, &path(&p), &w.reader).await.status,
        StatusCode::NOT_FOUND
    );
    let listed = get(&w, "/api/v1/proposals", &w.reader).await;
    assert_eq!(listed.body["total"], 0);
    assert_eq!(get(&w, &path(&p), &w.admin).await.status, StatusCode::OK);
    // Submitting needs a rationale and a challenge.
    let early = post(
        &w,
        &format!("{}/submit", path(&p)),
        &w.coordinator,
        json!({}),
    )
    .await;
    refused(&early, 409, "a proposal is submitted with its rationale");
    let filled = w
        .app
        .patch_current(
            &path(&p),
            &w.coordinator,
            json!({"rationale": RATIONALE, "challengeIds": [w.challenge_ids[0]]}),
        )
        .await;
    assert_eq!(filled.status, StatusCode::OK, "{}", filled.body);
    let submitted = post(
        &w,
        &format!("{}/submit", path(&p)),
        &w.coordinator,
        json!({}),
    )
    .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    assert_eq!(submitted.body["proposal"]["status"], "submitted");
    assert_eq!(
        submitted.etag.as_deref(),
        Some(format!("\"{}\"", submitted.body["proposal"]["version"]).as_str())
    );
    let alike = &submitted.body["similar"]["actions"];
    assert_eq!(
        alike[0]["title"], "Mobiele permanenties op het platteland",
        "{alike}"
    );
    assert!(alike[0]["similarity"].as_f64().unwrap() >= 0.3);
    // Submitted: every reader sees it, its region no longer changes it.
    assert_eq!(get(&w, &path(&p), &w.reader).await.status, StatusCode::OK);
    let locked = w
        .app
        .patch_current(&path(&p), &w.coordinator, json!({"title": "Anders"}))
        .await;
    refused(&locked, 409, "a proposal that is submitted is not changed");
    // Only steering reviews and decides.
    let review = post(
        &w,
        &format!("{}/review", path(&p)),
        &w.coordinator,
        json!({}),
    )
    .await;
    assert_eq!(review.status, StatusCode::FORBIDDEN);
    let review = post(
        &w,
        &format!("{}/review", path(&p)),
        &w.steering,
        json!({"note": "Agenda mei"}),
    )
    .await;
    assert_eq!(review.body["status"], "underReview");
    let locked = w
        .app
        .patch_current(&path(&p), &w.coordinator, json!({"title": "Anders"}))
        .await;
    assert_eq!(
        locked.status,
        StatusCode::CONFLICT,
        "the region cannot edit it under review"
    );
    let accept = json!({"outcome": "accepted", "reasonCode": "fitsPlan",
                        "meeting": "Stuurgroep 12 mei 2025", "meetingOn": "2025-05-12"});
    for token in [&w.coordinator, &w.admin, &w.contributor, &w.reader] {
        assert_eq!(
            decide(&w, &p, token, accept.clone()).await.status,
            StatusCode::FORBIDDEN
        );
    }
    let decided = decide(&w, &p, &w.steering, accept.clone()).await;
    assert_eq!(decided.status, StatusCode::CREATED, "{}", decided.body);
    let decision = decided.body;
    assert_eq!(decided.location.as_deref(), decision["self"].as_str());
    assert_eq!(decision["to"], "accepted");
    assert_eq!(decision["meeting"], "Stuurgroep 12 mei 2025");
    // The action: the plan's next number and code, the proposal's words, linked both ways.
    let actions = actions_from(&w, &p).await;
    assert_eq!(actions.len(), 1);
    let action = &actions[0];
    assert_eq!(decision["actionId"], action["id"]);
    assert_eq!(action["number"], 91, "after the fixtures' 50 and 90");
    assert_eq!(action["code"], "A91");
    assert_eq!(
        action["title"],
        "Mobiele sociale permanenties in landelijke gemeenten"
    );
    assert_eq!(action["description"], RATIONALE);
    assert_eq!(action["origin"], "regionalProposal");
    assert_eq!(action["proposedByRegionId"], "limburg");
    assert_eq!(action["challengeIds"], json!([w.challenge_ids[0]]));
    let now = get(&w, &path(&p), &w.reader).await.body;
    assert_eq!(now["status"], "accepted");
    assert_eq!(now["actionId"], action["id"]);
    assert_eq!(now["decisionId"], decision["id"]);
    // Taken once: a second decision is a conflict, and the action stays.
    let again = decide(&w, &p, &w.steering, accept).await;
    refused(&again, 409, "a decision cannot be taken on it again");
    let removal = w
        .app
        .delete_current(
            &format!("/api/v1/actions/{}", action["id"].as_str().unwrap()),
            &w.steering,
        )
        .await;
    refused(&removal, 409, "proposal it was accepted from");
    let origin = w
        .app
        .patch_current(
            &format!("/api/v1/actions/{}", action["id"].as_str().unwrap()),
            &w.steering,
            json!({"origin": "plan", "proposedByRegionId": null}),
        )
        .await;
    assert_eq!(origin.status, StatusCode::BAD_REQUEST, "{}", origin.body);
    // The history: every step, in order, with who took it.
    let steps = get(&w, &format!("{}/transitions", path(&p)), &w.reader)
        .await
        .body;
    let moves: Vec<(&str, &str, bool)> = steps["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["from"].as_str().unwrap(),
                t["to"].as_str().unwrap(),
                t["decision"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        [
            ("draft", "submitted", false),
            ("submitted", "underReview", false),
            ("underReview", "accepted", true)
        ]
    );
    assert_eq!(steps["items"][1]["reason"], "Agenda mei");
    assert_eq!(steps["items"][2]["by"]["name"], "Test user");
    // The plan's progress report shows where the action came from.
    let report = get(
        &w,
        &format!("/api/v1/reports/planProgress?plan={}", w.plan_id),
        &w.reader,
    )
    .await;
    let line = report.body["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actionId"] == action["id"])
        .cloned()
        .expect("the accepted action in the report");
    assert_eq!(line["origin"], "regionalProposal");
    assert_eq!(line["proposalId"], p["id"]);
    let history = get(&w, &format!("{}/history", path(&p)), &w.steering).await;
    assert_eq!(
        history.body["total"], 5,
        "create, patch, submit, review, decision"
    );
}
#[actix_web::test]
async fn proposers_write_comment_withdraw_and_delete_only_what_is_theirs() {
    let w = World::new().await;
    let antwerp = w
        .app
        .create_user(Role::Coordinator, Some("antwerpen"), None)
        .await;
    let antwerp = w.app.login(&antwerp).await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let p = draft(&w, "De sociale kruidenier als ontmoetingsplek").await;
    assert_eq!(
        get(&w, &path(&p), &antwerp).await.status,
        StatusCode::NOT_FOUND
    );
    let foreign = post(
        &w,
        "/api/v1/proposals",
        &antwerp,
        json!({"planId": w.plan_id, "regionId": "limburg", "title": "Niet van ons"}),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let steering = post(
        &w,
        "/api/v1/proposals",
        &w.steering,
        json!({"planId": w.plan_id, "title": "Zonder regio"}),
    )
    .await;
    refused(
        &steering,
        400,
        "is required: name the proposing regional platform",
    );
    let bad = post(
        &w,
        "/api/v1/proposals",
        &w.steering,
        json!({"planId": w.plan_id, "regionId": "limburg", "title": "Slecht",
               "challengeIds": [Uuid::new_v4()], "practiceIds": [Uuid::new_v4()]}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert_eq!(bad.body["issues"].as_array().unwrap().len(), 2);
    // A fresh draft is deleted; a submitted one only withdrawn.
    let scrap = draft(&w, "Weg ermee").await;
    assert_eq!(
        w.app
            .delete_current(&path(&scrap), &w.coordinator)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    post(
        &w,
        &format!("{}/submit", path(&p)),
        &w.coordinator,
        json!({}),
    )
    .await;
    // Comments: steering and the proposing region; every reader reads them.
    let c1 = post(
        &w,
        &format!("{}/comments", path(&p)),
        &w.steering,
        json!({"body": "Welke gemeenten?"}),
    )
    .await;
    assert_eq!(c1.status, StatusCode::CREATED, "{}", c1.body);
    assert_eq!(c1.location.as_deref(), c1.body["self"].as_str());
    let c2 = post(
        &w,
        &format!("{}/comments", path(&p)),
        &w.coordinator,
        json!({"body": "Genk en Maasmechelen."}),
    )
    .await;
    assert_eq!(c2.status, StatusCode::CREATED);
    for token in [&antwerp, &w.contributor, &w.reader, &w.admin] {
        let refused = post(
            &w,
            &format!("{}/comments", path(&p)),
            token,
            json!({"body": "Ik ook"}),
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
    let empty = post(
        &w,
        &format!("{}/comments", path(&p)),
        &w.steering,
        json!({"body": "   "}),
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    let comments = get(&w, &format!("{}/comments", path(&p)), &w.reader)
        .await
        .body;
    assert_eq!(comments["total"], 2);
    assert_eq!(comments["items"][0]["body"], "Welke gemeenten?");
    assert_eq!(comments["items"][1]["body"], "Genk en Maasmechelen.");
    // A stale If-Match on a step is a 412; the region withdraws it once.
    let stale = w
        .app
        .call(
            Method::POST,
            &format!("{}/withdraw", path(&p)),
            &w.coordinator,
            Some(&json!({})),
            Some(1),
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let foreign_withdraw = post(&w, &format!("{}/withdraw", path(&p)), &antwerp, json!({})).await;
    assert_eq!(foreign_withdraw.status, StatusCode::FORBIDDEN);
    let withdrawn = post(
        &w,
        &format!("{}/withdraw", path(&p)),
        &w.coordinator,
        json!({"note": "Loopt al lokaal."}),
    )
    .await;
    assert_eq!(withdrawn.body["status"], "withdrawn");
    let twice = post(
        &w,
        &format!("{}/withdraw", path(&p)),
        &w.coordinator,
        json!({}),
    )
    .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let decided = decide(&w, &p, &w.steering, json!({"outcome": "accepted"})).await;
    refused(&decided, 409, "has nothing to decide on");
    let removal = w.app.delete_current(&path(&p), &w.coordinator).await;
    assert_eq!(removal.status, StatusCode::CONFLICT);
}
