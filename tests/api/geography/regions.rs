//! Regions: created, changed and deleted by administrators; not deleted while in use.

use super::*;

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
