//! The rules an initiative follows. Each judges values, and the records its
//! references were found to be, without asking the database: one write looks
//! up the few records it names, an import of many rows looks them up for all
//! rows at once, and both run these same rules.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::model::{InitiativeCreate, InitiativePatch};
use crate::domain::plan::{
    check_code, check_external_id, check_long_text, check_nis_code, check_text, check_weight,
};
use crate::domain::{InputIssue, WorkStatus};
use crate::service::{check, check_list, check_period};
use crate::storage::initiatives::InitiativeRecord;
use crate::storage::reference::RegionRow;

/// The fields a write sets; absent ones are kept.
struct Fields<'a> {
    code: Option<&'a str>,
    title: Option<&'a str>,
    description: Option<&'a str>,
    lead: Option<Uuid>,
    partners: Option<&'a [Uuid]>,
    regions: Option<&'a [String]>,
    municipalities: Option<&'a [String]>,
    weight: Option<f64>,
    external_id: Option<&'a str>,
}

fn check_fields(issues: &mut Vec<InputIssue>, f: &Fields<'_>) {
    if let Some(code) = f.code {
        check(issues, "code", check_code(code), || code.into());
    }
    if let Some(title) = f.title {
        check(issues, "title", check_text(title, 300), || title.into());
    }
    if let Some(d) = f.description {
        check(issues, "description", check_long_text(d, 20000), || {
            serde_json::Value::Null
        });
    }
    if let Some(partners) = f.partners {
        check_list(issues, "partnerOrganisationIds", partners, 0, 50);
        if let Some(lead) = f.lead {
            lead_not_partner(issues, lead, partners);
        }
    }
    if let Some(regions) = f.regions {
        check_list(issues, "regions", regions, 1, 7);
    }
    if let Some(codes) = f.municipalities {
        check_list(issues, "municipalities", codes, 0, 300);
        for code in codes {
            check(issues, "municipalities", check_nis_code(code), || {
                code.clone().into()
            });
        }
    }
    if let Some(w) = f.weight {
        check(issues, "weight", check_weight(w), || w.into());
    }
    if let Some(id) = f.external_id {
        check(issues, "externalId", check_external_id(id), || id.into());
    }
}

fn lead_not_partner(issues: &mut Vec<InputIssue>, lead: Uuid, partners: &[Uuid]) {
    if partners.contains(&lead) {
        issues.push(InputIssue::body(
            "partnerOrganisationIds",
            "must not hold the lead organisation",
        ));
    }
}

/// The issues of a new initiative's own values: each field, the progress its
/// status allows, its period.
pub fn check_create(input: &InitiativeCreate) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        &Fields {
            code: Some(&input.code),
            title: Some(&input.title),
            description: input.description.as_deref(),
            lead: Some(input.lead_organisation_id),
            partners: Some(&input.partner_organisation_ids),
            regions: Some(&input.regions),
            municipalities: Some(&input.municipalities),
            weight: input.weight,
            external_id: input.external_id.as_deref(),
        },
    );
    let status = input.status.unwrap_or(WorkStatus::Planned);
    check(
        &mut issues,
        "progress",
        status.check_progress(input.progress),
        || input.progress.into(),
    );
    check_period(&mut issues, input.start_date, input.end_date);
    issues
}

/// The issues of the values a change sets, each on its own.
pub fn check_patch(patch: &InitiativePatch) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        &Fields {
            code: patch.code.as_deref(),
            title: patch.title.as_deref(),
            description: patch.description.as_deref(),
            lead: patch.lead_organisation_id,
            partners: patch.partner_organisation_ids.as_deref(),
            regions: patch.regions.as_deref(),
            municipalities: patch.municipalities.as_deref(),
            weight: patch.weight,
            external_id: patch.external_id.clone().flatten().as_deref(),
        },
    );
    issues
}

/// The issues of what a change leaves together with the values it keeps: the
/// period, and the lead not among the partners.
pub fn check_changed(current: &InitiativeRecord, patch: &InitiativePatch) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    check_period(
        &mut issues,
        patch.start_date.unwrap_or(current.row.start_date),
        patch.end_date.unwrap_or(current.row.end_date),
    );
    let lead = patch
        .lead_organisation_id
        .unwrap_or(current.row.lead_organisation_id);
    let partners = patch
        .partner_organisation_ids
        .as_deref()
        .unwrap_or(&current.partner_ids);
    lead_not_partner(&mut issues, lead, partners);
    issues
}

/// The regions a change leaves.
pub fn regions_after(current: &InitiativeRecord, patch: &InitiativePatch) -> Vec<String> {
    patch
        .regions
        .clone()
        .unwrap_or_else(|| current.regions.clone())
}

/// The municipalities to check against the regions a change leaves: the new
/// ones, or the kept ones when only the regions change.
pub fn municipalities_to_check(
    current: &InitiativeRecord,
    patch: &InitiativePatch,
) -> Option<Vec<String>> {
    match (&patch.municipalities, &patch.regions) {
        (Some(m), _) => Some(m.clone()),
        (None, Some(_)) => Some(current.municipalities.clone()),
        (None, None) => None,
    }
}

