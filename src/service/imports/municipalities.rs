//! Municipalities from a file, each row through the single create or
//! update, matched by NIS code (which never changes). Administrators.

use serde_json::Value;

use super::each::{Found, Kind, Row};
use crate::domain::Principal;
use crate::domain::records::{Columns, RowIssue};
use crate::service::municipalities::{self, Municipality, MunicipalityCreate, MunicipalityPatch};
use crate::service::{Conn, ServiceError, ServiceResult, Writer};

/// The columns of a municipality file: those of the municipalities' CSV export.
pub const COLUMNS: Columns = &[
    "nisCode",
    "name",
    "nameFr",
    "provinceNisCode",
    "regionId",
    "validFrom",
    "validTo",
    "version",
];

pub struct Municipalities;

impl Kind for Municipalities {
    const COLUMNS: Columns = COLUMNS;
    const NAME: &'static str = "municipality";
    type View = Municipality;
    type Create = MunicipalityCreate;
    type Patch = MunicipalityPatch;

    async fn find(conn: &mut Conn, _: &Principal, row: &Row) -> ServiceResult<Found<Municipality>> {
        let Some(nis) = row.get("nisCode").and_then(Value::as_str) else {
            return Ok(Found::New);
        };
        match municipalities::read(conn, nis).await {
            Ok(m) => Ok(Found::Existing(m)),
            Err(ServiceError::NotFound) => Ok(Found::New),
            Err(ServiceError::Invalid(issues)) => Ok(Found::Rejected(
                RowIssue::new(
                    Some("nisCode"),
                    "invalid",
                    issues
                        .first()
                        .map_or("is not a NIS code".to_owned(), |i| i.detail.clone()),
                )
                .with_value(nis),
            )),
            Err(e) => Err(e),
        }
    }

    async fn create(
        conn: &mut Conn,
        writer: &Writer<'_>,
        input: MunicipalityCreate,
    ) -> ServiceResult<Municipality> {
        municipalities::create(conn, writer, input).await
    }

    async fn update(
        conn: &mut Conn,
        writer: &Writer<'_>,
        current: &Municipality,
        patch: MunicipalityPatch,
    ) -> ServiceResult<Municipality> {
        municipalities::update(
            conn,
            writer,
            &current.nis_code,
            Some(current.version),
            patch,
        )
        .await
    }
}
