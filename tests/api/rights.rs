//! The role × operation matrix of the plan model: every role (and an anonymous
//! caller) against every kind of write, on its own region or organisation and
//! on another's. The table states the README's permission table. A draft
//! proposal is hidden (404) from those who may not see it.

use std::sync::atomic::{AtomicI32, Ordering};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{World, id_of};

const OK: u16 = 200;
const CREATED: u16 = 201;
const GONE: u16 = 204;
const NO: u16 = 403;
/// A draft the caller may not see.
const HIDDEN: u16 = 404;

/// Expected status per caller: admin, steering, coordinator (Limburg),
/// contributor (a Limburg organisation), reader. Anonymous is always 401.
const MATRIX: &[(&str, [u16; 5])] = &[
    ("create plan", [CREATED, CREATED, NO, NO, NO]),
    ("update plan", [OK, OK, NO, NO, NO]),
    ("create challenge", [CREATED, CREATED, NO, NO, NO]),
    ("create action", [CREATED, CREATED, NO, NO, NO]),
    ("update action", [OK, OK, NO, NO, NO]),
    ("delete action", [GONE, GONE, NO, NO, NO]),
    ("post action progress", [CREATED, CREATED, NO, NO, NO]),
    (
        "create initiative in own region",
        [CREATED, CREATED, CREATED, NO, NO],
    ),
    (
        "create initiative in other region",
        [CREATED, CREATED, NO, NO, NO],
    ),
    (
        "create Flanders-wide initiative",
        [CREATED, CREATED, NO, NO, NO],
    ),
    ("update initiative in own region", [OK, OK, OK, NO, NO]),
    (
        "update initiative shared with own region",
        [OK, OK, OK, NO, NO],
    ),
    ("update initiative in other region", [OK, OK, NO, NO, NO]),
    (
        "delete initiative in own region",
        [GONE, GONE, GONE, NO, NO],
    ),
    (
        "delete initiative shared with own region",
        [GONE, GONE, NO, NO, NO],
    ),
    (
        "delete initiative in other region",
        [GONE, GONE, NO, NO, NO],
    ),
    (
        "post progress on own work",
        [CREATED, CREATED, CREATED, CREATED, NO],
    ),
    (
        "post progress on other work",
        [CREATED, CREATED, NO, NO, NO],
    ),
    (
        "create organisation in own region",
        [CREATED, CREATED, CREATED, NO, NO],
    ),
    (
        "create organisation in other region",
        [CREATED, CREATED, NO, NO, NO],
    ),
    ("update own organisation", [OK, OK, OK, OK, NO]),
    ("update other organisation", [OK, OK, NO, NO, NO]),
    ("delete organisation", [GONE, GONE, NO, NO, NO]),
    ("read audit log", [OK, OK, NO, NO, NO]),
    ("read initiative history", [OK, OK, NO, NO, NO]),
    (
        "create proposal for own region",
        [NO, CREATED, CREATED, NO, NO],
    ),
    (
        "create proposal for other region",
        [NO, CREATED, NO, NO, NO],
    ),
    (
        "update returned proposal of own region",
        [NO, OK, OK, NO, NO],
    ),
    (
        "update returned proposal of other region",
        [NO, OK, NO, NO, NO],
    ),
    (
        "submit proposal of own region",
        [NO, OK, OK, HIDDEN, HIDDEN],
    ),
    ("review proposal", [NO, OK, NO, NO, NO]),
    ("decide on proposal", [NO, CREATED, NO, NO, NO]),
    (
        "comment on proposal of own region",
        [NO, CREATED, CREATED, NO, NO],
    ),
    (
        "comment on proposal of other region",
        [NO, CREATED, NO, NO, NO],
    ),
    ("read proposal history", [OK, OK, NO, NO, NO]),
];

static COUNTER: AtomicI32 = AtomicI32::new(100);

