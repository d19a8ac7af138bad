//! The as-of snapshot: the plan as recorded by the end of a Brussels day.
//! History before today is written straight into the history tables (as the
//! write layer would have written it then); what happens today goes through
//! the API.

use diesel_async::SimpleAsyncConnection;
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};

use crate::fixtures::{World, id_of};
use crate::helpers::assert_problem;

/// Runs statements straight in the test database, as the write layer would.
pub async fn sql(w: &World, statement: &str) {
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    conn.batch_execute(statement).await.unwrap();
}

/// A plan with one challenge, actions A1 and A2 and initiative I1 in A1
/// today; in 2022 I1 was in A2 at 30 %. I2 is new today.
async fn plan_with_history(w: &World) -> (String, Value) {
    let plan = w
        .app
        .create(
            "/api/v1/plans",
            &w.steering,
            json!({"code": "asof", "title": "Toen", "startYear": 2020, "endYear": 2024}),
        )
        .await;
    let plan_id = id_of(&plan);
    let challenge = w
        .app
        .create(
            "/api/v1/challenges",
            &w.steering,
            json!({"planId": plan_id, "code": "C1", "number": 1, "title": "Uitdaging"}),
        )
        .await;
    let mut actions = Vec::new();
    for n in 1..=2 {
        actions.push(
            w.app
                .create(
                    "/api/v1/actions",
                    &w.steering,
                    json!({"planId": plan_id, "number": n, "title": format!("Actie {n}"),
                           "challengeIds": [challenge["id"]]}),
                )
                .await,
        );
    }
    let initiative = |code: &str| {
        json!({"actionId": actions[0]["id"], "code": code, "title": code, "status": "inProgress",
               "progress": 90, "leadOrganisationId": w.org_limburg, "regions": ["limburg"]})
    };
    let i1 = w
        .app
        .create("/api/v1/initiatives", &w.steering, initiative("I1"))
        .await;
    w.app
        .create("/api/v1/initiatives", &w.steering, initiative("I2"))
        .await;
    let (c, a1, a2, i) = (
        challenge["id"].as_str().unwrap(),
        actions[0]["id"].as_str().unwrap(),
        actions[1]["id"].as_str().unwrap(),
        i1["id"].as_str().unwrap(),
    );
    sql(w, &format!(
        "INSERT INTO challenge_versions (challenge_id, plan_id, recorded_at, code, number, title)
         VALUES ('{c}', '{plan_id}', '2022-01-10T09:00:00Z', 'C1', 1, 'Uitdaging');
         INSERT INTO action_versions (action_id, plan_id, recorded_at, code, number, title, status,
                                      effective_progress, weight, challenge_ids)
         VALUES ('{a1}', '{plan_id}', '2022-01-10T09:00:00Z', 'A1', 1, 'Actie 1', 'planned', 0, 1, ARRAY['{c}'::uuid]),
                ('{a2}', '{plan_id}', '2022-01-10T09:00:00Z', 'A2', 2, 'Actie 2', 'planned', 0, 1, ARRAY['{c}'::uuid]);
         INSERT INTO initiative_versions (initiative_id, plan_id, action_id, recorded_at, code, title,
                                          status, effective_progress, weight, region_ids, created_at)
         VALUES ('{i}', '{plan_id}', '{a2}', '2022-02-01T09:00:00Z', 'I1', 'I1', 'inProgress', 30, 1,
                 ARRAY['limburg'], '2022-02-01T09:00:00Z');"
    ))
    .await;
    (plan_id.to_string(), plan)
}

fn action<'a>(body: &'a Value, code: &str) -> &'a Value {
    body["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == code)
        .unwrap()
}

#[actix_web::test]
async fn a_snapshot_shows_the_plan_as_it_was_recorded_then() {
    let w = World::new().await;
    let (plan_id, _) = plan_with_history(&w).await;
    let path = format!("/api/v1/reports/snapshot?plan={plan_id}&date=2022-05-24");
    let report = w.app.get_json(&path, &w.reader).await;
    assert_eq!(report["report"], "snapshot");
    assert_eq!(report["final"], true);
    // 24 May ended at 22:00 UTC (Brussels is UTC+2 in summer).
    assert_eq!(report["asOf"], "2022-05-24T22:00:00Z");
    let plan = &report["plans"][0];
    // I1 counts where it was (A2, 30 %); I2, created since, is not there.
    assert_eq!(plan["total"]["initiatives"]["total"], 1, "{report}");
    let a2 = action(plan, "A2");
    assert_eq!(
        (a2["progress"].as_f64(), a2["basis"].as_str()),
        (Some(30.0), Some("initiatives"))
    );
    assert_eq!(a2["initiatives"]["inProgress"], 1);
    let a1 = action(plan, "A1");
    assert_eq!(
        (a1["progress"].as_f64(), a1["basis"].as_str()),
        (Some(0.0), Some("ownStatus"))
    );
    // The plan = (0 + 30) / 2 = 15; today it is (90 + 0) / 2 = 45 with both in A1.
    assert_eq!(plan["total"]["progress"]["progress"], 15.0);
    let now = w
        .app
        .get_json(
            &format!("/api/v1/reports/planProgress?plan={plan_id}"),
            &w.reader,
        )
        .await;
    assert_eq!(now["total"]["progress"]["progress"], 45.0);
    // Before anything was recorded, the plan was empty.
    let before = w
        .app
        .get_json(
            &format!("/api/v1/reports/snapshot?plan={plan_id}&date=2021-12-31"),
            &w.reader,
        )
        .await;
    assert_eq!(before["plans"][0]["actions"], json!([]));
    // Today's snapshot is not final; tomorrow is not asked for.
    let today = ssw_api::domain::results::today();
    let report = w
        .app
        .get_json(
            &format!("/api/v1/reports/snapshot?plan={plan_id}&date={today}"),
            &w.reader,
        )
        .await;
    assert_eq!(report["final"], false);
    let tomorrow = today.succ_opt().unwrap();
    let res = w
        .app
        .get(&format!(
            "/api/v1/reports/snapshot?plan={plan_id}&date={tomorrow}"
        ))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "validation").await;
}

