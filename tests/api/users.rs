use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ssw_api::domain::Role;

use crate::helpers::{TestApp, assert_problem};

fn new_user(role: &str) -> Value {
    json!({
        "email": format!("New.User.{}@Example.org", uuid::Uuid::new_v4().simple()),
        "displayName": "New user",
        "password": "a long enough password",
        "role": role,
    })
}

async fn patch(
    app: &TestApp,
    token: &str,
    path: &str,
    if_match: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let mut request = app
        .request(Method::PATCH, path)
        .bearer_auth(token)
        .json(&body);
    if let Some(version) = if_match {
        request = request.header("if-match", version);
    }
    request.send().await.unwrap()
}

#[actix_web::test]
async fn an_admin_creates_a_user_who_can_then_log_in() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let body = new_user("reader");
    let response = app
        .post_json("/api/v1/users", &body)
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let user: Value = response.json().await.unwrap();
    assert_eq!(location, user["self"]);
    assert_eq!(
        user["email"],
        body["email"].as_str().unwrap().to_lowercase()
    );
    assert!(user.get("passwordHash").is_none() && !user.to_string().contains("argon2"));

    let fetched = app.get(&location).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(fetched.status(), StatusCode::OK);
    let login = app
        .login_raw(body["email"].as_str().unwrap(), "a long enough password")
        .await;
    assert_eq!(login.status(), StatusCode::OK);
}

#[actix_web::test]
async fn e_mail_addresses_are_unique_whatever_their_case() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let mut body = new_user("reader");
    assert_eq!(
        app.post_json("/api/v1/users", &body)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    body["email"] = json!(body["email"].as_str().unwrap().to_uppercase());
    let response = app
        .post_json("/api/v1/users", &body)
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::CONFLICT, "conflict").await;
}

#[actix_web::test]
async fn invalid_users_are_refused_with_every_problem_named() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let body = json!({"email": "not-an-address", "displayName": "", "password": "short", "role": "coordinator"});
    let response = app
        .post_json("/api/v1/users", &body)
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    let mut names: Vec<&str> = problem["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["displayName", "email", "password", "regionId"]);

    let mut body = new_user("coordinator");
    body["regionId"] = json!("atlantis");
    let response = app
        .post_json("/api/v1/users", &body)
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    assert_eq!(problem["issues"][0]["name"], "regionId");

    let mut body = new_user("contributor");
    body["organisationId"] = json!(uuid::Uuid::new_v4());
    let response = app
        .post_json("/api/v1/users", &body)
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    assert_eq!(problem["issues"][0]["name"], "organisationId");
}

#[actix_web::test]
async fn only_administrators_create_list_and_change_users() {
    let app = TestApp::spawn().await;
    let target = app.create_user(Role::Reader, None, None).await;
    for role in [
        Role::Steering,
        Role::Coordinator,
        Role::Contributor,
        Role::Reader,
    ] {
        let (_, token) = app.token_for(role).await;
        let response = app
            .post_json("/api/v1/users", &new_user("admin"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
        let response = app
            .get("/api/v1/users")
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{role} lists users"
        );
        let response = patch(
            &app,
            &token,
            &format!("/api/v1/users/{}", target.id),
            Some("\"1\""),
            json!({"role": "admin"}),
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{role} changes a user"
        );
    }
}

#[actix_web::test]
async fn everyone_reads_themselves_but_not_others() {
    let app = TestApp::spawn().await;
    let (me, token) = app.token_for(Role::Reader).await;
    let other = app.create_user(Role::Steering, None, None).await;
    let response = app
        .get(&format!("/api/v1/users/{}", me.id))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = app
        .get(&format!("/api/v1/users/{}", other.id))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
}

#[actix_web::test]
async fn a_change_needs_if_match_and_a_stale_version_is_refused() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let user = app.create_user(Role::Reader, None, None).await;
    let path = format!("/api/v1/users/{}", user.id);

    let response = patch(&app, &admin, &path, None, json!({"displayName": "Renamed"})).await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition-required",
    )
    .await;

    let response = patch(
        &app,
        &admin,
        &path,
        Some("\"1\""),
        json!({"displayName": "Renamed"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["displayName"], "Renamed");
    assert_eq!(body["version"], 2);

    let response = patch(
        &app,
        &admin,
        &path,
        Some("\"1\""),
        json!({"displayName": "Lost update"}),
    )
    .await;
    assert_problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "precondition-failed",
    )
    .await;

    let response = patch(&app, &admin, &path, Some("*"), json!({"displayName": "x"})).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;

    let current: Value = app.get_json(&path, &admin).await;
    assert_eq!(current["displayName"], "Renamed");
}

#[actix_web::test]
async fn concurrent_writers_with_the_same_version_never_both_win() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let user = app.create_user(Role::Reader, None, None).await;
    let path = format!("/api/v1/users/{}", user.id);
    let writes = (0..8).map(|i| {
        patch(
            &app,
            &admin,
            &path,
            Some("\"1\""),
            json!({"displayName": format!("Writer {i}")}),
        )
    });
    let statuses: Vec<StatusCode> = futures_util::future::join_all(writes)
        .await
        .iter()
        .map(|r| r.status())
        .collect();
    let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(won, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::PRECONDITION_FAILED)
    );
    let current: Value = app.get_json(&path, &admin).await;
    assert_eq!(current["version"], 2);
}

