//! Good practices: drafts seen only by their authors, their region's
//! coordinator and steering; publishing by the region's coordinator and
//! steering; Markdown served as safe HTML; the rules of a practice.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ssw_api::domain::Role;

use crate::fixtures::World;
use crate::helpers::assert_problem;

async fn call(
    w: &World,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = w.app.request(method, path).bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let body = res.json().await.unwrap_or(Value::Null);
    (status, body)
}

async fn change(w: &World, practice: &Value, token: &str, patch: Value) -> (StatusCode, Value) {
    let res = w
        .app
        .request(Method::PATCH, practice["self"].as_str().unwrap())
        .bearer_auth(token)
        .header("if-match", format!("\"{}\"", practice["version"]))
        .header("content-type", "application/merge-patch+json")
        .body(patch.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn titles(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect()
}

const BODY: &str = "## Aanpak\n\nDe **wijkwerking** <script>alert(1)</script> werkt samen met [het OCMW](https://example.org/ocmw) en [niet dit](javascript:alert(1)).\n\n<img src=x onerror=alert(1)>";

#[actix_web::test]
async fn a_draft_is_seen_by_its_author_its_coordinator_and_steering_only_until_published() {
    let w = World::new().await;
    let (status, draft) = call(
        &w,
        Method::POST,
        "/api/v1/practices",
        &w.contributor,
        Some(
            json!({"title": "Armoedebestrijding op lokaal niveau", "summary": "Samen met het OCMW.",
                    "body": BODY, "regionId": "limburg", "themes": ["poverty"],
                    "tags": [" Armoede", "armoede", "Wijkwerking"]}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["status"], "draft");
    assert_eq!(
        draft["organisationId"],
        w.org_limburg.to_string(),
        "a contributor's own"
    );
    assert_eq!(draft["tags"], json!(["armoede", "wijkwerking"]));
    assert!(draft.get("publishedOn").is_none());
    let html = draft["bodyHtml"].as_str().unwrap();
    assert!(html.contains("<strong>wijkwerking</strong>"), "{html}");
    assert!(
        html.contains("rel=\"nofollow noopener noreferrer\""),
        "{html}"
    );
    for bad in ["<script", "onerror", "javascript:", "<img"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert_eq!(draft["body"], BODY, "the Markdown is kept as sent");

    let path = draft["self"].as_str().unwrap();
    for (token, seen) in [
        (&w.contributor, true),
        (&w.coordinator, true),
        (&w.steering, true),
        (&w.reader, false),
    ] {
        let (status, _) = call(&w, Method::GET, path, token, None).await;
        assert_eq!(status == StatusCode::OK, seen, "{status}");
        let (_, page) = call(&w, Method::GET, "/api/v1/practices", token, None).await;
        assert_eq!(titles(&page).len() == 1, seen, "{page}");
    }
    let other = w
        .app
        .create_user(Role::Coordinator, Some("antwerpen"), None)
        .await;
    let other = w.app.login(&other).await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = call(&w, Method::GET, path, &other, None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another region's coordinator"
    );

    // Only the region's coordinator (or steering) publishes.
    let (status, problem) =
        change(&w, &draft, &w.contributor, json!({"status": "published"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["issues"][0]["name"], "status");
    let (status, published) =
        change(&w, &draft, &w.coordinator, json!({"status": "published"})).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(
        published["publishedOn"],
        ssw_api::domain::results::today().to_string(),
        "today in Brussels"
    );
    let (status, _) = call(&w, Method::GET, path, &w.reader, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(published["authorIds"].as_array().unwrap().len(), 2);

    // Archived practices leave the default list, not the archive.
    let (status, archived) =
        change(&w, &published, &w.steering, json!({"status": "archived"})).await;
    assert_eq!(status, StatusCode::OK, "{archived}");
    let (_, page) = call(&w, Method::GET, "/api/v1/practices", &w.reader, None).await;
    assert!(titles(&page).is_empty());
    let (_, page) = call(
        &w,
        Method::GET,
        "/api/v1/practices?status=archived",
        &w.reader,
        None,
    )
    .await;
    assert_eq!(titles(&page), ["Armoedebestrijding op lokaal niveau"]);
    let (status, problem) = change(&w, &archived, &w.steering, json!({"status": "draft"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let (status, problem) = change(&w, &draft, &w.steering, json!({"title": "Oud"})).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{problem}");
}

#[actix_web::test]
async fn writers_keep_practices_in_their_own_region_and_organisation() {
    let w = World::new().await;
    let (status, mine) = call(
        &w,
        Method::POST,
        "/api/v1/practices",
        &w.coordinator,
        Some(json!({"title": "Jongeren in Genk"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{mine}");
    assert_eq!(mine["regionId"], "limburg", "a coordinator's own region");
    let (status, problem) =
        change(&w, &mine, &w.coordinator, json!({"regionId": "antwerpen"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["issues"][0]["name"], "regionId");
    let (status, _) = call(
        &w,
        Method::POST,
        "/api/v1/practices",
        &w.coordinator,
        Some(json!({"title": "Elders", "regionId": "antwerpen"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &w,
        Method::POST,
        "/api/v1/practices",
        &w.reader,
        Some(json!({"title": "Lezer"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn a_practice_names_only_what_exists_and_meets_its_rules() {
    let w = World::new().await;
    let nobody = uuid::Uuid::new_v4();
    let res = w
        .app
        .post_json(
            "/api/v1/practices",
            &json!({"title": "Regels", "challengeIds": [nobody], "regions": ["atlantis"],
                    "evidence": {"level": "effective", "assessedOn": "2999-01-01"},
                    "publishedOn": "2025-06-01", "reviewDue": "2025-01-01",
                    "tags": ["x".repeat(41)]}),
        )
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, StatusCode::BAD_REQUEST, "validation").await;
    let names: Vec<&str> = problem["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    for name in ["evidence.assessedOn", "reviewDue", "tags"] {
        assert!(names.contains(&name), "{name}: {problem}");
    }
    let res = w
        .app
        .post_json(
            "/api/v1/practices",
            &json!({"title": "Regels", "challengeIds": [nobody], "regions": ["atlantis"]}),
        )
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(res, StatusCode::BAD_REQUEST, "validation").await;
    assert_eq!(problem["issues"].as_array().unwrap().len(), 2, "{problem}");

    let (status, practice) = call(
        &w,
        Method::POST,
        "/api/v1/practices",
        &w.steering,
        Some(
            json!({"title": "Gekoppeld", "challengeIds": [w.challenge_ids[0]],
                    "regions": ["limburg"], "initiativeIds": [], "themes": ["youth"],
                    "evidence": {"level": "indicationsOfEffect", "assessedBy": "Movisie"}}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{practice}");
    let challenge = w.challenge_ids[0];
    for query in [
        format!("challenge={challenge}"),
        "region=limburg".into(),
        "theme=youth".into(),
        "evidenceLevel=indicationsOfEffect".into(),
    ] {
        let (_, page) = call(
            &w,
            Method::GET,
            &format!("/api/v1/practices?{query}"),
            &w.steering,
            None,
        )
        .await;
        assert_eq!(titles(&page), ["Gekoppeld"], "{query}");
    }
    let (_, page) = call(
        &w,
        Method::GET,
        "/api/v1/practices?theme=debt",
        &w.steering,
        None,
    )
    .await;
    assert!(titles(&page).is_empty());
}

#[actix_web::test]
async fn the_seed_adds_example_practices_in_dutch_in_every_state_once() {
    let app = crate::helpers::TestApp::spawn().await;
    let first = crate::cli::stdout(&crate::cli::run(&app, &["seed"]));
    assert!(
        first.contains("Practices: 6 example good practices added."),
        "{first}"
    );
    let again = crate::cli::stdout(&crate::cli::run(&app, &["seed"]));
    assert!(
        again.contains("Practices: 0 example good practices added."),
        "{again}"
    );
    let (_, reader) = app.token_for(Role::Reader).await;
    let (_, steering) = app.token_for(Role::Steering).await;
    let published = app.get_json("/api/v1/practices", &reader).await;
    assert_eq!(published["total"], 4, "{published}");
    for item in published["items"].as_array().unwrap() {
        assert!(item["title"].as_str().unwrap().starts_with("Voorbeeld: "));
        assert_eq!(item["example"], true);
        assert_eq!(item["status"], "published");
    }
    let draft = app
        .get_json("/api/v1/practices?status=draft", &steering)
        .await;
    assert_eq!(draft["total"], 1);
    let archived = app
        .get_json("/api/v1/practices?status=archived", &reader)
        .await;
    assert_eq!(archived["total"], 1);
    assert_eq!(archived["items"][0]["publishedOn"], "2020-11-15");
    let hidden = app
        .get_json("/api/v1/practices?status=draft", &reader)
        .await;
    assert_eq!(hidden["total"], 0, "a reader sees no draft");
}

#[actix_web::test]
async fn with_public_read_anyone_reads_published_practices_but_no_draft() {
    let app = crate::helpers::TestApp::spawn_with(|s| s.public_read = true).await;
    let (_, steering) = app.token_for(Role::Steering).await;
    let published = app
        .create(
            "/api/v1/practices",
            &steering,
            json!({"title": "Gedeeld", "status": "published"}),
        )
        .await;
    let draft = app
        .create("/api/v1/practices", &steering, json!({"title": "Klad"}))
        .await;
    let page: Value = app
        .get("/api/v1/practices")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(titles(&page), ["Gedeeld"]);
    let read = |p: &Value| app.get(p["self"].as_str().unwrap()).send();
    assert_eq!(read(&published).await.unwrap().status(), StatusCode::OK);
    assert_eq!(read(&draft).await.unwrap().status(), StatusCode::NOT_FOUND);
    let res = app
        .post_json("/api/v1/practices", &json!({"title": "Anoniem"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let closed = crate::helpers::TestApp::spawn().await;
    let res = closed.get("/api/v1/practices").send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "public read is off by default"
    );
}
