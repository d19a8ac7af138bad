//! Initiatives: the concrete work under an action, in one or more regions.
//! Who may write one depends on its regions, so each write first judges the
//! regions, then asks `permissions::initiative_write`.

pub mod export;
mod model;
pub mod rules;

use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use model::{Initiative, InitiativeCreate, InitiativePatch};
use rules::{Found, References};

use super::actions::in_shown_plan;
use super::patch::sourced;
use super::plans::PlanAudience;
use super::record::{self, Removal};
use super::{Change, Conn, Creation, ServiceError, ServiceResult, Writer, ensure_valid};
use crate::auth::permissions::{self, Operation, Resource, Write};
use crate::domain::{Page, Principal, WorkStatus};
use crate::storage::initiatives::{
    self as store, InitiativeChanges, InitiativeFilter, InitiativeLinks, InitiativeRecord,
    NewInitiative,
};
use crate::storage::organisations;
use crate::storage::reference::{self, RegionRow};

fn require_initiative_writer(principal: &Principal) -> ServiceResult<()> {
    Ok(permissions::require(
        principal,
        Resource::Initiatives,
        Operation::Write,
    )?)
}

/// Whether `regions` make the work Flanders-wide, judged against the `known` regions.
fn scope(known: &[RegionRow], regions: &[String]) -> ServiceResult<bool> {
    rules::region_scope(known, regions).map_err(ServiceError::Invalid)
}

/// The plan of an action; a 400 on `actionId` when there is no such action.
async fn action_plan(conn: &mut Conn, action_id: Uuid) -> ServiceResult<Uuid> {
    let found = store::plan_of_action(conn, action_id).await?;
    rules::action_plan(action_id, found).map_err(ServiceError::invalid)
}

/// Looks up the records `refs` name and judges them. The regions of the named
/// municipalities stay locked until the transaction ends, so that none moves
/// out of `regions` before the write commits.
async fn check_references(
    conn: &mut Conn,
    refs: References<'_>,
    regions: &[String],
    flanders_wide: bool,
) -> ServiceResult<()> {
    let mut found = Found::default();
    let named: Vec<Uuid> = refs
        .lead
        .iter()
        .chain(refs.partners.unwrap_or_default())
        .copied()
        .collect();
    let missing = organisations::missing(conn, &named).await?;
    found.organisations = named
        .into_iter()
        .filter(|id| !missing.contains(id))
        .collect();
    if let Some(zone) = refs.zone
        && reference::primary_care_zone_exists(conn, zone).await?
    {
        found.zones.insert(zone);
    }
    if let Some(codes) = refs.municipalities {
        found.municipalities = reference::municipality_regions(conn, codes)
            .await?
            .into_iter()
            .collect();
    }
    ensure_valid(rules::reference_issues(
        &found,
        refs,
        regions,
        flanders_wide,
    ))
}

/// An initiative the audience may see: anonymous callers only see published plans.
pub(super) async fn visible(
    conn: &mut Conn,
    id: Uuid,
    audience: PlanAudience,
) -> ServiceResult<InitiativeRecord> {
    let record = store::get(conn, id).await?;
    in_shown_plan(conn, record.row.plan_id, audience).await?;
    Ok(record)
}

/// An initiative, or 404 when the audience may not see its plan.
pub async fn read(conn: &mut Conn, id: Uuid, audience: PlanAudience) -> ServiceResult<Initiative> {
    Initiative::from_record(visible(conn, id, audience).await?)
}

/// Which initiatives a list holds: every filter given must match, and a list
/// matches any of its values; an empty list does not filter.
#[derive(Debug, Default, Clone)]
pub struct InitiativeSelection {
    pub plans: Vec<Uuid>,
    pub actions: Vec<Uuid>,
    /// Whose action serves one of these challenges.
    pub challenges: Vec<Uuid>,
    pub regions: Vec<String>,
    /// NIS codes.
    pub municipalities: Vec<String>,
    /// Leading or taking part.
    pub organisations: Vec<Uuid>,
    pub statuses: Vec<WorkStatus>,
    pub progress_min: Option<i16>,
    pub progress_max: Option<i16>,
    pub updated_since: Option<DateTime<Utc>>,
    /// Open, without a progress update in this many days.
    pub stale_days: Option<i32>,
    pub external_id: Option<String>,
    /// The source system `external_id` is looked up in: `None` any,
    /// `Some(None)` the service's own.
    pub external_source: Option<Option<Uuid>>,
    /// Text in the title or code.
    pub q: Option<String>,
}

