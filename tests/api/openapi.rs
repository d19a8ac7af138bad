use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;

#[actix_web::test]
async fn the_served_openapi_document_equals_the_committed_one() {
    let app = TestApp::spawn().await;
    let served: Value = app
        .get("/api/v1/openapi.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let committed: Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap();
    assert!(
        served == committed,
        "openapi/openapi.json is out of date: run `make openapi` and commit the result"
    );
}

#[actix_web::test]
async fn every_operation_documents_a_default_problem_and_its_security() {
    let app = TestApp::spawn().await;
    let spec: Value = app
        .get("/api/v1/openapi.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(spec["components"]["securitySchemes"]["bearerAuth"].is_object());
    assert!(spec["components"]["securitySchemes"]["apiKeyAuth"].is_object());
    let mut operations = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let default = &op["responses"]["default"]["content"]["application/problem+json"];
            assert!(
                default.is_object(),
                "{method} {path} has no default problem response"
            );
            assert!(
                op["security"].is_array(),
                "{method} {path} does not state its security"
            );
            assert!(
                op["operationId"].is_string(),
                "{method} {path} has no operationId"
            );
        }
    }
    assert!(operations >= 20, "{operations}");
}

#[actix_web::test]
async fn swagger_ui_is_served_from_built_in_assets() {
    let app = TestApp::spawn().await;
    let response = app.get("/docs/").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("swagger-ui"));
    let init = app
        .get("/docs/swagger-initializer.js")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("/api/v1/openapi.json"));
}
