//! The example initiatives and their timelines. The timelines are chosen so
//! that the statuses end up mixed (completed, in progress, delayed, dropped,
//! planned) and some open work is stale: its last update is from 2025 or
//! earlier, more than 180 days before any day this data set is loaded on.

mod first;
mod second;

use chrono::NaiveDate;

use super::plan::known;
use super::{ExamplePlan, Update, post_timeline};
use crate::service::initiatives::{self, InitiativeCreate};
use crate::service::progress::Timeline;
use crate::service::{Conn, ServiceResult, Writer};

/// An initiative of the data set.
struct Work {
    /// `A07.3`: the part before the dot is the code of its action.
    code: &'static str,
    title: &'static str,
    /// `externalId` of the leading example organisation.
    lead: &'static str,
    partners: &'static [&'static str],
    regions: &'static [&'static str],
    /// NIS codes.
    municipalities: &'static [&'static str],
    weight: f64,
    start: NaiveDate,
    end: Option<NaiveDate>,
    /// Oldest first; empty for work that has not started.
    timeline: &'static [Update],
}

impl Work {
    fn action_code(&self) -> &'static str {
        self.code.split('.').next().unwrap_or(self.code)
    }
}

/// Every initiative of the data set.
fn all() -> impl Iterator<Item = &'static Work> {
    first::WORK.iter().chain(second::WORK)
}

/// Creates the initiatives under the example plan's actions, and posts their timelines.
pub(super) async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    example: &mut ExamplePlan,
) -> ServiceResult<()> {
    for work in all() {
        let action_id = known(example.actions.get(work.action_code()), work.code)?;
        let lead_organisation_id = known(example.organisation(work.lead).as_ref(), work.lead)?;
        let partner_organisation_ids = work
            .partners
            .iter()
            .map(|key| known(example.organisation(key).as_ref(), key))
            .collect::<ServiceResult<_>>()?;
        super::recorded_on(conn, work.start).await?;
        let created = initiatives::create(
            conn,
            writer,
            InitiativeCreate {
                action_id,
                code: work.code.to_owned(),
                title: work.title.to_owned(),
                description: None,
                lead_organisation_id,
                partner_organisation_ids,
                regions: work.regions.iter().map(|r| (*r).to_owned()).collect(),
                municipalities: work
                    .municipalities
                    .iter()
                    .map(|m| (*m).to_owned())
                    .collect(),
                primary_care_zone_id: None,
                status: None,
                progress: None,
                weight: Some(work.weight),
                start_date: Some(work.start),
                end_date: work.end,
                external_id: None,
                example: true,
                source: None,
            },
        )
        .await?;
        example.progress_updates_added += post_timeline(
            conn,
            writer,
            Timeline::Initiative(created.id),
            work.timeline,
        )
        .await?;
        example.initiatives.insert(created.code, created.id);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::domain::WorkStatus;

    fn last_status(work: &Work) -> WorkStatus {
        work.timeline
            .last()
            .map_or(WorkStatus::Planned, |u| u.status)
    }

    #[test]
    fn codes_are_unique_and_timelines_run_forward_from_2020() {
        let mut codes = HashSet::new();
        for work in all() {
            assert!(codes.insert(work.code), "{} twice", work.code);
            assert!(work.title.starts_with("Voorbeeld"), "{}", work.code);
            assert!(work.start.format("%Y").to_string().as_str() >= "2020");
            let dates: Vec<_> = work.timeline.iter().map(|u| u.date).collect();
            assert!(dates.windows(2).all(|w| w[0] < w[1]), "{}", work.code);
            for update in work.timeline {
                assert!(update.status.check_progress(update.progress).is_ok());
                assert!(update.date <= crate::seed::day(2026, 11, 15));
            }
        }
        assert!((40..=50).contains(&codes.len()), "{}", codes.len());
    }

    #[test]
    fn the_statuses_are_mixed() {
        for status in WorkStatus::ALL {
            assert!(
                all().filter(|w| last_status(w) == *status).count() >= 2,
                "too few {status:?}"
            );
        }
    }

    #[test]
    fn some_open_work_is_stale_whatever_today_is() {
        let stale = all()
            .filter(|w| matches!(last_status(w), WorkStatus::InProgress | WorkStatus::Delayed))
            .filter(|w| {
                w.timeline
                    .last()
                    .is_some_and(|u| u.date <= crate::seed::day(2026, 5, 31))
            })
            .count();
        assert!(stale >= 5, "{stale}");
    }
}
