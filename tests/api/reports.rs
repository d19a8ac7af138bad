//! Reports: plan progress and staleness, figures checked by hand, the same
//! numbers in every format, conditional reads, read-your-writes and rights.

use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};

use crate::fixtures::World;
use crate::helpers::{TestApp, assert_problem};
use crate::progress::plan_with_actions;

/// The roll-up plan of the progress tests, with its initiatives: the figures
/// below are computed by hand in `progress::the_plan_roll_up_is_a_weighted_mean_with_its_edge_cases`.
pub async fn rollup_plan(w: &World) -> (String, Vec<Value>) {
    let (plan_id, actions, _) = plan_with_actions(w).await;
    let initiative = |action: &Value,
                      code: &str,
                      regions: Value,
                      weight: f64,
                      status: &str,
                      progress: Option<i64>| {
        let mut body = json!({"actionId": action["id"], "code": code, "title": code,
               "leadOrganisationId": w.org_limburg, "regions": regions, "weight": weight, "status": status});
        if let Some(p) = progress {
            body["progress"] = json!(p);
        }
        body
    };
    let mut initiatives = Vec::new();
    for body in [
        initiative(
            &actions[0],
            "I1",
            json!(["limburg", "antwerpen"]),
            3.0,
            "inProgress",
            Some(80),
        ),
        initiative(&actions[0], "I2", json!(["limburg"]), 1.0, "planned", None),
        initiative(&actions[0], "I3", json!(["limburg"]), 10.0, "dropped", None),
        initiative(
            &actions[1],
            "I4",
            json!(["brussel"]),
            0.0,
            "completed",
            None,
        ),
    ] {
        initiatives.push(w.app.create("/api/v1/initiatives", &w.steering, body).await);
    }
    for (action, body) in [
        (
            &actions[1],
            json!({"date": "2025-02-01", "status": "inProgress", "progress": 40}),
        ),
        (
            &actions[3],
            json!({"date": "2025-02-01", "status": "dropped"}),
        ),
    ] {
        let path = format!(
            "/api/v1/actions/{}/progressUpdates",
            action["id"].as_str().unwrap()
        );
        w.app.create(&path, &w.steering, body).await;
    }
    // I2's latest update is long ago: it is stale; the others were created today.
    let path = format!(
        "/api/v1/initiatives/{}/progressUpdates",
        initiatives[1]["id"].as_str().unwrap()
    );
    w.app
        .create(
            &path,
            &w.steering,
            json!({"date": "2024-01-01", "status": "planned"}),
        )
        .await;
    (plan_id, initiatives)
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value} in {list}"))
}

fn counts(part: &Value) -> [i64; 7] {
    let c = &part["initiatives"];
    [
        c["planned"].as_i64().unwrap(),
        c["inProgress"].as_i64().unwrap(),
        c["delayed"].as_i64().unwrap(),
        c["completed"].as_i64().unwrap(),
        c["dropped"].as_i64().unwrap(),
        c["total"].as_i64().unwrap(),
        part["stale"].as_i64().unwrap(),
    ]
}

