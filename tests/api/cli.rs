//! The command line's writes go through the same use cases as the API: the
//! same checks, and an audit entry naming the `system` actor.

use std::process::{Command, Output};

use reqwest::StatusCode;
use ssw_api::domain::Role;

use crate::helpers::TestApp;

pub(crate) fn run(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ssw-api"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "off")
        .env_remove("SSW_NEW_USER_PASSWORD")
        .output()
        .unwrap()
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[actix_web::test]
async fn create_user_applies_the_api_checks_and_is_audited_as_the_system() {
    let app = TestApp::spawn().await;
    let refused = run(
        &app,
        &[
            "create-user",
            "--email",
            "not-an-address",
            "--role",
            "coordinator",
            "--password",
            "short",
        ],
    );
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    for field in [
        "email:",
        "password:",
        "regionId: is required for coordinators",
    ] {
        assert!(message.contains(field), "{field} not in {message}");
    }

    let created = run(
        &app,
        &[
            "create-user",
            "--email",
            "Coordinator@Example.org",
            "--role",
            "coordinator",
            "--region",
            "limburg",
            "--password",
            "a long enough password",
        ],
    );
    assert!(created.status.success(), "{created:?}");
    assert!(stdout(&created).contains("coordinator@example.org"));
    let login = app
        .login_raw("coordinator@example.org", "a long enough password")
        .await;
    assert_eq!(login.status(), StatusCode::OK);

    let (_, token) = app.token_for(Role::Admin).await;
    let audit = app
        .get_json("/api/v1/audit?resource=user&operation=create", &token)
        .await;
    let entry = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["changes"]["email"]["after"] == "coordinator@example.org")
        .expect("the creation is audited");
    assert_eq!(entry["actorKind"], "system");
    assert_eq!(entry["actorId"], "00000000-0000-0000-0000-000000000000");
}

#[actix_web::test]
async fn seed_keeps_the_first_example_organisations_and_adds_none_twice() {
    let app = TestApp::spawn().await;
    let first = run(&app, &["seed"]);
    assert!(first.status.success(), "{first:?}");
    assert!(stdout(&first).contains(": 29 example organisations added"));
    let again = run(&app, &["seed"]);
    assert!(stdout(&again).contains(": 0 example organisations added"));

    let (_, token) = app.token_for(Role::Admin).await;
    let page = app
        .get_json("/api/v1/organisations?externalId=example-org-2", &token)
        .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["example"], true);
    assert_eq!(items[0]["regionId"], "limburg");
    let audit = app
        .get_json(
            "/api/v1/audit?resource=organisation&operation=create",
            &token,
        )
        .await;
    assert_eq!(audit["total"], 29);
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actorKind"] == "system")
    );
}
