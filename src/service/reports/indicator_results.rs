//! Indicator results: per indicator, per period and per place (municipality,
//! regional platform or Flanders), the value combined by the indicator's own
//! rules (`domain::combine`), its baseline and target, the progress towards
//! the target and how many of the expected places reported.

mod compute;
pub mod kept;
pub mod table;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{About, ReadAt, Reader};
use crate::domain::InputIssue;
use crate::domain::combine::{Coverage, Figure, FigureJson};
use crate::domain::results::today;
use crate::domain::results::{
    Granularity, Measure, Period, PlaceAggregation, PlaceType, TimeAggregation,
};
use crate::service::{Conn, ServiceError, ServiceResult, corrupt};
use crate::storage::indicators::IndicatorRow;
use crate::storage::report_results as store;
pub use crate::storage::report_results::IndicatorScope;
use crate::storage::reports::Moment;
use kept::Taken;
pub use kept::{Keeping, KeptResults};

/// At most this many rows in one report; narrow it with filters beyond.
pub const MAX_ROWS: usize = 1_000_000;

/// The days periods may lie between (1990 to 2100).
const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(1990, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};
const LAST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2100, 12, 31) {
    Some(day) => day,
    None => NaiveDate::MAX,
};

/// How many indicators' measurements are read at a time.
const CHUNK: usize = 50;

/// A value on a day: a baseline or a target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DatedValue {
    pub value: f64,
    pub date: NaiveDate,
}

/// One figure: an indicator's value for one period and place.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResultRow {
    /// The period (`2023`, `2023Q2`, `2023-05`).
    pub period: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub place_type: PlaceType,
    /// The NIS code or region id; empty for Flanders.
    pub place_code: String,
    pub place_name: String,
    /// The value and what it is made of. A percentage's `value` is
    /// 100 × numerator / denominator, from the summed parts.
    #[serde(serialize_with = "as_json")]
    #[schema(value_type = FigureJson)]
    pub figure: Figure,
    /// The target that applies: the first dated on or after the period's
    /// end, else the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<DatedValue>,
    /// (value − baseline) / (target − baseline); absent without a baseline
    /// or target, for text, or when the target equals the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    /// How many of the places the indicator is expected to report for (its
    /// initiative's or GBO project's municipalities, or regions) reported
    /// within this place; absent when no place is expected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
}

/// A figure as its JSON says it.
fn as_json<S: serde::Serializer>(figure: &Figure, serializer: S) -> Result<S::Ok, S::Error> {
    FigureJson::from(figure.clone()).serialize(serializer)
}

/// An indicator and its figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorResult {
    pub indicator_id: Uuid,
    pub code: String,
    pub name: String,
    /// The standard indicator it follows, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    pub measure: Measure,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub time_aggregation: TimeAggregation,
    pub place_aggregation: PlaceAggregation,
    pub cumulative: bool,
    /// The periods of its rows: the report's granularity, or the
    /// indicator's own when that is coarser.
    pub granularity: Granularity,
    /// What it is attached to: `plan`, `action`, `initiative` or `gboProject`.
    pub subject_type: String,
    pub subject_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<DatedValue>,
    /// Its figures by period, then place; a place without a figure for a
    /// period has no row (missing is not zero).
    pub rows: Vec<ResultRow>,
}

/// The indicator results report.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorResultsReport {
    #[serde(flatten)]
    pub about: About,
    pub granularity: Granularity,
    /// `municipality`, `region` or `flanders`.
    pub level: PlaceType,
    /// The first period asked for; absent: from each indicator's first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The last period asked for; absent: up to each indicator's last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The regional platform the places are limited to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// How values combine, as every figure applies it.
    pub rule: &'static str,
    pub indicators: Vec<IndicatorResult>,
}

