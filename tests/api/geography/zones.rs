//! Primary care zones, and the audit entries of reference data writes.

use super::*;

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