#[actix_web::test]
async fn measurements_count_as_recorded_then_and_later_corrections_do_not_change_a_snapshot() {
    let w = World::new().await;
    let (plan_id, plan) = plan_with_history(&w).await;
    let indicator = w
        .app
        .create(
            "/api/v1/indicators",
            &w.steering,
            json!({"code": "bereik", "name": "Bereikte mensen", "granularity": "year",
                   "measure": "count", "direction": "higherIsBetter",
                   "subject": {"type": "plan", "id": plan["id"]}}),
        )
        .await;
    let id = indicator["id"].as_str().unwrap();
    // Recorded on 1 March 2022 as 100, corrected on 1 February 2023 to 120;
    // the 2020 figure was recorded at 00:30 on 25 May 2022, Brussels time.
    let admin = uuid::Uuid::nil();
    sql(&w, &format!(
        "UPDATE indicators SET created_at = '2021-06-01T00:00:00Z' WHERE id = '{id}';
         INSERT INTO measurements (id, indicator_id, period_start, period_end, place_type, value,
                                   reporter_id, reporter_kind, recorded_at, version)
         VALUES ('00000000-0000-4000-8000-000000002021', '{id}', '2021-01-01', '2021-12-31', 'flanders',
                 120, '{admin}', 'system', '2023-02-01T09:00:00Z', 2),
                ('00000000-0000-4000-8000-000000002020', '{id}', '2020-01-01', '2020-12-31', 'flanders',
                 70, '{admin}', 'system', '2022-05-24T22:30:00Z', 1);
         INSERT INTO measurement_revisions (measurement_id, version, value, note, reporter_id,
                                            reporter_kind, recorded_at)
         VALUES ('00000000-0000-4000-8000-000000002021', 1, 100, '', '{admin}', 'system', '2022-03-01T09:00:00Z'),
                ('00000000-0000-4000-8000-000000002021', 2, 120, '', '{admin}', 'system', '2023-02-01T09:00:00Z'),
                ('00000000-0000-4000-8000-000000002020', 1, 70, '', '{admin}', 'system', '2022-05-24T22:30:00Z')
         ON CONFLICT (measurement_id, version) DO NOTHING;"
    ))
    .await;
    let path = format!("/api/v1/reports/snapshot?plan={plan_id}&date=2022-05-24");
    let first = w
        .app
        .get(&path)
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    let etag = first.headers()[ETAG].to_str().unwrap().to_owned();
    let report: Value = first.json().await.unwrap();
    let rows = report["plans"][0]["indicators"][0]["rows"]
        .as_array()
        .unwrap()
        .clone();
    // 2021 as it was then: 100, not today's 120; 2020 was recorded after the day ended.
    assert_eq!(rows.len(), 1, "{report}");
    assert_eq!(
        (
            rows[0]["period"].as_str(),
            rows[0]["figure"]["value"].as_f64()
        ),
        (Some("2021"), Some(100.0))
    );
    let next_day = w
        .app
        .get_json(
            &format!("/api/v1/reports/snapshot?plan={plan_id}&date=2022-05-25"),
            &w.reader,
        )
        .await;
    assert_eq!(
        next_day["plans"][0]["indicators"][0]["rows"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let now = w
        .app
        .get_json(
            &format!("/api/v1/reports/indicatorResults?indicator={id}"),
            &w.reader,
        )
        .await;
    assert_eq!(now["indicators"][0]["rows"][1]["figure"]["value"], 120.0);

    // A correction today changes today's figures, not the snapshot of 2022.
    let answer = w
        .app
        .patch_current(
            "/api/v1/measurements/00000000-0000-4000-8000-000000002021",
            &w.steering,
            json!({"value": 150}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let again = w
        .app
        .get(&path)
        .bearer_auth(&w.reader)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // Anonymous callers with public read see no measurements: here, no public read at all.
    let res = w.app.get(&path).send().await.unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn a_conference_links_to_the_snapshot_of_its_day() {
    let w = World::new().await;
    let list = w.app.get_json("/api/v1/conferences", &w.reader).await;
    let items = list["items"].as_array().unwrap();
    let of = |year: i64| items.iter().find(|c| c["year"] == year).unwrap();
    assert_eq!(
        of(2018)["snapshot"],
        "/api/v1/reports/snapshot?date=2018-05-24"
    );
    assert!(
        of(2022).get("snapshot").is_none(),
        "no day recorded, no snapshot"
    );
    // Nothing was recorded in 2018: the link answers, with no plan in it.
    let snapshot = w
        .app
        .get_json(of(2018)["snapshot"].as_str().unwrap(), &w.reader)
        .await;
    assert_eq!(snapshot["date"], "2018-05-24");
    assert_eq!(snapshot["plans"], json!([]));
    // The link is the server's to give.
    let res = w
        .app
        .post_json(
            "/api/v1/conferences",
            &json!({"year": 2030, "title": "T", "snapshot": "x"}),
        )
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "validation").await;
}
