//! Imports of organisations and municipalities: each row a single create or update, matched by
//! id, external id or KBO number in any usual notation; the file export
//! round-trips unchanged; rights, rules and repeats are named per row.

use reqwest::StatusCode;
use serde_json::Value;

use crate::fixtures::World;
use crate::imports::count;

async fn import(w: &World, token: &str, query: &str, file: &str) -> (StatusCode, Value) {
    import_into(w, "organisations", token, query, file).await
}

pub async fn import_into(
    w: &World,
    resource: &str,
    token: &str,
    query: &str,
    file: &str,
) -> (StatusCode, Value) {
    let res = w
        .app
        .client
        .post(w.app.url(&format!("/api/v1/imports/{resource}{query}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(file.to_owned())
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

async fn export(w: &World, query: &str) -> String {
    let res = w
        .app
        .get(&format!("/api/v1/organisations?format=csv&{query}"))
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("x-changes-cursor"));
    res.text().await.unwrap()
}

async fn audit_entries(w: &World) -> i64 {
    count(w, "audit_log", "resource = 'organisation'").await
}

async fn by_number(w: &World, number: &str) -> Value {
    let res = w
        .app
        .get(&format!("/api/v1/organisations?enterpriseNumber={number}"))
        .bearer_auth(&w.steering)
        .send()
        .await
        .unwrap();
    let page: Value = res.json().await.unwrap();
    page["items"][0].clone()
}

const NEW: &str = "name,kind,enterpriseNumber,regionId,website,externalId
CAW Limburg,caw,0200.000.142,limburg,https://caw.example,crm-1
Buurtwerk Genk,association,BE 0400000284,limburg,,crm-2
";

#[actix_web::test]
async fn organisations_are_created_matched_by_kbo_in_any_notation_and_round_trip() {
    let w = World::new().await;
    let (status, report) = import(&w, &w.steering, "", NEW).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["status"], "succeeded", "{report}");
    assert_eq!(report["counts"]["created"], 2, "{report}");
    let caw = by_number(&w, "0200000142").await;
    assert_eq!(caw["name"], "CAW Limburg");
    assert_eq!(caw["externalId"], "crm-1");
    assert_eq!(by_number(&w, "0400000284").await["kind"], "association");

    // The KBO number as a spreadsheet keeps it: the leading zero dropped.
    let before = audit_entries(&w).await;
    let (_, report) = import(
        &w,
        &w.steering,
        "",
        "name,enterpriseNumber\nCAW Limburg,200000142\nBuurtwerk Genk,BE0400.000.284\n",
    )
    .await;
    assert_eq!(report["counts"]["unchanged"], 2, "{report}");
    assert_eq!(
        audit_entries(&w).await,
        before,
        "unchanged rows write nothing"
    );

    // The export imports again unchanged, in both dialects.
    for dialect in ["rfc4180", "excel-nl-be"] {
        let file = export(&w, &format!("dialect={dialect}&region=limburg")).await;
        assert!(
            file.lines().next().unwrap().contains("enterpriseNumber"),
            "{file}"
        );
        let (status, report) = import(&w, &w.steering, "", &file).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["counts"]["rejected"], 0, "{dialect}: {report}");
        assert_eq!(
            report["counts"]["unchanged"], report["counts"]["read"],
            "{dialect}: {report}"
        );
    }
    assert_eq!(audit_entries(&w).await, before);

    // An edited cell updates; an emptied one clears; matched by external id.
    let (_, report) = import(
        &w,
        &w.steering,
        "",
        "externalId,name,website\ncrm-1,CAW Limburg vzw,\n",
    )
    .await;
    assert_eq!(report["counts"]["updated"], 1, "{report}");
    let caw = by_number(&w, "0200000142").await;
    assert_eq!(caw["name"], "CAW Limburg vzw");
    assert!(caw.get("website").is_none(), "{caw}");
    assert_eq!(caw["version"], 2);
    assert_eq!(audit_entries(&w).await, before + 1);

    // The version a file names must be the current one.
    let id = caw["id"].as_str().unwrap();
    let (status, report) = import(
        &w,
        &w.steering,
        "",
        &format!("id,name,version\n{id},Ander,1\n"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(
        report["import"]["rejectedRows"][0]["issues"][0]["code"],
        "stale"
    );
}

#[actix_web::test]
async fn rows_are_judged_like_single_writes_and_named_when_refused() {
    let w = World::new().await;
    let file = "name,kind,enterpriseNumber,regionId
Goed,caw,0456789034,limburg
,caw,,limburg
Fout nummer,caw,0456789035,limburg
Ander soort,bakkerij,,limburg
Dubbel,caw,456789034,limburg
";
    let before = audit_entries(&w).await;
    let (status, report) = import(&w, &w.steering, "", file).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(report["type"], "urn:problem-type:ssw:import-rejected");
    let job = &report["import"];
    assert_eq!(job["counts"]["rejected"], 4, "{job}");
    assert_eq!(job["counts"]["created"], 1, "what a commit would do: {job}");
    let rejected = job["rejectedRows"].as_array().unwrap();
    let issue = |line: i64| {
        rejected
            .iter()
            .find(|r| r["line"] == line)
            .map(|r| r["issues"][0].clone())
            .unwrap_or_else(|| panic!("line {line} in {job}"))
    };
    assert_eq!(issue(3)["column"], "name");
    assert_eq!(issue(3)["code"], "required");
    assert_eq!(issue(4)["column"], "enterpriseNumber");
    assert_eq!(issue(4)["value"], "0456789035");
    assert!(
        issue(4)["message"]
            .as_str()
            .unwrap()
            .contains("check digits")
    );
    assert_eq!(issue(5)["column"], "kind");
    assert_eq!(issue(6)["code"], "repeated");
    assert!(
        issue(6)["message"].as_str().unwrap().contains("line 2"),
        "{job}"
    );
    assert_eq!(
        audit_entries(&w).await,
        before,
        "an atomic import writes nothing"
    );
    assert!(by_number(&w, "0456789034").await.is_null());

    // Not atomic: the good row is applied, the others reported.
    let (status, report) = import(&w, &w.steering, "?atomic=false", file).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["status"], "partial");
    assert_eq!(report["counts"]["created"], 1);
    assert_eq!(by_number(&w, "0456789034").await["name"], "Goed");
    assert_eq!(audit_entries(&w).await, before + 1);

    // A coordinator of Limburg: a row of another region is refused by name.
    let (status, report) = import(
        &w,
        &w.coordinator,
        "",
        "name,kind,regionId\nLimburgs,caw,limburg\nAntwerps,caw,antwerpen\n",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    let rejected = &report["import"]["rejectedRows"];
    assert_eq!(rejected.as_array().unwrap().len(), 1, "{report}");
    assert_eq!(rejected[0]["line"], 3);
    assert_eq!(rejected[0]["issues"][0]["code"], "forbidden");

    // A validation reports what a commit would do and writes nothing.
    let (status, report) =
        import(&w, &w.steering, "?mode=validate", "name,kind\nNieuw,caw\n").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["counts"]["created"], 1);
    assert_eq!(audit_entries(&w).await, before + 1);

    // A reader files no imports.
    let (status, _) = import(&w, &w.reader, "", "name,kind\nNieuw,caw\n").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn municipalities_round_trip_and_each_row_is_the_single_write() {
    let w = World::new().await;
    let (status, report) = import_into(
        &w,
        "municipalities",
        &w.admin,
        "?atomic=false",
        "nisCode,name,regionId,validFrom\n99001,Nieuwgem,limburg,2025-01-01\n99002,Fout,limburg,1-1-2025\n",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["counts"]["created"], 1, "{report}");
    let issue = &report["rejectedRows"][0];
    assert_eq!(issue["line"], 3, "{report}");
    assert_eq!(issue["issues"][0]["column"], "validFrom");
    assert!(
        issue["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("2025-01-31"),
        "{report}"
    );

    let res = w
        .app
        .get("/api/v1/municipalities?format=csv&region=limburg&dialect=excel-nl-be")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let file = res.text().await.unwrap();
    assert!(file.contains("nisCode;name;nameFr"), "{file}");
    assert!(file.contains("99001;Nieuwgem;"), "{file}");
    let before = count(&w, "audit_log", "resource = 'municipality'").await;
    let (status, report) = import_into(&w, "municipalities", &w.admin, "", &file).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        report["counts"]["unchanged"], report["counts"]["read"],
        "{report}"
    );
    assert_eq!(
        count(&w, "audit_log", "resource = 'municipality'").await,
        before
    );

    let (_, report) = import_into(
        &w,
        "municipalities",
        &w.admin,
        "",
        "nisCode,validTo\n99001,2025-12-31\n",
    )
    .await;
    assert_eq!(report["counts"]["updated"], 1, "{report}");
    let nieuwgem = w
        .app
        .get("/api/v1/municipalities/99001")
        .send()
        .await
        .unwrap();
    let nieuwgem: Value = nieuwgem.json().await.unwrap();
    assert_eq!(nieuwgem["validTo"], "2025-12-31");
    assert_eq!(
        count(&w, "audit_log", "resource = 'municipality'").await,
        before + 1
    );

    // Only administrators maintain municipalities.
    let (status, _) = import_into(
        &w,
        "municipalities",
        &w.steering,
        "",
        "nisCode,name\n99001,X\n",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
