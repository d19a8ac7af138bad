//! Organisations: the partners that lead and take part in the work.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{
    action_leads, gbo_project_partners, initiative_partners, initiatives, organisations,
    service_accounts, users,
};
use super::{StorageResult, escape_like};
use crate::domain::Page;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct OrganisationRow {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub enterprise_number: Option<String>,
    pub ovo_code: Option<String>,
    pub region_id: Option<String>,
    pub municipality_nis: Option<String>,
    pub website: Option<String>,
    pub external_id: Option<String>,
    pub example: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation {
    pub name: String,
    pub kind: String,
    pub enterprise_number: Option<String>,
    pub ovo_code: Option<String>,
    pub region_id: Option<String>,
    pub municipality_nis: Option<String>,
    pub website: Option<String>,
    pub external_id: Option<String>,
    pub external_source: Option<Uuid>,
    pub example: bool,
}

/// `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = organisations)]
pub struct OrganisationChanges {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub enterprise_number: Option<Option<String>>,
    pub ovo_code: Option<Option<String>>,
    pub region_id: Option<Option<String>>,
    pub municipality_nis: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub external_id: Option<Option<String>>,
    pub external_source: Option<Option<Uuid>>,
}

#[derive(Debug, Default, Clone)]
pub struct OrganisationFilter {
    pub q: Option<String>,
    pub kind: Vec<String>,
    pub region: Vec<String>,
    pub municipality: Vec<String>,
    pub enterprise_number: Option<String>,
    pub external_id: Option<String>,
    /// The source system `external_id` is looked up in: `None` any,
    /// `Some(None)` the service's own.
    pub external_source: Option<Option<Uuid>>,
}

pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<OrganisationRow> {
    Ok(organisations::table
        .find(id)
        .select(OrganisationRow::as_select())
        .first(conn)
        .await?)
}

/// The organisation with this external id in `source` (`None`: the one people
/// set), else the one with this enterprise number (10 digits),
/// if any.
pub async fn by_key(
    conn: &mut AsyncPgConnection,
    external_id: Option<&str>,
    source: Option<Uuid>,
    enterprise_number: Option<&str>,
) -> StorageResult<Option<OrganisationRow>> {
    if let Some(external) = external_id {
        let q = organisations::table
            .filter(organisations::external_id.eq(external))
            .into_boxed();
        let q = match source {
            Some(source) => q.filter(organisations::external_source.eq(source)),
            None => q.filter(organisations::external_source.is_null()),
        };
        let found = q
            .select(OrganisationRow::as_select())
            .first(conn)
            .await
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    let Some(number) = enterprise_number else {
        return Ok(None);
    };
    Ok(organisations::table
        .filter(organisations::enterprise_number.eq(number))
        .select(OrganisationRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Reads and locks the row for the rest of the transaction.
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<OrganisationRow> {
    Ok(organisations::table
        .find(id)
        .for_update()
        .select(OrganisationRow::as_select())
        .first(conn)
        .await?)
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: NewOrganisation,
) -> StorageResult<OrganisationRow> {
    Ok(diesel::insert_into(organisations::table)
        .values(new)
        .returning(OrganisationRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: OrganisationChanges,
) -> StorageResult<OrganisationRow> {
    Ok(diesel::update(organisations::table.find(id))
        .set((
            changes,
            organisations::version.eq(organisations::version + 1),
            organisations::updated_at.eq(diesel::dsl::now),
        ))
        .returning(OrganisationRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::delete(organisations::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// What refers to an organisation, in words; empty when nothing does.
pub async fn references(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<Vec<String>> {
    let led: i64 = initiatives::table
        .filter(initiatives::lead_organisation_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let partner: i64 = initiative_partners::table
        .filter(initiative_partners::organisation_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let actions: i64 = action_leads::table
        .filter(action_leads::organisation_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let people: i64 = users::table
        .filter(users::organisation_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let accounts: i64 = service_accounts::table
        .filter(service_accounts::organisation_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let gbo: i64 = gbo_project_partners::table
        .filter(gbo_project_partners::organisation_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    Ok([
        (led, "initiatives it leads"),
        (partner, "initiatives it is a partner in"),
        (actions, "actions it leads"),
        (gbo, "GBO projects it is a partner in"),
        (people, "users"),
        (accounts, "service accounts"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect())
}

/// The ids among `ids` that name no organisation.
pub async fn missing(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> StorageResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<Uuid> = organisations::table
        .filter(organisations::id.eq_any(ids))
        .select(organisations::id)
        .load(conn)
        .await?;
    Ok(ids
        .iter()
        .filter(|id| !found.contains(id))
        .copied()
        .collect())
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &OrganisationFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<OrganisationRow>, i64)> {
    let query = || {
        let mut q = organisations::table.into_boxed();
        if let Some(text) = &filter.q {
            q = q.filter(organisations::name.ilike(escape_like(text)));
        }
        if !filter.kind.is_empty() {
            q = q.filter(organisations::kind.eq_any(filter.kind.clone()));
        }
        if !filter.region.is_empty() {
            q = q.filter(organisations::region_id.eq_any(filter.region.clone()));
        }
        if !filter.municipality.is_empty() {
            q = q.filter(organisations::municipality_nis.eq_any(filter.municipality.clone()));
        }
        if let Some(number) = &filter.enterprise_number {
            q = q.filter(organisations::enterprise_number.eq(number.clone()));
        }
        if let Some(external) = &filter.external_id {
            q = q.filter(organisations::external_id.eq(external.clone()));
            q = match filter.external_source {
                Some(Some(source)) => q.filter(organisations::external_source.eq(source)),
                Some(None) => q.filter(organisations::external_source.is_null()),
                None => q,
            };
        }
        q
    };
    let total = query().count().get_result(conn).await?;
    let mut q = query();
    q = match sort {
        "-name" => q.order(organisations::name.desc()),
        "createdAt" => q.order(organisations::created_at.asc()),
        "-createdAt" => q.order(organisations::created_at.desc()),
        "updatedAt" => q.order(organisations::updated_at.asc()),
        "-updatedAt" => q.order(organisations::updated_at.desc()),
        _ => q.order(organisations::name.asc()),
    };
    let rows = q
        .then_order_by(organisations::id.asc())
        .offset(page.offset)
        .limit(page.limit)
        .select(OrganisationRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}
