//! Proposals for new actions: who sees and writes them, their life cycle and
//! their comments. Decisions are in [`decisions`]. Every entry point (a
//! route, the seed) comes here.

mod comments;
mod decisions;
pub mod model;
mod steps;

use uuid::Uuid;

use super::record::{self, Removal};
use super::{Change, Conn, Creation, ServiceError, ServiceResult, Writer, check, ensure_valid};
use crate::auth::permissions::{self, Operation, Resource, proposal_visible, proposal_write};
use crate::domain::plan::{check_long_text, check_text};
use crate::domain::proposals::{ProposalStatus, editable};
use crate::domain::{InputIssue, Page, Principal, Role};
use crate::storage::practices::{Referenced, missing_ids};
use crate::storage::proposals::{
    self as store, NewProposal, ProposalFilter, ProposalLinks, ProposalRow, ProposalText,
};
use crate::storage::{plan, reference};

pub use comments::{add_comment, comment, comments};
pub use decisions::{decide, decision, transitions};
pub use model::{
    Comment, CommentCreate, DecisionCreate, Person, Proposal, ProposalCreate, ProposalPatch,
    Similar, StepNote, Submission, Transition,
};
pub use steps::{similar, step, submit};

record::uuid_record!(ProposalRow => Proposal, "proposal", lock = store::lock, view = Proposal::from_row);

fn status_of(row: &ProposalRow) -> ServiceResult<ProposalStatus> {
    row.status.parse().map_err(super::corrupt)
}

/// 404 unless the caller may see the proposal.
fn seen(principal: &Principal, row: &ProposalRow) -> ServiceResult<()> {
    if proposal_visible(
        principal,
        row.submitted_at.is_some(),
        &row.region_id,
        &row.author_ids,
    ) {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// The proposal, or 404 when the caller may not see it.
async fn visible_row(
    conn: &mut Conn,
    principal: &Principal,
    id: Uuid,
) -> ServiceResult<ProposalRow> {
    permissions::require(principal, Resource::Proposals, Operation::Read)?;
    let row = store::get(conn, id).await?;
    seen(principal, &row)?;
    Ok(row)
}

/// A proposal; a 404 for a draft never submitted that the caller may not see.
pub async fn read(conn: &mut Conn, principal: &Principal, id: Uuid) -> ServiceResult<Proposal> {
    Proposal::from_row(visible_row(conn, principal, id).await?)
}

/// Which proposals a list holds; an empty list does not filter.
#[derive(Debug, Default)]
pub struct ProposalSelection {
    pub plans: Vec<Uuid>,
    pub regions: Vec<String>,
    pub statuses: Vec<ProposalStatus>,
    pub challenges: Vec<Uuid>,
    /// Text in the title.
    pub q: Option<String>,
}

/// A page of the proposals the caller may see.
pub async fn list(
    conn: &mut Conn,
    principal: &Principal,
    selection: ProposalSelection,
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<Proposal>, i64)> {
    permissions::require(principal, Resource::Proposals, Operation::Read)?;
    let filter = ProposalFilter {
        drafts: super::practices::drafts_of(Some(principal)),
        plan: selection.plans,
        region: selection.regions,
        status: selection
            .statuses
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        challenge: selection.challenges,
        q: selection.q,
    };
    let (rows, total) = store::list(conn, &filter, sort, &page).await?;
    let items = rows
        .into_iter()
        .map(Proposal::from_row)
        .collect::<ServiceResult<_>>()?;
    Ok((items, total))
}

/// The fields both a create and a patch check.
fn check_fields(
    issues: &mut Vec<InputIssue>,
    title: Option<&str>,
    rationale: Option<&str>,
    lists: [(&str, Option<&[Uuid]>); 3],
) {
    if let Some(t) = title {
        check(issues, "title", check_text(t, 300), || t.into());
    }
    if let Some(r) = rationale {
        check(issues, "rationale", check_long_text(r, 20000), || {
            serde_json::Value::Null
        });
    }
    for (field, ids) in lists {
        if let Some(ids) = ids {
            super::check_list(issues, field, ids, 0, 50);
        }
    }
}

/// The challenges must be of the plan; organisations and practices must exist.
async fn check_references(
    conn: &mut Conn,
    plan_id: Uuid,
    links: &ProposalLinks<'_>,
) -> ServiceResult<()> {
    let mut issues = Vec::new();
    if let Some(ids) = links.challenges {
        for id in plan::challenges_not_in_plan(conn, plan_id, ids).await? {
            issues.push(
                InputIssue::body("challengeIds", "is not a challenge of the proposal's plan")
                    .with_value(id.to_string().into()),
            );
        }
    }
    for (field, ids, table, what) in [
        (
            "organisationIds",
            links.organisations,
            Referenced::Organisations,
            "no such organisation",
        ),
        (
            "practiceIds",
            links.practices,
            Referenced::Practices,
            "no such practice",
        ),
    ] {
        for id in missing_ids(conn, table, ids.unwrap_or_default()).await? {
            issues.push(InputIssue::body(field, what).with_value(id.to_string().into()));
        }
    }
    ensure_valid(issues)
}

fn links_of(input: &ProposalCreate) -> ProposalLinks<'_> {
    ProposalLinks {
        challenges: Some(&input.challenge_ids),
        organisations: Some(&input.organisation_ids),
        practices: Some(&input.practice_ids),
    }
}

impl Creation for ProposalCreate {
    type View = Proposal;
    type Admission = Option<Uuid>;
    async fn admit(&self, conn: &mut Conn, principal: &Principal) -> ServiceResult<Option<Uuid>> {
        let region = self.region_id.as_deref().unwrap_or_default();
        let mut issues = Vec::new();
        if !plan::plan_visible(conn, self.plan_id, false).await? {
            issues.push(
                InputIssue::body("planId", "no such plan")
                    .with_value(self.plan_id.to_string().into()),
            );
        }
        if !reference::region_exists(conn, region).await? {
            issues.push(InputIssue::body("regionId", "no such region").with_value(region.into()));
        }
        ensure_valid(issues)?;
        proposal_write(principal, region)?;
        check_references(conn, self.plan_id, &links_of(self)).await?;
        Ok(Some(principal.id))
    }
    async fn insert(self, conn: &mut Conn, author: Option<Uuid>) -> ServiceResult<Proposal> {
        let id = store::insert(
            conn,
            NewProposal {
                plan_id: self.plan_id,
                region_id: self.region_id.clone().unwrap_or_default(),
                title: self.title.trim().to_owned(),
                rationale: self.rationale.clone().unwrap_or_default(),
                author_ids: author.into_iter().collect(),
                example: self.example,
            },
        )
        .await?;
        store::set_links(conn, id, links_of(&self)).await?;
        Proposal::from_row(store::get(conn, id).await?)
    }
}

/// Creates a draft proposal. Steering for any region (naming it), a
/// coordinator for their own (the default).
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    mut input: ProposalCreate,
) -> ServiceResult<Proposal> {
    let principal = writer.principal;
    permissions::require(principal, Resource::Proposals, Operation::Write)?;
    if principal.role == Role::Coordinator && input.region_id.is_none() {
        input.region_id = principal.region_id.clone();
    }
    let mut issues = Vec::new();
    if input.region_id.is_none() {
        issues.push(InputIssue::body(
            "regionId",
            "is required: name the proposing regional platform",
        ));
    }
    check_fields(
        &mut issues,
        Some(&input.title),
        input.rationale.as_deref(),
        [
            ("challengeIds", Some(&input.challenge_ids)),
            ("organisationIds", Some(&input.organisation_ids)),
            ("practiceIds", Some(&input.practice_ids)),
        ],
    );
    ensure_valid(issues)?;
    record::create(conn, writer, input).await
}

