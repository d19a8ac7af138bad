//! Imports of measurements: every row judged like a single write, all or
//! nothing unless asked otherwise, reported row by row; files that cannot be
//! read are refused whole and change nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::World;
use crate::helpers::assert_problem;
use crate::report_results::{indicator, project};
use crate::report_snapshot::sql;

/// A GBO project over Genk, Hasselt and Antwerpen with a quarterly count.
async fn counted(w: &World) -> Value {
    let kempen = project(w).await;
    indicator(
        w,
        &kempen,
        json!({"code": "bereik", "name": "Bereik", "measure": "count",
               "direction": "higherIsBetter", "granularity": "quarter"}),
    )
    .await
}

async fn import(
    w: &World,
    token: &str,
    query: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    w.app
        .client
        .post(w.app.url(&format!("/api/v1/imports/measurements{query}")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The rows a query gives, as JSON objects.
pub async fn rows(w: &World, query: &str) -> Value {
    use diesel::QueryableByName;
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct Json {
        #[diesel(sql_type = diesel::sql_types::Text)]
        j: String,
    }
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    let found: Vec<Json> = diesel::sql_query(format!(
        "SELECT coalesce(json_agg(t), '[]')::text AS j FROM ({query}) t"
    ))
    .load(&mut conn)
    .await
    .unwrap();
    serde_json::from_str(&found[0].j).unwrap()
}

pub async fn count(w: &World, table: &str, filter: &str) -> i64 {
    let found = rows(
        w,
        &format!("SELECT count(*)::int8 AS n FROM {table} WHERE {filter}"),
    )
    .await;
    found[0]["n"].as_i64().unwrap()
}

fn csv(indicator: &Value, rows: &[&str]) -> String {
    let id = indicator["id"].as_str().unwrap();
    let mut file = String::from("indicatorId,period,placeType,placeCode,value,note\n");
    for row in rows {
        file.push_str(&format!("{id},{row}\n"));
    }
    file
}

#[actix_web::test]
async fn a_csv_file_creates_then_leaves_unchanged_then_corrects() {
    let w = World::new().await;
    let reach = counted(&w).await;
    let file = csv(
        &reach,
        &[
            "2023Q1,municipality,71016,5,eerste",
            "2023Q1,municipality,71022,7,",
            "2023Q2,municipality,71016,\"3,5\",komma",
        ],
    );
    // 3,5 is not a count: the whole file is refused and nothing is written.
    let res = import(&w, &w.steering, "", "text/csv", file.clone()).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "import-rejected").await;
    let report = &problem["import"];
    assert_eq!(report["status"], "rejected");
    assert_eq!(report["counts"]["read"], 3);
    assert_eq!(report["counts"]["rejected"], 1);
    let bad = &report["rejectedRows"][0];
    assert_eq!(
        (bad["record"].as_i64(), bad["line"].as_i64()),
        (Some(3), Some(4))
    );
    assert_eq!(bad["issues"][0]["column"], "value", "{bad}");
    assert_eq!(count(&w, "measurements", "true").await, 0);

    let file = file.replace("\"3,5\"", "4");
    let res = import(&w, &w.steering, "?mode=validate", "text/csv", file.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["status"], "succeeded");
    assert_eq!(report["mode"], "validate");
    assert_eq!(report["counts"]["created"], 3);
    assert_eq!(
        count(&w, "measurements", "true").await,
        0,
        "a validation writes nothing"
    );

    let audited = count(&w, "audit_log", "resource = 'measurement'").await;
    let res = import(&w, &w.steering, "", "text/csv; charset=utf-8", file.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["status"], "succeeded", "{report}");
    assert_eq!(report["counts"]["created"], 3);
    assert_eq!(report["file"]["bytes"], file.len());
    assert_eq!(count(&w, "measurements", "true").await, 3);
    assert_eq!(
        count(&w, "audit_log", "resource = 'measurement'").await,
        audited + 3
    );
    let listed: Value = w
        .app
        .get_json(report["rows"].as_str().unwrap(), &w.steering)
        .await;
    assert_eq!(listed["total"], 3);
    assert_eq!(listed["items"][2]["outcome"], "created");
    assert!(listed["items"][2]["id"].is_string());
    // Each row is audited as a single create is.
    let first = listed["items"][0]["id"].as_str().unwrap();
    let history = w
        .app
        .get_json(
            &format!("/api/v1/measurements/{first}/history"),
            &w.steering,
        )
        .await;
    let entry = &history["items"][0];
    assert_eq!(entry["operation"], "create", "{history}");
    assert_eq!(entry["changes"]["value"]["after"], 5.0, "{entry}");
    assert_eq!(
        entry["changes"]["place"]["after"]["name"], "Genk",
        "{entry}"
    );

    // The same file again: every row unchanged, nothing written.
    let res = import(&w, &w.steering, "", "text/csv", file.clone()).await;
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["counts"]["unchanged"], 3, "{report}");
    assert_eq!(
        count(&w, "audit_log", "resource = 'measurement'").await,
        audited + 3
    );

    // A correction and a cleared note, matched by indicator, period and place;
    // an empty cell clears, a column left out is left alone.
    let id = reach["id"].as_str().unwrap();
    let file = format!(
        "indicatorId;period;placeType;placeCode;value;note\r\n{id};2023Q1;municipality;71016;6;\r\n"
    );
    let res = import(&w, &w.steering, "", "text/csv", format!("\u{feff}{file}")).await;
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["counts"]["updated"], 1, "{report}");
    let current = rows(
        &w,
        "SELECT value, note, version FROM measurements WHERE place_code = '71016' AND period_start = '2023-01-01'",
    )
    .await;
    assert_eq!(current[0]["value"], 6.0);
    assert_eq!(current[0]["note"], "");
    assert_eq!(current[0]["version"], 2);
}

