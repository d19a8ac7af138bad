use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn served(app: &TestApp) -> Value {
    app.get("/api/v1/openapi.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[actix_web::test]
async fn the_served_openapi_document_equals_the_committed_one() {
    let app = TestApp::spawn().await;
    let served = served(&app).await;
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
    let spec = served(&app).await;
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

#[actix_web::test]
async fn docs_without_a_slash_lead_to_swagger_ui_and_its_assets_have_one_metrics_label() {
    let app = TestApp::spawn().await;
    let response = app.get("/docs").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(response.headers()["location"], "/docs/");
    app.get("/docs/swagger-ui.css").send().await.unwrap();
    let metrics = app
        .get("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // A plain route pattern: a regex segment cannot be turned into a label
    // and made the metrics middleware log a warning for every asset.
    assert!(metrics.contains(r#"endpoint="/docs/{file}*""#), "{metrics}");
    assert!(!metrics.contains("swagger-ui.css"));
}

/// Every bounded text in the document says which characters it takes, so that
/// clients (and the fuzzer) know what the service refuses.
#[actix_web::test]
async fn every_bounded_text_states_its_characters() {
    fn visit(schema: &Value, at: &str, missing: &mut Vec<String>) {
        match schema {
            Value::Object(map) => {
                let string = map.get("type").is_some_and(|t| {
                    t == "string"
                        || t.as_array()
                            .is_some_and(|a| a.iter().any(|t| t == "string"))
                });
                if string
                    && map.contains_key("maxLength")
                    && !["pattern", "format", "enum"]
                        .iter()
                        .any(|k| map.contains_key(*k))
                {
                    missing.push(at.to_owned());
                }
                for (key, value) in map {
                    visit(value, &format!("{at}/{key}"), missing);
                }
            }
            Value::Array(items) => {
                for (i, value) in items.iter().enumerate() {
                    visit(value, &format!("{at}/{i}"), missing);
                }
            }
            _ => {}
        }
    }
    let app = TestApp::spawn().await;
    let spec = served(&app).await;
    let mut missing = Vec::new();
    visit(&spec, "", &mut missing);
    assert!(missing.is_empty(), "{missing:#?}");
    let if_match = spec["paths"]["/api/v1/plans/{id}"]["patch"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "If-Match")
        .unwrap();
    assert!(if_match["schema"]["pattern"].is_string());
}

/// Every repeated query parameter whose values are not an enumeration says
/// how often it may be repeated, since the service refuses more.
#[actix_web::test]
async fn every_repeated_parameter_states_how_often() {
    let app = TestApp::spawn().await;
    let spec = served(&app).await;
    let mut missing = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for param in op["parameters"].as_array().into_iter().flatten() {
                let schema = &param["schema"];
                let repeated = schema["type"] == "array"
                    || schema["type"]
                        .as_array()
                        .is_some_and(|t| t.iter().any(|t| t == "array"));
                let items = &schema["items"];
                let enumerated = items["enum"].is_array() || items["$ref"].is_string();
                if repeated && !enumerated && !schema["maxItems"].is_u64() {
                    missing.push(format!("{method} {path} {}", param["name"]));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

/// Every create links to the operations on the record it creates, so that
/// clients (and stateful fuzzing) can follow them.
#[actix_web::test]
async fn every_create_links_to_its_records_operations() {
    let app = TestApp::spawn().await;
    let spec = served(&app).await;
    let mut unlinked = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        let Some(created) = item["post"]["responses"].get("201") else {
            continue;
        };
        if created["links"].as_object().is_none_or(|l| l.is_empty()) {
            unlinked.push(path.clone());
        }
    }
    assert!(unlinked.is_empty(), "creates without links: {unlinked:?}");
    let link = &spec["paths"]["/api/v1/initiatives"]["post"]["responses"]["201"]["links"]["update_initiative"];
    assert_eq!(link["parameters"]["path.id"], "$response.body#/id");
    assert_eq!(
        link["parameters"]["header.If-Match"],
        "$response.header.ETag"
    );
}

#[actix_web::test]
async fn every_page_refers_to_its_items_schema_and_every_schema_is_used() {
    let app = TestApp::spawn().await;
    let spec = served(&app).await;
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let pages: Vec<&String> = schemas.keys().filter(|n| n.starts_with("Paged_")).collect();
    assert!(pages.len() > 10, "{pages:?}");
    for page in pages {
        let item = &page["Paged_".len()..];
        assert_eq!(
            schemas[page]["properties"]["items"]["items"],
            json!({"$ref": format!("#/components/schemas/{item}")}),
            "{page}"
        );
    }
    let text = spec.to_string();
    let unused: Vec<&String> = schemas
        .keys()
        .filter(|name| !text.contains(&format!("\"#/components/schemas/{name}\"")))
        .collect();
    assert!(unused.is_empty(), "schemas nothing refers to: {unused:?}");
}