/// May the caller change the proposal's text and lists now?
fn admit_edit(principal: &Principal, current: &ProposalRow) -> ServiceResult<()> {
    seen(principal, current)?;
    proposal_write(principal, &current.region_id)?;
    let status = status_of(current)?;
    if !editable(status) {
        return Err(ServiceError::Conflict(format!(
            "a proposal that is {} is not changed: only a draft or a proposal returned for changes is",
            status.as_str()
        )));
    }
    Ok(())
}

impl Change<ProposalRow> for ProposalPatch {
    type Admission = ();
    async fn admit(
        &self,
        _: &mut Conn,
        principal: &Principal,
        current: &ProposalRow,
    ) -> ServiceResult<()> {
        admit_edit(principal, current)
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: ProposalRow,
        _: (),
    ) -> ServiceResult<Option<Proposal>> {
        let links = ProposalLinks {
            challenges: self.challenge_ids.as_deref(),
            organisations: self.organisation_ids.as_deref(),
            practices: self.practice_ids.as_deref(),
        };
        check_references(conn, current.plan_id, &links).await?;
        store::update_text(
            conn,
            current.id,
            ProposalText {
                title: self.title.map(|t| t.trim().to_owned()),
                rationale: self.rationale,
            },
        )
        .await?;
        store::set_links(conn, current.id, links).await?;
        Proposal::from_row(store::get(conn, current.id).await?).map(Some)
    }
}

/// Changes a draft, or a proposal returned for changes, at version `expected`.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    patch: ProposalPatch,
) -> ServiceResult<Proposal> {
    permissions::require(writer.principal, Resource::Proposals, Operation::Write)?;
    let expected = record::expected(expected)?;
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        patch.title.as_deref(),
        patch.rationale.as_deref(),
        [
            ("challengeIds", patch.challenge_ids.as_deref()),
            ("organisationIds", patch.organisation_ids.as_deref()),
            ("practiceIds", patch.practice_ids.as_deref()),
        ],
    );
    ensure_valid(issues)?;
    record::update::<ProposalRow, _>(conn, writer, &id, expected, patch).await
}

impl Change<ProposalRow> for Removal {
    type Admission = ();
    async fn admit(
        &self,
        _: &mut Conn,
        principal: &Principal,
        current: &ProposalRow,
    ) -> ServiceResult<()> {
        admit_edit(principal, current)?;
        if current.last_seq.is_some() {
            return Err(ServiceError::Conflict(
                "a proposal that was submitted keeps its history: withdraw it instead".into(),
            ));
        }
        Ok(())
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: ProposalRow,
        _: (),
    ) -> ServiceResult<Option<Proposal>> {
        store::delete(conn, current.id).await?;
        Ok(None)
    }
}

/// Deletes a draft never submitted, at version `expected`.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
) -> ServiceResult<()> {
    let permitted = |p: &Principal| -> ServiceResult<()> {
        Ok(permissions::require(
            p,
            Resource::Proposals,
            Operation::Write,
        )?)
    };
    record::remove_as::<ProposalRow>(conn, writer, permitted, &id, expected).await
}
