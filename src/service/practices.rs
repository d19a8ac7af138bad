//! Good practices: who sees a draft, who writes and publishes, and the
//! rules a practice meets. Every entry point (a route, the seed) comes here.

pub mod model;
pub mod rules;
pub mod search;

use uuid::Uuid;

use super::patch::sourced;
use super::record::{self, Removal};
use super::{Change, Conn, Creation, ServiceError, ServiceResult, Writer, ensure_valid};
use crate::auth::permissions::{
    self, Operation, Owner, Resource, Write, practice_publish, practice_visible, practice_write,
};
use crate::domain::markdown;
use crate::domain::practices::{PracticeStatus, may_move, publication_date};
use crate::domain::results::today;
use crate::domain::{InputIssue, Principal, Role};
use crate::storage::practices::{
    self as store, Drafts, PracticeLinks, PracticeRow, PracticeValues,
};

pub use crate::storage::practices::PracticeFilter;
pub use model::{Practice, PracticeCreate, PracticePatch, SearchMatch};
pub use search::{Facets, Found, list};

record::uuid_record!(PracticeRow => Practice, "practice", lock = store::lock, view = Practice::from_row);

fn owner(row: &PracticeRow) -> Owner<'_> {
    Owner {
        region: row.region_id.as_deref(),
        organisation: row.organisation_id,
    }
}

fn status_of(row: &PracticeRow) -> ServiceResult<PracticeStatus> {
    row.status.parse().map_err(super::corrupt)
}

fn visible(principal: Option<&Principal>, row: &PracticeRow) -> ServiceResult<bool> {
    Ok(practice_visible(
        principal,
        status_of(row)?,
        owner(row),
        &row.author_ids,
    ))
}

/// The drafts a caller sees in lists beside the published practices.
/// The drafts `principal` sees beside published and archived practices.
pub(crate) fn drafts_of(principal: Option<&Principal>) -> Drafts {
    match principal {
        None => Drafts::None,
        Some(p) if matches!(p.role, Role::Admin | Role::Steering) => Drafts::All,
        Some(p) => Drafts::Of {
            author: p.id,
            region: (p.role == Role::Coordinator)
                .then(|| p.region_id.clone())
                .flatten(),
        },
    }
}

fn require(principal: Option<&Principal>, operation: Operation) -> ServiceResult<()> {
    match principal {
        Some(p) => Ok(permissions::require(p, Resource::Practices, operation)?),
        None => Ok(()),
    }
}

/// A practice; a 404 for a draft the caller may not see. `None` is an
/// anonymous caller where the operator turned public read on.
pub async fn read(
    conn: &mut Conn,
    principal: Option<&Principal>,
    id: Uuid,
) -> ServiceResult<Practice> {
    require(principal, Operation::Read)?;
    let row = store::get(conn, id).await?;
    if !visible(principal, &row)? {
        return Err(ServiceError::NotFound);
    }
    Practice::from_row(row)
}

/// What admission found out that the write needs too.
#[derive(Default)]
pub struct Admitted {
    author: Option<Uuid>,
    source: Option<Uuid>,
    /// A change's practice as it leaves it, judged.
    after: Option<PracticeCreate>,
}

/// The values and links a judged practice is written with.
fn values(
    input: &PracticeCreate,
    status: PracticeStatus,
    authors: Vec<Uuid>,
    external_source: Option<Uuid>,
) -> PracticeValues {
    let contact = input.contact.clone().unwrap_or_default();
    PracticeValues {
        title: input.title.trim().to_owned(),
        summary: input.summary.clone(),
        body: input.body.clone(),
        body_text: Some(markdown::visible_text(&input.body)),
        problem: input.problem.clone(),
        aim: input.aim.clone(),
        target_groups: input
            .target_groups
            .iter()
            .map(|g| g.trim().to_owned())
            .collect(),
        approach: input.approach.clone(),
        conditions: input.conditions.clone(),
        results: input.results.clone(),
        evidence_level: input.evidence.as_ref().map(|e| e.level.as_str().to_owned()),
        evidence_assessed_by: input.evidence.as_ref().and_then(|e| e.assessed_by.clone()),
        evidence_assessed_on: input.evidence.as_ref().and_then(|e| e.assessed_on),
        themes: input.themes.iter().map(|t| t.as_str().to_owned()).collect(),
        tags: input.tags.clone(),
        region_id: input.region_id.clone(),
        organisation_id: input.organisation_id,
        contact_name: contact.name,
        contact_email: contact.email,
        contact_phone: contact.phone,
        status: status.as_str().to_owned(),
        published_on: input.published_on,
        review_due: input.review_due,
        author_ids: authors,
        external_id: input.external_id.clone(),
        external_source,
    }
}

