//! The list of initiatives against a reference made by hand: every record read
//! by id, filtered and sorted here, for every kind of filter and sort, as
//! steering (every plan) and as a reader (published plans only), before and
//! after writes of every kind. The totals, from the kept sums or from a count,
//! are exact; the pages are in order; the lists the triggers keep on the
//! initiative and on its region rows equal the link rows.

use std::cmp::Ordering;
use std::collections::HashMap;

use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::World;
use crate::progress::plan_with_actions;
use crate::report_snapshot::sql;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Initiatives whose kept lists or region keys differ from the link rows.
const DRIFT: &str = "
    SELECT (SELECT count(*) FROM initiatives i
             WHERE i.region_ids <> ARRAY(SELECT r.region_id FROM initiative_regions r
                                          WHERE r.initiative_id = i.id ORDER BY 1)
                OR i.partner_ids <> ARRAY(SELECT p.organisation_id FROM initiative_partners p
                                           WHERE p.initiative_id = i.id ORDER BY 1)
                OR i.municipality_codes <> ARRAY(SELECT m.nis_code FROM initiative_municipalities m
                                                  WHERE m.initiative_id = i.id ORDER BY 1))
         + (SELECT count(*) FROM initiative_regions r JOIN initiatives i ON i.id = r.initiative_id
             WHERE (r.status, r.effective_progress, r.updated_at, r.plan_id)
                   IS DISTINCT FROM (i.status, i.effective_progress, i.updated_at, i.plan_id)) AS n";

async fn drift(w: &World) -> i64 {
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    let rows: Vec<Count> = diesel::sql_query(DRIFT).load(&mut conn).await.unwrap();
    rows[0].n
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn has(list: &Value, item: &str) -> bool {
    list.as_array()
        .is_some_and(|l| l.iter().any(|x| x.as_str() == Some(item)))
}

/// One filter of the query string, as the reference applies it.
fn keeps(record: &Value, name: &str, values: &[&str], challenges: &HashMap<String, Value>) -> bool {
    let progress = record["progress"].as_i64();
    match name {
        "region" => values.iter().any(|v| has(&record["regions"], v)),
        "status" => values.contains(&record["status"].as_str().unwrap()),
        "plan" => values.contains(&record["planId"].as_str().unwrap()),
        "action" => values.contains(&record["actionId"].as_str().unwrap()),
        "challenge" => values
            .iter()
            .any(|c| has(&challenges[&s(&record["actionId"])], c)),
        "organisation" => values.iter().any(|o| {
            record["leadOrganisationId"].as_str() == Some(o)
                || has(&record["partnerOrganisationIds"], o)
        }),
        "municipality" => values.iter().any(|m| has(&record["municipalities"], m)),
        "progressMin" => progress.is_some_and(|p| p >= values[0].parse::<i64>().unwrap()),
        "progressMax" => progress.is_some_and(|p| p <= values[0].parse::<i64>().unwrap()),
        "q" => {
            let q = values[0].to_lowercase();
            s(&record["title"]).to_lowercase().contains(&q)
                || s(&record["code"]).to_lowercase().contains(&q)
        }
        "sort" => true,
        other => panic!("no reference for {other}"),
    }
}

/// The reference's order: the sort key (progress: nulls first ascending, last
/// descending; dates: nulls last both ways; the rest are never null), then id.
fn compare(a: &Value, b: &Value, sort: &str) -> Ordering {
    let (field, descending) = match sort.strip_prefix('-') {
        Some(f) => (f, true),
        None => (sort, false),
    };
    let key = |r: &Value| match field {
        "progress" => r["progress"].as_i64().map(|p| format!("{p:03}")),
        "updatedAt" | "createdAt" => Some(
            chrono::DateTime::parse_from_rfc3339(r[field].as_str().unwrap())
                .unwrap()
                .to_utc()
                .format("%Y%m%d%H%M%S%.6f")
                .to_string(),
        ),
        _ => r[field].as_str().map(str::to_owned),
    };
    let nulls_last = descending || matches!(field, "startDate" | "endDate");
    let by_key = match (key(a), key(b)) {
        (Some(x), Some(y)) if descending => y.cmp(&x),
        (Some(x), Some(y)) => x.cmp(&y),
        (None, None) => Ordering::Equal,
        (None, Some(_)) if nulls_last => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) if nulls_last => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
    };
    by_key.then_with(|| s(&a["id"]).cmp(&s(&b["id"])))
}

