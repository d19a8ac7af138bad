//! The role × operation matrix, built from the served OpenAPI document: every
//! operation, called by every role and anonymously, on its own region's (or
//! own organisation's, or own account's) record and on another's. `TABLE`
//! states who may do what, as the README's permission tables do; an operation
//! without a row fails the test, as does any unexpected allow or deny.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ssw_api::domain::Role;

use crate::fixtures::{World, id_of};
use crate::helpers::PASSWORD;

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    /// Anyone, anonymous callers too.
    Anyone,
    /// Every signed-in caller.
    SignedIn,
    /// Administrators.
    Admin,
    /// Steering and administrators.
    Steering,
    /// Administrators, and every caller for their own account (another's is a 404).
    OwnAccount,
    /// Steering and administrators any; coordinators in their own region.
    Regional,
    /// As `Regional`, and contributors on work their organisation leads.
    RegionalOrLead,
    /// As `Regional`, and contributors on their own organisation.
    RegionalOrOwnOrganisation,
}

/// Whether the operation's target can be the caller's own or another's.
fn scoped(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::OwnAccount | Rule::Regional | Rule::RegionalOrLead | Rule::RegionalOrOwnOrganisation
    )
}

const TABLE: &[(&str, Rule)] = &[
    ("POST /api/v1/auth/login", Rule::Anyone),
    ("POST /api/v1/auth/refresh", Rule::Anyone),
    ("POST /api/v1/auth/logout", Rule::Anyone),
    ("GET /api/v1/me", Rule::SignedIn),
    ("POST /api/v1/me/password", Rule::SignedIn),
    ("GET /api/v1/users", Rule::Admin),
    ("POST /api/v1/users", Rule::Admin),
    ("GET /api/v1/users/{id}", Rule::OwnAccount),
    ("PATCH /api/v1/users/{id}", Rule::Admin),
    ("GET /api/v1/serviceAccounts", Rule::Admin),
    ("POST /api/v1/serviceAccounts", Rule::Admin),
    ("GET /api/v1/serviceAccounts/{id}", Rule::Admin),
    ("PATCH /api/v1/serviceAccounts/{id}", Rule::Admin),
    ("GET /api/v1/serviceAccounts/{id}/apiKeys", Rule::Admin),
    ("POST /api/v1/serviceAccounts/{id}/apiKeys", Rule::Admin),
    (
        "DELETE /api/v1/serviceAccounts/{id}/apiKeys/{keyId}",
        Rule::Admin,
    ),
    ("GET /api/v1/plans", Rule::SignedIn),
    ("POST /api/v1/plans", Rule::Steering),
    ("GET /api/v1/plans/{id}", Rule::SignedIn),
    ("PATCH /api/v1/plans/{id}", Rule::Steering),
    ("DELETE /api/v1/plans/{id}", Rule::Steering),
    ("GET /api/v1/plans/{id}/history", Rule::Steering),
    ("GET /api/v1/plans/{id}/progress", Rule::SignedIn),
    ("GET /api/v1/challenges", Rule::SignedIn),
    ("POST /api/v1/challenges", Rule::Steering),
    ("GET /api/v1/challenges/{id}", Rule::SignedIn),
    ("PATCH /api/v1/challenges/{id}", Rule::Steering),
    ("DELETE /api/v1/challenges/{id}", Rule::Steering),
    ("GET /api/v1/challenges/{id}/history", Rule::Steering),
    ("GET /api/v1/actions", Rule::SignedIn),
    ("POST /api/v1/actions", Rule::Steering),
    ("GET /api/v1/actions/{id}", Rule::SignedIn),
    ("PATCH /api/v1/actions/{id}", Rule::Steering),
    ("DELETE /api/v1/actions/{id}", Rule::Steering),
    ("GET /api/v1/actions/{id}/history", Rule::Steering),
    ("GET /api/v1/actions/{id}/progress", Rule::SignedIn),
    ("GET /api/v1/actions/{id}/progressUpdates", Rule::SignedIn),
    ("POST /api/v1/actions/{id}/progressUpdates", Rule::Steering),
    ("GET /api/v1/initiatives", Rule::SignedIn),
    ("POST /api/v1/initiatives", Rule::Regional),
    ("GET /api/v1/initiatives/{id}", Rule::SignedIn),
    ("PATCH /api/v1/initiatives/{id}", Rule::Regional),
    ("DELETE /api/v1/initiatives/{id}", Rule::Regional),
    ("GET /api/v1/initiatives/{id}/history", Rule::Steering),
    (
        "GET /api/v1/initiatives/{id}/progressUpdates",
        Rule::SignedIn,
    ),
    (
        "POST /api/v1/initiatives/{id}/progressUpdates",
        Rule::RegionalOrLead,
    ),
    ("GET /api/v1/progressUpdates/{id}", Rule::SignedIn),
    ("GET /api/v1/organisations", Rule::SignedIn),
    ("POST /api/v1/organisations", Rule::Regional),
    ("GET /api/v1/organisations/{id}", Rule::SignedIn),
    (
        "PATCH /api/v1/organisations/{id}",
        Rule::RegionalOrOwnOrganisation,
    ),
    ("DELETE /api/v1/organisations/{id}", Rule::Steering),
    ("GET /api/v1/organisations/{id}/history", Rule::Steering),
    ("GET /api/v1/audit", Rule::Steering),
    ("GET /api/v1/regions", Rule::Anyone),
    ("POST /api/v1/regions", Rule::Admin),
    ("GET /api/v1/regions/{id}", Rule::Anyone),
    ("PATCH /api/v1/regions/{id}", Rule::Admin),
    ("DELETE /api/v1/regions/{id}", Rule::Admin),
    ("GET /api/v1/regions/{id}/history", Rule::Steering),
    ("GET /api/v1/municipalities", Rule::Anyone),
    ("POST /api/v1/municipalities", Rule::Admin),
    ("POST /api/v1/municipalities/import", Rule::Admin),
    ("GET /api/v1/municipalities/{nisCode}", Rule::Anyone),
    ("PATCH /api/v1/municipalities/{nisCode}", Rule::Admin),
    ("DELETE /api/v1/municipalities/{nisCode}", Rule::Admin),
    ("GET /api/v1/municipalities/{id}/history", Rule::Steering),
    ("GET /api/v1/primaryCareZones", Rule::Anyone),
    ("POST /api/v1/primaryCareZones", Rule::Admin),
    ("GET /api/v1/primaryCareZones/{id}", Rule::Anyone),
    ("PATCH /api/v1/primaryCareZones/{id}", Rule::Admin),
    ("DELETE /api/v1/primaryCareZones/{id}", Rule::Admin),
    ("GET /api/v1/primaryCareZones/{id}/history", Rule::Steering),
    // GBO projects and conferences. A GBO project's contributor is a partner's.
    ("GET /api/v1/gboProjects", Rule::SignedIn),
    ("POST /api/v1/gboProjects", Rule::Regional),
    ("GET /api/v1/gboProjects/{id}", Rule::SignedIn),
    ("PATCH /api/v1/gboProjects/{id}", Rule::RegionalOrLead),
    ("DELETE /api/v1/gboProjects/{id}", Rule::Regional),
    ("GET /api/v1/gboProjects/{id}/history", Rule::Steering),
    ("GET /api/v1/conferences", Rule::Anyone),
    ("POST /api/v1/conferences", Rule::Steering),
    ("GET /api/v1/conferences/{id}", Rule::Anyone),
    ("PATCH /api/v1/conferences/{id}", Rule::Steering),
    ("DELETE /api/v1/conferences/{id}", Rule::Steering),
    ("GET /api/v1/conferences/{id}/history", Rule::Steering),
    // Results: indicators, standard indicators, measurements.
    ("GET /api/v1/indicators", Rule::SignedIn),
    ("POST /api/v1/indicators", Rule::RegionalOrLead),
    ("GET /api/v1/indicators/{id}", Rule::SignedIn),
    ("PATCH /api/v1/indicators/{id}", Rule::RegionalOrLead),
    ("DELETE /api/v1/indicators/{id}", Rule::RegionalOrLead),
    ("GET /api/v1/indicators/{id}/history", Rule::Steering),
    ("GET /api/v1/indicators/{id}/measurements", Rule::SignedIn),
    (
        "POST /api/v1/indicators/{id}/measurements",
        Rule::RegionalOrLead,
    ),
    ("GET /api/v1/standardIndicators", Rule::SignedIn),
    ("GET /api/v1/standardIndicators/{code}", Rule::SignedIn),
    ("GET /api/v1/measurements", Rule::SignedIn),
    ("GET /api/v1/measurements/{id}", Rule::SignedIn),
    ("PATCH /api/v1/measurements/{id}", Rule::RegionalOrLead),
    ("DELETE /api/v1/measurements/{id}", Rule::RegionalOrLead),
    ("GET /api/v1/measurements/{id}/history", Rule::Steering),
    ("GET /api/v1/measurements/{id}/revisions", Rule::SignedIn),
    ("GET /api/v1/openapi.json", Rule::Anyone),
    ("GET /health/live", Rule::Anyone),
    ("GET /health/ready", Rule::Anyone),
    ("GET /metrics", Rule::Anyone),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Caller {
    Anonymous,
    Reader,
    /// For the Limburg organisation, which leads the Limburg work.
    Contributor,
    /// Of Limburg.
    Coordinator,
    Steering,
    Admin,
}

const CALLERS: [Caller; 6] = [
    Caller::Anonymous,
    Caller::Reader,
    Caller::Contributor,
    Caller::Coordinator,
    Caller::Steering,
    Caller::Admin,
];

/// The record an operation acts on: the caller's own (Limburg, the Limburg
/// organisation, the caller's account) or another's (Antwerpen, another account).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scope {
    Own,
    Other,
}