fn links(input: &PracticeCreate) -> PracticeLinks<'_> {
    PracticeLinks {
        challenges: Some(&input.challenge_ids),
        regions: Some(&input.regions),
        municipalities: Some(&input.municipalities),
        organisations: Some(&input.organisation_ids),
        initiatives: Some(&input.initiative_ids),
        gbo_projects: Some(&input.gbo_project_ids),
        actions: Some(&input.action_ids),
    }
}

/// A new practice's owner when it names none: a coordinator's region, a
/// contributor's organisation.
fn default_owner(principal: &Principal, input: &mut PracticeCreate) {
    if principal.role == Role::Coordinator && input.region_id.is_none() {
        input.region_id = principal.region_id.clone();
    }
    if principal.role == Role::Contributor && input.organisation_id.is_none() {
        input.organisation_id = principal.organisation_id;
    }
}

impl Creation for PracticeCreate {
    type View = Practice;
    type Admission = Admitted;
    async fn admit(&self, conn: &mut Conn, principal: &Principal) -> ServiceResult<Admitted> {
        let after = Owner {
            region: self.region_id.as_deref(),
            organisation: self.organisation_id,
        };
        practice_write(principal, Write::Create, None, Some(after))?;
        if self.status.is_some_and(|s| s != PracticeStatus::Draft) {
            practice_publish(principal, self.region_id.as_deref())?;
        }
        rules::check_references(conn, self).await?;
        Ok(Admitted {
            author: Some(principal.id),
            source: principal.source_system(),
            after: None,
        })
    }
    async fn insert(mut self, conn: &mut Conn, admitted: Admitted) -> ServiceResult<Practice> {
        let status = self.status.unwrap_or(PracticeStatus::Draft);
        self.published_on = publication_date(status, self.published_on, None, today());
        let authors = admitted.author.into_iter().collect();
        let source = self.external_id.as_ref().and(admitted.source);
        let id = store::insert(conn, values(&self, status, authors, source), self.example).await?;
        store::set_links(conn, id, links(&self)).await?;
        Practice::from_row(store::get(conn, id).await?)
    }
}

/// Creates a practice, a draft unless it says otherwise. Steering and
/// administrators any; a coordinator in their region; a contributor for its
/// organisation; publishing is for the region's coordinator, steering and
/// administrators.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    mut input: PracticeCreate,
) -> ServiceResult<Practice> {
    require(Some(writer.principal), Operation::Write)?;
    default_owner(writer.principal, &mut input);
    ensure_valid(rules::check_values(&mut input, today()))?;
    record::create(conn, writer, input).await
}

/// The practice as it is, as a create would send it.
fn as_sent(row: &PracticeRow) -> ServiceResult<PracticeCreate> {
    let view = Practice::from_row(row.clone())?;
    Ok(PracticeCreate {
        title: view.title,
        summary: view.summary,
        body: view.body,
        problem: view.problem,
        aim: view.aim,
        target_groups: view.target_groups,
        approach: view.approach,
        conditions: view.conditions,
        results: view.results,
        evidence: view.evidence,
        themes: view.themes,
        tags: view.tags,
        region_id: view.region_id,
        organisation_id: view.organisation_id,
        challenge_ids: view.challenge_ids,
        regions: view.regions,
        municipalities: view.municipalities,
        organisation_ids: view.organisation_ids,
        initiative_ids: view.initiative_ids,
        gbo_project_ids: view.gbo_project_ids,
        action_ids: view.action_ids,
        contact: view.contact,
        status: Some(view.status),
        published_on: view.published_on,
        review_due: view.review_due,
        external_id: view.external_id,
        example: view.example,
    })
}