/// Whether `regions`, judged against the `known` regions, make the work
/// Flanders-wide; unknown regions, and Flanders-wide mixed with others, are refused.
pub fn region_scope(known: &[RegionRow], regions: &[String]) -> Result<bool, Vec<InputIssue>> {
    let mut issues = Vec::new();
    let mut flanders_wide = false;
    for region in regions {
        match known.iter().find(|r| r.id == *region) {
            Some(r) => flanders_wide |= r.flanders_wide,
            None => issues.push(
                InputIssue::body("regions", "no such region").with_value(region.clone().into()),
            ),
        }
    }
    if flanders_wide && regions.len() > 1 {
        issues.push(InputIssue::body(
            "regions",
            "Flanders-wide work has no other regions",
        ));
    }
    if issues.is_empty() {
        Ok(flanders_wide)
    } else {
        Err(issues)
    }
}

/// The plan of the action `action_id`, given the plan found for it (`None`:
/// there is no such action).
pub fn action_plan(action_id: Uuid, found: Option<Uuid>) -> Result<Uuid, InputIssue> {
    found.ok_or_else(|| {
        InputIssue::body("actionId", "no such action").with_value(action_id.to_string().into())
    })
}

/// The records an initiative names that were found in the database.
#[derive(Debug, Default)]
pub struct Found {
    /// Existing organisations.
    pub organisations: HashSet<Uuid>,
    /// Existing primary care zones.
    pub zones: HashSet<Uuid>,
    /// Known municipalities, by NIS code, with their region.
    pub municipalities: HashMap<String, String>,
}

/// The references a write sets; absent ones are kept and not checked.
#[derive(Debug, Default, Clone, Copy)]
pub struct References<'a> {
    pub lead: Option<Uuid>,
    pub partners: Option<&'a [Uuid]>,
    pub zone: Option<Uuid>,
    pub municipalities: Option<&'a [String]>,
}

/// References must name existing records; municipalities must lie in the
/// initiative's `regions` unless it is Flanders-wide.
pub fn reference_issues(
    found: &Found,
    refs: References<'_>,
    regions: &[String],
    flanders_wide: bool,
) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    let missing = |id: &&Uuid| !found.organisations.contains(id);
    for (field, id) in refs
        .lead
        .iter()
        .filter(missing)
        .map(|id| ("leadOrganisationId", id))
        .chain(
            refs.partners
                .unwrap_or_default()
                .iter()
                .filter(missing)
                .map(|id| ("partnerOrganisationIds", id)),
        )
    {
        issues.push(
            InputIssue::body(field, "no such organisation").with_value(id.to_string().into()),
        );
    }
    if let Some(zone) = refs.zone.filter(|z| !found.zones.contains(z)) {
        issues.push(
            InputIssue::body("primaryCareZoneId", "no such primary care zone")
                .with_value(zone.to_string().into()),
        );
    }
    for code in refs.municipalities.unwrap_or_default() {
        let detail = match found.municipalities.get(code) {
            None => "no known municipality has this NIS code",
            Some(region) if !flanders_wide && !regions.contains(region) => {
                "lies outside the initiative's regions"
            }
            Some(_) => continue,
        };
        issues.push(InputIssue::body("municipalities", detail).with_value(code.clone().into()));
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(id: &str, flanders_wide: bool) -> RegionRow {
        RegionRow {
            id: id.to_owned(),
            name: id.to_owned(),
            nis_code: String::new(),
            flanders_wide,
            sort_order: 0,
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    fn names(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn flanders_wide_work_stands_alone_among_known_regions() {
        let known = [region("limburg", false), region("vlaanderen", true)];
        assert_eq!(region_scope(&known, &names(&["limburg"])), Ok(false));
        assert_eq!(region_scope(&known, &names(&["vlaanderen"])), Ok(true));
        let mixed = region_scope(&known, &names(&["vlaanderen", "limburg"])).unwrap_err();
        assert_eq!(mixed.len(), 1);
        let unknown = region_scope(&known, &names(&["nergens"])).unwrap_err();
        assert_eq!(unknown[0].detail, "no such region");
    }

    #[test]
    fn references_are_judged_by_what_was_found() {
        let (lead, partner, zone) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let found = Found {
            organisations: HashSet::from([lead]),
            zones: HashSet::new(),
            municipalities: HashMap::from([("71016".to_owned(), "antwerpen".to_owned())]),
        };
        let codes = names(&["71016", "99999"]);
        let refs = References {
            lead: Some(lead),
            partners: Some(&[partner]),
            zone: Some(zone),
            municipalities: Some(&codes),
        };
        let details = |issues: Vec<InputIssue>| -> Vec<String> {
            issues.into_iter().map(|i| i.detail).collect()
        };
        assert_eq!(
            details(reference_issues(&found, refs, &names(&["limburg"]), false)),
            [
                "no such organisation",
                "no such primary care zone",
                "lies outside the initiative's regions",
                "no known municipality has this NIS code",
            ]
        );
        // Flanders-wide work holds every known municipality.
        assert_eq!(
            reference_issues(&found, refs, &names(&["vlaanderen"]), true).len(),
            3
        );
    }
}
