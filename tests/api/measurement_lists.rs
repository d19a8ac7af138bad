//! The list of measurements against a reference made by hand: every record
//! read by id, filtered and sorted here, for every kind of filter and sort,
//! before and after writes of every kind. The totals, from the kept counts or
//! from a count, are exact; the pages are in order; the kept counts equal the
//! measurements; and two writers of the same indicator and place never wait
//! for each other on them.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::World;
use crate::gbo_results::municipalities;
use crate::indicators::{indicator, on};
use crate::initiative_lists::walk_pages;
use crate::report_snapshot::sql;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Keys whose kept count differs from the current measurements, at every
/// level: per indicator and place, per place (the nil UUID), all (the nil UUID
/// and no place).
const DRIFT: &str = "
    SELECT count(*) AS n FROM
      (SELECT indicator_id, place_type, place_code, sum(n) AS n FROM measurement_counts
        GROUP BY 1, 2, 3 HAVING sum(n) <> 0) k
      FULL JOIN
      (SELECT indicator_id, place_type, place_code, count(*) AS n FROM measurements
        WHERE deleted_at IS NULL GROUP BY 1, 2, 3
       UNION ALL
       SELECT '00000000-0000-0000-0000-000000000000'::uuid, place_type, place_code, count(*) FROM measurements
        WHERE deleted_at IS NULL GROUP BY 2, 3
       UNION ALL
       SELECT '00000000-0000-0000-0000-000000000000'::uuid, '', '', count(*) FROM measurements
        WHERE deleted_at IS NULL HAVING count(*) > 0) m
      USING (indicator_id, place_type, place_code)
     WHERE k.n IS DISTINCT FROM m.n";

/// Measurements whose kept region is not their place's.
const REGIONS: &str = "
    SELECT count(*) AS n FROM measurements m
     WHERE m.region_id IS DISTINCT FROM CASE m.place_type
           WHEN 'region' THEN m.place_code
           WHEN 'municipality' THEN (SELECT mu.region_id FROM municipalities mu
                                      WHERE mu.nis_code = m.place_code)
           END";

async fn scalar(w: &World, statement: &str) -> i64 {
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    let rows: Vec<Count> = diesel::sql_query(statement).load(&mut conn).await.unwrap();
    rows[0].n
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// What the reference knows: the subject of each indicator, and the region
/// of each municipality.
struct Subjects(HashMap<String, (String, String)>, HashMap<String, String>);

/// One filter of the query string, as the reference applies it.
fn keeps(record: &Value, name: &str, values: &[&str], subjects: &Subjects) -> bool {
    let (kind, subject) = &subjects.0[&s(&record["indicatorId"])];
    let place_type = s(&record["place"]["type"]);
    let place_code = s(&record["place"]["code"]);
    let start = s(&record["periodStart"]);
    match name {
        "indicator" => values.contains(&record["indicatorId"].as_str().unwrap()),
        "gboProject" => kind == "gboProject" && values.contains(&subject.as_str()),
        "initiative" => kind == "initiative" && values.contains(&subject.as_str()),
        "region" => match place_type.as_str() {
            "region" => values.contains(&place_code.as_str()),
            "municipality" => values.contains(&subjects.1[&place_code].as_str()),
            _ => false,
        },
        "placeType" => values.contains(&place_type.as_str()),
        "place" => values.contains(&place_code.as_str()),
        "periodFrom" => start.as_str() >= values[0],
        "periodTo" => start.as_str() <= values[0],
        "externalId" => record["externalId"].as_str() == Some(values[0]),
        "sort" => true,
        other => panic!("no reference for {other}"),
    }
}

fn compare(a: &Value, b: &Value, sort: &str) -> Ordering {
    let key = sort.trim_start_matches('-');
    let first = if key == "recordedAt" {
        let at = |r: &Value| s(&r["recordedAt"]).parse::<DateTime<Utc>>().unwrap();
        at(a).cmp(&at(b))
    } else {
        s(&a["periodStart"]).cmp(&s(&b["periodStart"]))
    };
    let rest = |r: &Value| (s(&r["place"]["type"]), s(&r["place"]["code"]), s(&r["id"]));
    let order = first.then_with(|| rest(a).cmp(&rest(b)));
    if sort.starts_with('-') {
        order.reverse()
    } else {
        order
    }
}

fn expected(records: &[Value], query: &str, subjects: &Subjects) -> Vec<String> {
    let mut filters: Vec<(String, Vec<&str>)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap();
        match filters.iter_mut().find(|(n, _)| n == name) {
            Some((_, values)) => values.push(value),
            None => filters.push((name.to_owned(), vec![value])),
        }
    }
    let sort = filters
        .iter()
        .find(|(n, _)| n == "sort")
        .map_or("period", |(_, v)| v[0]);
    let mut kept: Vec<&Value> = records
        .iter()
        .filter(|r| filters.iter().all(|(n, v)| keeps(r, n, v, subjects)))
        .collect();
    kept.sort_by(|a, b| compare(a, b, sort));
    kept.iter().map(|r| s(&r["id"])).collect()
}