#[actix_web::test]
async fn rows_are_judged_like_single_writes_and_named_when_refused() {
    let w = World::new().await;
    let reach = counted(&w).await;
    // The coordinator of Limburg: Antwerpen is another region's; Mechelen is
    // not one of the project's municipalities; a key given twice names both.
    let file = csv(
        &reach,
        &[
            "2023Q1,municipality,71016,5,",
            "2023Q1,municipality,11002,5,",
            "2023Q1,municipality,12025,5,",
            "2023Q1,municipality,71016,6,",
            "2031Q1,municipality,71022,5,",
            "2023-05,municipality,71022,5,",
            "2023Q2,municipality,99999,5,",
        ],
    );
    let res = import(&w, &w.coordinator, "?atomic=false", "text/csv", file).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["status"], "partial", "{report}");
    assert_eq!(report["counts"]["created"], 1);
    assert_eq!(report["counts"]["rejected"], 6);
    let codes: Vec<(i64, String)> = report["rejectedRows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_i64().unwrap(),
                r["issues"][0]["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (3, "forbidden".into()),
            (4, "invalid".into()),
            (5, "repeated".into()),
            (6, "invalid".into()),
            (7, "invalid".into()),
            (8, "invalid".into()),
        ],
        "{report}"
    );
    let repeated = &report["rejectedRows"][2]["issues"][0]["message"];
    assert!(repeated.as_str().unwrap().contains("line 2"), "{repeated}");
    // A refused cell is shown as the file holds it.
    let shown = |i: usize| report["rejectedRows"][i]["issues"][0]["value"].clone();
    assert_eq!(shown(3), "2031Q1", "{report}");
    assert_eq!(shown(4), "2023-05", "{report}");
    assert_eq!(shown(5), "99999", "{report}");
    assert_eq!(count(&w, "measurements", "true").await, 1);
    // A reader may not import at all.
    let res = import(&w, &w.reader, "", "text/csv", "indicatorId\n").await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
}

#[actix_web::test]
async fn files_that_cannot_be_read_are_refused_whole() {
    let w = World::new().await;
    let reach = counted(&w).await;
    let id = reach["id"].as_str().unwrap();
    let refused = async |body: Vec<u8>, content_type: &str| {
        let res = import(&w, &w.steering, "", content_type, body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "import-failed").await;
        problem["import"]["failure"].clone()
    };
    let latin1 = format!(
        "indicatorId,period,placeType,placeCode,value,note\n{id},2023Q1,municipality,71016,5,caf"
    )
    .into_bytes()
    .into_iter()
    .chain([0xE9, b'\n'])
    .collect::<Vec<u8>>();
    let failure = refused(latin1, "text/csv").await;
    assert_eq!(failure["code"], "encoding");
    assert_eq!(failure["line"], 2);
    assert!(failure["byte"].as_u64().unwrap() > 50);
    assert_eq!(refused(b"".to_vec(), "text/csv").await["code"], "empty");
    let failure = refused(b"indicatorId,colour\n".to_vec(), "text/csv").await;
    assert_eq!(failure["code"], "unknownColumn");
    assert_eq!(
        refused(b"{\"a\": 1}".to_vec(), "application/json").await["code"],
        "syntax"
    );
    assert_eq!(
        refused(vec![0x89, b'P', b'N', b'G', 0, 0, 0xFF], "text/csv").await["code"],
        "encoding"
    );
    // A header alone is a file of no rows.
    let res = import(&w, &w.steering, "", "text/csv", "indicatorId,period\n").await;
    let report: Value = res.json().await.unwrap();
    assert_eq!(
        (report["status"].as_str(), report["counts"]["read"].as_i64()),
        (Some("succeeded"), Some(0))
    );
    let res = import(&w, &w.steering, "", "application/pdf", "x").await;
    assert_problem(
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    )
    .await;
    let res = import(&w, &w.steering, "?mode=maybe", "text/csv", "x").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = w
        .app
        .client
        .post(w.app.url("/api/v1/imports/planets"))
        .bearer_auth(&w.steering)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed").await;
    assert_eq!(count(&w, "measurements", "true").await, 0);
}

