//! Attacks on access tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};
use ssw_api::domain::Role;

use crate::helpers::{TestApp, assert_problem};

/// Claims like the server's, for a live session, with `changes` applied.
async fn claims(app: &TestApp, changes: Value) -> (Value, String) {
    let (_, token) = app.token_for(Role::Admin).await;
    let payload = token.split('.').nth(1).unwrap();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    (claims, token)
}

fn sign(claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

async fn me_status(app: &TestApp, token: &str) -> reqwest::Response {
    app.get("/api/v1/me")
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_token_re_signed_with_the_servers_key_is_accepted_so_the_other_tests_mean_something() {
    let app = TestApp::spawn().await;
    let (claims, _) = claims(&app, json!({})).await;
    let token = sign(&claims, app.jwt_secret.as_bytes());
    assert_eq!(me_status(&app, &token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_token_with_alg_none_is_refused() {
    let app = TestApp::spawn().await;
    let (claims, _) = claims(&app, json!({})).await;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    for token in [
        format!("{header}.{payload}."),
        format!("{header}.{payload}"),
    ] {
        assert_problem(
            me_status(&app, &token).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        )
        .await;
    }
}

#[actix_web::test]
async fn a_token_signed_with_another_key_is_refused() {
    let app = TestApp::spawn().await;
    let (claims, _) = claims(&app, json!({})).await;
    let token = sign(&claims, b"another key that is long enough to be plausible");
    assert_problem(
        me_status(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[actix_web::test]
async fn a_token_with_another_algorithm_is_refused() {
    let app = TestApp::spawn().await;
    let (claims, _) = claims(&app, json!({})).await;
    let token = jsonwebtoken::encode(
        &Header::new(jsonwebtoken::Algorithm::HS512),
        &claims,
        &EncodingKey::from_secret(app.jwt_secret.as_bytes()),
    )
    .unwrap();
    assert_problem(
        me_status(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[actix_web::test]
async fn an_expired_token_is_refused() {
    let app = TestApp::spawn().await;
    let now = chrono::Utc::now().timestamp();
    let (claims, _) = claims(
        &app,
        json!({"exp": now - 60, "iat": now - 1000, "nbf": now - 1000}),
    )
    .await;
    let response = me_status(&app, &sign(&claims, app.jwt_secret.as_bytes())).await;
    let problem = assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert!(problem["detail"].as_str().unwrap().contains("expired"));
}

#[actix_web::test]
async fn a_token_not_yet_valid_is_refused() {
    let app = TestApp::spawn().await;
    let now = chrono::Utc::now().timestamp();
    let (claims, _) = claims(&app, json!({"nbf": now + 600})).await;
    let response = me_status(&app, &sign(&claims, app.jwt_secret.as_bytes())).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn tokens_for_another_audience_or_issuer_or_type_are_refused() {
    let app = TestApp::spawn().await;
    for change in [
        json!({"aud": "another-api"}),
        json!({"iss": "someone-else"}),
        json!({"typ": "refresh"}),
    ] {
        let (claims, _) = claims(&app, change.clone()).await;
        let response = me_status(&app, &sign(&claims, app.jwt_secret.as_bytes())).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{change}");
    }
}

#[actix_web::test]
async fn tokens_missing_a_required_claim_are_refused() {
    let app = TestApp::spawn().await;
    for claim in ["exp", "nbf", "iss", "aud", "sub", "sid", "typ"] {
        let (claims, _) = claims(&app, json!({ claim: null })).await;
        let response = me_status(&app, &sign(&claims, app.jwt_secret.as_bytes())).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "without {claim}"
        );
    }
}

#[actix_web::test]
async fn a_refresh_token_is_not_an_access_token() {
    let app = TestApp::spawn().await;
    let user = app.create_user(Role::Admin, None, None).await;
    let tokens = app.login(&user).await;
    let response = me_status(&app, tokens["refreshToken"].as_str().unwrap()).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn malformed_authorization_headers_are_401() {
    let app = TestApp::spawn().await;
    for value in [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer not.a.jwt",
        "Bearer a.b.c.d",
        "ApiKey nope",
    ] {
        let response = app
            .get("/api/v1/me")
            .header("authorization", value)
            .send()
            .await
            .unwrap();
        assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
}

#[actix_web::test]
async fn a_deactivated_users_tokens_stop_working_at_once() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.token_for(Role::Admin).await;
    let user = app.create_user(Role::Steering, None, None).await;
    let tokens = app.login(&user).await;
    let access = tokens["accessToken"].as_str().unwrap();
    assert_eq!(me_status(&app, access).await.status(), StatusCode::OK);

    let response = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{}", user.id),
        )
        .bearer_auth(&admin)
        .header("if-match", "\"1\"")
        .header("content-type", "application/merge-patch+json")
        .body(r#"{"active": false}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    assert_eq!(
        me_status(&app, access).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refreshToken": tokens["refreshToken"]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), StatusCode::UNAUTHORIZED);
    // Reactivation does not bring the old sessions back.
    let response = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{}", user.id),
        )
        .bearer_auth(&admin)
        .header("if-match", "\"2\"")
        .json(&json!({"active": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        me_status(&app, access).await.status(),
        StatusCode::UNAUTHORIZED
    );
}
