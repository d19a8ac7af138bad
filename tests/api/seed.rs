//! `ssw-api seed`: the example plan a newcomer explores, plainly marked as
//! example data, made through the use cases, once. Its results part: see
//! `seed_results`.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};
use ssw_api::domain::Role;

use crate::cli::{run, stdout};
use crate::helpers::TestApp;

const REGIONS: [&str; 7] = [
    "antwerpen",
    "limburg",
    "oost-vlaanderen",
    "vlaams-brabant",
    "west-vlaanderen",
    "brussel",
    "vlaanderen",
];

/// Seeds the app's database and returns an administrator's token and the example plan's id.
pub(crate) async fn seeded(app: &TestApp) -> (String, String) {
    let output = run(app, &["seed"]);
    assert!(output.status.success(), "{output:?}");
    let (_, token) = app.token_for(Role::Admin).await;
    let plans = app.get_json("/api/v1/plans?pageSize=200", &token).await;
    let plan = plans["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "voorbeeld-2020-2024")
        .expect("the example plan")
        .clone();
    (token, plan["id"].as_str().unwrap().to_owned())
}

pub(crate) fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap()
}

pub(crate) fn assert_marked(records: &[Value], title: &str) {
    for record in records {
        assert_eq!(record["example"], true, "{record}");
        let text = record[title].as_str().unwrap();
        assert!(text.starts_with("Voorbeeld"), "{text}");
    }
}

#[actix_web::test]
async fn seed_creates_the_example_plan_marked_as_example_data_once() {
    let app = TestApp::spawn().await;
    let first = run(&app, &["seed"]);
    assert!(first.status.success(), "{first:?}");
    let said = stdout(&first);
    assert!(said.contains("29 example organisations added"), "{said}");
    assert!(
        said.contains("8 challenges, 17 actions, 44 initiatives"),
        "{said}"
    );
    let (token, plan_id) = seeded(&app).await;
    let again = stdout(&run(&app, &["seed"]));
    assert!(again.contains(": 0 example organisations added, 0 municipalities added"));
    assert!(again.contains("is there already"), "{again}");

    let plans = app.get_json("/api/v1/plans?pageSize=200", &token).await;
    assert_eq!(plans["total"], 2, "the real plan and the example");
    let plan = app
        .get_json(&format!("/api/v1/plans/{plan_id}"), &token)
        .await;
    assert_marked(std::slice::from_ref(&plan), "title");
    assert_eq!(plan["status"], "active");
    let real = items(&plans)
        .iter()
        .find(|p| p["code"] == "ssw-2020-2024")
        .unwrap();
    assert_eq!(real["example"], false);
    assert_eq!(real["version"], 1, "the real plan is left untouched");

    let challenges = app
        .get_json(&format!("/api/v1/challenges?plan={plan_id}"), &token)
        .await;
    assert_eq!(challenges["total"], 8);
    assert_marked(items(&challenges), "title");
    assert_eq!(
        items(&challenges)[7]["title"],
        "Voorbeeld: Onderbescherming"
    );

    let actions = app
        .get_json(
            &format!("/api/v1/actions?plan={plan_id}&pageSize=200"),
            &token,
        )
        .await;
    // 17 of the plan as written, 2 from the accepted example proposals.
    assert_eq!(actions["total"], 19);
    assert_marked(items(&actions), "title");
    let weights: HashSet<String> = items(&actions)
        .iter()
        .map(|a| a["weight"].to_string())
        .collect();
    assert!(weights.len() > 1, "weights are not all alike: {weights:?}");
    for action in items(&actions) {
        let served = action["challengeIds"].as_array().unwrap().len();
        assert!((1..=2).contains(&served), "{action}");
        assert!(!action["leadOrganisationIds"].as_array().unwrap().is_empty());
    }

    let initiatives = app
        .get_json(
            &format!("/api/v1/initiatives?plan={plan_id}&pageSize=200"),
            &token,
        )
        .await;
    assert_eq!(
        initiatives["total"], 44,
        "nothing duplicated by the second run"
    );
    assert_marked(items(&initiatives), "title");

    let organisations = app
        .get_json("/api/v1/organisations?pageSize=200", &token)
        .await;
    assert_eq!(organisations["total"], 29);
    assert_marked(items(&organisations), "name");
    let kinds: HashSet<&str> = items(&organisations)
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "localGovernment",
        "caw",
        "healthInsuranceFund",
        "university",
        "association",
        "citizenInitiative",
        "government",
    ] {
        assert!(kinds.contains(kind), "no {kind}");
    }
    // A GBO's three core partners can be found in every regional platform.
    for region in &REGIONS[..6] {
        for kind in ["localGovernment", "caw", "healthInsuranceFund"] {
            assert!(
                items(&organisations)
                    .iter()
                    .any(|o| o["regionId"] == *region && o["kind"] == kind),
                "no {kind} in {region}"
            );
        }
    }
}

