//! Initiatives from a file, each row through the single create or update. A
//! row names an initiative by `id`, else by `externalId`, else by its code in
//! the plan of its action. Lists (partners, regions, municipalities) are one
//! cell each, separated by `|`. Status and progress are given when an
//! initiative is new; later they change by progress updates.

use serde_json::Value;
use uuid::Uuid;

use super::each::{Found, Kind, Row, by_id, decimal, text};
use crate::domain::Principal;
use crate::domain::records::{Columns, RowIssue};
use crate::service::initiatives::{self, Initiative, InitiativeCreate, InitiativePatch};
use crate::service::plans::PlanAudience;
use crate::service::{Conn, ServiceResult, Writer};

/// The columns of an initiative file: those of the initiatives' CSV export.
pub const COLUMNS: Columns = &[
    "id",
    "actionId",
    "code",
    "title",
    "description",
    "leadOrganisationId",
    "partnerOrganisationIds",
    "regions",
    "municipalities",
    "primaryCareZoneId",
    "status",
    "progress",
    "weight",
    "startDate",
    "endDate",
    "externalId",
    "version",
];

/// Columns that hold a list, one cell each.
const LISTS: [&str; 3] = ["partnerOrganisationIds", "regions", "municipalities"];

pub struct Initiatives;

impl Kind for Initiatives {
    const COLUMNS: Columns = COLUMNS;
    const NAME: &'static str = "initiative";
    type View = Initiative;
    type Create = InitiativeCreate;
    type Patch = InitiativePatch;

    fn value(column: &str, text: &str) -> Value {
        let text = text.trim();
        match column {
            c if LISTS.contains(&c) => Value::Array(
                text.split('|')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(Value::from)
                    .collect(),
            ),
            "weight" => decimal(text).map_or_else(|| text.into(), Value::from),
            "progress" => text
                .parse::<i64>()
                .map_or_else(|_| text.into(), Value::from),
            _ => text.into(),
        }
    }

    fn shape(row: &mut Row) -> Result<(), RowIssue> {
        for list in LISTS {
            if row.get(list) == Some(&Value::Null) {
                row.insert(list.into(), Value::Array(Vec::new()));
            }
        }
        if row.get("description") == Some(&Value::Null) {
            row.insert("description".into(), "".into());
        }
        Ok(())
    }

    async fn find(
        conn: &mut Conn,
        principal: &Principal,
        row: &Row,
    ) -> ServiceResult<Found<Initiative>> {
        if let Some(found) = by_id(row, Self::NAME, async |id| {
            initiatives::read(conn, id, PlanAudience::SignedIn).await
        })
        .await?
        {
            return Ok(found);
        }
        let action = text(row, "actionId").and_then(|a| Uuid::parse_str(a).ok());
        let code = action.zip(text(row, "code"));
        let found =
            initiatives::find_by_key(conn, principal, text(row, "externalId"), code).await?;
        Ok(found.map_or(Found::New, Found::Existing))
    }

    async fn create(
        conn: &mut Conn,
        writer: &Writer<'_>,
        input: InitiativeCreate,
    ) -> ServiceResult<Initiative> {
        initiatives::create(conn, writer, input).await
    }

    async fn update(
        conn: &mut Conn,
        writer: &Writer<'_>,
        current: &Initiative,
        patch: InitiativePatch,
    ) -> ServiceResult<Initiative> {
        initiatives::update(conn, writer, current.id, Some(current.version), patch).await
    }
}
