//! The roll-up of progress: initiative → action → challenge → plan, and per
//! region. The rule itself is `domain::rollup`; here it is fed and shown.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::WorkStatus;
use crate::domain::rollup::{self, ActionInput, Basis, Sums};
use crate::service::actions;
use crate::service::plans::PlanAudience;
use crate::service::{API_BASE, Conn, ServiceError, ServiceResult, connect, corrupt};
use crate::storage::initiatives as store;
use crate::storage::{DbPool, plan, reference};

/// A rolled-up progress figure and what it was computed from.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Figure {
    /// Weighted mean progress (0-100, two decimals): `Σ(weight × progress) / Σ weight`
    /// over the counted children. Absent when nothing counts (no children,
    /// all dropped, all weights zero).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    /// Σ weight over the counted children.
    pub weight_total: f64,
    /// Children that count: not dropped, weight above zero.
    pub counted: i64,
    /// Children left out: dropped or weighted zero.
    pub excluded: i64,
}

impl From<Sums> for Figure {
    fn from(s: Sums) -> Self {
        Self {
            progress: s.progress(),
            weight_total: (s.weight_total * 1000.0).round() / 1000.0,
            counted: s.counted,
            excluded: s.excluded,
        }
    }
}

/// Where an action's rolled-up progress comes from.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum RollupBasis {
    /// The weighted mean of its counted initiatives.
    Initiatives,
    /// Its own status and progress: none of its initiatives counts.
    OwnStatus,
    /// The action is dropped and left out.
    Dropped,
}

impl RollupBasis {
    /// Its name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            RollupBasis::Initiatives => "initiatives",
            RollupBasis::OwnStatus => "ownStatus",
            RollupBasis::Dropped => "dropped",
        }
    }
}

impl From<Basis> for RollupBasis {
    fn from(b: Basis) -> Self {
        match b {
            Basis::Initiatives => RollupBasis::Initiatives,
            Basis::OwnStatus => RollupBasis::OwnStatus,
            Basis::Dropped => RollupBasis::Dropped,
        }
    }
}

/// An action in a roll-up.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActionRollup {
    /// The action.
    pub action_id: Uuid,
    /// Its code.
    pub code: String,
    /// Its status.
    pub status: WorkStatus,
    /// Its weight in the plan and its challenges.
    pub weight: f64,
    /// Rolled-up progress; absent when dropped or nothing counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    /// Where `progress` comes from.
    pub basis: RollupBasis,
    /// Its initiatives: the weighted mean over them and what counted.
    pub initiatives: Figure,
}

/// A challenge in a roll-up: the weighted mean of the actions that serve it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeRollup {
    /// The challenge.
    pub challenge_id: Uuid,
    /// Its code.
    pub code: String,
    /// The figure over its actions, by action weight.
    #[serde(flatten)]
    pub figure: Figure,
}

/// A region in a roll-up: the plan's rule run on that region's initiatives only.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegionRollup {
    /// The region.
    pub region_id: String,
    /// The figure over the actions with initiatives in the region, by action weight.
    #[serde(flatten)]
    pub figure: Figure,
}

/// Progress of a plan, rolled up initiative → action → challenge → plan, and per region.
///
/// The rule: an initiative's progress is its explicit progress, else its status
/// default (planned 0, inProgress 50, delayed 50, completed 100). A parent takes
/// the weighted mean `Σ(weight × progress) / Σ weight` over its counted children;
/// a child counts when it is not dropped and weighs more than zero. An action
/// with no counted initiative takes its own status and progress; a dropped action
/// is left out. Challenges and the plan weigh actions by action weight. Per
/// region the same rule runs on that region's initiatives only: an initiative in
/// several regions counts fully in each, and an action without initiatives in a
/// region is left out of that region. With nothing counted a progress is absent.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanProgress {
    /// The plan.
    pub plan_id: Uuid,
    /// URL of this report.
    #[serde(rename = "self")]
    pub self_link: String,
    /// When the figures were computed. A report may be shared between requests
    /// for up to 2 seconds while nothing is written; a write made through
    /// another instance of the service may show that much later.
    pub computed_at: DateTime<Utc>,
    /// The plan as a whole, over its actions.
    pub plan: Figure,
    /// Every action, by number.
    pub actions: Vec<ActionRollup>,
    /// Every challenge, by number.
    pub challenges: Vec<ChallengeRollup>,
    /// Every region.
    pub regions: Vec<RegionRollup>,
}

/// Progress of the plan `id`, or 404 when the audience may not see it. A
/// report is shared between requests while nothing is written through this
/// instance, for at most [`ROLLUP_MAX_AGE`]. It takes connections from `pool`
/// only while it reads: a request waiting for the report another computes holds none.
pub async fn plan_progress(
    pool: &DbPool,
    cache: &RollupCache,
    id: Uuid,
    audience: PlanAudience,
) -> ServiceResult<PlanProgress> {
    let mut conn = connect(pool).await?;
    if !plan::plan_visible(&mut conn, id, audience == PlanAudience::Public).await? {
        return Err(ServiceError::NotFound);
    }
    drop(conn);
    let mut reports = cache.reports.lock().await;
    let generation = cache.generation();
    if let Some(cached) = reports.get(&id)
        && cached.generation == generation
        && cached.at.elapsed() < ROLLUP_MAX_AGE
    {
        return Ok(cached.report.clone());
    }
    // Computed under the lock: concurrent requests for a stale report wait
    // for this one instead of running the same aggregation side by side.
    let report = compute(pool, id).await?;
    reports.insert(
        id,
        CachedRollup {
            at: std::time::Instant::now(),
            generation,
            report: report.clone(),
        },
    );
    Ok(report)
}

