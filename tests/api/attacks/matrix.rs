//! The machinery behind the matrix: a fresh record of every collection, the
//! caller's own (Limburg, the Limburg organisation, the caller's account) or
//! another's, and a valid request for every operation of the document.

use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::Method;
use serde_json::{Value, json};
use ssw_api::domain::Role;

use super::{Caller, Scope};
use crate::fixtures::World;
use crate::helpers::PASSWORD;

/// Each PATCH of the document, with the schema of its body.
pub(super) fn patch_bodies(spec: &Value) -> Vec<(&String, &Value)> {
    let mut bodies = Vec::new();
    for (template, item) in spec["paths"].as_object().expect("paths") {
        let Some(operation) = item.get("patch") else {
            continue;
        };
        let content = &operation["requestBody"]["content"];
        let schema = &content
            .get("application/merge-patch+json")
            .or_else(|| content.get("application/json"))
            .expect("a PATCH takes a body")["schema"];
        let name = schema["$ref"].as_str().expect("a named body");
        let name = name.rsplit('/').next().expect("a schema name");
        bodies.push((template, &spec["components"]["schemas"][name]));
    }
    bodies
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn next() -> u32 {
    COUNTER.fetch_add(1, Ordering::Relaxed) + 1
}

/// Action and challenge numbers (1 to 999 in a plan), apart from the seeded ones.
static NUMBERS: AtomicU32 = AtomicU32::new(100);

fn number() -> u32 {
    NUMBERS.fetch_add(1, Ordering::Relaxed)
}

pub(super) struct Request {
    pub(super) method: Method,
    pub(super) path: String,
    pub(super) body: Option<Value>,
    /// The token to send instead of the caller's (an account made for this call).
    pub(super) token: Option<String>,
}

pub(super) struct Matrix {
    pub(super) w: World,
    reader: String,
    contributor: String,
    coordinator: String,
}

impl Matrix {
    pub(super) async fn new() -> Self {
        let w = World::new().await;
        let (reader, contributor, coordinator) = (
            w.reader.clone(),
            w.contributor.clone(),
            w.coordinator.clone(),
        );
        Self {
            w,
            reader,
            contributor,
            coordinator,
        }
    }

    /// The OpenAPI document the server serves.
    pub(super) async fn spec(&self) -> Value {
        self.w
            .app
            .get_json("/api/v1/openapi.json", &self.w.admin)
            .await
    }

    /// The path of a record template (`/api/v1/plans/{id}`) filled with a
    /// fresh record of its collection, made by an administrator.
    pub(super) async fn fresh_record_path(&self, template: &str) -> String {
        let kind = template.split('/').nth(3).expect("a collection");
        if kind == "reports" {
            return format!("{template}?{}", report_query(template, self.w.plan_id));
        }
        let id = self.record(kind, Scope::Own, Caller::Admin).await;
        template.replace("{id}", &id).replace("{nisCode}", &id)
    }

    /// Who writes every record of `template`: administrators, but steering
    /// for proposals, which administrators do not write.
    pub(super) fn writer_of(&self, template: &str) -> &str {
        if template.starts_with("/api/v1/proposals") {
            &self.w.steering
        } else {
            &self.w.admin
        }
    }

    pub(super) fn token(&self, caller: Caller) -> &str {
        match caller {
            Caller::Anonymous => "",
            Caller::Reader => &self.reader,
            Caller::Contributor => &self.contributor,
            Caller::Coordinator => &self.coordinator,
            Caller::Steering => &self.w.steering,
            Caller::Admin => &self.w.admin,
        }
    }

    async fn create(&self, path: &str, body: Value) -> String {
        let created = self.w.app.create(path, &self.w.admin, body).await;
        created["id"]
            .as_str()
            .or_else(|| created["nisCode"].as_str())
            .expect("id")
            .to_owned()
    }

    fn region(scope: Scope) -> &'static str {
        match scope {
            Scope::Own => "limburg",
            Scope::Other => "antwerpen",
        }
    }

    fn organisation(&self, scope: Scope) -> uuid::Uuid {
        match scope {
            Scope::Own => self.w.org_limburg,
            Scope::Other => self.w.org_antwerpen,
        }
    }

    async fn initiative(&self, scope: Scope) -> String {
        let n = next();
        self.create(
            "/api/v1/initiatives",
            json!({"actionId": self.w.action_id, "code": format!("X{n}"), "title": "Matrix",
                   "leadOrganisationId": self.organisation(scope), "regions": [Self::region(scope)]}),
        )
        .await
    }

    /// A fresh municipality of the caller's region or another's.
    async fn municipality(&self, scope: Scope) -> String {
        let n = next();
        self.create(
            "/api/v1/municipalities",
            json!({"nisCode": format!("3{:04}", n % 10000), "name": "Gemeente",
                   "regionId": Self::region(scope), "validFrom": "1977-01-01"}),
        )
        .await
    }

    /// A quarterly count on a fresh initiative of the scope's region and organisation.
    async fn indicator(&self, scope: Scope) -> String {
        let initiative = self.initiative(scope).await;
        self.create(
            "/api/v1/indicators",
            json!({"code": format!("I{}", next()), "name": "Bereik", "measure": "count",
                   "direction": "higherIsBetter", "granularity": "quarter",
                   "subject": {"type": "initiative", "id": initiative}}),
        )
        .await
    }

    /// A GBO project in a municipality of the region, the region's organisation a partner.
    async fn gbo_project(&self, scope: Scope) -> String {
        let nis = self.municipality(scope).await;
        self.create(
            "/api/v1/gboProjects",
            json!({"name": "GBO", "municipalities": [nis],
                   "partners": [{"organisationId": self.organisation(scope), "part": "caw"}]}),
        )
        .await
    }

    /// A measurement of a fresh indicator, for the scope's region.
    async fn measurement(&self, scope: Scope) -> String {
        let indicator = self.indicator(scope).await;
        self.create(
            &format!("/api/v1/indicators/{indicator}/measurements"),
            json!({"period": "2024Q1", "place": {"type": "region", "code": Self::region(scope)},
                   "value": 3}),
        )
        .await
    }

    async fn action(&self) -> String {
        self.create(
            "/api/v1/actions",
            json!({"planId": self.w.plan_id, "number": number(), "title": "Actie",
                   "challengeIds": [self.w.challenge_ids[0]]}),
        )
        .await
    }

    async fn fresh_login(&self) -> Value {
        let user = self.w.app.create_user(Role::Reader, None, None).await;
        self.w.app.login(&user).await
    }

    async fn service_account(&self) -> String {
        self.create(
            "/api/v1/serviceAccounts",
            json!({"name": format!("Systeem {}", next()), "role": "reader"}),
        )
        .await
    }

    /// A fresh record of the collection at `kind` (the caller's or another's).
    pub(super) async fn record(&self, kind: &str, scope: Scope, caller: Caller) -> String {
        let n = next();
        match kind {
            "plans" => {
                self.create(
                    "/api/v1/plans",
                    json!({"code": format!("m{n}"), "title": "Plan", "startYear": 2025, "endYear": 2026}),
                )
                .await
            }
            "challenges" => {
                self.create(
                    "/api/v1/challenges",
                    json!({"planId": self.w.plan_id, "code": format!("C{n}"), "number": number(), "title": "Uitdaging"}),
                )
                .await
            }
            "actions" => self.action().await,
            "initiatives" => self.initiative(scope).await,
            "progressUpdates" => {
                let initiative = self.initiative(scope).await;
                self.create(
                    &format!("/api/v1/initiatives/{initiative}/progressUpdates"),
                    json!({"date": "2024-06-01", "status": "inProgress"}),
                )
                .await
            }
            "organisations" => {
                self.create(
                    "/api/v1/organisations",
                    json!({"name": format!("Org {n}"), "kind": "caw", "regionId": Self::region(scope)}),
                )
                .await
            }
            "regions" => {
                self.create(
                    "/api/v1/regions",
                    json!({"id": format!("r-{n}"), "name": "Regio", "nisCode": format!("9{:04}", n % 10000)}),
                )
                .await
            }
            "municipalities" => {
                self.create(
                    "/api/v1/municipalities",
                    json!({"nisCode": format!("6{:04}", n % 10000), "name": "Gemeente", "regionId": "limburg",
                           "validFrom": "1977-01-01"}),
                )
                .await
            }
            "primaryCareZones" => {
                self.create(
                    "/api/v1/primaryCareZones",
                    json!({"code": format!("z{n}"), "name": "Zone", "regionId": "limburg", "municipalities": []}),
                )
                .await
            }
            "users" => {
                if scope == Scope::Own && caller != Caller::Anonymous {
                    let me = self.w.app.get_json("/api/v1/me", self.token(caller)).await;
                    me["id"].as_str().expect("own id").to_owned()
                } else {
                    let user = self.w.app.create_user(Role::Reader, None, None).await;
                    user.id.to_string()
                }
            }
            "serviceAccounts" => self.service_account().await,
            "gboProjects" => self.gbo_project(scope).await,
            "practices" => {
                self.create(
                    "/api/v1/practices",
                    json!({"title": "Praktijk", "status": "published",
                           "regionId": Self::region(scope),
                           "organisationId": self.organisation(scope)}),
                )
                .await
            }
            "conferences" => {
                self.create(
                    "/api/v1/conferences",
                    json!({"year": 2000 + n % 100, "title": "Conferentie"}),
                )
                .await
            }
            "indicators" => self.indicator(scope).await,
            "measurements" => self.measurement(scope).await,
            "imports" => {
                // A reader files none: theirs is someone else's.
                let owner = if scope == Scope::Own && !matches!(caller, Caller::Reader | Caller::Anonymous) {
                    self.token(caller).to_owned()
                } else {
                    self.w.admin.clone()
                };
                let job = self
                    .w
                    .app
                    .call(Method::POST, "/api/v1/imports/measurements", &owner, Some(&json!([])), None)
                    .await;
                job.body["id"].as_str().expect("import id").to_owned()
            }
            "proposals" => self.proposal(scope, &["submit", "return"]).await.0,
            other => panic!("no fixture for {other}"),
        }
    }

    /// A proposal of the scope's region written by steering and taken
    /// through `steps` (`submit`, `return`, `comment`): its id, and the id of
    /// its last decision or comment.
    pub(super) async fn proposal(&self, scope: Scope, steps: &[&str]) -> (String, String) {
        let id = self
            .w
            .app
            .create(
                "/api/v1/proposals",
                &self.w.steering,
                json!({"planId": self.w.plan_id, "regionId": Self::region(scope),
                       "title": format!("Voorstel {}", next()), "rationale": "Nodig.",
                       "challengeIds": [self.w.challenge_ids[0]]}),
            )
            .await["id"]
            .as_str()
            .expect("proposal id")
            .to_owned();
        let mut last = String::new();
        for step in steps {
            let (path, body) = match *step {
                "return" => (
                    "decisions",
                    json!({"outcome": "returned", "reasonCode": "other", "reason": "Aanvullen."}),
                ),
                "comment" => ("comments", json!({"body": "Opmerking."})),
                other => (other, json!({})),
            };
            let done = self
                .w
                .app
                .call(
                    Method::POST,
                    &format!("/api/v1/proposals/{id}/{path}"),
                    &self.w.steering,
                    Some(&body),
                    None,
                )
                .await;
            assert!(done.status.is_success(), "{step}: {}", done.body);
            last = done.body["id"].as_str().unwrap_or_default().to_owned();
        }
        (id, last)
    }

    /// A request on one proposal, in the state the operation needs.
    async fn proposal_request(&self, operation: &str, scope: Scope) -> Request {
        let (method, template) = operation.split_once(' ').expect("METHOD /path");
        let steps: &[&str] = match operation {
            "DELETE /api/v1/proposals/{id}" => &[],
            "POST /api/v1/proposals/{id}/review"
            | "POST /api/v1/proposals/{id}/withdraw"
            | "POST /api/v1/proposals/{id}/decisions"
            | "POST /api/v1/proposals/{id}/comments" => &["submit"],
            "GET /api/v1/proposals/{id}/comments/{commentId}" => &["submit", "comment"],
            _ => &["submit", "return"],
        };
        let (id, last) = self.proposal(scope, steps).await;
        let body = match operation {
            "PATCH /api/v1/proposals/{id}" => Some(json!({"title": "Aangevuld"})),
            "POST /api/v1/proposals/{id}/decisions" => Some(json!({"outcome": "accepted"})),
            "POST /api/v1/proposals/{id}/comments" => Some(json!({"body": "Goed."})),
            _ if method == "POST" => Some(json!({})),
            _ => None,
        };
        Request {
            method: method.parse().expect("method"),
            path: template
                .replace("{id}", &id)
                .replace("{decisionId}", &last)
                .replace("{commentId}", &last),
            body,
            token: None,
        }
    }

    /// A valid request for `operation`, on the caller's own record or another's.
    pub(super) async fn request(&self, operation: &str, scope: Scope, caller: Caller) -> Request {
        if operation.contains("/api/v1/proposals/{id}") {
            return self.proposal_request(operation, scope).await;
        }
        let (method, template) = operation.split_once(' ').expect("METHOD /path");
        let method: Method = method.parse().expect("method");
        let segments: Vec<&str> = template.split('/').collect();
        let kind = segments.get(3).copied().unwrap_or_default();
        let n = next();
        let mut token = None;
        let mut path = template.to_owned();
        let body = match operation {
            "POST /api/v1/auth/login" => {
                let user = self.w.app.create_user(Role::Reader, None, None).await;
                Some(json!({"email": user.email, "password": PASSWORD}))
            }
            "POST /api/v1/auth/refresh" | "POST /api/v1/auth/logout" => {
                let login = self.fresh_login().await;
                Some(json!({"refreshToken": login["refreshToken"]}))
            }
            "POST /api/v1/me/password" => {
                if caller != Caller::Anonymous {
                    let role = match caller {
                        Caller::Admin => Role::Admin,
                        Caller::Steering => Role::Steering,
                        Caller::Coordinator => Role::Coordinator,
                        Caller::Contributor => Role::Contributor,
                        _ => Role::Reader,
                    };
                    token = Some(self.w.app.token_for(role).await.1);
                }
                Some(
                    json!({"currentPassword": PASSWORD, "newPassword": "another long pass phrase"}),
                )
            }
            "POST /api/v1/users" => Some(json!({
                "email": format!("matrix-{n}@example.org"), "displayName": "Matrix",
                "password": PASSWORD, "role": "reader"})),
            "PATCH /api/v1/users/{id}" => Some(json!({"displayName": format!("Naam {n}")})),
            "POST /api/v1/serviceAccounts" => {
                Some(json!({"name": format!("Systeem {n}"), "role": "reader"}))
            }
            "PATCH /api/v1/serviceAccounts/{id}" => Some(json!({"name": format!("Ander {n}")})),
            "POST /api/v1/serviceAccounts/{id}/apiKeys" => Some(json!({"name": "sleutel"})),
            "POST /api/v1/plans" => Some(
                json!({"code": format!("n{n}"), "title": "Plan", "startYear": 2025, "endYear": 2026}),
            ),
            "POST /api/v1/challenges" => Some(json!({
                "planId": self.w.plan_id, "code": format!("D{n}"), "number": number(), "title": "Uitdaging"})),
            "POST /api/v1/actions" => Some(json!({
                "planId": self.w.plan_id, "number": number(), "title": "Actie",
                "challengeIds": [self.w.challenge_ids[0]]})),
            "POST /api/v1/actions/{id}/progressUpdates"
            | "POST /api/v1/initiatives/{id}/progressUpdates" => {
                Some(json!({"date": "2024-06-01", "status": "inProgress"}))
            }
            "POST /api/v1/initiatives" => Some(json!({
                "actionId": self.w.action_id, "code": format!("Y{n}"), "title": "Matrix",
                "leadOrganisationId": self.organisation(scope), "regions": [Self::region(scope)]})),
            "POST /api/v1/organisations" => Some(json!({
                "name": format!("Org {n}"), "kind": "caw", "regionId": Self::region(scope)})),
            "PATCH /api/v1/organisations/{id}" => Some(json!({"name": format!("Org {n}")})),
            "POST /api/v1/regions" => Some(json!({
                "id": format!("s-{n}"), "name": "Regio", "nisCode": format!("8{:04}", n % 10000)})),
            "POST /api/v1/municipalities" => Some(json!({
                "nisCode": format!("5{:04}", n % 10000), "name": "Gemeente", "regionId": "limburg",
                "validFrom": "1977-01-01"})),
            "POST /api/v1/municipalities/import" => Some(json!([{
                "nisCode": format!("4{:04}", n % 10000), "name": "Gemeente", "regionId": "limburg",
                "validFrom": "1977-01-01"}])),
            "POST /api/v1/primaryCareZones" => Some(json!({
                "code": format!("y{n}"), "name": "Zone", "regionId": "limburg", "municipalities": []})),
            "POST /api/v1/gboProjects" => {
                let nis = self.municipality(scope).await;
                Some(json!({"name": "GBO", "municipalities": [nis],
                            "partners": [{"organisationId": self.organisation(scope), "part": "localGovernment"}]}))
            }
            "POST /api/v1/conferences" => {
                Some(json!({"year": 2000 + n % 100, "title": "Conferentie"}))
            }
            "PATCH /api/v1/gboProjects/{id}" => Some(json!({"name": format!("GBO {n}")})),
            "POST /api/v1/proposals" => Some(json!({
                "planId": self.w.plan_id, "title": format!("Voorstel {n}"),
                "regionId": Self::region(scope)})),
            "POST /api/v1/practices" => Some(json!({
                "title": format!("Praktijk {n}"), "regionId": Self::region(scope),
                "organisationId": self.organisation(scope)})),
            "POST /api/v1/indicators" => {
                let initiative = self.initiative(scope).await;
                Some(
                    json!({"code": format!("J{n}"), "name": "Bereik", "measure": "count",
                    "direction": "higherIsBetter", "granularity": "quarter",
                    "subject": {"type": "initiative", "id": initiative}}),
                )
            }
            "PATCH /api/v1/indicators/{id}" => Some(json!({"name": format!("Bereik {n}")})),
            "POST /api/v1/indicators/{id}/measurements" => Some(json!({
                "period": "2024Q1", "place": {"type": "region", "code": Self::region(scope)},
                "value": 3})),
            "PATCH /api/v1/measurements/{id}" => Some(json!({"value": 4})),
            "POST /api/v1/imports/measurements"
            | "POST /api/v1/imports/organisations"
            | "POST /api/v1/imports/municipalities"
            | "POST /api/v1/imports/indicators"
            | "POST /api/v1/imports/initiatives"
            | "POST /api/v1/imports/gboProjects"
            | "POST /api/v1/imports/progressUpdates" => Some(json!([])),
            _ if method == Method::PATCH => Some(match kind {
                "regions" | "municipalities" | "primaryCareZones" => json!({"name": "Ander"}),
                _ => json!({"title": "Ander"}),
            }),
            _ => None,
        };
        // Fill the path's ids with fresh records; a report is asked for the plan.
        if kind == "reports" {
            path = format!("{path}?{}", report_query(&path, self.w.plan_id));
        } else if path.contains("{code}") {
            path = path.replace("{code}", "gbo.peopleReached");
        } else if path.contains("{keyId}") {
            let account = self.service_account().await;
            let key = self
                .w
                .app
                .create(
                    &format!("/api/v1/serviceAccounts/{account}/apiKeys"),
                    &self.w.admin,
                    json!({"name": "sleutel"}),
                )
                .await;
            path = path
                .replace("{id}", &account)
                .replace("{keyId}", key["id"].as_str().expect("key id"));
        } else if path.contains("{id}") || path.contains("{nisCode}") {
            let id = match (operation, scope) {
                // The organisation a contributor belongs to, or another one.
                ("PATCH /api/v1/organisations/{id}", _) => self.organisation(scope).to_string(),
                _ => self.record(kind, scope, caller).await,
            };
            path = path.replace("{id}", &id).replace("{nisCode}", &id);
        }
        Request {
            method,
            path,
            body,
            token,
        }
    }
}

/// A report's query: its plan, and a day for the snapshot.
fn report_query(path: &str, plan: uuid::Uuid) -> String {
    if path.ends_with("/snapshot") {
        format!("plan={plan}&date=2024-01-01")
    } else {
        format!("plan={plan}")
    }
}
