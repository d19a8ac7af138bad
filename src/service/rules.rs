//! Checks shared by the use cases: each collects the issues of the input it
//! looks at, so that one answer names every refused value.

use serde::Serialize;
use serde_json::Value;

use super::{ServiceError, ServiceResult};
use crate::domain::InputIssue;

/// Refuses a request whose issues are not empty.
pub fn ensure_valid(issues: Vec<InputIssue>) -> ServiceResult<()> {
    if issues.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Invalid(issues))
    }
}

/// A value of the request's path, such as a record's key, that must pass `check`.
pub fn check_path(
    name: &str,
    value: &str,
    check: fn(&str) -> Result<(), &'static str>,
) -> ServiceResult<()> {
    check(value).map_err(|detail| {
        ServiceError::invalid(InputIssue::path(name, detail).with_value(value.to_owned().into()))
    })
}

/// Collects the issue of one check.
pub fn check<E: ToString>(
    issues: &mut Vec<InputIssue>,
    field: &str,
    result: Result<(), E>,
    value: impl FnOnce() -> Value,
) {
    if let Err(e) = result {
        issues.push(InputIssue::body(field, e.to_string()).with_value(value()));
    }
}

/// Where a progress figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ProgressSource {
    /// Given explicitly.
    Explicit,
    /// The default of the status.
    StatusDefault,
}

pub fn progress_source(explicit: Option<i16>, effective: Option<i16>) -> Option<ProgressSource> {
    match (explicit, effective) {
        (Some(_), _) => Some(ProgressSource::Explicit),
        (None, Some(_)) => Some(ProgressSource::StatusDefault),
        (None, None) => None,
    }
}

/// Dates within 2000-2100, the end not before the start.
pub fn check_period(
    issues: &mut Vec<InputIssue>,
    start: Option<chrono::NaiveDate>,
    end: Option<chrono::NaiveDate>,
) {
    use chrono::Datelike;
    for (field, date) in [("startDate", start), ("endDate", end)] {
        if let Some(d) = date.filter(|d| !(2000..=2100).contains(&d.year())) {
            issues.push(
                InputIssue::body(field, "must be a date from 2000 to 2100")
                    .with_value(d.to_string().into()),
            );
        }
    }
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        issues.push(
            InputIssue::body("endDate", "must not be before startDate")
                .with_value(e.to_string().into()),
        );
    }
}

/// A list of references: at most `max`, no duplicates.
pub fn check_list<T: PartialEq>(
    issues: &mut Vec<InputIssue>,
    field: &str,
    items: &[T],
    min: usize,
    max: usize,
) {
    if items.len() < min || items.len() > max {
        issues.push(InputIssue::body(
            field,
            format!("must hold {min} to {max} items"),
        ));
    } else if items
        .iter()
        .enumerate()
        .any(|(i, x)| items[..i].contains(x))
    {
        issues.push(InputIssue::body(field, "must not repeat an item"));
    }
}
