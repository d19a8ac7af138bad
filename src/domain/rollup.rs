//! Progress roll-up: initiative → action → challenge → plan, and per region.
//!
//! The rule, as the API documents it:
//! - An initiative's progress is its explicit progress, else its status default.
//! - A parent's progress is the weighted mean `Σ(weight × progress) / Σ weight`
//!   over its counted children. A child counts when it is not `dropped` and its
//!   weight is above zero; the others are reported as `excluded`.
//! - An action with counted initiatives takes their weighted mean; an action
//!   without any (no initiatives, all dropped, all weights zero) takes its own
//!   status and progress. A dropped action is left out.
//! - A challenge and the plan take the weighted mean of their actions, by
//!   action weight. With nothing counted, a progress is absent, never a
//!   division by zero.
//! - Per region, the same rule runs on the initiatives of that region only: an
//!   initiative in several regions counts fully in each of them; an action
//!   without initiatives in the region is left out of that region's figure.

use std::collections::HashMap;

use uuid::Uuid;

use super::WorkStatus;

/// The sums of a set of children, as the database aggregates them.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Sums {
    /// Σ weight × progress over counted children.
    pub weighted_sum: f64,
    /// Σ weight over counted children.
    pub weight_total: f64,
    /// Children that count.
    pub counted: i64,
    /// Children left out: dropped or weighted zero.
    pub excluded: i64,
}

impl Sums {
    /// Adds one child.
    pub fn add(&mut self, weight: f64, progress: Option<f64>, dropped: bool) {
        match progress {
            Some(p) if !dropped && weight > 0.0 => {
                self.weighted_sum += weight * p;
                self.weight_total += weight;
                self.counted += 1;
            }
            _ => self.excluded += 1,
        }
    }

    /// The weighted mean, absent when nothing counts.
    pub fn progress(&self) -> Option<f64> {
        (self.weight_total > 0.0).then(|| round(self.weighted_sum / self.weight_total))
    }
}

fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// Where an action's progress comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The weighted mean of its initiatives.
    Initiatives,
    /// Its own status and progress: no initiative counts.
    OwnStatus,
    /// The action is dropped.
    Dropped,
}

