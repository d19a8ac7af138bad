//! Proposals in the change feed: one never submitted only for those who see
//! it (its authors, its region's coordinator, steering, admin), its removal
//! too; once submitted, for every reader.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::World;

/// The (id, operation) pairs of proposals `token` is given from the start of
/// the feed, once `want` are all there (another test's open transaction may
/// hold the feed back a moment).
async fn given(w: &World, token: &str, want: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut next = String::new();
    for _ in 0..200 {
        let after = if next.is_empty() {
            String::new()
        } else {
            format!("&after={next}")
        };
        let page = w
            .app
            .get_json(
                &format!("/api/v1/changes?resource=proposal&limit=100{after}"),
                token,
            )
            .await;
        for item in page["items"].as_array().unwrap() {
            seen.insert((
                item["id"].as_str().unwrap().to_owned(),
                item["operation"].as_str().unwrap().to_owned(),
            ));
        }
        next = page["next"].as_str().unwrap().to_owned();
        let complete = want
            .iter()
            .all(|(id, op)| seen.contains(&((*id).to_owned(), (*op).to_owned())));
        if page["more"] == false && complete {
            break;
        }
        if page["more"] == false {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    seen
}

async fn draft(w: &World, title: &str) -> Value {
    w.app
        .create(
            "/api/v1/proposals",
            &w.coordinator,
            json!({"planId": w.plan_id, "title": title, "rationale": "Nodig.",
                   "challengeIds": [w.challenge_ids[0]]}),
        )
        .await
}

fn ids(seen: &BTreeSet<(String, String)>) -> BTreeSet<&str> {
    seen.iter().map(|(id, _)| id.as_str()).collect()
}

#[actix_web::test]
async fn a_proposal_never_submitted_reaches_only_those_who_see_it() {
    let w = World::new().await;
    let submitted = draft(&w, "Ingediend").await;
    let kept = draft(&w, "Blijft een ontwerp").await;
    let scrapped = draft(&w, "Geschrapt").await;
    let sid = submitted["id"].as_str().unwrap();
    let kid = kept["id"].as_str().unwrap();
    let xid = scrapped["id"].as_str().unwrap();
    let step = w
        .app
        .call(
            Method::POST,
            &format!("/api/v1/proposals/{sid}/submit"),
            &w.coordinator,
            Some(&json!({})),
            None,
        )
        .await;
    assert!(step.status.is_success(), "{}", step.body);
    let gone = w
        .app
        .delete_current(&format!("/api/v1/proposals/{xid}"), &w.coordinator)
        .await;
    assert_eq!(gone.status.as_u16(), 204);

    let reader = given(&w, &w.reader, &[(sid, "update")]).await;
    assert!(reader.contains(&(sid.to_owned(), "create".to_owned())));
    assert!(!ids(&reader).contains(kid), "a draft is not the reader's");
    assert!(!ids(&reader).contains(xid), "nor the removal of one");

    let everything = [(sid, "update"), (kid, "create"), (xid, "delete")];
    for token in [&w.coordinator, &w.steering, &w.admin] {
        let seen = given(&w, token, &everything).await;
        for (id, op) in everything {
            assert!(seen.contains(&(id.to_owned(), op.to_owned())), "{id} {op}");
        }
    }
}
