//! An external id is unique per resource type and source system: two
//! systems that sync with their own keys each find their own records, and
//! neither overwrites the other's.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::World;
use crate::imports::count;

/// A steering service account's API key.
async fn system(w: &World, name: &str) -> String {
    let res = w
        .app
        .post_json(
            "/api/v1/serviceAccounts",
            &json!({"name": name, "role": "steering"}),
        )
        .bearer_auth(&w.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let account: Value = res.json().await.unwrap();
    let res = w
        .app
        .post_json(
            &format!(
                "/api/v1/serviceAccounts/{}/apiKeys",
                account["id"].as_str().unwrap()
            ),
            &json!({"name": "sync"}),
        )
        .bearer_auth(&w.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let key: Value = res.json().await.unwrap();
    key["key"].as_str().unwrap().to_owned()
}

async fn import(w: &World, key: &str, resource: &str, file: &str) -> Value {
    let res = w
        .app
        .client
        .post(w.app.url(&format!("/api/v1/imports/{resource}")))
        .header("x-api-key", key)
        .header("content-type", "text/csv")
        .body(file.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["status"], "succeeded", "{report}");
    report["counts"].clone()
}

async fn names(w: &World, key: Option<&str>, path: &str) -> Vec<String> {
    let req = w.app.get(path);
    let req = match key {
        Some(key) => req.header("x-api-key", key),
        None => req.bearer_auth(&w.steering),
    };
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page: Value = res.json().await.unwrap();
    let mut names: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    names.sort();
    names
}

#[actix_web::test]
async fn two_systems_keep_their_own_external_ids_apart() {
    let w = World::new().await;
    let gent = system(&w, "Gent welzijn").await;
    let crm = system(&w, "CAW CRM").await;

    let counts = import(
        &w,
        &gent,
        "organisations",
        "name,kind,externalId\nBuurtwerk Gent,association,rel-1\n",
    )
    .await;
    assert_eq!(counts["created"], 1);
    let counts = import(
        &w,
        &crm,
        "organisations",
        "name,kind,externalId\nCAW Oost,caw,rel-1\n",
    )
    .await;
    assert_eq!(
        counts["created"], 1,
        "the other system's rel-1 is not this one's"
    );
    assert_eq!(count(&w, "organisations", "external_id = 'rel-1'").await, 2);

    // Each system finds its own record by its own key, and only that one.
    let counts = import(
        &w,
        &gent,
        "organisations",
        "name,kind,externalId\nBuurtwerk Gent,association,rel-1\n",
    )
    .await;
    assert_eq!(counts["unchanged"], 1);
    let counts = import(
        &w,
        &crm,
        "organisations",
        "name,kind,externalId\nCAW Oost-Vlaanderen,caw,rel-1\n",
    )
    .await;
    assert_eq!(counts["updated"], 1);
    let path = "/api/v1/organisations?externalId=rel-1";
    assert_eq!(names(&w, Some(&gent), path).await, ["Buurtwerk Gent"]);
    assert_eq!(names(&w, Some(&crm), path).await, ["CAW Oost-Vlaanderen"]);
    // A person sees every system's.
    assert_eq!(
        names(&w, None, path).await,
        ["Buurtwerk Gent", "CAW Oost-Vlaanderen"]
    );

    // Within one system the id stays unique.
    let res = w
        .app
        .request(Method::POST, "/api/v1/organisations")
        .header("x-api-key", &gent)
        .json(&json!({"name": "Tweede", "kind": "association", "externalId": "rel-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // People set ids in the service's own system.
    let res = w
        .app
        .post_json(
            "/api/v1/organisations",
            &json!({"name": "Handmatig", "kind": "association", "externalId": "rel-1"}),
        )
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        count(
            &w,
            "organisations",
            "external_id = 'rel-1' AND external_source IS NULL"
        )
        .await,
        1
    );
}

#[actix_web::test]
async fn measurements_of_two_systems_with_one_external_id_stay_apart() {
    let w = World::new().await;
    let gent = system(&w, "Gent welzijn").await;
    let crm = system(&w, "CAW CRM").await;
    let kempen = crate::report_results::project(&w).await;
    let bereik = crate::report_results::indicator(
        &w,
        &kempen,
        json!({"code": "bereik", "name": "Bereik", "measure": "count", "direction": "higherIsBetter", "granularity": "quarter"}),
    )
    .await;
    let id = bereik["id"].as_str().unwrap();
    let head = "indicatorId,period,placeType,placeCode,value,externalId\n";
    let file = format!("{head}{id},2025Q1,municipality,71016,10,m-1\n");
    assert_eq!(import(&w, &gent, "measurements", &file).await["created"], 1);
    let file = format!("{head}{id},2025Q2,municipality,71016,20,m-1\n");
    assert_eq!(
        import(&w, &crm, "measurements", &file).await["created"],
        1,
        "the other system's m-1 is not moved"
    );
    let file = format!("{head}{id},2025Q1,municipality,71016,11,m-1\n");
    assert_eq!(import(&w, &gent, "measurements", &file).await["updated"], 1);
    let values = crate::imports::rows(
        &w,
        "SELECT period_start::text AS p, value FROM measurements
          WHERE external_id = 'm-1' AND deleted_at IS NULL ORDER BY period_start",
    )
    .await;
    assert_eq!(
        values,
        json!([{"p": "2025-01-01", "value": 11}, {"p": "2025-04-01", "value": 20}])
    );
}
