//! Every error, the framework's own included, is a problem document.

use reqwest::{Method, StatusCode};
use serde_json::json;
use ssw_api::domain::Role;

use crate::helpers::{TestApp, assert_problem};

#[actix_web::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/no-such-thing").send().await.unwrap();
    assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
}

#[actix_web::test]
async fn a_wrong_method_is_a_405_problem_with_allow() {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::DELETE, "/api/v1/regions")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, POST, HEAD, OPTIONS");
    assert_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
    )
    .await;

    let response = app
        .request(
            Method::PUT,
            &format!("/api/v1/users/{}", uuid::Uuid::new_v4()),
        )
        .send()
        .await
        .unwrap();
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("PATCH"), "{allow}");
    assert_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
    )
    .await;
}

#[actix_web::test]
async fn malformed_json_is_a_400_problem() {
    let app = TestApp::spawn().await;
    for body in [
        "{\"email\":",
        "[1,2",
        "nul",
        "{\"email\": \"a\u{0}\"",
        "\u{feff}{}",
    ] {
        let response = app
            .request(Method::POST, "/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_problem(response, StatusCode::BAD_REQUEST, "bad-request").await;
    }
}

#[actix_web::test]
async fn json_of_the_wrong_shape_is_a_400_that_names_the_field() {
    let app = TestApp::spawn().await;
    let response = app
        .post_json("/api/v1/auth/login", &json!({"email": 5, "password": "x"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    assert_eq!(problem["issues"][0]["name"], "email");

    let response = app
        .post_json("/api/v1/auth/login", &json!([1, 2]))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
}

#[actix_web::test]
async fn a_body_without_a_json_content_type_is_a_415_problem() {
    let app = TestApp::spawn().await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut request = app
            .request(Method::POST, "/api/v1/auth/login")
            .body(r#"{"email":"a@b.be","password":"x"}"#);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let response = request.send().await.unwrap();
        assert_problem(
            response,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
        )
        .await;
    }
}

#[actix_web::test]
async fn a_three_megabyte_body_is_a_413_problem() {
    let app = TestApp::spawn().await;
    let big = format!(
        "{{\"email\":\"{}\",\"password\":\"x\"}}",
        "a".repeat(3 * 1024 * 1024)
    );
    let response = app
        .request(Method::POST, "/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large").await;
}

#[actix_web::test]
async fn a_malformed_path_parameter_is_a_400_problem() {
    let app = TestApp::spawn().await;
    let (_, token) = app.token_for(Role::Admin).await;
    let response = app
        .get("/api/v1/users/not-a-uuid")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
}

#[actix_web::test]
async fn bad_query_parameters_are_400_problems_that_name_them() {
    let app = TestApp::spawn().await;
    let (_, token) = app.token_for(Role::Admin).await;
    for (query, name) in [
        ("pageSize=abc", "pageSize"),
        ("pageSize=201", "pageSize"),
        ("pageSize=100000000000", "pageSize"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("sort=password", "sort"),
        ("role=superuser", "role"),
        ("colour=blue", "colour"),
    ] {
        let response = app
            .get(&format!("/api/v1/users?{query}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
        assert_eq!(problem["issues"][0]["name"], name, "{query}: {problem}");
        assert_eq!(problem["issues"][0]["in"], "query");
    }
}

#[actix_web::test]
async fn every_response_carries_a_request_id_and_a_client_id_is_echoed() {
    let app = TestApp::spawn().await;
    let response = app.get("/health/live").send().await.unwrap();
    assert!(uuid::Uuid::parse_str(response.headers()["x-request-id"].to_str().unwrap()).is_ok());
    let response = app
        .get("/api/v1/regions")
        .header("x-request-id", "sync-run-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "sync-run-42");
    let response = app
        .get("/nope")
        .header("x-request-id", "sync-run-43")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "sync-run-43");
}

#[actix_web::test]
async fn read_only_fields_are_refused_by_name() {
    let app = TestApp::spawn().await;
    let (_, token) = app.token_for(Role::Admin).await;
    let body = json!({"id": "x", "version": 3, "email": "a@example.org", "displayName": "A", "password": "long enough password", "role": "reader"});
    let response = app
        .post_json("/api/v1/users", &body)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
    let names: Vec<&str> = problem["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["id", "version"]);
}

#[actix_web::test]
async fn no_internal_detail_leaks_into_problems() {
    let app = TestApp::spawn().await;
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "x@example.org", "password": "p\u{0}"}),
        )
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    for leak in ["diesel", "postgres", "SELECT", "panicked", "src/"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
}

#[actix_web::test]
async fn an_empty_query_value_is_refused_by_name_but_an_empty_search_is_none() {
    let app = TestApp::spawn().await;
    let (_, token) = app.token_for(Role::Reader).await;
    for (query, name) in [("sort=", "sort"), ("page=", "page"), ("region=", "region")] {
        let response = app
            .get(&format!("/api/v1/organisations?{query}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let body = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
        assert_eq!(body["issues"][0]["name"], name, "{query}");
    }
    let response = app
        .get("/api/v1/organisations?q=")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn filters_take_only_the_documented_forms() {
    let app = TestApp::spawn().await;
    let (_, token) = app.token_for(Role::Reader).await;
    for (path, name) in [
        ("/api/v1/organisations?region=Limburg", "region"),
        ("/api/v1/organisations?municipality=7101", "municipality"),
        ("/api/v1/users?q=%C2%84", "q"),
        ("/api/v1/audit?resource=nothing", "resource"),
    ] {
        let (_, admin) = app.token_for(Role::Admin).await;
        let token = if path.contains("users") || path.contains("audit") {
            &admin
        } else {
            &token
        };
        let response = app.get(path).bearer_auth(token).send().await.unwrap();
        let body = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
        assert_eq!(body["issues"][0]["name"], name, "{path}");
    }
}

#[actix_web::test]
async fn an_integral_number_with_a_fraction_of_zero_is_an_integer() {
    let app = TestApp::spawn().await;
    let (_, token) = app.token_for(Role::Steering).await;
    let response = app
        .post_json(
            "/api/v1/plans",
            &json!({"code": "float-years", "title": "Plan", "startYear": 2025.0, "endYear": 2029}),
        )
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["startYear"], 2025);
    let response = app
        .post_json(
            "/api/v1/plans",
            &json!({"code": "half-years", "title": "Plan", "startYear": 2025.5, "endYear": 2029}),
        )
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
}

#[actix_web::test]
async fn if_match_takes_exactly_a_quoted_version() {
    let app = TestApp::spawn().await;
    let (_, token) = app.token_for(Role::Steering).await;
    let plans = app.get_json("/api/v1/plans", &token).await;
    let id = plans["items"][0]["id"].as_str().unwrap().to_owned();
    for value in ["\"01\"", "1", "W/\"1\"", "*", "\"1234567890\"", "\"0\""] {
        let response = app
            .request(Method::PATCH, &format!("/api/v1/plans/{id}"))
            .bearer_auth(&token)
            .header("if-match", value)
            .header("content-type", "application/merge-patch+json")
            .body(r#"{"title": "Ander"}"#)
            .send()
            .await
            .unwrap();
        let body = assert_problem(response, StatusCode::BAD_REQUEST, "validation").await;
        assert_eq!(body["issues"][0]["name"], "If-Match", "{value}");
    }
}

#[actix_web::test]
async fn another_method_on_the_municipality_import_is_a_405() {
    let app = TestApp::spawn().await;
    let (_, token) = app.token_for(Role::Admin).await;
    let response = app
        .request(Method::GET, "/api/v1/municipalities/import")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "POST, OPTIONS");
    assert_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
    )
    .await;
}

#[actix_web::test]
async fn head_answers_as_get_does_without_a_body_wherever_get_is_served() {
    let app = TestApp::spawn().await;
    let (_, token) = app.token_for(Role::Admin).await;
    let spec = app.get_json("/api/v1/openapi.json", &token).await;
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        if item.get("get").is_none() || path.contains('{') {
            continue;
        }
        let call = |method: Method| app.request(method, path).bearer_auth(&token).send();
        let get = call(Method::GET).await.unwrap();
        let head = call(Method::HEAD).await.unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path}"
        );
        let length = get.bytes().await.unwrap().len();
        // Only a body of a known size announces its length (metrics are streamed).
        if let Some(announced) = head.headers().get("content-length")
            && !path.starts_with("/metrics")
        {
            assert_eq!(
                announced.to_str().unwrap(),
                length.to_string(),
                "HEAD {path}"
            );
        }
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has a body"
        );
        checked += 1;
    }
    assert!(checked > 10, "{checked} paths");
    // A path that takes no GET takes no HEAD either.
    let response = app
        .request(Method::HEAD, "/api/v1/auth/login")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST, OPTIONS");
}
