//! Municipalities, and how other records refer to them.

use super::{Conn, ServiceResult};
use crate::domain::InputIssue;
use crate::storage::reference;

/// The municipalities a record refers to (by NIS code) must be known.
pub(super) async fn check_known(
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
