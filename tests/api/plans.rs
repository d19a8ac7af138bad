//! Plans, challenges and actions: CRUD, validation, references, public read.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::{World, id_of};
use crate::helpers::TestApp;

#[actix_web::test]
async fn the_seeded_plan_and_its_eight_challenges_are_there() {
    let w = World::new().await;
    let plan = w
        .app
        .get_json(&format!("/api/v1/plans/{}", w.plan_id), &w.reader)
        .await;
    assert_eq!(plan["code"], "ssw-2020-2024");
    assert_eq!(plan["startYear"], 2020);
    assert_eq!(plan["status"], "active");
    let challenges = w
        .app
        .get_json(&format!("/api/v1/challenges?plan={}", w.plan_id), &w.reader)
        .await;
    assert_eq!(challenges["total"], 8);
    assert_eq!(challenges["items"][7]["code"], "U8");
    assert_eq!(challenges["items"][7]["title"], "Onderbescherming");
}

#[actix_web::test]
async fn plans_are_written_with_if_match_and_kept_while_referenced() {
    let w = World::new().await;
    let plan = w
        .app
        .create(
            "/api/v1/plans",
            &w.steering,
            json!({"code": "ssw-2025-2029", "title": "Actieplan 2025-2029", "startYear": 2025, "endYear": 2029}),
        )
        .await;
    assert_eq!(plan["status"], "draft");
    let path = format!("/api/v1/plans/{}", plan["id"].as_str().unwrap());
    let body = json!({"status": "active"});
    let missing = w
        .app
        .call(Method::PATCH, &path, &w.steering, Some(&body), None)
        .await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
    let stale = w
        .app
        .call(Method::PATCH, &path, &w.steering, Some(&body), Some(7))
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let done = w
        .app
        .call(Method::PATCH, &path, &w.steering, Some(&body), Some(1))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["version"], 2);
    assert_eq!(done.etag.as_deref(), Some("\"2\""));
    let backwards = w
        .app
        .call(
            Method::PATCH,
            &path,
            &w.steering,
            Some(&json!({"endYear": 2020})),
            Some(2),
        )
        .await;
    assert_eq!(backwards.status, StatusCode::BAD_REQUEST);
    assert_eq!(backwards.body["issues"][0]["name"], "endYear");

    let seeded = format!("/api/v1/plans/{}", w.plan_id);
    let refused = w.app.delete_current(&seeded, &w.steering).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("8 challenges") && detail.contains("1 actions"),
        "{detail}"
    );

    let deleted = w.app.delete_current(&path, &w.steering).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = w
        .app
        .call(Method::GET, &path, &w.steering, None, None)
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn plan_input_is_checked_and_read_only_fields_are_named() {
    let w = World::new().await;
    let bad = w
        .app
        .call(
            Method::POST,
            "/api/v1/plans",
            &w.steering,
            Some(&json!({"code": "Bad Code", "title": "", "startYear": 1990, "endYear": 2030, "version": 3})),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body["issues"][0]["name"], "version", "{}", bad.body);
    let bad = w
        .app
        .call(
            Method::POST,
            "/api/v1/plans",
            &w.steering,
            Some(&json!({"code": "Bad Code", "title": "", "startYear": 1990, "endYear": 2030})),
            None,
        )
        .await;
    let names: Vec<&str> = bad.body["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["code", "title", "startYear"], "{}", bad.body);
}

#[actix_web::test]
async fn challenges_are_unique_per_plan_and_kept_while_actions_serve_them() {
    let w = World::new().await;
    let duplicate = w
        .app
        .call(
            Method::POST,
            "/api/v1/challenges",
            &w.steering,
            Some(&json!({"planId": w.plan_id, "code": "U8", "number": 9, "title": "Dubbel"})),
            None,
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT, "{}", duplicate.body);
    let served = w
        .app
        .delete_current(
            &format!("/api/v1/challenges/{}", w.challenge_ids[7]),
            &w.steering,
        )
        .await;
    assert_eq!(served.status, StatusCode::CONFLICT);
    assert!(
        served.body["detail"]
            .as_str()
            .unwrap()
            .contains("1 actions")
    );
    let unused = w
        .app
        .delete_current(
            &format!("/api/v1/challenges/{}", w.challenge_ids[0]),
            &w.steering,
        )
        .await;
    assert_eq!(unused.status, StatusCode::NO_CONTENT);
    let moved = w
        .app
        .patch_current(
            &format!("/api/v1/challenges/{}", w.challenge_ids[1]),
            &w.steering,
            json!({"planId": w.plan_id}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::BAD_REQUEST);
    assert_eq!(moved.body["issues"][0]["name"], "planId");
}

#[actix_web::test]
async fn actions_serve_challenges_of_their_own_plan() {
    let w = World::new().await;
    let action = w
        .app
        .create(
            "/api/v1/actions",
            &w.steering,
            json!({"planId": w.plan_id, "number": 7, "title": "Digitale praktijken",
                   "challengeIds": [w.challenge_ids[1], w.challenge_ids[5]],
                   "leadOrganisationIds": [w.org_limburg], "weight": 2.5,
                   "startDate": "2021-01-01", "endDate": "2024-12-31"}),
        )
        .await;
    assert_eq!(action["code"], "A07");
    assert_eq!(action["status"], "planned");
    assert_eq!(action["progress"], 0);
    assert_eq!(action["progressSource"], "statusDefault");
    assert_eq!(action["challengeIds"].as_array().unwrap().len(), 2);
    assert_eq!(action["origin"], "plan");

    let other_plan = w
        .app
        .create(
            "/api/v1/plans",
            &w.steering,
            json!({"code": "other", "title": "Other", "startYear": 2025, "endYear": 2026}),
        )
        .await;
    let foreign = w
        .app
        .create(
            "/api/v1/challenges",
            &w.steering,
            json!({"planId": other_plan["id"], "code": "X1", "number": 1, "title": "Elders"}),
        )
        .await;
    let cases = [
        (
            json!({"planId": w.plan_id, "number": 8, "title": "t", "challengeIds": [foreign["id"]]}),
            "challengeIds",
        ),
        (
            json!({"planId": w.plan_id, "number": 8, "title": "t", "challengeIds": []}),
            "challengeIds",
        ),
        (
            json!({"planId": w.plan_id, "number": 8, "title": "t", "challengeIds": [w.challenge_ids[0]], "origin": "regionalProposal"}),
            "proposedByRegionId",
        ),
        (
            json!({"planId": w.plan_id, "number": 8, "title": "t", "challengeIds": [w.challenge_ids[0]], "weight": -1}),
            "weight",
        ),
        (
            json!({"planId": w.plan_id, "number": 8, "title": "t", "challengeIds": [w.challenge_ids[0]], "startDate": "2024-01-02", "endDate": "2024-01-01"}),
            "endDate",
        ),
        (
            json!({"planId": w.plan_id, "number": 8, "title": "t", "challengeIds": [w.challenge_ids[0]], "status": "completed", "progress": 40}),
            "progress",
        ),
        (
            json!({"planId": w.plan_id, "number": 1000, "title": "t", "challengeIds": [w.challenge_ids[0]]}),
            "number",
        ),
        (
            json!({"planId": w.plan_id, "number": 8, "title": "t", "challengeIds": [w.challenge_ids[0]], "leadOrganisationIds": [uuid::Uuid::new_v4()]}),
            "leadOrganisationIds",
        ),
    ];
    for (body, field) in cases {
        let answer = w
            .app
            .call(
                Method::POST,
                "/api/v1/actions",
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
        assert_eq!(answer.body["issues"][0]["name"], field, "{}", answer.body);
    }
    let taken = w
        .app
        .call(
            Method::POST,
            "/api/v1/actions",
            &w.steering,
            Some(&json!({"planId": w.plan_id, "number": 7, "title": "t", "challengeIds": [w.challenge_ids[0]]})),
            None,
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);

    let path = format!("/api/v1/actions/{}", action["id"].as_str().unwrap());
    let status = w
        .app
        .patch_current(&path, &w.steering, json!({"status": "completed"}))
        .await;
    assert_eq!(status.status, StatusCode::BAD_REQUEST);
    assert_eq!(status.body["issues"][0]["name"], "status");
    assert!(
        status.body["issues"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("progress update")
    );
    let changed = w
        .app
        .patch_current(
            &path,
            &w.steering,
            json!({"challengeIds": [w.challenge_ids[2]], "endDate": null, "origin": "regionalProposal", "proposedByRegionId": "limburg"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.body["challengeIds"], json!([w.challenge_ids[2]]));
    assert!(changed.body.get("endDate").is_none());
    assert_eq!(changed.body["proposedByRegionId"], "limburg");
}

#[actix_web::test]
async fn an_action_with_initiatives_is_not_deleted() {
    let w = World::new().await;
    w.initiative("A90.1", &["limburg"], None).await;
    let refused = w
        .app
        .delete_current(&format!("/api/v1/actions/{}", w.action_id), &w.steering)
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("1 initiatives")
    );
}

#[actix_web::test]
async fn anonymous_callers_need_public_read_and_then_see_published_plans_only() {
    let closed = World::new().await;
    let anonymous = closed
        .app
        .call(Method::GET, "/api/v1/initiatives", "", None, None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let w = World::with_app(TestApp::spawn_with(|s| s.public_read = true).await).await;
    let initiative = w.initiative("A90.1", &["limburg"], None).await;
    let draft = w
        .app
        .create(
            "/api/v1/plans",
            &w.steering,
            json!({"code": "draft", "title": "Ontwerp", "startYear": 2025, "endYear": 2029}),
        )
        .await;
    let plans = w
        .app
        .call(Method::GET, "/api/v1/plans", "", None, None)
        .await;
    assert_eq!(plans.status, StatusCode::OK);
    assert_eq!(plans.body["total"], 1);
    let hidden = w
        .app
        .call(
            Method::GET,
            &format!("/api/v1/plans/{}", id_of(&draft)),
            "",
            None,
            None,
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let seen = w
        .app
        .call(
            Method::GET,
            &format!("/api/v1/initiatives/{}", id_of(&initiative)),
            "",
            None,
            None,
        )
        .await;
    assert_eq!(seen.status, StatusCode::OK);
    for path in [
        format!("/api/v1/plans/{}/progress", w.plan_id),
        format!("/api/v1/actions/{}", w.action_id),
        "/api/v1/challenges".to_owned(),
        "/api/v1/actions".to_owned(),
    ] {
        let answer = w.app.call(Method::GET, &path, "", None, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
    }
    // Everything else still needs a token.
    for path in ["/api/v1/organisations", "/api/v1/audit", "/api/v1/users"] {
        let answer = w.app.call(Method::GET, path, "", None, None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let write = w
        .app
        .call(Method::POST, "/api/v1/plans", "", Some(&json!({})), None)
        .await;
    assert_eq!(write.status, StatusCode::UNAUTHORIZED);
}
