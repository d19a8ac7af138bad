//! One row of a measurement file, judged: read, matched and held to the
//! rules of a single write.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::Known;
use crate::auth::permissions;
use crate::domain::records::{Cell, Columns, Record, RowIssue};
use crate::domain::results::{Granularity, Measure, Period, PlaceType};
use crate::domain::{InputIssue, Principal};
use crate::service::ServiceError;
use crate::service::imports::RowResult;
use crate::service::indicators::{Subject, rights_work};
use crate::service::measurements::rules::{self, Values};
use crate::service::measurements::{
    Held, MeasurementCreate, MeasurementRecord, PlaceInput, found_place, named_place,
};
use crate::storage::bulk::MeasurementKey;
use crate::storage::indicators::IndicatorRow;
use crate::storage::measurements::{MeasurementRow, MeasurementValues, NewMeasurement};
use crate::storage::work::WorkFacts;

/// The columns of a measurement file: those of the measurements' CSV export.
/// `placeName` is read and left alone (the place's code names it).
pub const COLUMNS: Columns = &[
    "id",
    "indicatorId",
    "indicatorCode",
    "period",
    "placeType",
    "placeCode",
    "placeName",
    "value",
    "numerator",
    "denominator",
    "text",
    "note",
    "externalId",
    "version",
];

const ID: usize = 0;
const INDICATOR_ID: usize = 1;
const INDICATOR_CODE: usize = 2;
const PERIOD: usize = 3;
const PLACE_TYPE: usize = 4;
const PLACE_CODE: usize = 5;
const VALUE: usize = 7;
const NUMERATOR: usize = 8;
const DENOMINATOR: usize = 9;
const TEXT: usize = 10;
const NOTE: usize = 11;
const EXTERNAL_ID: usize = 12;
const VERSION: usize = 13;

/// A cell as a row sends it: left out, emptied, or a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Field<T> {
    Absent,
    Empty,
    Value(T),
}

impl<T: Clone> Field<T> {
    /// The value this field leaves when the current one is `current`.
    fn over(&self, current: Option<T>) -> Option<T> {
        match self {
            Field::Absent => current,
            Field::Empty => None,
            Field::Value(v) => Some(v.clone()),
        }
    }

    fn sent(&self) -> Option<T> {
        self.over(None)
    }
}

/// A row as read, its cells typed.
#[derive(Debug)]
pub struct Sent {
    pub id: Option<Uuid>,
    pub indicator_id: Option<Uuid>,
    pub indicator_code: Option<String>,
    period: Option<String>,
    place_type: Option<PlaceType>,
    place_code: Option<String>,
    value: Field<f64>,
    numerator: Field<f64>,
    denominator: Field<f64>,
    text: Field<String>,
    note: Field<String>,
    external_id: Field<String>,
    version: Option<i32>,
}

fn issue(column: usize, code: &'static str, message: impl Into<String>) -> RowIssue {
    RowIssue::new(Some(COLUMNS[column]), code, message)
}

fn text_field(cell: &Cell) -> Field<String> {
    match cell {
        Cell::Absent => Field::Absent,
        Cell::Empty => Field::Empty,
        Cell::Text(t) => Field::Value(t.clone()),
    }
}

/// A number as people write it: `3.5`, or with a decimal comma, `3,5`.
fn number(column: usize, cell: &Cell, issues: &mut Vec<RowIssue>) -> Field<f64> {
    match cell {
        Cell::Absent => Field::Absent,
        Cell::Empty => Field::Empty,
        Cell::Text(t) => {
            let t = t.trim();
            let read = if t.matches(',').count() == 1 && !t.contains('.') {
                t.replace(',', ".").parse::<f64>()
            } else {
                t.parse::<f64>()
            };
            match read {
                Ok(x) if x.is_finite() => Field::Value(x),
                _ => {
                    issues.push(
                        issue(column, "notANumber", "is not a number (write 3.5 or 3,5)")
                            .with_value(t),
                    );
                    Field::Empty
                }
            }
        }
    }
}

fn uuid(column: usize, cell: &Cell, issues: &mut Vec<RowIssue>) -> Option<Uuid> {
    let text = cell.text()?.trim();
    match Uuid::parse_str(text) {
        Ok(id) => Some(id),
        Err(_) => {
            issues.push(issue(column, "invalid", "is not a UUID").with_value(text));
            None
        }
    }
}

