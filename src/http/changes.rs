//! `GET /changes`: the change feed, read by systems that keep a mirror of
//! the plan and its results.

use std::time::{Duration, Instant};

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::Query;
use super::json;
use crate::auth::MaybeCaller;
use crate::error::{ApiResult, Problem};
use crate::service;
use crate::service::changes::{self, ChangesPage, ChangesQuery};
use crate::startup::AppState;

/// The longest a request waits for a change (`wait=`).
pub const MAX_WAIT_SECONDS: u64 = 30;
/// How often a waiting request looks again.
const POLL: Duration = Duration::from_millis(250);

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_changes);
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// Continue after this cursor (a `next` or an item's `cursor`); absent:
    /// from the first change.
    #[param(min_length = 1, max_length = 200)]
    pub after: Option<String>,
    /// Only these kinds of record; repeat for several. Absent: all.
    #[serde(default)]
    pub resource: Vec<String>,
    /// Changes per page: default 100, at most 1000.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// When nothing new is there yet, wait up to this many seconds (at most
    /// 30) for a change before answering an empty page.
    #[param(minimum = 0, maximum = 30)]
    pub wait: Option<u64>,
}

/// The change feed: every create, update and removal of the plan's records
/// and results after `after`, oldest first, each with the record's version
/// (a removal is a tombstone with the id). Gap-free under concurrent
/// writers: a change is given once every transaction that began before it
/// has ended, so a transaction that commits late is never skipped. Every
/// page, also an empty one, gives `next` to continue from. Entries are kept
/// as long as the audit log (forever), so any cursor stays valid.
/// Signed-in callers (users and service accounts).
#[utoipa::path(
    tag = "changes",
    params(ChangesParams),
    responses(
        (status = 200, description = "A page of changes", body = ChangesPage),
        (status = 400, description = "Invalid parameters or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/changes")]
async fn list_changes(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: Query<ChangesParams>,
) -> ApiResult<HttpResponse> {
    let p = query.0;
    if p.wait.is_some_and(|w| w > MAX_WAIT_SECONDS) {
        return Err(crate::error::ApiError::validation(
            crate::error::InputIssue::query(
                "wait",
                format!("must be between 0 and {MAX_WAIT_SECONDS}"),
            ),
        ));
    }
    let mut checked = changes::check(
        caller.0.as_ref(),
        &ChangesQuery {
            after: p.after,
            resources: p.resource,
            limit: p.limit,
        },
    )?;
    let deadline = Instant::now() + Duration::from_secs(p.wait.unwrap_or(0));
    loop {
        let page = {
            let mut conn = service::connect(&state.read_pool).await?;
            changes::page(&mut conn, &checked).await?
        };
        if !page.items.is_empty() || Instant::now() + POLL > deadline {
            return Ok(json::page(&page, page.items.len()));
        }
        // Nothing yet: wait without holding a connection, from where this
        // page ended (its horizon may have moved on).
        if let Some(next) = checked.continued(&page.next) {
            checked = next;
        }
        actix_web::rt::time::sleep(POLL).await;
    }
}
