//! The results resources (GBO projects, conferences, indicators,
//! measurements) against the bar of the rest of the API: versions,
//! idempotent creates, lists that refuse what they do not know, history, and
//! bad input refused by the name of its field.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{World, id_of};
use crate::helpers::assert_problem;

/// One record of each results resource, with its collection.
struct Records {
    w: World,
    /// (collection, record path, a harmless patch)
    each: Vec<(String, String, Value)>,
}

async fn records() -> Records {
    let w = World::new().await;
    w.app
        .create(
            "/api/v1/municipalities",
            &w.admin,
            json!({"nisCode": "71016", "name": "Genk", "regionId": "limburg", "validFrom": "1977-01-01"}),
        )
        .await;
    let project = w
        .app
        .create(
            "/api/v1/gboProjects",
            &w.steering,
            json!({"name": "GBO Genk", "municipalities": ["71016"]}),
        )
        .await;
    let indicator = w
        .app
        .create(
            "/api/v1/indicators",
            &w.steering,
            json!({"code": "bereik", "name": "Bereik", "standard": "gbo.peopleReached",
                   "subject": {"type": "gboProject", "id": project["id"]}}),
        )
        .await;
    let measurements = format!("{}/measurements", indicator["self"].as_str().unwrap());
    let measurement = w
        .app
        .create(
            &measurements,
            &w.steering,
            json!({"period": "2023Q1", "place": {"type": "municipality", "code": "71016"}, "value": 4}),
        )
        .await;
    let conference = w
        .app
        .create(
            "/api/v1/conferences",
            &w.steering,
            json!({"year": 2026, "title": "Sociaalwerkconferentie 2026"}),
        )
        .await;
    let path = |v: &Value| v["self"].as_str().unwrap().to_owned();
    let each = vec![
        (
            "/api/v1/gboProjects".to_owned(),
            path(&project),
            json!({"name": "GBO Genk-Zuid"}),
        ),
        (
            "/api/v1/indicators".to_owned(),
            path(&indicator),
            json!({"name": "Bereikte personen"}),
        ),
        (measurements, path(&measurement), json!({"value": 5})),
        (
            "/api/v1/conferences".to_owned(),
            path(&conference),
            json!({"title": "Conferentie 2026"}),
        ),
    ];
    Records { w, each }
}

/// Sends `body` as it is written, so that it may hold what `serde_json`
/// cannot build (`1e400`).
async fn send_raw(
    w: &World,
    method: Method,
    path: &str,
    body: &str,
    if_match: Option<i64>,
) -> reqwest::Response {
    let mut request = w
        .app
        .request(method, path)
        .bearer_auth(&w.steering)
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(version) = if_match {
        request = request.header("if-match", format!("\"{version}\""));
    }
    request.send().await.unwrap()
}

#[actix_web::test]
async fn writes_need_the_current_version_and_creates_replay_by_idempotency_key() {
    let r = records().await;
    let w = &r.w;
    for (_, path, patch) in &r.each {
        for (version, status) in [
            (None, StatusCode::PRECONDITION_REQUIRED),
            (Some(99), StatusCode::PRECONDITION_FAILED),
        ] {
            let answer = w
                .app
                .call(Method::PATCH, path, &w.steering, Some(patch), version)
                .await;
            assert_eq!(answer.status, status, "PATCH {path}: {}", answer.body);
            let answer = w
                .app
                .call(Method::DELETE, path, &w.steering, None, version)
                .await;
            assert_eq!(answer.status, status, "DELETE {path}: {}", answer.body);
        }
        let current = w.app.call(Method::GET, path, &w.steering, None, None).await;
        assert_eq!(current.body["version"], 1, "{path}: {}", current.body);
        assert_eq!(current.etag.as_deref(), Some("\"1\""), "{path}");
    }

    // The same key and body give the first answer again; another body is a 422.
    let conference = json!({"year": 2030, "title": "Sociaalwerkconferentie 2030"});
    let mut ids = Vec::new();
    for _ in 0..2 {
        let response = w
            .app
            .post_json("/api/v1/conferences", &conference)
            .bearer_auth(&w.steering)
            .header("idempotency-key", "conference-2030")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        ids.push(id_of(&response.json::<Value>().await.unwrap()));
    }
    assert_eq!(ids[0], ids[1]);
    let response = w
        .app
        .post_json(
            "/api/v1/conferences",
            &json!({"year": 2031, "title": "Sociaalwerkconferentie 2031"}),
        )
        .bearer_auth(&w.steering)
        .header("idempotency-key", "conference-2030")
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;
    let listed = w
        .app
        .get_json("/api/v1/conferences?year=2031", &w.reader)
        .await;
    assert_eq!(listed["total"], 0, "{listed}");
}

