//! A municipality moving to another region, beside the initiatives that name it.

use super::*;

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
