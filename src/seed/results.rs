//! The results part of the demo data: example GBO projects with the standard
//! indicators they report and their quarterly measurements, and indicators of
//! the example plan, some of its actions and initiatives with their
//! measurements. Made through the use cases like the rest of the seed, all
//! marked `example: true`, names starting with `Voorbeeld`.
//!
//! Running it again adds nothing: projects and indicators are found by their
//! `externalId` (`example-gbo-N`, `example-gbo-N/gbo.peopleReached`,
//! `example-indicator-N`), and measurements are recorded only for an
//! indicator this run created. Only periods that have begun are recorded,
//! so nothing lies in the future.

mod figures;
mod gbo;
mod work;

use uuid::Uuid;

use self::figures::Figure;
use super::ExamplePlan;
use crate::domain::Page;
use crate::domain::results::{Period, PlaceType, today};
use crate::service::conferences;
use crate::service::indicators::{self, Indicator, IndicatorSelection};
use crate::service::measurements::{self, Measurement, MeasurementCreate, PlaceInput};
use crate::service::{Conn, ServiceError, ServiceResult, Writer};

/// What the results part added, and the conferences it found.
#[derive(Debug, Clone, Default)]
pub struct Added {
    pub gbo_projects: usize,
    pub indicators: usize,
    pub measurements: usize,
    /// Measurements corrected after they were recorded.
    pub corrections: usize,
    /// Conferences known (reference data of the migrations, not added here).
    pub conferences: i64,
}

/// Adds the example GBO projects, the indicators and their measurements.
/// Call it inside a transaction, after the example plan.
pub(super) async fn add(
    conn: &mut Conn,
    writer: &Writer<'_>,
    example: &ExamplePlan,
) -> ServiceResult<Added> {
    let mut added = Added::default();
    gbo::add(conn, writer, example, &mut added).await?;
    work::add(conn, writer, example, &mut added).await?;
    let all = Page {
        offset: 0,
        limit: 1,
    };
    added.conferences = conferences::list(conn, None, "year", all).await?.1;
    Ok(added)
}

/// The indicator with this `externalId`, when there is one.
async fn find_indicator(conn: &mut Conn, external_id: &str) -> ServiceResult<Option<Indicator>> {
    let selection = IndicatorSelection {
        external_id: Some(external_id.to_owned()),
        ..IndicatorSelection::default()
    };
    let first = Page {
        offset: 0,
        limit: 1,
    };
    let (found, _) = indicators::list(
        conn,
        Writer::command_line().principal,
        selection,
        "code",
        first,
    )
    .await?;
    Ok(found.into_iter().next())
}

/// Records one value of an indicator for `period` (`2024`, `2024Q2`) and a
/// place (its type and code); `None`, and nothing recorded, when the period
/// has not begun yet.
async fn record(
    conn: &mut Conn,
    writer: &Writer<'_>,
    indicator_id: Uuid,
    period: String,
    place: (PlaceType, Option<&str>),
    figure: Figure,
) -> ServiceResult<Option<Measurement>> {
    let start = Period::parse(&period)
        .map_err(|e| ServiceError::Internal(format!("demo data names a bad period: {e}")))?
        .start();
    if start > today() {
        return Ok(None);
    }
    let (value, numerator, denominator, text) = match figure {
        Figure::Value(v) => (Some(v), None, None, None),
        Figure::Fraction(n, d) => (None, Some(n), Some(d), None),
        Figure::Text(t) => (None, None, None, Some(t.to_owned())),
    };
    // Sent a fortnight after the period ended.
    let ended = Period::parse(&period)
        .map_err(|e| ServiceError::Internal(format!("demo data names a bad period: {e}")))?
        .end();
    super::recorded_on(conn, ended + chrono::Days::new(14)).await?;
    let input = MeasurementCreate {
        period: Some(period),
        period_start: None,
        period_end: None,
        place: PlaceInput {
            kind: place.0,
            code: place.1.map(str::to_owned),
        },
        value,
        numerator,
        denominator,
        text,
        note: None,
        external_id: None,
        example: true,
    };
    measurements::create(conn, writer, indicator_id, input)
        .await
        .map(Some)
}
