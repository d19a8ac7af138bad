//! The plan progress sums that the writing transactions keep
//! (`initiative_sums`): after every kind of write, through the API or
//! straight in SQL, they equal the same sums grouped afresh from the
//! initiatives.

use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::World;
use crate::report_snapshot::sql;
use crate::reports::rollup_plan;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The keys where the kept sums and the sums grouped afresh differ, both ways.
const DIFFERENCES: &str = "
    WITH fresh AS (
        SELECT i.action_id, g.region_id, i.status, i.plan_id, COUNT(*) AS initiatives,
               COUNT(*) FILTER (WHERE i.status <> 'dropped' AND i.weight > 0) AS counted,
               COUNT(*) FILTER (WHERE NOT (i.status <> 'dropped' AND i.weight > 0)) AS excluded,
               COALESCE(SUM(i.weight::numeric * i.effective_progress)
                   FILTER (WHERE i.status <> 'dropped' AND i.weight > 0), 0) AS weighted_sum,
               COALESCE(SUM(i.weight::numeric)
                   FILTER (WHERE i.status <> 'dropped' AND i.weight > 0), 0) AS weight_total
          FROM initiatives i
          CROSS JOIN LATERAL (SELECT '' AS region_id
                              UNION ALL
                              SELECT r.region_id FROM initiative_regions r
                               WHERE r.initiative_id = i.id) g
         GROUP BY i.action_id, g.region_id, i.status, i.plan_id
    ), kept AS (
        SELECT action_id, region_id, status, plan_id, initiatives, counted, excluded,
               weighted_sum, weight_total
          FROM initiative_sums WHERE initiatives <> 0 OR weight_total <> 0
    )
    SELECT COUNT(*) AS n FROM ((TABLE fresh EXCEPT TABLE kept) UNION ALL (TABLE kept EXCEPT TABLE fresh)) d";

async fn differences(w: &World) -> i64 {
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    let rows: Vec<Count> = diesel::sql_query(DIFFERENCES)
        .load(&mut conn)
        .await
        .unwrap();
    rows[0].n
}

async fn kept_rows(w: &World) -> i64 {
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    let rows: Vec<Count> =
        diesel::sql_query("SELECT COUNT(*) AS n FROM initiative_sums WHERE initiatives <> 0")
            .load(&mut conn)
            .await
            .unwrap();
    rows[0].n
}

fn path(initiative: &Value) -> String {
    format!("/api/v1/initiatives/{}", initiative["id"].as_str().unwrap())
}

#[actix_web::test]
async fn the_kept_sums_follow_every_write() {
    let w = World::new().await;
    let (_, initiatives) = rollup_plan(&w).await;
    assert!(kept_rows(&w).await > 0);
    assert_eq!(differences(&w).await, 0, "after creating");

    let patches = [
        (1, json!({"weight": 2.5})),
        (1, json!({"regions": ["antwerpen", "brussel"]})),
        (2, json!({"weight": 0})),
        (3, json!({"title": "Alleen de titel"})),
        (3, json!({"actionId": initiatives[0]["actionId"]})),
    ];
    for (n, body) in patches {
        let answer = w
            .app
            .patch_current(&path(&initiatives[n]), &w.steering, body.clone())
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{body}: {}", answer.body);
        assert_eq!(differences(&w).await, 0, "after {body}");
    }

    let updates = [
        (
            0,
            json!({"date": "2024-02-01", "status": "delayed", "narrative": "Later."}),
        ),
        (
            1,
            json!({"date": "2024-03-01", "status": "completed", "narrative": "Klaar."}),
        ),
        (
            2,
            json!({"date": "2024-03-01", "status": "inProgress", "progress": 10, "narrative": "Herstart."}),
        ),
    ];
    for (n, update) in updates {
        let answer = w
            .app
            .call(
                reqwest::Method::POST,
                &format!("{}/progressUpdates", path(&initiatives[n])),
                &w.steering,
                Some(&update),
                None,
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        assert_eq!(differences(&w).await, 0, "after {update}");
    }

    let answer = w
        .app
        .delete_current(&path(&initiatives[3]), &w.steering)
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.body);
    assert_eq!(differences(&w).await, 0, "after a delete");

    // Set-based writes that no use case makes, in one statement each.
    sql(
        &w,
        "UPDATE initiatives SET weight = weight + 0.1, progress = 70 WHERE status <> 'dropped';
         UPDATE initiative_regions SET region_id = 'oost-vlaanderen' WHERE region_id = 'brussel';
         DELETE FROM initiative_regions WHERE region_id = 'antwerpen';",
    )
    .await;
    assert_eq!(differences(&w).await, 0, "after set-based writes");
}

