//! The rules of a municipality write, pure, with issue names that start with
//! `prefix` (`[3].` for the fourth item of an import), and the lookups that
//! feed them: made for one write, or for all items of an import together.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::MunicipalityCreate;
use crate::domain::InputIssue;
use crate::domain::plan::{check_nis_code, check_text};
use crate::service::{Conn, ServiceError, ServiceResult, check};
use crate::storage::geography::{self as store, MunicipalityRow};
use crate::storage::reference;

/// The NIS codes of the Flemish provinces.
const PROVINCES: &[&str] = &["10000", "20001", "30000", "40000", "70000"];

fn check_date(issues: &mut Vec<InputIssue>, field: &str, date: NaiveDate) {
    if !(1800..=2100).contains(&date.year()) {
        issues.push(
            InputIssue::body(field, "must be a date from 1800 to 2100")
                .with_value(date.to_string().into()),
        );
    }
}

fn check_province(code: &str) -> Result<(), String> {
    if PROVINCES.contains(&code) {
        Ok(())
    } else {
        Err(format!(
            "must be the NIS code of a province: {}",
            PROVINCES.join(", ")
        ))
    }
}

/// The values a municipality write may carry, each checked on its own.
#[derive(Default)]
pub(super) struct Values<'a> {
    pub name: Option<&'a str>,
    pub name_fr: Option<&'a str>,
    pub province: Option<&'a str>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

pub(super) fn check_values(issues: &mut Vec<InputIssue>, prefix: &str, v: &Values<'_>) {
    let field = |name: &str| format!("{prefix}{name}");
    if let Some(name) = v.name {
        check(issues, &field("name"), check_text(name, 200), || {
            name.into()
        });
    }
    if let Some(name) = v.name_fr {
        check(issues, &field("nameFr"), check_text(name, 200), || {
            name.into()
        });
    }
    if let Some(code) = v.province {
        check(
            issues,
            &field("provinceNisCode"),
            check_province(code),
            || code.into(),
        );
    }
    if let Some(date) = v.valid_from {
        check_date(issues, &field("validFrom"), date);
    }
    if let Some(date) = v.valid_to {
        check_date(issues, &field("validTo"), date);
    }
}

/// `validTo` must not come before `validFrom`.
pub(super) fn check_period(
    issues: &mut Vec<InputIssue>,
    prefix: &str,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
) {
    if let Some(to) = valid_to.filter(|to| *to < valid_from) {
        issues.push(
            InputIssue::body(format!("{prefix}validTo"), "must not be before validFrom")
                .with_value(to.to_string().into()),
        );
    }
}

/// Checks a whole municipality, as a create or an import item sends it.
pub(super) fn check_municipality(
    issues: &mut Vec<InputIssue>,
    prefix: &str,
    m: &MunicipalityCreate,
) {
    check(
        issues,
        &format!("{prefix}nisCode"),
        check_nis_code(&m.nis_code),
        || m.nis_code.clone().into(),
    );
    check_values(
        issues,
        prefix,
        &Values {
            name: Some(&m.name),
            name_fr: m.name_fr.as_deref(),
            province: m.province_nis_code.as_deref(),
            valid_from: Some(m.valid_from),
            valid_to: m.valid_to,
        },
    );
    check_period(issues, prefix, m.valid_from, m.valid_to);
}

/// A municipality moves to another region only when every initiative that
/// names it still holds it: one of its regions is the new one or
/// Flanders-wide. `outside` are the codes of those that would not, looked up
/// for the move; a 409 names them (and the import item, for an import).
pub(super) fn check_move(
    current: &MunicipalityRow,
    region: &str,
    outside: &[String],
    item: Option<usize>,
) -> ServiceResult<()> {
    if current.region_id == region || outside.is_empty() {
        return Ok(());
    }
    const SHOWN: usize = 10;
    let mut codes = outside
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if outside.len() > SHOWN {
        codes.push_str(&format!(" and {} more", outside.len() - SHOWN));
    }
    let subject = match item {
        Some(index) => format!("item [{index}] moves municipality {}", current.nis_code),
        None => "the municipality would move".to_owned(),
    };
    Err(ServiceError::Conflict(format!(
        "{subject} to region {region}, outside the regions of {} initiative(s) that name it: {codes}; \
         change their regions or municipalities first",
        outside.len()
    )))
}

/// For moves of municipalities to regions, as `(nisCode, region)`, the
/// initiatives each would leave outside their regions, by NIS code; looked
/// up together, one query per region moved to.
pub(super) async fn initiatives_outside(
    conn: &mut Conn,
    moves: &[(String, String)],
) -> ServiceResult<HashMap<String, Vec<String>>> {
    let mut by_region: HashMap<&str, Vec<String>> = HashMap::new();
    for (nis_code, region) in moves {
        by_region
            .entry(region.as_str())
            .or_default()
            .push(nis_code.clone());
    }
    let mut outside: HashMap<String, Vec<String>> = HashMap::new();
    for (region, codes) in by_region {
        for (nis_code, initiative) in store::initiatives_outside(conn, &codes, region).await? {
            outside.entry(nis_code).or_default().push(initiative);
        }
    }
    Ok(outside)
}

/// The municipalities a record refers to (by NIS code) must be known.
pub(in crate::service) async fn check_known(
    conn: &mut Conn,
    issues: &mut Vec<InputIssue>,
    field: &str,
    codes: &[String],
) -> ServiceResult<()> {
    for code in reference::municipalities_missing(conn, codes).await? {
        issues.push(
            InputIssue::body(field, "no known municipality has this NIS code")
                .with_value(code.into()),
        );
    }
    Ok(())
}
