//! What a batch of measurement rows names: their indicators, and the
//! current measurements they may name, looked up for the whole batch.

use std::collections::HashMap;

use uuid::Uuid;

use super::sent::{INDICATOR_CODE, INDICATOR_ID, issue};
use super::{Field, Known, Sent};
use crate::domain::records::RowIssue;
use crate::domain::results::{Granularity, Period};
use crate::storage::bulk::MeasurementKey;
use crate::storage::measurements::MeasurementRow;

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
pub(super) fn period_of(sent: &Sent, granularity: Granularity) -> Option<Period> {
    Period::parse(sent.period.as_deref()?)
        .ok()
        .filter(|p| p.granularity() == granularity)
}

pub(super) fn key_of(
    sent: &Sent,
    indicator: Uuid,
    granularity: Granularity,
) -> Option<MeasurementKey> {
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
    pub(super) by_id: HashMap<Uuid, MeasurementRow>,
    pub(super) by_external_id: HashMap<String, Uuid>,
    pub(super) by_key: HashMap<MeasurementKey, Uuid>,
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
