//! The indicator results report: figures over time and over places by each
//! indicator's own rules, computed by hand on a small GBO project.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::World;
use crate::helpers::assert_problem;
use crate::indicators::on;

/// Genk and Hasselt in Limburg, Antwerpen and Mechelen in Antwerpen; a
/// project over Genk, Hasselt and Antwerpen (Mechelen is not expected).
pub async fn project(w: &World) -> Value {
    for (nis, name, region) in [
        ("71016", "Genk", "limburg"),
        ("71022", "Hasselt", "limburg"),
        ("11002", "Antwerpen", "antwerpen"),
        ("12025", "Mechelen", "antwerpen"),
    ] {
        w.app
            .create(
                "/api/v1/municipalities",
                &w.admin,
                json!({"nisCode": nis, "name": name, "regionId": region, "validFrom": "1977-01-01"}),
            )
            .await;
    }
    w.app
        .create(
            "/api/v1/gboProjects",
            &w.steering,
            json!({"name": "GBO Kempen", "municipalities": ["71016", "71022", "11002"],
                   "partners": [{"organisationId": w.org_limburg, "part": "caw"}]}),
        )
        .await
}

pub async fn indicator(w: &World, project: &Value, body: Value) -> Value {
    let mut body = body;
    body["subject"] = on("gboProject", project);
    w.app.create("/api/v1/indicators", &w.steering, body).await
}

pub async fn measure(w: &World, indicator: &Value, period: &str, nis: &str, value: Value) -> Value {
    let mut body = value;
    body["period"] = json!(period);
    body["place"] = json!({"type": "municipality", "code": nis});
    let path = format!("{}/measurements", indicator["self"].as_str().unwrap());
    w.app.create(&path, &w.steering, body).await
}

async fn report(w: &World, query: &str) -> Value {
    w.app
        .get_json(
            &format!("/api/v1/reports/indicatorResults?{query}"),
            &w.reader,
        )
        .await
}

fn rows<'a>(report: &'a Value, code: &str) -> &'a Vec<Value> {
    report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("no indicator {code} in {report}"))["rows"]
        .as_array()
        .unwrap()
}

fn at<'a>(rows: &'a [Value], period: &str, place: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["period"] == period && r["placeCode"] == place)
        .unwrap_or_else(|| panic!("no row {period} {place} in {rows:?}"))
}