/// The current measurements among `ids`, each read by id.
async fn records(w: &World, ids: &[String]) -> Vec<Value> {
    let mut found = Vec::new();
    for id in ids {
        let path = format!("/api/v1/measurements/{id}");
        let answer = w.app.call(Method::GET, &path, &w.reader, None, None).await;
        if answer.status == StatusCode::OK {
            found.push(answer.body);
        }
    }
    found
}

async fn check_all(w: &World, ids: &[String], queries: &[String], subjects: &Subjects, when: &str) {
    assert_eq!(scalar(w, DRIFT).await, 0, "kept counts {when}");
    assert_eq!(
        scalar(w, REGIONS).await,
        0,
        "regions of measurements {when}"
    );
    let records = records(w, ids).await;
    for query in queries {
        let want = expected(&records, query, subjects);
        let (totals, got) = walk_pages(w, &w.reader, "measurements", query, 7).await;
        assert!(
            totals.iter().all(|t| *t == want.len() as i64),
            "{when} {query}: totals {totals:?}, expected {}",
            want.len()
        );
        assert_eq!(got, want, "{when} {query}");
    }
}

fn place(code: &str) -> Value {
    if code.len() == 5 {
        json!({"type": "municipality", "code": code})
    } else {
        json!({"type": "region", "code": code})
    }
}

/// Four indicators (two initiatives', a GBO project's, the plan's) measured
/// for six quarters in some of five places; returns the measurement ids,
/// the reference's subjects and the indicators.
async fn measured(w: &World) -> (Vec<String>, Subjects, Vec<Value>) {
    municipalities(w).await;
    let i1 = w.initiative("L1", &["limburg", "antwerpen"], None).await;
    let i2 = w.initiative("L2", &["antwerpen", "limburg"], None).await;
    let project = w
        .app
        .create(
            "/api/v1/gboProjects",
            &w.steering,
            json!({"name": "GBO Genk-Hasselt", "municipalities": ["71016", "71022"],
                   "partners": [{"organisationId": w.org_limburg, "part": "caw"}]}),
        )
        .await;
    let plan = json!({"type": "plan", "id": w.plan_id});
    let indicators = vec![
        indicator(w, "eerste", on("initiative", &i1), json!({})).await,
        indicator(w, "tweede", on("initiative", &i2), json!({})).await,
        indicator(w, "gbo", on("gboProject", &project), json!({})).await,
        indicator(w, "plan", plan.clone(), json!({})).await,
    ];
    let mut subjects = HashMap::new();
    for (ind, (kind, subject)) in indicators.iter().zip([
        ("initiative", &i1["id"]),
        ("initiative", &i2["id"]),
        ("gboProject", &project["id"]),
        ("plan", &plan["id"]),
    ]) {
        subjects.insert(s(&ind["id"]), (kind.to_owned(), s(subject)));
    }
    let mut ids = Vec::new();
    let places = ["limburg", "antwerpen", "71016", "71022", "11002"];
    for (n, ind) in indicators.iter().enumerate() {
        for (q, period) in ["2022Q1", "2022Q2", "2022Q3", "2022Q4", "2023Q1", "2023Q2"]
            .iter()
            .enumerate()
        {
            for (p, code) in places.iter().enumerate() {
                let outside = n == 2 && matches!(*code, "antwerpen" | "11002");
                if outside || (n + q + p) % 4 == 0 {
                    continue;
                }
                let mut body = json!({"period": period, "place": place(code), "value": n + q + p});
                if (q + p) % 5 == 0 {
                    body["externalId"] = json!(format!("bron-{n}-{q}-{p}"));
                }
                let path = format!("{}/measurements", s(&ind["self"]));
                let made = w
                    .app
                    .call(Method::POST, &path, &w.steering, Some(&body), None)
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
                ids.push(s(&made.body["id"]));
            }
        }
    }
    let regions = [
        ("71016", "limburg"),
        ("71022", "limburg"),
        ("11002", "antwerpen"),
    ]
    .map(|(m, r)| (m.to_owned(), r.to_owned()));
    (ids, Subjects(subjects, HashMap::from(regions)), indicators)
}

