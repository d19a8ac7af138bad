//! Progress updates and the roll-up of progress.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{World, id_of};

fn updates(initiative: &Value) -> String {
    format!(
        "/api/v1/initiatives/{}/progressUpdates",
        initiative["id"].as_str().unwrap()
    )
}

#[actix_web::test]
async fn who_may_post_progress_updates() {
    let w = World::new().await;
    let led = w.initiative("P1", &["antwerpen"], None).await; // led by the Limburg organisation
    let limburg = w
        .initiative("P2", &["limburg", "brussel"], Some(w.org_antwerpen))
        .await;
    let elsewhere = w
        .initiative("P3", &["antwerpen"], Some(w.org_antwerpen))
        .await;
    let body = json!({"date": "2024-02-01", "status": "inProgress", "narrative": "Gestart."});
    let cases = [
        (&w.contributor, &led, StatusCode::CREATED),
        (&w.contributor, &limburg, StatusCode::FORBIDDEN),
        (&w.coordinator, &limburg, StatusCode::CREATED),
        (&w.coordinator, &led, StatusCode::FORBIDDEN),
        (&w.coordinator, &elsewhere, StatusCode::FORBIDDEN),
        (&w.reader, &led, StatusCode::FORBIDDEN),
        (&w.steering, &elsewhere, StatusCode::CREATED),
        (&w.admin, &elsewhere, StatusCode::CREATED),
    ];
    for (token, initiative, expected) in cases {
        let answer = w
            .app
            .call(Method::POST, &updates(initiative), token, Some(&body), None)
            .await;
        assert_eq!(
            answer.status, expected,
            "{} {}",
            initiative["code"], answer.body
        );
    }
    let action_update = w
        .app
        .call(
            Method::POST,
            &format!("/api/v1/actions/{}/progressUpdates", w.action_id),
            &w.coordinator,
            Some(&body),
            None,
        )
        .await;
    assert_eq!(action_update.status, StatusCode::FORBIDDEN);
    let missing = w
        .app
        .call(
            Method::POST,
            &format!(
                "/api/v1/initiatives/{}/progressUpdates",
                uuid::Uuid::new_v4()
            ),
            &w.steering,
            Some(&body),
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn the_latest_update_sets_the_current_status_and_history_stays() {
    let w = World::new().await;
    let initiative = w.initiative("H1", &["limburg"], None).await;
    let path = format!("/api/v1/initiatives/{}", initiative["id"].as_str().unwrap());
    let posted = w
        .app
        .call(
            Method::POST,
            &updates(&initiative),
            &w.contributor,
            Some(&json!({"date": "2024-05-01", "status": "delayed", "progress": 30, "narrative": "Vertraagd."})),
            None,
        )
        .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
    assert_eq!(posted.body["authorName"], "Test user");
    let location = posted.location.clone().unwrap();
    assert_eq!(
        w.app.get_json(&location, &w.reader).await["narrative"],
        "Vertraagd."
    );
    let now = w.app.get_json(&path, &w.reader).await;
    assert_eq!(
        (now["status"].as_str(), now["progress"].as_i64()),
        (Some("delayed"), Some(30))
    );
    assert_eq!(now["progressSource"], "explicit");
    assert_eq!(now["lastProgressOn"], "2024-05-01");
    assert_eq!(now["version"], 2);

    // A backdated entry adds history but does not change the present.
    w.app
        .create(
            &updates(&initiative),
            &w.contributor,
            json!({"date": "2024-04-01", "status": "inProgress"}),
        )
        .await;
    let still = w.app.get_json(&path, &w.reader).await;
    assert_eq!(still["status"], "delayed");
    assert_eq!(still["version"], 2);

    // A correction on the same day is a new entry that wins.
    w.app
        .create(
            &updates(&initiative),
            &w.contributor,
            json!({"date": "2024-05-01", "status": "completed"}),
        )
        .await;
    let done = w.app.get_json(&path, &w.reader).await;
    assert_eq!(
        (done["status"].as_str(), done["progress"].as_i64()),
        (Some("completed"), Some(100))
    );
    assert_eq!(done["progressSource"], "statusDefault");

    let timeline = w.app.get_json(&updates(&initiative), &w.reader).await;
    assert_eq!(timeline["total"], 3);
    let statuses: Vec<&str> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["completed", "delayed", "inProgress"]);

    // Entries are never edited or removed.
    for method in [Method::PATCH, Method::DELETE, Method::PUT] {
        let answer = w
            .app
            .call(
                method.clone(),
                &location,
                &w.admin,
                Some(&json!({})),
                Some(1),
            )
            .await;
        assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    let rewrite = diesel_async::RunQueryDsl::execute(
        diesel::sql_query("UPDATE progress_updates SET narrative = 'rewritten'"),
        &mut conn,
    )
    .await;
    assert!(rewrite.is_err(), "the database refuses to rewrite history");
}

#[actix_web::test]
async fn progress_updates_are_checked() {
    let w = World::new().await;
    let initiative = w.initiative("V1", &["limburg"], None).await;
    let tomorrow_plus = (chrono::Utc::now().date_naive() + chrono::Days::new(3)).to_string();
    let cases = [
        (
            json!({"date": "2024-01-01", "status": "completed", "progress": 50}),
            "progress",
        ),
        (
            json!({"date": "2024-01-01", "status": "dropped", "progress": 0}),
            "progress",
        ),
        (
            json!({"date": "2024-01-01", "status": "planned", "progress": -1}),
            "progress",
        ),
        (json!({"date": tomorrow_plus, "status": "planned"}), "date"),
        (json!({"date": "1999-01-01", "status": "planned"}), "date"),
        (json!({"date": "2024-02-30", "status": "planned"}), "date"),
        (
            json!({"date": "2024-01-01", "status": "finished"}),
            "status",
        ),
        (
            json!({"date": "2024-01-01", "status": "planned", "narrative": "a\u{0}b"}),
            "narrative",
        ),
        (
            json!({"date": "2024-01-01", "status": "planned", "authorName": "Iemand anders"}),
            "authorName",
        ),
        (json!({"status": "planned"}), "date"),
    ];
    for (body, field) in cases {
        let answer = w
            .app
            .call(
                Method::POST,
                &updates(&initiative),
                &w.steering,
                Some(&body),
                None,
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            answer.body
        );
        assert_eq!(
            answer.body["issues"][0]["name"], field,
            "{body}: {}",
            answer.body
        );
    }
    let timeline = w.app.get_json(&updates(&initiative), &w.reader).await;
    assert_eq!(timeline["total"], 0, "refused updates leave nothing behind");
}

/// A plan of its own, so the figures depend on this test only.
pub async fn plan_with_actions(w: &World) -> (String, Vec<Value>, Vec<Value>) {
    let plan = w
        .app
        .create(
            "/api/v1/plans",
            &w.steering,
            json!({"code": "rollup", "title": "Roll-up", "startYear": 2025, "endYear": 2026}),
        )
        .await;
    let plan_id = plan["id"].as_str().unwrap().to_owned();
    let mut challenges = Vec::new();
    for n in 1..=3 {
        challenges.push(
            w.app
                .create(
                    "/api/v1/challenges",
                    &w.steering,
                    json!({"planId": plan_id, "code": format!("C{n}"), "number": n, "title": format!("Uitdaging {n}")}),
                )
                .await,
        );
    }
    let action = |n: i32, weight: f64, challenges: Vec<&Value>| {
        json!({"planId": plan_id, "number": n, "title": format!("Actie {n}"), "weight": weight,
               "challengeIds": challenges.iter().map(|c| c["id"].clone()).collect::<Vec<_>>()})
    };
    let mut actions = Vec::new();
    for body in [
        action(1, 2.0, vec![&challenges[0]]),
        action(2, 1.0, vec![&challenges[0], &challenges[1]]),
        action(3, 1.0, vec![&challenges[1]]),
        action(4, 5.0, vec![&challenges[1]]),
    ] {
        actions.push(w.app.create("/api/v1/actions", &w.steering, body).await);
    }
    (plan_id, actions, challenges)
}

#[actix_web::test]
async fn the_plan_roll_up_is_a_weighted_mean_with_its_edge_cases() {
    let w = World::new().await;
    let (plan_id, actions, challenges) = plan_with_actions(&w).await;
    let initiative = |action: &Value,
                      code: &str,
                      regions: Value,
                      weight: f64,
                      status: &str,
                      progress: Value| {
        let mut body = json!({"actionId": action["id"], "code": code, "title": code,
               "leadOrganisationId": w.org_limburg, "regions": regions, "weight": weight, "status": status});
        if !progress.is_null() {
            body["progress"] = progress;
        }
        body
    };
    // Action 1: two initiatives, one in two regions, and a dropped one that leaves the mean.
    for body in [
        initiative(
            &actions[0],
            "I1",
            json!(["limburg", "antwerpen"]),
            3.0,
            "inProgress",
            json!(80),
        ),
        initiative(
            &actions[0],
            "I2",
            json!(["limburg"]),
            1.0,
            "planned",
            Value::Null,
        ),
        initiative(
            &actions[0],
            "I3",
            json!(["limburg"]),
            10.0,
            "dropped",
            Value::Null,
        ),
        // Action 2: only weight-zero initiatives, so its own status counts.
        initiative(
            &actions[1],
            "I4",
            json!(["brussel"]),
            0.0,
            "completed",
            Value::Null,
        ),
    ] {
        w.app.create("/api/v1/initiatives", &w.steering, body).await;
    }
    // Action 2's own status: inProgress at 40. Action 3 has no initiatives: planned, 0.
    w.app
        .create(
            &format!(
                "/api/v1/actions/{}/progressUpdates",
                actions[1]["id"].as_str().unwrap()
            ),
            &w.steering,
            json!({"date": "2025-02-01", "status": "inProgress", "progress": 40}),
        )
        .await;
    // Action 4 is dropped: it leaves the plan and its challenge.
    w.app
        .create(
            &format!(
                "/api/v1/actions/{}/progressUpdates",
                actions[3]["id"].as_str().unwrap()
            ),
            &w.steering,
            json!({"date": "2025-02-01", "status": "dropped"}),
        )
        .await;
    let report = w
        .app
        .get_json(&format!("/api/v1/plans/{plan_id}/progress"), &w.reader)
        .await;
    // Action 1 = (3×80 + 1×0) / 4 = 60.
    let a1 = &report["actions"][0];
    assert_eq!(a1["progress"], 60.0, "{report}");
    assert_eq!(a1["basis"], "initiatives");
    assert_eq!(a1["initiatives"]["weightTotal"], 4.0);
    assert_eq!(
        (
            a1["initiatives"]["counted"].as_i64(),
            a1["initiatives"]["excluded"].as_i64()
        ),
        (Some(2), Some(1))
    );
    let a2 = &report["actions"][1];
    assert_eq!(
        (a2["progress"].as_f64(), a2["basis"].as_str()),
        (Some(40.0), Some("ownStatus"))
    );
    assert_eq!(a2["initiatives"]["excluded"], 1);
    assert!(
        a2["initiatives"].get("progress").is_none(),
        "all weights zero: no mean"
    );
    let a3 = &report["actions"][2];
    assert_eq!(
        (a3["progress"].as_f64(), a3["basis"].as_str()),
        (Some(0.0), Some("ownStatus"))
    );
    let a4 = &report["actions"][3];
    assert!(a4.get("progress").is_none());
    assert_eq!(a4["basis"], "dropped");
    // Plan = (2×60 + 1×40 + 1×0) / 4 = 40; action 4 excluded.
    assert_eq!(report["plan"]["progress"], 40.0);
    assert_eq!(report["plan"]["weightTotal"], 4.0);
    assert_eq!(
        (
            report["plan"]["counted"].as_i64(),
            report["plan"]["excluded"].as_i64()
        ),
        (Some(3), Some(1))
    );
    // Challenge 1 = (2×60 + 1×40)/3 = 53.33; challenge 2 = (1×40 + 1×0)/2 = 20; challenge 3 has no actions.
    assert_eq!(report["challenges"][0]["challengeId"], challenges[0]["id"]);
    assert_eq!(report["challenges"][0]["progress"], 53.33);
    assert_eq!(report["challenges"][1]["progress"], 20.0);
    assert!(report["challenges"][2].get("progress").is_none());
    assert_eq!(report["challenges"][2]["counted"], 0);
    // Per region: I1 counts fully in Limburg and Antwerpen.
    let region = |id: &str| {
        report["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["regionId"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(region("limburg")["progress"], 60.0);
    assert_eq!(region("antwerpen")["progress"], 80.0);
    assert!(
        region("brussel").get("progress").is_none(),
        "only a weight-zero initiative"
    );
    assert!(region("west-vlaanderen").get("progress").is_none());

    let action_report = w
        .app
        .get_json(
            &format!(
                "/api/v1/actions/{}/progress",
                actions[0]["id"].as_str().unwrap()
            ),
            &w.reader,
        )
        .await;
    assert_eq!(action_report["progress"], 60.0);
    let counted: Vec<bool> = action_report["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["counted"].as_bool().unwrap())
        .collect();
    assert_eq!(counted, [true, true, false]);
    let _ = id_of(&actions[0]);
}

#[actix_web::test]
async fn a_plan_without_actions_has_no_progress() {
    let w = World::new().await;
    let plan = w
        .app
        .create(
            "/api/v1/plans",
            &w.steering,
            json!({"code": "empty", "title": "Leeg", "startYear": 2025, "endYear": 2026}),
        )
        .await;
    let report = w
        .app
        .get_json(
            &format!("/api/v1/plans/{}/progress", plan["id"].as_str().unwrap()),
            &w.reader,
        )
        .await;
    assert!(report["plan"].get("progress").is_none(), "{report}");
    assert_eq!(report["plan"]["counted"], 0);
    assert_eq!(report["actions"], json!([]));
    assert_eq!(report["regions"].as_array().unwrap().len(), 7);
}
