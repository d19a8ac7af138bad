//! Imports of GBO projects: municipalities and partners in one cell each,
//! the contact in three; the export round-trips unchanged.

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
