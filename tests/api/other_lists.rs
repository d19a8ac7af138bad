//! The lists of organisations, indicators and GBO projects against a
//! reference made by hand: every record read by id, filtered and sorted here,
//! for every filter and sort. The totals are exact and the pages in order,
//! walked three records at a time, before and after writes; a project's
//! links are what was written.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::Uuid as SqlUuid;
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};

use crate::fixtures::World;
use crate::gbo_results::municipalities;
use crate::indicators::{indicator, on};
use crate::initiative_lists::walk_pages;

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = SqlUuid)]
    id: uuid::Uuid,
}

/// Every record of `table`, each read by id through the API.
async fn every(w: &World, table: &str, list: &str) -> Vec<Value> {
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    let ids: Vec<Id> = diesel::sql_query(format!("SELECT id FROM {table}"))
        .load(&mut conn)
        .await
        .unwrap();
    let mut found = Vec::new();
    for Id { id } in ids {
        found.push(
            w.app
                .get_json(&format!("/api/v1/{list}/{id}"), &w.reader)
                .await,
        );
    }
    found
}

fn text(record: &Value, field: &str) -> String {
    record[field].as_str().unwrap_or_default().to_owned()
}

fn time(record: &Value, field: &str) -> DateTime<Utc> {
    text(record, field).parse().expect("a time")
}

/// The ids of `records` in the order of `sort` (a field, `-` for
/// descending), ties by id.
fn sorted(mut records: Vec<&Value>, sort: &str) -> Vec<String> {
    let (field, descending) = match sort.strip_prefix('-') {
        Some(field) => (field, true),
        None => (sort, false),
    };
    records.sort_by(|a, b| {
        let primary = if field.ends_with("At") {
            time(a, field).cmp(&time(b, field))
        } else {
            text(a, field).cmp(&text(b, field))
        };
        let primary = if descending {
            primary.reverse()
        } else {
            primary
        };
        match primary {
            Ordering::Equal => text(a, "id").cmp(&text(b, "id")),
            other => other,
        }
    });
    records.into_iter().map(|r| text(r, "id")).collect()
}

fn has(list: &Value, item: &str) -> bool {
    list.as_array()
        .is_some_and(|l| l.iter().any(|x| x.as_str() == Some(item)))
}

/// One query of `list` against the reference: the records `keep` holds, in
/// the order of `sort`. The walk ends on the empty page past the last, whose
/// total must be the same.
async fn check(
    w: &World,
    list: &str,
    records: &[Value],
    query: &str,
    sort: &str,
    keep: impl Fn(&Value) -> bool,
) {
    let expected = sorted(records.iter().filter(|r| keep(r)).collect(), sort);
    let full = if query.is_empty() {
        format!("sort={sort}")
    } else {
        format!("{query}&sort={sort}")
    };
    let (totals, ids) = walk_pages(w, &w.reader, list, &full, 3).await;
    let want = i64::try_from(expected.len()).unwrap();
    assert!(
        totals.iter().all(|t| *t == want),
        "{list}?{query}&sort={sort}: totals {totals:?}, want {want}"
    );
    assert_eq!(ids, expected, "{list}?{query}&sort={sort}");
}

const SORTS: [&str; 6] = [
    "createdAt",
    "-createdAt",
    "updatedAt",
    "-updatedAt",
    "name",
    "-name",
];

