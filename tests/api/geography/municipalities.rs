//! Municipalities: written one at a time or imported, validated, not deleted while in use.

use super::*;

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
