//! Reports, continued: staleness and the printable page of plan progress.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::json;

use crate::fixtures::World;
use crate::helpers::assert_problem;
use crate::reports::rollup_plan;

#[actix_web::test]
async fn staleness_lists_work_without_updates_longest_first() {
    let w = World::new().await;
    let (plan_id, initiatives) = rollup_plan(&w).await;
    // I1 too: its latest update is older than I2's.
    let update = format!(
        "/api/v1/initiatives/{}/progressUpdates",
        initiatives[0]["id"].as_str().unwrap()
    );
    w.app
        .create(
            &update,
            &w.steering,
            json!({"date": "2023-06-30", "status": "inProgress", "progress": 80}),
        )
        .await;
    let report = w
        .app
        .get_json(
            &format!("/api/v1/reports/staleness?plan={plan_id}"),
            &w.reader,
        )
        .await;
    let stale = report["initiatives"].as_array().unwrap();
    let codes: Vec<&str> = stale.iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["I1", "I2"], "{report}");
    assert_eq!(stale[0]["lastUpdate"], "2023-06-30");
    let today =
        chrono::NaiveDate::parse_from_str(report["day"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let expected = (today - chrono::NaiveDate::from_ymd_opt(2023, 6, 30).unwrap()).num_days();
    assert_eq!(stale[0]["daysWithoutUpdate"], expected);
    assert_eq!(stale[0]["regionIds"], json!(["antwerpen", "limburg"]));
    // Per region.
    let report = w
        .app
        .get_json(
            &format!("/api/v1/reports/staleness?plan={plan_id}&region=antwerpen"),
            &w.reader,
        )
        .await;
    assert_eq!(report["initiatives"].as_array().unwrap().len(), 1);
    let res = w
        .app
        .get(&format!(
            "/api/v1/reports/staleness?plan={plan_id}&region=atlantis"
        ))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "validation").await;
}

#[actix_web::test]
async fn the_printable_page_draws_the_plan_and_runs_no_script() {
    let w = World::new().await;
    let (plan_id, _) = rollup_plan(&w).await;
    let path = format!("/api/v1/reports/planProgress?plan={plan_id}&format=html");
    let res = w
        .app
        .get(&path)
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script"));
    assert!(html.contains("role=\"img\"") && html.contains("<desc"));
    // The same numbers as the JSON: challenge 1 at 53.33, the plan at 40.
    assert!(html.contains("53.33") && html.contains(">40<"), "{html}");
    // Accept: text/html chooses it too.
    let res = w
        .app
        .get(&format!("/api/v1/reports/planProgress?plan={plan_id}"))
        .bearer_auth(&w.steering)
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    // In a browser the bars are drawn, as long as their figures: the
    // challenges (C1 53.33, C2 20, C3 none) and the regions (Antwerpen 80,
    // Limburg 60, the others none) come first on the page.
    let image = crate::chromium::screenshot(&html);
    let bands = image.bands(ssw_api::http::formats::svg::BAR_COLOUR);
    assert!(bands.len() >= 4, "bars drawn: {bands:?}");
    let ratio = |a: usize, b: usize| a as f64 / b as f64;
    assert!(
        (ratio(bands[0], bands[1]) - 53.33 / 20.0).abs() < 0.1,
        "{bands:?}"
    );
    assert!(
        (ratio(bands[2], bands[3]) - 80.0 / 60.0).abs() < 0.05,
        "{bands:?}"
    );
    // Staleness has a page too.
    let res = w
        .app
        .get(&format!(
            "/api/v1/reports/staleness?plan={plan_id}&format=html"
        ))
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("I2"));
}
