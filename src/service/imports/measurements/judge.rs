//! One row of a measurement file, judged: read, matched and held to the
//! rules of a single write.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::Known;
use crate::auth::permissions;
use crate::domain::records::RowIssue;
use crate::domain::results::{Granularity, Measure, PlaceType};
use crate::domain::{InputIssue, Principal};
use crate::service::ServiceError;
use crate::service::imports::RowResult;
use crate::service::indicators::{Subject, rights_work};
use crate::service::measurements::rules::{self, Values};
use crate::service::measurements::{
    Held, MeasurementCreate, MeasurementRecord, PlaceInput, found_place, named_place,
};
use crate::storage::indicators::IndicatorRow;
use crate::storage::measurements::{MeasurementRow, MeasurementValues, NewMeasurement};
use crate::storage::work::WorkFacts;

mod lookup;
mod sent;

pub use lookup::{Current, indicator_of, lookups};
use lookup::{key_of, period_of};
pub use sent::{COLUMNS, Field, Sent, read};
use sent::{EXTERNAL_ID, ID, INDICATOR_ID, PERIOD, PLACE_CODE, PLACE_TYPE, VERSION, issue};

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
            external_source: input
                .external_id
                .as_ref()
                .and(ctx.principal.source_system()),
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
    let place_name = named_place(row, |kind, code| match kind {
        PlaceType::Region => ctx.regions.get(code).map(|(name, _)| name.clone()),
        PlaceType::Municipality => ctx.municipalities.get(code).map(|(name, _)| name.clone()),
        PlaceType::Flanders => None,
    });
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
            external_source: if external_id == row.external_id {
                row.external_source
            } else {
                external_id.as_ref().and(ctx.principal.source_system())
            },
            external_id,
            recorded_at,
        },
    }
}
