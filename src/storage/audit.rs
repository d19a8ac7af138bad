//! The audit log: every write through the API, with the fields it changed.
//! Rows are only ever inserted; a trigger refuses updates and deletes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::StorageResult;
use super::schema::audit_log;
use crate::domain::Page;

/// Who wrote, and in which request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Uuid,
    pub kind: &'static str,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Uuid,
    pub actor_kind: String,
    pub resource: String,
    pub resource_id: String,
    pub operation: String,
    pub changes: Value,
    pub request_id: Option<String>,
}

/// Fields that change on every write and say nothing about it.
const NOISE: &[&str] = &["self", "version", "updatedAt", "createdAt"];

/// `{field: {before, after}}` for every field that differs; a create has only
/// `after`, a delete only `before`.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Value {
    let empty = Map::new();
    let as_map = |v: Option<&Value>| match v {
        Some(Value::Object(m)) => Some(m.clone()),
        _ => None,
    };
    let (b, a) = (as_map(before), as_map(after));
    let (bm, am) = (b.as_ref().unwrap_or(&empty), a.as_ref().unwrap_or(&empty));
    let mut out = Map::new();
    let mut keys: Vec<&String> = bm.keys().chain(am.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        if NOISE.contains(&key.as_str()) {
            continue;
        }
        let (old, new) = (bm.get(key), am.get(key));
        if old == new {
            continue;
        }
        let mut change = Map::new();
        if b.is_some() {
            change.insert("before".into(), old.cloned().unwrap_or(Value::Null));
        }
        if a.is_some() {
            change.insert("after".into(), new.cloned().unwrap_or(Value::Null));
        }
        out.insert(key.clone(), Value::Object(change));
    }
    Value::Object(out)
}

/// `create`, `update` or `delete`, by what there is before and after.
fn operation_of(before: Option<&Value>, after: Option<&Value>) -> &'static str {
    match (before, after) {
        (None, _) => "create",
        (Some(_), Some(_)) => "update",
        (Some(_), None) => "delete",
    }
}

/// The version a write wrote (for a removal, the version removed).
fn version_of(before: Option<&Value>, after: Option<&Value>) -> Option<i32> {
    after
        .or(before)
        .and_then(|v| v.get("version"))
        .and_then(Value::as_i64)
        .and_then(|v| i32::try_from(v).ok())
}

/// Records one write. Call it inside the write's transaction, after the
/// write: the plan's records also get a version as they now stand
/// (`history::keep`).
pub async fn record(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    resource: &str,
    resource_id: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> StorageResult<()> {
    let (operation, version) = (operation_of(before, after), version_of(before, after));
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::version.eq(version),
            audit_log::actor_id.eq(actor.id),
            audit_log::actor_kind.eq(actor.kind),
            audit_log::resource.eq(resource),
            audit_log::resource_id.eq(resource_id),
            audit_log::operation.eq(operation),
            audit_log::changes.eq(changes(before, after)),
            audit_log::request_id.eq(actor.request_id.as_deref()),
        ))
        .execute(conn)
        .await?;
    super::history::keep(conn, resource, resource_id, operation == "delete").await
}

/// One write of many recorded together: the record's key and its
/// representation before and after (as [`record`] takes them).
pub struct Entry {
    pub key: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// An [`Entry`] as the audit log keeps it: its operation, the version it
/// wrote and its changes as JSON text (a fraction of the representations'
/// memory, so that a batch of thousands stays small).
pub struct Written {
    key: String,
    operation: &'static str,
    version: Option<i32>,
    changes: String,
}

impl Entry {
    pub fn written(self) -> Written {
        let (before, after) = (self.before.as_ref(), self.after.as_ref());
        Written {
            operation: operation_of(before, after),
            version: version_of(before, after),
            changes: changes(before, after).to_string(),
            key: self.key,
        }
    }
}

/// Records many writes of records of one kind in one statement, each entry
/// as [`record`] writes it. For records without kept versions (not the plan's
/// challenges, actions and initiatives).
pub async fn record_many(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    resource: &str,
    entries: &[Written],
) -> StorageResult<()> {
    use diesel::sql_types::{Array, Int4, Nullable, Text, Uuid as SqlUuid};
    if entries.is_empty() {
        return Ok(());
    }
    debug_assert!(!matches!(resource, "challenge" | "action" | "initiative"));
    diesel::sql_query(
        "INSERT INTO audit_log (version, actor_id, actor_kind, resource, resource_id, operation,
                                changes, request_id)
         SELECT v, $2, $3, $4, k, o, c::jsonb, $5
           FROM unnest($1::int4[], $6::text[], $7::text[], $8::text[]) AS u(v, k, o, c)",
    )
    .bind::<Array<Nullable<Int4>>, _>(entries.iter().map(|e| e.version).collect::<Vec<_>>())
    .bind::<SqlUuid, _>(actor.id)
    .bind::<Text, _>(actor.kind)
    .bind::<Text, _>(resource)
    .bind::<Nullable<Text>, _>(actor.request_id.as_deref())
    .bind::<Array<Text>, _>(entries.iter().map(|e| e.key.as_str()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(entries.iter().map(|e| e.operation).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(
        entries
            .iter()
            .map(|e| e.changes.as_str())
            .collect::<Vec<_>>(),
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Default)]
pub struct AuditFilter {
    pub resource: Vec<String>,
    pub resource_id: Option<String>,
    pub actor_id: Option<Uuid>,
    pub operation: Vec<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// Newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &AuditFilter,
    page: &Page,
) -> StorageResult<(Vec<AuditRow>, i64)> {
    let query = || {
        let mut q = audit_log::table.into_boxed();
        if !filter.resource.is_empty() {
            q = q.filter(audit_log::resource.eq_any(filter.resource.clone()));
        }
        if let Some(id) = &filter.resource_id {
            q = q.filter(audit_log::resource_id.eq(id.clone()));
        }
        if let Some(actor) = filter.actor_id {
            q = q.filter(audit_log::actor_id.eq(actor));
        }
        if !filter.operation.is_empty() {
            q = q.filter(audit_log::operation.eq_any(filter.operation.clone()));
        }
        if let Some(since) = filter.since {
            q = q.filter(audit_log::at.ge(since));
        }
        if let Some(until) = filter.until {
            q = q.filter(audit_log::at.lt(until));
        }
        q
    };
    let total = query().count().get_result(conn).await?;
    let rows = query()
        .order(audit_log::id.desc())
        .offset(page.offset)
        .limit(page.limit)
        .select(AuditRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn changes_name_only_what_differs() {
        let before = json!({"title": "a", "weight": 1, "version": 1, "regions": ["limburg"]});
        let after = json!({"title": "b", "weight": 1, "version": 2, "regions": ["limburg"]});
        assert_eq!(
            changes(Some(&before), Some(&after)),
            json!({"title": {"before": "a", "after": "b"}})
        );
        assert_eq!(
            changes(None, Some(&json!({"title": "a"}))),
            json!({"title": {"after": "a"}})
        );
        assert_eq!(
            changes(Some(&json!({"title": "a"})), None),
            json!({"title": {"before": "a"}})
        );
        assert_eq!(
            changes(Some(&json!({})), Some(&json!({"endDate": "2024-01-01"}))),
            json!({"endDate": {"before": null, "after": "2024-01-01"}})
        );
    }
}
