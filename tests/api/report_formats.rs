//! One result set, four renderings: every report's CSV, XLSX and HTML hold
//! the same cells, and the numbers stay numbers.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::json;

use crate::fixtures::World;
use crate::report_results::{measure, project};

/// The fields of an RFC 4180 document (quoted fields, doubled quotes, CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

async fn get(w: &World, path: &str, format: &str) -> Vec<u8> {
    let res = w
        .app
        .get(&format!("{path}&format={format}"))
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path} as {format}");
    res.bytes().await.unwrap().to_vec()
}

/// The HTML text of a cell as the page writes it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
}

#[actix_web::test]
async fn every_report_holds_the_same_cells_in_csv_xlsx_and_html() {
    let w = World::new().await;
    let kempen = project(&w).await;
    let share = w
        .app
        .create(
            "/api/v1/indicators",
            &w.steering,
            json!({"code": "aandeel", "name": "Aandeel", "measure": "percentage",
                   "direction": "higherIsBetter", "granularity": "quarter",
                   "subject": {"type": "gboProject", "id": kempen["id"]},
                   "baseline": {"value": 10, "date": "2022-12-31"},
                   "targets": [{"value": 50, "date": "2024-12-31"}]}),
        )
        .await;
    measure(
        &w,
        &share,
        "2023Q1",
        "71016",
        json!({"numerator": 1, "denominator": 3}),
    )
    .await;
    measure(
        &w,
        &share,
        "2023Q2",
        "71022",
        json!({"numerator": 2, "denominator": 7}),
    )
    .await;
    let f1 = w.initiative("F1", &["limburg"], None).await;
    let updates = format!("{}/progressUpdates", f1["self"].as_str().unwrap());
    w.app
        .create(
            &updates,
            &w.steering,
            json!({"date": "2024-01-01", "status": "inProgress", "progress": 35}),
        )
        .await;
    let plan = w.plan_id;
    let reports = [
        format!("/api/v1/reports/planProgress?plan={plan}"),
        format!("/api/v1/reports/staleness?plan={plan}&staleAfterDays=30"),
        "/api/v1/reports/indicatorResults?granularity=quarter&level=municipality".to_owned(),
        format!("/api/v1/reports/regionalOverview?plan={plan}&year=2023"),
        format!(
            "/api/v1/reports/snapshot?plan={plan}&date={}",
            ssw_api::domain::results::today()
        ),
    ];
    for path in &reports {
        let csv = String::from_utf8(get(&w, path, "csv").await).unwrap();
        let csv = parse_csv(&csv);
        assert!(csv.len() > 1, "{path}: no rows");
        let xlsx = get(&w, path, "xlsx").await;
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let cells: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
        assert_eq!(cells.len(), csv.len(), "{path}: rows");
        let html = String::from_utf8(get(&w, path, "html").await).unwrap();
        let mut numbers = 0;
        for (r, (line, row)) in csv.iter().zip(&cells).enumerate().skip(1) {
            for (c, text) in line.iter().enumerate() {
                let cell = row.get(c).cloned().unwrap_or(Data::Empty);
                match cell {
                    Data::Empty => assert!(text.is_empty(), "{path} r{r}c{c}: {text:?} vs empty"),
                    Data::Float(f) => {
                        assert_eq!(text.parse::<f64>().ok(), Some(f), "{path} r{r}c{c}");
                        numbers += 1;
                    }
                    Data::Int(i) => {
                        assert_eq!(text.parse::<i64>().ok(), Some(i), "{path} r{r}c{c}");
                        numbers += 1;
                    }
                    Data::DateTime(d) => {
                        let day = d.as_datetime().unwrap().date().to_string();
                        assert_eq!(*text, day, "{path} r{r}c{c}");
                    }
                    Data::String(s) => assert_eq!(*text, s, "{path} r{r}c{c}"),
                    Data::Bool(b) => assert_eq!(*text, b.to_string(), "{path} r{r}c{c}"),
                    other => panic!("{path} r{r}c{c}: unexpected {other:?}"),
                }
                if !text.is_empty() {
                    assert!(
                        html.contains(&escaped(text)),
                        "{path}: {text:?} not on the page"
                    );
                }
            }
        }
        assert!(numbers > 0, "{path}: no numbers");
    }
}

/// A report goes out gzip-compressed to a caller that accepts it (the same
/// bytes once decompressed), an XLSX never (it is compressed already); the
/// indicator results written out as they are computed have one CSV row per
/// figure and the same `ETag` whenever they are computed again unchanged.
#[actix_web::test]
async fn reports_go_out_compressed_when_accepted_and_files_keep_their_etag() {
    use std::io::Read;
    let app = crate::helpers::TestApp::spawn_with(|s| s.report_cache_mb = 0).await;
    let w = World::with_app(app).await;
    let kempen = project(&w).await;
    let count = crate::report_results::indicator(
        &w,
        &kempen,
        json!({"code": "bereik", "name": "Bereik", "measure": "count",
               "direction": "higherIsBetter", "granularity": "quarter"}),
    )
    .await;
    // Enough figures for a body worth compressing.
    for (i, period) in ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"]
        .into_iter()
        .enumerate()
    {
        for place in ["71016", "71022"] {
            measure(&w, &count, period, place, json!({"value": i + 3})).await;
        }
    }
    let path = "/api/v1/reports/indicatorResults?granularity=quarter&level=municipality";
    let send = |format: &str, gzip: bool, etag: Option<&str>| {
        let mut request = w
            .app
            .get(&format!("{path}&format={format}"))
            .bearer_auth(&w.steering);
        if gzip {
            request = request.header("Accept-Encoding", "gzip, deflate");
        }
        if let Some(etag) = etag {
            request = request.header("If-None-Match", etag);
        }
        async move { request.send().await.unwrap() }
    };

    let compressed = send("csv", true, None).await;
    assert_eq!(compressed.status(), StatusCode::OK);
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    assert!(
        compressed.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("Accept-Encoding")
    );
    let etag = compressed.headers()["etag"].to_str().unwrap().to_owned();
    let mut csv = String::new();
    flate2::read::GzDecoder::new(&compressed.bytes().await.unwrap()[..])
        .read_to_string(&mut csv)
        .unwrap();
    let plain = send("csv", false, None).await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(
        plain.headers()["etag"],
        etag.as_str(),
        "computed again, same figures"
    );
    assert_eq!(plain.text().await.unwrap(), csv);
    assert_eq!(
        send("csv", true, Some(&etag)).await.status(),
        StatusCode::NOT_MODIFIED
    );

    let report = w.app.get_json(path, &w.steering).await;
    let figures: usize = report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["rows"].as_array().unwrap().len())
        .sum();
    assert_eq!(parse_csv(&csv).len(), figures + 1, "one row per figure");
    assert!(figures >= 2);

    let xlsx = send("xlsx", true, None).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.headers().get("content-encoding").is_none());
}
