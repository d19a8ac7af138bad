//! Measurements: one current value per indicator, period and place;
//! corrections that keep every earlier value; missing is not zero.

use chrono::Datelike;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{Answer, World};
use crate::indicators::{indicator, on};

/// Genk (Limburg) and Antwerpen (Antwerpen) as known municipalities.
async fn municipalities(w: &World) {
    for (nis, name, region) in [
        ("71016", "Genk", "limburg"),
        ("11002", "Antwerpen", "antwerpen"),
    ] {
        w.app
            .create(
                "/api/v1/municipalities",
                &w.admin,
                json!({"nisCode": nis, "name": name, "regionId": region, "validFrom": "1977-01-01"}),
            )
            .await;
    }
}

fn measurements_of(indicator: &Value) -> String {
    format!("{}/measurements", indicator["self"].as_str().unwrap())
}

async fn record(w: &World, token: &str, indicator: &Value, body: Value) -> Answer {
    w.app
        .call(
            Method::POST,
            &measurements_of(indicator),
            token,
            Some(&body),
            None,
        )
        .await
}

fn region(code: &str) -> Value {
    json!({"type": "region", "code": code})
}

fn municipality(code: &str) -> Value {
    json!({"type": "municipality", "code": code})
}

/// A World with the two municipalities and a quarterly count on a Limburg
/// initiative led by the Limburg organisation.
async fn setup() -> (World, Value) {
    let w = World::new().await;
    municipalities(&w).await;
    let initiative = w.initiative("M1", &["limburg"], None).await;
    let ind = indicator(&w, "bereik", on("initiative", &initiative), json!({})).await;
    (w, ind)
}

