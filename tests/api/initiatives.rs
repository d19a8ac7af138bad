//! Initiatives: region-scoped writes, validation, concurrency and lists.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{World, id_of};

fn path(initiative: &Value) -> String {
    format!("/api/v1/initiatives/{}", initiative["id"].as_str().unwrap())
}

#[actix_web::test]
async fn a_coordinator_creates_in_their_own_region_only() {
    let w = World::new().await;
    let body = |code: &str, regions: Value| {
        json!({"actionId": w.action_id, "code": code, "title": "Buurtwerk",
               "leadOrganisationId": w.org_limburg, "regions": regions})
    };
    let own = w
        .app
        .call(
            Method::POST,
            "/api/v1/initiatives",
            &w.coordinator,
            Some(&body("L1", json!(["limburg"]))),
            None,
        )
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
    assert_eq!(own.body["planId"], w.plan_id.to_string());
    assert_eq!(own.body["status"], "planned");
    assert_eq!(own.location.as_deref(), Some(path(&own.body).as_str()));
    for regions in [
        json!(["antwerpen"]),
        json!(["limburg", "antwerpen"]),
        json!(["vlaanderen"]),
    ] {
        let refused = w
            .app
            .call(
                Method::POST,
                "/api/v1/initiatives",
                &w.coordinator,
                Some(&body("L2", regions.clone())),
                None,
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{regions}");
    }
    let mixed = w
        .app
        .call(
            Method::POST,
            "/api/v1/initiatives",
            &w.steering,
            Some(&body("V1", json!(["vlaanderen", "limburg"]))),
            None,
        )
        .await;
    assert_eq!(mixed.status, StatusCode::BAD_REQUEST);
    assert_eq!(mixed.body["issues"][0]["name"], "regions");
    let flanders = w
        .app
        .call(
            Method::POST,
            "/api/v1/initiatives",
            &w.steering,
            Some(&body("V1", json!(["vlaanderen"]))),
            None,
        )
        .await;
    assert_eq!(flanders.status, StatusCode::CREATED);
    for token in [&w.contributor, &w.reader] {
        let refused = w
            .app
            .call(
                Method::POST,
                "/api/v1/initiatives",
                token,
                Some(&body("L3", json!(["limburg"]))),
                None,
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
}

#[actix_web::test]
async fn a_coordinator_edits_shared_work_but_keeps_its_regions() {
    let w = World::new().await;
    let shared = w.initiative("S1", &["limburg", "antwerpen"], None).await;
    let foreign = w
        .initiative("F1", &["antwerpen"], Some(w.org_antwerpen))
        .await;
    let own = w.initiative("O1", &["limburg"], None).await;
    let edited = w
        .app
        .patch_current(
            &path(&shared),
            &w.coordinator,
            json!({"title": "Gedeeld werk"}),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(edited.body["version"], 2);
    let same_regions = w
        .app
        .patch_current(
            &path(&shared),
            &w.coordinator,
            json!({"regions": ["antwerpen", "limburg"]}),
        )
        .await;
    assert_eq!(same_regions.status, StatusCode::OK, "{}", same_regions.body);
    let narrowed = w
        .app
        .patch_current(
            &path(&shared),
            &w.coordinator,
            json!({"regions": ["limburg"]}),
        )
        .await;
    assert_eq!(narrowed.status, StatusCode::BAD_REQUEST);
    assert_eq!(narrowed.body["issues"][0]["name"], "regions");
    let moved = w
        .app
        .patch_current(
            &path(&own),
            &w.coordinator,
            json!({"regions": ["antwerpen"]}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::BAD_REQUEST);
    let other = w
        .app
        .patch_current(
            &path(&foreign),
            &w.coordinator,
            json!({"title": "Niet van mij"}),
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let delete_shared = w.app.delete_current(&path(&shared), &w.coordinator).await;
    assert_eq!(delete_shared.status, StatusCode::FORBIDDEN);
    let delete_foreign = w.app.delete_current(&path(&foreign), &w.coordinator).await;
    assert_eq!(delete_foreign.status, StatusCode::FORBIDDEN);
    let delete_own = w.app.delete_current(&path(&own), &w.coordinator).await;
    assert_eq!(delete_own.status, StatusCode::NO_CONTENT);
    let steering_moves = w
        .app
        .patch_current(
            &path(&foreign),
            &w.steering,
            json!({"regions": ["limburg", "brussel"]}),
        )
        .await;
    assert_eq!(steering_moves.status, StatusCode::OK);
    assert_eq!(
        steering_moves.body["regions"],
        json!(["brussel", "limburg"])
    );
}

#[actix_web::test]
async fn initiative_input_is_checked_field_by_field() {
    let w = World::new().await;
    let base = json!({"actionId": w.action_id, "code": "C1", "title": "t",
                      "leadOrganisationId": w.org_limburg, "regions": ["limburg"]});
    let with = |extra: Value| {
        let mut body = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases = [
        (with(json!({"code": "-x"})), "code"),
        (with(json!({"title": "  "})), "title"),
        (with(json!({"regions": []})), "regions"),
        (with(json!({"regions": ["limburg", "limburg"]})), "regions"),
        (with(json!({"regions": ["atlantis"]})), "regions"),
        (with(json!({"municipalities": ["7101"]})), "municipalities"),
        (with(json!({"municipalities": ["71016"]})), "municipalities"),
        (with(json!({"progress": 101})), "progress"),
        (
            with(json!({"status": "dropped", "progress": 10})),
            "progress",
        ),
        (with(json!({"weight": 1001})), "weight"),
        (
            with(json!({"startDate": "2024-05-01", "endDate": "2024-04-30"})),
            "endDate",
        ),
        (with(json!({"startDate": "1999-12-31"})), "startDate"),
        (
            with(json!({"leadOrganisationId": uuid::Uuid::new_v4()})),
            "leadOrganisationId",
        ),
        (
            with(json!({"partnerOrganisationIds": [w.org_limburg]})),
            "partnerOrganisationIds",
        ),
        (with(json!({"actionId": uuid::Uuid::new_v4()})), "actionId"),
        (
            with(json!({"primaryCareZoneId": uuid::Uuid::new_v4()})),
            "primaryCareZoneId",
        ),
        (with(json!({"planId": w.plan_id})), "planId"),
        (with(json!({"version": 4})), "version"),
        (with(json!({"externalId": ""})), "externalId"),
        (with(json!({"title": "nul\u{0}byte"})), "title"),
        (with(json!({"colour": "red"})), "colour"),
        (with(json!({"progress": 1e40})), "progress"),
    ];
    for (body, field) in cases {
        let answer = w
            .app
            .call(
                Method::POST,
                "/api/v1/initiatives",
                &w.steering,
                Some(&body),
                None,
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            answer.body
        );
        assert_eq!(
            answer.body["issues"][0]["name"], field,
            "{body}: {}",
            answer.body
        );
    }
    let created = w
        .app
        .create(
            "/api/v1/initiatives",
            &w.steering,
            with(json!({"externalId": "crm-1"})),
        )
        .await;
    let again = w
        .app
        .call(
            Method::POST,
            "/api/v1/initiatives",
            &w.steering,
            Some(&with(json!({"code": "C2", "externalId": "crm-1"}))),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let duplicate_code = w
        .app
        .call(
            Method::POST,
            "/api/v1/initiatives",
            &w.steering,
            Some(&base),
            None,
        )
        .await;
    assert_eq!(duplicate_code.status, StatusCode::CONFLICT);
    for field in ["status", "progress"] {
        let refused = w
            .app
            .patch_current(&path(&created), &w.steering, json!({field: 50}))
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert_eq!(refused.body["issues"][0]["name"], field);
    }
    let unchanged = w.app.get_json(&path(&created), &w.steering).await;
    assert_eq!(unchanged["version"], 1, "refused writes change nothing");
}

#[actix_web::test]
async fn concurrent_writers_never_overwrite_each_other() {
    let w = World::new().await;
    let initiative = w.initiative("R1", &["limburg"], None).await;
    let p = path(&initiative);
    let writers = (0..20).map(|i| {
        let body = json!({"title": format!("Versie {i}")});
        let app = &w.app;
        let token = w.steering.clone();
        let p = p.clone();
        async move {
            (
                i,
                app.call(Method::PATCH, &p, &token, Some(&body), Some(1))
                    .await,
            )
        }
    });
    let answers = futures_util::future::join_all(writers).await;
    let winners: Vec<_> = answers
        .iter()
        .filter(|(_, a)| a.status == StatusCode::OK)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one writer wins");
    assert!(answers.iter().all(|(_, a)| a.status == StatusCode::OK
        || a.status == StatusCode::PRECONDITION_FAILED));
    let now = w.app.get_json(&p, &w.steering).await;
    assert_eq!(now["version"], 2);
    assert_eq!(now["title"], format!("Versie {}", winners[0].0));
    let missing = w
        .app
        .call(
            Method::PATCH,
            &p,
            &w.steering,
            Some(&json!({"title": "x"})),
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
    let delete_stale = w
        .app
        .call(Method::DELETE, &p, &w.steering, None, Some(1))
        .await;
    assert_eq!(delete_stale.status, StatusCode::PRECONDITION_FAILED);
}

#[actix_web::test]
async fn lists_filter_sort_and_page() {
    let w = World::new().await;
    let a = w.initiative("L-01", &["limburg"], None).await;
    let b = w
        .initiative("L-02", &["limburg", "antwerpen"], Some(w.org_antwerpen))
        .await;
    let c = w
        .initiative("A-01", &["antwerpen"], Some(w.org_antwerpen))
        .await;
    let _ = w
        .initiative("B-01", &["brussel"], Some(w.org_antwerpen))
        .await;
    let update = json!({"date": "2024-03-01", "status": "inProgress", "progress": 70});
    w.app
        .create(
            &format!("{}/progressUpdates", path(&a)),
            &w.steering,
            update,
        )
        .await;
    w.app
        .create(
            &format!("{}/progressUpdates", path(&c)),
            &w.steering,
            json!({"date": "2024-03-01", "status": "completed"}),
        )
        .await;
    let codes = |body: &Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let q = |query: &str| format!("/api/v1/initiatives?{query}");
    let cases: Vec<(String, Vec<&str>)> = vec![
        (q("region=limburg"), vec!["L-01", "L-02"]),
        (
            q("region=limburg&region=brussel"),
            vec!["B-01", "L-01", "L-02"],
        ),
        (q("region=antwerpen&status=completed"), vec!["A-01"]),
        (q(&format!("organisation={}", w.org_limburg)), vec!["L-01"]),
        (q("progressMin=60"), vec!["A-01", "L-01"]),
        (q("progressMin=60&progressMax=80"), vec!["L-01"]),
        (q("q=l-0"), vec!["L-01", "L-02"]),
        (q("sort=-code&pageSize=2"), vec!["L-02", "L-01"]),
        (q("sort=-progress&region=limburg"), vec!["L-01", "L-02"]),
        // L-01's last update is from 2024; A-01 is completed; the others are new.
        (
            q(&format!("action={}&staleDays=30", w.action_id)),
            vec!["L-01"],
        ),
        (
            q(&format!("challenge={}", w.challenge_ids[7])),
            vec!["A-01", "B-01", "L-01", "L-02"],
        ),
        (q(&format!("challenge={}", w.challenge_ids[0])), vec![]),
        (
            q(&format!("plan={}&status=planned", w.plan_id)),
            vec!["B-01", "L-02"],
        ),
    ];
    for (url, expected) in cases {
        let body = w.app.get_json(&url, &w.reader).await;
        assert_eq!(codes(&body), expected, "{url}");
    }
    let page = w.app.get_json(&q("pageSize=3&page=2"), &w.reader).await;
    assert_eq!(page["total"], 4);
    assert_eq!(codes(&page), ["L-02"]);
    assert!(page["prev"].as_str().unwrap().contains("page=1"));
    assert!(page.get("next").is_none());
    let past = w.app.get_json(&q("pageSize=3&page=9"), &w.reader).await;
    assert_eq!(past["total"], 4);
    assert_eq!(past["items"], json!([]));
    let _ = b;
    for bad in [
        "pageSize=201",
        "pageSize=0",
        "page=0",
        "sort=colour",
        "progressMin=101",
        "progressMin=50&progressMax=10",
        "staleDays=0",
        "region=",
        "plan=not-a-uuid",
        "updatedSince=yesterday",
        "unknown=1",
        "status=finished",
    ] {
        let answer = w
            .app
            .call(Method::GET, &q(bad), &w.reader, None, None)
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{bad}: {}",
            answer.body
        );
        assert_eq!(
            answer.body["type"], "urn:problem-type:ssw:validation",
            "{bad}"
        );
    }
}

#[actix_web::test]
async fn an_initiative_with_a_timeline_is_dropped_not_deleted() {
    let w = World::new().await;
    let initiative = w.initiative("T1", &["limburg"], None).await;
    w.app
        .create(
            &format!("{}/progressUpdates", path(&initiative)),
            &w.contributor,
            json!({"date": "2024-01-10", "status": "inProgress"}),
        )
        .await;
    let refused = w.app.delete_current(&path(&initiative), &w.steering).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body["detail"].as_str().unwrap().contains("dropped"));
    assert_eq!(
        id_of(&w.app.get_json(&path(&initiative), &w.reader).await),
        id_of(&initiative)
    );
}
