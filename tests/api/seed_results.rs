//! The results part of `ssw-api seed`: example GBO projects with the
//! standard indicators and their quarterly measurements (with deliberate gaps
//! and one correction), and indicators of the example plan's own work.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::cli::{run, stdout};
use crate::helpers::TestApp;
use crate::seed::{assert_marked, items, seeded};

/// The standard set every example GBO project reports.
const STANDARD_SET: [&str; 7] = [
    "gbo.peopleReached",
    "gbo.rights.increasedAllowance",
    "gbo.rights.energy",
    "gbo.rightsRealisedShare",
    "gbo.referrals",
    "gbo.activePartnerships",
    "gbo.staffFte",
];

/// Every item of a list, page after page.
async fn all_items(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let mut found = Vec::new();
    let mut page = 1;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let listed = app
            .get_json(&format!("{path}{separator}pageSize=200&page={page}"), token)
            .await;
        found.extend(items(&listed).iter().cloned());
        if listed["next"].is_null() {
            return found;
        }
        page += 1;
    }
}

/// The one example GBO project with this `externalId`.
async fn project(app: &TestApp, token: &str, external_id: &str) -> Value {
    let found = app
        .get_json(
            &format!("/api/v1/gboProjects?externalId={external_id}"),
            token,
        )
        .await;
    assert_eq!(found["total"], 1, "{external_id}");
    items(&found)[0].clone()
}

/// The indicator of a GBO project that follows a standard indicator.
async fn standard_indicator(app: &TestApp, token: &str, project_id: &str, code: &str) -> Value {
    let found = app
        .get_json(
            &format!("/api/v1/indicators?gboProject={project_id}&standard={code}"),
            token,
        )
        .await;
    assert_eq!(found["total"], 1, "{code}");
    items(&found)[0].clone()
}

