//! The regional platforms, and how other records refer to them.

use super::{Conn, ServiceResult, check};
use crate::domain::InputIssue;
use crate::domain::plan::check_region_id;
use crate::storage::geography as store;

/// A region id in a body has the form of one; whether the region exists is
/// checked later, with the record.
pub(super) fn check_id_field(issues: &mut Vec<InputIssue>, value: Option<&str>) {
    if let Some(region) = value {
        check(issues, "regionId", check_region_id(region), || {
            region.to_owned().into()
        });
    }
}

/// A reference to a region names one; `missing` are the referenced ids,
/// looked up together, that name none.
pub(super) fn check_reference(
    issues: &mut Vec<InputIssue>,
    field: &str,
    region: &str,
    missing: &[String],
) {
    if missing.iter().any(|m| m == region) {
        issues.push(InputIssue::body(field, "no such region").with_value(region.into()));
    }
}

/// Looks up the region one record refers to and judges the reference.
pub(super) async fn check_known(
    conn: &mut Conn,
    issues: &mut Vec<InputIssue>,
    field: &str,
    region: &str,
) -> ServiceResult<()> {
    let missing = store::regions_missing(conn, &[region.to_owned()]).await?;
    check_reference(issues, field, region, &missing);
    Ok(())
}
