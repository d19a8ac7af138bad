//! The numbered actions of a plan.

mod model;

use uuid::Uuid;

pub use model::{Action, ActionCreate, ActionPatch};

use super::plans::{PlanAudience, require_plan_editor};
use super::record::{self, Removal};
use super::{
    Change, Conn, Creation, ServiceError, ServiceResult, Writer, check, check_list, check_period,
    corrupt, ensure_valid,
};
use crate::domain::plan::{check_code, check_long_text, check_text, check_weight};
use crate::domain::{ActionOrigin, InputIssue, Page, Principal, WorkStatus};
use crate::storage::plan::{self as store, ActionChanges, ActionFilter, ActionRecord, NewAction};
use crate::storage::{organisations, reference};

/// The parts of an action that both create and patch check.
struct ActionFields<'a> {
    number: Option<i32>,
    code: Option<&'a str>,
    title: Option<&'a str>,
    description: Option<&'a str>,
    challenge_ids: Option<&'a [Uuid]>,
    weight: Option<f64>,
    lead_organisation_ids: Option<&'a [Uuid]>,
}

fn check_fields(issues: &mut Vec<InputIssue>, f: &ActionFields<'_>) {
    if let Some(n) = f.number.filter(|n| !(1..=999).contains(n)) {
        issues.push(InputIssue::body("number", "must be from 1 to 999").with_value(n.into()));
    }
    if let Some(code) = f.code {
        check(issues, "code", check_code(code), || code.into());
    }
    if let Some(title) = f.title {
        check(issues, "title", check_text(title, 300), || title.into());
    }
    if let Some(d) = f.description {
        check(issues, "description", check_long_text(d, 20000), || {
            serde_json::Value::Null
        });
    }
    if let Some(ids) = f.challenge_ids {
        check_list(issues, "challengeIds", ids, 1, 50);
    }
    if let Some(w) = f.weight {
        check(issues, "weight", check_weight(w), || w.into());
    }
    if let Some(ids) = f.lead_organisation_ids {
        check_list(issues, "leadOrganisationIds", ids, 0, 50);
    }
}

/// What an action's references resolve to, looked up for [`reference_issues`].
#[derive(Debug, Default)]
struct References {
    /// The named challenges that are not of the action's plan.
    foreign_challenges: Vec<Uuid>,
    /// The named lead organisations that do not exist.
    missing_organisations: Vec<Uuid>,
    /// Whether the proposing region exists; `None` when it was not looked up.
    region_known: Option<bool>,
}

/// The proposing region is named exactly for a regional proposal.
fn reference_issues(
    found: &References,
    origin: ActionOrigin,
    proposed_by: Option<&str>,
) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    for id in &found.foreign_challenges {
        issues.push(
            InputIssue::body("challengeIds", "is not a challenge of the action's plan")
                .with_value(id.to_string().into()),
        );
    }
    for id in &found.missing_organisations {
        issues.push(
            InputIssue::body("leadOrganisationIds", "no such organisation")
                .with_value(id.to_string().into()),
        );
    }
    match (origin, proposed_by) {
        (ActionOrigin::RegionalProposal, None) => issues.push(InputIssue::body(
            "proposedByRegionId",
            "is required for a regional proposal",
        )),
        (ActionOrigin::Plan, Some(_)) => issues.push(InputIssue::body(
            "proposedByRegionId",
            "is only for actions whose origin is regionalProposal",
        )),
        (ActionOrigin::RegionalProposal, Some(region)) => {
            if found.region_known == Some(false) {
                issues.push(
                    InputIssue::body("proposedByRegionId", "no such region")
                        .with_value(region.into()),
                );
            }
        }
        (ActionOrigin::Plan, None) => {}
    }
    issues
}

/// References must name existing records of the right plan.
async fn check_references(
    conn: &mut Conn,
    plan_id: Uuid,
    challenge_ids: Option<&[Uuid]>,
    lead_organisation_ids: Option<&[Uuid]>,
    origin: ActionOrigin,
    proposed_by: Option<&str>,
) -> ServiceResult<()> {
    let mut found = References::default();
    if let Some(ids) = challenge_ids {
        found.foreign_challenges = store::challenges_not_in_plan(conn, plan_id, ids).await?;
    }
    if let Some(ids) = lead_organisation_ids {
        found.missing_organisations = organisations::missing(conn, ids).await?;
    }
    if let (ActionOrigin::RegionalProposal, Some(region)) = (origin, proposed_by) {
        found.region_known = Some(reference::region_exists(conn, region).await?);
    }
    ensure_valid(reference_issues(&found, origin, proposed_by))
}

