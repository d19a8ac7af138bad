//! Regions, municipalities and primary care zones: read by anyone, written by
//! administrators only, with If-Match, audit entries and 409 on referenced deletes.

use diesel_async::RunQueryDsl;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use ssw_api::domain::Role;
use ssw_api::storage;
use uuid::Uuid;

use crate::helpers::{TestApp, assert_problem};

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    if_match: Option<&str>,
    body: Option<&Value>,
) -> Response {
    let mut request = app.request(method, path);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(version) = if_match {
        request = request.header("if-match", version);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap()
}

async fn json_of(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(actual, status, "{body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

fn municipality(nis: &str, name: &str, region: &str) -> Value {
    json!({"nisCode": nis, "name": name, "regionId": region, "validFrom": "1977-01-01"})
}

async fn create_municipality(app: &TestApp, admin: &str, body: &Value) -> Value {
    let response = send(
        app,
        Method::POST,
        "/api/v1/municipalities",
        Some(admin),
        None,
        Some(body),
    )
    .await;
    json_of(response, StatusCode::CREATED).await
}

async fn create_zone(app: &TestApp, admin: &str, body: &Value) -> Value {
    let response = send(
        app,
        Method::POST,
        "/api/v1/primaryCareZones",
        Some(admin),
        None,
        Some(body),
    )
    .await;
    json_of(response, StatusCode::CREATED).await
}

/// The names of a validation problem's issues.
fn issue_names(problem: &Value) -> Vec<String> {
    problem["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn execute(app: &TestApp, sql: &str) {
    let mut conn = storage::connection(&app.pool).await.unwrap();
    diesel::sql_query(sql).execute(&mut conn).await.unwrap();
}

#[actix_web::test]
async fn anyone_reads_regions_municipalities_and_zones_without_logging_in() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    create_municipality(
        &app,
        &admin,
        &json!({"nisCode": "71016", "name": "Genk", "provinceNisCode": "70000",
                "regionId": "limburg", "validFrom": "1977-01-01"}),
    )
    .await;
    create_municipality(
        &app,
        &admin,
        &json!({"nisCode": "21004", "name": "Brussel", "nameFr": "Bruxelles",
                "regionId": "brussel", "validFrom": "1977-01-01"}),
    )
    .await;
    create_municipality(
        &app,
        &admin,
        &json!({"nisCode": "71999", "name": "Merged away", "provinceNisCode": "70000",
                "regionId": "limburg", "validFrom": "1977-01-01", "validTo": "2024-12-31"}),
    )
    .await;
    let zone = create_zone(
        &app,
        &admin,
        &json!({"code": "ELZ-Genk", "name": "Eerstelijnszone Genk", "regionId": "limburg",
                "municipalities": ["71016"]}),
    )
    .await;

    let regions = json_of(
        send(&app, Method::GET, "/api/v1/regions", None, None, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(regions.as_array().unwrap().len(), 7);
    assert_eq!(regions[0]["version"], 1);
    let response = send(
        &app,
        Method::GET,
        "/api/v1/regions/limburg",
        None,
        None,
        None,
    )
    .await;
    assert_eq!(response.headers()["etag"], "\"1\"");
    let limburg = json_of(response, StatusCode::OK).await;
    assert_eq!(limburg["nisCode"], "70000");
    assert_eq!(limburg["self"], "/api/v1/regions/limburg");

    let all = json_of(
        send(
            &app,
            Method::GET,
            "/api/v1/municipalities",
            None,
            None,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 3);
    assert_eq!(all["items"][0]["nisCode"], "21004", "sorted by NIS code");
    assert_eq!(all["items"][0]["nameFr"], "Bruxelles");
    assert!(all["items"][0].get("provinceNisCode").is_none());

    for (query, expected) in [
        ("region=limburg", vec!["71016", "71999"]),
        (
            "region=limburg&region=brussel",
            vec!["21004", "71016", "71999"],
        ),
        ("province=70000", vec!["71016", "71999"]),
        ("validOn=2025-06-01", vec!["21004", "71016"]),
        ("validOn=2024-12-31&region=limburg", vec!["71016", "71999"]),
        ("validOn=1970-01-01", vec![]),
        ("q=bruxel", vec!["21004"]),
        ("q=GENK", vec!["71016"]),
        ("sort=-name", vec!["71999", "71016", "21004"]),
    ] {
        let page = json_of(
            send(
                &app,
                Method::GET,
                &format!("/api/v1/municipalities?{query}"),
                None,
                None,
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let codes: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["nisCode"].as_str().unwrap())
            .collect();
        assert_eq!(codes, expected, "{query}");
    }
    for query in [
        "sort=population",
        "pageSize=500",
        "validOn=yesterday",
        "province=7",
    ] {
        let response = send(
            &app,
            Method::GET,
            &format!("/api/v1/municipalities?{query}"),
            None,
            None,
            None,
        )
        .await;
        assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    }

    let response = send(
        &app,
        Method::GET,
        "/api/v1/municipalities/71016",
        None,
        None,
        None,
    )
    .await;
    assert_eq!(response.headers()["etag"], "\"1\"");
    let genk = json_of(response, StatusCode::OK).await;
    assert_eq!(genk["name"], "Genk");
    assert_eq!(genk["provinceNisCode"], "70000");
    assert_eq!(genk["validFrom"], "1977-01-01");
    assert!(genk.get("validTo").is_none());
    let response = send(
        &app,
        Method::GET,
        "/api/v1/municipalities/99999",
        None,
        None,
        None,
    )
    .await;
    assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
    let response = send(
        &app,
        Method::GET,
        "/api/v1/municipalities/genk",
        None,
        None,
        None,
    )
    .await;
    assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;

    let zones = json_of(
        send(
            &app,
            Method::GET,
            "/api/v1/primaryCareZones",
            None,
            None,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(zones["total"], 1);
    assert_eq!(zones["items"][0]["municipalities"], json!(["71016"]));
    for (query, total) in [
        ("region=limburg", 1),
        ("region=antwerpen", 0),
        ("municipality=71016", 1),
        ("municipality=21004&municipality=71016", 1),
        ("municipality=21004", 0),
        ("q=genk", 1),
        ("q=leuven", 0),
    ] {
        let page = json_of(
            send(
                &app,
                Method::GET,
                &format!("/api/v1/primaryCareZones?{query}"),
                None,
                None,
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(page["total"], total, "{query}");
    }
    let path = zone["self"].as_str().unwrap();
    let response = send(&app, Method::GET, path, None, None, None).await;
    assert_eq!(response.headers()["etag"], "\"1\"");
    let read = json_of(response, StatusCode::OK).await;
    assert_eq!(read["code"], "ELZ-Genk");
    assert_eq!(read["municipalities"], json!(["71016"]));
}

#[actix_web::test]
async fn only_administrators_write_reference_data() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    create_municipality(&app, &admin, &municipality("71016", "Genk", "limburg")).await;
    let zone = create_zone(
        &app,
        &admin,
        &json!({"code": "Z1", "name": "Zone", "regionId": "limburg"}),
    )
    .await;
    let zone_path = zone["self"].as_str().unwrap().to_owned();
    let region = json!({"id": "nieuw", "name": "Nieuw", "nisCode": "99000"});
    let new_municipality = municipality("71017", "Nieuw", "limburg");
    let import = json!([municipality("71018", "Elders", "limburg")]);
    let new_zone = json!({"code": "Z2", "name": "Zone 2", "regionId": "limburg"});
    let name = json!({"name": "Changed"});
    let writes: Vec<(Method, &str, Option<&Value>)> = vec![
        (Method::POST, "/api/v1/regions", Some(&region)),
        (Method::PATCH, "/api/v1/regions/limburg", Some(&name)),
        (Method::DELETE, "/api/v1/regions/limburg", None),
        (
            Method::POST,
            "/api/v1/municipalities",
            Some(&new_municipality),
        ),
        (Method::POST, "/api/v1/municipalities/import", Some(&import)),
        (Method::PATCH, "/api/v1/municipalities/71016", Some(&name)),
        (Method::DELETE, "/api/v1/municipalities/71016", None),
        (Method::POST, "/api/v1/primaryCareZones", Some(&new_zone)),
        (Method::PATCH, zone_path.as_str(), Some(&name)),
        (Method::DELETE, zone_path.as_str(), None),
    ];
    for role in [
        Role::Steering,
        Role::Coordinator,
        Role::Contributor,
        Role::Reader,
    ] {
        let (_, token) = app.token_for(role).await;
        for (method, path, body) in &writes {
            let response = send(
                &app,
                method.clone(),
                path,
                Some(&token),
                Some("\"1\""),
                *body,
            )
            .await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{role} {method} {path}"
            );
            assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
        }
    }
    for (method, path, body) in &writes {
        let response = send(&app, method.clone(), path, None, Some("\"1\""), *body).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "anonymous {method} {path}"
        );
        assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
    // Nothing changed.
    let genk = json_of(
        send(
            &app,
            Method::GET,
            "/api/v1/municipalities/71016",
            None,
            None,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(genk["version"], 1);
    let total = json_of(
        send(
            &app,
            Method::GET,
            "/api/v1/municipalities",
            None,
            None,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await["total"]
        .clone();
    assert_eq!(total, 1);
}

#[actix_web::test]
async fn an_administrator_creates_changes_and_deletes_a_region() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let body = json!({"id": "test-regio", "name": "Testregio", "nisCode": "99000"});
    let response = send(
        &app,
        Method::POST,
        "/api/v1/regions",
        Some(&admin),
        None,
        Some(&body),
    )
    .await;
    assert_eq!(response.headers()["etag"], "\"1\"");
    assert_eq!(response.headers()["location"], "/api/v1/regions/test-regio");
    let region = json_of(response, StatusCode::CREATED).await;
    assert_eq!(region["flandersWide"], false);
    assert_eq!(region["version"], 1);
    let regions = json_of(
        send(&app, Method::GET, "/api/v1/regions", None, None, None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        regions.as_array().unwrap().last().unwrap()["id"],
        "test-regio",
        "a new region comes last"
    );

    for (bad, field) in [
        (json!({"id": "Test", "name": "x", "nisCode": "99001"}), "id"),
        (json!({"id": "t", "name": "x", "nisCode": "99001"}), "id"),
        (
            json!({"id": "test-2", "name": "", "nisCode": "99001"}),
            "name",
        ),
        (
            json!({"id": "test-2", "name": "x", "nisCode": "9900"}),
            "nisCode",
        ),
        (
            json!({"id": "test-2", "name": "x", "nisCode": "99001", "version": 3}),
            "version",
        ),
    ] {
        let response = send(
            &app,
            Method::POST,
            "/api/v1/regions",
            Some(&admin),
            None,
            Some(&bad),
        )
        .await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
        assert_eq!(issue_names(&problem), [field], "{bad}");
    }
    for taken in [
        json!({"id": "test-regio", "name": "Again", "nisCode": "99001"}),
        json!({"id": "test-regio-2", "name": "Again", "nisCode": "70000"}),
    ] {
        let response = send(
            &app,
            Method::POST,
            "/api/v1/regions",
            Some(&admin),
            None,
            Some(&taken),
        )
        .await;
        assert_problem(response, StatusCode::CONFLICT, "conflict").await;
    }

    let path = "/api/v1/regions/test-regio";
    let change = json!({"name": "Testregio (nieuw)", "flandersWide": true});
    let response = send(&app, Method::PATCH, path, Some(&admin), None, Some(&change)).await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition-required",
    )
    .await;
    let response = send(
        &app,
        Method::PATCH,
        path,
        Some(&admin),
        Some("\"7\""),
        Some(&change),
    )
    .await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "precondition-failed",
    )
    .await;
    let response = send(
        &app,
        Method::PATCH,
        path,
        Some(&admin),
        Some("\"1\""),
        Some(&json!({"id": "other"})),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    assert_eq!(issue_names(&problem), ["id"]);
    let response = send(
        &app,
        Method::PATCH,
        path,
        Some(&admin),
        Some("\"1\""),
        Some(&change),
    )
    .await;
    assert_eq!(response.headers()["etag"], "\"2\"");
    let changed = json_of(response, StatusCode::OK).await;
    assert_eq!(changed["name"], "Testregio (nieuw)");
    assert_eq!(changed["flandersWide"], true);
    assert_eq!(changed["nisCode"], "99000");
    assert_eq!(changed["version"], 2);

    let response = send(&app, Method::DELETE, path, Some(&admin), None, None).await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition-required",
    )
    .await;
    let response = send(
        &app,
        Method::DELETE,
        path,
        Some(&admin),
        Some("\"1\""),
        None,
    )
    .await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "precondition-failed",
    )
    .await;
    let response = send(
        &app,
        Method::DELETE,
        path,
        Some(&admin),
        Some("\"2\""),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = send(&app, Method::GET, path, None, None, None).await;
    assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;

    let history = app.get_json(&format!("{path}/history"), &admin).await;
    let operations: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(operations, ["delete", "update", "create"]);
    assert_eq!(
        history["items"][1]["changes"]["name"],
        json!({"before": "Testregio", "after": "Testregio (nieuw)"})
    );
}

#[actix_web::test]
async fn a_region_in_use_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let body = json!({"id": "test-regio", "name": "Testregio", "nisCode": "99000"});
    let response = send(
        &app,
        Method::POST,
        "/api/v1/regions",
        Some(&admin),
        None,
        Some(&body),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    create_municipality(
        &app,
        &admin,
        &municipality("99001", "Testgemeente", "test-regio"),
    )
    .await;
    create_zone(
        &app,
        &admin,
        &json!({"code": "Z1", "name": "Zone", "regionId": "test-regio"}),
    )
    .await;
    let response = send(
        &app,
        Method::DELETE,
        "/api/v1/regions/test-regio",
        Some(&admin),
        Some("\"1\""),
        None,
    )
    .await;
    let problem = assert_problem(response, StatusCode::CONFLICT, "conflict").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("1 municipalities") && detail.contains("1 primary care zones"),
        "{detail}"
    );

    // Limburg has a coordinator, an organisation and an initiative.
    app.token_for(Role::Coordinator).await;
    let organisation = app.create_organisation("limburg").await;
    let zone = create_zone(
        &app,
        &admin,
        &json!({"code": "Z2", "name": "Zone 2", "regionId": "limburg"}),
    )
    .await;
    let zone_id: Uuid = zone["id"].as_str().unwrap().parse().unwrap();
    let initiative = insert_initiative(&app, organisation, Some(zone_id)).await;
    execute(
        &app,
        &format!("INSERT INTO initiative_regions VALUES ('{initiative}', 'limburg')"),
    )
    .await;
    let response = send(
        &app,
        Method::DELETE,
        "/api/v1/regions/limburg",
        Some(&admin),
        Some("\"1\""),
        None,
    )
    .await;
    let problem = assert_problem(response, StatusCode::CONFLICT, "conflict").await;
    let detail = problem["detail"].as_str().unwrap();
    for what in [
        "users",
        "organisations",
        "primary care zones",
        "initiatives",
    ] {
        assert!(detail.contains(what), "{what} in {detail}");
    }
    let response = send(
        &app,
        Method::GET,
        "/api/v1/regions/limburg",
        None,
        None,
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// An initiative led by `organisation` under a new action of the seeded plan.
async fn insert_initiative(app: &TestApp, organisation: Uuid, zone: Option<Uuid>) -> Uuid {
    let action = Uuid::new_v4();
    let initiative = Uuid::new_v4();
    let number = rand_number(action);
    execute(
        app,
        &format!(
            "INSERT INTO actions (id, plan_id, code, number, title) \
             SELECT '{action}', id, 'T{number}', {number}, 'Test action' FROM plans LIMIT 1"
        ),
    )
    .await;
    let zone = zone.map_or("NULL".to_owned(), |z| format!("'{z}'"));
    execute(
        app,
        &format!(
            "INSERT INTO initiatives (id, plan_id, action_id, code, title, lead_organisation_id, primary_care_zone_id) \
             SELECT '{initiative}', plan_id, id, 'I1', 'Test initiative', '{organisation}', {zone} \
             FROM actions WHERE id = '{action}'"
        ),
    )
    .await;
    initiative
}

/// An action number from 100 to 999, different for different ids.
fn rand_number(id: Uuid) -> u32 {
    100 + u32::from(id.as_bytes()[0]) * 3 + u32::from(id.as_bytes()[1] % 3)
}

#[actix_web::test]
async fn an_administrator_creates_changes_and_deletes_a_municipality() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let response = send(
        &app,
        Method::POST,
        "/api/v1/municipalities",
        Some(&admin),
        None,
        Some(
            &json!({"nisCode": "24062", "name": "Leuven", "nameFr": "Louvain",
                     "provinceNisCode": "20001", "regionId": "vlaams-brabant",
                     "validFrom": "1977-01-01"}),
        ),
    )
    .await;
    assert_eq!(response.headers()["etag"], "\"1\"");
    assert_eq!(
        response.headers()["location"],
        "/api/v1/municipalities/24062"
    );
    let leuven = json_of(response, StatusCode::CREATED).await;
    assert_eq!(leuven["nameFr"], "Louvain");
    assert_eq!(leuven["regionId"], "vlaams-brabant");

    let response = send(
        &app,
        Method::POST,
        "/api/v1/municipalities",
        Some(&admin),
        None,
        Some(&municipality("24062", "Leuven", "vlaams-brabant")),
    )
    .await;
    assert_problem(response, StatusCode::CONFLICT, "conflict").await;

    let path = "/api/v1/municipalities/24062";
    let change = json!({"nameFr": null, "validTo": "2030-12-31"});
    let response = send(&app, Method::PATCH, path, Some(&admin), None, Some(&change)).await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition-required",
    )
    .await;
    let response = send(
        &app,
        Method::PATCH,
        path,
        Some(&admin),
        Some("\"2\""),
        Some(&change),
    )
    .await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "precondition-failed",
    )
    .await;
    for (bad, field) in [
        (json!({"nisCode": "24063"}), "nisCode"),
        (json!({"validTo": "1976-12-31"}), "validTo"),
        (
            json!({"validFrom": "2031-01-01", "validTo": "2030-12-31"}),
            "validTo",
        ),
        (json!({"validFrom": "1799-12-31"}), "validFrom"),
        (json!({"provinceNisCode": "21000"}), "provinceNisCode"),
        (json!({"regionId": "atlantis"}), "regionId"),
        (json!({"name": " "}), "name"),
    ] {
        let response = send(
            &app,
            Method::PATCH,
            path,
            Some(&admin),
            Some("\"1\""),
            Some(&bad),
        )
        .await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
        assert_eq!(issue_names(&problem), [field], "{bad}");
    }
    let response = send(
        &app,
        Method::PATCH,
        path,
        Some(&admin),
        Some("\"1\""),
        Some(&change),
    )
    .await;
    assert_eq!(response.headers()["etag"], "\"2\"");
    let changed = json_of(response, StatusCode::OK).await;
    assert!(changed.get("nameFr").is_none(), "null clears it: {changed}");
    assert_eq!(changed["validTo"], "2030-12-31");
    assert_eq!(changed["name"], "Leuven");
    assert_eq!(changed["version"], 2);

    let response = send(&app, Method::DELETE, path, Some(&admin), None, None).await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition-required",
    )
    .await;
    let response = send(
        &app,
        Method::DELETE,
        path,
        Some(&admin),
        Some("\"1\""),
        None,
    )
    .await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "precondition-failed",
    )
    .await;
    let response = send(
        &app,
        Method::DELETE,
        path,
        Some(&admin),
        Some("\"2\""),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = send(&app, Method::GET, path, None, None, None).await;
    assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
}

#[actix_web::test]
async fn invalid_municipalities_are_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let mut cases = Vec::new();
    for nis in ["7101", "710166", "7101a", ""] {
        cases.push((municipality(nis, "Genk", "limburg"), "nisCode"));
    }
    let mut before = municipality("71016", "Genk", "limburg");
    before["validTo"] = json!("1976-12-31");
    cases.push((before, "validTo"));
    cases.push((municipality("71016", "Genk", "atlantis"), "regionId"));
    let mut province = municipality("71016", "Genk", "limburg");
    province["provinceNisCode"] = json!("04000");
    cases.push((province, "provinceNisCode"));
    let mut late = municipality("71016", "Genk", "limburg");
    late["validFrom"] = json!("2101-01-01");
    cases.push((late, "validFrom"));
    let mut not_a_date = municipality("71016", "Genk", "limburg");
    not_a_date["validFrom"] = json!("01/01/1977");
    cases.push((not_a_date, "validFrom"));
    cases.push((municipality("71016", "Ge\u{7}nk", "limburg"), "name"));
    let mut read_only = municipality("71016", "Genk", "limburg");
    read_only["version"] = json!(1);
    cases.push((read_only, "version"));
    let mut unknown = municipality("71016", "Genk", "limburg");
    unknown["population"] = json!(66_000);
    cases.push((unknown, "population"));
    for (body, field) in cases {
        let response = send(
            &app,
            Method::POST,
            "/api/v1/municipalities",
            Some(&admin),
            None,
            Some(&body),
        )
        .await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
        assert_eq!(issue_names(&problem), [field], "{body}");
    }
    let page = json_of(
        send(
            &app,
            Method::GET,
            "/api/v1/municipalities",
            None,
            None,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["total"], 0);
}

#[actix_web::test]
async fn an_import_creates_and_updates_in_one_transaction() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    create_municipality(&app, &admin, &municipality("71016", "Genk", "limburg")).await;
    let list = json!([
        {"nisCode": "71016", "name": "Genk", "provinceNisCode": "70000", "regionId": "limburg",
         "validFrom": "1977-01-01"},
        {"nisCode": "71022", "name": "Hasselt", "provinceNisCode": "70000", "regionId": "limburg",
         "validFrom": "1977-01-01"},
        {"nisCode": "11002", "name": "Antwerpen", "nameFr": "Anvers", "provinceNisCode": "10000",
         "regionId": "antwerpen", "validFrom": "1983-01-01"},
    ]);
    let response = send(
        &app,
        Method::POST,
        "/api/v1/municipalities/import",
        Some(&admin),
        None,
        Some(&list),
    )
    .await;
    let result = json_of(response, StatusCode::OK).await;
    assert_eq!(result, json!({"created": 2, "updated": 1, "unchanged": 0}));
    let genk = app.get_json("/api/v1/municipalities/71016", &admin).await;
    assert_eq!(genk["version"], 2);
    assert_eq!(genk["provinceNisCode"], "70000");
    let antwerpen = app.get_json("/api/v1/municipalities/11002", &admin).await;
    assert_eq!(antwerpen["nameFr"], "Anvers");
    assert_eq!(antwerpen["version"], 1);

    // The same list again changes nothing; a retry with the same key replays the answer.
    let again = app
        .post_json("/api/v1/municipalities/import", &list)
        .bearer_auth(&admin)
        .header("idempotency-key", "import-1")
        .send()
        .await
        .unwrap();
    let result = json_of(again, StatusCode::OK).await;
    assert_eq!(result, json!({"created": 0, "updated": 0, "unchanged": 3}));
    let replay = app
        .post_json("/api/v1/municipalities/import", &list)
        .bearer_auth(&admin)
        .header("idempotency-key", "import-1")
        .send()
        .await
        .unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(json_of(replay, StatusCode::OK).await, result);

    // Omitted optional fields are cleared: the list is the whole truth about each item.
    let response = send(
        &app,
        Method::POST,
        "/api/v1/municipalities/import",
        Some(&admin),
        None,
        Some(&json!([municipality("11002", "Antwerpen", "antwerpen")])),
    )
    .await;
    assert_eq!(
        json_of(response, StatusCode::OK).await,
        json!({"created": 0, "updated": 1, "unchanged": 0})
    );
    let antwerpen = app.get_json("/api/v1/municipalities/11002", &admin).await;
    assert!(antwerpen.get("nameFr").is_none(), "{antwerpen}");
    assert_eq!(antwerpen["validFrom"], "1977-01-01");
    assert_eq!(antwerpen["version"], 2);

    let audit = app
        .get_json("/api/v1/audit?resource=municipality&pageSize=200", &admin)
        .await;
    let entries: Vec<(String, String)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["resourceId"].as_str().unwrap().to_owned(),
                e["operation"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = |id: &str, op: &str| (id.to_owned(), op.to_owned());
    assert_eq!(
        entries,
        [
            expect("11002", "update"),
            expect("11002", "create"),
            expect("71022", "create"),
            expect("71016", "update"),
            expect("71016", "create"),
        ]
    );
    assert_eq!(
        audit["items"][3]["changes"],
        json!({"provinceNisCode": {"before": null, "after": "70000"}})
    );
    let history = app
        .get_json("/api/v1/municipalities/71016/history", &admin)
        .await;
    assert_eq!(history["total"], 2);
}

#[actix_web::test]
async fn an_import_with_one_bad_item_writes_nothing() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    create_municipality(&app, &admin, &municipality("71016", "Genk", "limburg")).await;
    let mut late = municipality("71023", "Later", "limburg");
    late["validTo"] = json!("1900-01-01");
    let list = json!([
        municipality("71016", "Genk (gewijzigd)", "limburg"),
        municipality("71022", "Hasselt", "limburg"),
        municipality("7102", "Kapot", "limburg"),
        late,
        municipality("71022", "Hasselt again", "limburg"),
        {"nisCode": "71024", "name": "Unknown field", "regionId": "limburg",
         "validFrom": "1977-01-01", "inhabitants": 3},
    ]);
    let response = send(
        &app,
        Method::POST,
        "/api/v1/municipalities/import",
        Some(&admin),
        None,
        Some(&list),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    assert_eq!(
        issue_names(&problem),
        [
            "[2].nisCode",
            "[3].validTo",
            "[4].nisCode",
            "[5].inhabitants"
        ]
    );

    // An unknown region is found only in the database; still nothing is written.
    let list = json!([
        municipality("71016", "Genk (gewijzigd)", "limburg"),
        municipality("71022", "Hasselt", "limburg"),
        municipality("71025", "Nergens", "atlantis"),
    ]);
    let response = send(
        &app,
        Method::POST,
        "/api/v1/municipalities/import",
        Some(&admin),
        None,
        Some(&list),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    assert_eq!(issue_names(&problem), ["[2].regionId"]);

    for body in [json!([]), json!({"nisCode": "71016"}), json!("71016")] {
        let response = send(
            &app,
            Method::POST,
            "/api/v1/municipalities/import",
            Some(&admin),
            None,
            Some(&body),
        )
        .await;
        assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    }
    let too_many: Vec<Value> = (0..1001)
        .map(|i| municipality(&format!("{:05}", 10_000 + i), "Gemeente", "antwerpen"))
        .collect();
    let response = send(
        &app,
        Method::POST,
        "/api/v1/municipalities/import",
        Some(&admin),
        None,
        Some(&Value::Array(too_many)),
    )
    .await;
    assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;

    let genk = app.get_json("/api/v1/municipalities/71016", &admin).await;
    assert_eq!(genk["name"], "Genk");
    assert_eq!(genk["version"], 1);
    let page = app.get_json("/api/v1/municipalities", &admin).await;
    assert_eq!(page["total"], 1);
    let audit = app
        .get_json("/api/v1/audit?resource=municipality", &admin)
        .await;
    assert_eq!(audit["total"], 1, "only the first create");
}

#[actix_web::test]
async fn a_municipality_in_use_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    for (nis, name) in [
        ("71016", "Genk"),
        ("71022", "Hasselt"),
        ("71034", "Leopoldsburg"),
    ] {
        create_municipality(&app, &admin, &municipality(nis, name, "limburg")).await;
    }
    let organisation = app.create_organisation("limburg").await;
    execute(
        &app,
        &format!("UPDATE organisations SET municipality_nis = '71016' WHERE id = '{organisation}'"),
    )
    .await;
    let initiative = insert_initiative(&app, organisation, None).await;
    execute(
        &app,
        &format!("INSERT INTO initiative_municipalities VALUES ('{initiative}', '71016')"),
    )
    .await;
    create_zone(
        &app,
        &admin,
        &json!({"code": "Z1", "name": "Zone", "regionId": "limburg",
                "municipalities": ["71016", "71022"]}),
    )
    .await;

    let response = send(
        &app,
        Method::DELETE,
        "/api/v1/municipalities/71016",
        Some(&admin),
        Some("\"1\""),
        None,
    )
    .await;
    let problem = assert_problem(response, StatusCode::CONFLICT, "conflict").await;
    let detail = problem["detail"].as_str().unwrap();
    for what in [
        "organisations",
        "initiatives",
        "primary care zones",
        "validTo",
    ] {
        assert!(detail.contains(what), "{what} in {detail}");
    }
    let response = send(
        &app,
        Method::DELETE,
        "/api/v1/municipalities/71022",
        Some(&admin),
        Some("\"1\""),
        None,
    )
    .await;
    let problem = assert_problem(response, StatusCode::CONFLICT, "conflict").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("1 primary care zones")
    );
    let response = send(
        &app,
        Method::DELETE,
        "/api/v1/municipalities/71034",
        Some(&admin),
        Some("\"1\""),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn an_administrator_creates_changes_and_deletes_a_primary_care_zone() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    for (nis, name) in [
        ("71016", "Genk"),
        ("71022", "Hasselt"),
        ("71034", "Leopoldsburg"),
    ] {
        create_municipality(&app, &admin, &municipality(nis, name, "limburg")).await;
    }
    let response = send(
        &app,
        Method::POST,
        "/api/v1/primaryCareZones",
        Some(&admin),
        None,
        Some(
            &json!({"code": "ELZ-Genk", "name": "Eerstelijnszone Genk", "regionId": "limburg",
                     "municipalities": ["71022", "71016"]}),
        ),
    )
    .await;
    assert_eq!(response.headers()["etag"], "\"1\"");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let zone = json_of(response, StatusCode::CREATED).await;
    assert_eq!(zone["self"], location);
    assert_eq!(zone["municipalities"], json!(["71016", "71022"]));

    let hundred_and_one: Vec<String> = (0..101).map(|i| format!("{:05}", 10_000 + i)).collect();
    for (bad, field) in [
        (
            json!({"code": "-x", "name": "Z", "regionId": "limburg"}),
            "code",
        ),
        (
            json!({"code": "x".repeat(41), "name": "Z", "regionId": "limburg"}),
            "code",
        ),
        (
            json!({"code": "Z2", "name": "", "regionId": "limburg"}),
            "name",
        ),
        (
            json!({"code": "Z2", "name": "Z", "regionId": "atlantis"}),
            "regionId",
        ),
        (
            json!({"code": "Z2", "name": "Z", "regionId": "limburg", "municipalities": ["71016", "71016"]}),
            "municipalities",
        ),
        (
            json!({"code": "Z2", "name": "Z", "regionId": "limburg", "municipalities": ["99999"]}),
            "municipalities",
        ),
        (
            json!({"code": "Z2", "name": "Z", "regionId": "limburg", "municipalities": ["7101"]}),
            "municipalities",
        ),
        (
            json!({"code": "Z2", "name": "Z", "regionId": "limburg", "municipalities": hundred_and_one}),
            "municipalities",
        ),
        (
            json!({"id": Uuid::new_v4(), "code": "Z2", "name": "Z", "regionId": "limburg"}),
            "id",
        ),
    ] {
        let response = send(
            &app,
            Method::POST,
            "/api/v1/primaryCareZones",
            Some(&admin),
            None,
            Some(&bad),
        )
        .await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
        assert_eq!(issue_names(&problem), [field], "{bad}");
    }
    let response = send(
        &app,
        Method::POST,
        "/api/v1/primaryCareZones",
        Some(&admin),
        None,
        Some(&json!({"code": "ELZ-Genk", "name": "Twice", "regionId": "limburg"})),
    )
    .await;
    assert_problem(response, StatusCode::CONFLICT, "conflict").await;

    let path = location.as_str();
    let change = json!({"name": "ELZ Genk", "municipalities": ["71034", "71016"]});
    let response = send(&app, Method::PATCH, path, Some(&admin), None, Some(&change)).await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition-required",
    )
    .await;
    let response = send(
        &app,
        Method::PATCH,
        path,
        Some(&admin),
        Some("\"3\""),
        Some(&change),
    )
    .await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "precondition-failed",
    )
    .await;
    let response = send(
        &app,
        Method::PATCH,
        path,
        Some(&admin),
        Some("\"1\""),
        Some(&json!({"municipalities": ["12345"]})),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    assert_eq!(problem["issues"][0]["value"], "12345");
    let response = send(
        &app,
        Method::PATCH,
        path,
        Some(&admin),
        Some("\"1\""),
        Some(&change),
    )
    .await;
    assert_eq!(response.headers()["etag"], "\"2\"");
    let changed = json_of(response, StatusCode::OK).await;
    assert_eq!(changed["name"], "ELZ Genk");
    assert_eq!(changed["code"], "ELZ-Genk");
    assert_eq!(changed["municipalities"], json!(["71016", "71034"]));
    let by_municipality = app
        .get_json("/api/v1/primaryCareZones?municipality=71022", &admin)
        .await;
    assert_eq!(by_municipality["total"], 0);

    let history = app.get_json(&format!("{path}/history"), &admin).await;
    assert_eq!(
        history["items"][0]["changes"]["municipalities"],
        json!({"before": ["71016", "71022"], "after": ["71016", "71034"]})
    );

    let response = send(&app, Method::DELETE, path, Some(&admin), None, None).await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition-required",
    )
    .await;
    let response = send(
        &app,
        Method::DELETE,
        path,
        Some(&admin),
        Some("\"1\""),
        None,
    )
    .await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "precondition-failed",
    )
    .await;
    let response = send(
        &app,
        Method::DELETE,
        path,
        Some(&admin),
        Some("\"2\""),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = send(&app, Method::GET, path, None, None, None).await;
    assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
    // Its municipalities are free again.
    let response = send(
        &app,
        Method::DELETE,
        "/api/v1/municipalities/71034",
        Some(&admin),
        Some("\"1\""),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn a_primary_care_zone_in_use_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let zone = create_zone(
        &app,
        &admin,
        &json!({"code": "ELZ-Genk", "name": "Eerstelijnszone Genk", "regionId": "limburg"}),
    )
    .await;
    let zone_id: Uuid = zone["id"].as_str().unwrap().parse().unwrap();
    let organisation = app.create_organisation("limburg").await;
    insert_initiative(&app, organisation, Some(zone_id)).await;
    let path = zone["self"].as_str().unwrap();
    let response = send(
        &app,
        Method::DELETE,
        path,
        Some(&admin),
        Some("\"1\""),
        None,
    )
    .await;
    let problem = assert_problem(response, StatusCode::CONFLICT, "conflict").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("1 initiatives"),
        "{problem}"
    );
    let response = send(&app, Method::GET, path, None, None, None).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn reference_data_writes_are_audited() {
    let app = TestApp::spawn().await;
    let (admin_user, admin) = app.token_for(Role::Admin).await;
    create_municipality(&app, &admin, &municipality("71016", "Genk", "limburg")).await;
    let response = send(
        &app,
        Method::PATCH,
        "/api/v1/municipalities/71016",
        Some(&admin),
        Some("\"1\""),
        Some(&json!({"validTo": "2030-12-31"})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = send(
        &app,
        Method::DELETE,
        "/api/v1/municipalities/71016",
        Some(&admin),
        Some("\"2\""),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let zone = create_zone(
        &app,
        &admin,
        &json!({"code": "Z1", "name": "Zone", "regionId": "limburg"}),
    )
    .await;

    let audit = app
        .get_json("/api/v1/audit?resource=municipality", &admin)
        .await;
    let items = audit["items"].as_array().unwrap();
    let operations: Vec<&str> = items
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(operations, ["delete", "update", "create"]);
    for entry in items {
        assert_eq!(entry["resource"], "municipality");
        assert_eq!(entry["resourceId"], "71016");
        assert_eq!(entry["actorId"], admin_user.id.to_string());
    }
    assert_eq!(
        items[1]["changes"],
        json!({"validTo": {"before": null, "after": "2030-12-31"}})
    );
    assert_eq!(items[2]["changes"]["name"], json!({"after": "Genk"}));
    assert_eq!(items[0]["changes"]["name"], json!({"before": "Genk"}));

    let zones = app
        .get_json("/api/v1/audit?resource=primaryCareZone", &admin)
        .await;
    assert_eq!(zones["total"], 1);
    assert_eq!(zones["items"][0]["resourceId"], zone["id"]);

    let (_, steering) = app.token_for(Role::Steering).await;
    let response = app
        .get("/api/v1/audit?resource=municipality")
        .bearer_auth(&steering)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, reader) = app.token_for(Role::Reader).await;
    let response = app
        .get("/api/v1/audit?resource=municipality")
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
}

#[actix_web::test]
async fn a_municipality_moves_region_only_while_the_initiatives_naming_it_still_hold_it() {
    let w = crate::fixtures::World::new().await;
    let (app, admin) = (&w.app, w.admin.as_str());
    create_municipality(app, admin, &municipality("71901", "Grensdorp", "limburg")).await;
    create_municipality(app, admin, &municipality("71902", "Tweedorp", "limburg")).await;
    let initiative = |code: &str, regions: Value, nis: &str| {
        json!({"actionId": w.action_id, "code": code, "title": "Buurtwerk",
               "leadOrganisationId": w.org_limburg, "regions": regions, "municipalities": [nis]})
    };
    app.create(
        "/api/v1/initiatives",
        admin,
        initiative("MV-1", json!(["limburg"]), "71901"),
    )
    .await;
    // Flanders-wide work holds every municipality, wherever it lies.
    app.create(
        "/api/v1/initiatives",
        admin,
        initiative("MV-2", json!(["vlaanderen"]), "71902"),
    )
    .await;

    let moved = json!({"regionId": "antwerpen"});
    let response = send(
        app,
        Method::PATCH,
        "/api/v1/municipalities/71901",
        Some(admin),
        Some("\"1\""),
        Some(&moved),
    )
    .await;
    let problem = json_of(response, StatusCode::CONFLICT).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("MV-1") && detail.contains("antwerpen"),
        "{detail}"
    );
    let kept = app.get_json("/api/v1/municipalities/71901", admin).await;
    assert_eq!(
        (kept["regionId"].as_str(), kept["version"].as_i64()),
        (Some("limburg"), Some(1))
    );

    // The same move in an import: nothing of the import is written.
    let import = json!([
        municipality("71903", "Nieuwdorp", "limburg"),
        municipality("71901", "Grensdorp", "antwerpen"),
    ]);
    let response = send(
        app,
        Method::POST,
        "/api/v1/municipalities/import",
        Some(admin),
        None,
        Some(&import),
    )
    .await;
    let problem = json_of(response, StatusCode::CONFLICT).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("[1]") && detail.contains("MV-1"),
        "{detail}"
    );
    let response = send(
        app,
        Method::GET,
        "/api/v1/municipalities/71903",
        Some(admin),
        None,
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // A municipality named only by Flanders-wide work moves freely.
    let response = send(
        app,
        Method::PATCH,
        "/api/v1/municipalities/71902",
        Some(admin),
        Some("\"1\""),
        Some(&moved),
    )
    .await;
    assert_eq!(
        json_of(response, StatusCode::OK).await["regionId"],
        "antwerpen"
    );
}

/// An initiative write and a municipality's move cannot pass each other: while
/// a move is uncommitted, a write naming the municipality waits for it and
/// then judges by the new region.
#[actix_web::test]
async fn an_initiative_write_waits_for_a_move_in_progress_and_sees_its_outcome() {
    let w = crate::fixtures::World::new().await;
    let (app, admin) = (&w.app, w.admin.clone());
    create_municipality(app, &admin, &municipality("71905", "Wachtdorp", "limburg")).await;
    // A move held open in a transaction of its own.
    let mut mover = storage::connection(&app.pool).await.unwrap();
    for sql in [
        "BEGIN",
        "SELECT 1 FROM municipalities WHERE nis_code = '71905' FOR UPDATE",
        "UPDATE municipalities SET region_id = 'antwerpen' WHERE nis_code = '71905'",
    ] {
        diesel::sql_query(sql).execute(&mut mover).await.unwrap();
    }
    let body = json!({"actionId": w.action_id, "code": "WT-1", "title": "Wachten",
                      "leadOrganisationId": w.org_limburg, "regions": ["limburg"],
                      "municipalities": ["71905"]});
    let create = {
        let request = app
            .request(Method::POST, "/api/v1/initiatives")
            .bearer_auth(&admin)
            .json(&body)
            .send();
        actix_web::rt::spawn(request)
    };
    // The write is seen waiting for the move's lock before the move commits.
    let mut watcher = storage::connection(&app.pool).await.unwrap();
    let mut waited = false;
    for _ in 0..500 {
        let waiting: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT count(*) FROM pg_stat_activity \
              WHERE datname = current_database() AND wait_event_type = 'Lock')",
        ))
        .get_result(&mut watcher)
        .await
        .unwrap();
        if waiting > 0 {
            waited = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(waited, "the initiative write did not wait for the move");
    assert!(!create.is_finished());
    diesel::sql_query("COMMIT")
        .execute(&mut mover)
        .await
        .unwrap();
    let response = create.await.unwrap().unwrap();
    let problem = json_of(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(
        problem["issues"][0]["detail"], "lies outside the initiative's regions",
        "{problem}"
    );
}
