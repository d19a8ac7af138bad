//! The measurements' file export and the import round-trip: a file exported
//! in either dialect imports again as all rows unchanged; an edited cell is
//! an update; the export's cursor leads on to later changes.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::changes::follow_until;
use crate::fixtures::World;
use crate::report_results::{indicator, measure, project};

async fn export(w: &World, query: &str) -> (String, String) {
    let res = w
        .app
        .get(&format!("/api/v1/measurements?{query}"))
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cursor = res.headers()["x-changes-cursor"]
        .to_str()
        .unwrap()
        .to_owned();
    (res.text().await.unwrap(), cursor)
}

async fn import(w: &World, file: String) -> Value {
    let res = w
        .app
        .client
        .post(w.app.url("/api/v1/imports/measurements"))
        .bearer_auth(&w.steering)
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[actix_web::test]
async fn an_exported_file_imports_again_unchanged_and_an_edited_cell_updates() {
    let w = World::new().await;
    let kempen = project(&w).await;
    let share = indicator(
        &w,
        &kempen,
        json!({"code": "aandeel", "name": "Aandeel", "measure": "percentage",
               "direction": "higherIsBetter", "granularity": "quarter"}),
    )
    .await;
    let count = indicator(
        &w,
        &kempen,
        json!({"code": "bereik", "name": "Bereik", "measure": "count",
               "direction": "higherIsBetter", "granularity": "quarter"}),
    )
    .await;
    measure(
        &w,
        &share,
        "2023Q1",
        "71016",
        json!({"numerator": 1.5, "denominator": 4}),
    )
    .await;
    measure(
        &w,
        &count,
        "2023Q1",
        "71022",
        json!({"value": 7, "note": "=SUM(A1) en ; komma"}),
    )
    .await;
    let indicators = format!(
        "indicator={}&indicator={}",
        share["id"].as_str().unwrap(),
        count["id"].as_str().unwrap()
    );

    for dialect in ["rfc4180", "excel-nl-be"] {
        let (file, _) = export(&w, &format!("{indicators}&format=csv&dialect={dialect}")).await;
        assert_eq!(file.lines().count(), 3, "{file}");
        let report = import(&w, file).await;
        assert_eq!(report["counts"]["unchanged"], 2, "{dialect}: {report}");
    }
    let (file, cursor) = export(&w, &format!("{indicators}&format=csv&dialect=excel-nl-be")).await;
    assert!(file.starts_with('\u{feff}'));
    assert!(file.contains("1,5;4"), "a decimal comma: {file}");
    let edited = file.replace("1,5;4", "2,5;4");
    let report = import(&w, edited).await;
    assert_eq!(report["counts"]["updated"], 1, "{report}");
    assert_eq!(report["counts"]["unchanged"], 1, "{report}");
    let (items, _) = follow_until(&w, &cursor, "measurement", |items| {
        items.iter().any(|i| i["operation"] == "update")
    })
    .await;
    let updated = items.iter().find(|i| i["operation"] == "update").unwrap();
    assert_eq!(updated["version"], 2, "{items:?}");
    // The file again is stale now: its version is 1.
    let res = w
        .app
        .client
        .post(w.app.url("/api/v1/imports/measurements?atomic=false"))
        .bearer_auth(&w.steering)
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    let report: Value = res.json().await.unwrap();
    assert_eq!(
        report["rejectedRows"][0]["issues"][0]["code"], "stale",
        "{report}"
    );
    // A file holds every row: paging is refused.
    let res = w
        .app
        .get("/api/v1/measurements?format=csv&page=1")
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}
