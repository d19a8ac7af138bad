//! GBO projects: derived regions and missing partner kinds, rights per role,
//! unique external ids, If-Match, and the records they keep from deletion.

use diesel_async::RunQueryDsl;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ssw_api::storage;
use uuid::Uuid;

use crate::fixtures::{World, id_of};

const PROJECTS: &str = "/api/v1/gboProjects";

async fn municipality(w: &World, nis: &str, region: &str) {
    w.app
        .create(
            "/api/v1/municipalities",
            &w.admin,
            json!({"nisCode": nis, "name": format!("Gemeente {nis}"), "regionId": region,
                   "validFrom": "1977-01-01"}),
        )
        .await;
}

/// Hasselt and Genk in Limburg, Antwerpen in Antwerpen.
async fn places(w: &World) {
    municipality(w, "71022", "limburg").await;
    municipality(w, "71016", "limburg").await;
    municipality(w, "11002", "antwerpen").await;
}

fn path(project: &Value) -> String {
    format!("{PROJECTS}/{}", id_of(project))
}

#[actix_web::test]
async fn a_project_says_which_core_partners_it_lacks_and_where_it_lies() {
    let w = World::new().await;
    places(&w).await;
    let created = w
        .app
        .create(
            PROJECTS,
            &w.steering,
            json!({"name": "GBO Hasselt-Antwerpen", "municipalities": ["71022", "11002", "71016"],
                   "partners": [{"organisationId": w.org_limburg, "part": "caw"}],
                   "contact": {"name": "Onthaal", "email": " Onthaal@Example.ORG ", "phone": "+32 11 22 33 44"},
                   "startDate": "2019-09-01"}),
        )
        .await;
    assert_eq!(
        created["missingPartnerKinds"],
        json!(["localGovernment", "healthInsuranceFund"])
    );
    assert_eq!(created["regions"], json!(["antwerpen", "limburg"]));
    assert_eq!(
        created["municipalities"],
        json!(["11002", "71016", "71022"])
    );
    assert_eq!(created["status"], "active");
    assert_eq!(created["example"], false);
    assert_eq!(created["contact"]["email"], "onthaal@example.org");
    assert_eq!(created["version"], 1);

    // Completing the partnership empties the list.
    let p = path(&created);
    let answer = w
        .app
        .patch_current(
            &p,
            &w.steering,
            json!({"partners": [
                {"organisationId": w.org_limburg, "part": "caw"},
                {"organisationId": w.org_antwerpen, "part": "localGovernment"},
                {"organisationId": w.app.create_organisation("limburg").await, "part": "healthInsuranceFund"}]}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["missingPartnerKinds"], json!([]));
    assert_eq!(answer.body["partners"].as_array().unwrap().len(), 3);

    // Contact is merged member by member; null removes it.
    let answer = w
        .app
        .patch_current(&p, &w.steering, json!({"contact": {"phone": null}}))
        .await;
    assert_eq!(
        answer.body["contact"],
        json!({"name": "Onthaal", "email": "onthaal@example.org"})
    );
    let answer = w
        .app
        .patch_current(&p, &w.steering, json!({"contact": null}))
        .await;
    assert!(answer.body.get("contact").is_none(), "{}", answer.body);

    // Filters.
    for (query, total) in [
        ("region=antwerpen", 1),
        ("region=west-vlaanderen", 0),
        ("municipality=71016", 1),
        (&format!("organisation={}", w.org_antwerpen), 1),
        ("status=active", 1),
        ("status=ended", 0),
        ("q=hasselt", 1),
    ] {
        let page = w
            .app
            .get_json(&format!("{PROJECTS}?{query}"), &w.reader)
            .await;
        assert_eq!(page["total"], total, "{query}: {page}");
    }

    // A municipality that moves takes the project with it, and a new version.
    let before = w.app.get_json(&p, &w.reader).await;
    let answer = w
        .app
        .patch_current(
            "/api/v1/municipalities/11002",
            &w.admin,
            json!({"regionId": "limburg"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let after = w.app.get_json(&p, &w.reader).await;
    assert_eq!(after["regions"], json!(["limburg"]));
    assert!(after["version"].as_i64() > before["version"].as_i64());
    // An import that moves it back does the same.
    let answer = w
        .app
        .call(
            Method::POST,
            "/api/v1/municipalities/import",
            &w.admin,
            Some(
                &json!([{"nisCode": "11002", "name": "Gemeente 11002", "regionId": "antwerpen",
                          "validFrom": "1977-01-01"}]),
            ),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let back = w.app.get_json(&p, &w.reader).await;
    assert_eq!(back["regions"], json!(["antwerpen", "limburg"]));
    assert!(back["version"].as_i64() > after["version"].as_i64());
}

#[actix_web::test]
async fn bad_input_is_refused_by_name() {
    let w = World::new().await;
    places(&w).await;
    let ghost = Uuid::new_v4();
    let cases = [
        (json!({"name": "x", "municipalities": []}), "municipalities"),
        (
            json!({"name": "x", "municipalities": ["71016", "71016"]}),
            "municipalities",
        ),
        (
            json!({"name": "x", "municipalities": ["99999"]}),
            "municipalities",
        ),
        (
            json!({"name": "x", "municipalities": ["71016"],
                   "partners": [{"organisationId": w.org_limburg, "part": "caw"},
                                {"organisationId": w.org_limburg, "part": "other"}]}),
            "partners",
        ),
        (
            json!({"name": "x", "municipalities": ["71016"],
                   "partners": [{"organisationId": ghost, "part": "caw"}]}),
            "partners",
        ),
        (
            json!({"name": "x", "municipalities": ["71016"], "primaryCareZoneId": ghost}),
            "primaryCareZoneId",
        ),
        (
            json!({"name": "x", "municipalities": ["71016"], "contact": {"email": "geen adres"}}),
            "contact.email",
        ),
        (
            json!({"name": "x", "municipalities": ["71016"], "contact": {"phone": "bel maar"}}),
            "contact.phone",
        ),
        (
            json!({"name": "x", "municipalities": ["71016"], "startDate": "1899-01-01"}),
            "startDate",
        ),
        (
            json!({"name": "x", "municipalities": ["71016"], "regions": ["limburg"]}),
            "regions",
        ),
        (
            json!({"name": "x", "municipalities": ["71016"], "missingPartnerKinds": []}),
            "missingPartnerKinds",
        ),
        (
            json!({"name": "x", "municipalities": ["71016"], "example": true}),
            "example",
        ),
        (json!({"name": " ", "municipalities": ["71016"]}), "name"),
    ];
    for (body, field) in cases {
        let answer = w
            .app
            .call(Method::POST, PROJECTS, &w.steering, Some(&body), None)
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer.body["issues"][0]["name"], field, "{}", answer.body);
    }
    let page = w.app.get_json(PROJECTS, &w.admin).await;
    assert_eq!(page["total"], 0);
}

#[actix_web::test]
async fn rights_follow_regions_and_partnership() {
    let w = World::new().await;
    places(&w).await;
    let body = |nis: &str, org: Uuid| {
        json!({"name": format!("GBO {nis}"), "municipalities": [nis],
               "partners": [{"organisationId": org, "part": "caw"}]})
    };
    // The Limburg coordinator creates in Limburg only.
    let own = w
        .app
        .create(PROJECTS, &w.coordinator, body("71016", w.org_limburg))
        .await;
    let answer = w
        .app
        .call(
            Method::POST,
            PROJECTS,
            &w.coordinator,
            Some(&body("11002", w.org_antwerpen)),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let other = w
        .app
        .create(PROJECTS, &w.steering, body("11002", w.org_antwerpen))
        .await;
    // ...edits its region's projects, without moving them out.
    let answer = w
        .app
        .patch_current(&path(&own), &w.coordinator, json!({"name": "Nieuw"}))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let answer = w
        .app
        .patch_current(
            &path(&own),
            &w.coordinator,
            json!({"municipalities": ["71016", "11002"]}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.body["issues"][0]["name"], "municipalities");
    // Another Limburg municipality keeps the regions: fine.
    let answer = w
        .app
        .patch_current(
            &path(&own),
            &w.coordinator,
            json!({"municipalities": ["71016", "71022"]}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let answer = w
        .app
        .patch_current(&path(&other), &w.coordinator, json!({"name": "Nee"}))
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);

    // A partner's contributor renames, but does not change partners or municipalities.
    let answer = w
        .app
        .patch_current(&path(&own), &w.contributor, json!({"name": "Door partner"}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["name"], "Door partner");
    let answer = w
        .app
        .patch_current(
            &path(&own),
            &w.contributor,
            json!({"partners": [{"organisationId": w.org_limburg, "part": "other"}]}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.body["issues"][0]["name"], "partners");
    let answer = w
        .app
        .patch_current(
            &path(&own),
            &w.contributor,
            json!({"municipalities": ["71016"]}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.body["issues"][0]["name"], "municipalities");
    let answer = w
        .app
        .patch_current(&path(&other), &w.contributor, json!({"name": "Nee"}))
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let answer = w
        .app
        .call(
            Method::POST,
            PROJECTS,
            &w.contributor,
            Some(&body("71016", w.org_limburg)),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);

    // A reader reads but does not write.
    assert_eq!(w.app.get_json(PROJECTS, &w.reader).await["total"], 2);
    let answer = w
        .app
        .patch_current(&path(&own), &w.reader, json!({"name": "Nee"}))
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let answer = w.app.call(Method::GET, PROJECTS, "", None, None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);

    // Deletes: the coordinator its region's, not another's.
    let answer = w.app.delete_current(&path(&other), &w.coordinator).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let answer = w.app.delete_current(&path(&own), &w.contributor).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let answer = w.app.delete_current(&path(&own), &w.coordinator).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    let history = w
        .app
        .get_json(&format!("{}/history", path(&own)), &w.steering)
        .await;
    assert_eq!(history["total"], 5, "{history}");
    assert_eq!(history["items"][0]["operation"], "delete");
    assert_eq!(history["items"][0]["resource"], "gboProject");
}

#[actix_web::test]
async fn versions_external_ids_and_references() {
    let w = World::new().await;
    places(&w).await;
    let created = w
        .app
        .create(
            PROJECTS,
            &w.steering,
            json!({"name": "GBO Genk", "municipalities": ["71016"], "externalId": "gbo-1",
                   "partners": [{"organisationId": w.org_limburg, "part": "localGovernment"}]}),
        )
        .await;
    let p = path(&created);
    assert_eq!(
        w.app
            .get_json(&format!("{PROJECTS}?externalId=gbo-1"), &w.reader)
            .await["total"],
        1
    );
    // A taken external id is a 409 naming it.
    let answer = w
        .app
        .call(
            Method::POST,
            PROJECTS,
            &w.steering,
            Some(&json!({"name": "Dubbel", "municipalities": ["71022"], "externalId": "gbo-1"})),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(
        answer.body["detail"]
            .as_str()
            .unwrap()
            .contains("externalId"),
        "{}",
        answer.body
    );
    // If-Match: missing is 428, stale is 412; nothing changes.
    let body = json!({"name": "Anders"});
    for (version, status) in [
        (None, StatusCode::PRECONDITION_REQUIRED),
        (Some(7), StatusCode::PRECONDITION_FAILED),
    ] {
        let answer = w
            .app
            .call(Method::PATCH, &p, &w.steering, Some(&body), version)
            .await;
        assert_eq!(answer.status, status);
        let answer = w
            .app
            .call(Method::DELETE, &p, &w.steering, None, version)
            .await;
        assert_eq!(answer.status, status);
    }
    assert_eq!(w.app.get_json(&p, &w.reader).await["version"], 1);

    // The organisation and the municipality it names cannot go.
    let answer = w
        .app
        .delete_current(
            &format!("/api/v1/organisations/{}", w.org_limburg),
            &w.steering,
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(
        answer.body["detail"]
            .as_str()
            .unwrap()
            .contains("1 GBO projects it is a partner in"),
        "{}",
        answer.body
    );
    let answer = w
        .app
        .delete_current("/api/v1/municipalities/71016", &w.admin)
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(
        answer.body["detail"]
            .as_str()
            .unwrap()
            .contains("1 GBO projects"),
        "{}",
        answer.body
    );
    // Nor the primary care zone it works in.
    let zone = w
        .app
        .create(
            "/api/v1/primaryCareZones",
            &w.admin,
            json!({"code": "genk", "name": "Zone Genk", "regionId": "limburg", "municipalities": ["71016"]}),
        )
        .await;
    let answer = w
        .app
        .patch_current(&p, &w.steering, json!({"primaryCareZoneId": zone["id"]}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let zone_path = format!("/api/v1/primaryCareZones/{}", id_of(&zone));
    let answer = w.app.delete_current(&zone_path, &w.admin).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);

    // While an indicator refers to the project, it stays.
    let mut conn = storage::connection(&w.app.pool).await.unwrap();
    diesel::sql_query(format!(
        "INSERT INTO indicators (code, name, measure, time_aggregation, place_aggregation, granularity, direction, gbo_project_id)
         VALUES ('bereik', 'Bereik', 'count', 'sum', 'sum', 'quarter', 'higherIsBetter', '{}')",
        id_of(&created)
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    let answer = w.app.delete_current(&p, &w.steering).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(
        answer.body["detail"]
            .as_str()
            .unwrap()
            .contains("1 indicators"),
        "{}",
        answer.body
    );
    diesel::sql_query("DELETE FROM indicators")
        .execute(&mut conn)
        .await
        .unwrap();
    let answer = w.app.delete_current(&p, &w.steering).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    // Now the organisation, municipality and zone are free.
    let answer = w.app.delete_current(&zone_path, &w.admin).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
}
