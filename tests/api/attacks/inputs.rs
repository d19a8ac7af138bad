//! Hostile input over the whole document: every field of every body, query
//! and path gets values it must refuse, merge-patch nulls and out-of-range
//! values are refused by name, and reads answer 304 while a copy is current.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::matrix::{Matrix, patch_bodies};
use super::{Caller, Scope};
use crate::fixtures::World;

/// Hostile values for every field of every request body, every query
/// parameter and every path parameter of the document, sent as an
/// administrator: each is a 4xx problem, none a 500, and nothing is written.
#[actix_web::test]
async fn hostile_values_in_every_field_are_4xx_and_change_nothing() {
    let w = World::new().await;
    let app = &w.app;
    let spec = app.get_json("/api/v1/openapi.json", &w.admin).await;
    let audit_before = app.get_json("/api/v1/audit?pageSize=1", &w.admin).await["total"].clone();

    let huge_text = "x".repeat(300_000);
    let hostile_values = [
        json!("a\u{0}b"),
        json!(huge_text),
        json!(-1),
        json!(1e300),
        json!(9_223_372_036_854_775_807_i64),
        json!(-9_223_372_036_854_775_807_i64),
        json!(u64::MAX),
        json!(0.5),
        json!(true),
        json!(null),
        json!([]),
        json!({}),
        json!(["a\u{0}"]),
    ];
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let fake = uuid::Uuid::new_v4().to_string();
    let mut problems = Vec::new();
    let mut calls = 0;
    let check = |what: String, status: StatusCode, body: &Value, problems: &mut Vec<String>| {
        if !status.is_client_error() || body.get("type").is_none() {
            problems.push(format!("{what}: {status} {body}"));
        }
    };

    for (template, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let path = template
                .replace("{nisCode}", "71016")
                .replace("{keyId}", &fake)
                .replace("{id}", &fake);
            // Request bodies: each property in turn gets each hostile value.
            let schema = &operation["requestBody"]["content"];
            let schema = schema
                .get("application/json")
                .or_else(|| schema.get("application/merge-patch+json"))
                .map(|c| &c["schema"]);
            if let Some(schema) = schema {
                let resolved = match schema["$ref"].as_str() {
                    Some(r) => &spec["components"]["schemas"][r.rsplit('/').next().unwrap()],
                    None => schema,
                };
                let properties: Vec<String> = resolved["properties"]
                    .as_object()
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default();
                for property in &properties {
                    for value in &hostile_values {
                        // Login is left out here: its refusals count towards throttling.
                        if template.ends_with("/auth/login") {
                            continue;
                        }
                        let body = json!({ property.as_str(): value });
                        let answer = app
                            .call(method.clone(), &path, &w.admin, Some(&body), Some(1))
                            .await;
                        calls += 1;
                        let shown = value.to_string().chars().take(40).collect::<String>();
                        check(
                            format!("{method} {template} {property}={shown}"),
                            answer.status,
                            &answer.body,
                            &mut problems,
                        );
                    }
                }
                let response = app
                    .request(method.clone(), &path)
                    .bearer_auth(&w.admin)
                    .header("content-type", "application/json")
                    .header("if-match", "\"1\"")
                    .body(deep.clone())
                    .send()
                    .await
                    .unwrap();
                calls += 1;
                let status = response.status();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                check(
                    format!("{method} {template} deep JSON"),
                    status,
                    &body,
                    &mut problems,
                );
            }
            // Query and path parameters.
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                let place = parameter["in"].as_str().unwrap();
                for value in ["%00", "99999999999999999999", "-1", "%FF%FE", "1e400"] {
                    let target = match place {
                        "query" => format!("{path}?{name}={value}"),
                        "path" => template
                            .replace(&format!("{{{name}}}"), value)
                            .replace("{nisCode}", "71016")
                            .replace("{keyId}", &fake)
                            .replace("{id}", &fake),
                        _ => continue,
                    };
                    let answer = app
                        .call(method.clone(), &target, &w.admin, None, Some(1))
                        .await;
                    calls += 1;
                    // A GET of a harmless value may answer 200; anything but a 5xx is fine there.
                    if answer.status.is_server_error() {
                        problems.push(format!("{method} {target}: {}", answer.status));
                    }
                }
            }
        }
    }
    assert!(calls > 1000, "{calls} calls");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let audit_after = app.get_json("/api/v1/audit?pageSize=1", &w.admin).await["total"].clone();
    assert_eq!(
        audit_before, audit_after,
        "a hostile request wrote something"
    );
}

