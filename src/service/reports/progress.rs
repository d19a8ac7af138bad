//! Plan progress: per challenge, action and region, the initiatives per
//! status, the weighted progress with its weights, and how many initiatives
//! have gone without an update. The as-of snapshot computes the same body
//! from the plan as it was recorded.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{About, PlanRef, Reader, Tabular};
use crate::domain::rollup::{self, ActionInput, Sums};
use crate::domain::table::{Cell, CellKind, Column, Table};
use crate::domain::{ActionOrigin, WorkStatus};
use crate::service::progress::rollup::{Figure, RollupBasis};
use crate::service::{Conn, ServiceResult, corrupt};
use crate::storage::reference;
use crate::storage::reports::{self as store, GroupRow, Moment};

/// How progress is rolled up, as each plan progress report states it.
pub const RULE: &str = "An initiative's progress is its explicit progress, else its status default \
(planned 0, inProgress 50, delayed 50, completed 100). A parent takes the weighted mean \
Σ(weight × progress) / Σ weight over its counted children; a child counts when it is not dropped and \
weighs more than zero. An action with no counted initiative takes its own status and progress; a \
dropped action is left out. Challenges, regions and the plan weigh actions by action weight; per \
region only that region's initiatives count, an initiative in several regions fully in each. With \
nothing counted a progress is absent, never 0.";

/// Initiatives per status.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusCounts {
    pub planned: i64,
    pub in_progress: i64,
    pub delayed: i64,
    pub completed: i64,
    pub dropped: i64,
    /// All of them.
    pub total: i64,
}

impl StatusCounts {
    fn add(&mut self, status: WorkStatus, n: i64) {
        match status {
            WorkStatus::Planned => self.planned += n,
            WorkStatus::InProgress => self.in_progress += n,
            WorkStatus::Delayed => self.delayed += n,
            WorkStatus::Completed => self.completed += n,
            WorkStatus::Dropped => self.dropped += n,
        }
        self.total += n;
    }

    fn add_all(&mut self, other: &StatusCounts) {
        self.planned += other.planned;
        self.in_progress += other.in_progress;
        self.delayed += other.delayed;
        self.completed += other.completed;
        self.dropped += other.dropped;
        self.total += other.total;
    }
}

/// A part of the plan: its progress over its actions, its initiatives per
/// status and how many of them are stale.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Part {
    /// Progress over the actions, weighted by action weight; `counted` and
    /// `excluded` count actions.
    pub progress: Figure,
    /// Its initiatives per status.
    pub initiatives: StatusCounts,
    /// Initiatives not completed or dropped without an update for
    /// `staleAfterDays` days.
    pub stale: i64,
}

/// A challenge: the actions that serve it, and their initiatives.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeLine {
    pub challenge_id: Uuid,
    pub code: String,
    pub title: String,
    #[serde(flatten)]
    pub part: Part,
}

/// An action and its initiatives.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActionLine {
    pub action_id: Uuid,
    pub code: String,
    pub title: String,
    /// Part of the plan as written, or an accepted regional proposal.
    pub origin: ActionOrigin,
    /// The proposal whose acceptance created it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal_id: Option<Uuid>,
    pub status: WorkStatus,
    /// Its weight in its challenges, its regions and the plan.
    pub weight: f64,
    /// Its progress; absent when dropped or when nothing counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    /// Where `progress` comes from.
    pub basis: RollupBasis,
    /// The weighted mean over its initiatives, by initiative weight, and what counted.
    pub over_initiatives: Figure,
    /// Its initiatives per status.
    pub initiatives: StatusCounts,
    /// Its stale initiatives.
    pub stale: i64,
}

/// A regional platform: the plan's rule over that region's initiatives only.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegionLine {
    pub region_id: String,
    pub name: String,
    #[serde(flatten)]
    pub part: Part,
}

/// The plan's progress, per challenge, action and region.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanProgressBody {
    pub plan: PlanRef,
    /// How progress is rolled up.
    pub rule: &'static str,
    /// The day the figures are for (Europe/Brussels), from which staleness counts.
    pub day: NaiveDate,
    /// After how many days without an update an initiative is stale.
    pub stale_after_days: i64,
    /// The whole plan.
    pub total: Part,
    /// Every challenge, by number.
    pub challenges: Vec<ChallengeLine>,
    /// Every action, by number.
    pub actions: Vec<ActionLine>,
    /// Every regional platform.
    pub regions: Vec<RegionLine>,
}

/// The plan progress report.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanProgressReport {
    #[serde(flatten)]
    pub about: About,
    #[serde(flatten)]
    pub body: PlanProgressBody,
}

/// What the plan progress report is asked for.
#[derive(Debug, Clone)]
pub struct ProgressQuery {
    /// The plan's id or code.
    pub plan: String,
    /// Days without an update after which an initiative is stale.
    pub stale_after_days: i64,
    /// The query string, for the report's `self`.
    pub query: String,
}