/// An action the audience may see: anonymous callers only see published plans.
pub(super) async fn visible(
    conn: &mut Conn,
    id: Uuid,
    audience: PlanAudience,
) -> ServiceResult<ActionRecord> {
    let record = store::get_action(conn, id).await?;
    in_shown_plan(conn, record.row.plan_id, audience).await?;
    Ok(record)
}

/// 404 unless the audience may see the plan's content: anonymous callers see
/// that of published plans only.
pub(super) async fn in_shown_plan(
    conn: &mut Conn,
    plan_id: Uuid,
    audience: PlanAudience,
) -> ServiceResult<()> {
    if audience == PlanAudience::Public && !store::plan_visible(conn, plan_id, true).await? {
        return Err(ServiceError::NotFound);
    }
    Ok(())
}

/// An action, or 404 when the audience may not see its plan.
pub async fn read(conn: &mut Conn, id: Uuid, audience: PlanAudience) -> ServiceResult<Action> {
    Action::from_record(visible(conn, id, audience).await?)
}

/// Which actions a list holds; an empty list does not filter.
#[derive(Debug, Default)]
pub struct ActionSelection {
    /// Of these plans.
    pub plans: Vec<Uuid>,
    /// Serving one of these challenges.
    pub challenges: Vec<Uuid>,
    /// With one of these statuses.
    pub statuses: Vec<WorkStatus>,
    /// With this text in the title or code.
    pub q: Option<String>,
}

/// A page of the actions the audience may see.
pub async fn list(
    conn: &mut Conn,
    audience: PlanAudience,
    selection: ActionSelection,
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<Action>, i64)> {
    let filter = ActionFilter {
        plan: selection.plans,
        challenge: selection.challenges,
        status: selection
            .statuses
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        q: selection.q,
        published_only: audience == PlanAudience::Public,
    };
    let (records, total) = store::list_actions(conn, &filter, sort, &page).await?;
    let actions = records
        .into_iter()
        .map(Action::from_record)
        .collect::<ServiceResult<_>>()?;
    Ok((actions, total))
}

impl Creation for ActionCreate {
    type Admission = ();
    type View = Action;
    async fn admit(&self, conn: &mut Conn, _: &Principal) -> ServiceResult<()> {
        if !store::plan_visible(conn, self.plan_id, false).await? {
            return Err(ServiceError::invalid(
                InputIssue::body("planId", "no such plan")
                    .with_value(self.plan_id.to_string().into()),
            ));
        }
        check_references(
            conn,
            self.plan_id,
            Some(&self.challenge_ids),
            Some(&self.lead_organisation_ids),
            self.origin.unwrap_or(ActionOrigin::Plan),
            self.proposed_by_region_id.as_deref(),
        )
        .await
    }
    async fn insert(self, conn: &mut Conn, _: Self::Admission) -> ServiceResult<Action> {
        let id = store::insert_action(
            conn,
            NewAction {
                plan_id: self.plan_id,
                code: self.code(),
                number: self.number,
                title: self.title.trim().to_owned(),
                description: self.description.unwrap_or_default(),
                origin: self
                    .origin
                    .unwrap_or(ActionOrigin::Plan)
                    .as_str()
                    .to_owned(),
                proposed_by_region_id: self.proposed_by_region_id,
                status: self
                    .status
                    .unwrap_or(WorkStatus::Planned)
                    .as_str()
                    .to_owned(),
                progress: self.progress,
                weight: self.weight.unwrap_or(1.0),
                start_date: self.start_date,
                end_date: self.end_date,
                example: self.example,
                proposal_id: self.proposal_id,
            },
        )
        .await?;
        store::set_action_challenges(conn, id, &self.challenge_ids).await?;
        store::set_action_leads(conn, id, &self.lead_organisation_ids).await?;
        Action::from_record(store::get_action(conn, id).await?)
    }
}

