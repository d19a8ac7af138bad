//! Conferences: the two reference conferences, read by anyone, kept by
//! steering and administrators.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::{World, id_of};

const CONFERENCES: &str = "/api/v1/conferences";

#[actix_web::test]
async fn anyone_reads_the_two_reference_conferences() {
    let w = World::new().await;
    let answer = w.app.call(Method::GET, CONFERENCES, "", None, None).await;
    assert_eq!(answer.status, StatusCode::OK);
    let items = answer.body["items"].as_array().unwrap();
    assert_eq!(answer.body["total"], 2);
    assert_eq!(items[0]["year"], 2018);
    assert_eq!(items[0]["date"], "2018-05-24");
    assert_eq!(items[0]["title"], "Sociaalwerkconferentie 2018");
    assert_eq!(items[1]["year"], 2022);
    assert!(items[1].get("date").is_none(), "{}", items[1]);
    let one = w
        .app
        .call(
            Method::GET,
            items[1]["self"].as_str().unwrap(),
            "",
            None,
            None,
        )
        .await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.etag.as_deref(), Some("\"1\""));
    let newest = w
        .app
        .get_json(&format!("{CONFERENCES}?sort=-year"), &w.reader)
        .await;
    assert_eq!(newest["items"][0]["year"], 2022);
    let of_2018 = w
        .app
        .get_json(&format!("{CONFERENCES}?year=2018"), &w.reader)
        .await;
    assert_eq!(of_2018["total"], 1);

    // Anonymous and other roles do not write.
    let body = json!({"year": 2026, "title": "Sociaalwerkconferentie 2026"});
    let answer = w
        .app
        .call(Method::POST, CONFERENCES, "", Some(&body), None)
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    for token in [&w.reader, &w.contributor, &w.coordinator] {
        let answer = w
            .app
            .call(Method::POST, CONFERENCES, token, Some(&body), None)
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
    }
}

#[actix_web::test]
async fn steering_records_the_day_and_the_rules_hold() {
    let w = World::new().await;
    let page = w.app.get_json(CONFERENCES, &w.reader).await;
    let second = page["items"][1].clone();
    let path = format!("{CONFERENCES}/{}", id_of(&second));

    // The 2022 conference gets its day; a day in another year is refused.
    let answer = w
        .app
        .patch_current(&path, &w.admin, json!({"date": "2021-10-14"}))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.body["issues"][0]["name"], "date");
    let answer = w
        .app
        .patch_current(
            &path,
            &w.admin,
            json!({"date": "2022-10-14", "place": "Brussel"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["date"], "2022-10-14");
    assert_eq!(answer.body["version"], 2);

    // One conference per day; years stay within 2000-2100.
    let answer = w
        .app
        .call(
            Method::POST,
            CONFERENCES,
            &w.steering,
            Some(&json!({"year": 2018, "date": "2018-05-24", "title": "Dubbel"})),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    for (body, field) in [
        (json!({"year": 1999, "title": "Te vroeg"}), "year"),
        (
            json!({"year": 2026, "date": "2025-01-01", "title": "Verkeerd jaar"}),
            "date",
        ),
        (json!({"year": 2026, "title": ""}), "title"),
        (
            json!({"year": 2026, "title": "x", "notes": "x".repeat(10_001)}),
            "notes",
        ),
        (json!({"year": 2026, "title": "x", "version": 3}), "version"),
    ] {
        let answer = w
            .app
            .call(Method::POST, CONFERENCES, &w.steering, Some(&body), None)
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer.body["issues"][0]["name"], field, "{}", answer.body);
    }

    // Steering records a new one, changes and deletes it with If-Match.
    let created = w
        .app
        .create(
            CONFERENCES,
            &w.steering,
            json!({"year": 2026, "title": "Sociaalwerkconferentie 2026"}),
        )
        .await;
    assert_eq!(created["notes"], "");
    let new_path = format!("{CONFERENCES}/{}", id_of(&created));
    let answer = w
        .app
        .call(
            Method::PATCH,
            &new_path,
            &w.steering,
            Some(&json!({"title": "x"})),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_REQUIRED);
    let answer = w
        .app
        .call(Method::DELETE, &new_path, &w.steering, None, Some(5))
        .await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    let answer = w.app.delete_current(&new_path, &w.steering).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    let history = w
        .app
        .get_json(&format!("{new_path}/history"), &w.steering)
        .await;
    assert_eq!(history["total"], 2);
    assert_eq!(history["items"][1]["resource"], "conference");
    let answer = w
        .app
        .call(Method::GET, &format!("{path}/history"), "", None, None)
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}
