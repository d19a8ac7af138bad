//! The role × operation matrix, built from the served OpenAPI document: every
//! operation, called by every role and anonymously, on its own region's (or
//! own organisation's, or own account's) record and on another's. `TABLE`
//! states who may do what, as the README's permission tables do; an operation
//! without a row fails the test, as does any unexpected allow or deny.
//!
//! The fixture machinery that makes a record of every collection for a
//! caller's own scope or another's is in `matrix`; the hostile-input checks
//! over every field of the document are in `inputs`.

mod inputs;
mod matrix;

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::json;
use ssw_api::domain::Role;

use crate::fixtures::{World, id_of};
use matrix::Matrix;

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
    /// Every signed-in caller but readers (what each row may do is its own
    /// write's right).
    Writer,
    /// Steering, administrators and coordinators (what each row may do is
    /// its own write's right).
    RegionalWriter,
    /// The import's owner, steering and administrators (another's is a 404).
    OwnImport,
    /// Steering any; coordinators in their own region (administrators not).
    Proposer,
    /// As `Proposer`, on a draft: another region's coordinator, who may
    /// write proposals but not see this one, finds none (404).
    ProposerDraft,
    /// Steering only.
    SteeringOnly,
}

/// Whether the operation's target can be the caller's own or another's.
fn scoped(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::OwnAccount
            | Rule::Regional
            | Rule::RegionalOrLead
            | Rule::RegionalOrOwnOrganisation
            | Rule::OwnImport
            | Rule::Proposer
            | Rule::ProposerDraft
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
    ("GET /api/v1/reports/planProgress", Rule::SignedIn),
    ("GET /api/v1/reports/staleness", Rule::SignedIn),
    ("GET /api/v1/reports/indicatorResults", Rule::SignedIn),
    ("GET /api/v1/reports/snapshot", Rule::SignedIn),
    ("GET /api/v1/reports/regionalOverview", Rule::SignedIn),
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
    ("GET /api/v1/changes", Rule::SignedIn),
    ("POST /api/v1/imports/measurements", Rule::Writer),
    ("POST /api/v1/imports/organisations", Rule::Writer),
    ("POST /api/v1/imports/municipalities", Rule::Admin),
    ("POST /api/v1/imports/indicators", Rule::Writer),
    ("POST /api/v1/imports/initiatives", Rule::RegionalWriter),
    ("POST /api/v1/imports/gboProjects", Rule::Writer),
    ("POST /api/v1/imports/progressUpdates", Rule::Writer),
    ("GET /api/v1/imports", Rule::SignedIn),
    ("GET /api/v1/imports/{id}", Rule::OwnImport),
    ("GET /api/v1/imports/{id}/rows", Rule::OwnImport),
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
    // Good practices: a practice's own region (coordinators) or organisation (contributors).
    ("GET /api/v1/practices", Rule::SignedIn),
    ("POST /api/v1/practices", Rule::RegionalOrOwnOrganisation),
    ("GET /api/v1/practices/{id}", Rule::SignedIn),
    (
        "PATCH /api/v1/practices/{id}",
        Rule::RegionalOrOwnOrganisation,
    ),
    (
        "DELETE /api/v1/practices/{id}",
        Rule::RegionalOrOwnOrganisation,
    ),
    ("GET /api/v1/practices/{id}/history", Rule::Steering),
    // Proposals: the proposing region's coordinator and steering; decisions by steering only.
    ("GET /api/v1/proposals", Rule::SignedIn),
    ("POST /api/v1/proposals", Rule::Proposer),
    ("GET /api/v1/proposals/{id}", Rule::SignedIn),
    ("PATCH /api/v1/proposals/{id}", Rule::Proposer),
    ("DELETE /api/v1/proposals/{id}", Rule::ProposerDraft),
    ("GET /api/v1/proposals/{id}/history", Rule::Steering),
    ("POST /api/v1/proposals/{id}/submit", Rule::Proposer),
    ("POST /api/v1/proposals/{id}/review", Rule::SteeringOnly),
    ("POST /api/v1/proposals/{id}/withdraw", Rule::Proposer),
    ("GET /api/v1/proposals/{id}/transitions", Rule::SignedIn),
    ("GET /api/v1/proposals/{id}/decisions", Rule::SignedIn),
    ("POST /api/v1/proposals/{id}/decisions", Rule::SteeringOnly),
    (
        "GET /api/v1/proposals/{id}/decisions/{decisionId}",
        Rule::SignedIn,
    ),
    ("GET /api/v1/proposals/{id}/comments", Rule::SignedIn),
    ("POST /api/v1/proposals/{id}/comments", Rule::Proposer),
    (
        "GET /api/v1/proposals/{id}/comments/{commentId}",
        Rule::SignedIn,
    ),
    ("GET /api/v1/proposals/{id}/similar", Rule::SignedIn),
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
        Rule::Writer => caller != Reader,
        Rule::RegionalWriter => matches!(caller, Steering | Admin | Coordinator),
        Rule::OwnImport => {
            if matches!(caller, Steering | Admin) || (own && caller != Reader) {
                true
            } else {
                return Some(404);
            }
        }
        Rule::Regional => matches!(caller, Steering | Admin) || (caller == Coordinator && own),
        Rule::Proposer => caller == Steering || (caller == Coordinator && own),
        Rule::ProposerDraft => {
            if caller == Steering || (caller == Coordinator && own) {
                true
            } else if caller == Coordinator {
                return Some(404);
            } else {
                false
            }
        }
        Rule::SteeringOnly => caller == Steering,
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