/// Reads a record's cells; the issues of the record and of its cells.
pub fn read(record: &Record) -> Result<Sent, Vec<RowIssue>> {
    let mut issues = record.issues.clone();
    let c = &record.cells;
    let place_type = c[PLACE_TYPE].text().and_then(|t| match t.trim().parse() {
        Ok(kind) => Some(kind),
        Err(_) => {
            issues.push(
                issue(
                    PLACE_TYPE,
                    "invalid",
                    "must be flanders, region or municipality",
                )
                .with_value(t),
            );
            None
        }
    });
    let version = c[VERSION]
        .text()
        .and_then(|t| match t.trim().parse::<i32>() {
            Ok(v) if v >= 1 => Some(v),
            _ => {
                issues.push(
                    issue(VERSION, "invalid", "must be a version number (1 or more)").with_value(t),
                );
                None
            }
        });
    let sent = Sent {
        id: uuid(ID, &c[ID], &mut issues),
        indicator_id: uuid(INDICATOR_ID, &c[INDICATOR_ID], &mut issues),
        indicator_code: c[INDICATOR_CODE].text().map(|t| t.trim().to_owned()),
        period: c[PERIOD].text().map(|t| t.trim().to_owned()),
        place_type,
        place_code: c[PLACE_CODE].text().map(|t| t.trim().to_owned()),
        value: number(VALUE, &c[VALUE], &mut issues),
        numerator: number(NUMERATOR, &c[NUMERATOR], &mut issues),
        denominator: number(DENOMINATOR, &c[DENOMINATOR], &mut issues),
        text: text_field(&c[TEXT]),
        note: text_field(&c[NOTE]),
        external_id: text_field(&c[EXTERNAL_ID]),
        version,
    };
    if issues.is_empty() {
        Ok(sent)
    } else {
        Err(issues)
    }
}

/// The indicator a row names by id or code (a code that names one indicator).
pub fn indicator_of<'k>(
    sent: &Sent,
    known: &'k HashMap<Uuid, Known>,
    codes: &HashMap<String, Vec<Uuid>>,
) -> Result<&'k Known, RowIssue> {
    let by_code = match &sent.indicator_code {
        None => None,
        Some(code) => match codes.get(code).map(Vec::as_slice).unwrap_or_default() {
            [] => None,
            [one] => Some(*one),
            many if sent.indicator_id.is_none() => {
                return Err(issue(
                    INDICATOR_CODE,
                    "ambiguous",
                    format!("{} indicators have this code: give indicatorId", many.len()),
                )
                .with_value(code));
            }
            _ => None,
        },
    };
    let id = match (sent.indicator_id, by_code, &sent.indicator_code) {
        (Some(id), Some(other), _) if id != other => {
            return Err(issue(
                INDICATOR_CODE,
                "mismatch",
                "names another indicator than indicatorId",
            ));
        }
        (Some(id), _, _) => id,
        (None, Some(id), _) => id,
        (None, None, Some(code)) => {
            return Err(
                issue(INDICATOR_CODE, "notFound", "no indicator has this code").with_value(code),
            );
        }
        (None, None, None) => {
            return Err(RowIssue::new(
                Some("indicatorId"),
                "required",
                "is required (or indicatorCode): which indicator is measured",
            ));
        }
    };
    known.get(&id).ok_or_else(|| {
        issue(INDICATOR_ID, "notFound", "no indicator has this id").with_value(&id.to_string())
    })
}

/// What a batch looks up: the measurements its rows may name.
#[derive(Default)]
pub struct Wanted {
    pub ids: Vec<Uuid>,
    pub external_ids: Vec<String>,
    pub keys: Vec<MeasurementKey>,
}

/// The period a row names for an indicator reported per `granularity`.
fn period_of(sent: &Sent, granularity: Granularity) -> Option<Period> {
    Period::parse(sent.period.as_deref()?)
        .ok()
        .filter(|p| p.granularity() == granularity)
}

fn key_of(sent: &Sent, indicator: Uuid, granularity: Granularity) -> Option<MeasurementKey> {
    let period = period_of(sent, granularity)?;
    let kind = sent.place_type?;
    Some((
        indicator,
        period.start(),
        kind.as_str().to_owned(),
        sent.place_code.clone().unwrap_or_default(),
    ))
}