/// How long a plan's roll-up is shared between requests when nothing is
/// written through this instance; another instance's writes show after at most
/// this long.
pub const ROLLUP_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(2);

struct CachedRollup {
    at: std::time::Instant,
    generation: u64,
    report: PlanProgress,
}

/// Roll-ups computed recently, per plan. Any write request handled by this
/// instance starts a new generation, and a report of an older generation is
/// computed again.
#[derive(Default)]
pub struct RollupCache {
    generation: std::sync::atomic::AtomicU64,
    reports: tokio::sync::Mutex<HashMap<Uuid, CachedRollup>>,
}

impl RollupCache {
    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Marks every cached report as outdated.
    pub fn written(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }
}

async fn compute(pool: &DbPool, id: Uuid) -> ServiceResult<PlanProgress> {
    let mut conn = connect(pool).await?;
    let actions = plan::actions_of_plan(&mut conn, id).await?;
    let challenges = plan::challenges_of_plan(&mut conn, id).await?;
    let regions = reference::list_regions(&mut conn).await?;
    let sums = store::plan_sums(&mut conn, id).await?;
    drop(conn);
    let mut by_action = HashMap::new();
    let mut by_region = HashMap::new();
    for s in sums {
        let value = Sums {
            weighted_sum: s.weighted_sum,
            weight_total: s.weight_total,
            counted: s.counted,
            excluded: s.excluded,
        };
        match s.region_id {
            None => {
                by_action.insert(s.action_id, value);
            }
            Some(region) => {
                by_region.insert((region, s.action_id), value);
            }
        }
    }
    let inputs = actions
        .iter()
        .map(|a| {
            Ok(ActionInput {
                id: a.row.id,
                status: a.row.status.parse().map_err(corrupt)?,
                effective_progress: a.row.effective_progress,
                weight: a.row.weight,
                challenge_ids: a.challenge_ids.clone(),
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    let challenge_ids: Vec<Uuid> = challenges.iter().map(|c| c.id).collect();
    let region_ids: Vec<String> = regions.iter().map(|r| r.id.clone()).collect();
    let figures =
        rollup::plan_figures(&inputs, &challenge_ids, &by_action, &by_region, &region_ids);
    Ok(PlanProgress {
        plan_id: id,
        self_link: format!("{API_BASE}/plans/{id}/progress"),
        computed_at: Utc::now(),
        plan: figures.plan.into(),
        actions: actions
            .iter()
            .zip(&inputs)
            .zip(figures.actions)
            .map(|((a, input), f)| ActionRollup {
                action_id: a.row.id,
                code: a.row.code.clone(),
                status: input.status,
                weight: a.row.weight,
                progress: f.progress,
                basis: f.basis.into(),
                initiatives: f.initiatives.into(),
            })
            .collect(),
        challenges: challenges
            .iter()
            .zip(figures.challenges)
            .map(|(c, (_, s))| ChallengeRollup {
                challenge_id: c.id,
                code: c.code.clone(),
                figure: s.into(),
            })
            .collect(),
        regions: figures
            .regions
            .into_iter()
            .map(|(region_id, s)| RegionRollup {
                region_id,
                figure: s.into(),
            })
            .collect(),
    })
}

/// An initiative in an action's roll-up.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InitiativePart {
    /// The initiative.
    pub initiative_id: Uuid,
    /// Its code.
    pub code: String,
    /// Its status.
    pub status: WorkStatus,
    /// Its weight.
    pub weight: f64,
    /// Its progress; absent when dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<i16>,
    /// Whether it counts in the action's figure.
    pub counted: bool,
}

/// Progress of one action over its initiatives. The rule is in the `PlanProgress` schema.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActionProgress {
    /// The action.
    pub action_id: Uuid,
    /// URL of this report.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Rolled-up progress; absent when the action is dropped or nothing counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    /// Where `progress` comes from.
    pub basis: RollupBasis,
    /// The weighted mean over its initiatives and what counted.
    pub initiatives: Figure,
    /// Each initiative with its weight and progress, by code.
    pub parts: Vec<InitiativePart>,
}

/// Progress of the action `id` over its initiatives, or 404 when the audience
/// may not see its plan.
pub async fn action_progress(
    conn: &mut Conn,
    id: Uuid,
    audience: PlanAudience,
) -> ServiceResult<ActionProgress> {
    let action = actions::visible(conn, id, audience).await?;
    let parts = store::action_parts(conn, id).await?;
    let mut sums = Sums::default();
    let mut out = Vec::with_capacity(parts.len());
    for (initiative_id, code, status, weight, progress) in parts {
        let status: WorkStatus = status.parse().map_err(corrupt)?;
        let dropped = status == WorkStatus::Dropped;
        sums.add(weight, progress.map(f64::from), dropped);
        out.push(InitiativePart {
            initiative_id,
            code,
            status,
            weight,
            progress,
            counted: !dropped && weight > 0.0 && progress.is_some(),
        });
    }
    let input = ActionInput {
        id,
        status: action.row.status.parse().map_err(corrupt)?,
        effective_progress: action.row.effective_progress,
        weight: action.row.weight,
        challenge_ids: action.challenge_ids,
    };
    let figure = rollup::action_figure(&input, sums);
    Ok(ActionProgress {
        action_id: id,
        self_link: format!("{API_BASE}/actions/{id}/progress"),
        progress: figure.progress,
        basis: figure.basis.into(),
        initiatives: figure.initiatives.into(),
        parts: out,
    })
}
