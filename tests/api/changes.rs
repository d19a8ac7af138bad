//! The change feed: every write in an order a mirror can apply, with a
//! cursor that never skips a transaction that commits late.

use std::collections::BTreeSet;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::World;
use crate::helpers::assert_problem;

async fn feed(w: &World, query: &str) -> Value {
    w.app
        .get_json(&format!("/api/v1/changes?{query}"), &w.reader)
        .await
}

/// Every change after `after` of `resource`, page by page, and where the
/// feed then stands.
async fn follow(w: &World, after: &str, resource: &str) -> (Vec<Value>, String) {
    let mut items = Vec::new();
    let mut next = after.to_owned();
    loop {
        let from = if next.is_empty() {
            String::new()
        } else {
            format!("after={next}&")
        };
        let page = feed(w, &format!("{from}resource={resource}&limit=2")).await;
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        next = page["next"].as_str().unwrap().to_owned();
        if page["more"] == false {
            return (items, next);
        }
    }
}

/// Follows the feed until the changes that came hold what `done` wants: a
/// transaction open anywhere in the cluster (another test's) holds the feed
/// back a moment.
pub async fn follow_until(
    w: &World,
    after: &str,
    resource: &str,
    done: impl Fn(&[Value]) -> bool,
) -> (Vec<Value>, String) {
    let mut items = Vec::new();
    let mut next = after.to_owned();
    for _ in 0..200 {
        let (more, after) = follow(w, &next, resource).await;
        items.extend(more);
        next = after;
        if done(&items) {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    (items, next)
}

#[actix_web::test]
async fn the_feed_gives_every_write_in_order_with_versions_and_tombstones() {
    let w = World::new().await;
    let anonymous = w.app.get("/api/v1/changes").send().await.unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    let (_, now) = follow(&w, "", "initiative").await;

    let created = w.initiative("F1", &["limburg"], None).await;
    let path = created["self"].as_str().unwrap();
    let answer = w
        .app
        .patch_current(path, &w.steering, json!({"weight": 2}))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let answer = w.app.delete_current(path, &w.steering).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.body);

    let (items, next) = follow_until(&w, &now, "initiative", |items| items.len() >= 3).await;
    let id = created["id"].as_str().unwrap();
    let seen: Vec<(&str, &str, Option<i64>, bool)> = items
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap(),
                c["operation"].as_str().unwrap(),
                c["version"].as_i64(),
                c.get("self").is_some(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (id, "create", Some(1), true),
            (id, "update", Some(2), true),
            (id, "delete", Some(2), false),
        ]
    );
    assert_eq!(items[0]["self"], path);

    // Nothing new: an empty page, still with a cursor to go on from.
    let empty = feed(&w, &format!("after={next}&resource=initiative")).await;
    assert_eq!(empty["items"], json!([]));
    assert!(empty["next"].as_str().is_some_and(|n| !n.is_empty()));
    assert_eq!(empty["more"], false);
    // Other kinds are left out when not asked for.
    assert!(items.iter().all(|c| c["resource"] == "initiative"));

    for bad in [
        "after=nonsense",
        "after=YzE6MTo",
        "resource=user",
        "limit=0",
        "limit=1001",
        "wait=31",
    ] {
        let res = w
            .app
            .get(&format!("/api/v1/changes?{bad}"))
            .bearer_auth(&w.reader)
            .send()
            .await
            .unwrap();
        assert_problem(res, StatusCode::BAD_REQUEST, "validation").await;
    }
}

/// An audit entry written in a transaction of its own, as every write path
/// writes one; `COMMIT` or `ROLLBACK` is for the caller.
async fn open_write(w: &World, key: &str) -> AsyncPgConnection {
    let mut conn = AsyncPgConnection::establish(&w.app.database_url)
        .await
        .unwrap();
    conn.batch_execute(&format!(
        "BEGIN;
         INSERT INTO audit_log (actor_id, actor_kind, resource, resource_id, operation, changes)
         VALUES ('00000000-0000-0000-0000-000000000000', 'user', 'organisation', '{key}',
                 'create', '{{}}')"
    ))
    .await
    .unwrap();
    conn
}

/// The entries a reader that pages by id alone (`id > n`) sees after `n`.
async fn naive(w: &World, after: i64) -> Vec<(i64, String)> {
    use diesel::QueryableByName;
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        resource_id: String,
    }
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    let rows: Vec<Row> = diesel::sql_query(format!(
        "SELECT id, resource_id FROM audit_log WHERE resource = 'organisation' AND id > {after}
          ORDER BY id"
    ))
    .load(&mut conn)
    .await
    .unwrap();
    rows.into_iter().map(|r| (r.id, r.resource_id)).collect()
}