/// An action as the roll-up needs it.
#[derive(Debug, Clone)]
pub struct ActionInput {
    pub id: Uuid,
    pub status: WorkStatus,
    pub effective_progress: Option<i16>,
    pub weight: f64,
    pub challenge_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionFigure {
    pub id: Uuid,
    pub progress: Option<f64>,
    pub basis: Basis,
    /// The sums over its initiatives.
    pub initiatives: Sums,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanFigures {
    pub plan: Sums,
    pub actions: Vec<ActionFigure>,
    pub challenges: Vec<(Uuid, Sums)>,
    pub regions: Vec<(String, Sums)>,
}

/// An action's own figure from the sums of its initiatives.
pub fn action_figure(action: &ActionInput, initiatives: Sums) -> ActionFigure {
    let (progress, basis) = if action.status == WorkStatus::Dropped {
        (None, Basis::Dropped)
    } else if let Some(p) = initiatives.progress() {
        (Some(p), Basis::Initiatives)
    } else {
        (action.effective_progress.map(f64::from), Basis::OwnStatus)
    };
    ActionFigure {
        id: action.id,
        progress,
        basis,
        initiatives,
    }
}

/// The whole plan: per action, per challenge, per region and overall.
///
/// `by_action` holds the initiative sums per action; `by_region` per region and action.
pub fn plan_figures(
    actions: &[ActionInput],
    challenge_ids: &[Uuid],
    by_action: &HashMap<Uuid, Sums>,
    by_region: &HashMap<(String, Uuid), Sums>,
    region_ids: &[String],
) -> PlanFigures {
    let figures: Vec<ActionFigure> = actions
        .iter()
        .map(|a| action_figure(a, by_action.get(&a.id).copied().unwrap_or_default()))
        .collect();
    let mut plan = Sums::default();
    let mut challenges: Vec<(Uuid, Sums)> = challenge_ids
        .iter()
        .map(|c| (*c, Sums::default()))
        .collect();
    for (action, figure) in actions.iter().zip(&figures) {
        let dropped = figure.basis == Basis::Dropped;
        plan.add(action.weight, figure.progress, dropped);
        for (challenge, sums) in &mut challenges {
            if action.challenge_ids.contains(challenge) {
                sums.add(action.weight, figure.progress, dropped);
            }
        }
    }
    let regions = region_ids
        .iter()
        .map(|region| {
            let mut sums = Sums::default();
            for action in actions {
                let Some(in_region) = by_region.get(&(region.clone(), action.id)) else {
                    continue;
                };
                if action.status == WorkStatus::Dropped {
                    sums.add(action.weight, None, true);
                } else if let Some(p) = in_region.progress() {
                    sums.add(action.weight, Some(p), false);
                }
            }
            (region.clone(), sums)
        })
        .collect();
    PlanFigures {
        plan,
        actions: figures,
        challenges,
        regions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(children: &[(f64, f64, bool)]) -> Sums {
        let mut s = Sums::default();
        for (w, p, dropped) in children {
            s.add(*w, Some(*p), *dropped);
        }
        s
    }

    fn action(weight: f64, status: WorkStatus, challenges: &[Uuid]) -> ActionInput {
        ActionInput {
            id: Uuid::new_v4(),
            status,
            effective_progress: status.default_progress(),
            weight,
            challenge_ids: challenges.to_vec(),
        }
    }

    #[test]
    fn weighted_mean_uses_the_weights() {
        let s = sums(&[(3.0, 100.0, false), (1.0, 0.0, false)]);
        assert_eq!(s.progress(), Some(75.0));
        assert_eq!(s.weight_total, 4.0);
        assert_eq!((s.counted, s.excluded), (2, 0));
    }

    #[test]
    fn no_children_and_zero_weights_give_no_progress() {
        assert_eq!(Sums::default().progress(), None);
        let zero = sums(&[(0.0, 100.0, false), (0.0, 50.0, false)]);
        assert_eq!(zero.progress(), None);
        assert_eq!((zero.counted, zero.excluded), (0, 2));
    }

    #[test]
    fn dropped_children_leave_the_mean() {
        let s = sums(&[(1.0, 20.0, false), (5.0, 100.0, true)]);
        assert_eq!(s.progress(), Some(20.0));
        assert_eq!((s.counted, s.excluded), (1, 1));
    }

    #[test]
    fn an_action_without_counted_initiatives_uses_its_own_status() {
        let a = action(1.0, WorkStatus::InProgress, &[]);
        let own = action_figure(&a, Sums::default());
        assert_eq!((own.progress, own.basis), (Some(50.0), Basis::OwnStatus));
        let zero = action_figure(&a, sums(&[(0.0, 100.0, false)]));
        assert_eq!(zero.basis, Basis::OwnStatus);
        let from_children = action_figure(&a, sums(&[(1.0, 10.0, false)]));
        assert_eq!(
            (from_children.progress, from_children.basis),
            (Some(10.0), Basis::Initiatives)
        );
        let dropped = action_figure(
            &action(1.0, WorkStatus::Dropped, &[]),
            sums(&[(1.0, 10.0, false)]),
        );
        assert_eq!((dropped.progress, dropped.basis), (None, Basis::Dropped));
    }

    #[test]
    fn plan_challenges_and_regions() {
        let c1 = Uuid::new_v4();
        let c2 = Uuid::new_v4();
        let a1 = action(2.0, WorkStatus::InProgress, &[c1]);
        let a2 = action(1.0, WorkStatus::Planned, &[c1, c2]);
        let a3 = action(4.0, WorkStatus::Dropped, &[c2]);
        let mut by_action = HashMap::new();
        by_action.insert(a1.id, sums(&[(1.0, 100.0, false), (1.0, 40.0, false)]));
        let mut by_region = HashMap::new();
        // One initiative of a1 runs in two regions and counts fully in each.
        by_region.insert(("limburg".to_owned(), a1.id), sums(&[(1.0, 100.0, false)]));
        by_region.insert(
            ("antwerpen".to_owned(), a1.id),
            sums(&[(1.0, 100.0, false), (1.0, 40.0, false)]),
        );
        let regions = [
            "antwerpen".to_owned(),
            "limburg".to_owned(),
            "brussel".to_owned(),
        ];
        let f = plan_figures(
            &[a1.clone(), a2.clone(), a3.clone()],
            &[c1, c2],
            &by_action,
            &by_region,
            &regions,
        );
        // a1 = 70 (initiatives), a2 = 0 (own status), a3 dropped.
        assert_eq!(f.actions[0].progress, Some(70.0));
        assert_eq!(f.actions[1].progress, Some(0.0));
        assert_eq!(f.actions[2].progress, None);
        // plan = (2×70 + 1×0) / 3
        assert_eq!(f.plan.progress(), Some(46.67));
        assert_eq!((f.plan.counted, f.plan.excluded), (2, 1));
        assert_eq!(f.challenges[0].1.progress(), Some(46.67));
        assert_eq!(f.challenges[1].1.progress(), Some(0.0));
        assert_eq!(f.regions[0].1.progress(), Some(70.0));
        assert_eq!(f.regions[1].1.progress(), Some(100.0));
        assert_eq!(f.regions[2].1.progress(), None);
    }
}
