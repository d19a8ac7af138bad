//! Records found by the keys integrators already have, for imports: an
//! external id, or a code within its plan.
//!
//! An external id is looked up in one source system: a service account's,
//! or (`None`) the service's own, where people set them.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::schema::{actions, gbo_projects, initiatives, progress_updates};

/// The initiative with this external id in `source`, else the one with this
/// code in the plan of this action, if any.
pub async fn initiative(
    conn: &mut AsyncPgConnection,
    external_id: Option<&str>,
    source: Option<Uuid>,
    code: Option<(Uuid, &str)>,
) -> StorageResult<Option<Uuid>> {
    if let Some(external) = external_id {
        let q = initiatives::table
            .filter(initiatives::external_id.eq(external))
            .into_boxed();
        let q = match source {
            Some(source) => q.filter(initiatives::external_source.eq(source)),
            None => q.filter(initiatives::external_source.is_null()),
        };
        let found = q.select(initiatives::id).first(conn).await.optional()?;
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

/// The GBO project with this external id in `source`, if any.
pub async fn gbo_project(
    conn: &mut AsyncPgConnection,
    external_id: &str,
    source: Option<Uuid>,
) -> StorageResult<Option<Uuid>> {
    let q = gbo_projects::table
        .filter(gbo_projects::external_id.eq(external_id))
        .into_boxed();
    let q = match source {
        Some(source) => q.filter(gbo_projects::external_source.eq(source)),
        None => q.filter(gbo_projects::external_source.is_null()),
    };
    Ok(q.select(gbo_projects::id).first(conn).await.optional()?)
}

/// A progress update as a row gives it: what it is on, its day, status,
/// progress (the effective one; `None`: the status default) and narrative.
pub struct ProgressKey<'a> {
    pub initiative_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    pub date: NaiveDate,
    pub status: &'a str,
    pub progress: Option<i16>,
    pub narrative: &'a str,
}

/// The first progress update posted that says exactly what `key` says, if
/// any: a file sent twice does not post its updates twice.
pub async fn progress_update(
    conn: &mut AsyncPgConnection,
    key: &ProgressKey<'_>,
) -> StorageResult<Option<Uuid>> {
    let mut q = progress_updates::table
        .filter(progress_updates::date.eq(key.date))
        .filter(progress_updates::status.eq(key.status))
        .filter(progress_updates::narrative.eq(key.narrative))
        .into_boxed();
    q = match (key.initiative_id, key.action_id) {
        (Some(id), _) => q.filter(progress_updates::initiative_id.eq(id)),
        (None, Some(id)) => q.filter(progress_updates::action_id.eq(id)),
        (None, None) => return Ok(None),
    };
    q = match key.progress {
        Some(p) => q.filter(progress_updates::effective_progress.eq(p)),
        None => q.filter(progress_updates::progress.is_null()),
    };
    Ok(q.order(progress_updates::created_at.asc())
        .select(progress_updates::id)
        .first(conn)
        .await
        .optional()?)
}
