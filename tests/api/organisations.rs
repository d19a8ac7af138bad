//! Organisations: KBO numbers, scoped writes, references.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::World;

#[actix_web::test]
async fn enterprise_numbers_are_checked_and_stored_bare() {
    let w = World::new().await;
    let created = w
        .app
        .create(
            "/api/v1/organisations",
            &w.steering,
            json!({"name": "OCMW Voorbeeld", "kind": "localGovernment", "enterpriseNumber": "BE0123.456.749",
                   "ovoCode": "OVO000001", "regionId": "limburg", "website": "https://example.org"}),
        )
        .await;
    assert_eq!(created["enterpriseNumber"], "0123456749");
    for notation in ["0123.456.749", "BE0123456749", "0123456749"] {
        let answer = w
            .app
            .call(
                Method::POST,
                "/api/v1/organisations",
                &w.steering,
                Some(&json!({"name": "Dubbel", "kind": "caw", "enterpriseNumber": notation})),
                None,
            )
            .await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{notation}");
        let found = w
            .app
            .get_json(
                &format!("/api/v1/organisations?enterpriseNumber={notation}"),
                &w.reader,
            )
            .await;
        assert_eq!(found["total"], 1, "{notation}");
    }
    let cases = [
        (
            json!({"name": "x", "kind": "caw", "enterpriseNumber": "0123456789"}),
            "enterpriseNumber",
            "check digits do not match",
        ),
        (
            json!({"name": "x", "kind": "caw", "enterpriseNumber": "2123456749"}),
            "enterpriseNumber",
            "must start with 0 or 1",
        ),
        (
            json!({"name": "x", "kind": "caw", "enterpriseNumber": "12345"}),
            "enterpriseNumber",
            "must be 10 digits",
        ),
        (
            json!({"name": "x", "kind": "caw", "ovoCode": "OVO12"}),
            "ovoCode",
            "OVO",
        ),
        (
            json!({"name": "x", "kind": "caw", "municipality": "7101"}),
            "municipality",
            "five digits",
        ),
        (
            json!({"name": "x", "kind": "caw", "municipality": "71016"}),
            "municipality",
            "no known municipality",
        ),
        (
            json!({"name": "x", "kind": "caw", "website": "ftp://x"}),
            "website",
            "http",
        ),
        (
            json!({"name": "x", "kind": "caw", "regionId": "atlantis"}),
            "regionId",
            "no such region",
        ),
        (
            json!({"name": "x", "kind": "bank"}),
            "kind",
            "unknown variant",
        ),
        (
            json!({"name": "x", "kind": "caw", "example": true}),
            "example",
            "read-only",
        ),
    ];
    for (body, field, detail) in cases {
        let answer = w
            .app
            .call(
                Method::POST,
                "/api/v1/organisations",
                &w.steering,
                Some(&body),
                None,
            )
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer.body["issues"][0]["name"], field, "{}", answer.body);
        assert!(
            answer.body["issues"][0]["detail"]
                .as_str()
                .unwrap()
                .contains(detail),
            "{}",
            answer.body
        );
    }
}

#[actix_web::test]
async fn coordinators_and_contributors_write_within_their_scope() {
    let w = World::new().await;
    let body =
        |region: &str| json!({"name": "Vereniging", "kind": "association", "regionId": region});
    let own = w
        .app
        .call(
            Method::POST,
            "/api/v1/organisations",
            &w.coordinator,
            Some(&body("limburg")),
            None,
        )
        .await;
    assert_eq!(own.status, StatusCode::CREATED);
    let other = w
        .app
        .call(
            Method::POST,
            "/api/v1/organisations",
            &w.coordinator,
            Some(&body("antwerpen")),
            None,
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    for token in [&w.contributor, &w.reader] {
        let refused = w
            .app
            .call(
                Method::POST,
                "/api/v1/organisations",
                token,
                Some(&body("limburg")),
                None,
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
    let limburg = format!("/api/v1/organisations/{}", w.org_limburg);
    let antwerpen = format!("/api/v1/organisations/{}", w.org_antwerpen);
    let cases = [
        (
            &w.coordinator,
            &limburg,
            json!({"name": "Nieuwe naam"}),
            StatusCode::OK,
        ),
        (
            &w.coordinator,
            &limburg,
            json!({"regionId": "antwerpen"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            &w.coordinator,
            &antwerpen,
            json!({"name": "x"}),
            StatusCode::FORBIDDEN,
        ),
        (
            &w.contributor,
            &limburg,
            json!({"website": "https://caw.example"}),
            StatusCode::OK,
        ),
        (
            &w.contributor,
            &limburg,
            json!({"regionId": null}),
            StatusCode::BAD_REQUEST,
        ),
        (
            &w.contributor,
            &antwerpen,
            json!({"name": "x"}),
            StatusCode::FORBIDDEN,
        ),
        (
            &w.reader,
            &limburg,
            json!({"name": "x"}),
            StatusCode::FORBIDDEN,
        ),
        (
            &w.steering,
            &antwerpen,
            json!({"regionId": "brussel"}),
            StatusCode::OK,
        ),
    ];
    for (token, path, patch, expected) in cases {
        let answer = w.app.patch_current(path, token, patch.clone()).await;
        assert_eq!(answer.status, expected, "{path} {patch}: {}", answer.body);
    }
    let delete = w.app.delete_current(&limburg, &w.coordinator).await;
    assert_eq!(delete.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn an_organisation_that_leads_work_is_not_deleted() {
    let w = World::new().await;
    w.initiative("K1", &["limburg"], Some(w.org_antwerpen))
        .await;
    let refused = w
        .app
        .delete_current(
            &format!("/api/v1/organisations/{}", w.org_antwerpen),
            &w.steering,
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("1 initiatives it leads"),
        "{}",
        refused.body
    );
    let contributor_org = w
        .app
        .delete_current(
            &format!("/api/v1/organisations/{}", w.org_limburg),
            &w.admin,
        )
        .await;
    assert_eq!(contributor_org.status, StatusCode::CONFLICT);
    assert!(
        contributor_org.body["detail"]
            .as_str()
            .unwrap()
            .contains("users")
    );
    let free = w
        .app
        .create(
            "/api/v1/organisations",
            &w.steering,
            json!({"name": "Los", "kind": "other"}),
        )
        .await;
    let gone = w
        .app
        .delete_current(
            &format!("/api/v1/organisations/{}", free["id"].as_str().unwrap()),
            &w.steering,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
}