fn next() -> i32 {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

fn path(kind: &str, body: &Value) -> String {
    format!("/api/v1/{kind}/{}", id_of(body))
}

/// Prepares what the operation needs (as steering) and performs it as `token`.
async fn attempt(w: &World, operation: &str, token: &str) -> StatusCode {
    let n = next();
    let steering = &w.steering;
    let app = &w.app;
    let fresh_action = || async {
        app.create(
            "/api/v1/actions",
            steering,
            json!({"planId": w.plan_id, "number": n, "title": "Actie", "challengeIds": [w.challenge_ids[0]]}),
        )
        .await
    };
    let initiative_body = |regions: Value, lead| {
        json!({"actionId": w.action_id, "code": format!("M{n}"), "title": "Matrix",
               "leadOrganisationId": lead, "regions": regions})
    };
    let post = |p: String, body: Value| async move {
        app.call(Method::POST, &p, token, Some(&body), None)
            .await
            .status
    };
    let patch =
        |p: String, body: Value| async move { app.patch_current(&p, token, body).await.status };
    let delete = |p: String| async move { app.delete_current(&p, token).await.status };
    let progress = json!({"date": "2024-06-01", "status": "inProgress"});
    match operation {
        "create plan" => {
            post("/api/v1/plans".into(), json!({"code": format!("p{n}"), "title": "Plan", "startYear": 2025, "endYear": 2026})).await
        }
        "update plan" => {
            let plan = app.create("/api/v1/plans", steering, json!({"code": format!("p{n}"), "title": "Plan", "startYear": 2025, "endYear": 2026})).await;
            patch(path("plans", &plan), json!({"title": "Ander"})).await
        }
        "create challenge" => {
            post("/api/v1/challenges".into(), json!({"planId": w.plan_id, "code": format!("X{n}"), "number": n, "title": "Uitdaging"})).await
        }
        "create action" => {
            post("/api/v1/actions".into(), json!({"planId": w.plan_id, "number": n, "title": "Actie", "challengeIds": [w.challenge_ids[0]]})).await
        }
        "update action" => patch(path("actions", &fresh_action().await), json!({"title": "Ander"})).await,
        "delete action" => delete(path("actions", &fresh_action().await)).await,
        "post action progress" => {
            post(format!("{}/progressUpdates", path("actions", &fresh_action().await)), progress).await
        }
        "create initiative in own region" => {
            post("/api/v1/initiatives".into(), initiative_body(json!(["limburg"]), w.org_limburg)).await
        }
        "create initiative in other region" => {
            post("/api/v1/initiatives".into(), initiative_body(json!(["antwerpen"]), w.org_antwerpen)).await
        }
        "create Flanders-wide initiative" => {
            post("/api/v1/initiatives".into(), initiative_body(json!(["vlaanderen"]), w.org_limburg)).await
        }
        op if op.contains("initiative") && !op.starts_with("create") => {
            let (regions, lead) = if op.ends_with("in own region") {
                (json!(["limburg"]), w.org_limburg)
            } else if op.ends_with("shared with own region") {
                (json!(["limburg", "antwerpen"]), w.org_antwerpen)
            } else {
                (json!(["antwerpen"]), w.org_antwerpen)
            };
            let initiative = app.create("/api/v1/initiatives", steering, initiative_body(regions, lead)).await;
            let p = path("initiatives", &initiative);
            match op.split(' ').next() {
                Some("update") => patch(p, json!({"title": "Ander"})).await,
                Some("delete") => delete(p).await,
                _ => app.call(Method::GET, &format!("{p}/history"), token, None, None).await.status,
            }
        }
        "post progress on own work" | "post progress on other work" => {
            let own = operation.ends_with("own work");
            let (regions, lead) = if own {
                (json!(["limburg"]), w.org_limburg)
            } else {
                (json!(["antwerpen"]), w.org_antwerpen)
            };
            let initiative = app.create("/api/v1/initiatives", steering, initiative_body(regions, lead)).await;
            post(format!("{}/progressUpdates", path("initiatives", &initiative)), progress).await
        }
        "create organisation in own region" => {
            post("/api/v1/organisations".into(), json!({"name": "Org", "kind": "caw", "regionId": "limburg"})).await
        }
        "create organisation in other region" => {
            post("/api/v1/organisations".into(), json!({"name": "Org", "kind": "caw", "regionId": "antwerpen"})).await
        }
        "update own organisation" => {
            patch(format!("/api/v1/organisations/{}", w.org_limburg), json!({"name": format!("Org {n}")})).await
        }
        "update other organisation" => {
            patch(format!("/api/v1/organisations/{}", w.org_antwerpen), json!({"name": format!("Org {n}")})).await
        }
        "delete organisation" => {
            let org = app.create("/api/v1/organisations", steering, json!({"name": "Los", "kind": "caw", "regionId": "limburg"})).await;
            delete(path("organisations", &org)).await
        }
        "read audit log" => app.call(Method::GET, "/api/v1/audit", token, None, None).await.status,
        op if op.contains("proposal") => proposal_attempt(w, op, token).await,
        other => panic!("no scenario for {other}"),
    }
}

/// A proposal of `region` written by steering, taken through `steps`
/// (`submit`, `review`, `return`).
async fn proposal(w: &World, region: &str, steps: &[&str]) -> String {
    let created = w
        .app
        .create(
            "/api/v1/proposals",
            &w.steering,
            json!({"planId": w.plan_id, "regionId": region, "title": format!("Voorstel {}", next()),
                   "rationale": "Omdat het nodig is.", "challengeIds": [w.challenge_ids[0]]}),
        )
        .await;
    let p = path("proposals", &created);
    for step in steps {
        let (to, body) = match *step {
            "return" => (
                format!("{p}/decisions"),
                json!({"outcome": "returned", "reasonCode": "other", "reason": "Aanvullen."}),
            ),
            other => (format!("{p}/{other}"), json!({})),
        };
        let done = w
            .app
            .call(Method::POST, &to, &w.steering, Some(&body), None)
            .await;
        assert!(done.status.is_success(), "{step}: {}", done.body);
    }
    p
}

async fn proposal_attempt(w: &World, operation: &str, token: &str) -> StatusCode {
    let app = &w.app;
    let region = if operation.ends_with("other region") {
        "antwerpen"
    } else {
        "limburg"
    };
    let post = |p: String, body: Value| async move {
        app.call(Method::POST, &p, token, Some(&body), None)
            .await
            .status
    };
    match operation.split(' ').next() {
        Some("create") => {
            post(
                "/api/v1/proposals".into(),
                json!({"planId": w.plan_id, "regionId": region, "title": "Voorstel"}),
            )
            .await
        }
        Some("update") => {
            let p = proposal(w, region, &["submit", "return"]).await;
            app.patch_current(&p, token, json!({"title": "Aangevuld"}))
                .await
                .status
        }
        Some("submit") => {
            post(
                format!("{}/submit", proposal(w, region, &[]).await),
                json!({}),
            )
            .await
        }
        Some("review") => {
            post(
                format!("{}/review", proposal(w, region, &["submit"]).await),
                json!({}),
            )
            .await
        }
        Some("decide") => {
            let p = proposal(w, region, &["submit"]).await;
            post(format!("{p}/decisions"), json!({"outcome": "accepted"})).await
        }
        Some("comment") => {
            let p = proposal(w, region, &["submit"]).await;
            post(format!("{p}/comments"), json!({"body": "Goed idee."})).await
        }
        _ => {
            let p = proposal(w, region, &[]).await;
            app.call(Method::GET, &format!("{p}/history"), token, None, None)
                .await
                .status
        }
    }
}

#[actix_web::test]
async fn every_role_against_every_write() {
    let w = World::new().await;
    let callers = [
        &w.admin,
        &w.steering,
        &w.coordinator,
        &w.contributor,
        &w.reader,
    ];
    let names = ["admin", "steering", "coordinator", "contributor", "reader"];
    let mut unexpected = Vec::new();
    for (operation, expected) in MATRIX {
        for ((token, name), want) in callers.iter().zip(names).zip(expected) {
            let got = attempt(&w, operation, token).await;
            if got.as_u16() != *want {
                unexpected.push(format!("{name} / {operation}: expected {want}, got {got}"));
            }
        }
        let anonymous = attempt(&w, operation, "").await;
        if anonymous != StatusCode::UNAUTHORIZED {
            unexpected.push(format!(
                "anonymous / {operation}: expected 401, got {anonymous}"
            ));
        }
    }
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}