/// A report nobody wrote under is served as it was computed (the same
/// `generatedAt`); the next write makes the next report new, in every
/// rendering, and an anonymous caller never gets what a signed-in one was
/// given.
#[actix_web::test]
async fn a_report_is_computed_again_only_after_a_write() {
    let public = crate::helpers::TestApp::spawn_with(|s| s.public_read = true).await;
    let w = World::with_app(public).await;
    let (plan, initiatives) = rollup_plan(&w).await;
    let json = format!("/api/v1/reports/planProgress?plan={plan}");
    let first = w.app.get_json(&json, &w.reader).await;
    let again = w.app.get_json(&json, &w.reader).await;
    assert_eq!(first["generatedAt"], again["generatedAt"], "kept");
    let csv = |token: &str| {
        let request = w.app.get(&format!("{json}&format=csv"));
        let request = if token.is_empty() {
            request
        } else {
            request.bearer_auth(token)
        };
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    let csv_before = csv(&w.reader).await;

    let answer = w
        .app
        .patch_current(&path(&initiatives[1]), &w.steering, json!({"weight": 7}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let after = w.app.get_json(&json, &w.reader).await;
    assert_ne!(after["generatedAt"], first["generatedAt"], "computed again");
    assert_ne!(after["actions"][0], first["actions"][0], "with the write");
    assert_eq!(after["actions"][0]["overInitiatives"]["weightTotal"], 10.0);
    assert_ne!(csv(&w.reader).await, csv_before, "every rendering");

    // Signed in, the snapshot has indicators; anonymous, never.
    let day = ssw_api::domain::results::today();
    let snapshot = format!("/api/v1/reports/snapshot?plan={}&date={day}", w.plan_id);
    let signed_in = w.app.get_json(&snapshot, &w.reader).await;
    assert!(signed_in["plans"][0].get("indicators").is_some());
    let anonymous: Value = w
        .app
        .get(&snapshot)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(anonymous["plans"][0]["actions"].is_array(), "{anonymous}");
    assert!(anonymous["plans"][0].get("indicators").is_none());
}

/// A measurement cannot change plan progress, so writing one leaves that
/// report kept; indicator results are computed again with it.
#[actix_web::test]
async fn a_measurement_recomputes_the_reports_that_read_measurements_only() {
    use crate::report_results::{indicator, measure, project};
    let w = World::new().await;
    let project = project(&w).await;
    let count = indicator(
        &w,
        &project,
        json!({"code": "bereik", "name": "Bereik", "measure": "count",
               "direction": "higherIsBetter", "granularity": "quarter"}),
    )
    .await;
    measure(&w, &count, "2023Q1", "71016", json!({"value": 5})).await;
    let progress = format!("/api/v1/reports/planProgress?plan={}", w.plan_id);
    let results =
        "/api/v1/reports/indicatorResults?indicator=".to_owned() + count["id"].as_str().unwrap();
    let progress_before = w.app.get_json(&progress, &w.reader).await;
    let results_before = w.app.get_json(&results, &w.reader).await;

    measure(&w, &count, "2023Q2", "71016", json!({"value": 7})).await;
    let progress_after = w.app.get_json(&progress, &w.reader).await;
    let results_after = w.app.get_json(&results, &w.reader).await;
    assert_eq!(
        progress_after["generatedAt"],
        progress_before["generatedAt"]
    );
    assert_ne!(results_after["generatedAt"], results_before["generatedAt"]);
    assert_ne!(results_after["indicators"], results_before["indicators"]);
}

/// A measurement's revisions are written by the statement that writes it,
/// also a set-based one straight in SQL: every row inserted or updated to a
/// new version adds the revision that records it as it then is.
#[actix_web::test]
async fn a_bulk_statement_on_measurements_writes_their_revisions() {
    use crate::report_results::{indicator, project};
    let w = World::new().await;
    let project = project(&w).await;
    let count = indicator(
        &w,
        &project,
        json!({"code": "bulk", "name": "Bulk", "measure": "count",
               "direction": "higherIsBetter", "granularity": "year"}),
    )
    .await;
    let id = count["id"].as_str().unwrap();
    let nobody = uuid::Uuid::nil();
    sql(
        &w,
        &format!(
            "INSERT INTO measurements (indicator_id, period_start, period_end, place_type, place_code,
                                       value, reporter_id, reporter_kind)
             SELECT '{id}', make_date(y, 1, 1), make_date(y, 12, 31), 'municipality', '71016',
                    y - 2000, '{nobody}', 'system'
               FROM generate_series(2020, 2022) y;
             UPDATE measurements SET value = value * 10, version = version + 1
              WHERE indicator_id = '{id}' AND period_start < '2022-01-01';
             UPDATE measurements SET note = 'no new version' WHERE indicator_id = '{id}';"
        ),
    )
    .await;
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    let kept: Vec<Count> = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM measurement_revisions r JOIN measurements m ON m.id = r.measurement_id
          WHERE m.indicator_id = '{id}'"
    ))
    .load(&mut conn)
    .await
    .unwrap();
    assert_eq!(kept[0].n, 5, "three inserted, two corrected");
    let differing: Vec<Count> = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM measurements m
           JOIN measurement_revisions r ON r.measurement_id = m.id AND r.version = m.version
          WHERE m.indicator_id = '{id}' AND r.value IS DISTINCT FROM m.value"
    ))
    .load(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        differing[0].n, 0,
        "each latest revision holds the row's value"
    );
}