#[actix_web::test]
async fn every_filter_and_sort_gives_the_exact_total_and_order() {
    let w = World::new().await;
    let (mut ids, mut subjects, indicators) = measured(&w).await;
    let id = |n: usize| s(&indicators[n]["id"]);
    let subject = |n: usize| subjects.0[&id(n)].1.clone();
    let mut queries: Vec<String> = [
        "",
        "sort=-period",
        "sort=recordedAt",
        "sort=-recordedAt",
        "region=limburg",
        "region=antwerpen&sort=-period",
        "region=limburg&region=antwerpen&placeType=municipality",
        "placeType=region&sort=-recordedAt",
        "place=71016&place=antwerpen",
        "periodFrom=2022-07-01",
        "periodTo=2022-12-31&region=limburg&sort=-period",
        "periodFrom=2022-04-01&periodTo=2023-01-01&placeType=municipality",
        "externalId=bron-1-0-0",
        "externalId=bron-0-2-3&sort=-period",
    ]
    .map(str::to_owned)
    .to_vec();
    queries.extend([
        format!("indicator={}", id(0)),
        format!("indicator={}&indicator={}&sort=-period", id(1), id(3)),
        format!("indicator={}&region=limburg&sort=recordedAt", id(1)),
        format!("gboProject={}", subject(2)),
        format!("gboProject={}&place=71022&sort=-period", subject(2)),
        format!("initiative={}&initiative={}", subject(0), subject(1)),
        format!(
            "initiative={}&placeType=region&periodFrom=2023-01-01",
            subject(1)
        ),
        format!("indicator={}&gboProject={}", id(0), subject(2)),
    ]);
    check_all(&w, &ids, &queries, &subjects, "after creation").await;

    // Corrections (a new time of recording), removals, and a measurement
    // recorded again where one was removed.
    for id in ids.iter().step_by(9) {
        let path = format!("/api/v1/measurements/{id}");
        let changed = w
            .app
            .patch_current(&path, &w.steering, json!({"value": 99}))
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    }
    let removed: Vec<String> = ids.iter().skip(4).step_by(7).cloned().collect();
    for id in &removed {
        let path = format!("/api/v1/measurements/{id}");
        let gone = w.app.delete_current(&path, &w.steering).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.body);
    }
    let again = records(&w, &removed[..1]).await;
    assert!(again.is_empty());
    check_all(
        &w,
        &ids,
        &queries,
        &subjects,
        "after corrections and removals",
    )
    .await;

    // Set-based writes: a removal of every Hasselt measurement of the GBO
    // indicator, and a copy of the first indicator's Limburg values into
    // 2024 in one statement (one time of recording for all).
    sql(
        &w,
        &format!(
            "UPDATE measurements SET deleted_at = now(), version = version + 1
              WHERE indicator_id = '{}' AND place_code = '71022' AND deleted_at IS NULL;
             INSERT INTO measurements (indicator_id, period_start, period_end, place_type,
                                       place_code, value, reporter_id, reporter_kind)
             SELECT indicator_id, period_start + interval '2 years', period_end + interval '2 years',
                    place_type, place_code, value, reporter_id, reporter_kind
               FROM measurements WHERE indicator_id = '{}' AND deleted_at IS NULL
                AND (place_code = 'limburg' OR place_code LIKE '71%');",
            id(2),
            id(0)
        ),
    )
    .await;
    let copied = format!(
        "SELECT count(*) AS n FROM measurements WHERE indicator_id = '{}' AND period_start >= '2024-01-01'",
        id(0)
    );
    assert!(scalar(&w, &copied).await > 5);
    let all = w
        .app
        .get_json(
            "/api/v1/measurements?pageSize=100&periodFrom=2024-01-01",
            &w.reader,
        )
        .await;
    ids.extend(all["items"].as_array().unwrap().iter().map(|r| s(&r["id"])));
    check_all(&w, &ids, &queries, &subjects, "after set-based writes").await;

    // Hasselt moves to Antwerpen: its measurements are in that region now.
    let moved = w
        .app
        .patch_current(
            "/api/v1/municipalities/71022",
            &w.admin,
            json!({"regionId": "antwerpen"}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    subjects.1.insert("71022".into(), "antwerpen".into());
    check_all(&w, &ids, &queries, &subjects, "after a municipality moved").await;
}

/// A write that waited on another transaction's count of the same indicator
/// and place would hit this statement timeout.
#[actix_web::test]
async fn writers_of_the_same_indicator_and_place_do_not_wait_for_each_other() {
    let w = World::new().await;
    let (_, _, indicators) = measured(&w).await;
    let ind = s(&indicators[0]["id"]);
    let copy = |year: i32| {
        format!(
            "INSERT INTO measurements (indicator_id, period_start, period_end, place_type,
                                       place_code, value, reporter_id, reporter_kind)
             SELECT indicator_id, period_start + interval '{year} years',
                    period_end + interval '{year} years', place_type, place_code, value,
                    reporter_id, reporter_kind
               FROM measurements WHERE indicator_id = '{ind}' AND deleted_at IS NULL
                AND period_start < '2022-04-01';"
        )
    };
    let mut first = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    let mut second = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    first
        .batch_execute(&format!("BEGIN; {}", copy(5)))
        .await
        .unwrap();
    second
        .batch_execute(&format!(
            "BEGIN; SET LOCAL lock_timeout = '2s'; {} COMMIT;",
            copy(6)
        ))
        .await
        .expect("the second writer waited for the first");
    first.batch_execute("COMMIT").await.unwrap();
    drop((first, second));
    assert_eq!(scalar(&w, DRIFT).await, 0);
    let rows = format!(
        "SELECT count(*) AS n FROM measurement_counts WHERE indicator_id = '{ind}' AND place_code = '71016'"
    );
    assert!(scalar(&w, &rows).await <= 2);
    let listed = w
        .app
        .get_json(
            &format!("/api/v1/measurements?indicator={ind}&place=71016"),
            &w.reader,
        )
        .await;
    let counted = format!(
        "SELECT count(*) AS n FROM measurements WHERE indicator_id = '{ind}' AND place_code = '71016' AND deleted_at IS NULL"
    );
    assert_eq!(
        listed["total"].as_i64().unwrap(),
        scalar(&w, &counted).await
    );
}