#[actix_web::test]
async fn the_example_plan_rolls_up_in_every_region_with_mixed_and_stale_work() {
    let app = TestApp::spawn().await;
    let (token, plan_id) = seeded(&app).await;
    let report = app
        .get_json(&format!("/api/v1/plans/{plan_id}/progress"), &token)
        .await;
    let overall = report["plan"]["progress"].as_f64().expect("a plan figure");
    assert!(overall > 0.0 && overall < 100.0, "{overall}");
    assert_eq!(report["actions"].as_array().unwrap().len(), 19);
    for region in REGIONS {
        let figure = report["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["regionId"] == region)
            .unwrap_or_else(|| panic!("no figure for {region}"));
        assert!(figure["progress"].is_number(), "{region}: {figure}");
        let listed = app
            .get_json(
                &format!("/api/v1/initiatives?plan={plan_id}&region={region}"),
                &token,
            )
            .await;
        assert!(listed["total"].as_i64().unwrap() >= 5, "{region}");
    }
    let count = |query: String| {
        let app = &app;
        let token = &token;
        let plan_id = &plan_id;
        async move {
            app.get_json(
                &format!("/api/v1/initiatives?plan={plan_id}&{query}"),
                token,
            )
            .await["total"]
                .as_i64()
                .unwrap()
        }
    };
    for status in ["completed", "inProgress", "delayed", "dropped", "planned"] {
        assert!(count(format!("status={status}")).await >= 2, "{status}");
    }
    // Last updated in 2025 or before: stale whatever today is.
    let stale = count("staleDays=180".to_owned()).await;
    assert!(stale >= 7, "{stale}");
    assert!(count("staleDays=180&status=delayed".to_owned()).await >= 3);
}

#[actix_web::test]
async fn every_write_of_the_seed_is_audited_as_the_system() {
    let app = TestApp::spawn().await;
    let (token, plan_id) = seeded(&app).await;
    let mut seen = HashSet::new();
    let mut page = 1;
    loop {
        let audit = app
            .get_json(&format!("/api/v1/audit?pageSize=200&page={page}"), &token)
            .await;
        for entry in items(&audit) {
            assert_eq!(entry["actorKind"], "system", "{entry}");
            assert_eq!(entry["actorId"], "00000000-0000-0000-0000-000000000000");
            seen.insert(entry["resource"].as_str().unwrap().to_owned());
        }
        if audit["next"].is_null() {
            break;
        }
        page += 1;
    }
    for resource in [
        "organisation",
        "municipality",
        "plan",
        "challenge",
        "action",
        "initiative",
        "progressUpdate",
        "gboProject",
        "indicator",
        "measurement",
    ] {
        assert!(seen.contains(resource), "no {resource} in {seen:?}");
    }
    let created = |resource: &str| {
        let path = format!("/api/v1/audit?resource={resource}&operation=create");
        let app = &app;
        let token = &token;
        async move { app.get_json(&path, token).await["total"].clone() }
    };
    assert_eq!(created("initiative").await, 44);
    assert_eq!(created("action").await, 19);

    let initiatives = app
        .get_json(
            &format!("/api/v1/initiatives?plan={plan_id}&q=A04.1"),
            &token,
        )
        .await;
    let id = items(&initiatives)[0]["id"].as_str().unwrap().to_owned();
    let timeline = app
        .get_json(&format!("/api/v1/initiatives/{id}/progressUpdates"), &token)
        .await;
    assert_eq!(timeline["total"], 3);
    assert!(items(&timeline).iter().all(|u| u["authorName"] == "system"));
}

#[actix_web::test]
async fn example_is_read_only_on_the_plan_records() {
    let app = TestApp::spawn().await;
    let (_, token) = app.token_for(Role::Steering).await;
    for (path, body) in [
        (
            "/api/v1/plans",
            json!({"code": "x-1", "title": "x", "startYear": 2025, "endYear": 2026, "example": true}),
        ),
        ("/api/v1/challenges", json!({"example": false})),
        ("/api/v1/actions", json!({"example": true})),
        ("/api/v1/initiatives", json!({"example": true})),
    ] {
        let response = app
            .post_json(path, &body)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["issues"][0]["name"], "example", "{path}: {problem}");
        assert!(
            problem["issues"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("read-only")
        );
    }
}
