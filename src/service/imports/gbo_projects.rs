//! GBO projects from a file, each row through the single create or update,
//! matched by `id`, else by `externalId`. The municipalities are one cell
//! separated by `|`, the partners one cell of `organisationId=part`
//! separated by `|`, the contact three cells.

use serde_json::{Map, Value, json};

use super::each::{Found, Kind, Row, by_id, root_column, text};
use crate::domain::Principal;
use crate::domain::records::{Columns, RowIssue};
use crate::service::gbo_projects::{self, GboProject, GboProjectCreate, GboProjectPatch};
use crate::service::{Conn, ServiceResult, Writer};

/// The columns of a GBO project file: those of the projects' CSV export.
pub const COLUMNS: Columns = &[
    "id",
    "name",
    "municipalities",
    "primaryCareZoneId",
    "partners",
    "contactName",
    "contactEmail",
    "contactPhone",
    "status",
    "startDate",
    "externalId",
    "version",
];

const CONTACT: [(&str, &str); 3] = [
    ("contactName", "name"),
    ("contactEmail", "email"),
    ("contactPhone", "phone"),
];

fn partners(text: &str) -> Result<Value, RowIssue> {
    let mut list = Vec::new();
    for part in text.split('|').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((organisation, role)) = part.split_once('=') else {
            return Err(RowIssue::new(
                Some("partners"),
                "invalid",
                "must be partners as organisationId=part (localGovernment, caw, healthInsuranceFund or other), separated by |",
            )
            .with_value(text));
        };
        list.push(json!({"organisationId": organisation.trim(), "part": role.trim()}));
    }
    Ok(Value::Array(list))
}

pub struct GboProjects;

impl Kind for GboProjects {
    const COLUMNS: Columns = COLUMNS;
    const NAME: &'static str = "GBO project";
    type View = GboProject;
    type Create = GboProjectCreate;
    type Patch = GboProjectPatch;

    fn column(member: &str) -> Option<&'static str> {
        let column = match member {
            "contact" | "contact.name" => "contactName",
            "contact.email" => "contactEmail",
            "contact.phone" => "contactPhone",
            other => other,
        };
        root_column(COLUMNS, column)
    }

    fn shape(row: &mut Row) -> Result<(), RowIssue> {
        match row.remove("municipalities") {
            None => {}
            Some(Value::String(t)) => {
                let list = t.split('|').map(str::trim).filter(|m| !m.is_empty());
                row.insert("municipalities".into(), list.map(Value::from).collect());
            }
            Some(_) => {
                row.insert("municipalities".into(), json!([]));
            }
        }
        match row.remove("partners") {
            None => {}
            Some(Value::String(t)) => {
                row.insert("partners".into(), partners(&t)?);
            }
            Some(_) => {
                row.insert("partners".into(), json!([]));
            }
        }
        let mut contact = Map::new();
        for (column, member) in CONTACT {
            if let Some(value) = row.remove(column) {
                contact.insert(member.into(), value);
            }
        }
        if !contact.is_empty() {
            let cleared = contact.len() == CONTACT.len() && contact.values().all(Value::is_null);
            let value = if cleared {
                Value::Null
            } else {
                Value::Object(contact)
            };
            row.insert("contact".into(), value);
        }
        Ok(())
    }

    async fn find(
        conn: &mut Conn,
        principal: &Principal,
        row: &Row,
    ) -> ServiceResult<Found<GboProject>> {
        if let Some(found) = by_id(row, Self::NAME, async |id| {
            gbo_projects::read(conn, principal, id).await
        })
        .await?
        {
            return Ok(found);
        }
        let Some(external) = text(row, "externalId") else {
            return Ok(Found::New);
        };
        let found = gbo_projects::find_by_key(conn, principal, external).await?;
        Ok(found.map_or(Found::New, Found::Existing))
    }

    async fn create(
        conn: &mut Conn,
        writer: &Writer<'_>,
        input: GboProjectCreate,
    ) -> ServiceResult<GboProject> {
        gbo_projects::create(conn, writer, input).await
    }

    async fn update(
        conn: &mut Conn,
        writer: &Writer<'_>,
        current: &GboProject,
        patch: GboProjectPatch,
    ) -> ServiceResult<GboProject> {
        gbo_projects::update(conn, writer, current.id, Some(current.version), patch).await
    }
}
