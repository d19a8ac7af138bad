//! Imports of GBO projects (municipalities and partners in one cell each,
//! the contact in three) and of progress updates (posted once, never
//! changed); the exports round-trip unchanged.

use reqwest::StatusCode;
use serde_json::Value;

use crate::fixtures::World;
use crate::import_organisations::import_into;
use crate::imports::count;
use crate::report_results::project;

#[actix_web::test]
async fn gbo_projects_import_with_partners_in_a_cell_and_round_trip() {
    let w = World::new().await;
    let kempen = project(&w).await;
    let id = kempen["id"].as_str().unwrap();
    let before = count(&w, "audit_log", "resource = 'gboProject'").await;
    for dialect in ["rfc4180", "excel-nl-be"] {
        let res = w
            .app
            .get(&format!("/api/v1/gboProjects?format=csv&dialect={dialect}"))
            .bearer_auth(&w.steering)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let file = res.text().await.unwrap();
        assert!(file.contains(&format!("{}=caw", w.org_limburg)), "{file}");
        let (status, report) = import_into(&w, "gboProjects", &w.steering, "", &file).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["counts"]["unchanged"], 1, "{dialect}: {report}");
    }
    assert_eq!(
        count(&w, "audit_log", "resource = 'gboProject'").await,
        before
    );

    // The municipalities in another order are the same set; a contact is added.
    let (org, antwerpen) = (w.org_limburg, w.org_antwerpen);
    let (_, report) = import_into(
        &w,
        "gboProjects",
        &w.steering,
        "",
        &format!(
            "id,municipalities,partners,contactEmail\n{id},11002|71022|71016,{org}=caw | {antwerpen}=localGovernment,onthaal@example.org\n"
        ),
    )
    .await;
    assert_eq!(report["counts"]["updated"], 1, "{report}");
    let res = w
        .app
        .get(&format!("/api/v1/gboProjects/{id}"))
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    let now: Value = res.json().await.unwrap();
    assert_eq!(now["contact"]["email"], "onthaal@example.org", "{now}");
    assert_eq!(now["partners"].as_array().unwrap().len(), 2, "{now}");
    assert_eq!(
        count(&w, "audit_log", "resource = 'gboProject'").await,
        before + 1
    );

    // A new project by external id, then the same row again: unchanged.
    let file = "name,municipalities,externalId,contactName\nGBO Genk,71016,gbo-genk,Onthaal Genk\n";
    let (_, report) = import_into(&w, "gboProjects", &w.steering, "", file).await;
    assert_eq!(report["counts"]["created"], 1, "{report}");
    let (_, report) = import_into(&w, "gboProjects", &w.steering, "", file).await;
    assert_eq!(report["counts"]["unchanged"], 1, "{report}");

    // A partner written wrongly, and a coordinator outside their region.
    let (status, report) = import_into(
        &w,
        "gboProjects",
        &w.steering,
        "?atomic=false",
        &format!("id,partners\n{id},{org}\n"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        report["rejectedRows"][0]["issues"][0]["column"], "partners",
        "{report}"
    );
    let (status, report) = import_into(
        &w,
        "gboProjects",
        &w.coordinator,
        "",
        "name,municipalities\nGBO Mechelen,12025\n",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(
        report["import"]["rejectedRows"][0]["issues"][0]["code"],
        "forbidden"
    );
}

#[actix_web::test]
async fn progress_updates_are_posted_once_and_never_changed() {
    let w = World::new().await;
    let initiative = w.initiative("P1", &["limburg"], None).await;
    let id = initiative["id"].as_str().unwrap();
    let file = format!(
        "initiativeId,date,status,progress,narrative\n{id},2024-03-01,inProgress,30,Gestart\n{id},2024-06-01,delayed,40,\n"
    );
    let before = count(&w, "progress_updates", "true").await;
    let (status, report) = import_into(&w, "progressUpdates", &w.steering, "", &file).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["counts"]["created"], 2, "{report}");
    let res = w
        .app
        .get(&format!("/api/v1/initiatives/{id}"))
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    let now: Value = res.json().await.unwrap();
    assert_eq!(
        now["status"], "delayed",
        "the latest-dated update sets it: {now}"
    );
    assert_eq!(now["progress"], 40);

    // The same file again posts nothing; so does the timeline's export.
    let (_, report) = import_into(&w, "progressUpdates", &w.steering, "", &file).await;
    assert_eq!(report["counts"]["unchanged"], 2, "{report}");
    let res = w
        .app
        .get(&format!(
            "/api/v1/initiatives/{id}/progressUpdates?format=csv&dialect=excel-nl-be"
        ))
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let export = res.text().await.unwrap();
    assert!(export.contains("Gestart"), "{export}");
    let (_, report) = import_into(&w, "progressUpdates", &w.steering, "", &export).await;
    assert_eq!(report["counts"]["unchanged"], 2, "{report}");
    assert_eq!(count(&w, "progress_updates", "true").await, before + 2);

    // An entry is never changed, and a row names what it is on.
    let (status, report) = import_into(
        &w,
        "progressUpdates",
        &w.steering,
        "?atomic=false",
        &export.replace("Gestart", "Anders"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let issue = &report["rejectedRows"][0]["issues"][0];
    assert_eq!(issue["code"], "immutable", "{report}");
    assert_eq!(issue["column"], "narrative", "{report}");
    let (_, report) = import_into(
        &w,
        "progressUpdates",
        &w.steering,
        "?atomic=false",
        "date,status\n2024-07-01,delayed\n",
    )
    .await;
    assert_eq!(
        report["rejectedRows"][0]["issues"][0]["column"], "initiativeId",
        "{report}"
    );

    // A contributor posts on work its organisation leads only.
    let other = w
        .initiative("P2", &["antwerpen"], Some(w.org_antwerpen))
        .await;
    let other = other["id"].as_str().unwrap();
    let (status, report) = import_into(
        &w,
        "progressUpdates",
        &w.contributor,
        "",
        &format!(
            "initiativeId,date,status\n{id},2024-08-01,inProgress\n{other},2024-08-01,inProgress\n"
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    let rejected = report["import"]["rejectedRows"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{report}");
    assert_eq!(rejected[0]["line"], 3);
    assert_eq!(rejected[0]["issues"][0]["code"], "forbidden");
}