pub fn lookups(
    sent: &[Result<Sent, Vec<RowIssue>>],
    indicator: impl Fn(&Sent) -> Option<(Uuid, Granularity)>,
) -> Wanted {
    let mut wanted = Wanted::default();
    for s in sent.iter().flatten() {
        if let Some(id) = s.id {
            wanted.ids.push(id);
            continue;
        }
        if let Field::Value(x) = &s.external_id {
            wanted.external_ids.push(x.clone());
        }
        if let Some(key) = indicator(s).and_then(|(id, g)| key_of(s, id, g)) {
            wanted.keys.push(key);
        }
    }
    wanted
}

/// The current measurements a batch names, by id, external id and key.
pub struct Current {
    by_id: HashMap<Uuid, MeasurementRow>,
    by_external_id: HashMap<String, Uuid>,
    by_key: HashMap<MeasurementKey, Uuid>,
}

impl Current {
    pub fn new(rows: Vec<MeasurementRow>) -> Self {
        let mut current = Current {
            by_id: HashMap::with_capacity(rows.len()),
            by_external_id: HashMap::new(),
            by_key: HashMap::with_capacity(rows.len()),
        };
        for row in rows {
            if let Some(x) = &row.external_id {
                current.by_external_id.insert(x.clone(), row.id);
            }
            current.by_key.insert(
                (
                    row.indicator_id,
                    row.period_start,
                    row.place_type.clone(),
                    row.place_code.clone(),
                ),
                row.id,
            );
            current.by_id.insert(row.id, row);
        }
        current
    }
}

/// What judging a row needs.
pub struct Context<'k> {
    pub principal: &'k Principal,
    pub reporter: (Uuid, &'static str),
    pub today: NaiveDate,
    pub regions: &'k HashMap<String, (String, bool)>,
    pub municipalities: &'k HashMap<String, (String, String)>,
    pub indicator: &'k IndicatorRow,
    pub measure: Measure,
    pub granularity: Granularity,
    pub subject: Subject,
    pub facts: &'k WorkFacts,
}

impl Context<'_> {
    fn held(&self, kind: PlaceType, code: &str) -> Held {
        match kind {
            PlaceType::Flanders => Held::Flanders,
            PlaceType::Region => Held::Region(self.regions.get(code).cloned()),
            PlaceType::Municipality => Held::Municipality(self.municipalities.get(code).cloned()),
        }
    }

    fn may_write(&self, place_region: Option<&str>) -> Result<(), RowIssue> {
        permissions::measurement_write(
            self.principal,
            &rights_work(self.subject, self.facts),
            place_region,
        )
        .map_err(|_| {
            RowIssue::new(
                None,
                "forbidden",
                "you may not write measurements of this indicator for this place",
            )
        })
    }
}

/// A row's verdict.
pub enum Judged {
    Rejected(Vec<RowIssue>),
    Create {
        values: NewMeasurement,
        place_name: String,
    },
    Update {
        current: Box<MeasurementRecord>,
        values: MeasurementValues,
    },
    Unchanged(Uuid),
    Created(Uuid),
    Updated(Uuid),
}

impl Judged {
    /// The keys no other row of the file may name: the measurement, and the
    /// external id it is to have.
    pub fn keys(&self) -> Option<Vec<String>> {
        let (mut keys, external) = match self {
            Judged::Rejected(_) | Judged::Created(_) | Judged::Updated(_) => return None,
            Judged::Create { values: v, .. } => (
                vec![format!(
                    "k:{}|{}|{}|{}",
                    v.indicator_id, v.period_start, v.place_type, v.place_code
                )],
                v.external_id.as_deref(),
            ),
            Judged::Update { current, values } => (
                vec![format!("m:{}", current.row.id)],
                values.external_id.as_deref(),
            ),
            Judged::Unchanged(id) => (vec![format!("m:{id}")], None),
        };
        if let Some(x) = external {
            keys.push(format!("x:{x}"));
        }
        Some(keys)
    }

    pub fn result(self, record: u32, line: u32) -> RowResult {
        let (outcome, id, issues) = match self {
            Judged::Rejected(issues) => ("rejected", None, issues),
            Judged::Create { .. } => ("created", None, Vec::new()),
            Judged::Created(id) => ("created", Some(id), Vec::new()),
            Judged::Update { current, .. } => ("updated", Some(current.row.id), Vec::new()),
            Judged::Updated(id) => ("updated", Some(id), Vec::new()),
            Judged::Unchanged(id) => ("unchanged", Some(id), Vec::new()),
        };
        RowResult {
            record,
            line,
            outcome,
            id: id.map(|id| id.to_string()),
            issues,
        }
    }
}

