//! Regions, municipalities and primary care zones: read by anyone, written by
//! administrators only, with If-Match, audit entries and 409 on referenced deletes.

use diesel_async::RunQueryDsl;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use ssw_api::domain::Role;
use ssw_api::storage;
use uuid::Uuid;

use crate::helpers::{TestApp, assert_problem};

mod moves;
mod municipalities;
mod reads;
mod regions;
mod zones;

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    if_match: Option<&str>,
    body: Option<&Value>,
) -> Response {
    let mut request = app.request(method, path);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(version) = if_match {
        request = request.header("if-match", version);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap()
}

async fn json_of(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(actual, status, "{body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

fn municipality(nis: &str, name: &str, region: &str) -> Value {
    json!({"nisCode": nis, "name": name, "regionId": region, "validFrom": "1977-01-01"})
}

async fn create_municipality(app: &TestApp, admin: &str, body: &Value) -> Value {
    let response = send(
        app,
        Method::POST,
        "/api/v1/municipalities",
        Some(admin),
        None,
        Some(body),
    )
    .await;
    json_of(response, StatusCode::CREATED).await
}

async fn create_zone(app: &TestApp, admin: &str, body: &Value) -> Value {
    let response = send(
        app,
        Method::POST,
        "/api/v1/primaryCareZones",
        Some(admin),
        None,
        Some(body),
    )
    .await;
    json_of(response, StatusCode::CREATED).await
}

/// The names of a validation problem's issues.
fn issue_names(problem: &Value) -> Vec<String> {
    problem["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn execute(app: &TestApp, sql: &str) {
    let mut conn = storage::connection(&app.pool).await.unwrap();
    diesel::sql_query(sql).execute(&mut conn).await.unwrap();
}

/// An initiative led by `organisation` under a new action of the seeded plan.
async fn insert_initiative(app: &TestApp, organisation: Uuid, zone: Option<Uuid>) -> Uuid {
    let action = Uuid::new_v4();
    let initiative = Uuid::new_v4();
    let number = rand_number(action);
    execute(
        app,
        &format!(
            "INSERT INTO actions (id, plan_id, code, number, title) \
             SELECT '{action}', id, 'T{number}', {number}, 'Test action' FROM plans LIMIT 1"
        ),
    )
    .await;
    let zone = zone.map_or("NULL".to_owned(), |z| format!("'{z}'"));
    execute(
        app,
        &format!(
            "INSERT INTO initiatives (id, plan_id, action_id, code, title, lead_organisation_id, primary_care_zone_id) \
             SELECT '{initiative}', plan_id, id, 'I1', 'Test initiative', '{organisation}', {zone} \
             FROM actions WHERE id = '{action}'"
        ),
    )
    .await;
    initiative
}

/// An action number from 100 to 999, different for different ids.
fn rand_number(id: Uuid) -> u32 {
    100 + u32::from(id.as_bytes()[0]) * 3 + u32::from(id.as_bytes()[1] % 3)
}