/// What the reference expects for `query` (`name=value&…`).
fn expected(records: &[Value], query: &str, challenges: &HashMap<String, Value>) -> Vec<String> {
    let mut filters: Vec<(&str, Vec<&str>)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap();
        match filters.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(value),
            None => filters.push((name, vec![value])),
        }
    }
    let sort = filters
        .iter()
        .find(|(n, _)| *n == "sort")
        .map_or("code", |(_, v)| v[0]);
    let mut kept: Vec<&Value> = records
        .iter()
        .filter(|r| filters.iter().all(|(n, v)| keeps(r, n, v, challenges)))
        .collect();
    kept.sort_by(|a, b| compare(a, b, sort));
    kept.iter().map(|r| s(&r["id"])).collect()
}

/// Every page of a list (`/api/v1/{list}?{query}`), `size` at a time: the
/// total each page gives and the ids in order.
pub async fn walk_pages(
    w: &World,
    token: &str,
    list: &str,
    query: &str,
    size: u32,
) -> (Vec<i64>, Vec<String>) {
    let (mut totals, mut ids) = (Vec::new(), Vec::new());
    for page in 1.. {
        let path = format!("/api/v1/{list}?{query}&pageSize={size}&page={page}");
        let body = w.app.get_json(&path, token).await;
        totals.push(body["total"].as_i64().expect("total"));
        let items = body["items"].as_array().expect("items");
        ids.extend(items.iter().map(|r| s(&r["id"])));
        if items.is_empty() {
            break;
        }
    }
    (totals, ids)
}

/// The records as a caller sees them, each read by id.
async fn records(w: &World, token: &str, ids: &[String]) -> Vec<Value> {
    let mut found = Vec::new();
    for id in ids {
        let answer = w
            .app
            .call(
                Method::GET,
                &format!("/api/v1/initiatives/{id}"),
                token,
                None,
                None,
            )
            .await;
        if answer.status == StatusCode::OK {
            found.push(answer.body);
        }
    }
    found
}

async fn check_all(w: &World, ids: &[String], queries: &[String], when: &str) {
    assert_eq!(drift(w).await, 0, "kept lists {when}");
    let mut challenges = HashMap::new();
    for (token, who) in [(&w.steering, "steering"), (&w.reader, "reader")] {
        let records = records(w, token, ids).await;
        for r in &records {
            let action = s(&r["actionId"]);
            if let std::collections::hash_map::Entry::Vacant(e) = challenges.entry(action) {
                let path = format!("/api/v1/actions/{}", e.key());
                let a = w.app.get_json(&path, &w.steering).await;
                e.insert(a["challengeIds"].clone());
            }
        }
        for query in queries {
            let want = expected(&records, query, &challenges);
            let (totals, got) = walk_pages(w, token, "initiatives", query, 3).await;
            assert!(
                totals.iter().all(|t| *t == want.len() as i64),
                "{who} {when} {query}: totals {totals:?}, expected {}",
                want.len()
            );
            assert_eq!(got, want, "{who} {when} {query}");
        }
    }
}

