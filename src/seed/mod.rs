//! The demo data set that `ssw-api seed` loads: an example plan, plainly
//! marked as such (titles start with `Voorbeeld`, records carry `example:
//! true`), never the real plan. Every record is made by the same use case a
//! request would call, as the command-line writer (audited as `system`), in
//! one transaction. Running it again adds nothing: organisations are found by
//! their `externalId`, municipalities by NIS code, the plan by its code.
//!
//! The content is fixed (no randomness, dates in fixed years), so the
//! roll-ups are the same on every machine. The results part
//! ([`results`]: GBO projects, indicators, measurements) follows the plan in
//! [`run`] and attaches to the records [`ExamplePlan`] names.

pub mod imports;
mod initiatives;
mod organisations;
mod plan;
mod practices;
mod proposals;
pub mod results;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use crate::domain::{OrganisationKind, Page};
use crate::service::actions::{self, ActionSelection};
use crate::service::challenges;
use crate::service::initiatives::{self as initiative_service, InitiativeSelection};
use crate::service::plans::{self, PlanAudience};
use crate::service::progress::{self, ProgressUpdateCreate};
use crate::service::{Conn, ServiceError, ServiceResult, Writer};

pub use organisations::ExampleOrganisation;

/// The code of the example plan.
pub const PLAN_CODE: &str = "voorbeeld-2020-2024";

/// What the example plan consists of: the ids of its records, whether this
/// run made them or found them.
#[derive(Debug, Clone, Default)]
pub struct ExamplePlan {
    /// Whether this run created the plan (`false`: it was there already and
    /// nothing of the plan was added).
    pub created: bool,
    /// The example plan.
    pub plan_id: Uuid,
    /// Its challenges by code (`U1` … `U8`).
    pub challenges: BTreeMap<String, Uuid>,
    /// Its actions by code (`A01` … `A17`).
    pub actions: BTreeMap<String, Uuid>,
    /// Its initiatives by code (`A01.1`, …).
    pub initiatives: BTreeMap<String, Uuid>,
    /// The example organisations, in the order of the data set.
    pub organisations: Vec<ExampleOrganisation>,
    /// Example organisations this run added.
    pub organisations_added: usize,
    /// Municipalities this run added (real ones, as reference data).
    pub municipalities_added: usize,
    /// Progress updates this run posted.
    pub progress_updates_added: usize,
}

impl ExamplePlan {
    /// The example organisation with this `externalId` (`example-org-7`).
    pub fn organisation(&self, external_id: &str) -> Option<Uuid> {
        self.organisations
            .iter()
            .find(|o| o.external_id == external_id)
            .map(|o| o.id)
    }

    /// The example organisations of one kind.
    pub fn organisations_of(
        &self,
        kind: OrganisationKind,
    ) -> impl Iterator<Item = &ExampleOrganisation> {
        self.organisations.iter().filter(move |o| o.kind == kind)
    }
}

/// Everything the seed made or found.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    /// The example plan and the records around it.
    pub plan: ExamplePlan,
    /// What the results part added.
    pub results: results::Added,
    /// Example practices this run added.
    pub practices: usize,
    /// Example proposals this run added.
    pub proposals: usize,
}

/// Loads the demo data set in one transaction, as the command-line writer.
pub async fn run(conn: &mut Conn) -> ServiceResult<Seeded> {
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let plan = example_plan(conn).await?;
        let results = results::add(conn, &Writer::command_line(), &plan).await?;
        crate::service::record::recorded_at(conn, None).await?;
        let practices = practices::add(conn, &Writer::command_line(), &plan).await?;
        let proposals = proposals::add(conn, &plan).await?;
        Ok(Seeded {
            plan,
            results,
            practices,
            proposals,
        })
    })
    .await
}

