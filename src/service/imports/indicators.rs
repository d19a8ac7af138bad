//! Indicators from a file, each row through the single create or update. A
//! row names an indicator by `id`, else by `externalId`, else by its code on
//! its subject (`subjectType` and `subjectId`). The baseline is two columns,
//! `baselineValue` and `baselineDate`; the targets one, `targets`, as
//! `2025-12-31=120 | 2026-12-31=150`.

use serde_json::{Value, json};
use uuid::Uuid;

use super::each::{Found, Kind, Row, boolean, by_id, decimal, root_column, text};
use crate::domain::Principal;
use crate::domain::records::{Columns, RowIssue};
use crate::domain::results::SubjectType;
use crate::service::indicators::{
    self, Indicator, IndicatorCreate, IndicatorPatch, Subject, ValueAtDate,
};
use crate::service::{Conn, ServiceResult, Writer};

/// The columns of an indicator file: those of the indicators' CSV export.
pub const COLUMNS: Columns = &[
    "id",
    "code",
    "name",
    "description",
    "subjectType",
    "subjectId",
    "measure",
    "unit",
    "direction",
    "timeAggregation",
    "placeAggregation",
    "cumulative",
    "granularity",
    "baselineValue",
    "baselineDate",
    "targets",
    "standard",
    "externalId",
    "version",
];

/// How the targets are written in one cell.
pub fn targets_cell(targets: &[ValueAtDate]) -> String {
    targets
        .iter()
        .map(|t| format!("{}={}", t.date, t.value))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn targets(text: &str) -> Result<Value, RowIssue> {
    let mut list = Vec::new();
    for part in text.split('|').map(str::trim).filter(|p| !p.is_empty()) {
        let read = part
            .split_once('=')
            .and_then(|(date, value)| Some((date.trim(), decimal(value)?)));
        let Some((date, value)) = read else {
            return Err(RowIssue::new(
                Some("targets"),
                "invalid",
                "must be targets as date=value, separated by |, as in 2025-12-31=120 | 2026-12-31=150",
            )
            .with_value(text));
        };
        list.push(json!({"date": date, "value": value}));
    }
    Ok(Value::Array(list))
}

pub struct Indicators;

impl Kind for Indicators {
    const COLUMNS: Columns = COLUMNS;
    const NAME: &'static str = "indicator";
    type View = Indicator;
    type Create = IndicatorCreate;
    type Patch = IndicatorPatch;

    fn column(member: &str) -> Option<&'static str> {
        let column = match member {
            "subject" | "subject.type" => "subjectType",
            "subject.id" => "subjectId",
            "baseline" | "baseline.value" => "baselineValue",
            "baseline.date" => "baselineDate",
            other => other,
        };
        root_column(COLUMNS, column)
    }

    fn shape(row: &mut Row) -> Result<(), RowIssue> {
        if let Some(Value::String(t)) = row.get("cumulative")
            && let Some(b) = boolean(t)
        {
            row.insert("cumulative".into(), b.into());
        }
        if row.get("description") == Some(&Value::Null) {
            row.insert("description".into(), "".into());
        }
        match row.remove("targets") {
            None => {}
            Some(Value::String(t)) => {
                row.insert("targets".into(), targets(&t)?);
            }
            Some(_) => {
                row.insert("targets".into(), json!([]));
            }
        }
        let both = |a: &str, b: &str| {
            RowIssue::new(
                Some(a),
                "required",
                format!("{a} and {b} go together: give both, or leave both empty"),
            )
        };
        match (row.remove("baselineValue"), row.remove("baselineDate")) {
            (None, None) => {}
            (Some(Value::Null), Some(Value::Null)) => {
                row.insert("baseline".into(), Value::Null);
            }
            (Some(Value::String(v)), Some(Value::String(d))) => {
                let Some(value) = decimal(&v) else {
                    return Err(RowIssue::new(
                        Some("baselineValue"),
                        "notANumber",
                        "must be a number",
                    )
                    .with_value(&v));
                };
                row.insert("baseline".into(), json!({"value": value, "date": d}));
            }
            (Some(_), _) => return Err(both("baselineDate", "baselineValue")),
            (None, _) => return Err(both("baselineValue", "baselineDate")),
        }
        match (row.remove("subjectType"), row.remove("subjectId")) {
            (None, None) => {}
            (Some(Value::String(kind)), Some(Value::String(id))) => {
                row.insert("subject".into(), json!({"type": kind, "id": id}));
            }
            _ => {
                return Err(RowIssue::new(
                    Some("subjectType"),
                    "required",
                    "subjectType (plan, action, initiative or gboProject) and subjectId name what the indicator is for: give both",
                ));
            }
        }
        Ok(())
    }

    async fn find(
        conn: &mut Conn,
        principal: &Principal,
        row: &Row,
    ) -> ServiceResult<Found<Indicator>> {
        if let Some(found) = by_id(row, Self::NAME, async |id| {
            indicators::read(conn, principal, id).await
        })
        .await?
        {
            return Ok(found);
        }
        let subject = row.get("subject").and_then(|s| {
            let kind = s.get("type")?.as_str()?.parse::<SubjectType>().ok()?;
            let id = Uuid::parse_str(s.get("id")?.as_str()?).ok()?;
            Some(Subject { kind, id })
        });
        let code = subject.zip(text(row, "code"));
        let found = indicators::find_by_key(conn, principal, text(row, "externalId"), code).await?;
        Ok(found.map_or(Found::New, Found::Existing))
    }

    async fn create(
        conn: &mut Conn,
        writer: &Writer<'_>,
        input: IndicatorCreate,
    ) -> ServiceResult<Indicator> {
        indicators::create(conn, writer, input).await
    }

    async fn update(
        conn: &mut Conn,
        writer: &Writer<'_>,
        current: &Indicator,
        patch: IndicatorPatch,
    ) -> ServiceResult<Indicator> {
        indicators::update(conn, writer, current.id, Some(current.version), patch).await
    }
}