#[actix_web::test]
async fn a_second_measurement_for_the_same_period_and_place_is_a_409_naming_the_first() {
    let (w, ind) = setup().await;
    let body = json!({"period": "2023Q2", "place": municipality("71016"), "value": 12});
    let first = record(&w, &w.steering, &ind, body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["period"], "2023Q2");
    assert_eq!(first.body["periodStart"], "2023-04-01");
    assert_eq!(first.body["periodEnd"], "2023-06-30");
    assert_eq!(
        first.body["place"],
        json!({"type": "municipality", "code": "71016", "name": "Genk"})
    );
    assert_eq!(first.body["value"], 12.0);
    assert_eq!(first.body["reporter"]["kind"], "user");
    assert_eq!(first.location.as_deref(), first.body["self"].as_str());
    let id = first.body["id"].as_str().unwrap();
    // The same key given by dates is the same measurement.
    let again = record(
        &w,
        &w.steering,
        &ind,
        json!({"periodStart": "2023-04-01", "periodEnd": "2023-06-30", "place": municipality("71016"), "value": 13}),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let detail = again.body["detail"].as_str().unwrap();
    assert!(detail.contains(id), "{detail}");
    assert!(
        detail.contains(&format!("/api/v1/measurements/{id}")),
        "{detail}"
    );
    assert_eq!(
        again.body["existing"],
        json!(format!("/api/v1/measurements/{id}"))
    );
    // Another place or period is another measurement.
    let other = record(
        &w,
        &w.steering,
        &ind,
        json!({"period": "2023Q2", "place": region("limburg"), "value": 30}),
    )
    .await;
    assert_eq!(other.status, StatusCode::CREATED);
    // Read by id, each is what its creation answered, its place named.
    for created in [&first, &other] {
        let path = created.body["self"].as_str().unwrap();
        let read = w.app.call(Method::GET, path, &w.reader, None, None).await;
        assert_eq!(read.status, StatusCode::OK);
        assert_eq!(read.body, created.body);
    }
    assert_eq!(other.body["place"]["name"], "Limburg");
}

#[actix_web::test]
async fn a_correction_bumps_the_version_and_the_revisions_keep_the_first_value() {
    let (w, ind) = setup().await;
    let first = record(
        &w,
        &w.coordinator,
        &ind,
        json!({"period": "2024Q1", "place": region("limburg"), "value": 12, "note": "eerste telling"}),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let path = first.body["self"].as_str().unwrap().to_owned();
    let missing_version = w
        .app
        .call(
            Method::PATCH,
            &path,
            &w.steering,
            Some(&json!({"value": 15})),
            None,
        )
        .await;
    assert_eq!(missing_version.status, StatusCode::PRECONDITION_REQUIRED);
    let stale = w
        .app
        .call(
            Method::PATCH,
            &path,
            &w.steering,
            Some(&json!({"value": 15})),
            Some(7),
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let corrected = w
        .app
        .call(
            Method::PATCH,
            &path,
            &w.steering,
            Some(&json!({"value": 15, "note": "herteld"})),
            Some(1),
        )
        .await;
    assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.body);
    assert_eq!(corrected.body["value"], 15.0);
    assert_eq!(corrected.body["version"], 2);
    assert_eq!(corrected.etag.as_deref(), Some("\"2\""));
    assert_eq!(corrected.body["place"], first.body["place"]);
    assert_eq!(first.body["place"]["name"], "Limburg");
    // Key fields stay.
    for (field, value) in [("period", json!("2024Q2")), ("place", region("antwerpen"))] {
        let moved = w
            .app
            .call(
                Method::PATCH,
                &path,
                &w.steering,
                Some(&json!({ field: value })),
                Some(2),
            )
            .await;
        assert_eq!(moved.status, StatusCode::BAD_REQUEST);
        assert_eq!(moved.body["issues"][0]["name"], field);
    }
    let revisions = w
        .app
        .get_json(&format!("{path}/revisions"), &w.reader)
        .await;
    assert_eq!(revisions["total"], 2);
    let items = revisions["items"].as_array().unwrap();
    assert_eq!(
        (items[0]["version"].as_i64(), items[0]["value"].as_f64()),
        (Some(1), Some(12.0))
    );
    assert_eq!(items[0]["note"], "eerste telling");
    assert_eq!(
        (items[1]["version"].as_i64(), items[1]["value"].as_f64()),
        (Some(2), Some(15.0))
    );
    assert_eq!(items[1]["deleted"], false);
    let history = w
        .app
        .get_json(&format!("{path}/history"), &w.steering)
        .await;
    assert_eq!(history["total"], 2);
}

#[actix_web::test]
async fn a_removed_measurement_is_gone_but_its_revisions_stay_and_its_key_is_free() {
    let (w, ind) = setup().await;
    let body =
        json!({"period": "2024Q1", "place": region("limburg"), "value": 12, "externalId": "gbo-1"});
    let first = record(&w, &w.steering, &ind, body.clone()).await;
    let path = first.body["self"].as_str().unwrap().to_owned();
    let removed = w
        .app
        .call(Method::DELETE, &path, &w.steering, None, Some(1))
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let gone = w.app.call(Method::GET, &path, &w.reader, None, None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let revisions = w
        .app
        .get_json(&format!("{path}/revisions"), &w.reader)
        .await;
    assert_eq!(revisions["total"], 2);
    assert_eq!(revisions["items"][0]["value"], 12.0);
    assert_eq!(revisions["items"][1]["deleted"], true);
    // The key and the external id are free again.
    let second = record(&w, &w.steering, &ind, body).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    assert_ne!(second.body["id"], first.body["id"]);
    let listed = w.app.get_json(&measurements_of(&ind), &w.reader).await;
    assert_eq!(listed["total"], 1);
}

#[actix_web::test]
async fn a_place_that_did_not_report_has_no_measurement() {
    let (w, ind) = setup().await;
    for (period, value) in [("2023Q1", 4), ("2023Q2", 0)] {
        let answer = record(
            &w,
            &w.steering,
            &ind,
            json!({"period": period, "place": municipality("71016"), "value": value}),
        )
        .await;
        assert_eq!(answer.status, StatusCode::CREATED);
    }
    let base = measurements_of(&ind);
    let genk = w
        .app
        .get_json(&format!("{base}?place=71016"), &w.reader)
        .await;
    assert_eq!(genk["total"], 2);
    // Zero reported is a value; no report is no item.
    assert_eq!(genk["items"][1]["value"], 0.0);
    let region_itself = w
        .app
        .get_json(&format!("{base}?placeType=region"), &w.reader)
        .await;
    assert_eq!(region_itself["total"], 0);
    let q3 = w
        .app
        .get_json(&format!("{base}?periodFrom=2023Q3"), &w.reader)
        .await;
    assert_eq!(q3["total"], 0);
    let in_limburg = w
        .app
        .get_json(
            &format!("{base}?region=limburg&periodTo=2023-03-31&sort=-period"),
            &w.reader,
        )
        .await;
    assert_eq!(in_limburg["total"], 1);
    assert_eq!(in_limburg["items"][0]["period"], "2023Q1");
    let antwerpen = w
        .app
        .get_json(
            &format!(
                "/api/v1/measurements?region=antwerpen&indicator={}",
                ind["id"].as_str().unwrap()
            ),
            &w.reader,
        )
        .await;
    assert_eq!(antwerpen["total"], 0);
    let bad = w
        .app
        .call(
            Method::GET,
            &format!("{base}?periodFrom=2023Q5"),
            &w.reader,
            None,
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn wrong_values_periods_and_places_are_400s_naming_the_field() {
    let (w, count) = setup().await;
    let initiative = json!({"type": "plan", "id": w.plan_id});
    let share = indicator(
        &w,
        "aandeel",
        initiative.clone(),
        json!({"measure": "percentage"}),
    )
    .await;
    let yearly = indicator(&w, "jaarlijks", initiative, json!({"granularity": "year"})).await;
    let next_year = chrono::Utc::now().year() + 1;
    let cases = [
        (
            &share,
            json!({"period": "2023Q1", "place": region("limburg"), "numerator": 5, "denominator": 4}),
            "numerator",
        ),
        (
            &share,
            json!({"period": "2023Q1", "place": region("limburg"), "value": 50}),
            "value",
        ),
        (
            &count,
            json!({"period": "2023Q1", "place": region("limburg"), "value": 2.5}),
            "value",
        ),
        (
            &count,
            json!({"period": "2023Q1", "place": region("limburg"), "text": "veel"}),
            "text",
        ),
        (
            &yearly,
            json!({"period": "2023Q2", "place": region("limburg"), "value": 1}),
            "period",
        ),
        (
            &count,
            json!({"period": format!("{next_year}Q1"), "place": region("limburg"), "value": 1}),
            "period",
        ),
        (
            &count,
            json!({"periodStart": "2023-04-01", "periodEnd": "2023-06-29", "place": region("limburg"), "value": 1}),
            "periodStart",
        ),
        (
            &count,
            json!({"period": "2023Q1", "place": municipality("11002"), "value": 1}),
            "place",
        ),
        (
            &count,
            json!({"period": "2023Q1", "place": {"type": "flanders"}, "value": 1}),
            "place",
        ),
        (
            &count,
            json!({"period": "2023Q1", "place": municipality("99999"), "value": 1}),
            "place.code",
        ),
        (
            &count,
            json!({"period": "2023Q1", "place": region("vlaanderen"), "value": 1}),
            "place.code",
        ),
    ];
    for (ind, body, field) in cases {
        let answer = record(&w, &w.steering, ind, body.clone()).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            answer.body
        );
        assert_eq!(
            answer.body["issues"][0]["name"], field,
            "{body}: {}",
            answer.body
        );
    }
    let fine = record(
        &w,
        &w.steering,
        &share,
        json!({"period": "2023Q1", "place": {"type": "flanders"}, "numerator": 3, "denominator": 4}),
    )
    .await;
    assert_eq!(fine.status, StatusCode::CREATED, "{}", fine.body);
    assert_eq!(fine.body["place"]["name"], "Vlaanderen");
    assert!(fine.body["place"].get("code").is_none());
    let listed = w.app.get_json(&measurements_of(&count), &w.reader).await;
    assert_eq!(listed["total"], 0, "nothing was recorded");
}

#[actix_web::test]
async fn who_may_record_measurements() {
    let (w, ind) = setup().await;
    let antwerpen_work = w
        .initiative("M2", &["antwerpen"], Some(w.org_antwerpen))
        .await;
    let other = indicator(&w, "elders", on("initiative", &antwerpen_work), json!({})).await;
    let body = |period: &str, place: Value| json!({"period": period, "place": place, "value": 1});
    let cases = [
        // The coordinator of the place's region.
        (
            &w.coordinator,
            &ind,
            body("2022Q1", region("limburg")),
            StatusCode::CREATED,
        ),
        (
            &w.coordinator,
            &ind,
            body("2022Q1", municipality("71016")),
            StatusCode::CREATED,
        ),
        (
            &w.coordinator,
            &other,
            body("2022Q1", region("antwerpen")),
            StatusCode::FORBIDDEN,
        ),
        // The contributor of the initiative's lead.
        (
            &w.contributor,
            &ind,
            body("2022Q2", region("limburg")),
            StatusCode::CREATED,
        ),
        (
            &w.contributor,
            &other,
            body("2022Q2", region("antwerpen")),
            StatusCode::FORBIDDEN,
        ),
        (
            &w.reader,
            &ind,
            body("2022Q3", region("limburg")),
            StatusCode::FORBIDDEN,
        ),
        (
            &w.steering,
            &other,
            body("2022Q1", municipality("11002")),
            StatusCode::CREATED,
        ),
    ];
    for (i, (token, indicator, body, expected)) in cases.into_iter().enumerate() {
        let answer = record(&w, token, indicator, body).await;
        assert_eq!(answer.status, expected, "case {i}: {}", answer.body);
    }
    // Corrections follow the same rights.
    let recorded = w.app.get_json(&measurements_of(&other), &w.reader).await;
    let path = recorded["items"][0]["self"].as_str().unwrap().to_owned();
    for (token, expected) in [
        (&w.coordinator, StatusCode::FORBIDDEN),
        (&w.contributor, StatusCode::FORBIDDEN),
        (&w.steering, StatusCode::OK),
    ] {
        let answer = w
            .app
            .patch_current(&path, token, json!({"value": 99}))
            .await;
        assert_eq!(answer.status, expected, "{}", answer.body);
    }
}