/// What the table says should happen: allowed (a 2xx), or the refusal.
fn expected(rule: Rule, caller: Caller, scope: Scope) -> Option<u16> {
    use Caller::*;
    let own = scope == Scope::Own;
    let allowed = match rule {
        Rule::Anyone => true,
        _ if caller == Anonymous => return Some(401),
        Rule::SignedIn => true,
        Rule::Admin => caller == Admin,
        Rule::Steering => matches!(caller, Steering | Admin),
        Rule::OwnAccount => {
            if caller == Admin || own {
                true
            } else {
                return Some(404);
            }
        }
        Rule::Regional => matches!(caller, Steering | Admin) || (caller == Coordinator && own),
        Rule::RegionalOrLead | Rule::RegionalOrOwnOrganisation => {
            matches!(caller, Steering | Admin)
                || (matches!(caller, Coordinator | Contributor) && own)
        }
    };
    if allowed { None } else { Some(403) }
}

/// The operations of the served document, as `METHOD /path`.
async fn operations(w: &World) -> BTreeSet<String> {
    let spec = w.app.get_json("/api/v1/openapi.json", &w.admin).await;
    let mut operations = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            operations.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    operations
}

/// Each PATCH of the document, with the schema of its body.
fn patch_bodies(spec: &Value) -> Vec<(&String, &Value)> {
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

struct Request {
    method: Method,
    path: String,
    body: Option<Value>,
    /// The token to send instead of the caller's (an account made for this call).
    token: Option<String>,
}

struct Matrix {
    w: World,
    reader: String,
    contributor: String,
    coordinator: String,
}

impl Matrix {
    async fn new() -> Self {
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
    async fn spec(&self) -> Value {
        self.w
            .app
            .get_json("/api/v1/openapi.json", &self.w.admin)
            .await
    }

    /// The path of a record template (`/api/v1/plans/{id}`) filled with a
    /// fresh record of its collection, made by an administrator.
    async fn fresh_record_path(&self, template: &str) -> String {
        let kind = template.split('/').nth(3).expect("a collection");
        let id = self.record(kind, Scope::Own, Caller::Admin).await;
        template.replace("{id}", &id).replace("{nisCode}", &id)
    }

    fn token(&self, caller: Caller) -> &str {
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
    async fn record(&self, kind: &str, scope: Scope, caller: Caller) -> String {
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
            "conferences" => {
                self.create(
                    "/api/v1/conferences",
                    json!({"year": 2000 + n % 100, "title": "Conferentie"}),
                )
                .await
            }
            "indicators" => self.indicator(scope).await,
            "measurements" => self.measurement(scope).await,
            other => panic!("no fixture for {other}"),
        }
    }

    /// A valid request for `operation`, on the caller's own record or another's.
    async fn request(&self, operation: &str, scope: Scope, caller: Caller) -> Request {
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
            _ if method == Method::PATCH => Some(match kind {
                "regions" | "municipalities" | "primaryCareZones" => json!({"name": "Ander"}),
                _ => json!({"title": "Ander"}),
            }),
            _ => None,
        };
        // Fill the path's ids with fresh records.
        if path.contains("{code}") {
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

#[actix_web::test]
async fn every_operation_of_the_document_against_every_caller_and_scope() {
    let m = Matrix::new().await;
    let documented = operations(&m.w).await;
    let tabled: BTreeSet<String> = TABLE.iter().map(|(op, _)| (*op).to_owned()).collect();
    let untabled: Vec<&String> = documented.difference(&tabled).collect();
    assert!(
        untabled.is_empty(),
        "operations without a row in TABLE: {untabled:?}"
    );
    let stale: Vec<&String> = tabled.difference(&documented).collect();
    assert!(
        stale.is_empty(),
        "rows for undocumented operations: {stale:?}"
    );

    let mut unexpected = Vec::new();
    let mut calls = 0;
    for (operation, rule) in TABLE {
        let scopes: &[Scope] = if scoped(*rule) {
            &[Scope::Own, Scope::Other]
        } else {
            &[Scope::Own]
        };
        for scope in scopes {
            for caller in CALLERS {
                let request = m.request(operation, *scope, caller).await;
                let token = request
                    .token
                    .clone()
                    .unwrap_or_else(|| m.token(caller).to_owned());
                let if_match = if matches!(request.method, Method::PATCH | Method::DELETE) {
                    let current =
                        m.w.app
                            .call(Method::GET, &request.path, &m.w.admin, None, None)
                            .await;
                    Some(current.body["version"].as_i64().unwrap_or(1))
                } else {
                    None
                };
                let answer =
                    m.w.app
                        .call(
                            request.method.clone(),
                            &request.path,
                            &token,
                            request.body.as_ref(),
                            if_match,
                        )
                        .await;
                calls += 1;
                let got = answer.status.as_u16();
                let ok = match expected(*rule, caller, *scope) {
                    None => answer.status.is_success(),
                    Some(refusal) => got == refusal,
                };
                if !ok {
                    let want =
                        expected(*rule, caller, *scope).map_or("2xx".to_owned(), |s| s.to_string());
                    unexpected.push(format!(
                        "{caller:?} / {operation} ({scope:?}): expected {want}, got {got} {}",
                        answer.body
                    ));
                }
            }
        }
    }
    assert!(calls > 400, "{calls} calls");
    assert!(
        unexpected.is_empty(),
        "{} unexpected answers:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

/// Another region's records named in bodies and filters, and protected fields
/// in bodies: refused, and nothing changes.
#[actix_web::test]
async fn another_regions_ids_in_bodies_and_filters_and_protected_fields_are_refused() {
    let w = World::new().await;
    let app = &w.app;
    let own = w.initiative("B1", &["limburg"], None).await;
    let other = w
        .initiative("B2", &["antwerpen"], Some(w.org_antwerpen))
        .await;
    let own_path = format!("/api/v1/initiatives/{}", id_of(&own));
    let other_path = format!("/api/v1/initiatives/{}", id_of(&other));

    // A coordinator moving its own initiative into another region.
    let answer = app
        .patch_current(&own_path, &w.coordinator, json!({"regions": ["antwerpen"]}))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    // A coordinator moving its region's organisation away.
    let answer = app
        .patch_current(
            &format!("/api/v1/organisations/{}", w.org_limburg),
            &w.coordinator,
            json!({"regionId": "antwerpen"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    // A contributor posting progress on another organisation's work.
    let answer = app
        .call(
            Method::POST,
            &format!("{other_path}/progressUpdates"),
            &w.contributor,
            Some(&json!({"date": "2024-06-01", "status": "completed"})),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // Filters on another's records where the caller may not list at all.
    for path in [
        format!("/api/v1/audit?resourceId={}", id_of(&other)),
        format!(
            "/api/v1/audit?resource=initiative&resourceId={}",
            id_of(&own)
        ),
        format!("{other_path}/history"),
        "/api/v1/users?q=example.org".to_owned(),
        "/api/v1/serviceAccounts".to_owned(),
    ] {
        let answer = app
            .call(Method::GET, &path, &w.coordinator, None, None)
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
    }
    // Protected fields in a body are refused by name, for every role.
    for (token, path, field, value) in [
        (&w.steering, own_path.as_str(), "version", json!(99)),
        (
            &w.steering,
            own_path.as_str(),
            "createdAt",
            json!("2020-01-01T00:00:00Z"),
        ),
        (
            &w.coordinator,
            own_path.as_str(),
            "id",
            json!(uuid::Uuid::new_v4()),
        ),
        (&w.steering, own_path.as_str(), "progress", json!(100)),
        (&w.steering, own_path.as_str(), "status", json!("completed")),
    ] {
        let answer = app
            .patch_current(path, token, json!({ field: value }))
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{field}");
        assert_eq!(answer.body["issues"][0]["name"], field, "{}", answer.body);
    }
    let (user, _) = app.token_for(Role::Reader).await;
    let answer = app
        .patch_current(
            &format!("/api/v1/users/{}", user.id),
            &w.admin,
            json!({"email": "x@example.org"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    // Nothing changed.
    let after = app.get_json(&own_path, &w.admin).await;
    assert_eq!(after["regions"], json!(["limburg"]));
    assert_eq!(after["version"], own["version"]);
    let other_after = app.get_json(&other_path, &w.admin).await;
    assert_eq!(other_after["version"], other["version"]);
}

/// Hostile values for every field of every request body, every query
/// parameter and every path parameter of the document, sent as an
/// administrator: each is a 4xx problem, none a 500, and nothing is written.
#[actix_web::test]
async fn hostile_values_in_every_field_are_4xx_and_change_nothing() {
    let w = World::new().await;
    let app = &w.app;
    let spec = app.get_json("/api/v1/openapi.json", &w.admin).await;
    let audit_before = app.get_json("/api/v1/audit?pageSize=1", &w.admin).await["total"].clone();

    let huge_text = "x".repeat(300_000);
    let hostile_values = [
        json!("a\u{0}b"),
        json!(huge_text),
        json!(-1),
        json!(1e300),
        json!(9_223_372_036_854_775_807_i64),
        json!(-9_223_372_036_854_775_807_i64),
        json!(u64::MAX),
        json!(0.5),
        json!(true),
        json!(null),
        json!([]),
        json!({}),
        json!(["a\u{0}"]),
    ];
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let fake = uuid::Uuid::new_v4().to_string();
    let mut problems = Vec::new();
    let mut calls = 0;
    let check = |what: String, status: StatusCode, body: &Value, problems: &mut Vec<String>| {
        if !status.is_client_error() || body.get("type").is_none() {
            problems.push(format!("{what}: {status} {body}"));
        }
    };

    for (template, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let path = template
                .replace("{nisCode}", "71016")
                .replace("{keyId}", &fake)
                .replace("{id}", &fake);
            // Request bodies: each property in turn gets each hostile value.
            let schema = &operation["requestBody"]["content"];
            let schema = schema
                .get("application/json")
                .or_else(|| schema.get("application/merge-patch+json"))
                .map(|c| &c["schema"]);
            if let Some(schema) = schema {
                let resolved = match schema["$ref"].as_str() {
                    Some(r) => &spec["components"]["schemas"][r.rsplit('/').next().unwrap()],
                    None => schema,
                };
                let properties: Vec<String> = resolved["properties"]
                    .as_object()
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default();
                for property in &properties {
                    for value in &hostile_values {
                        // Login is left out here: its refusals count towards throttling.
                        if template.ends_with("/auth/login") {
                            continue;
                        }
                        let body = json!({ property.as_str(): value });
                        let answer = app
                            .call(method.clone(), &path, &w.admin, Some(&body), Some(1))
                            .await;
                        calls += 1;
                        let shown = value.to_string().chars().take(40).collect::<String>();
                        check(
                            format!("{method} {template} {property}={shown}"),
                            answer.status,
                            &answer.body,
                            &mut problems,
                        );
                    }
                }
                let response = app
                    .request(method.clone(), &path)
                    .bearer_auth(&w.admin)
                    .header("content-type", "application/json")
                    .header("if-match", "\"1\"")
                    .body(deep.clone())
                    .send()
                    .await
                    .unwrap();
                calls += 1;
                let status = response.status();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                check(
                    format!("{method} {template} deep JSON"),
                    status,
                    &body,
                    &mut problems,
                );
            }
            // Query and path parameters.
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                let place = parameter["in"].as_str().unwrap();
                for value in ["%00", "99999999999999999999", "-1", "%FF%FE", "1e400"] {
                    let target = match place {
                        "query" => format!("{path}?{name}={value}"),
                        "path" => template
                            .replace(&format!("{{{name}}}"), value)
                            .replace("{nisCode}", "71016")
                            .replace("{keyId}", &fake)
                            .replace("{id}", &fake),
                        _ => continue,
                    };
                    let answer = app
                        .call(method.clone(), &target, &w.admin, None, Some(1))
                        .await;
                    calls += 1;
                    // A GET of a harmless value may answer 200; anything but a 5xx is fine there.
                    if answer.status.is_server_error() {
                        problems.push(format!("{method} {target}: {}", answer.status));
                    }
                }
            }
        }
    }
    assert!(calls > 1000, "{calls} calls");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let audit_after = app.get_json("/api/v1/audit?pageSize=1", &w.admin).await["total"].clone();
    assert_eq!(
        audit_before, audit_after,
        "a hostile request wrote something"
    );
}

/// A merge patch's `null` removes a member (RFC 7396). For every PATCH of the
/// document and each member its schema does not let be null, `null` is a 400
/// naming the member and the record stays as it was.
#[actix_web::test]
async fn null_for_a_member_that_cannot_be_removed_is_refused_by_name() {
    let m = Matrix::new().await;
    let spec = m.spec().await;
    let nullable = |schema: &Value| {
        schema["type"]
            .as_array()
            .is_some_and(|types| types.contains(&json!("null")))
            || ["oneOf", "anyOf"].iter().any(|k| {
                schema[*k]
                    .as_array()
                    .is_some_and(|s| s.iter().any(|s| s["type"] == "null"))
            })
    };
    let mut problems = Vec::new();
    let mut refused = 0;
    for (template, schema) in patch_bodies(&spec) {
        for (member, property) in schema["properties"].as_object().unwrap() {
            if nullable(property) {
                continue;
            }
            let path = m.fresh_record_path(template).await;
            let before =
                m.w.app
                    .call(Method::GET, &path, &m.w.admin, None, None)
                    .await;
            let version = before.body["version"].as_i64().expect("version");
            let answer =
                m.w.app
                    .call(
                        Method::PATCH,
                        &path,
                        &m.w.admin,
                        Some(&json!({ member.as_str(): null })),
                        Some(version),
                    )
                    .await;
            let named = answer.body["issues"][0]["name"] == member.as_str();
            if answer.status != StatusCode::BAD_REQUEST || !named {
                problems.push(format!(
                    "PATCH {template} {member}=null: {} {}",
                    answer.status, answer.body
                ));
            }
            let after =
                m.w.app
                    .call(Method::GET, &path, &m.w.admin, None, None)
                    .await;
            if after.body != before.body {
                problems.push(format!("PATCH {template} {member}=null changed the record"));
            }
            refused += 1;
        }
    }
    assert!(refused > 40, "{refused} members checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Input the document refuses is a 400 whatever the `If-Match`: a stale
/// version does not hide that the request could never succeed. For every PATCH
/// and each member with a range, a length, a pattern or a list size, or whose
/// items are unique, a value outside it is sent with a stale version.
#[actix_web::test]
async fn out_of_range_input_is_a_400_even_with_a_stale_version() {
    let m = Matrix::new().await;
    let spec = m.spec().await;
    let mut problems = Vec::new();
    let mut checked = 0;
    for (template, schema) in patch_bodies(&spec) {
        let path = m.fresh_record_path(template).await;
        for (member, property) in schema["properties"].as_object().unwrap() {
            let mut outside = Vec::new();
            if let Some(min) = property["minimum"].as_f64() {
                outside.push(json!(min - 1.0));
            }
            if let Some(max) = property["maximum"].as_f64() {
                outside.push(json!(max + 1.0));
            }
            if let Some(max) = property["maxLength"].as_u64() {
                outside.push(json!("x".repeat(max as usize + 1)));
            }
            // A control character and a star: outside every pattern of the document.
            if property["pattern"].is_string() {
                outside.push(json!("\u{1}*"));
            }
            if property["items"]["pattern"].is_string() {
                outside.push(json!(["\u{1}*"]));
            }
            // Lists: too short, too long, a repeated item. The item has the
            // form the document gives (whether it exists is a later question).
            let sample = match (
                property["items"]["format"].as_str(),
                property["items"]["pattern"].as_str(),
            ) {
                (Some("uuid"), _) => Some(json!(uuid::Uuid::new_v4())),
                (_, Some("^[0-9]{5}$")) => Some(json!("71016")),
                (_, Some(_)) => Some(json!("limburg")),
                _ => None,
            };
            if let Some(sample) = sample {
                if property["minItems"].as_u64().is_some_and(|min| min > 0) {
                    outside.push(json!([]));
                }
                if let Some(max) = property["maxItems"].as_u64() {
                    let many: Vec<Value> = (0..=max).map(|_| sample.clone()).collect();
                    outside.push(Value::Array(many));
                }
                if property["uniqueItems"] == true {
                    outside.push(json!([sample.clone(), sample]));
                }
            }
            for value in outside {
                let answer =
                    m.w.app
                        .call(
                            Method::PATCH,
                            &path,
                            &m.w.admin,
                            Some(&json!({ member.as_str(): value })),
                            Some(999_999),
                        )
                        .await;
                checked += 1;
                if answer.status != StatusCode::BAD_REQUEST {
                    problems.push(format!(
                        "PATCH {template} {member}: {} {}",
                        answer.status, answer.body
                    ));
                }
            }
        }
    }
    assert!(checked > 20, "{checked} values checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every read of the document that answers an `ETag` answers 304 without a
/// body when `If-None-Match` names it (weakly, in a list, or as `*`), and the
/// full record otherwise.
#[actix_web::test]
async fn reads_with_an_etag_answer_304_while_the_copy_is_current() {
    let m = Matrix::new().await;
    let spec = m.spec().await;
    let mut problems = Vec::new();
    let mut checked = 0;
    for (template, item) in spec["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else {
            continue;
        };
        if get.pointer("/responses/200/headers/ETag").is_none() {
            continue;
        }
        checked += 1;
        let path = m.fresh_record_path(template).await;
        let read = |condition: Option<String>| {
            let mut request = m.w.app.request(Method::GET, &path).bearer_auth(&m.w.admin);
            if let Some(condition) = condition {
                request = request.header("if-none-match", condition);
            }
            request.send()
        };
        let first = read(None).await.unwrap();
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        for (condition, expected) in [
            (etag.clone(), StatusCode::NOT_MODIFIED),
            (format!("W/{etag}"), StatusCode::NOT_MODIFIED),
            (format!("\"999999\", {etag}"), StatusCode::NOT_MODIFIED),
            ("*".to_owned(), StatusCode::NOT_MODIFIED),
            ("\"999999\"".to_owned(), StatusCode::OK),
            ("not a tag".to_owned(), StatusCode::OK),
        ] {
            let response = read(Some(condition.clone())).await.unwrap();
            let status = response.status();
            let tag = response.headers().get("etag").cloned();
            let body = response.bytes().await.unwrap();
            let fine = status == expected
                && tag.is_some_and(|t| t == etag.as_str())
                && (status == StatusCode::OK) != body.is_empty();
            if !fine {
                problems.push(format!(
                    "GET {template} If-None-Match {condition}: {status}"
                ));
            }
        }
    }
    assert!(checked >= 10, "{checked} reads checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // A change makes the old copy stale.
    let plan = m.record("plans", Scope::Own, Caller::Admin).await;
    let path = format!("/api/v1/plans/{plan}");
    m.w.app
        .call(
            Method::PATCH,
            &path,
            &m.w.admin,
            Some(&json!({"title": "Nieuw"})),
            Some(1),
        )
        .await;
    let response =
        m.w.app
            .request(Method::GET, &path)
            .bearer_auth(&m.w.admin)
            .header("if-none-match", "\"1\"")
            .send()
            .await
            .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
}
