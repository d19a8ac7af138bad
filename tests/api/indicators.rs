//! Indicators: their settings and the rules that keep their figures
//! meaningful, the standard set, and what refers to them.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{World, id_of};

/// Creates an indicator on `subject` (`{"type": …, "id": …}`) as steering,
/// with `extra` fields over a quarterly count.
pub async fn indicator(w: &World, code: &str, subject: Value, extra: Value) -> Value {
    let mut body = json!({"code": code, "name": format!("Indicator {code}"), "measure": "count",
                          "direction": "higherIsBetter", "granularity": "quarter", "subject": subject});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    w.app.create("/api/v1/indicators", &w.steering, body).await
}

pub fn on(kind: &str, record: &Value) -> Value {
    json!({"type": kind, "id": record["id"]})
}

fn names(answer: &Value) -> Vec<String> {
    answer["issues"]
        .as_array()
        .map(|issues| {
            issues
                .iter()
                .map(|i| i["name"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn post(w: &World, token: &str, body: Value) -> crate::fixtures::Answer {
    w.app
        .call(Method::POST, "/api/v1/indicators", token, Some(&body), None)
        .await
}

#[actix_web::test]
async fn an_indicator_keeps_its_settings_and_sorts_its_targets() {
    let w = World::new().await;
    let initiative = w.initiative("T1", &["limburg"], None).await;
    let created = indicator(
        &w,
        "bereik",
        on("initiative", &initiative),
        json!({"baseline": {"value": 10, "date": "2020-01-01"},
               "targets": [{"value": 80, "date": "2024-12-31"}, {"value": 40, "date": "2022-12-31"}],
               "externalId": "ext-1"}),
    )
    .await;
    assert_eq!(created["measure"], "count");
    assert_eq!(created["timeAggregation"], "sum");
    assert_eq!(created["placeAggregation"], "sum");
    assert_eq!(created["cumulative"], false);
    assert_eq!(created["subject"]["type"], "initiative");
    assert_eq!(created["targets"][0]["date"], "2022-12-31");
    assert_eq!(created["targets"][1]["value"], 80.0);
    assert_eq!(created["baseline"]["value"], 10.0);
    assert_eq!(created["example"], false);
    assert!(created.get("unit").is_none());
    let read = w
        .app
        .get_json(created["self"].as_str().unwrap(), &w.reader)
        .await;
    assert_eq!(read, created);
}

#[actix_web::test]
async fn combinations_without_a_meaningful_figure_are_400s_naming_the_field() {
    let w = World::new().await;
    let plan = json!({"type": "plan", "id": w.plan_id});
    let base = |extra: Value| {
        let mut body = json!({"code": "p1", "name": "Aandeel", "measure": "percentage",
                              "direction": "higherIsBetter", "granularity": "year", "subject": plan});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (extra, field) in [
        (json!({"placeAggregation": "average"}), "placeAggregation"),
        (json!({"timeAggregation": "average"}), "timeAggregation"),
        (json!({"unit": "EUR"}), "unit"),
        (json!({"direction": null}), "direction"),
        (json!({"measure": "amount"}), "unit"),
        (
            json!({"targets": [{"value": 120, "date": "2024-12-31"}]}),
            "targets[0].value",
        ),
        (
            json!({"measure": "count", "targets": [{"value": 3, "date": "2024-12-31"}, {"value": 2.5, "date": "2023-12-31"}]}),
            "targets[1].value",
        ),
        (
            json!({"measure": "qualitative", "direction": null, "timeAggregation": "last",
                "placeAggregation": "none", "baseline": {"value": 1, "date": "2020-01-01"}}),
            "baseline",
        ),
        (json!({"cumulative": true}), "timeAggregation"),
        (json!({"code": "met spatie"}), "code"),
        (
            json!({"subject": {"type": "initiative", "id": w.plan_id}}),
            "subject.id",
        ),
        (json!({"standard": "gbo.nothing"}), "standard"),
    ] {
        let answer = post(&w, &w.steering, base(extra.clone())).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{extra}: {}",
            answer.body
        );
        assert!(
            names(&answer.body).contains(&field.to_owned()),
            "{extra}: {}",
            answer.body
        );
    }
    // The same without the refused setting is fine.
    let ok = post(&w, &w.steering, base(json!({}))).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
}

#[actix_web::test]
async fn a_standard_indicator_gives_its_settings_and_refuses_others() {
    let w = World::new().await;
    let standards = w
        .app
        .get_json("/api/v1/standardIndicators", &w.reader)
        .await;
    let codes: Vec<&str> = standards
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 12);
    assert_eq!(codes[0], "gbo.peopleReached");
    assert_eq!(codes[11], "gbo.staffFte");
    let fte = w
        .app
        .get_json("/api/v1/standardIndicators/gbo.staffFte", &w.reader)
        .await;
    assert_eq!(
        (fte["unit"].as_str(), fte["timeAggregation"].as_str()),
        (Some("FTE"), Some("average"))
    );
    let missing = w
        .app
        .call(
            Method::GET,
            "/api/v1/standardIndicators/gbo.nothing",
            &w.reader,
            None,
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let initiative = w.initiative("S1", &["limburg"], None).await;
    let body = json!({"code": "fte", "name": "Sociaal werkers", "standard": "gbo.staffFte",
                      "subject": on("initiative", &initiative)});
    let mut other = body.clone();
    other["granularity"] = json!("year");
    let refused = post(&w, &w.steering, other).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(names(&refused.body), ["granularity"]);
    let created = post(&w, &w.steering, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["measure"], "amount");
    assert_eq!(created.body["unit"], "FTE");
    assert_eq!(created.body["granularity"], "quarter");
    assert_eq!(created.body["standard"], "gbo.staffFte");
    let listed = w
        .app
        .get_json("/api/v1/indicators?standard=gbo.staffFte", &w.reader)
        .await;
    assert_eq!(listed["total"], 1);
}

#[actix_web::test]
async fn codes_are_unique_per_subject_and_the_subject_is_fixed() {
    let w = World::new().await;
    let a = w.initiative("U1", &["limburg"], None).await;
    let b = w.initiative("U2", &["limburg"], None).await;
    let first = indicator(&w, "bereik", on("initiative", &a), json!({})).await;
    indicator(&w, "bereik", on("initiative", &b), json!({})).await;
    let again = post(
        &w,
        &w.steering,
        json!({"code": "bereik", "name": "Nog eens", "measure": "count", "direction": "higherIsBetter",
               "granularity": "quarter", "subject": on("initiative", &a)}),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body["detail"].as_str().unwrap().contains("code"),
        "{}",
        again.body
    );
    let path = first["self"].as_str().unwrap();
    let moved = w
        .app
        .patch_current(path, &w.steering, json!({"subject": on("initiative", &b)}))
        .await;
    assert_eq!(moved.status, StatusCode::BAD_REQUEST);
    assert_eq!(names(&moved.body), ["subject"]);
    let renamed = w
        .app
        .patch_current(
            path,
            &w.steering,
            json!({"name": "Bereikte mensen", "placeAggregation": "average"}),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(renamed.body["version"], 2);
    // The result of a PATCH is judged whole: a count cannot become a percentage averaged over places.
    let bad = w
        .app
        .patch_current(path, &w.steering, json!({"measure": "percentage"}))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(names(&bad.body), ["placeAggregation"]);
    let history = w
        .app
        .get_json(&format!("{path}/history"), &w.steering)
        .await;
    assert_eq!(history["total"], 2);
}

#[actix_web::test]
async fn lists_filter_by_plan_subject_and_measure() {
    let w = World::new().await;
    let initiative = w.initiative("L1", &["limburg"], None).await;
    indicator(&w, "a", json!({"type": "plan", "id": w.plan_id}), json!({})).await;
    indicator(
        &w,
        "b",
        json!({"type": "action", "id": w.action_id}),
        json!({}),
    )
    .await;
    indicator(
        &w,
        "c",
        on("initiative", &initiative),
        json!({"measure": "amount", "unit": "EUR"}),
    )
    .await;
    let all = w
        .app
        .get_json(&format!("/api/v1/indicators?plan={}", w.plan_id), &w.reader)
        .await;
    assert_eq!(all["total"], 3);
    let amounts = w
        .app
        .get_json("/api/v1/indicators?measure=amount&sort=-code", &w.reader)
        .await;
    assert_eq!(amounts["items"][0]["code"], "c");
    let of_action = w
        .app
        .get_json(
            &format!("/api/v1/indicators?action={}", w.action_id),
            &w.reader,
        )
        .await;
    assert_eq!(of_action["items"][0]["code"], "b");
    let bad = w
        .app
        .call(
            Method::GET,
            "/api/v1/indicators?sort=unit",
            &w.reader,
            None,
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let anonymous = w
        .app
        .call(Method::GET, "/api/v1/indicators", "", None, None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn who_may_write_indicators() {
    let w = World::new().await;
    let limburg = w.initiative("R1", &["limburg"], None).await;
    let antwerpen = w
        .initiative("R2", &["antwerpen"], Some(w.org_antwerpen))
        .await;
    let body = |code: &str, subject: Value| {
        json!({"code": code, "name": "Bereik", "measure": "count", "direction": "higherIsBetter",
               "granularity": "year", "subject": subject})
    };
    let plan = json!({"type": "plan", "id": w.plan_id});
    for (token, code, subject, expected) in [
        (
            &w.coordinator,
            "c1",
            on("initiative", &limburg),
            StatusCode::CREATED,
        ),
        (
            &w.coordinator,
            "c2",
            on("initiative", &antwerpen),
            StatusCode::FORBIDDEN,
        ),
        (&w.coordinator, "c3", plan.clone(), StatusCode::FORBIDDEN),
        (
            &w.contributor,
            "o1",
            on("initiative", &limburg),
            StatusCode::CREATED,
        ),
        (
            &w.contributor,
            "o2",
            on("initiative", &antwerpen),
            StatusCode::FORBIDDEN,
        ),
        (
            &w.reader,
            "r1",
            on("initiative", &limburg),
            StatusCode::FORBIDDEN,
        ),
        (&w.steering, "s1", plan.clone(), StatusCode::CREATED),
        (
            &w.admin,
            "s2",
            on("initiative", &antwerpen),
            StatusCode::CREATED,
        ),
    ] {
        let answer = post(&w, token, body(code, subject)).await;
        assert_eq!(answer.status, expected, "{code}: {}", answer.body);
    }
}

#[actix_web::test]
async fn work_with_indicators_cannot_be_deleted_and_neither_can_an_indicator_with_measurements() {
    let w = World::new().await;
    let initiative = w.initiative("D1", &["limburg"], None).await;
    let ind = indicator(&w, "bereik", on("initiative", &initiative), json!({})).await;
    let path = format!("/api/v1/initiatives/{}", id_of(&initiative));
    let refused = w.app.delete_current(&path, &w.steering).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body["detail"].as_str().unwrap().contains("bereik"),
        "{}",
        refused.body
    );
    let action = w
        .app
        .create(
            "/api/v1/actions",
            &w.steering,
            json!({"planId": w.plan_id, "number": 91, "title": "Actie", "challengeIds": [w.challenge_ids[0]]}),
        )
        .await;
    indicator(&w, "actie", on("action", &action), json!({})).await;
    let action_path = format!("/api/v1/actions/{}", id_of(&action));
    let refused = w.app.delete_current(&action_path, &w.steering).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body["detail"].as_str().unwrap().contains("actie"));

    let ind_path = ind["self"].as_str().unwrap();
    w.app
        .create(
            &format!("{ind_path}/measurements"),
            &w.steering,
            json!({"period": "2024Q1", "place": {"type": "region", "code": "limburg"}, "value": 5}),
        )
        .await;
    let regrained = w
        .app
        .patch_current(ind_path, &w.steering, json!({"granularity": "year"}))
        .await;
    assert_eq!(regrained.status, StatusCode::CONFLICT, "{}", regrained.body);
    let renamed = w
        .app
        .patch_current(ind_path, &w.steering, json!({"name": "Bereikte mensen"}))
        .await;
    assert_eq!(renamed.status, StatusCode::OK);
    let refused = w.app.delete_current(ind_path, &w.steering).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    // An indicator without measurements goes, and then so does its work.
    let fresh = w.initiative("D2", &["limburg"], None).await;
    let gone = indicator(&w, "weg", on("initiative", &fresh), json!({})).await;
    let deleted = w
        .app
        .delete_current(gone["self"].as_str().unwrap(), &w.steering)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let deleted = w
        .app
        .delete_current(
            &format!("/api/v1/initiatives/{}", id_of(&fresh)),
            &w.steering,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
}
