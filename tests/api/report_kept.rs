//! Indicator results kept between reports: after any write, the report a
//! server that keeps results answers is the report a server that keeps
//! nothing computes; and an indicator's results are computed again only when
//! it, one of its measurements or something else it reads was written.

use serde_json::{Value, json};

use crate::fixtures::World;
use crate::report_results::{indicator, measure, project};
use crate::report_snapshot::sql;

const PATH: &str = "/api/v1/reports/indicatorResults?granularity=quarter&level=municipality";

async fn figures(w: &World, address: &str) -> Value {
    let res = w
        .app
        .client
        .get(format!("{address}{PATH}"))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    let mut report: Value = res.json().await.unwrap();
    report["indicators"].take()
}

/// The value of `code`'s figure for `period` in `place`.
fn value(indicators: &Value, code: &str, period: &str, place: &str) -> Value {
    indicators
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .and_then(|i| {
            i["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["period"] == period && r["placeCode"] == place)
        })
        .map_or(Value::Null, |r| r["figure"]["value"].clone())
}

#[actix_web::test]
async fn kept_results_are_the_results_computed_afresh_after_every_write() {
    let w = World::new().await;
    let afresh = w.app.another(|s| s.report_cache_mb = 0);
    let kempen = project(&w).await;
    let count = |code: &str| {
        json!({"code": code, "name": code, "measure": "count",
               "direction": "higherIsBetter", "granularity": "quarter"})
    };
    let reach = indicator(&w, &kempen, count("bereik")).await;
    let staff = indicator(&w, &kempen, count("personeel")).await;
    let first = measure(&w, &reach, "2023Q1", "71016", json!({"value": 5})).await;
    measure(&w, &staff, "2023Q1", "71016", json!({"value": 2})).await;
    let same = async || {
        let kept = figures(&w, &w.app.address).await;
        assert_eq!(kept, figures(&w, &afresh).await);
        kept
    };
    same().await;

    // Written around the write layer (no audit entry), a value stays unseen
    // by the kept results: this is what shows they are kept.
    sql(
        &w,
        &format!(
            "UPDATE measurements SET value = 50 WHERE id = '{}'",
            first["id"].as_str().unwrap()
        ),
    )
    .await;
    let kept = figures(&w, &w.app.address).await;
    assert_eq!(value(&kept, "bereik", "2023Q1", "71016"), 5.0);
    assert_eq!(
        value(&figures(&w, &afresh).await, "bereik", "2023Q1", "71016"),
        50.0
    );

    // A measurement of the other indicator: that one is computed again,
    // `bereik` is still taken as kept.
    measure(&w, &staff, "2023Q2", "71016", json!({"value": 3})).await;
    let kept = figures(&w, &w.app.address).await;
    assert_eq!(value(&kept, "personeel", "2023Q2", "71016"), 3.0);
    assert_eq!(value(&kept, "bereik", "2023Q1", "71016"), 5.0);

    // A measurement of `bereik`: computed again, with what the table holds.
    measure(&w, &reach, "2023Q2", "71022", json!({"value": 7})).await;
    let kept = same().await;
    assert_eq!(value(&kept, "bereik", "2023Q1", "71016"), 50.0);

    // Corrections, removals, an indicator's own settings and writes of
    // other records (a project's places) each leave no difference.
    let path = first["self"].as_str().unwrap();
    let answer = w
        .app
        .patch_current(path, &w.steering, json!({"value": 6}))
        .await;
    assert_eq!(answer.status, reqwest::StatusCode::OK, "{}", answer.body);
    same().await;
    let gone = measure(&w, &staff, "2023Q3", "71022", json!({"value": 4})).await;
    same().await;
    let answer = w
        .app
        .delete_current(gone["self"].as_str().unwrap(), &w.steering)
        .await;
    assert_eq!(
        answer.status,
        reqwest::StatusCode::NO_CONTENT,
        "{}",
        answer.body
    );
    same().await;
    let answer = w
        .app
        .patch_current(
            reach["self"].as_str().unwrap(),
            &w.steering,
            json!({"targets": [{"value": 40, "date": "2024-12-31"}]}),
        )
        .await;
    assert_eq!(answer.status, reqwest::StatusCode::OK, "{}", answer.body);
    assert!(same().await.to_string().contains("\"target\""));
    let answer = w
        .app
        .patch_current(
            kempen["self"].as_str().unwrap(),
            &w.steering,
            json!({"municipalities": ["71016", "71022"]}),
        )
        .await;
    assert_eq!(answer.status, reqwest::StatusCode::OK, "{}", answer.body);
    same().await;

    // The reports that combine indicator results further keep them too.
    let today = ssw_api::domain::results::today();
    let plan = w.plan_id;
    for (path, period) in [
        (
            format!("/api/v1/reports/snapshot?plan={plan}&date={today}"),
            "2023Q4",
        ),
        (
            format!("/api/v1/reports/regionalOverview?plan={plan}&year=2023"),
            "2023Q3",
        ),
    ] {
        let read = |address: String| {
            let request = w
                .app
                .client
                .get(format!("{address}{path}"))
                .bearer_auth(&w.reader);
            async move {
                let mut report: Value = request.send().await.unwrap().json().await.unwrap();
                report["generatedAt"].take();
                report
            }
        };
        let before = read(w.app.address.clone()).await;
        measure(&w, &staff, period, "71016", json!({"value": 8})).await;
        let kept = read(w.app.address.clone()).await;
        assert_ne!(kept, before, "{path}: with the write");
        assert_eq!(kept, read(afresh.clone()).await, "{path}");
    }
}

/// A kept rendering of plan progress outlives writes it does not read (a
/// measurement) and, known to hold at a later snapshot from then on, still
/// gives way to the next write it does read.
#[actix_web::test]
async fn a_kept_rendering_outlives_writes_it_does_not_read_but_not_the_next_it_does() {
    let w = World::new().await;
    let afresh = w.app.another(|s| s.report_cache_mb = 0);
    let path = format!("/api/v1/reports/planProgress?plan={}", w.plan_id);
    let read = |address: String| {
        let request = w
            .app
            .client
            .get(format!("{address}{path}"))
            .bearer_auth(&w.reader);
        async move {
            let res = request.send().await.unwrap();
            assert_eq!(res.status(), reqwest::StatusCode::OK);
            let report: Value = res.json().await.unwrap();
            report["plan"]["title"].as_str().unwrap().to_owned()
        }
    };
    let title = read(w.app.address.clone()).await;
    // Written around the write layer (no audit entry): unseen while kept.
    sql(
        &w,
        &format!(
            "UPDATE plans SET title = 'Ongezien' WHERE id = '{}'",
            w.plan_id
        ),
    )
    .await;
    let kempen = project(&w).await;
    let count = json!({"code": "bereik", "name": "bereik", "measure": "count",
                       "direction": "higherIsBetter", "granularity": "quarter"});
    let reach = indicator(&w, &kempen, count).await;
    // The project and the indicator are writes plan progress reads; read
    // once more so that the rendering is kept after them.
    let kept = read(w.app.address.clone()).await;
    assert_eq!(kept, "Ongezien");
    sql(
        &w,
        &format!(
            "UPDATE plans SET title = '{title}' WHERE id = '{}'",
            w.plan_id
        ),
    )
    .await;
    for (i, nis) in ["71016", "71022"].iter().enumerate() {
        measure(
            &w,
            &reach,
            &format!("2023Q{}", i + 1),
            nis,
            json!({"value": 1}),
        )
        .await;
        assert_eq!(read(w.app.address.clone()).await, "Ongezien", "still kept");
    }
    assert_eq!(read(afresh.clone()).await, title);
    // A write plan progress reads: computed again.
    w.initiative("ZZ1", &["limburg"], None).await;
    assert_eq!(read(w.app.address.clone()).await, title);
}
