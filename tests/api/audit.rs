//! The audit log: every kind of write leaves an entry; only steering and
//! administrators read it.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::World;

async fn entries(w: &World, query: &str) -> Vec<Value> {
    let body = w
        .app
        .get_json(&format!("/api/v1/audit?{query}&pageSize=200"), &w.steering)
        .await;
    body["items"].as_array().expect("items").clone()
}

#[actix_web::test]
async fn every_kind_of_write_is_recorded() {
    let w = World::new().await;
    let org = w
        .app
        .create(
            "/api/v1/organisations",
            &w.steering,
            json!({"name": "Audit", "kind": "caw"}),
        )
        .await;
    let org_path = format!("/api/v1/organisations/{}", org["id"].as_str().unwrap());
    w.app
        .patch_current(&org_path, &w.steering, json!({"name": "Audit 2"}))
        .await;
    w.app.delete_current(&org_path, &w.steering).await;
    let initiative = w.initiative("AU1", &["limburg"], None).await;
    let initiative_id = initiative["id"].as_str().unwrap();
    w.app
        .create(
            &format!("/api/v1/initiatives/{initiative_id}/progressUpdates"),
            &w.contributor,
            json!({"date": "2024-01-01", "status": "inProgress"}),
        )
        .await;
    let challenge = w
        .app
        .get_json(
            &format!("/api/v1/challenges/{}", w.challenge_ids[0]),
            &w.steering,
        )
        .await;
    w.app
        .patch_current(
            &format!("/api/v1/challenges/{}", w.challenge_ids[0]),
            &w.steering,
            json!({"description": "Beschrijving"}),
        )
        .await;
    w.app
        .patch_current(
            &format!("/api/v1/plans/{}", w.plan_id),
            &w.steering,
            json!({"description": "Nieuw"}),
        )
        .await;
    let _ = challenge;
    let user = w
        .app
        .create(
            "/api/v1/users",
            &w.admin,
            json!({"email": "nieuw@example.org", "displayName": "Nieuw", "password": "a long enough password", "role": "reader"}),
        )
        .await;
    w.app
        .patch_current(
            &format!("/api/v1/users/{}", user["id"].as_str().unwrap()),
            &w.admin,
            json!({"active": false}),
        )
        .await;
    let account = w
        .app
        .create(
            "/api/v1/serviceAccounts",
            &w.admin,
            json!({"name": "Gemeente X", "role": "reader"}),
        )
        .await;
    w.app
        .create(
            &format!(
                "/api/v1/serviceAccounts/{}/apiKeys",
                account["id"].as_str().unwrap()
            ),
            &w.admin,
            json!({"name": "sync"}),
        )
        .await;

    let organisation = entries(&w, "resource=organisation").await;
    let operations: Vec<&str> = organisation
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(operations, ["delete", "update", "create"]);
    assert_eq!(
        organisation[1]["changes"],
        json!({"name": {"before": "Audit", "after": "Audit 2"}})
    );
    assert!(organisation[0]["changes"]["name"]["before"] == "Audit 2");
    assert!(organisation[2]["requestId"].is_string());
    let users = entries(&w, "resource=user").await;
    assert_eq!(
        users[0]["changes"],
        json!({"active": {"before": true, "after": false}})
    );
    assert!(
        users[1]["changes"].get("password").is_none(),
        "no secret in the log"
    );
    for resource in [
        "plan",
        "challenge",
        "action",
        "initiative",
        "progressUpdate",
        "serviceAccount",
        "apiKey",
    ] {
        assert!(
            !entries(&w, &format!("resource={resource}"))
                .await
                .is_empty(),
            "{resource}"
        );
    }
    // The progress update changed the initiative too; its history shows both writes.
    let history = w
        .app
        .get_json(
            &format!("/api/v1/initiatives/{initiative_id}/history"),
            &w.admin,
        )
        .await;
    assert_eq!(history["total"], 2);
    assert_eq!(
        history["items"][0]["changes"]["status"],
        json!({"before": "planned", "after": "inProgress"})
    );
    assert_eq!(history["items"][1]["operation"], "create");
    let updates = entries(&w, "resource=progressUpdate&operation=create").await;
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0]["actorKind"], "user");
    let deletes = entries(&w, "operation=delete").await;
    assert_eq!(deletes.len(), 1);
    let none = entries(&w, "since=2999-01-01T00:00:00Z").await;
    assert!(none.is_empty());
    // Refused writes leave no entry.
    let before = entries(&w, "").await.len();
    let refused = w
        .app
        .call(
            Method::POST,
            "/api/v1/organisations",
            &w.reader,
            Some(&json!({"name": "x", "kind": "caw"})),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(entries(&w, "").await.len(), before);
}

#[actix_web::test]
async fn only_steering_and_administrators_read_the_audit_log() {
    let w = World::new().await;
    let history = format!("/api/v1/plans/{}/history", w.plan_id);
    for token in [&w.coordinator, &w.contributor, &w.reader] {
        for path in ["/api/v1/audit", history.as_str()] {
            let answer = w.app.call(Method::GET, path, token, None, None).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        }
    }
    for token in [&w.steering, &w.admin] {
        let answer = w
            .app
            .call(Method::GET, "/api/v1/audit", token, None, None)
            .await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let bad = w
        .app
        .call(
            Method::GET,
            "/api/v1/audit?resource=users",
            &w.admin,
            None,
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    let erase =
        diesel_async::RunQueryDsl::execute(diesel::sql_query("DELETE FROM audit_log"), &mut conn)
            .await;
    assert!(erase.is_err(), "the audit log is append-only");
}
