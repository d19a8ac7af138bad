//! Progress updates: the timeline of an initiative or an action. The latest
//! dated update sets the current status and progress of what it is posted on.
//! The roll-up of progress over a plan is in [`rollup`].

pub mod export;
pub mod rollup;

use std::future::Future;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel_async::AsyncConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::plans::{PlanAudience, require_plan_editor};
use super::{
    API_BASE, Audited, Conn, ProgressSource, Record, ServiceError, ServiceResult, Writer, actions,
    check, corrupt, ensure_valid, initiatives, progress_source, snapshot,
};
use crate::auth::permissions::{self, Operation, Resource};
use crate::domain::plan::check_long_text;
use crate::domain::{InputIssue, Page, Principal, WorkStatus};
use crate::storage::audit;
use crate::storage::initiatives::{
    self as store, InitiativeRecord, NewProgressUpdate, ProgressUpdateRow,
};
use crate::storage::plan::{self as plan_store, ActionRecord};

/// One entry in the timeline of an initiative or an action. Entries are never
/// changed or removed: a correction is a new entry.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgressUpdate {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The initiative; absent for an update of an action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initiative_id: Option<Uuid>,
    /// The action; absent for an update of an initiative.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<Uuid>,
    /// The day the update describes.
    pub date: NaiveDate,
    /// Status as of that day.
    pub status: WorkStatus,
    /// Progress (0-100) as of that day: explicit or the status default; absent when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<i16>,
    /// Where `progress` comes from; absent when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_source: Option<ProgressSource>,
    /// What happened; may be empty.
    pub narrative: String,
    /// Who posted it; absent for anonymous readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_id: Option<Uuid>,
    /// The author's name as it was then; absent for anonymous readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
}

impl ProgressUpdate {
    fn from_row(row: ProgressUpdateRow, audience: PlanAudience) -> ServiceResult<Self> {
        let signed_in = audience == PlanAudience::SignedIn;
        Ok(Self {
            self_link: format!("{API_BASE}/progressUpdates/{}", row.id),
            id: row.id,
            initiative_id: row.initiative_id,
            action_id: row.action_id,
            date: row.date,
            status: row.status.parse().map_err(corrupt)?,
            progress: row.effective_progress,
            progress_source: progress_source(row.progress, row.effective_progress),
            narrative: row.narrative,
            author_id: signed_in.then_some(row.author_id),
            author_name: signed_in.then_some(row.author_name),
            created_at: row.created_at,
        })
    }
}

/// A new progress update.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProgressUpdateCreate {
    /// The day the update describes: not in the future, not before 2000.
    /// The update with the latest date (the latest posted among equal dates)
    /// sets the current status and progress; an older date only adds history.
    pub date: NaiveDate,
    /// Status as of that day.
    pub status: WorkStatus,
    /// Explicit progress (0-100); absent means the status default. `completed`
    /// takes only 100 and `dropped` none.
    #[schema(minimum = 0, maximum = 100)]
    pub progress: Option<i16>,
    /// What happened.
    #[schema(max_length = 20000)]
    pub narrative: Option<String>,
}

fn check_update(input: &ProgressUpdateCreate) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    let today = Utc::now().date_naive();
    // A day of slack: the author's day may already have begun east of UTC.
    if input.date > today + chrono::Days::new(1) || input.date.year() < 2000 {
        issues.push(
            InputIssue::body("date", "must be a day from 2000 up to today")
                .with_value(input.date.to_string().into()),
        );
    }
    check(
        &mut issues,
        "progress",
        input.status.check_progress(input.progress),
        || input.progress.into(),
    );
    if let Some(n) = &input.narrative {
        check(&mut issues, "narrative", check_long_text(n, 20000), || {
            serde_json::Value::Null
        });
    }
    issues
}

/// What a progress update is posted on: an initiative or an action.
trait Subject: Record<Key = Uuid> {
    /// An update's references to the record `id`: its initiative and its action.
    fn target(id: Uuid) -> (Option<Uuid>, Option<Uuid>);
    /// Whether `principal` may post on this record, beyond its role.
    fn admit(&self, principal: &Principal) -> ServiceResult<()>;
    /// The day of the record's latest update.
    fn last_progress_on(&self) -> Option<NaiveDate>;
    /// Makes `update` the current status and progress of the record `id`, and reads it again.
    fn apply(
        conn: &mut Conn,
        update: &ProgressUpdateRow,
        id: Uuid,
    ) -> impl Future<Output = ServiceResult<Self>> + Send;
}

impl Subject for InitiativeRecord {
    fn target(id: Uuid) -> (Option<Uuid>, Option<Uuid>) {
        (Some(id), None)
    }
    fn admit(&self, principal: &Principal) -> ServiceResult<()> {
        Ok(permissions::progress_update_write(
            principal,
            &self.regions,
            self.row.lead_organisation_id,
        )?)
    }
    fn last_progress_on(&self) -> Option<NaiveDate> {
        self.row.last_progress_on
    }
    async fn apply(conn: &mut Conn, update: &ProgressUpdateRow, id: Uuid) -> ServiceResult<Self> {
        store::apply_to_initiative(conn, update, id).await?;
        Ok(store::get(conn, id).await?)
    }
}