#[actix_web::test]
async fn lists_refuse_what_they_do_not_know_by_name_and_history_is_kept() {
    let r = records().await;
    let w = &r.w;
    for (collection, _, _) in &r.each {
        for (query, name) in [
            ("pageSize=201", "pageSize"),
            ("page=0", "page"),
            ("sort=version", "sort"),
            ("unknown=1", "unknown"),
        ] {
            let response = w
                .app
                .get(&format!("{collection}?{query}"))
                .bearer_auth(&w.reader)
                .send()
                .await
                .unwrap();
            let body = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
            assert_eq!(body["issues"][0]["name"], name, "{collection}?{query}");
            assert_eq!(body["issues"][0]["in"], "query", "{collection}?{query}");
        }
    }
    // A filter that is not a UUID, a code or a period is a 400 naming it.
    for (path, name) in [
        ("/api/v1/gboProjects?organisation=nope", "organisation[0]"),
        (
            "/api/v1/gboProjects?primaryCareZone=nope",
            "primaryCareZone",
        ),
        ("/api/v1/gboProjects?municipality=7101", "municipality"),
        ("/api/v1/gboProjects?region=Limburg", "region"),
        ("/api/v1/indicators?gboProject=nope", "gboProject[0]"),
        ("/api/v1/indicators?plan=nope", "plan[0]"),
        ("/api/v1/indicators?measure=ratio", "measure[0]"),
        ("/api/v1/measurements?indicator=nope", "indicator[0]"),
        ("/api/v1/measurements?gboProject=nope", "gboProject[0]"),
        ("/api/v1/measurements?periodFrom=2023Q5", "periodFrom"),
        ("/api/v1/measurements?periodTo=2023-13", "periodTo"),
        ("/api/v1/measurements?place=Genk", "place"),
        ("/api/v1/measurements?placeType=province", "placeType[0]"),
        ("/api/v1/conferences?year=1999", "year"),
        ("/api/v1/conferences?year=twenty", "year"),
    ] {
        let response = w.app.get(path).bearer_auth(&w.reader).send().await.unwrap();
        let body = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
        assert_eq!(body["issues"][0]["name"], name, "{path}: {body}");
    }

    // Every write is in the record's history, for steering and
    // administrators only.
    for (_, path, patch) in &r.each {
        let answer = w.app.patch_current(path, &w.steering, patch.clone()).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
        let history = w.app.get_json(&format!("{path}/history"), &w.admin).await;
        assert_eq!(history["total"], 2, "{path}: {history}");
        assert_eq!(history["items"][0]["operation"], "update", "{history}");
        let response = w
            .app
            .get(&format!("{path}/history"))
            .bearer_auth(&w.reader)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
}

#[actix_web::test]
async fn a_number_out_of_range_is_refused_by_the_name_of_its_member() {
    let r = records().await;
    let w = &r.w;
    let measurements = &r.each[2].0;
    for (method, path, body, name) in [
        (
            Method::POST,
            "/api/v1/gboProjects",
            r#"{"name": "GBO", "municipalities": ["71016"], "startDate": 1e400}"#,
            "startDate",
        ),
        (
            Method::POST,
            "/api/v1/conferences",
            r#"{"year": 1e400, "title": "Conferentie"}"#,
            "year",
        ),
        (
            Method::POST,
            "/api/v1/indicators",
            r#"{"code": "x", "name": "X", "measure": "count", "baseline": {"value": -1e400, "date": "2020-01-01"}}"#,
            "baseline.value",
        ),
        (
            Method::POST,
            "/api/v1/indicators",
            r#"{"code": "x", "name": "X", "measure": "count", "targets": [{"value": 1, "date": "2024-01-01"}, {"value": 1E999, "date": "2025-01-01"}]}"#,
            "targets[1].value",
        ),
        (
            Method::POST,
            measurements,
            r#"{"period": "2023Q2", "place": {"type": "region", "code": "limburg"}, "value": 1e400}"#,
            "value",
        ),
        (Method::PATCH, &r.each[2].1, r#"{"value": 2e308}"#, "value"),
    ] {
        let if_match = (method == Method::PATCH).then_some(1);
        let response = send_raw(w, method, path, body, if_match).await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
        assert_eq!(problem["issues"][0]["name"], name, "{body}: {problem}");
        assert_eq!(problem["issues"][0]["in"], "body", "{problem}");
    }
    // What is not JSON at all stays a plain bad request.
    for body in [
        r#"{"value": NaN}"#,
        r#"{"value": Infinity}"#,
        r#"{"value": 1e}"#,
    ] {
        let response = send_raw(w, Method::PATCH, &r.each[2].1, body, Some(1)).await;
        assert_problem(response, StatusCode::BAD_REQUEST, "bad-request").await;
    }
    // Nothing was written.
    let listed = w.app.get_json(measurements, &w.reader).await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["version"], 1);
    assert_eq!(
        w.app.get_json("/api/v1/gboProjects", &w.reader).await["total"],
        1
    );
}

#[actix_web::test]
async fn a_conference_day_outside_its_year_is_a_400_whatever_the_version() {
    let r = records().await;
    let w = &r.w;
    let path = &r.each[3].1;
    for version in [Some(1), Some(99)] {
        let answer = w
            .app
            .call(
                Method::PATCH,
                path,
                &w.steering,
                Some(&json!({"date": "2027-05-24"})),
                version,
            )
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
        assert_eq!(answer.body["issues"][0]["name"], "date", "{}", answer.body);
    }
    // The year and the day change together.
    let answer = w
        .app
        .patch_current(
            path,
            &w.steering,
            json!({"year": 2027, "date": "2027-05-24"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["date"], "2027-05-24");
}

#[actix_web::test]
async fn a_long_period_is_refused_without_being_echoed() {
    let r = records().await;
    let w = &r.w;
    let long = "2".repeat(50_000);
    let answer = w
        .app
        .call(
            Method::POST,
            &r.each[2].0,
            &w.steering,
            Some(&json!({"period": long, "place": {"type": "region", "code": "limburg"}, "value": 1})),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    assert_eq!(answer.body["issues"][0]["name"], "period");
    let size = answer.body.to_string().len();
    assert!(size < 2_000, "{size} bytes");
}