/// Creates an action in a plan. Steering and administrators.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    input: ActionCreate,
) -> ServiceResult<Action> {
    require_plan_editor(writer.principal)?;
    let code = input.code();
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        &ActionFields {
            number: Some(input.number),
            code: Some(&code),
            title: Some(&input.title),
            description: input.description.as_deref(),
            challenge_ids: Some(&input.challenge_ids),
            weight: input.weight,
            lead_organisation_ids: Some(&input.lead_organisation_ids),
        },
    );
    let status = input.status.unwrap_or(WorkStatus::Planned);
    check(
        &mut issues,
        "progress",
        status.check_progress(input.progress),
        || input.progress.into(),
    );
    check_period(&mut issues, input.start_date, input.end_date);
    ensure_valid(issues)?;
    record::create(conn, writer, input).await
}

impl Change<ActionRecord> for ActionPatch {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: ActionRecord,
        _: Self::Admission,
    ) -> ServiceResult<Option<Action>> {
        let id = current.row.id;
        let mut issues = Vec::new();
        check_period(
            &mut issues,
            self.start_date.unwrap_or(current.row.start_date),
            self.end_date.unwrap_or(current.row.end_date),
        );
        ensure_valid(issues)?;
        let origin = match self.origin {
            Some(o) => o,
            None => current.row.origin.parse().map_err(corrupt)?,
        };
        let proposed_by = match &self.proposed_by_region_id {
            Some(p) => p.clone(),
            None => current.row.proposed_by_region_id.clone(),
        };
        if current.row.proposal_id.is_some()
            && (origin != ActionOrigin::RegionalProposal
                || proposed_by != current.row.proposed_by_region_id)
        {
            return Err(ServiceError::invalid(InputIssue::body(
                "origin",
                "an action accepted from a proposal stays a regionalProposal of its region",
            )));
        }
        check_references(
            conn,
            current.row.plan_id,
            self.challenge_ids.as_deref(),
            self.lead_organisation_ids.as_deref(),
            origin,
            proposed_by.as_deref(),
        )
        .await?;
        store::update_action(
            conn,
            id,
            ActionChanges {
                code: self.code,
                number: self.number,
                title: self.title.map(|t| t.trim().to_owned()),
                description: self.description,
                origin: self.origin.map(|o| o.as_str().to_owned()),
                proposed_by_region_id: self.proposed_by_region_id,
                weight: self.weight,
                start_date: self.start_date,
                end_date: self.end_date,
            },
        )
        .await?;
        if let Some(ids) = &self.challenge_ids {
            store::set_action_challenges(conn, id, ids).await?;
        }
        if let Some(ids) = &self.lead_organisation_ids {
            store::set_action_leads(conn, id, ids).await?;
        }
        Action::from_record(store::get_action(conn, id).await?).map(Some)
    }
}

/// Changes an action at version `expected`. Steering and administrators.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    patch: ActionPatch,
) -> ServiceResult<Action> {
    require_plan_editor(writer.principal)?;
    let expected = record::expected(expected)?;
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        &ActionFields {
            number: patch.number,
            code: patch.code.as_deref(),
            title: patch.title.as_deref(),
            description: patch.description.as_deref(),
            challenge_ids: patch.challenge_ids.as_deref(),
            weight: patch.weight,
            lead_organisation_ids: patch.lead_organisation_ids.as_deref(),
        },
    );
    ensure_valid(issues)?;
    record::update::<ActionRecord, _>(conn, writer, &id, expected, patch).await
}

impl Change<ActionRecord> for Removal {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: ActionRecord,
        _: Self::Admission,
    ) -> ServiceResult<Option<Action>> {
        let mut references = store::action_references(conn, current.row.id).await?;
        references.extend(
            super::indicators::attached(
                conn,
                super::indicators::AttachedTo::Action(current.row.id),
            )
            .await?,
        );
        record::unreferenced(references, "the action still has")?;
        store::delete_action(conn, current.row.id).await?;
        Ok(None)
    }
}

/// Deletes an action at version `expected`, unless initiatives or progress updates refer to it.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
) -> ServiceResult<()> {
    record::remove_as::<ActionRecord>(conn, writer, require_plan_editor, &id, expected).await
}