/// How figures are made, as the report states it.
pub const RULE: &str = "Over time: sum adds the periods wholly inside (a percentage adds numerators \
and denominators apart), last takes the latest value up to the period's end (carried forward, named \
in carriedFrom), lastInPeriod the latest inside it, average weighs values by days. Over places: a \
region without its own value combines its municipalities, Flanders without its own value combines \
the regions' own values and the municipalities of the others; sum adds (percentages part by part, \
never an average of percentages), average is the mean of the places that reported. A place that did \
not report is left out, never counted as 0.";

/// What the indicator results report is asked for.
#[derive(Debug, Clone)]
pub struct ResultsQuery {
    /// The plan's id or code.
    pub plan: Option<String>,
    /// The other filters; its `plan` is set from `plan`.
    pub scope: IndicatorScope,
    pub region: Option<String>,
    pub granularity: Granularity,
    pub level: PlaceType,
    pub from: Option<Period>,
    pub to: Option<Period>,
    pub query: String,
}

/// Takes an indicator's results as the report computes them, a few
/// indicators at a time.
pub trait ResultSink: Send {
    fn take(&mut self, result: IndicatorResult) -> impl Future<Output = ServiceResult<()>> + Send;
}

impl ResultSink for Vec<IndicatorResult> {
    async fn take(&mut self, result: IndicatorResult) -> ServiceResult<()> {
        self.push(result);
        Ok(())
    }
}

/// The indicator results report, now.
pub async fn indicator_results(
    conn: &mut Conn,
    reader: Reader<'_>,
    q: ResultsQuery,
    kept: Option<&KeptResults>,
) -> ServiceResult<IndicatorResultsReport> {
    let mut indicators = Vec::new();
    let kept = kept.map(Keeping::TakeAndKeep);
    let mut report = indicator_results_to(conn, reader, q, &mut indicators, kept).await?;
    report.indicators = indicators;
    Ok(report)
}

/// The indicator results report, now, with each indicator's results handed
/// to `sink` as they are computed instead of held in the report (whose
/// `indicators` stay empty): a large report is written out as it goes. An
/// indicator's results `kept` from an earlier report are taken when nothing
/// written since can have changed them.
pub async fn indicator_results_to(
    conn: &mut Conn,
    reader: Reader<'_>,
    q: ResultsQuery,
    sink: &mut impl ResultSink,
    kept: Option<Keeping<'_>>,
) -> ServiceResult<IndicatorResultsReport> {
    reader.signed_in()?;
    if let (Some(from), Some(to)) = (&q.from, &q.to)
        && from.start() > to.end()
    {
        return Err(ServiceError::invalid(
            InputIssue::query("to", "must not come before `from`").with_value(to.id().into()),
        ));
    }
    if q.region.is_some() && q.level == PlaceType::Flanders {
        return Err(ServiceError::invalid(
            InputIssue::query(
                "level",
                "with `region`, the level is `region` or `municipality`",
            )
            .with_value("flanders".into()),
        ));
    }
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(async |conn| {
            if let Some(region) = &q.region {
                super::region(conn, region).await?;
            }
            let mut scope = q.scope.clone();
            if let Some(key) = &q.plan {
                scope.plan = Some(super::plan(conn, key, reader).await?.id);
            }
            let about = super::about(conn, "indicatorResults", &q.query, Moment::Now).await?;
            let kept = kept.map(|k| (k, &about.read_at));
            results_to(conn, &scope, &q, Moment::Now, sink, kept).await?;
            Ok(IndicatorResultsReport {
                about,
                granularity: q.granularity,
                level: q.level,
                from: q.from.map(|p| p.id()),
                to: q.to.map(|p| p.id()),
                region: q.region.clone(),
                rule: RULE,
                indicators: Vec::new(),
            })
        })
        .await
}

/// The figures of the indicators `scope` selects, from their measurements
/// as they stand now, or as recorded before a moment (and only indicators
/// created by then).
pub(crate) async fn results(
    conn: &mut Conn,
    scope: &IndicatorScope,
    q: &ResultsQuery,
    at: Moment,
    kept: Option<(&KeptResults, &ReadAt)>,
) -> ServiceResult<Vec<IndicatorResult>> {
    let mut indicators = Vec::new();
    let kept = kept.map(|(k, read_at)| (Keeping::TakeAndKeep(k), read_at));
    results_to(conn, scope, q, at, &mut indicators, kept).await?;
    Ok(indicators)
}