/// A page of the initiatives the audience may see.
pub async fn list(
    conn: &mut Conn,
    audience: PlanAudience,
    selection: InitiativeSelection,
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<Initiative>, i64)> {
    let filter = filter_of(audience, selection);
    let (records, total) = store::list(conn, &filter, sort, &page).await?;
    let initiatives = records
        .into_iter()
        .map(Initiative::from_record)
        .collect::<ServiceResult<_>>()?;
    Ok((initiatives, total))
}

/// The resources (audit log names) whose writes cannot change a page of
/// initiatives: it shows initiatives with their plan, action, regions,
/// municipalities, primary care zone and organisations by id, and filters by
/// those and by progress updates.
pub const PAGE_UNAFFECTED_BY: &[&str] = &[
    "indicator",
    "measurement",
    "practice",
    "proposal",
    "proposalComment",
    "gboProject",
    "conference",
    "user",
    "serviceAccount",
    "apiKey",
];

/// The initiative with this external id in the caller's source system, else
/// the one with this code in the plan of this action, if any.
pub async fn find_by_key(
    conn: &mut Conn,
    principal: &Principal,
    external_id: Option<&str>,
    code: Option<(Uuid, &str)>,
) -> ServiceResult<Option<Initiative>> {
    let source = principal.source_system();
    match crate::storage::keys::initiative(conn, external_id, source, code).await? {
        Some(id) => read(conn, id, PlanAudience::SignedIn).await.map(Some),
        None => Ok(None),
    }
}

/// What the storage filters by for a selection the audience asks.
fn filter_of(audience: PlanAudience, selection: InitiativeSelection) -> InitiativeFilter {
    InitiativeFilter {
        plan: selection.plans,
        action: selection.actions,
        challenge: selection.challenges,
        region: selection.regions,
        municipality: selection.municipalities,
        organisation: selection.organisations,
        status: selection
            .statuses
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        progress_min: selection.progress_min,
        progress_max: selection.progress_max,
        updated_since: selection.updated_since,
        stale_days: selection.stale_days,
        external_id: selection.external_id,
        external_source: selection.external_source,
        q: selection.q,
        published_only: audience == PlanAudience::Public,
    }
}

impl Creation for InitiativeCreate {
    /// The action's plan, found while admitting.
    type Admission = Uuid;
    type View = Initiative;
    async fn admit(&self, conn: &mut Conn, principal: &Principal) -> ServiceResult<Uuid> {
        let input = self;
        let known = reference::list_regions(conn).await?;
        let flanders_wide = scope(&known, &input.regions)?;
        permissions::initiative_write(
            principal,
            Write::Create,
            None,
            Some(&input.regions),
            flanders_wide,
        )?;
        let plan_id = action_plan(conn, input.action_id).await?;
        check_references(
            conn,
            References {
                lead: Some(input.lead_organisation_id),
                partners: Some(&input.partner_organisation_ids),
                zone: input.primary_care_zone_id,
                municipalities: Some(&input.municipalities),
            },
            &input.regions,
            flanders_wide,
        )
        .await?;
        Ok(plan_id)
    }
    async fn insert(self, conn: &mut Conn, plan_id: Uuid) -> ServiceResult<Initiative> {
        let input = self;
        let id = store::insert(
            conn,
            NewInitiative {
                plan_id,
                action_id: input.action_id,
                code: input.code,
                title: input.title.trim().to_owned(),
                description: input.description.unwrap_or_default(),
                lead_organisation_id: input.lead_organisation_id,
                primary_care_zone_id: input.primary_care_zone_id,
                status: input
                    .status
                    .unwrap_or(WorkStatus::Planned)
                    .as_str()
                    .to_owned(),
                progress: input.progress,
                weight: input.weight.unwrap_or(1.0),
                start_date: input.start_date,
                end_date: input.end_date,
                external_source: input.external_id.as_ref().and(input.source),
                external_id: input.external_id,
                example: input.example,
            },
        )
        .await?;
        store::set_links(
            conn,
            id,
            InitiativeLinks {
                regions: Some(&input.regions),
                partner_ids: Some(&input.partner_organisation_ids),
                municipalities: Some(&input.municipalities),
            },
        )
        .await?;
        Initiative::from_record(store::get(conn, id).await?)
    }
}

/// Creates an initiative. Steering and administrators anywhere; a coordinator
/// in their own region only; Flanders-wide work is for steering and administrators.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    mut input: InitiativeCreate,
) -> ServiceResult<Initiative> {
    require_initiative_writer(writer.principal)?;
    input.source = writer.principal.source_system();
    ensure_valid(rules::check_create(&input))?;
    record::create(conn, writer, input).await
}

