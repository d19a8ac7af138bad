//! Practices in the change feed: each reader is given the practices they may
//! see, a draft only to those who see drafts, and a practice taken back to
//! draft as a removal to those who then no longer see it.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::World;

/// The practice changes `token` is given, following the feed from the start
/// until `done` holds (another test's open transaction holds the feed back
/// a moment), as (id, operation, has self link).
async fn given(
    w: &World,
    token: &str,
    done: impl Fn(&[(String, String, bool)]) -> bool,
) -> Vec<(String, String, bool)> {
    let mut seen = Vec::new();
    let mut next = String::new();
    for _ in 0..200 {
        let after = if next.is_empty() {
            String::new()
        } else {
            format!("&after={next}")
        };
        let page = w
            .app
            .get_json(
                &format!("/api/v1/changes?resource=practice&limit=50{after}"),
                token,
            )
            .await;
        for item in page["items"].as_array().unwrap() {
            seen.push((
                item["id"].as_str().unwrap().to_owned(),
                item["operation"].as_str().unwrap().to_owned(),
                item.get("self").is_some(),
            ));
        }
        next = page["next"].as_str().unwrap().to_owned();
        if page["more"] == false && done(&seen) {
            break;
        }
        if page["more"] == false {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    seen
}

async fn send(
    w: &World,
    method: Method,
    path: &str,
    token: &str,
    body: Option<(&Value, i64)>,
) -> Value {
    let mut req = w.app.request(method.clone(), path).bearer_auth(token);
    if let Some((body, version)) = body {
        req = if method == Method::POST {
            req.json(body)
        } else {
            req.header("if-match", format!("\"{version}\""))
                .header("content-type", "application/merge-patch+json")
                .body(body.to_string())
        };
    } else if method == Method::DELETE {
        req = req.header("if-match", "\"1\"");
    }
    let res = req.send().await.unwrap();
    assert!(
        res.status().is_success(),
        "{method} {path}: {}",
        res.status()
    );
    if res.status() == StatusCode::NO_CONTENT {
        return Value::Null;
    }
    res.json().await.unwrap()
}

#[actix_web::test]
async fn readers_follow_the_practices_they_may_see_and_drafts_stay_with_those_who_see_them() {
    let w = World::new().await;
    let published = send(
        &w,
        Method::POST,
        "/api/v1/practices",
        &w.steering,
        Some((
            &json!({"title": "Armoedebestrijding op lokaal niveau", "regionId": "limburg",
                       "status": "published"}),
            0,
        )),
    )
    .await;
    let draft = send(
        &w,
        Method::POST,
        "/api/v1/practices",
        &w.coordinator,
        Some((&json!({"title": "Een ontwerp voor Limburg"}), 0)),
    )
    .await;
    let id = |p: &Value| p["id"].as_str().unwrap().to_owned();
    let (a, d) = (id(&published), id(&draft));
    let has = |seen: &[(String, String, bool)], who: &str, op: &str| {
        seen.iter().any(|(i, o, _)| i == who && o == op)
    };
    // The reader is given the published practice only; steering and the
    // region's coordinator the draft as well.
    let reader = given(&w, &w.reader, |s| has(s, &a, "create")).await;
    assert!(!reader.iter().any(|(i, _, _)| *i == d), "{reader:?}");
    for token in [&w.steering, &w.coordinator] {
        let seen = given(&w, token, |s| has(s, &a, "create") && has(s, &d, "create")).await;
        assert!(has(&seen, &d, "create"), "{seen:?}");
    }
    // Taken back to draft: a removal for the reader, an update for steering.
    send(
        &w,
        Method::PATCH,
        published["self"].as_str().unwrap(),
        &w.steering,
        Some((
            &json!({"status": "draft"}),
            published["version"].as_i64().unwrap(),
        )),
    )
    .await;
    let reader = given(&w, &w.reader, |s| has(s, &a, "delete")).await;
    assert!(
        reader
            .iter()
            .any(|(i, o, link)| *i == a && o == "delete" && !link),
        "{reader:?}"
    );
    let steering = given(&w, &w.steering, |s| has(s, &a, "update")).await;
    assert!(!has(&steering, &a, "delete"), "{steering:?}");
    // A draft removed: nothing for the reader, a tombstone for steering.
    send(
        &w,
        Method::DELETE,
        draft["self"].as_str().unwrap(),
        &w.steering,
        None,
    )
    .await;
    let steering = given(&w, &w.steering, |s| has(s, &d, "delete")).await;
    assert!(has(&steering, &d, "delete"));
    // Read from the start now, the reader is given the removal only: the
    // earlier entries are of a practice out of the reader's sight now.
    let reader = given(&w, &w.reader, |s| has(s, &a, "delete")).await;
    assert_eq!(reader, [(a.clone(), "delete".to_owned(), false)]);
}
