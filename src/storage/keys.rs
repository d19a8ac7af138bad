//! Records found by the keys integrators already have, for imports: an
//! external id, or a code within its plan.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::schema::{actions, initiatives};

/// The initiative with this external id, else the one with this code in the
/// plan of this action, if any.
pub async fn initiative(
    conn: &mut AsyncPgConnection,
    external_id: Option<&str>,
    code: Option<(Uuid, &str)>,
) -> StorageResult<Option<Uuid>> {
    if let Some(external) = external_id {
        let found = initiatives::table
            .filter(initiatives::external_id.eq(external))
            .select(initiatives::id)
            .first(conn)
            .await
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    let Some((action, code)) = code else {
        return Ok(None);
    };
    let plan = actions::table
        .filter(actions::id.eq(action))
        .select(actions::plan_id)
        .single_value();
    Ok(initiatives::table
        .filter(initiatives::code.eq(code))
        .filter(initiatives::plan_id.nullable().eq(plan))
        .select(initiatives::id)
        .first(conn)
        .await
        .optional()?)
}