/// The practice a patch leaves.
fn patched(mut p: PracticeCreate, c: PracticePatch) -> PracticeCreate {
    macro_rules! take {
        ($($field:ident),+) => { $(if let Some(v) = c.$field { p.$field = v; })+ };
    }
    take!(
        title,
        summary,
        body,
        problem,
        aim,
        target_groups,
        approach,
        conditions,
        results,
        themes,
        tags,
        challenge_ids,
        regions,
        municipalities,
        organisation_ids,
        initiative_ids,
        gbo_project_ids,
        action_ids,
        evidence,
        region_id,
        organisation_id,
        contact,
        published_on,
        review_due,
        external_id
    );
    if let Some(status) = c.status {
        p.status = Some(status);
    }
    p
}

/// A change judged against the practice it changes.
pub struct Revision {
    patch: PracticePatch,
}

impl Change<PracticeRow> for Revision {
    type Admission = Admitted;
    async fn admit(
        &self,
        conn: &mut Conn,
        principal: &Principal,
        current: &PracticeRow,
    ) -> ServiceResult<Admitted> {
        if !visible(Some(principal), current)? {
            return Err(ServiceError::NotFound);
        }
        let mut after = patched(as_sent(current)?, self.patch.clone());
        ensure_valid(rules::check_values(&mut after, today()))?;
        let owner_after = Owner {
            region: after.region_id.as_deref(),
            organisation: after.organisation_id,
        };
        practice_write(
            principal,
            Write::Update,
            Some(owner(current)),
            Some(owner_after),
        )?;
        let from = status_of(current)?;
        let to = after.status.unwrap_or(from);
        if to != from {
            practice_publish(principal, current.region_id.as_deref())?;
            if !may_move(from, to) {
                return Err(ServiceError::invalid(InputIssue::body(
                    "status",
                    format!(
                        "{} {from} practice cannot become {to}",
                        if from == PracticeStatus::Archived {
                            "an"
                        } else {
                            "a"
                        }
                    ),
                )));
            }
        } else if current.region_id != after.region_id && from != PracticeStatus::Draft {
            practice_publish(principal, after.region_id.as_deref())?;
        }
        rules::check_references(conn, &after).await?;
        Ok(Admitted {
            author: Some(principal.id),
            source: principal.source_system(),
            after: Some(after),
        })
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: PracticeRow,
        admitted: Admitted,
    ) -> ServiceResult<Option<Practice>> {
        let mut after = admitted
            .after
            .ok_or_else(|| super::corrupt("practice changed without admission"))?;
        let status = after.status.unwrap_or(status_of(&current)?);
        after.published_on =
            publication_date(status, after.published_on, current.published_on, today());
        let mut authors = current.author_ids.clone();
        if let Some(author) = admitted.author
            && !authors.contains(&author)
        {
            authors.push(author);
        }
        let new_id = Some(after.external_id.clone());
        let source = match sourced(&new_id, &current.external_id, admitted.source) {
            Some(source) => source,
            None => current.external_source,
        };
        store::update(conn, current.id, values(&after, status, authors, source)).await?;
        store::set_links(conn, current.id, links(&after)).await?;
        Practice::from_row(store::get(conn, current.id).await?).map(Some)
    }
}

/// Changes a practice at version `expected`; the whole practice it leaves is
/// judged by the rules of a new one.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    patch: PracticePatch,
) -> ServiceResult<Practice> {
    require(Some(writer.principal), Operation::Write)?;
    let expected = record::expected(expected)?;
    record::update::<PracticeRow, _>(conn, writer, &id, expected, Revision { patch }).await
}

impl Change<PracticeRow> for Removal {
    type Admission = ();
    async fn admit(
        &self,
        _: &mut Conn,
        principal: &Principal,
        current: &PracticeRow,
    ) -> ServiceResult<()> {
        if !visible(Some(principal), current)? {
            return Err(ServiceError::NotFound);
        }
        Ok(practice_write(
            principal,
            Write::Delete,
            Some(owner(current)),
            None,
        )?)
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: PracticeRow,
        _: (),
    ) -> ServiceResult<Option<Practice>> {
        store::delete(conn, current.id).await?;
        Ok(None)
    }
}

/// Deletes a practice at version `expected`.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
) -> ServiceResult<()> {
    record::remove_as::<PracticeRow>(
        conn,
        writer,
        |p| require(Some(p), Operation::Write),
        &id,
        expected,
    )
    .await
}