#[actix_web::test]
async fn the_email_address_and_the_version_cannot_be_patched() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let user = app.create_user(Role::Reader, None, None).await;
    let path = format!("/api/v1/users/{}", user.id);
    let response = patch(
        &app,
        &admin,
        &path,
        Some("\"1\""),
        json!({"email": "x@example.org", "version": 9}),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    assert_eq!(problem["issues"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn the_last_active_administrator_cannot_be_removed() {
    let app = TestApp::spawn().await;
    let (admin_user, admin) = app.token_for(Role::Admin).await;
    let path = format!("/api/v1/users/{}", admin_user.id);
    let response = patch(&app, &admin, &path, Some("\"1\""), json!({"active": false})).await;
    assert_problem(response, StatusCode::CONFLICT, "conflict").await;
    let response = patch(
        &app,
        &admin,
        &path,
        Some("\"1\""),
        json!({"role": "reader"}),
    )
    .await;
    assert_problem(response, StatusCode::CONFLICT, "conflict").await;
}

#[actix_web::test]
async fn two_administrators_demoting_each_other_at_once_leave_one() {
    let app = TestApp::spawn().await;
    let (first, first_token) = app.token_for(Role::Admin).await;
    let (second, second_token) = app.token_for(Role::Admin).await;
    let first_path = format!("/api/v1/users/{}", first.id);
    let second_path = format!("/api/v1/users/{}", second.id);
    let demote = json!({"role": "reader"});
    let (a, b) = tokio::join!(
        patch(
            &app,
            &first_token,
            &second_path,
            Some("\"1\""),
            demote.clone()
        ),
        patch(
            &app,
            &second_token,
            &first_path,
            Some("\"1\""),
            demote.clone()
        ),
    );
    // The later one is refused: as the last administrator (409), or, when
    // the earlier one has already made its caller a reader, as a reader (403).
    let (winner, loser) = match (a.status(), b.status()) {
        (StatusCode::OK, other) => (&first_token, other),
        (other, StatusCode::OK) => (&second_token, other),
        both => panic!("exactly one demotion must succeed: {both:?}"),
    };
    assert!(
        [StatusCode::CONFLICT, StatusCode::FORBIDDEN].contains(&loser),
        "{loser}"
    );
    let admins = app
        .get_json("/api/v1/users?role=admin&active=true", winner)
        .await;
    assert_eq!(admins["total"], 1);
}

#[actix_web::test]
async fn a_coordinator_needs_a_region_and_null_clears_it_only_for_other_roles() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let user = app
        .create_user(Role::Coordinator, Some("limburg"), None)
        .await;
    let path = format!("/api/v1/users/{}", user.id);
    let response = patch(
        &app,
        &admin,
        &path,
        Some("\"1\""),
        json!({"regionId": null}),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    assert_eq!(problem["issues"][0]["name"], "regionId");
    let response = patch(
        &app,
        &admin,
        &path,
        Some("\"1\""),
        json!({"role": "reader", "regionId": null}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert!(body.get("regionId").is_none(), "{body}");
}

#[actix_web::test]
async fn the_user_list_pages_filters_and_sorts() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    for _ in 0..3 {
        app.create_user(Role::Reader, None, None).await;
    }
    let page: Value = app
        .get_json("/api/v1/users?role=reader&pageSize=2&sort=-email", &admin)
        .await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["next"].as_str().unwrap().contains("page=2"));
    assert!(page.get("prev").is_none());
    let emails: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert!(emails[0] > emails[1]);
    let second: Value = app.get_json(page["next"].as_str().unwrap(), &admin).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second.get("next").is_none());
}

#[actix_web::test]
async fn a_retried_create_with_the_same_idempotency_key_gets_the_first_answer() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let body = new_user("reader");
    let send = |body: Value| {
        app.post_json("/api/v1/users", &body)
            .bearer_auth(&admin)
            .header("idempotency-key", "import-2026-11-22-row-7")
            .send()
    };
    let first = send(body.clone()).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let location = first.headers()["location"].clone();
    let first: Value = first.json().await.unwrap();

    let retry = send(body.clone()).await.unwrap();
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(retry.headers()["location"], location);
    assert_eq!(retry.headers()["etag"], "\"1\"");
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry, first);

    let list: Value = app.get_json("/api/v1/users?role=reader", &admin).await;
    assert_eq!(list["total"], 1, "the retry created nothing");

    let mut other = body.clone();
    other["displayName"] = json!("Someone else");
    let response = send(other).await.unwrap();
    assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;
}

#[actix_web::test]
async fn a_refused_create_does_not_use_up_its_idempotency_key() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let mut body = new_user("coordinator");
    let send = |body: Value| {
        app.post_json("/api/v1/users", &body)
            .bearer_auth(&admin)
            .header("idempotency-key", "k1")
            .send()
    };
    assert_eq!(
        send(body.clone()).await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    body["regionId"] = json!("limburg");
    assert_eq!(send(body).await.unwrap().status(), StatusCode::CREATED);
}

#[actix_web::test]
async fn idempotency_keys_belong_to_their_caller() {
    let app = TestApp::spawn().await;
    let (_, first_admin) = app.token_for(Role::Admin).await;
    let (_, second_admin) = app.token_for(Role::Admin).await;
    for (token, role) in [(&first_admin, "reader"), (&second_admin, "steering")] {
        let response = app
            .post_json("/api/v1/users", &new_user(role))
            .bearer_auth(token)
            .header("idempotency-key", "same-key")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
}