impl Subject for ActionRecord {
    fn target(id: Uuid) -> (Option<Uuid>, Option<Uuid>) {
        (None, Some(id))
    }
    fn admit(&self, _: &Principal) -> ServiceResult<()> {
        Ok(())
    }
    fn last_progress_on(&self) -> Option<NaiveDate> {
        self.row.last_progress_on
    }
    async fn apply(conn: &mut Conn, update: &ProgressUpdateRow, id: Uuid) -> ServiceResult<Self> {
        store::apply_to_action(conn, update, id).await?;
        Ok(plan_store::get_action(conn, id).await?)
    }
}

/// Posts `input` on the record `id`, and makes it the record's current status
/// and progress unless the record has a later update. Both writes are audited.
async fn post<S: Subject>(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    input: ProgressUpdateCreate,
) -> ServiceResult<ProgressUpdate> {
    ensure_valid(check_update(&input))?;
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let current = S::lock(conn, &id).await?;
        current.admit(writer.principal)?;
        let author_kind = writer.actor().kind;
        let author_name = super::actor_name(conn, writer).await?;
        let (initiative_id, action_id) = S::target(id);
        let row = store::insert_progress_update(
            conn,
            NewProgressUpdate {
                initiative_id,
                action_id,
                date: input.date,
                status: input.status.as_str().to_owned(),
                progress: input.progress,
                narrative: input.narrative.clone().unwrap_or_default(),
                author_id: writer.principal.id,
                author_kind: author_kind.to_owned(),
                author_name,
                created_at: Utc::now(),
            },
        )
        .await?;
        let update = ProgressUpdate::from_row(row.clone(), PlanAudience::SignedIn)?;
        audit::record(
            conn,
            writer.actor(),
            "progressUpdate",
            &row.id.to_string(),
            None,
            Some(&snapshot(&update)?),
        )
        .await?;
        if current
            .last_progress_on()
            .is_none_or(|last| row.date >= last)
        {
            let before = current.view()?;
            let after = S::apply(conn, &row, id).await?.view()?;
            audit::record(
                conn,
                writer.actor(),
                S::View::RESOURCE,
                &before.audit_key(),
                Some(&snapshot(&before)?),
                Some(&snapshot(&after)?),
            )
            .await?;
        }
        Ok(update)
    })
    .await
}

/// Posts a progress update on an initiative. Steering and administrators on
/// any initiative; a coordinator on initiatives whose regions include theirs;
/// a contributor on initiatives its organisation leads.
pub async fn post_on_initiative(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    input: ProgressUpdateCreate,
) -> ServiceResult<ProgressUpdate> {
    permissions::require(
        writer.principal,
        Resource::ProgressUpdates,
        Operation::Write,
    )?;
    post::<InitiativeRecord>(conn, writer, id, input).await
}

/// Posts a progress update on an action. Steering and administrators.
pub async fn post_on_action(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    input: ProgressUpdateCreate,
) -> ServiceResult<ProgressUpdate> {
    require_plan_editor(writer.principal)?;
    post::<ActionRecord>(conn, writer, id, input).await
}

/// Whose timeline.
#[derive(Debug, Clone, Copy)]
pub enum Timeline {
    Initiative(Uuid),
    Action(Uuid),
}

/// A page of a timeline, newest first, or 404 when the audience may not see
/// its initiative or action.
pub async fn timeline(
    conn: &mut Conn,
    audience: PlanAudience,
    of: Timeline,
    page: Page,
) -> ServiceResult<(Vec<ProgressUpdate>, i64)> {
    let (initiative_id, action_id) = match of {
        Timeline::Initiative(id) => {
            initiatives::visible(conn, id, audience).await?;
            InitiativeRecord::target(id)
        }
        Timeline::Action(id) => {
            actions::visible(conn, id, audience).await?;
            ActionRecord::target(id)
        }
    };
    let (rows, total) = store::list_progress_updates(conn, initiative_id, action_id, &page).await?;
    let updates = rows
        .into_iter()
        .map(|r| ProgressUpdate::from_row(r, audience))
        .collect::<ServiceResult<_>>()?;
    Ok((updates, total))
}

/// A progress update, or 404 when the audience may not see what it was posted on.
pub async fn read(
    conn: &mut Conn,
    id: Uuid,
    audience: PlanAudience,
) -> ServiceResult<ProgressUpdate> {
    let row = store::get_progress_update(conn, id).await?;
    if let Some(initiative) = row.initiative_id {
        initiatives::visible(conn, initiative, audience).await?;
    }
    if let Some(action) = row.action_id {
        actions::visible(conn, action, audience).await?;
    }
    ProgressUpdate::from_row(row, audience)
}
