//! `/audit` and `…/{id}/history`: the audit log of every write, for steering
//! and administrators.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::Query;
use super::pagination::{PageParams, Paged};
use super::write::{self, LinkParams};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service::audit::{self as audit_log, AuditEntry, AuditFilter, AuditOperation};
use crate::service::{self, API_BASE};
use crate::startup::AppState;

pub use crate::service::audit::RESOURCES;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_audit)
        .service(plan_history)
        .service(challenge_history)
        .service(action_history)
        .service(initiative_history)
        .service(organisation_history)
        .service(region_history)
        .service(municipality_history)
        .service(primary_care_zone_history)
        .service(gbo_project_history)
        .service(conference_history)
        .service(indicator_history)
        .service(measurement_history)
        .service(practice_history)
        .service(proposal_history);
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
) -> ApiResult<Paged<AuditEntry>> {
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
        &caller,
        &filter,
        query.page,
        query.page_size,
        &format!("{API_BASE}/audit"),
        &links.0,
    )
    .await
}

async fn page_of(
    state: &AppState,
    caller: &Caller,
    filter: &AuditFilter,
    page: Option<u32>,
    page_size: Option<u32>,
    base: &str,
    links: &[(String, String)],
) -> ApiResult<Paged<AuditEntry>> {
    let (page, size) = PageParams { page, page_size }.validate()?;
    let mut conn = service::connect(&state.pool).await?;
    let window = PageParams::storage_page(page, size);
    let (items, total) = audit_log::list(&mut conn, &caller.0, filter, window).await?;
    Ok(Paged::new(items, total, page, size, base, links))
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
) -> ApiResult<Paged<AuditEntry>> {
    write::path_value("id", &id, check_id)?;
    let base = format!("{API_BASE}/{collection}/{id}/history");
    let filter = AuditFilter {
        resource: vec![resource.to_owned()],
        resource_id: Some(id),
        ..AuditFilter::default()
    };
    page_of(
        state,
        caller,
        &filter,
        query.page,
        query.page_size,
        &base,
        &[],
    )
    .await
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
        ) -> ApiResult<Paged<AuditEntry>> {
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
    proposal_history,
    "/proposals/{id}/history",
    "proposal",
    "proposals",
    Uuid,
    "Proposal id"
);
history_route!(
    practice_history,
    "/practices/{id}/history",
    "practice",
    "practices",
    Uuid,
    "Practice id"
);
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
history_route!(
    gbo_project_history,
    "/gboProjects/{id}/history",
    "gboProject",
    "gboProjects",
    Uuid,
    "GBO project id"
);
history_route!(
    conference_history,
    "/conferences/{id}/history",
    "conference",
    "conferences",
    Uuid,
    "Conference id"
);
history_route!(
    indicator_history,
    "/indicators/{id}/history",
    "indicator",
    "indicators",
    Uuid,
    "Indicator id"
);
history_route!(
    measurement_history,
    "/measurements/{id}/history",
    "measurement",
    "measurements",
    Uuid,
    "Measurement id"
);
