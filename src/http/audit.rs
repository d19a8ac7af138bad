//! `/audit` and `…/{id}/history`: the audit log of every write, for steering
//! and administrators.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::Query;
use super::pagination::{PageParams, Paged};
use super::write::{self, LinkParams};
use crate::auth::Caller;
use crate::auth::permissions::{self, Operation, Resource};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::startup::AppState;
use crate::storage::audit::{self as store, AuditFilter, AuditRow};
use crate::storage::{self};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_audit)
        .service(plan_history)
        .service(challenge_history)
        .service(action_history)
        .service(initiative_history)
        .service(organisation_history)
        .service(region_history)
        .service(municipality_history)
        .service(primary_care_zone_history);
}

/// The kinds of record the audit log names.
pub const RESOURCES: &[&str] = &[
    "plan",
    "challenge",
    "action",
    "initiative",
    "progressUpdate",
    "organisation",
    "region",
    "municipality",
    "primaryCareZone",
    "user",
    "serviceAccount",
    "apiKey",
];

/// What a write did.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum AuditOperation {
    Create,
    Update,
    Delete,
}

impl AuditOperation {
    fn as_str(self) -> &'static str {
        match self {
            AuditOperation::Create => "create",
            AuditOperation::Update => "update",
            AuditOperation::Delete => "delete",
        }
    }
}