/// A rule's issues as a row's: the body's field names become columns.
fn from_rules(issues: Vec<InputIssue>) -> Vec<RowIssue> {
    issues
        .into_iter()
        .map(|i| {
            let column = match i.name.as_str() {
                "place.code" => "placeCode",
                "place.type" => "placeType",
                "periodStart" | "periodEnd" => "period",
                other => COLUMNS
                    .iter()
                    .find(|c| **c == other)
                    .copied()
                    .unwrap_or("period"),
            };
            let code = if i.detail.starts_with("is required") {
                "required"
            } else {
                "invalid"
            };
            let issue = RowIssue::new(Some(column), code, i.detail);
            match i.value {
                Some(serde_json::Value::String(v)) => issue.with_value(&v),
                Some(v) if !v.is_null() => issue.with_value(&v.to_string()),
                _ => issue,
            }
        })
        .collect()
}

fn rejected(issues: Vec<InputIssue>) -> Judged {
    Judged::Rejected(from_rules(issues))
}

/// Judges a row whose indicator is known.
pub fn judge(ctx: Context<'_>, sent: &Sent, current: &Current) -> Judged {
    let target = match sent.id {
        Some(id) => match current.by_id.get(&id) {
            Some(row) => Some(row),
            None => {
                return Judged::Rejected(vec![
                    issue(
                        ID,
                        "notFound",
                        "no measurement has this id (a removed one cannot be written)",
                    )
                    .with_value(&id.to_string()),
                ]);
            }
        },
        None => match &sent.external_id {
            Field::Value(x) => current
                .by_external_id
                .get(x)
                .and_then(|id| current.by_id.get(id)),
            _ => None,
        }
        .or_else(|| {
            key_of(sent, ctx.indicator.id, ctx.granularity)
                .and_then(|k| current.by_key.get(&k))
                .and_then(|id| current.by_id.get(id))
        }),
    };
    match target {
        Some(row) => correct(&ctx, sent, row, current),
        None => create(&ctx, sent),
    }
}

fn create(ctx: &Context<'_>, sent: &Sent) -> Judged {
    let Some(kind) = sent.place_type else {
        return Judged::Rejected(vec![issue(
            PLACE_TYPE,
            "required",
            "is required for a new measurement: flanders, region or municipality",
        )]);
    };
    let input = MeasurementCreate {
        period: sent.period.clone(),
        period_start: None,
        period_end: None,
        place: PlaceInput {
            kind,
            code: sent.place_code.clone(),
        },
        value: sent.value.sent(),
        numerator: sent.numerator.sent(),
        denominator: sent.denominator.sent(),
        text: sent.text.sent(),
        note: sent.note.sent(),
        external_id: sent.external_id.sent(),
        example: false,
    };
    let mut issues = Vec::new();
    rules::check_extras(
        &mut issues,
        input.note.as_deref(),
        input.external_id.as_deref(),
    );
    issues.extend(rules::place_issues(&input.place));
    let period = rules::period(&input, ctx.granularity, ctx.today);
    if let Err(found) = &period {
        issues.extend(found.iter().cloned());
    }
    issues.extend(rules::values_issues(ctx.measure, &values_of(&input)));
    let Ok(period) = period else {
        return rejected(issues);
    };
    if !issues.is_empty() {
        return rejected(issues);
    }
    let code = input.place.code.clone().unwrap_or_default();
    let place = match found_place(ctx.held(kind, &code), &code) {
        Ok(place) => place,
        Err(ServiceError::Invalid(issues)) => return rejected(issues),
        Err(_) => return rejected(vec![InputIssue::body("place.code", "is not a known place")]),
    };
    if let Err(detail) = rules::place_in_work(
        ctx.subject.kind,
        ctx.facts,
        kind,
        &code,
        place.region.as_deref(),
    ) {
        return rejected(vec![
            InputIssue::body("place.code", detail).with_value(code.into()),
        ]);
    }
    if let Err(denied) = ctx.may_write(place.region.as_deref()) {
        return Judged::Rejected(vec![denied]);
    }
    Judged::Create {
        values: NewMeasurement {
            indicator_id: ctx.indicator.id,
            period_start: period.start(),
            period_end: period.end(),
            place_type: kind.as_str().to_owned(),
            place_code: code,
            value: input.value,
            numerator: input.numerator,
            denominator: input.denominator,
            text_value: input.text,
            note: input.note.unwrap_or_default(),
            reporter_id: ctx.reporter.0,
            reporter_kind: ctx.reporter.1.to_owned(),
            external_id: input.external_id,
            example: false,
        },
        place_name: place.name,
    }
}