#[actix_web::test]
async fn plan_progress_counts_statuses_weighs_progress_and_flags_stale_work() {
    let w = World::new().await;
    let (plan_id, _) = rollup_plan(&w).await;
    let report = w
        .app
        .get_json(
            &format!("/api/v1/reports/planProgress?plan={plan_id}"),
            &w.reader,
        )
        .await;
    assert_eq!(report["report"], "planProgress");
    assert!(
        report["generatedAt"].is_string() && report["latestChange"]["id"].is_i64(),
        "{report}"
    );
    assert_eq!(report["plan"]["code"], "rollup");
    assert_eq!(report["staleAfterDays"], 90);
    assert!(
        report["rule"]
            .as_str()
            .unwrap()
            .contains("Σ(weight × progress) / Σ weight")
    );
    // Plan = (2×60 + 1×40 + 1×0) / 4 = 40 over three counted actions; action 4 is dropped.
    let total = &report["total"];
    assert_eq!(total["progress"]["progress"], 40.0, "{report}");
    assert_eq!(total["progress"]["weightTotal"], 4.0);
    assert_eq!(
        (
            total["progress"]["counted"].as_i64(),
            total["progress"]["excluded"].as_i64()
        ),
        (Some(3), Some(1))
    );
    // I1 inProgress, I2 planned (stale), I3 dropped, I4 completed.
    assert_eq!(counts(total), [1, 1, 0, 1, 1, 4, 1]);
    // Action 1 = (3×80 + 1×0) / 4 = 60, with I3 excluded.
    let a1 = &report["actions"][0];
    assert_eq!(
        (a1["progress"].as_f64(), a1["basis"].as_str()),
        (Some(60.0), Some("initiatives"))
    );
    assert_eq!(a1["weight"], 2.0);
    assert_eq!(a1["overInitiatives"]["weightTotal"], 4.0);
    assert_eq!(counts(a1), [1, 1, 0, 0, 1, 3, 1]);
    let a2 = &report["actions"][1];
    assert_eq!(
        (a2["progress"].as_f64(), a2["basis"].as_str()),
        (Some(40.0), Some("ownStatus"))
    );
    assert_eq!(counts(a2), [0, 0, 0, 1, 0, 1, 0]);
    assert_eq!(report["actions"][3]["basis"], "dropped");
    // Challenge 1 (actions 1 and 2) = (2×60 + 1×40) / 3 = 53.33; challenge 2 (actions 2, 3, 4) = 20.
    let c1 = &report["challenges"][0];
    assert_eq!(c1["progress"]["progress"], 53.33);
    assert_eq!(counts(c1), [1, 1, 0, 1, 1, 4, 1]);
    let c2 = &report["challenges"][1];
    assert_eq!(c2["progress"]["progress"], 20.0);
    assert_eq!(counts(c2), [0, 0, 0, 1, 0, 1, 0]);
    assert!(
        report["challenges"][2]["progress"]
            .get("progress")
            .is_none(),
        "no actions: no figure, not 0"
    );
    // Regions: I1 counts fully in Limburg and Antwerpen.
    let limburg = find(&report["regions"], "regionId", "limburg");
    assert_eq!(limburg["progress"]["progress"], 60.0);
    assert_eq!(counts(limburg), [1, 1, 0, 0, 1, 3, 1]);
    let antwerpen = find(&report["regions"], "regionId", "antwerpen");
    assert_eq!(antwerpen["progress"]["progress"], 80.0);
    assert_eq!(counts(antwerpen), [0, 1, 0, 0, 0, 1, 0]);
    assert!(
        find(&report["regions"], "regionId", "west-vlaanderen")["progress"]
            .get("progress")
            .is_none()
    );

    // A shorter horizon: nothing is stale with 2000 days, the plan by its code works too.
    let report = w
        .app
        .get_json(
            "/api/v1/reports/planProgress?plan=rollup&staleAfterDays=2000",
            &w.reader,
        )
        .await;
    assert_eq!(report["total"]["stale"], 0);
}

fn csv_cell<'a>(csv: &'a str, separator: char, row_key: &str, column: &str) -> &'a str {
    let mut lines = csv.trim_start_matches('\u{feff}').split("\r\n");
    let header: Vec<&str> = lines.next().unwrap().split(separator).collect();
    let index = header
        .iter()
        .position(|h| *h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    let line = lines
        .find(|l| l.split(separator).nth(2) == Some(row_key))
        .unwrap_or_else(|| panic!("no row {row_key}"));
    line.split(separator).nth(index).unwrap()
}

#[actix_web::test]
async fn every_format_holds_the_same_numbers() {
    let w = World::new().await;
    let (plan_id, _) = rollup_plan(&w).await;
    let path = format!("/api/v1/reports/planProgress?plan={plan_id}");
    let json = w.app.get_json(&path, &w.reader).await;
    let c1 = json["challenges"][0]["progress"]["progress"]
        .as_f64()
        .unwrap();
    assert_eq!(c1, 53.33);

    // CSV, RFC 4180: the column names are the JSON's, numbers with a point.
    let res = w
        .app
        .get(&format!("{path}&format=csv"))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        res.headers()[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("planProgress-")
    );
    let csv = res.text().await.unwrap();
    assert!(!csv.starts_with('\u{feff}'));
    assert_eq!(csv_cell(&csv, ',', "C1", "progress"), "53.33");
    assert_eq!(csv_cell(&csv, ',', "rollup", "progress"), "40");
    assert_eq!(csv_cell(&csv, ',', "rollup", "stale"), "1");
    assert_eq!(csv_cell(&csv, ',', "limburg", "initiatives"), "3");

    // Belgian Excel: BOM, ';', decimal comma.
    let res = w
        .app
        .get(&format!("{path}&format=csv&dialect=excel-nl-be"))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv_cell(&csv, ';', "C1", "progress"), "53,33");

    // Accept chooses too.
    let res = w
        .app
        .get(&path)
        .bearer_auth(&w.reader)
        .header(ACCEPT, "text/csv")
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );

    // XLSX, parsed back: numbers are numbers.
    let res = w
        .app
        .get(&format!("{path}&format=xlsx"))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("planProgress").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows
        .iter()
        .find(|r| r[2] == Data::String("C1".into()))
        .unwrap();
    assert_eq!(row[col("Progress (%)")], Data::Float(53.33));
    let plan_row = rows
        .iter()
        .find(|r| r[2] == Data::String("rollup".into()))
        .unwrap();
    assert_eq!(plan_row[col("Stale")].as_f64(), Some(1.0));

    // An unknown format is a 406 problem naming the formats there are.
    let res = w
        .app
        .get(&format!("{path}&format=pdf"))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, StatusCode::NOT_ACCEPTABLE, "not-acceptable").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("csv"),
        "{problem}"
    );
    let res = w
        .app
        .get(&path)
        .bearer_auth(&w.reader)
        .header(ACCEPT, "image/png")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::NOT_ACCEPTABLE, "not-acceptable").await;
    let res = w
        .app
        .get(&format!("{path}&dialect=excel"))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "validation").await;
}