#[actix_web::test]
async fn seed_adds_gbo_projects_with_the_standard_indicators_and_their_measurements_once() {
    let app = TestApp::spawn().await;
    let first = stdout(&run(&app, &["seed"]));
    assert!(
        first.contains("Results: 7 example GBO projects, 59 indicators,"),
        "{first}"
    );
    assert!(
        first.contains("(1 corrected); 2 conferences known"),
        "{first}"
    );
    let (token, _) = seeded(&app).await;
    let again = stdout(&run(&app, &["seed"]));
    assert!(
        again.contains("Results: 0 example GBO projects, 0 indicators, 0 measurements added"),
        "{again}"
    );

    let projects = all_items(&app, &token, "/api/v1/gboProjects").await;
    assert_eq!(projects.len(), 7, "nothing duplicated by the second run");
    assert_marked(&projects, "name");
    let regions: HashSet<&str> = projects
        .iter()
        .flat_map(|p| p["regions"].as_array().unwrap())
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(regions.len(), 6, "a project in every region: {regions:?}");
    let incomplete: Vec<&Value> = projects
        .iter()
        .filter(|p| !p["missingPartnerKinds"].as_array().unwrap().is_empty())
        .collect();
    assert_eq!(incomplete.len(), 1, "{incomplete:?}");
    assert_eq!(
        incomplete[0]["missingPartnerKinds"],
        json!(["healthInsuranceFund"])
    );
    let planned = projects.iter().filter(|p| p["status"] == "planned").count();
    assert_eq!(planned, 1);
    assert!(projects.iter().any(|p| p["contact"]["email"].is_string()));

    for project in &projects {
        let id = project["id"].as_str().unwrap();
        let indicators =
            all_items(&app, &token, &format!("/api/v1/indicators?gboProject={id}")).await;
        assert_marked(&indicators, "name");
        let standards: HashSet<&str> = indicators
            .iter()
            .map(|i| i["standard"].as_str().unwrap())
            .collect();
        for code in STANDARD_SET {
            assert!(standards.contains(code), "{}: no {code}", project["name"]);
        }
    }

    // Genk reports every quarter from 2023Q1 to 2026Q3.
    let genk = project(&app, &token, "example-gbo-1").await;
    let genk_id = genk["id"].as_str().unwrap();
    let reached = standard_indicator(&app, &token, genk_id, "gbo.peopleReached").await;
    assert_eq!(reached["example"], true);
    assert_eq!(reached["targets"].as_array().unwrap().len(), 2);
    let measured = all_items(
        &app,
        &token,
        &format!(
            "/api/v1/indicators/{}/measurements",
            reached["id"].as_str().unwrap()
        ),
    )
    .await;
    let periods: Vec<&str> = measured
        .iter()
        .map(|m| m["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods.len(), 15, "{periods:?}");
    assert_eq!(periods[0], "2023Q1");
    assert_eq!(periods[14], "2026Q3");
    assert!(measured.iter().all(|m| m["example"] == true));
    // Checked by hand: size 120 + (2 + project 1) × quarter 5 + the second
    // quarter's swing 11 = 146 people in 2024Q2.
    let q2 = measured.iter().find(|m| m["period"] == "2024Q2").unwrap();
    assert_eq!(q2["value"], 146.0);
    assert_eq!(q2["place"]["code"], "71016");
    // 146 / 3 + 5 = 53 rights detected, 53 × (45 + 2 × 5 + 1) / 100 = 29 realised.
    let share = standard_indicator(&app, &token, genk_id, "gbo.rightsRealisedShare").await;
    let share_q2 = app
        .get_json(
            &format!(
                "/api/v1/indicators/{}/measurements?periodFrom=2024Q2&periodTo=2024Q2",
                share["id"].as_str().unwrap()
            ),
            &token,
        )
        .await;
    assert_eq!(items(&share_q2)[0]["numerator"], 29.0);
    assert_eq!(items(&share_q2)[0]["denominator"], 53.0);
}

#[actix_web::test]
async fn the_example_measurements_have_gaps_and_one_correction() {
    let app = TestApp::spawn().await;
    let (token, plan_id) = seeded(&app).await;

    // Gent and Aalst report apart, and Aalst missed 2024Q3: missing, not zero.
    let gent_aalst = project(&app, &token, "example-gbo-2").await;
    let reached = standard_indicator(
        &app,
        &token,
        gent_aalst["id"].as_str().unwrap(),
        "gbo.peopleReached",
    )
    .await;
    let path = format!(
        "/api/v1/indicators/{}/measurements",
        reached["id"].as_str().unwrap()
    );
    let places = |query: &'static str| {
        let app = &app;
        let token = &token;
        let path = &path;
        async move {
            let found = app.get_json(&format!("{path}?{query}"), token).await;
            let mut codes: Vec<String> = items(&found)
                .iter()
                .map(|m| m["place"]["code"].as_str().unwrap().to_owned())
                .collect();
            codes.sort();
            codes
        }
    };
    assert_eq!(
        places("periodFrom=2024Q2&periodTo=2024Q2").await,
        ["41002", "44021"]
    );
    assert_eq!(places("periodFrom=2024Q3&periodTo=2024Q3").await, ["44021"]);

    // Mechelen-Turnhout stopped reporting after 2025Q2.
    let mechelen = project(&app, &token, "example-gbo-5").await;
    let fte = standard_indicator(
        &app,
        &token,
        mechelen["id"].as_str().unwrap(),
        "gbo.staffFte",
    )
    .await;
    let latest = app
        .get_json(
            &format!(
                "/api/v1/indicators/{}/measurements?sort=-period&pageSize=1",
                fte["id"].as_str().unwrap()
            ),
            &token,
        )
        .await;
    assert_eq!(items(&latest)[0]["period"], "2025Q2");
    assert_eq!(items(&latest)[0]["place"]["code"], "antwerpen");

    // The planned project has its indicators but nothing measured.
    let planned = project(&app, &token, "example-gbo-7").await;
    let none = app
        .get_json(
            &format!(
                "/api/v1/measurements?gboProject={}",
                planned["id"].as_str().unwrap()
            ),
            &token,
        )
        .await;
    assert_eq!(none["total"], 0);

    // Leuven's referrals of 2024Q2 were corrected: (140 + 5 × 5 + 11) / 4 = 44,
    // first recorded as 56.
    let leuven = project(&app, &token, "example-gbo-3").await;
    let referrals = standard_indicator(
        &app,
        &token,
        leuven["id"].as_str().unwrap(),
        "gbo.referrals",
    )
    .await;
    let found = app
        .get_json(
            &format!(
                "/api/v1/indicators/{}/measurements?periodFrom=2024Q2&periodTo=2024Q2&place=24062",
                referrals["id"].as_str().unwrap()
            ),
            &token,
        )
        .await;
    let corrected = &items(&found)[0];
    assert_eq!(corrected["value"], 44.0);
    assert_eq!(
        corrected["note"],
        "Voorbeeld: correctie na nazicht van de registratie"
    );
    let revisions = app
        .get_json(
            &format!(
                "/api/v1/measurements/{}/revisions",
                corrected["id"].as_str().unwrap()
            ),
            &token,
        )
        .await;
    let values: Vec<&Value> = items(&revisions).iter().map(|r| &r["value"]).collect();
    assert_eq!(values, [&json!(56.0), &json!(44.0)]);

    // The plan's own work has indicators with measurements, marked as example data.
    let indicators = all_items(&app, &token, &format!("/api/v1/indicators?plan={plan_id}")).await;
    assert_eq!(indicators.len(), 10);
    assert_marked(&indicators, "name");
    let kinds: HashSet<&str> = indicators
        .iter()
        .map(|i| i["subject"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, HashSet::from(["plan", "action", "initiative"]));
    let measures: HashSet<&str> = indicators
        .iter()
        .map(|i| i["measure"].as_str().unwrap())
        .collect();
    assert_eq!(measures.len(), 4, "{measures:?}");
    for indicator in &indicators {
        let measured = app
            .get_json(
                &format!(
                    "/api/v1/indicators/{}/measurements",
                    indicator["id"].as_str().unwrap()
                ),
                &token,
            )
            .await;
        assert!(measured["total"].as_i64().unwrap() >= 2, "{indicator}");
        assert!(items(&measured).iter().all(|m| m["example"] == true));
    }

    let conferences = app.get_json("/api/v1/conferences", &token).await;
    assert_eq!(conferences["total"], 2);
}

#[actix_web::test]
async fn seed_files_one_example_import_check_with_every_outcome() {
    let app = TestApp::spawn().await;
    let first = stdout(&run(&app, &["seed"]));
    assert!(first.contains("4 rows read, 2 rejected"), "{first}");
    let again = stdout(&run(&app, &["seed"]));
    let (token, _) = seeded(&app).await;
    let jobs = app.get_json("/api/v1/imports", &token).await;
    assert_eq!(
        jobs["total"], 1,
        "seeding again gives the same job: {again}"
    );
    let job = app
        .get_json(items(&jobs)[0]["self"].as_str().unwrap(), &token)
        .await;
    assert_eq!(job["mode"], "validate");
    assert_eq!(
        job["counts"],
        json!({"read": 4, "created": 0, "updated": 1, "unchanged": 1, "rejected": 2})
    );
    let rejected = job["rejectedRows"].as_array().unwrap();
    assert_eq!(rejected[0]["line"], 4);
    assert_eq!(rejected[0]["issues"][0]["column"], "value");
    assert_eq!(rejected[0]["issues"][0]["value"], "veel");
    assert_eq!(rejected[1]["line"], 5);
    assert!(
        rejected[1]["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 2"),
        "{job}"
    );
}