fn values_of(input: &MeasurementCreate) -> Values {
    Values {
        value: input.value,
        numerator: input.numerator,
        denominator: input.denominator,
        text: input.text.clone(),
    }
}

/// A row that names an existing measurement: the same indicator, period and
/// place (those never change), values as the row leaves them.
fn correct(ctx: &Context<'_>, sent: &Sent, row: &MeasurementRow, current: &Current) -> Judged {
    let mut issues = Vec::new();
    if row.indicator_id != ctx.indicator.id {
        issues.push(issue(
            INDICATOR_ID,
            "immutable",
            "names another indicator than the measurement's: a measurement does not move; remove it and import a new one",
        ));
    }
    if let Some(text) = &sent.period
        && period_of(sent, ctx.granularity).map(|p| p.start()) != Some(row.period_start)
    {
        issues.push(
            issue(
                PERIOD,
                "immutable",
                "differs from the measurement's period, which does not change",
            )
            .with_value(text),
        );
    }
    if sent
        .place_type
        .is_some_and(|k| k.as_str() != row.place_type)
        || sent
            .place_code
            .as_ref()
            .is_some_and(|c| *c != row.place_code)
    {
        issues.push(issue(
            PLACE_CODE,
            "immutable",
            "differs from the measurement's place, which does not change",
        ));
    }
    if let Some(version) = sent.version
        && version != row.version
    {
        issues.push(
            issue(
                VERSION,
                "stale",
                format!(
                    "the measurement is at version {} now: it changed since this file was exported; export it again",
                    row.version
                ),
            )
            .with_value(&version.to_string()),
        );
    }
    let next = Values {
        value: sent.value.over(row.value),
        numerator: sent.numerator.over(row.numerator),
        denominator: sent.denominator.over(row.denominator),
        text: sent.text.over(row.text_value.clone()),
    };
    let note = sent.note.over(Some(row.note.clone())).unwrap_or_default();
    let external_id = sent.external_id.over(row.external_id.clone());
    let mut rules_found = Vec::new();
    rules::check_extras(&mut rules_found, Some(&note), external_id.as_deref());
    rules_found.extend(rules::values_issues(ctx.measure, &next));
    issues.extend(from_rules(rules_found));
    if let Some(x) = &external_id
        && current
            .by_external_id
            .get(x)
            .is_some_and(|holder| *holder != row.id)
    {
        issues.push(
            issue(
                EXTERNAL_ID,
                "taken",
                "another measurement has this externalId",
            )
            .with_value(x),
        );
    }
    let region = match row.place_type.parse::<PlaceType>() {
        Ok(PlaceType::Region) => Some(row.place_code.clone()),
        Ok(PlaceType::Municipality) => ctx
            .municipalities
            .get(&row.place_code)
            .map(|(_, r)| r.clone()),
        _ => None,
    };
    if let Err(denied) = ctx.may_write(region.as_deref()) {
        issues.push(denied);
    }
    if !issues.is_empty() {
        return Judged::Rejected(issues);
    }
    let was = Values {
        value: row.value,
        numerator: row.numerator,
        denominator: row.denominator,
        text: row.text_value.clone(),
    };
    let revalued = next != was || note != row.note;
    if !revalued && external_id == row.external_id {
        return Judged::Unchanged(row.id);
    }
    let (reporter_id, reporter_kind, recorded_at) = if revalued {
        (ctx.reporter.0, ctx.reporter.1.to_owned(), Utc::now())
    } else {
        (row.reporter_id, row.reporter_kind.clone(), row.recorded_at)
    };
    let place_name = named_place(
        row,
        |c| ctx.regions.get(c).map(|(n, _)| n.clone()),
        |c| ctx.municipalities.get(c).map(|(n, _)| n.clone()),
    );
    Judged::Update {
        current: Box::new(MeasurementRecord {
            row: row.clone(),
            place_name,
        }),
        values: MeasurementValues {
            value: next.value,
            numerator: next.numerator,
            denominator: next.denominator,
            text_value: next.text,
            note,
            reporter_id,
            reporter_kind,
            external_id,
            recorded_at,
        },
    }
}
