//! Practices beside the plan: the regional overview counts published ones,
//! and actions and initiatives link to theirs.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::World;

async fn post(w: &World, token: &str, body: Value) -> Value {
    let res = w
        .app
        .request(Method::POST, "/api/v1/practices")
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

#[actix_web::test]
async fn the_regional_overview_counts_each_published_practice_once_per_region() {
    let w = World::new().await;
    post(
        &w,
        &w.steering,
        json!({"title": "Samen in Limburg en Antwerpen", "regionId": "limburg",
        "regions": ["limburg", "antwerpen"], "status": "published"}),
    )
    .await;
    post(
        &w,
        &w.steering,
        json!({"title": "Antwerpen alleen", "regionId": "antwerpen",
        "status": "published"}),
    )
    .await;
    post(
        &w,
        &w.coordinator,
        json!({"title": "Een ontwerp in Limburg"}),
    )
    .await;
    let old = post(
        &w,
        &w.steering,
        json!({"title": "Oud, in Limburg", "regionId": "limburg",
        "status": "published"}),
    )
    .await;
    let res = w
        .app
        .request(Method::PATCH, old["self"].as_str().unwrap())
        .bearer_auth(&w.steering)
        .header("if-match", "\"1\"")
        .header("content-type", "application/merge-patch+json")
        .body(json!({"status": "archived"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let report = w
        .app
        .get_json(
            &format!("/api/v1/reports/regionalOverview?plan={}", w.plan_id),
            &w.reader,
        )
        .await;
    let counts: Vec<(String, i64)> = report["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["regionId"].as_str().unwrap().to_owned(),
                r["practices"].as_i64().unwrap(),
            )
        })
        .collect();
    // Limburg: the first (its own and practised there); the draft and the
    // archived one do not count. Antwerpen: the first (practised there) and
    // the second (its own).
    for (region, count) in &counts {
        let expected = match region.as_str() {
            "limburg" => 1,
            "antwerpen" => 2,
            _ => 0,
        };
        assert_eq!(*count, expected, "{region}: {counts:?}");
    }
    assert!(counts.iter().any(|(r, _)| r == "antwerpen"), "{counts:?}");
}

#[actix_web::test]
async fn actions_and_initiatives_link_to_their_practices() {
    let w = World::new().await;
    let action = w
        .app
        .get_json(&format!("/api/v1/actions/{}", w.action_id), &w.reader)
        .await;
    let link = action["practices"].as_str().unwrap().to_owned();
    assert_eq!(link, format!("/api/v1/practices?action={}", w.action_id));
    let practice = post(
        &w,
        &w.steering,
        json!({"title": "Bij de actie", "status": "published",
        "actionIds": [w.action_id]}),
    )
    .await;
    post(
        &w,
        &w.steering,
        json!({"title": "Elders", "status": "published"}),
    )
    .await;
    let found = w.app.get_json(&link, &w.reader).await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["id"], practice["id"]);
    let initiatives = w
        .app
        .get_json(
            &format!("/api/v1/initiatives?action={}", w.action_id),
            &w.reader,
        )
        .await;
    for initiative in initiatives["items"].as_array().unwrap() {
        assert_eq!(
            initiative["practices"],
            format!(
                "/api/v1/practices?initiative={}",
                initiative["id"].as_str().unwrap()
            )
        );
    }
    // The link is the service's to give: a write naming it is refused.
    let res = w
        .app
        .request(Method::PATCH, action["self"].as_str().unwrap())
        .bearer_auth(&w.steering)
        .header("if-match", format!("\"{}\"", action["version"]))
        .header("content-type", "application/merge-patch+json")
        .body(json!({"practices": "/elsewhere"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}