/// The plan progress report as the plan stands now.
pub async fn plan_progress(
    conn: &mut Conn,
    reader: Reader<'_>,
    q: ProgressQuery,
) -> ServiceResult<PlanProgressReport> {
    let day = crate::domain::results::today();
    let stale_before = super::stale_before(day, q.stale_after_days, "staleAfterDays")?;
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(async |conn| {
            let plan = super::plan(conn, &q.plan, reader).await?;
            let about = super::about(conn, "planProgress", &q.query, Moment::Now).await?;
            let body = body(
                conn,
                plan,
                Moment::Now,
                day,
                q.stale_after_days,
                stale_before,
            )
            .await?;
            Ok(PlanProgressReport { about, body })
        })
        .await
}

/// The figures of `plan` at `at`, with staleness counted on `day`.
pub(crate) async fn body(
    conn: &mut Conn,
    plan: PlanRef,
    at: Moment,
    day: NaiveDate,
    stale_after_days: i64,
    stale_before: NaiveDate,
) -> ServiceResult<PlanProgressBody> {
    let challenges = store::challenges(conn, plan.id, at).await?;
    let actions = store::actions(conn, plan.id, at).await?;
    let regions = reference::list_regions(conn).await?;
    let groups = store::groups(conn, plan.id, at, stale_before).await?;
    let tally = Tally::of(&groups)?;
    let inputs = actions
        .iter()
        .map(|a| {
            Ok(ActionInput {
                id: a.id,
                status: a.status.parse().map_err(corrupt)?,
                effective_progress: a.effective_progress,
                weight: a.weight,
                challenge_ids: a.challenge_ids.clone(),
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    let challenge_ids: Vec<Uuid> = challenges.iter().map(|c| c.id).collect();
    let region_ids: Vec<String> = regions.iter().map(|r| r.id.clone()).collect();
    let figures = rollup::plan_figures(
        &inputs,
        &challenge_ids,
        &tally.sums,
        &tally.region_sums,
        &region_ids,
    );
    let empty = (StatusCounts::default(), 0);
    let action_counts = |id: &Uuid| tally.counts.get(id).unwrap_or(&empty);
    let mut total = (StatusCounts::default(), 0);
    for input in &inputs {
        let (counts, stale) = action_counts(&input.id);
        total.0.add_all(counts);
        total.1 += stale;
    }
    let action_lines = actions
        .iter()
        .zip(&inputs)
        .zip(figures.actions)
        .map(|((a, input), f)| {
            let (counts, stale) = action_counts(&a.id);
            Ok(ActionLine {
                action_id: a.id,
                code: a.code.clone(),
                title: a.title.clone(),
                origin: a.origin.parse().map_err(corrupt)?,
                proposal_id: a.proposal_id,
                status: input.status,
                weight: a.weight,
                progress: f.progress,
                basis: f.basis.into(),
                over_initiatives: f.initiatives.into(),
                initiatives: counts.clone(),
                stale: *stale,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    let challenge_lines = challenges
        .iter()
        .zip(figures.challenges)
        .map(|(c, (_, sums))| {
            let mut counts = StatusCounts::default();
            let mut stale = 0;
            for input in inputs.iter().filter(|a| a.challenge_ids.contains(&c.id)) {
                let (n, s) = action_counts(&input.id);
                counts.add_all(n);
                stale += s;
            }
            ChallengeLine {
                challenge_id: c.id,
                code: c.code.clone(),
                title: c.title.clone(),
                part: part(sums, counts, stale),
            }
        })
        .collect();
    let region_lines = regions
        .iter()
        .zip(figures.regions)
        .map(|(r, (_, sums))| {
            let (counts, stale) = tally.region_counts.get(&r.id).cloned().unwrap_or_default();
            RegionLine {
                region_id: r.id.clone(),
                name: r.name.clone(),
                part: part(sums, counts, stale),
            }
        })
        .collect();
    Ok(PlanProgressBody {
        plan,
        rule: RULE,
        day,
        stale_after_days,
        total: part(figures.plan, total.0, total.1),
        challenges: challenge_lines,
        actions: action_lines,
        regions: region_lines,
    })
}

fn part(sums: Sums, initiatives: StatusCounts, stale: i64) -> Part {
    Part {
        progress: sums.into(),
        initiatives,
        stale,
    }
}

/// The groups added up per action, per region and action, and per region.
#[derive(Default)]
struct Tally {
    sums: HashMap<Uuid, Sums>,
    region_sums: HashMap<(String, Uuid), Sums>,
    counts: HashMap<Uuid, (StatusCounts, i64)>,
    region_counts: HashMap<String, (StatusCounts, i64)>,
}

impl Tally {
    fn of(groups: &[GroupRow]) -> ServiceResult<Tally> {
        let mut t = Tally::default();
        for g in groups {
            let status: WorkStatus = g.status.parse().map_err(corrupt)?;
            let sums = match &g.region_id {
                None => {
                    let (counts, stale) = t.counts.entry(g.action_id).or_default();
                    counts.add(status, g.initiatives);
                    *stale += g.stale;
                    t.sums.entry(g.action_id).or_default()
                }
                Some(region) => {
                    let (counts, stale) = t.region_counts.entry(region.clone()).or_default();
                    counts.add(status, g.initiatives);
                    *stale += g.stale;
                    t.region_sums
                        .entry((region.clone(), g.action_id))
                        .or_default()
                }
            };
            sums.weighted_sum += g.weighted_sum;
            sums.weight_total += g.weight_total;
            sums.counted += g.counted;
            sums.excluded += g.excluded;
        }
        Ok(t)
    }
}

/// The columns of a progress table: one row per plan, challenge, action and region.
pub fn columns() -> Vec<Column> {
    use CellKind::*;
    vec![
        Column::new("level", "Level", Text),
        Column::new("id", "Id", Text),
        Column::new("code", "Code", Text),
        Column::new("title", "Title", Text),
        Column::new("status", "Status", Text),
        Column::new("weight", "Weight", Number),
        Column::new("progress", "Progress (%)", Number),
        Column::new("basis", "Basis", Text),
        Column::new("weightTotal", "Weight total", Number),
        Column::new("counted", "Counted", Integer),
        Column::new("excluded", "Excluded", Integer),
        Column::new("planned", "Planned", Integer),
        Column::new("inProgress", "In progress", Integer),
        Column::new("delayed", "Delayed", Integer),
        Column::new("completed", "Completed", Integer),
        Column::new("dropped", "Dropped", Integer),
        Column::new("initiatives", "Initiatives", Integer),
        Column::new("stale", "Stale", Integer),
        Column::new("origin", "Origin", Text),
    ]
}

fn counts_cells(c: &StatusCounts, stale: i64) -> [Cell; 7] {
    [
        Cell::Integer(c.planned),
        Cell::Integer(c.in_progress),
        Cell::Integer(c.delayed),
        Cell::Integer(c.completed),
        Cell::Integer(c.dropped),
        Cell::Integer(c.total),
        Cell::Integer(stale),
    ]
}

fn figure_cells(f: &Figure) -> [Cell; 3] {
    [
        Cell::number(f.weight_total),
        Cell::Integer(f.counted),
        Cell::Integer(f.excluded),
    ]
}

fn part_row(level: &str, id: String, code: &str, title: &str, p: &Part) -> Vec<Cell> {
    let mut row = vec![
        Cell::text(level),
        Cell::Text(id),
        Cell::text(code),
        Cell::text(title),
        Cell::Empty,
        Cell::Empty,
        Cell::maybe(p.progress.progress),
        Cell::Empty,
    ];
    row.extend(figure_cells(&p.progress));
    row.extend(counts_cells(&p.initiatives, p.stale));
    row.push(Cell::Empty);
    row
}

impl PlanProgressBody {
    /// The rows of this body, appended to `table`.
    pub fn rows(&self, table: &mut Table) {
        let plan = &self.plan;
        let mut rows = vec![part_row(
            "plan",
            plan.id.to_string(),
            &plan.code,
            &plan.title,
            &self.total,
        )];
        for c in &self.challenges {
            rows.push(part_row(
                "challenge",
                c.challenge_id.to_string(),
                &c.code,
                &c.title,
                &c.part,
            ));
        }
        for a in &self.actions {
            let mut row = vec![
                Cell::text("action"),
                Cell::Text(a.action_id.to_string()),
                Cell::text(&a.code),
                Cell::text(&a.title),
                Cell::text(a.status.as_str()),
                Cell::number(a.weight),
                Cell::maybe(a.progress),
                Cell::text(a.basis.as_str()),
            ];
            row.extend(figure_cells(&a.over_initiatives));
            row.extend(counts_cells(&a.initiatives, a.stale));
            row.push(Cell::text(a.origin.as_str()));
            rows.push(row);
        }
        for r in &self.regions {
            rows.push(part_row(
                "region",
                r.region_id.clone(),
                &r.region_id,
                &r.name,
                &r.part,
            ));
        }
        for row in rows {
            // Every row is built with the columns' width and kinds.
            let _ = table.push(row);
        }
    }
}

impl Tabular for PlanProgressReport {
    fn about(&self) -> &crate::service::reports::About {
        &self.about
    }

    fn name(&self) -> &'static str {
        "planProgress"
    }

    fn table(&self) -> Table {
        let mut table = Table::new(columns());
        self.body.rows(&mut table);
        table
    }
}