#[actix_web::test]
async fn every_filter_and_sort_gives_the_exact_total_and_order() {
    let w = World::new().await;
    // A draft plan (hidden from readers) with four actions and three challenges.
    let (draft_plan, actions, challenges) = plan_with_actions(&w).await;
    let seeded_action = w.action_id.to_string();
    let (limburg, antwerpen) = (w.org_limburg.to_string(), w.org_antwerpen.to_string());
    let regions = [
        vec!["limburg"],
        vec!["antwerpen"],
        vec!["limburg", "antwerpen"],
        vec!["brussel"],
        vec!["limburg", "brussel"],
    ];
    w.app
        .create(
            "/api/v1/municipalities",
            &w.admin,
            json!({"nisCode": "71016", "name": "Genk", "regionId": "limburg", "validFrom": "1977-01-01"}),
        )
        .await;
    let statuses = [
        "planned",
        "inProgress",
        "delayed",
        "completed",
        "dropped",
        "inProgress",
    ];
    let mut ids = Vec::new();
    for n in 0..18usize {
        let action = if n % 3 == 0 {
            s(&actions[n % 4]["id"])
        } else {
            seeded_action.clone()
        };
        let mut body = json!({
            "actionId": action,
            "code": format!("L{:02}", (n * 7) % 18),
            "title": format!("Initiatief {:02}", (n * 5) % 18),
            "leadOrganisationId": if n % 4 == 1 { &antwerpen } else { &limburg },
            "regions": regions[n % regions.len()],
            "status": statuses[n % statuses.len()],
        });
        if n % 2 == 0 && !matches!(statuses[n % statuses.len()], "dropped" | "completed") {
            body["progress"] = json!((n * 13) % 101);
        }
        if n % 5 == 0 {
            body["partnerOrganisationIds"] =
                json!([if n % 4 == 1 { &limburg } else { &antwerpen }]);
        }
        if n % 3 == 1 {
            body["startDate"] = json!(format!("2025-0{}-01", 1 + n % 9));
        }
        if n == 4 {
            body["municipalities"] = json!(["71016"]);
        }
        let created = w.app.create("/api/v1/initiatives", &w.steering, body).await;
        ids.push(s(&created["id"]));
    }

    let mut queries: Vec<String> = [
        "",
        "region=limburg",
        "region=limburg&status=inProgress&status=delayed",
        "region=limburg&progressMin=20&progressMax=80",
        "region=limburg&region=brussel",
        "region=brussel&sort=-updatedAt",
        "region=limburg&sort=-updatedAt&status=completed",
        "region=limburg&sort=updatedAt",
        "region=limburg&sort=-progress",
        "region=limburg&sort=progress",
        "region=antwerpen&sort=title",
        "region=limburg&sort=-code",
        "region=limburg&sort=startDate",
        "region=limburg&sort=-startDate",
        "status=completed",
        "status=planned&status=dropped&sort=-createdAt",
        "progressMin=10&sort=progress",
        "sort=-title",
        "sort=createdAt",
        "municipality=71016",
        "region=limburg&municipality=71016",
        "q=atief 0",
        "region=limburg&q=L1",
    ]
    .iter()
    .map(|q| q.to_string())
    .collect();
    for extra in [
        format!("plan={draft_plan}"),
        format!("plan={}&region=limburg&status=inProgress", w.plan_id),
        format!("action={seeded_action}"),
        format!("action={seeded_action}&region=limburg&status=planned"),
        format!("region=antwerpen&action={}", s(&actions[0]["id"])),
        format!("challenge={}", s(&challenges[1]["id"])),
        format!("challenge={}&region=limburg", s(&challenges[0]["id"])),
        format!("organisation={antwerpen}"),
        format!("organisation={antwerpen}&region=limburg&sort=-updatedAt"),
    ] {
        queries.push(extra);
    }
    check_all(&w, &ids, &queries, "after creating").await;

    // Writes of every kind: a progress update, a move between regions, new
    // partners and municipalities, a removal, and set-based SQL.
    let path = |n: usize| format!("/api/v1/initiatives/{}", ids[n]);
    w.app
        .create(
            &format!("{}/progressUpdates", path(2)),
            &w.steering,
            json!({"date": "2025-03-01", "status": "completed", "narrative": "Klaar."}),
        )
        .await;
    for (n, body) in [
        (1, json!({"regions": ["brussel", "limburg"]})),
        (3, json!({"partnerOrganisationIds": [antwerpen]})),
        (4, json!({"municipalities": []})),
        (
            7,
            json!({"municipalities": ["71016"], "title": "Initiatief 99"}),
        ),
    ] {
        let answer = w
            .app
            .patch_current(&path(n), &w.steering, body.clone())
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{body}: {}", answer.body);
    }
    let answer = w.app.delete_current(&path(5), &w.steering).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.body);
    sql(
        &w,
        "UPDATE initiatives SET progress = 55 WHERE code IN ('L07', 'L14');
         UPDATE initiative_regions SET region_id = 'antwerpen' WHERE region_id = 'brussel'
            AND initiative_id IN (SELECT id FROM initiatives WHERE code = 'L03');
         DELETE FROM initiative_partners WHERE organisation_id IN (SELECT id FROM organisations)
            AND initiative_id IN (SELECT id FROM initiatives WHERE code = 'L00');",
    )
    .await;
    check_all(&w, &ids, &queries, "after writes").await;
}
