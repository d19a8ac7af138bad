//! Pages of initiatives kept between requests: after any write the page a
//! server that keeps pages answers is the page a server that keeps none
//! reads, `total` included; a write the page cannot show leaves it kept; a
//! page that counts from the clock is never kept; callers who may see
//! different plans never share a page.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{World, id_of};
use crate::helpers::TestApp;
use crate::report_snapshot::sql;

const PAGE: &str = "/api/v1/initiatives?region=limburg&sort=-updatedAt&pageSize=50";

async fn page(w: &World, address: &str, path: &str, token: &str) -> Value {
    let mut request = w.app.client.get(format!("{address}{path}"));
    if !token.is_empty() {
        request = request.bearer_auth(token);
    }
    let res = request.send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    res.json().await.unwrap()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_kept_page_is_the_page_read_afresh_after_every_write() {
    let w = World::new().await;
    let afresh = w.app.another(|s| s.page_cache_mb = 0);
    let first = w.initiative("K1", &["limburg"], None).await;
    let second = w.initiative("K2", &["limburg"], None).await;
    let same = async |path: &str| {
        let kept = page(&w, &w.app.address, path, &w.reader).await;
        assert_eq!(kept, page(&w, &afresh, path, &w.reader).await);
        kept
    };
    assert_eq!(same(PAGE).await["total"], 2);

    // Written around the write layer (no audit entry), a title stays unseen
    // by the kept page: this is what shows it is kept.
    let renamed = format!(
        "UPDATE initiatives SET title = 'Buiten' WHERE id = '{}'",
        id_of(&first)
    );
    sql(&w, &renamed).await;
    let kept = page(&w, &w.app.address, PAGE, &w.reader).await;
    assert!(!titles(&kept).contains(&"Buiten".to_owned()));
    let read = page(&w, &afresh, PAGE, &w.reader).await;
    assert!(titles(&read).contains(&"Buiten".to_owned()));

    // A write the page cannot show leaves it kept.
    w.app
        .create("/api/v1/practices", &w.steering, json!({"title": "Klad"}))
        .await;
    assert_eq!(page(&w, &w.app.address, PAGE, &w.reader).await, kept);

    // A new initiative is on the very next page, and in its total.
    w.initiative("K3", &["limburg"], None).await;
    let after = same(PAGE).await;
    assert_eq!(after["total"], 3);
    assert!(titles(&after).contains(&"Buiten".to_owned()));

    // So is a progress update, which changes an initiative's status.
    let update = w
        .app
        .call(
            Method::POST,
            &format!("/api/v1/initiatives/{}/progressUpdates", id_of(&second)),
            &w.steering,
            Some(&json!({"date": "2024-02-01", "status": "delayed", "narrative": "Later."})),
            None,
        )
        .await;
    assert_eq!(update.status, reqwest::StatusCode::CREATED);
    let delayed = same(&format!("{PAGE}&status=delayed")).await;
    assert_eq!(delayed["total"], 1);
    assert_eq!(delayed["items"][0]["id"], second["id"]);
    assert_eq!(same(PAGE).await["total"], 3);

    // Another page is another key: its own filters, its own total.
    w.initiative("K4", &["antwerpen"], None).await;
    let antwerpen = same("/api/v1/initiatives?region=antwerpen").await;
    assert_eq!(antwerpen["total"], 1);
    let second_page = same(&PAGE.replace("pageSize=50", "pageSize=2&page=2")).await;
    assert_eq!(second_page["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_page_that_counts_from_the_clock_is_read_afresh_every_time() {
    let w = World::new().await;
    let initiative = w.initiative("S1", &["limburg"], None).await;
    let stale = "/api/v1/initiatives?staleDays=30";
    assert_eq!(page(&w, &w.app.address, stale, &w.reader).await["total"], 0);
    // Time passing is no write: only the clock makes the initiative stale.
    let aged = format!(
        "UPDATE initiatives SET created_at = now() - interval '60 days' WHERE id = '{}'",
        id_of(&initiative)
    );
    sql(&w, &aged).await;
    assert_eq!(page(&w, &w.app.address, stale, &w.reader).await["total"], 1);
}

#[actix_web::test]
async fn callers_who_may_see_other_plans_never_share_a_page() {
    let w = World::with_app(TestApp::spawn_with(|s| s.public_read = true).await).await;
    w.initiative("D1", &["limburg"], None).await;
    sql(&w, "UPDATE plans SET status = 'draft'").await;
    // The anonymous caller's page first: the signed-in caller's is not it.
    assert_eq!(page(&w, &w.app.address, PAGE, "").await["total"], 0);
    assert_eq!(page(&w, &w.app.address, PAGE, &w.reader).await["total"], 1);
    assert_eq!(page(&w, &w.app.address, PAGE, "").await["total"], 0);
}
