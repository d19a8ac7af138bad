//! Imports of indicators and initiatives: nested values and lists as flat
//! columns; matched by code on the subject or in the plan; the export
//! round-trips unchanged.

use reqwest::StatusCode;
use serde_json::Value;

use crate::fixtures::World;
use crate::import_organisations::import_into;
use crate::imports::count;

async fn export(w: &World, query: &str) -> String {
    let res = w
        .app
        .get(&format!("/api/v1/indicators?format=csv&{query}"))
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

#[actix_web::test]
async fn indicators_import_with_flat_columns_and_round_trip() {
    let w = World::new().await;
    let plan = w.plan_id;
    let file = format!(
        "code,name,subjectType,subjectId,measure,direction,granularity,cumulative,baselineValue,baselineDate,targets
bereik,Bereik,plan,{plan},count,higherIsBetter,year,onwaar,10,2023-12-31,2025-12-31=120 | 2026-12-31=150,5
aandeel,Aandeel,plan,{plan},percentage,higherIsBetter,quarter,false,\"12,5\",2023-12-31,
"
    );
    let (status, report) = import_into(&w, "indicators", &w.steering, "", &file).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a ragged row: {report}"
    );
    let file = file.replace(",5\n", "\n");
    let (status, report) = import_into(&w, "indicators", &w.steering, "", &file).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["counts"]["created"], 2, "{report}");
    let res = w
        .app
        .get(&format!("/api/v1/indicators?code=bereik&plan={plan}"))
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    let page: Value = res.json().await.unwrap();
    let bereik = &page["items"][0];
    assert_eq!(bereik["baseline"]["value"], 10.0, "{bereik}");
    assert_eq!(bereik["targets"][1]["date"], "2026-12-31");
    assert_eq!(bereik["targets"][1]["value"], 150.0);
    assert_eq!(bereik["cumulative"], false);

    let before = count(&w, "audit_log", "resource = 'indicator'").await;
    for dialect in ["rfc4180", "excel-nl-be"] {
        let file = export(&w, &format!("plan={plan}&dialect={dialect}")).await;
        assert!(file.contains("2025-12-31=120 | 2026-12-31=150"), "{file}");
        let (status, report) = import_into(&w, "indicators", &w.steering, "", &file).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(
            report["counts"]["unchanged"], report["counts"]["read"],
            "{dialect}: {report}"
        );
    }
    assert_eq!(
        count(&w, "audit_log", "resource = 'indicator'").await,
        before
    );

    // Matched by code on its subject: a new name and no baseline.
    let (_, report) = import_into(
        &w,
        "indicators",
        &w.steering,
        "",
        &format!("code,subjectType,subjectId,name,baselineValue,baselineDate\nbereik,plan,{plan},Bereik 2,,\n"),
    )
    .await;
    assert_eq!(report["counts"]["updated"], 1, "{report}");
    assert_eq!(
        count(&w, "audit_log", "resource = 'indicator'").await,
        before + 1
    );

    // What an indicator is for never changes; half a baseline is refused.
    let id = bereik["id"].as_str().unwrap();
    let action = w.action_id;
    let (status, report) = import_into(
        &w,
        "indicators",
        &w.steering,
        "?atomic=false",
        &format!("id,subjectType,subjectId\n{id},action,{action}\n"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let issue = &report["rejectedRows"][0]["issues"][0];
    assert_eq!(issue["code"], "immutable", "{report}");
    assert_eq!(issue["column"], "subjectType", "{report}");
    let (_, report) = import_into(
        &w,
        "indicators",
        &w.steering,
        "?atomic=false",
        &format!("id,baselineValue\n{id},3\n"),
    )
    .await;
    assert_eq!(
        report["rejectedRows"][0]["issues"][0]["column"], "baselineDate",
        "{report}"
    );

    // The plan's indicators are steering's: a coordinator's row is refused.
    let (status, report) = import_into(
        &w,
        "indicators",
        &w.coordinator,
        "",
        &format!("code,name,subjectType,subjectId,measure\nnieuw,Nieuw,plan,{plan},count\n"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(
        report["import"]["rejectedRows"][0]["issues"][0]["code"],
        "forbidden"
    );
}

#[actix_web::test]
async fn initiatives_import_with_lists_in_a_cell_and_round_trip() {
    let w = World::new().await;
    let first = w.initiative("I1", &["limburg", "antwerpen"], None).await;
    w.initiative("I2", &["limburg"], None).await;
    let plan = w.plan_id;
    let before = count(&w, "audit_log", "resource = 'initiative'").await;
    for dialect in ["rfc4180", "excel-nl-be"] {
        let res = w
            .app
            .get(&format!(
                "/api/v1/initiatives?format=csv&plan={plan}&dialect={dialect}"
            ))
            .bearer_auth(&w.steering)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let file = res.text().await.unwrap();
        assert!(
            file.contains("antwerpen | limburg") || file.contains("limburg | antwerpen"),
            "{file}"
        );
        let (status, report) = import_into(&w, "initiatives", &w.steering, "", &file).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["counts"]["unchanged"], 2, "{dialect}: {report}");
    }
    assert_eq!(
        count(&w, "audit_log", "resource = 'initiative'").await,
        before
    );

    // The regions in another order are the same set; a new title updates.
    let id = first["id"].as_str().unwrap();
    let (_, report) = import_into(
        &w,
        "initiatives",
        &w.steering,
        "",
        &format!("id,title,regions\n{id},Nieuwe titel,antwerpen|limburg\n"),
    )
    .await;
    assert_eq!(report["counts"]["updated"], 1, "{report}");
    assert_eq!(
        count(&w, "audit_log", "resource = 'initiative'").await,
        before + 1
    );
    let history = w
        .app
        .get(&format!("/api/v1/initiatives/{id}"))
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    let now: Value = history.json().await.unwrap();
    assert_eq!(now["title"], "Nieuwe titel");
    assert_eq!(now["regions"].as_array().unwrap().len(), 2);

    // A new one, then the same row again: matched by its code in the plan.
    let (action, org) = (w.action_id, w.org_limburg);
    let file = format!(
        "actionId,code,title,leadOrganisationId,regions,municipalities,status,progress,weight\n{action},N1,Nieuw,{org},limburg,,inProgress,40,\"1,5\"\n"
    );
    let (_, report) = import_into(&w, "initiatives", &w.steering, "", &file).await;
    assert_eq!(report["counts"]["created"], 1, "{report}");
    let (_, report) = import_into(&w, "initiatives", &w.steering, "", &file).await;
    assert_eq!(report["counts"]["unchanged"], 1, "{report}");

    // Status changes by progress updates, not by an import of the initiative.
    let (_, report) = import_into(
        &w,
        "initiatives",
        &w.steering,
        "?atomic=false",
        &file
            .replace("inProgress", "completed")
            .replace(",40,", ",100,"),
    )
    .await;
    assert_eq!(
        report["rejectedRows"][0]["issues"][0]["code"], "immutable",
        "{report}"
    );

    // A coordinator of Limburg cannot create work in Antwerpen.
    let (status, report) = import_into(
        &w,
        "initiatives",
        &w.coordinator,
        "",
        &format!(
            "actionId,code,title,leadOrganisationId,regions\n{action},A9,Antwerps,{org},antwerpen\n"
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(
        report["import"]["rejectedRows"][0]["issues"][0]["code"],
        "forbidden"
    );
}