async fn check_organisations(w: &World, limburg: &str) {
    let records = every(w, "organisations", "organisations").await;
    let list = "organisations";
    for sort in SORTS {
        check(w, list, &records, "", sort, |_| true).await;
    }
    let kind = |r: &Value, k: &[&str]| k.contains(&text(r, "kind").as_str());
    check(w, list, &records, "kind=caw", "name", |r| kind(r, &["caw"])).await;
    check(
        w,
        list,
        &records,
        "kind=caw&kind=university",
        "-name",
        |r| kind(r, &["caw", "university"]),
    )
    .await;
    check(w, list, &records, "region=limburg", "name", |r| {
        text(r, "regionId") == "limburg"
    })
    .await;
    check(
        w,
        list,
        &records,
        "region=limburg&region=antwerpen",
        "-updatedAt",
        |r| ["limburg", "antwerpen"].contains(&text(r, "regionId").as_str()),
    )
    .await;
    check(w, list, &records, "municipality=71016", "name", |r| {
        text(r, "municipality") == "71016"
    })
    .await;
    check(
        w,
        list,
        &records,
        "enterpriseNumber=0123456749",
        "name",
        |r| text(r, "enterpriseNumber") == "0123456749",
    )
    .await;
    check(w, list, &records, "externalId=org-2", "name", |r| {
        text(r, "externalId") == "org-2"
    })
    .await;
    for q in ["a", "LF", "%", "_"] {
        let query = format!("q={}", urlencoding(q));
        check(w, list, &records, &query, "name", |r| {
            text(r, "name").to_lowercase().contains(&q.to_lowercase())
        })
        .await;
    }
    check(
        w,
        list,
        &records,
        "region=limburg&kind=caw&q=e",
        "createdAt",
        |r| {
            text(r, "regionId") == limburg
                && kind(r, &["caw"])
                && text(r, "name").to_lowercase().contains('e')
        },
    )
    .await;
}