#[actix_web::test]
async fn a_write_is_in_the_next_report_and_etags_follow_the_figures() {
    let w = World::new().await;
    let (plan_id, initiatives) = rollup_plan(&w).await;
    let path = format!("/api/v1/reports/planProgress?plan={plan_id}");
    let first = w
        .app
        .get(&path)
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    let etag = first.headers()[ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\""), "{etag}");
    // Generated again, same figures: the same tag, and 304 when asked.
    let again = w
        .app
        .get(&path)
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_eq!(again.headers()[ETAG].to_str().unwrap(), etag);
    let unchanged = w
        .app
        .get(&path)
        .bearer_auth(&w.reader)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    // Another format is another tag.
    let csv = w
        .app
        .get(&format!("{path}&format=csv"))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_ne!(csv.headers()[ETAG].to_str().unwrap(), etag);

    // I2 makes progress: the very next report shows it.
    let update = format!(
        "/api/v1/initiatives/{}/progressUpdates",
        initiatives[1]["id"].as_str().unwrap()
    );
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .date_naive()
        .to_string();
    w.app
        .create(
            &update,
            &w.steering,
            json!({"date": yesterday, "status": "inProgress", "progress": 100}),
        )
        .await;
    let res = w
        .app
        .get(&path)
        .bearer_auth(&w.reader)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_ne!(res.headers()[ETAG].to_str().unwrap(), etag);
    let report: Value = res.json().await.unwrap();
    // Action 1 = (3×80 + 1×100) / 4 = 85; plan = (2×85 + 40 + 0) / 4 = 52.5.
    assert_eq!(report["actions"][0]["progress"], 85.0, "{report}");
    assert_eq!(report["total"]["progress"]["progress"], 52.5);
    assert_eq!(report["total"]["stale"], 0);
}

#[actix_web::test]
async fn reports_show_only_what_the_caller_may_read() {
    let w = World::new().await;
    let (plan_id, _) = rollup_plan(&w).await;
    let path = format!("/api/v1/reports/planProgress?plan={plan_id}");
    // No public read: anonymous callers are asked to sign in.
    let res = w.app.get(&path).send().await.unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let res = w
        .app
        .get("/api/v1/reports/planProgress?plan=nope")
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::NOT_FOUND, "not-found").await;
    let res = w
        .app
        .get("/api/v1/reports/planProgress")
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "validation").await;
    let res = w
        .app
        .get(&format!("{path}&staleAfterDays=-1"))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "validation").await;
    let res = w
        .app
        .get(&format!("{path}&colour=red"))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "validation").await;

    // With public read: published plans only, and no staleness report.
    let public = World::with_app(TestApp::spawn_with(|s| s.public_read = true).await).await;
    let draft = public
        .app
        .create(
            "/api/v1/plans",
            &public.steering,
            json!({"code": "concept", "title": "Concept", "startYear": 2025, "endYear": 2026, "status": "draft"}),
        )
        .await;
    let res = public
        .app
        .get("/api/v1/reports/planProgress?plan=concept")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::NOT_FOUND, "not-found").await;
    let signed_in = public
        .app
        .get_json(
            &format!(
                "/api/v1/reports/planProgress?plan={}",
                draft["id"].as_str().unwrap()
            ),
            &public.reader,
        )
        .await;
    assert_eq!(signed_in["plan"]["code"], "concept");
    let published = public
        .app
        .get(&format!(
            "/api/v1/reports/planProgress?plan={}",
            public.plan_id
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), StatusCode::OK);
    let res = public
        .app
        .get("/api/v1/reports/staleness")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}