#[actix_web::test]
async fn percentages_add_their_parts_over_places_and_never_average() {
    let w = World::new().await;
    let project = project(&w).await;
    let share = indicator(
        &w,
        &project,
        json!({"code": "aandeel", "name": "Aandeel rechten", "measure": "percentage",
               "direction": "higherIsBetter", "granularity": "quarter",
               "baseline": {"value": 10, "date": "2022-12-31"},
               "targets": [{"value": 50, "date": "2024-12-31"}]}),
    )
    .await;
    let genk = measure(
        &w,
        &share,
        "2023Q1",
        "71016",
        json!({"numerator": 30, "denominator": 40}),
    )
    .await;
    measure(
        &w,
        &share,
        "2023Q1",
        "71022",
        json!({"numerator": 10, "denominator": 60}),
    )
    .await;
    measure(
        &w,
        &share,
        "2023Q1",
        "11002",
        json!({"numerator": 5, "denominator": 100}),
    )
    .await;
    let q = format!(
        "indicator={}&granularity=quarter",
        share["id"].as_str().unwrap()
    );

    // Limburg: (30 + 10) / (40 + 60) = 40 %, not the mean of 75 % and 16.67 %.
    let by_region = report(&w, &format!("{q}&level=region")).await;
    let limburg = at(rows(&by_region, "aandeel"), "2023Q1", "limburg");
    assert_eq!(limburg["figure"]["value"], 40.0, "{by_region}");
    assert_eq!(
        (
            limburg["figure"]["numerator"].as_f64(),
            limburg["figure"]["denominator"].as_f64()
        ),
        (Some(40.0), Some(100.0))
    );
    assert_eq!(
        (
            limburg["figure"]["places"].as_i64(),
            limburg["figure"]["values"].as_i64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(
        limburg["coverage"],
        json!({"expected": 2, "reported": 2, "share": 1.0})
    );
    assert_eq!(limburg["placeName"], "Limburg");
    // Flanders: 45 / 200 = 22.5 %; progress (22.5 − 10) / (50 − 10) = 0.3125.
    let flanders = report(&w, &format!("{q}&level=flanders")).await;
    let f = at(rows(&flanders, "aandeel"), "2023Q1", "");
    assert_eq!(f["figure"]["value"], 22.5, "{flanders}");
    assert_eq!(f["target"], json!({"value": 50.0, "date": "2024-12-31"}));
    assert_eq!(f["progress"], 0.3125);
    assert_eq!(f["coverage"]["expected"], 2);

    // A correction is in the very next report: Genk 20/40 makes 35/200.
    let path = genk["self"].as_str().unwrap();
    let answer = w
        .app
        .patch_current(path, &w.steering, json!({"numerator": 20}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let flanders = report(&w, &format!("{q}&level=flanders")).await;
    assert_eq!(
        at(rows(&flanders, "aandeel"), "2023Q1", "")["figure"]["value"],
        17.5
    );
}

#[actix_web::test]
async fn a_snapshot_takes_its_last_value_and_an_average_weighs_days() {
    let w = World::new().await;
    let project = project(&w).await;
    let staff = indicator(
        &w,
        &project,
        json!({"code": "partners", "name": "Actieve partners", "measure": "count",
               "direction": "higherIsBetter", "granularity": "quarter", "timeAggregation": "last"}),
    )
    .await;
    measure(&w, &staff, "2023Q1", "71016", json!({"value": 5})).await;
    measure(&w, &staff, "2023Q2", "71016", json!({"value": 7})).await;
    measure(&w, &staff, "2023Q1", "71022", json!({"value": 3})).await;
    let id = staff["id"].as_str().unwrap();
    // The year 2023 in Genk: the last value, 7 — a sum would say 12.
    let yearly = report(&w, &format!("indicator={id}&level=municipality")).await;
    let genk = at(rows(&yearly, "partners"), "2023", "71016");
    assert_eq!(genk["figure"]["value"], 7.0, "{yearly}");
    assert_eq!(genk["figure"]["timeAggregation"], "last");
    // 2023Q2 in Limburg: Genk 7 plus Hasselt's 3 carried from 2023Q1.
    let quarterly = report(
        &w,
        &format!("indicator={id}&granularity=quarter&level=region"),
    )
    .await;
    let limburg = at(rows(&quarterly, "partners"), "2023Q2", "limburg");
    assert_eq!(limburg["figure"]["value"], 10.0, "{quarterly}");
    assert_eq!(limburg["figure"]["carriedFrom"], "2023Q1");
    // Antwerpen did not report: no row, not a 0, and Flanders says 1 of 2 regions reported.
    assert!(
        rows(&quarterly, "partners")
            .iter()
            .all(|r| r["placeCode"] != "antwerpen")
    );
    let flanders = report(&w, &format!("indicator={id}&granularity=quarter")).await;
    let f = at(rows(&flanders, "partners"), "2023Q2", "");
    assert_eq!(f["figure"]["value"], 10.0);
    assert_eq!(
        f["coverage"],
        json!({"expected": 2, "reported": 1, "share": 0.5})
    );

    // Staff averaged over the days: Q1 (90 days) at 1 FTE and Q3 (92 days) at 4 FTE
    // make (90 × 1 + 92 × 4) / 182 = 2.5165 for 2023, not the plain mean 2.5.
    let fte = indicator(
        &w,
        &project,
        json!({"code": "fte", "name": "Ingezette VTE", "measure": "amount", "unit": "FTE",
               "direction": "higherIsBetter", "granularity": "quarter", "timeAggregation": "average"}),
    )
    .await;
    measure(&w, &fte, "2023Q1", "71016", json!({"value": 1})).await;
    measure(&w, &fte, "2023Q3", "71016", json!({"value": 4})).await;
    let yearly = report(
        &w,
        &format!(
            "indicator={}&level=municipality",
            fte["id"].as_str().unwrap()
        ),
    )
    .await;
    let genk = at(rows(&yearly, "fte"), "2023", "71016");
    let value = genk["figure"]["value"].as_f64().unwrap();
    assert!((value - 458.0 / 182.0).abs() < 1e-9, "{value}");
    assert_eq!(genk["figure"]["days"], 182);
    assert_eq!(genk["figure"]["values"], 2);
}

#[actix_web::test]
async fn the_results_report_checks_its_parameters_and_callers() {
    let w = World::new().await;
    let path = "/api/v1/reports/indicatorResults";
    let res = w.app.get(path).send().await.unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    for bad in [
        "from=2023Q5",
        "from=2024&to=2023",
        "granularity=week",
        "level=street",
        "region=atlantis",
        "region=limburg&level=flanders",
        "challenge=not-a-uuid",
    ] {
        let res = w
            .app
            .get(&format!("{path}?{bad}"))
            .bearer_auth(&w.reader)
            .send()
            .await
            .unwrap();
        assert_problem(res, StatusCode::BAD_REQUEST, "validation").await;
    }
    let res = w
        .app
        .get(&format!("{path}?plan=nope"))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::NOT_FOUND, "not-found").await;
    // Every format answers, the CSV with the figures' columns.
    let csv = w
        .app
        .get(&format!("{path}?format=csv"))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("indicator,name,unit,period,"), "{csv}");
    for format in ["xlsx", "html"] {
        let res = w
            .app
            .get(&format!("{path}?format={format}"))
            .bearer_auth(&w.reader)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{format}");
    }
}

#[actix_web::test]
async fn the_regional_overview_adds_up_the_standard_indicators_per_region() {
    let w = World::new().await;
    let kempen = project(&w).await; // Genk, Hasselt (Limburg) and Antwerpen
    let genk_only = w
        .app
        .create(
            "/api/v1/gboProjects",
            &w.steering,
            json!({"name": "GBO Genk", "municipalities": ["71016"],
                   "partners": [{"organisationId": w.org_limburg, "part": "caw"}]}),
        )
        .await;
    let reached = |project: &Value, code: &str| {
        json!({"code": code, "name": "Bereikt", "standard": "gbo.peopleReached",
               "subject": on("gboProject", project)})
    };
    let a = w
        .app
        .create(
            "/api/v1/indicators",
            &w.steering,
            reached(&kempen, "bereik-a"),
        )
        .await;
    let b = w
        .app
        .create(
            "/api/v1/indicators",
            &w.steering,
            reached(&genk_only, "bereik-b"),
        )
        .await;
    for (indicator, period, nis, value) in [
        (&a, "2023Q1", "71016", 10),
        (&a, "2023Q2", "71016", 5),
        (&a, "2023Q1", "71022", 4),
        (&a, "2023Q1", "11002", 3),
        (&b, "2023Q3", "71016", 6),
        (&b, "2024Q1", "71016", 100),
    ] {
        measure(&w, indicator, period, nis, json!({"value": value})).await;
    }
    let report = w
        .app
        .get_json(
            &format!(
                "/api/v1/reports/regionalOverview?plan={}&year=2023",
                w.plan_id
            ),
            &w.reader,
        )
        .await;
    let region = |id: &str| {
        report["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["regionId"] == id)
            .unwrap()
            .clone()
    };
    // Limburg in 2023: project A 10 + 5 + 4 = 19, project B 6 (its 2024 value is another year).
    let limburg = region("limburg");
    let total = &limburg["indicators"][0];
    assert_eq!(total["standard"], "gbo.peopleReached", "{report}");
    assert_eq!(total["figure"]["value"], 25.0);
    assert_eq!(total["indicators"], 2);
    assert_eq!(limburg["gboProjects"]["total"], 2);
    assert_eq!(limburg["gboProjects"]["active"], 2);
    let antwerpen = region("antwerpen");
    assert_eq!(antwerpen["indicators"][0]["figure"]["value"], 3.0);
    assert_eq!(antwerpen["gboProjects"]["total"], 1);
    assert_eq!(region("brussel")["indicators"], json!([]));
    // The same numbers in the CSV.
    let csv = w
        .app
        .get(&format!(
            "/api/v1/reports/regionalOverview?plan={}&year=2023&format=csv",
            w.plan_id
        ))
        .bearer_auth(&w.reader)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("indicator,limburg,Bereikte personen,")
                && l.ends_with(",gbo.peopleReached,25,,,2")),
        "{csv}"
    );
}