/// A merge patch's `null` removes a member (RFC 7396). For every PATCH of the
/// document and each member its schema does not let be null, `null` is a 400
/// naming the member and the record stays as it was.
#[actix_web::test]
async fn null_for_a_member_that_cannot_be_removed_is_refused_by_name() {
    let m = Matrix::new().await;
    let spec = m.spec().await;
    let nullable = |schema: &Value| {
        schema["type"]
            .as_array()
            .is_some_and(|types| types.contains(&json!("null")))
            || ["oneOf", "anyOf"].iter().any(|k| {
                schema[*k]
                    .as_array()
                    .is_some_and(|s| s.iter().any(|s| s["type"] == "null"))
            })
    };
    let mut problems = Vec::new();
    let mut refused = 0;
    for (template, schema) in patch_bodies(&spec) {
        for (member, property) in schema["properties"].as_object().unwrap() {
            if nullable(property) {
                continue;
            }
            let path = m.fresh_record_path(template).await;
            let before =
                m.w.app
                    .call(Method::GET, &path, &m.w.admin, None, None)
                    .await;
            let version = before.body["version"].as_i64().expect("version");
            let answer =
                m.w.app
                    .call(
                        Method::PATCH,
                        &path,
                        m.writer_of(template),
                        Some(&json!({ member.as_str(): null })),
                        Some(version),
                    )
                    .await;
            let named = answer.body["issues"][0]["name"] == member.as_str();
            if answer.status != StatusCode::BAD_REQUEST || !named {
                problems.push(format!(
                    "PATCH {template} {member}=null: {} {}",
                    answer.status, answer.body
                ));
            }
            let after =
                m.w.app
                    .call(Method::GET, &path, &m.w.admin, None, None)
                    .await;
            if after.body != before.body {
                problems.push(format!("PATCH {template} {member}=null changed the record"));
            }
            refused += 1;
        }
    }
    assert!(refused > 40, "{refused} members checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Input the document refuses is a 400 whatever the `If-Match`: a stale
/// version does not hide that the request could never succeed. For every PATCH
/// and each member with a range, a length, a pattern or a list size, or whose
/// items are unique, a value outside it is sent with a stale version.
#[actix_web::test]
async fn out_of_range_input_is_a_400_even_with_a_stale_version() {
    let m = Matrix::new().await;
    let spec = m.spec().await;
    let mut problems = Vec::new();
    let mut checked = 0;
    for (template, schema) in patch_bodies(&spec) {
        let path = m.fresh_record_path(template).await;
        for (member, property) in schema["properties"].as_object().unwrap() {
            let mut outside = Vec::new();
            if let Some(min) = property["minimum"].as_f64() {
                outside.push(json!(min - 1.0));
            }
            if let Some(max) = property["maximum"].as_f64() {
                outside.push(json!(max + 1.0));
            }
            if let Some(max) = property["maxLength"].as_u64() {
                outside.push(json!("x".repeat(max as usize + 1)));
            }
            // A control character and a star: outside every pattern of the document.
            if property["pattern"].is_string() {
                outside.push(json!("\u{1}*"));
            }
            if property["items"]["pattern"].is_string() {
                outside.push(json!(["\u{1}*"]));
            }
            // Lists: too short, too long, a repeated item. The item has the
            // form the document gives (whether it exists is a later question).
            let sample = match (
                property["items"]["format"].as_str(),
                property["items"]["pattern"].as_str(),
            ) {
                (Some("uuid"), _) => Some(json!(uuid::Uuid::new_v4())),
                (_, Some("^[0-9]{5}$")) => Some(json!("71016")),
                (_, Some(_)) => Some(json!("limburg")),
                _ => None,
            };
            if let Some(sample) = sample {
                if property["minItems"].as_u64().is_some_and(|min| min > 0) {
                    outside.push(json!([]));
                }
                if let Some(max) = property["maxItems"].as_u64() {
                    let many: Vec<Value> = (0..=max).map(|_| sample.clone()).collect();
                    outside.push(Value::Array(many));
                }
                if property["uniqueItems"] == true {
                    outside.push(json!([sample.clone(), sample]));
                }
            }
            for value in outside {
                let answer =
                    m.w.app
                        .call(
                            Method::PATCH,
                            &path,
                            m.writer_of(template),
                            Some(&json!({ member.as_str(): value })),
                            Some(999_999),
                        )
                        .await;
                checked += 1;
                if answer.status != StatusCode::BAD_REQUEST {
                    problems.push(format!(
                        "PATCH {template} {member}: {} {}",
                        answer.status, answer.body
                    ));
                }
            }
        }
    }
    assert!(checked > 20, "{checked} values checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every read of the document that answers an `ETag` answers 304 without a
/// body when `If-None-Match` names it (weakly, in a list, or as `*`), and the
/// full record otherwise.
#[actix_web::test]
async fn reads_with_an_etag_answer_304_while_the_copy_is_current() {
    // The weak form of a tag; a report's tag is weak already.
    let weak = |tag: &str| {
        if tag.starts_with("W/") {
            tag.to_owned()
        } else {
            format!("W/{tag}")
        }
    };
    let m = Matrix::new().await;
    let spec = m.spec().await;
    let mut problems = Vec::new();
    let mut checked = 0;
    for (template, item) in spec["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else {
            continue;
        };
        if get.pointer("/responses/200/headers/ETag").is_none() {
            continue;
        }
        checked += 1;
        let path = m.fresh_record_path(template).await;
        let read = |condition: Option<String>| {
            let mut request = m.w.app.request(Method::GET, &path).bearer_auth(&m.w.admin);
            if let Some(condition) = condition {
                request = request.header("if-none-match", condition);
            }
            request.send()
        };
        let first = read(None).await.unwrap();
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        for (condition, expected) in [
            (etag.clone(), StatusCode::NOT_MODIFIED),
            (weak(&etag), StatusCode::NOT_MODIFIED),
            (format!("\"999999\", {etag}"), StatusCode::NOT_MODIFIED),
            ("*".to_owned(), StatusCode::NOT_MODIFIED),
            ("\"999999\"".to_owned(), StatusCode::OK),
            ("not a tag".to_owned(), StatusCode::OK),
        ] {
            let response = read(Some(condition.clone())).await.unwrap();
            let status = response.status();
            let tag = response.headers().get("etag").cloned();
            let body = response.bytes().await.unwrap();
            let fine = status == expected
                && tag.is_some_and(|t| t == etag.as_str())
                && (status == StatusCode::OK) != body.is_empty();
            if !fine {
                problems.push(format!(
                    "GET {template} If-None-Match {condition}: {status}"
                ));
            }
        }
    }
    assert!(checked >= 10, "{checked} reads checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // A change makes the old copy stale.
    let plan = m.record("plans", Scope::Own, Caller::Admin).await;
    let path = format!("/api/v1/plans/{plan}");
    m.w.app
        .call(
            Method::PATCH,
            &path,
            &m.w.admin,
            Some(&json!({"title": "Nieuw"})),
            Some(1),
        )
        .await;
    let response =
        m.w.app
            .request(Method::GET, &path)
            .bearer_auth(&m.w.admin)
            .header("if-none-match", "\"1\"")
            .send()
            .await
            .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
}