/// [`results`], each indicator's handed to `sink` as it is computed, or
/// taken from `kept` when nothing written since can have changed it; those
/// computed are kept with the snapshot this transaction reads.
async fn results_to(
    conn: &mut Conn,
    scope: &IndicatorScope,
    q: &ResultsQuery,
    at: Moment,
    sink: &mut impl ResultSink,
    kept: Option<(Keeping<'_>, &ReadAt)>,
) -> ServiceResult<()> {
    let mut rows = store::indicators_in(conn, scope).await?;
    if let Moment::Before(t) = at {
        rows.retain(|r| r.created_at < t);
    }
    let range = (
        q.from.map_or(FIRST_DAY, |p| p.start()),
        q.to.map_or(LAST_DAY, |p| p.end()),
    );
    let taken = match kept {
        Some((kept, read_at)) => {
            let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            Some(Taken::look_up(conn, kept, (q, at), (today(), read_at), &ids).await?)
        }
        None => None,
    };
    let mut total = 0;
    // A few indicators at a time, so that memory holds their measurements
    // only, not every measurement of the report.
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<IndicatorRow> = rows.by_ref().take(CHUNK).collect();
        let order: Vec<Uuid> = chunk.iter().map(|r| r.id).collect();
        let missing: Vec<IndicatorRow> = chunk
            .into_iter()
            .filter(|r| taken.as_ref().is_none_or(|t| t.get(r.id).is_none()))
            .collect();
        let mut computed = compute_all(conn, missing, range, at, q).await?;
        for id in order {
            let result = match (computed.remove(&id), &taken) {
                (Some(result), Some(taken)) => {
                    if let Some((_, read_at)) = kept {
                        taken.keep(&result, read_at);
                    }
                    result
                }
                (Some(result), None) => result,
                (None, taken) => taken
                    .as_ref()
                    .and_then(|t| t.get(id))
                    .map(|k| k.result.clone())
                    .ok_or_else(|| corrupt("an indicator's results went missing"))?,
            };
            total += result.rows.len();
            if total > MAX_ROWS {
                return Err(ServiceError::invalid(InputIssue::query(
                    "level",
                    format!(
                        "the report would have more than {MAX_ROWS} rows: narrow it with \
                         indicator, plan, region, from and to, or a coarser granularity"
                    ),
                )));
            }
            sink.take(result).await?;
        }
    }
    Ok(())
}

/// The results of the indicators `rows`, from their measurements.
async fn compute_all(
    conn: &mut Conn,
    rows: Vec<IndicatorRow>,
    range: (NaiveDate, NaiveDate),
    at: Moment,
    q: &ResultsQuery,
) -> ServiceResult<HashMap<Uuid, IndicatorResult>> {
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let measurements = store::measurements_of(conn, &ids, range, at).await?;
    let expected = store::expected_places(conn, &ids).await?;
    let names = compute::Names::load(conn, &measurements).await?;
    let mut by_indicator: HashMap<Uuid, Vec<store::MeasurementRow>> = HashMap::new();
    for m in measurements {
        by_indicator.entry(m.indicator_id).or_default().push(m);
    }
    let mut expected_by: HashMap<Uuid, Vec<store::ExpectedPlace>> = HashMap::new();
    for e in expected {
        expected_by.entry(e.indicator_id).or_default().push(e);
    }
    let mut computed = HashMap::with_capacity(rows.len());
    for row in rows {
        let id = row.id;
        let result = compute::indicator(
            row,
            by_indicator.remove(&id).unwrap_or_default(),
            expected_by.remove(&id).unwrap_or_default(),
            q,
            &names,
        )
        .map_err(corrupt)?;
        computed.insert(id, result);
    }
    Ok(computed)
}
