//! The example data set is entered as if over the years it tells: each
//! initiative and action on the day it began, each progress update on its
//! date, each measurement a fortnight after its period. The conferences'
//! as-of snapshots then show the plan as it stood.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::helpers::TestApp;
use crate::seed::{items, seeded};

const CONFERENCE: &str = "2022-05-24";

/// Each status and how many initiatives had it at the end of `day`, from
/// the initiatives' own start dates and timelines (an initiative begins
/// `planned`).
async fn statuses_on(app: &TestApp, token: &str, plan: &str, day: &str) -> BTreeMap<String, i64> {
    let page = app
        .get_json(
            &format!("/api/v1/initiatives?plan={plan}&pageSize=200"),
            token,
        )
        .await;
    let mut counts = BTreeMap::new();
    for initiative in items(&page) {
        if initiative["startDate"].as_str().unwrap() > day {
            continue;
        }
        let updates = app
            .get_json(
                &format!(
                    "{}/progressUpdates?pageSize=200",
                    initiative["self"].as_str().unwrap()
                ),
                token,
            )
            .await;
        let status = items(&updates)
            .iter()
            .filter(|u| u["date"].as_str().unwrap() <= day)
            .max_by_key(|u| u["date"].as_str().unwrap().to_owned())
            .map_or("planned".to_owned(), |u| {
                u["status"].as_str().unwrap().to_owned()
            });
        *counts.entry(status).or_default() += 1;
    }
    counts
}

/// The snapshot's initiatives per status, the total left out.
fn snapshot_statuses(plan: &Value) -> BTreeMap<String, i64> {
    plan["total"]["initiatives"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(status, n)| *status != "total" && n.as_i64().unwrap_or(0) > 0)
        .map(|(status, n)| (status.clone(), n.as_i64().unwrap()))
        .collect()
}

#[actix_web::test]
async fn the_2022_conference_snapshot_shows_the_seeded_plan_as_it_stood() {
    let app = TestApp::spawn().await;
    let (token, plan) = seeded(&app).await;
    let snapshot = |day: &'static str| {
        let path = format!("/api/v1/reports/snapshot?plan={plan}&date={day}");
        let app = &app;
        let token = &token;
        async move { app.get_json(&path, token).await }
    };

    let then = snapshot(CONFERENCE).await;
    let stood = &then["plans"][0];
    // Action 17, a regional proposal accepted in October 2022, came later.
    let actions = stood["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 16, "{then}");
    assert!(actions.iter().all(|a| a["code"] != "A17"), "{then}");
    assert_eq!(
        snapshot_statuses(stood),
        statuses_on(&app, &token, &plan, CONFERENCE).await,
        "{then}"
    );
    let today = ssw_api::domain::results::today().to_string();
    let now = app
        .get_json(
            &format!("/api/v1/reports/snapshot?plan={plan}&date={today}"),
            &token,
        )
        .await;
    // Two more since: the example proposals accepted in 2024.
    assert_eq!(now["plans"][0]["actions"].as_array().unwrap().len(), 19);
    assert!(
        then["plans"][0]["total"]["initiatives"]["total"]
            .as_i64()
            .unwrap()
            < now["plans"][0]["total"]["initiatives"]["total"]
                .as_i64()
                .unwrap()
    );

    // Measurements as sent by then: nothing of a period that ended after
    // the conference, and some figures that are not today's.
    let indicators = stood["indicators"].as_array().unwrap();
    let rows: Vec<&Value> = indicators
        .iter()
        .flat_map(|i| i["rows"].as_array().unwrap())
        .collect();
    assert!(!rows.is_empty(), "{then}");
    assert!(
        rows.iter()
            .all(|r| r["periodStart"].as_str().unwrap() <= CONFERENCE),
        "{then}"
    );
    assert_ne!(stood["indicators"], now["plans"][0]["indicators"]);

    // Before the plan was entered, nothing was known of it.
    let before = snapshot("2019-06-30").await;
    assert_eq!(
        before["plans"][0]["actions"],
        serde_json::json!([]),
        "{before}"
    );
}