/// The query-string form of `text`.
fn urlencoding(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn check_indicators(w: &World, plan_ids: &[String], action: &str, initiative: &str) {
    let records = every(w, "indicators", "indicators").await;
    let list = "indicators";
    let subject = |r: &Value| (text(&r["subject"], "type"), text(&r["subject"], "id"));
    for sort in SORTS.iter().copied().chain(["code", "-code"]) {
        check(w, list, &records, "", sort, |_| true).await;
    }
    // The plan of each subject: the plan itself, an action's or an initiative's.
    let mut plan_of = std::collections::HashMap::new();
    for r in &records {
        let (kind, id) = subject(r);
        let plan = match kind.as_str() {
            "plan" => id.clone(),
            "action" | "initiative" => {
                let found = w
                    .app
                    .get_json(&format!("/api/v1/{kind}s/{id}"), &w.reader)
                    .await;
                text(&found, "planId")
            }
            _ => String::new(),
        };
        plan_of.insert(id, plan);
    }
    let plans = plan_ids.join("&plan=");
    check(w, list, &records, &format!("plan={plans}"), "code", |r| {
        plan_ids.contains(&plan_of[&subject(r).1])
    })
    .await;
    check(
        w,
        list,
        &records,
        &format!("action={action}"),
        "code",
        |r| subject(r) == ("action".into(), action.into()),
    )
    .await;
    check(
        w,
        list,
        &records,
        &format!("initiative={initiative}"),
        "-code",
        |r| subject(r) == ("initiative".into(), initiative.into()),
    )
    .await;
    let projects: Vec<String> = records
        .iter()
        .filter(|r| subject(r).0 == "gboProject")
        .map(|r| subject(r).1)
        .collect();
    let project = projects
        .as_slice()
        .first()
        .expect("a project's indicator")
        .clone();
    check(
        w,
        list,
        &records,
        &format!("gboProject={project}"),
        "code",
        |r| subject(r) == ("gboProject".into(), project.clone()),
    )
    .await;
    check(
        w,
        list,
        &records,
        "standard=gbo.peopleReached",
        "code",
        |r| text(r, "standard") == "gbo.peopleReached",
    )
    .await;
    check(
        w,
        list,
        &records,
        "measure=amount&measure=percentage",
        "name",
        |r| ["amount", "percentage"].contains(&text(r, "measure").as_str()),
    )
    .await;
    check(w, list, &records, "code=bereik", "createdAt", |r| {
        text(r, "code") == "bereik"
    })
    .await;
    check(w, list, &records, "externalId=ind-1", "code", |r| {
        text(r, "externalId") == "ind-1"
    })
    .await;
    check(w, list, &records, "q=ERE", "code", |r| {
        text(r, "name").to_lowercase().contains("ere")
    })
    .await;
    check(
        w,
        list,
        &records,
        "measure=count&code=bereik",
        "-updatedAt",
        |r| text(r, "measure") == "count" && text(r, "code") == "bereik",
    )
    .await;
}

async fn check_projects(w: &World, zone: Option<&str>) {
    let records = every(w, "gbo_projects", "gboProjects").await;
    let list = "gboProjects";
    for sort in SORTS {
        check(w, list, &records, "", sort, |_| true).await;
    }
    check(w, list, &records, "region=limburg", "name", |r| {
        has(&r["regions"], "limburg")
    })
    .await;
    check(
        w,
        list,
        &records,
        "municipality=11002&municipality=71022",
        "name",
        |r| has(&r["municipalities"], "11002") || has(&r["municipalities"], "71022"),
    )
    .await;
    let partner = |r: &Value, o: &str| {
        r["partners"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["organisationId"] == o)
    };
    let org = w.org_antwerpen.to_string();
    check(
        w,
        list,
        &records,
        &format!("organisation={org}"),
        "-name",
        |r| partner(r, &org),
    )
    .await;
    check(
        w,
        list,
        &records,
        "status=active&status=ended",
        "name",
        |r| ["active", "ended"].contains(&text(r, "status").as_str()),
    )
    .await;
    check(w, list, &records, "externalId=gbo-1", "name", |r| {
        text(r, "externalId") == "gbo-1"
    })
    .await;
    check(w, list, &records, "q=HAS", "name", |r| {
        text(r, "name").to_lowercase().contains("has")
    })
    .await;
    check(
        w,
        list,
        &records,
        "region=limburg&status=active",
        "-updatedAt",
        |r| has(&r["regions"], "limburg") && text(r, "status") == "active",
    )
    .await;
    if let Some(zone) = zone {
        check(
            w,
            list,
            &records,
            &format!("primaryCareZone={zone}"),
            "name",
            |r| text(r, "primaryCareZoneId") == zone,
        )
        .await;
    }
}

async fn organisation(w: &World, body: Value) -> Value {
    w.app.create("/api/v1/organisations", &w.admin, body).await
}

async fn project(w: &World, body: Value) -> Value {
    w.app.create("/api/v1/gboProjects", &w.steering, body).await
}

#[actix_web::test]
async fn organisations_indicators_and_projects_list_as_the_reference_says() {
    let w = World::new().await;
    municipalities(&w).await;
    let mut orgs = Vec::new();
    for (name, kind, region, municipality, extra) in [
        (
            "Alfa",
            "caw",
            Some("limburg"),
            Some("71016"),
            json!({"enterpriseNumber": "0123456749"}),
        ),
        (
            "Bravo",
            "university",
            Some("antwerpen"),
            Some("11002"),
            json!({"externalId": "org-2"}),
        ),
        ("Charlie", "caw", Some("limburg"), Some("71022"), json!({})),
        ("Delta 50%", "association", None, None, json!({})),
        (
            "Echo_x",
            "caw",
            Some("limburg"),
            None,
            json!({"externalId": "org-5"}),
        ),
        ("alfa", "government", Some("antwerpen"), None, json!({})),
        (
            "Foxtrot",
            "localGovernment",
            Some("limburg"),
            Some("71016"),
            json!({}),
        ),
    ] {
        let mut body = json!({"name": name, "kind": kind});
        if let Some(region) = region {
            body["regionId"] = json!(region);
        }
        if let Some(m) = municipality {
            body["municipality"] = json!(m);
        }
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        orgs.push(organisation(&w, body).await);
    }
    check_organisations(&w, "limburg").await;

    let initiative = w.initiative("I-1", &["limburg"], None).await;
    let plan = json!({"type": "plan", "id": w.plan_id.to_string()});
    let action = json!({"type": "action", "id": w.action_id.to_string()});
    let mut projects = Vec::new();
    for (name, munis, partners, status, extra) in [
        (
            "Hasselt samen",
            vec!["71022"],
            vec![(&orgs[0], "caw"), (&orgs[6], "localGovernment")],
            "active",
            json!({"externalId": "gbo-1"}),
        ),
        (
            "Genk en Hasselt",
            vec!["71022", "71016"],
            vec![(&orgs[2], "caw")],
            "planned",
            json!({}),
        ),
        (
            "Antwerpen",
            vec!["11002"],
            vec![(&orgs[1], "other")],
            "ended",
            json!({}),
        ),
        (
            "Over twee",
            vec!["71016", "11002"],
            vec![(&orgs[5], "other"), (&orgs[0], "caw")],
            "active",
            json!({}),
        ),
    ] {
        let partners: Vec<Value> = partners
            .iter()
            .map(|(o, part)| json!({"organisationId": o["id"], "part": part}))
            .collect();
        let mut body =
            json!({"name": name, "municipalities": munis, "partners": partners, "status": status});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let created = project(&w, body).await;
        // The links are what was written: municipalities by NIS code,
        // regions each once and sorted, partners by part and organisation.
        let mut want_munis: Vec<&str> = munis.clone();
        want_munis.sort_unstable();
        assert_eq!(created["municipalities"], json!(want_munis));
        let mut regions: Vec<&str> = munis
            .iter()
            .map(|m| {
                if m.starts_with('7') {
                    "limburg"
                } else {
                    "antwerpen"
                }
            })
            .collect();
        regions.sort_unstable();
        regions.dedup();
        assert_eq!(created["regions"], json!(regions));
        let mut want_partners = partners.clone();
        want_partners.sort_by_key(|p| (text(p, "part"), text(p, "organisationId")));
        assert_eq!(created["partners"], json!(want_partners));
        projects.push(created);
    }
    // The Antwerpen organisation of the World is a partner of one project.
    let moved = w
        .app
        .patch_current(
            &format!("/api/v1/gboProjects/{}", text(&projects[2], "id")),
            &w.steering,
            json!({"partners": [{"organisationId": w.org_antwerpen.to_string(), "part": "caw"},
                                {"organisationId": orgs[1]["id"], "part": "other"}]}),
        )
        .await;
    assert!(moved.status.is_success(), "{}", moved.body);
    check_projects(&w, None).await;

    for (code, name, subject, extra) in [
        (
            "bereik",
            "Bereikte mensen",
            &plan,
            json!({"externalId": "ind-1"}),
        ),
        ("bereik", "Bereik per actie", &action, json!({})),
        (
            "budget",
            "Budget",
            &action,
            json!({"measure": "amount", "unit": "EUR"}),
        ),
        (
            "aandeel",
            "Aandeel",
            &plan,
            json!({"measure": "percentage"}),
        ),
        (
            "bereik",
            "Bereik van het initiatief",
            &on("initiative", &initiative),
            json!({}),
        ),
        ("zzz", "Laatste", &on("initiative", &initiative), json!({})),
        (
            "mensen",
            "Mensen bereikt",
            &on("gboProject", &projects[0]),
            json!({"standard": "gbo.peopleReached", "measure": null, "direction": null, "granularity": null}),
        ),
        (
            "bereik",
            "Nog een",
            &on("gboProject", &projects[1]),
            json!({}),
        ),
    ] {
        let mut extra = extra;
        extra["name"] = json!(name);
        indicator(&w, code, subject.clone(), extra).await;
    }
    let plan_ids = vec![w.plan_id.to_string()];
    check_indicators(
        &w,
        &plan_ids,
        &w.action_id.to_string(),
        &text(&initiative, "id"),
    )
    .await;

    // After writes: renames, a removal and moved links, the lists follow.
    for (path, token, body) in [
        (
            format!("/api/v1/organisations/{}", text(&orgs[3], "id")),
            &w.admin,
            json!({"name": "Alef", "regionId": "limburg"}),
        ),
        (
            format!("/api/v1/gboProjects/{}", text(&projects[1], "id")),
            &w.steering,
            json!({"municipalities": ["11002"], "status": "active", "name": "Has been moved"}),
        ),
    ] {
        let changed = w.app.patch_current(&path, token, body).await;
        assert!(changed.status.is_success(), "{}", changed.body);
    }
    let removed = w
        .app
        .delete_current(
            &format!("/api/v1/gboProjects/{}", text(&projects[3], "id")),
            &w.steering,
        )
        .await;
    assert!(removed.status.is_success(), "{}", removed.body);
    check_organisations(&w, "limburg").await;
    check_projects(&w, None).await;
    check_indicators(
        &w,
        &plan_ids,
        &w.action_id.to_string(),
        &text(&initiative, "id"),
    )
    .await;
}