impl Change<InitiativeRecord> for InitiativePatch {
    /// Whether the regions the change leaves are Flanders-wide, found while admitting.
    type Admission = bool;
    async fn admit(
        &self,
        conn: &mut Conn,
        principal: &Principal,
        current: &InitiativeRecord,
    ) -> ServiceResult<bool> {
        let after = rules::regions_after(current, self);
        let known = reference::list_regions(conn).await?;
        let was = scope(&known, &current.regions)?;
        let now = scope(&known, &after)?;
        permissions::initiative_write(
            principal,
            Write::Update,
            Some(&current.regions),
            Some(&after),
            was || now,
        )?;
        Ok(now)
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: InitiativeRecord,
        flanders_wide: bool,
    ) -> ServiceResult<Option<Initiative>> {
        let patch = self;
        let id = current.row.id;
        ensure_valid(rules::check_changed(&current, &patch))?;
        let plan_id = match patch.action_id {
            Some(action) => Some(action_plan(conn, action).await?),
            None => None,
        };
        let municipalities = rules::municipalities_to_check(&current, &patch);
        check_references(
            conn,
            References {
                lead: patch.lead_organisation_id,
                partners: patch.partner_organisation_ids.as_deref(),
                zone: patch.primary_care_zone_id.flatten(),
                municipalities: municipalities.as_deref(),
            },
            &rules::regions_after(&current, &patch),
            flanders_wide,
        )
        .await?;
        store::update(
            conn,
            id,
            InitiativeChanges {
                plan_id,
                action_id: patch.action_id,
                code: patch.code,
                title: patch.title.map(|t| t.trim().to_owned()),
                description: patch.description,
                lead_organisation_id: patch.lead_organisation_id,
                primary_care_zone_id: patch.primary_care_zone_id,
                weight: patch.weight,
                start_date: patch.start_date,
                end_date: patch.end_date,
                external_source: sourced(
                    &patch.external_id,
                    &current.row.external_id,
                    patch.source,
                ),
                external_id: patch.external_id,
            },
        )
        .await?;
        store::set_links(
            conn,
            id,
            InitiativeLinks {
                regions: patch.regions.as_deref(),
                partner_ids: patch.partner_organisation_ids.as_deref(),
                municipalities: patch.municipalities.as_deref(),
            },
        )
        .await?;
        Initiative::from_record(store::get(conn, id).await?).map(Some)
    }
}

/// Changes an initiative at version `expected`. Steering and administrators
/// change any; a coordinator those whose regions include theirs, without
/// changing the regions.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    mut patch: InitiativePatch,
) -> ServiceResult<Initiative> {
    require_initiative_writer(writer.principal)?;
    patch.source = writer.principal.source_system();
    let expected = record::expected(expected)?;
    ensure_valid(rules::check_patch(&patch))?;
    record::update::<InitiativeRecord, _>(conn, writer, &id, expected, patch).await
}

impl Change<InitiativeRecord> for Removal {
    type Admission = ();
    async fn admit(
        &self,
        conn: &mut Conn,
        principal: &Principal,
        current: &InitiativeRecord,
    ) -> ServiceResult<()> {
        let known = reference::list_regions(conn).await?;
        let flanders_wide = scope(&known, &current.regions)?;
        Ok(permissions::initiative_write(
            principal,
            Write::Delete,
            Some(&current.regions),
            None,
            flanders_wide,
        )?)
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: InitiativeRecord,
        _: Self::Admission,
    ) -> ServiceResult<Option<Initiative>> {
        let updates = store::progress_update_count(conn, current.row.id).await?;
        if updates > 0 {
            return Err(ServiceError::Conflict(format!(
                "the initiative has {updates} progress updates, which are never removed; set its status to dropped instead"
            )));
        }
        record::unreferenced(
            super::indicators::attached(
                conn,
                super::indicators::AttachedTo::Initiative(current.row.id),
            )
            .await?
            .into_iter()
            .collect(),
            "the initiative still has",
        )?;
        store::delete(conn, current.row.id).await?;
        Ok(None)
    }
}

/// Deletes an initiative at version `expected`. Steering and administrators
/// delete any; a coordinator those in their region alone. One with progress
/// updates keeps its timeline: it is refused (set it to dropped instead).
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
) -> ServiceResult<()> {
    record::remove_as::<InitiativeRecord>(conn, writer, require_initiative_writer, &id, expected)
        .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_is_unaffected_only_by_resources_the_audit_log_names() {
        for resource in super::PAGE_UNAFFECTED_BY {
            assert!(
                crate::service::audit::RESOURCES.contains(resource),
                "{resource}"
            );
        }
        for shown in [
            "plan",
            "action",
            "initiative",
            "progressUpdate",
            "organisation",
        ] {
            assert!(!super::PAGE_UNAFFECTED_BY.contains(&shown), "{shown}");
        }
    }
}
