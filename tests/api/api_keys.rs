use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ssw_api::domain::Role;

use crate::helpers::{TestApp, assert_problem};

async fn service_account_with_key(app: &TestApp, admin: &str, role: &str) -> (Value, Value) {
    let body = match role {
        "coordinator" => {
            json!({"name": format!("GBO sync {}", uuid::Uuid::new_v4()), "role": role, "regionId": "limburg"})
        }
        _ => json!({"name": format!("Municipal sync {}", uuid::Uuid::new_v4()), "role": role}),
    };
    let response = app
        .post_json("/api/v1/serviceAccounts", &body)
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let account: Value = response.json().await.unwrap();
    let response = app
        .post_json(
            &format!(
                "/api/v1/serviceAccounts/{}/apiKeys",
                account["id"].as_str().unwrap()
            ),
            &json!({"name": "prod"}),
        )
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    (account, response.json().await.unwrap())
}

#[actix_web::test]
async fn a_service_account_authenticates_with_its_key_in_either_header() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let (account, key) = service_account_with_key(&app, &admin, "coordinator").await;
    let secret = key["key"].as_str().unwrap();
    assert!(secret.starts_with(key["prefix"].as_str().unwrap()));

    let me: Value = app
        .get("/api/v1/me")
        .header("x-api-key", secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["type"], "serviceAccount");
    assert_eq!(me["id"], account["id"]);
    assert_eq!(me["role"], "coordinator");
    assert_eq!(me["regionId"], "limburg");

    let response = app
        .get("/api/v1/me")
        .header("authorization", format!("ApiKey {secret}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_key_is_shown_once_and_listed_by_prefix_with_its_last_use() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let (account, key) = service_account_with_key(&app, &admin, "reader").await;
    app.get("/api/v1/me")
        .header("x-api-key", key["key"].as_str().unwrap())
        .send()
        .await
        .unwrap();

    let path = format!(
        "/api/v1/serviceAccounts/{}/apiKeys",
        account["id"].as_str().unwrap()
    );
    let keys: Value = app.get_json(&path, &admin).await;
    let listed = &keys[0];
    assert_eq!(listed["prefix"], key["prefix"]);
    assert!(listed.get("key").is_none(), "the secret is never listed");
    assert!(listed["lastUsedAt"].is_string(), "{listed}");
    let text = keys.to_string();
    assert!(!text.contains(key["key"].as_str().unwrap()));
}

#[actix_web::test]
async fn a_revoked_key_stops_working_at_once() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let (account, key) = service_account_with_key(&app, &admin, "reader").await;
    let secret = key["key"].as_str().unwrap();
    assert_eq!(
        app.get("/api/v1/me")
            .header("x-api-key", secret)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let path = format!(
        "/api/v1/serviceAccounts/{}/apiKeys/{}",
        account["id"].as_str().unwrap(),
        key["id"].as_str().unwrap()
    );
    let response = app
        .request(Method::DELETE, &path)
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let response = app
        .get("/api/v1/me")
        .header("x-api-key", secret)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn a_deactivated_service_account_cannot_authenticate() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let (account, key) = service_account_with_key(&app, &admin, "reader").await;
    let response = app
        .request(
            Method::PATCH,
            &format!(
                "/api/v1/serviceAccounts/{}",
                account["id"].as_str().unwrap()
            ),
        )
        .bearer_auth(&admin)
        .header("if-match", "\"1\"")
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = app
        .get("/api/v1/me")
        .header("x-api-key", key["key"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_tampered_key_with_a_valid_prefix_is_refused() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let (_, key) = service_account_with_key(&app, &admin, "reader").await;
    let secret = key["key"].as_str().unwrap();
    let mut tampered = secret.to_owned();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let response = app
        .get("/api/v1/me")
        .header("x-api-key", tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn only_administrators_manage_service_accounts() {
    let app = TestApp::spawn().await;
    for role in [
        Role::Steering,
        Role::Coordinator,
        Role::Contributor,
        Role::Reader,
    ] {
        let (_, token) = app.token_for(role).await;
        let response = app
            .post_json(
                "/api/v1/serviceAccounts",
                &json!({"name": "x", "role": "reader"}),
            )
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
        let response = app
            .get("/api/v1/serviceAccounts")
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role}");
    }
}

#[actix_web::test]
async fn a_service_account_with_the_admin_role_can_administer_by_api_key() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let (_, key) = service_account_with_key(&app, &admin, "admin").await;
    let response = app
        .get("/api/v1/users")
        .header("x-api-key", key["key"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}
