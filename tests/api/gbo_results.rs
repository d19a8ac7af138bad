//! Results of GBO projects: who may set indicators on a project and record
//! its measurements, where those measurements may be for, what a project
//! with indicators keeps, and rights that follow a municipality that moves.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ssw_api::domain::Role;

use crate::fixtures::{Answer, World, id_of};
use crate::indicators::on;

const PROJECTS: &str = "/api/v1/gboProjects";
const INDICATORS: &str = "/api/v1/indicators";

/// Genk and Hasselt in Limburg, Antwerpen in Antwerpen.
pub async fn municipalities(w: &World) {
    for (nis, name, region) in [
        ("71016", "Genk", "limburg"),
        ("71022", "Hasselt", "limburg"),
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

/// A token for a coordinator of `region`.
async fn coordinator_of(w: &World, region: &str) -> String {
    let user = w
        .app
        .create_user(Role::Coordinator, Some(region), None)
        .await;
    w.app.login(&user).await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A token for a contributor of a new Limburg organisation that is no partner.
async fn stranger(w: &World) -> String {
    let org = w.app.create_organisation("limburg").await;
    let user = w.app.create_user(Role::Contributor, None, Some(org)).await;
    w.app.login(&user).await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A project over `municipalities` with the Limburg organisation (the
/// World's contributor) as its CAW partner.
async fn project(w: &World, name: &str, municipalities: &[&str]) -> Value {
    w.app
        .create(
            PROJECTS,
            &w.steering,
            json!({"name": name, "municipalities": municipalities,
                   "partners": [{"organisationId": w.org_limburg, "part": "caw"}]}),
        )
        .await
}

fn indicator_body(code: &str, project: &Value) -> Value {
    json!({"code": code, "name": format!("Indicator {code}"), "standard": "gbo.peopleReached",
           "subject": on("gboProject", project)})
}

async fn post_indicator(w: &World, token: &str, code: &str, project: &Value) -> Answer {
    w.app
        .call(
            Method::POST,
            INDICATORS,
            token,
            Some(&indicator_body(code, project)),
            None,
        )
        .await
}

async fn record(w: &World, token: &str, indicator: &Value, period: &str, place: Value) -> Answer {
    let path = format!("{}/measurements", indicator["self"].as_str().unwrap());
    w.app
        .call(
            Method::POST,
            &path,
            token,
            Some(&json!({"period": period, "place": place, "value": 7})),
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

#[actix_web::test]
async fn who_may_set_indicators_on_a_gbo_project_and_record_its_measurements() {
    let w = World::new().await;
    municipalities(&w).await;
    let genk = project(&w, "GBO Genk", &["71016"]).await;
    let antwerpen_coordinator = coordinator_of(&w, "antwerpen").await;
    let stranger = stranger(&w).await;

    // Indicators: the coordinator of the project's region, not another's; a
    // partner's contributor does not set them (contributors only for the
    // initiatives their organisation leads), nor a reader.
    for (token, code, expected) in [
        (&antwerpen_coordinator, "a", StatusCode::FORBIDDEN),
        (&w.contributor, "p", StatusCode::FORBIDDEN),
        (&stranger, "s", StatusCode::FORBIDDEN),
        (&w.reader, "r", StatusCode::FORBIDDEN),
        (&w.coordinator, "bereik", StatusCode::CREATED),
    ] {
        let answer = post_indicator(&w, token, code, &genk).await;
        assert_eq!(answer.status, expected, "{code}: {}", answer.body);
    }
    let listed = w
        .app
        .get_json(
            &format!("{INDICATORS}?gboProject={}", id_of(&genk)),
            &w.reader,
        )
        .await;
    assert_eq!(listed["total"], 1, "{listed}");
    let indicator = listed["items"][0].clone();
    assert_eq!(indicator["subject"]["type"], "gboProject");
    assert_eq!(indicator["granularity"], "quarter");
    let path = indicator["self"].as_str().unwrap().to_owned();

    // The same rights hold for changing and removing the indicator.
    for (token, expected) in [
        (&antwerpen_coordinator, StatusCode::FORBIDDEN),
        (&w.contributor, StatusCode::FORBIDDEN),
        (&w.coordinator, StatusCode::OK),
    ] {
        let answer = w
            .app
            .patch_current(&path, token, json!({"name": "Bereikte personen"}))
            .await;
        assert_eq!(answer.status, expected, "{}", answer.body);
    }

    // Measurements: the partner's contributor records them, for any place of
    // the project; a contributor of another organisation does not.
    let answer = record(
        &w,
        &w.contributor,
        &indicator,
        "2023Q1",
        municipality("71016"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.body["reporter"]["kind"], "user");
    let measurement = answer.body["self"].as_str().unwrap().to_owned();
    let answer = record(&w, &w.contributor, &indicator, "2023Q1", region("limburg")).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let answer = record(&w, &stranger, &indicator, "2023Q2", municipality("71016")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    // The coordinator of the place's region records; another region's does not.
    let answer = record(
        &w,
        &w.coordinator,
        &indicator,
        "2023Q2",
        municipality("71016"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let answer = record(
        &w,
        &antwerpen_coordinator,
        &indicator,
        "2023Q3",
        municipality("71016"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    // Corrections: the partner corrects, the stranger does not.
    let answer = w
        .app
        .patch_current(&measurement, &w.contributor, json!({"value": 8}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["value"], 8.0);
    let answer = w
        .app
        .patch_current(&measurement, &stranger, json!({"value": 9}))
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    let answer = w.app.delete_current(&measurement, &stranger).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    let across = w
        .app
        .get_json(
            &format!("/api/v1/measurements?gboProject={}", id_of(&genk)),
            &w.reader,
        )
        .await;
    assert_eq!(across["total"], 3, "{across}");
}

#[actix_web::test]
async fn a_gbo_project_reports_for_its_municipalities_and_their_regions_only() {
    let w = World::new().await;
    municipalities(&w).await;
    let genk = project(&w, "GBO Genk", &["71016"]).await;
    let answer = post_indicator(&w, &w.steering, "bereik", &genk).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let indicator = answer.body;
    for (place, expected) in [
        (municipality("71016"), None),
        (region("limburg"), None),
        // Hasselt lies in Limburg but is not the project's.
        (municipality("71022"), Some("place")),
        (municipality("11002"), Some("place")),
        (region("antwerpen"), Some("place")),
        (json!({"type": "flanders"}), Some("place")),
        (
            json!({"type": "flanders", "code": "vlaanderen"}),
            Some("place.code"),
        ),
        (region("vlaanderen"), Some("place.code")),
        (municipality("7101"), Some("place.code")),
        (
            json!({"type": "province", "code": "limburg"}),
            Some("place.type"),
        ),
    ] {
        for token in [&w.steering, &w.contributor] {
            let answer = record(&w, token, &indicator, "2023Q4", place.clone()).await;
            match expected {
                None => {
                    assert_eq!(
                        answer.status,
                        StatusCode::CREATED,
                        "{place}: {}",
                        answer.body
                    );
                    break;
                }
                Some(field) => {
                    assert_eq!(
                        answer.status,
                        StatusCode::BAD_REQUEST,
                        "{place}: {}",
                        answer.body
                    );
                    assert_eq!(answer.body["issues"][0]["name"], field, "{}", answer.body);
                }
            }
        }
    }
    let listed = w
        .app
        .get_json(
            &format!("{}/measurements", indicator["self"].as_str().unwrap()),
            &w.reader,
        )
        .await;
    assert_eq!(listed["total"], 2, "{listed}");
}

#[actix_web::test]
async fn a_gbo_project_with_an_indicator_cannot_be_deleted() {
    let w = World::new().await;
    municipalities(&w).await;
    let genk = project(&w, "GBO Genk", &["71016"]).await;
    let path = format!("{PROJECTS}/{}", id_of(&genk));
    let indicator = post_indicator(&w, &w.coordinator, "bereik", &genk)
        .await
        .body;
    let refused = w.app.delete_current(&path, &w.steering).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("1 indicators (bereik)"),
        "{}",
        refused.body
    );
    assert_eq!(w.app.get_json(&path, &w.reader).await["version"], 1);
    // Once the indicator is gone, so may the project be.
    let gone = w
        .app
        .delete_current(indicator["self"].as_str().unwrap(), &w.coordinator)
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.body);
    let gone = w.app.delete_current(&path, &w.coordinator).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.body);
}

#[actix_web::test]
async fn rights_on_results_follow_a_municipality_that_moves_region() {
    let w = World::new().await;
    municipalities(&w).await;
    let antwerpen_coordinator = coordinator_of(&w, "antwerpen").await;
    let city = project(&w, "GBO Antwerpen", &["11002"]).await;
    let path = format!("{PROJECTS}/{}", id_of(&city));
    let indicator = post_indicator(&w, &antwerpen_coordinator, "bereik", &city)
        .await
        .body;
    assert_eq!(indicator["subject"]["type"], "gboProject", "{indicator}");
    let refused = post_indicator(&w, &w.coordinator, "limburg", &city).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let answer = record(
        &w,
        &w.coordinator,
        &indicator,
        "2023Q1",
        municipality("11002"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    let answer = record(
        &w,
        &antwerpen_coordinator,
        &indicator,
        "2023Q1",
        municipality("11002"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let measurement = answer.body["self"].as_str().unwrap().to_owned();

    // An administrator moves the municipality to Limburg.
    let moved = w
        .app
        .patch_current(
            "/api/v1/municipalities/11002",
            &w.admin,
            json!({"regionId": "limburg"}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(
        w.app.get_json(&path, &w.reader).await["regions"],
        json!(["limburg"])
    );

    // Now the Limburg coordinator writes the project's results, and the
    // Antwerpen coordinator no longer does.
    let answer = post_indicator(&w, &w.coordinator, "limburg", &city).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let answer = post_indicator(&w, &antwerpen_coordinator, "antwerpen", &city).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    let answer = w
        .app
        .patch_current(
            indicator["self"].as_str().unwrap(),
            &antwerpen_coordinator,
            json!({"name": "Nee"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    let answer = record(
        &w,
        &w.coordinator,
        &indicator,
        "2023Q2",
        municipality("11002"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let answer = record(
        &w,
        &antwerpen_coordinator,
        &indicator,
        "2023Q3",
        municipality("11002"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    // The earlier measurement is corrected by the place's coordinator of today.
    let answer = w
        .app
        .patch_current(&measurement, &antwerpen_coordinator, json!({"value": 1}))
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    let answer = w
        .app
        .patch_current(&measurement, &w.coordinator, json!({"value": 1}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    // The project's places moved too: its region is Limburg, not Antwerpen.
    let answer = record(&w, &w.steering, &indicator, "2023Q4", region("antwerpen")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    assert_eq!(answer.body["issues"][0]["name"], "place");
    let answer = record(&w, &w.steering, &indicator, "2023Q4", region("limburg")).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    // And the project itself is the Limburg coordinator's now.
    let answer = w
        .app
        .patch_current(
            &path,
            &w.coordinator,
            json!({"name": "GBO Antwerpen (Limburg)"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let answer = w
        .app
        .patch_current(&path, &antwerpen_coordinator, json!({"name": "Nee"}))
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
}
