//! Organisations from a file, each row through the single create or update.
//! A row names an organisation by `id`, else by `externalId`, else by its
//! KBO enterprise number in any usual notation (dots, spaces, `BE`, the
//! leading zero a spreadsheet dropped).

use serde_json::Value;

use super::each::{Found, Kind, Row, by_id, text};
use crate::domain::records::Columns;
use crate::domain::{EnterpriseNumber, Principal};
use crate::service::organisations::{self, Organisation, OrganisationCreate, OrganisationPatch};
use crate::service::{Conn, ServiceResult, Writer};

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
