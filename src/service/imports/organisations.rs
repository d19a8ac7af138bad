//! Organisations from a file, each row through the single create or update.
//! A row names an organisation by `id`, else by `externalId`, else by its
//! KBO enterprise number in any usual notation (dots, spaces, `BE`, the
//! leading zero a spreadsheet dropped).

use serde_json::Value;
use uuid::Uuid;

use super::each::{Found, Kind, Row};
use crate::domain::records::{Columns, RowIssue};
use crate::domain::{EnterpriseNumber, Principal};
use crate::service::organisations::{self, Organisation, OrganisationCreate, OrganisationPatch};
use crate::service::{Conn, ServiceError, ServiceResult, Writer};

/// The columns of an organisation file: those of the organisations' CSV export.
pub const COLUMNS: Columns = &[
    "id",
    "name",
    "kind",
    "enterpriseNumber",
    "ovoCode",
    "regionId",
    "municipality",
    "website",
    "externalId",
    "version",
];

pub struct Organisations;

/// The text of a member of the row, when it has one.
pub fn text<'r>(row: &'r Row, column: &str) -> Option<&'r str> {
    row.get(column).and_then(Value::as_str)
}

/// The record a row's `id` names; an unknown or malformed id rejects the row.
pub async fn by_id<V>(
    row: &Row,
    name: &str,
    read: impl AsyncFnOnce(Uuid) -> ServiceResult<V>,
) -> ServiceResult<Option<Found<V>>> {
    let Some(id) = text(row, "id") else {
        return Ok(None);
    };
    let Ok(id) = Uuid::parse_str(id) else {
        return Ok(Some(Found::Rejected(
            RowIssue::new(
                Some("id"),
                "invalid",
                "must be a UUID (leave it empty for a new record)",
            )
            .with_value(id),
        )));
    };
    match read(id).await {
        Ok(view) => Ok(Some(Found::Existing(view))),
        Err(ServiceError::NotFound) => Ok(Some(Found::Rejected(
            RowIssue::new(
                Some("id"),
                "notFound",
                format!("no {name} has this id (leave it empty for a new record)"),
            )
            .with_value(&id.to_string()),
        ))),
        Err(e) => Err(e),
    }
}

impl Kind for Organisations {
    const COLUMNS: Columns = COLUMNS;
    const NAME: &'static str = "organisation";
    type View = Organisation;
    type Create = OrganisationCreate;
    type Patch = OrganisationPatch;

    fn value(column: &str, text: &str) -> Value {
        let text = text.trim();
        match column {
            "enterpriseNumber" => EnterpriseNumber::parse(text)
                .map_or_else(|_| text.to_owned(), |n| n.as_str().to_owned())
                .into(),
            _ => text.into(),
        }
    }

    async fn find(
        conn: &mut Conn,
        principal: &Principal,
        row: &Row,
    ) -> ServiceResult<Found<Organisation>> {
        if let Some(found) = by_id(row, Self::NAME, async |id| {
            organisations::read(conn, principal, id).await
        })
        .await?
        {
            return Ok(found);
        }
        let found = organisations::find_by_key(
            conn,
            principal,
            text(row, "externalId"),
            text(row, "enterpriseNumber"),
        )
        .await?;
        Ok(found.map_or(Found::New, Found::Existing))
    }

    async fn create(
        conn: &mut Conn,
        writer: &Writer<'_>,
        input: OrganisationCreate,
    ) -> ServiceResult<Organisation> {
        organisations::create(conn, writer, input).await
    }

    async fn update(
        conn: &mut Conn,
        writer: &Writer<'_>,
        current: &Organisation,
        patch: OrganisationPatch,
    ) -> ServiceResult<Organisation> {
        organisations::update(conn, writer, current.id, Some(current.version), patch).await
    }
}