#[actix_web::test]
async fn a_transaction_that_commits_late_is_delivered_not_skipped() {
    let w = World::new().await;
    let (_, start) = follow(&w, "", "organisation").await;
    let naive_start = naive(&w, 0).await.last().map_or(0, |(id, _)| *id);

    // A writer takes its entry first and stays open; a second commits.
    let mut slow = open_write(&w, "slow").await;
    let fast = w
        .app
        .create(
            "/api/v1/organisations",
            &w.admin,
            json!({"name": "Snel", "kind": "caw", "regionId": "limburg"}),
        )
        .await;
    let fast_id = fast["id"].as_str().unwrap().to_owned();

    // The feed waits for the open one: nothing is given past it yet.
    let (held, next) = follow(&w, &start, "organisation").await;
    let ids = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        !ids(&held).contains(&fast_id) && !ids(&held).contains(&"slow".to_owned()),
        "the committed write waits behind the open one: {held:?}"
    );
    // A reader paging by id takes the committed entry and moves past the
    // open one's lower id.
    let naive_seen = naive(&w, naive_start).await;
    assert!(naive_seen.iter().any(|(_, key)| *key == fast_id));
    let naive_next = naive_seen.iter().map(|(id, _)| *id).max().unwrap();

    slow.batch_execute("COMMIT").await.unwrap();
    let has = |items: &[Value], key: &str| items.iter().any(|c| c["id"] == key);
    let (items, _) = follow_until(&w, &next, "organisation", |items| {
        has(items, "slow") && has(items, &fast_id)
    })
    .await;
    let items = ids(&items);
    let at = |key: &str| items.iter().position(|k| k == key);
    assert!(
        matches!((at("slow"), at(&fast_id)), (Some(a), Some(b)) if a < b),
        "both, in commit-visibility order: {items:?}"
    );
    // The reader by id never sees the late one.
    assert!(naive(&w, naive_next).await.is_empty());
}

#[actix_web::test]
async fn many_writers_with_rollbacks_deliver_exactly_what_committed() {
    let w = World::new().await;
    let (_, start) = follow(&w, "", "organisation").await;
    let writers = (0..6).map(|writer| {
        let w = &w;
        async move {
            let mut committed = Vec::new();
            for i in 0..12 {
                let key = format!("stress-{writer}-{i}");
                let mut conn = open_write(w, &key).await;
                actix_web::rt::time::sleep(std::time::Duration::from_millis(
                    ((writer * 7 + i * 3) % 11) as u64,
                ))
                .await;
                if (writer + i) % 3 == 0 {
                    conn.batch_execute("ROLLBACK").await.unwrap();
                } else {
                    conn.batch_execute("COMMIT").await.unwrap();
                    committed.push(key);
                }
            }
            committed
        }
    });
    let reader = async {
        let mut seen = Vec::new();
        let mut next = start.clone();
        for _ in 0..40 {
            let (items, after) = follow(&w, &next, "organisation").await;
            seen.extend(items.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
            next = after;
            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        (seen, next)
    };
    let (committed, (mut seen, next)) =
        tokio::join!(futures_util::future::join_all(writers), reader);
    let committed: BTreeSet<String> = committed.into_iter().flatten().collect();
    let missing: Vec<&String> = committed.iter().filter(|k| !seen.contains(k)).collect();
    let (rest, _) = follow_until(&w, &next, "organisation", |items| {
        missing
            .iter()
            .all(|k| items.iter().any(|c| c["id"] == k.as_str()))
    })
    .await;
    seen.extend(rest.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
    let delivered: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(seen.len(), delivered.len(), "no change twice");
    assert_eq!(
        delivered, committed,
        "every committed change, no rolled-back one"
    );
}

#[actix_web::test]
async fn a_waiting_reader_gets_a_change_as_it_comes() {
    let w = World::new().await;
    let (_, now) = follow(&w, "", "organisation").await;
    let path = format!("/api/v1/changes?after={now}&resource=organisation&wait=20");
    let waiting = w.app.get_json(&path, &w.reader);
    let write = async {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
        w.app
            .create(
                "/api/v1/organisations",
                &w.admin,
                json!({"name": "Later", "kind": "caw", "regionId": "limburg"}),
            )
            .await
    };
    let started = std::time::Instant::now();
    let (page, _) = tokio::join!(waiting, write);
    assert!(!page["items"].as_array().unwrap().is_empty(), "{page}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