/// A measurement's columns are read in the table's order first and by name
/// otherwise: a statement that selects them shuffled, two dates and two texts
/// swapped among them, reads the same records.
#[actix_web::test]
async fn a_measurement_reads_the_same_whatever_the_order_of_its_columns() {
    use ssw_api::storage::measurements::MeasurementRow;
    let w = World::new().await;
    measured(&w).await;
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    let read = |columns: &str| {
        format!("SELECT {columns} FROM measurements m WHERE m.deleted_at IS NULL ORDER BY m.id")
    };
    let ordered: Vec<MeasurementRow> = diesel::sql_query(read("m.*"))
        .load(&mut conn)
        .await
        .unwrap();
    let shuffled: Vec<MeasurementRow> = diesel::sql_query(read(
        "m.version, m.place_code, 1 AS total, m.id, m.indicator_id, m.updated_at, m.period_end, \
         m.period_start, m.value, m.numerator, m.denominator, m.text_value, m.reporter_kind, \
         m.note, m.reporter_id, m.external_id, m.external_source, m.example, m.recorded_at, \
         m.deleted_at, m.created_at, m.place_type",
    ))
    .load(&mut conn)
    .await
    .unwrap();
    assert!(ordered.len() > 10, "{} measurements", ordered.len());
    assert!(ordered.iter().any(|m| m.period_start != m.period_end));
    assert_eq!(format!("{ordered:?}"), format!("{shuffled:?}"));
}
