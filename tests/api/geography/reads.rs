//! Reading reference data, and who may write it.

use super::*;

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