/// Creates the example organisations, the few municipalities they work in,
/// and the example plan with its challenges, actions, initiatives and their
/// timelines, each only when it is not there yet. Call it inside a
/// transaction ([`run`] does).
pub async fn example_plan(conn: &mut Conn) -> ServiceResult<ExamplePlan> {
    let writer = Writer::command_line();
    let mut example = ExamplePlan {
        municipalities_added: organisations::add_municipalities(conn, &writer).await?,
        ..ExamplePlan::default()
    };
    let (found, added) = organisations::add_organisations(conn, &writer).await?;
    example.organisations = found;
    example.organisations_added = added;
    match plans::by_code(conn, PLAN_CODE).await? {
        Some(existing) => {
            example.plan_id = existing.id;
            read_plan(conn, &mut example).await?;
        }
        None => {
            example.created = true;
            plan::create(conn, &writer, &mut example).await?;
            initiatives::create(conn, &writer, &mut example).await?;
        }
    }
    Ok(example)
}

/// Fills in the ids of an example plan that exists already.
async fn read_plan(conn: &mut Conn, example: &mut ExamplePlan) -> ServiceResult<()> {
    let plan_ids = [example.plan_id];
    let all = Page {
        offset: 0,
        limit: 200,
    };
    let (found, _) = challenges::list(conn, PlanAudience::SignedIn, &plan_ids, all).await?;
    example.challenges = found.into_iter().map(|c| (c.code, c.id)).collect();
    let selection = ActionSelection {
        plans: plan_ids.to_vec(),
        ..ActionSelection::default()
    };
    let (found, _) = actions::list(conn, PlanAudience::SignedIn, selection, "number", all).await?;
    example.actions = found.into_iter().map(|a| (a.code, a.id)).collect();
    let mut offset = 0;
    loop {
        let selection = InitiativeSelection {
            plans: plan_ids.to_vec(),
            ..InitiativeSelection::default()
        };
        let page = Page { offset, limit: 200 };
        let (found, total) =
            initiative_service::list(conn, PlanAudience::SignedIn, selection, "code", page).await?;
        let count = found.len() as i64;
        example
            .initiatives
            .extend(found.into_iter().map(|i| (i.code, i.id)));
        offset += count;
        if count == 0 || offset >= total {
            return Ok(());
        }
    }
}

/// One entry of a timeline in the data set.
#[derive(Debug, Clone, Copy)]
struct Update {
    date: NaiveDate,
    status: crate::domain::WorkStatus,
    progress: Option<i16>,
    narrative: &'static str,
}

impl Update {
    fn input(&self) -> ProgressUpdateCreate {
        ProgressUpdateCreate {
            date: self.date,
            status: self.status,
            progress: self.progress,
            narrative: Some(self.narrative.to_owned()),
        }
    }
}

/// Posts a timeline on an initiative or an action, oldest first.
async fn post_timeline(
    conn: &mut Conn,
    writer: &Writer<'_>,
    on: progress::Timeline,
    timeline: &[Update],
) -> ServiceResult<usize> {
    for update in timeline {
        recorded_on(conn, update.date).await?;
        match on {
            progress::Timeline::Initiative(id) => {
                progress::post_on_initiative(conn, writer, id, update.input()).await?;
            }
            progress::Timeline::Action(id) => {
                progress::post_on_action(conn, writer, id, update.input()).await?;
            }
        }
    }
    Ok(timeline.len())
}

/// The day the example plan was entered, before it started.
pub(crate) const PLAN_RECORDED: NaiveDate = day(2019, 12, 16);

/// Records what follows as written at noon (Brussels) on `day`, not before
/// the plan was entered, and now when that day is still to come: the data
/// set is entered as if over the years it tells, so that the conferences'
/// as-of snapshots show the plan as it then stood.
pub(crate) async fn recorded_on(conn: &mut Conn, day: NaiveDate) -> ServiceResult<()> {
    let at =
        crate::domain::combine::day_start(day.max(PLAN_RECORDED)) + chrono::Duration::hours(12);
    crate::service::record::recorded_at(conn, (at < chrono::Utc::now()).then_some(at)).await
}

/// A fixed day of the data set; an impossible date fails the build.
const fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("not a date"),
    }
}

/// A timeline entry.
const fn up(
    date: NaiveDate,
    status: crate::domain::WorkStatus,
    progress: Option<i16>,
    narrative: &'static str,
) -> Update {
    Update {
        date,
        status,
        progress,
        narrative,
    }
}