#[actix_web::test]
async fn json_arrays_and_lines_read_like_csv() {
    let w = World::new().await;
    let reach = counted(&w).await;
    let id = reach["id"].as_str().unwrap();
    let array = json!([
        {"indicatorId": id, "period": "2023Q1", "placeType": "municipality", "placeCode": "71016", "value": 5},
        {"indicatorCode": "bereik", "period": "2023Q1", "placeType": "municipality", "placeCode": "71022", "value": 2, "externalId": "gbo-1"},
    ]);
    let res = import(&w, &w.steering, "", "application/json", array.to_string()).await;
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["counts"]["created"], 2, "{report}");
    // Matched by externalId: the value changes.
    let lines = format!(
        "{}\n{}\n",
        json!({"externalId": "gbo-1", "indicatorId": id, "value": 3}),
        json!({"indicatorId": id, "period": "2023Q1", "placeType": "municipality", "placeCode": "71016", "value": 5, "colour": "red"}),
    );
    let res = import(
        &w,
        &w.steering,
        "?format=ndjson&atomic=false",
        "application/octet-stream",
        lines,
    )
    .await;
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["counts"]["updated"], 1, "{report}");
    assert_eq!(
        report["rejectedRows"][0]["issues"][0]["code"],
        "unknownColumn"
    );
}

#[actix_web::test]
async fn a_large_file_runs_in_the_background_and_a_key_gives_the_same_job() {
    let app = crate::helpers::TestApp::spawn_with(|s| {
        s.import_wait_bytes = 10;
        s.import_max_bytes = 4096;
    })
    .await;
    let w = World::with_app(app).await;
    let reach = counted(&w).await;
    let file = csv(
        &reach,
        &[
            "2023Q1,municipality,71016,5,",
            "2023Q2,municipality,71016,6,",
        ],
    );
    let send = async |body: String, key: &str| {
        w.app
            .client
            .post(w.app.url("/api/v1/imports/measurements"))
            .bearer_auth(&w.steering)
            .header("content-type", "text/csv")
            .header("idempotency-key", key)
            .body(body)
            .send()
            .await
            .unwrap()
    };
    let res = send(file.clone(), "k1").await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let mut job: Value = res.json().await.unwrap();
    for _ in 0..100 {
        job = w.app.get_json(&location, &w.steering).await;
        if !["queued", "running"].contains(&job["status"].as_str().unwrap()) {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["counts"]["created"], 2);
    let again: Value = send(file.clone(), "k1").await.json().await.unwrap();
    assert_eq!(again["id"], job["id"]);
    let other = send(file.replace('5', "7"), "k1").await;
    assert_problem(other, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;
    let too_large = send("x".repeat(5000), "k2").await;
    assert_problem(
        too_large,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
    )
    .await;
    // Only its owner, steering and administrators see a job.
    let res = w
        .app
        .get(&location)
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::NOT_FOUND, "not-found").await;
    assert_eq!(count(&w, "measurements", "true").await, 2);
}

#[actix_web::test]
async fn a_job_whose_server_stopped_ends_failed() {
    let w = World::new().await;
    let owner = rows(&w, "SELECT id FROM users WHERE role = 'steering' LIMIT 1").await;
    let owner = owner[0]["id"].as_str().unwrap();
    sql(
        &w,
        &format!(
            "INSERT INTO import_jobs (id, resource, mode, atomic, format, status, file_sha256, file_bytes,
                                      owner_id, owner_kind, beat_at)
             VALUES ('00000000-0000-4000-8000-000000000001', 'measurements', 'commit', true, 'csv',
                     'running', repeat('a', 64), 10, '{owner}', 'user', now() - interval '1 minute')"
        ),
    )
    .await;
    let job = w
        .app
        .get_json(
            "/api/v1/imports/00000000-0000-4000-8000-000000000001",
            &w.admin,
        )
        .await;
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["failure"]["code"], "interrupted");
}
