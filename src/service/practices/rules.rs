//! The rules a practice meets: lengths, lists, dates, evidence, contact and
//! the records it names. A change is judged as the whole practice it leaves.

use chrono::NaiveDate;
use serde_json::Value;

use super::model::PracticeCreate;
use crate::domain::InputIssue;
use crate::domain::plan::{check_external_id, check_long_text, check_text};
use crate::domain::practices::normalise_tags;
use crate::service::{Conn, ServiceResult, check, check_list, ensure_valid};
use crate::storage::practices::{self as store, Referenced};

/// Longest texts, in characters.
const TITLE: usize = 300;
const SUMMARY: usize = 2_000;
const BODY: usize = 100_000;
const FIELD: usize = 10_000;
const TARGET_GROUP: usize = 200;
const ASSESSOR: usize = 300;

fn longest(issues: &mut Vec<InputIssue>, field: &str, text: &str, max: usize) {
    if let Err(e) = check_long_text(text, max) {
        issues.push(InputIssue::body(field, e));
    }
}

/// Checks the practice a write leaves and puts its tags and contact in their
/// stored forms; the issues found.
pub fn check_values(input: &mut PracticeCreate, today: NaiveDate) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    check(
        &mut issues,
        "title",
        check_text(&input.title, TITLE),
        || Value::from(input.title.clone()),
    );
    longest(&mut issues, "summary", &input.summary, SUMMARY);
    longest(&mut issues, "body", &input.body, BODY);
    for (field, text) in [
        ("problem", &input.problem),
        ("aim", &input.aim),
        ("approach", &input.approach),
        ("conditions", &input.conditions),
        ("results", &input.results),
    ] {
        longest(&mut issues, field, text, FIELD);
    }
    check_list(&mut issues, "targetGroups", &input.target_groups, 0, 20);
    for group in &input.target_groups {
        check(
            &mut issues,
            "targetGroups",
            check_text(group, TARGET_GROUP),
            || Value::from(group.clone()),
        );
    }
    check_list(&mut issues, "themes", &input.themes, 0, 20);
    match normalise_tags(&input.tags) {
        Ok(tags) => input.tags = tags,
        Err(e) => issues.push(InputIssue::body("tags", e)),
    }
    check_list(&mut issues, "challengeIds", &input.challenge_ids, 0, 20);
    check_list(&mut issues, "regions", &input.regions, 0, 20);
    check_list(&mut issues, "municipalities", &input.municipalities, 0, 300);
    check_list(
        &mut issues,
        "organisationIds",
        &input.organisation_ids,
        0,
        100,
    );
    check_list(&mut issues, "initiativeIds", &input.initiative_ids, 0, 100);
    check_list(&mut issues, "gboProjectIds", &input.gbo_project_ids, 0, 100);
    check_list(&mut issues, "actionIds", &input.action_ids, 0, 100);
    if let Some(evidence) = &input.evidence {
        if let Some(by) = &evidence.assessed_by {
            check(
                &mut issues,
                "evidence.assessedBy",
                check_text(by, ASSESSOR),
                || Value::from(by.clone()),
            );
        }
        if evidence.assessed_on.is_some_and(|d| d > today) {
            issues.push(InputIssue::body(
                "evidence.assessedOn",
                "must not be after today",
            ));
        }
    }
    if input.published_on.is_some_and(|d| d > today) {
        issues.push(InputIssue::body("publishedOn", "must not be after today"));
    }
    if let (Some(published), Some(due)) = (input.published_on, input.review_due)
        && due < published
    {
        issues.push(InputIssue::body(
            "reviewDue",
            "must not be before the publication date",
        ));
    }
    if let Some(id) = &input.external_id {
        check(&mut issues, "externalId", check_external_id(id), || {
            Value::from(id.clone())
        });
    }
    if let Some(contact) = &input.contact {
        input.contact = Some(crate::service::gbo_projects::rules::check_contact(
            &mut issues,
            contact,
        ));
    }
    issues
}

/// Every record the practice names must exist: one query per kind named.
pub async fn check_references(conn: &mut Conn, input: &PracticeCreate) -> ServiceResult<()> {
    let mut issues = Vec::new();
    let mut owner_regions = Vec::new();
    if let Some(region) = &input.region_id {
        owner_regions.push(region.clone());
    }
    for (field, keys, municipalities) in [
        ("regionId", &owner_regions, false),
        ("regions", &input.regions, false),
        ("municipalities", &input.municipalities, true),
    ] {
        for key in store::missing_places(conn, municipalities, keys).await? {
            issues.push(InputIssue::body(field, "no such place").with_value(Value::from(key)));
        }
    }
    let owner: Vec<uuid::Uuid> = input.organisation_id.into_iter().collect();
    for (field, ids, table) in [
        ("organisationId", &owner, Referenced::Organisations),
        ("challengeIds", &input.challenge_ids, Referenced::Challenges),
        (
            "organisationIds",
            &input.organisation_ids,
            Referenced::Organisations,
        ),
        (
            "initiativeIds",
            &input.initiative_ids,
            Referenced::Initiatives,
        ),
        (
            "gboProjectIds",
            &input.gbo_project_ids,
            Referenced::GboProjects,
        ),
        ("actionIds", &input.action_ids, Referenced::Actions),
    ] {
        for id in store::missing_ids(conn, table, ids).await? {
            issues.push(
                InputIssue::body(field, "no such record").with_value(Value::from(id.to_string())),
            );
        }
    }
    ensure_valid(issues)
}