impl std::fmt::Display for AuditOperation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One write, as the audit log keeps it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Sequence number; later writes have higher numbers.
    pub id: i64,
    /// When the write happened.
    pub at: DateTime<Utc>,
    /// Who wrote: a user or service account id.
    pub actor_id: Uuid,
    /// `user` or `serviceAccount`.
    pub actor_kind: String,
    /// The kind of record: `plan`, `challenge`, `action`, `initiative`,
    /// `progressUpdate`, `organisation`, `region`, `municipality`, `primaryCareZone`,
    /// `user`, `serviceAccount`, `apiKey`.
    pub resource: String,
    /// The record's id (a NIS code for municipalities, a slug for regions).
    pub resource_id: String,
    /// What the write did.
    pub operation: AuditOperation,
    /// The fields that changed, by their API names: `{"title": {"before": …, "after": …}}`.
    /// A create has only `after`, a delete only `before`.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
    /// The request that made the write (`X-Request-Id`); absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl AuditEntry {
    fn from_row(row: AuditRow) -> ApiResult<Self> {
        Ok(Self {
            id: row.id,
            at: row.at,
            actor_id: row.actor_id,
            actor_kind: row.actor_kind,
            resource: row.resource,
            resource_id: row.resource_id,
            operation: match row.operation.as_str() {
                "create" => AuditOperation::Create,
                "update" => AuditOperation::Update,
                "delete" => AuditOperation::Delete,
                other => return Err(ApiError::Internal(format!("audit operation {other}"))),
            },
            changes: row.changes,
            request_id: row.request_id,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only these kinds of record; repeat for several.
    #[serde(default)]
    pub resource: Vec<String>,
    /// Only the record with this id.
    pub resource_id: Option<String>,
    /// Only writes by this user or service account.
    pub actor: Option<Uuid>,
    /// Only these operations; repeat for several.
    #[serde(default)]
    pub operation: Vec<AuditOperation>,
    /// Only writes at or after this time (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Only writes before this time (RFC 3339).
    pub until: Option<DateTime<Utc>>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

/// The audit log, newest first. Steering and administrators.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of audit entries", body = Paged<AuditEntry>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only steering and administrators read the audit log", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/audit")]
async fn list_audit(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<AuditQuery>,
) -> ApiResult<web::Json<Paged<AuditEntry>>> {
    permissions::require(&caller.0, Resource::Audit, Operation::Read)?;
    let query = query.0;
    if let Some(unknown) = query
        .resource
        .iter()
        .find(|r| !RESOURCES.contains(&r.as_str()))
    {
        return Err(ApiError::validation(
            InputIssue::query(
                "resource",
                format!("must be one of {}", RESOURCES.join(", ")),
            )
            .with_value(unknown.clone().into()),
        ));
    }
    if let Some(id) = &query.resource_id {
        write::text_values("resourceId", std::slice::from_ref(id), 1)?;
    }
    let filter = AuditFilter {
        resource: query.resource.clone(),
        resource_id: query.resource_id.clone(),
        actor_id: query.actor,
        operation: query
            .operation
            .iter()
            .map(|o| o.as_str().to_owned())
            .collect(),
        since: query.since,
        until: query.until,
    };
    let mut links = LinkParams::default();
    links
        .many("resource", &query.resource)
        .one("resourceId", query.resource_id.clone())
        .one("actor", query.actor)
        .many("operation", &query.operation)
        .one("since", query.since.map(|t| t.to_rfc3339()))
        .one("until", query.until.map(|t| t.to_rfc3339()));
    page_of(
        &state,
        &filter,
        query.page,
        query.page_size,
        &format!("{}/audit", super::API_BASE),
        &links.0,
    )
    .await
}

async fn page_of(
    state: &AppState,
    filter: &AuditFilter,
    page: Option<u32>,
    page_size: Option<u32>,
    base: &str,
    links: &[(String, String)],
) -> ApiResult<web::Json<Paged<AuditEntry>>> {
    let (page, size) = PageParams { page, page_size }.validate()?;
    let mut conn = storage::connection(&state.pool).await?;
    let (rows, total) =
        store::list(&mut conn, filter, &PageParams::storage_page(page, size)).await?;
    let items = rows
        .into_iter()
        .map(AuditEntry::from_row)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(web::Json(Paged::new(items, total, page, size, base, links)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

/// The history of one record: its audit entries, newest first. Works for
/// deleted records too. Steering and administrators.
async fn history(
    state: &AppState,
    caller: &Caller,
    resource: &str,
    collection: &str,
    id: String,
    check_id: fn(&str) -> Result<(), &'static str>,
    query: HistoryQuery,
) -> ApiResult<web::Json<Paged<AuditEntry>>> {
    permissions::require(&caller.0, Resource::Audit, Operation::Read)?;
    write::path_value("id", &id, check_id)?;
    let base = format!("{}/{collection}/{id}/history", super::API_BASE);
    let filter = AuditFilter {
        resource: vec![resource.to_owned()],
        resource_id: Some(id),
        ..AuditFilter::default()
    };
    page_of(state, &filter, query.page, query.page_size, &base, &[]).await
}

macro_rules! history_route {
    // Records named by a code rather than a UUID give the code's check.
    ($name:ident, $path:literal, $resource:literal, $collection:literal, $id_type:ty, $id_doc:literal $(, $check:path)?) => {
        /// The history of one record: its audit entries, newest first, deleted
        /// records included. Steering and administrators.
        #[utoipa::path(
            tag = "audit",
            params(("id" = $id_type, Path, description = $id_doc), HistoryQuery),
            responses(
                (status = 200, description = "A page of audit entries", body = Paged<AuditEntry>),
                (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "Only steering and administrators read history", body = Problem, content_type = "application/problem+json"),
            ),
            security(("bearerAuth" = []), ("apiKeyAuth" = []))
        )]
        #[get($path)]
        async fn $name(
            state: web::Data<AppState>,
            caller: Caller,
            id: web::Path<$id_type>,
            query: Query<HistoryQuery>,
        ) -> ApiResult<web::Json<Paged<AuditEntry>>> {
            let id = id.into_inner().to_string();
            let check: fn(&str) -> Result<(), &'static str> = history_route!(@check $($check)?);
            history(&state, &caller, $resource, $collection, id, check, query.0).await
        }
    };
    // A UUID is checked by the path extractor already.
    (@check) => {
        |_| Ok(())
    };
    (@check $check:path) => {
        $check
    };
}

history_route!(
    plan_history,
    "/plans/{id}/history",
    "plan",
    "plans",
    Uuid,
    "Plan id"
);
history_route!(
    challenge_history,
    "/challenges/{id}/history",
    "challenge",
    "challenges",
    Uuid,
    "Challenge id"
);
history_route!(
    action_history,
    "/actions/{id}/history",
    "action",
    "actions",
    Uuid,
    "Action id"
);
history_route!(
    initiative_history,
    "/initiatives/{id}/history",
    "initiative",
    "initiatives",
    Uuid,
    "Initiative id"
);
history_route!(
    organisation_history,
    "/organisations/{id}/history",
    "organisation",
    "organisations",
    Uuid,
    "Organisation id"
);
history_route!(
    region_history,
    "/regions/{id}/history",
    "region",
    "regions",
    String,
    "Region id",
    crate::domain::plan::check_region_id
);
history_route!(
    municipality_history,
    "/municipalities/{id}/history",
    "municipality",
    "municipalities",
    String,
    "NIS code",
    crate::domain::plan::check_nis_code
);
history_route!(
    primary_care_zone_history,
    "/primaryCareZones/{id}/history",
    "primaryCareZone",
    "primaryCareZones",
    Uuid,
    "Primary care zone id"
);
