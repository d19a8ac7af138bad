//! GBO projects (geïntegreerd breed onthaal): local partnerships, their
//! municipalities and their partner organisations.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{
    gbo_project_municipalities, gbo_project_partners, gbo_projects, municipalities,
};
use super::{StorageResult, escape_like};
use crate::domain::Page;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = gbo_projects)]
pub struct GboProjectRow {
    pub id: Uuid,
    pub name: String,
    pub primary_care_zone_id: Option<Uuid>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub status: String,
    pub start_date: Option<NaiveDate>,
    pub external_id: Option<String>,
    pub example: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A GBO project with its municipalities (and their regions) and partners.
#[derive(Debug, Clone)]
pub struct GboProjectRecord {
    pub row: GboProjectRow,
    /// NIS codes, sorted.
    pub municipalities: Vec<String>,
    /// The regions of its municipalities, sorted, each once.
    pub regions: Vec<String>,
    /// `(organisationId, part)`, by part and organisation.
    pub partners: Vec<(Uuid, String)>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = gbo_projects)]
pub struct NewGboProject {
    pub name: String,
    pub primary_care_zone_id: Option<Uuid>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub status: String,
    pub start_date: Option<NaiveDate>,
    pub external_id: Option<String>,
    pub external_source: Option<Uuid>,
    pub example: bool,
}

/// `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = gbo_projects)]
pub struct GboProjectChanges {
    pub name: Option<String>,
    pub primary_care_zone_id: Option<Option<Uuid>>,
    pub contact_name: Option<Option<String>>,
    pub contact_email: Option<Option<String>>,
    pub contact_phone: Option<Option<String>>,
    pub status: Option<String>,
    pub start_date: Option<Option<NaiveDate>>,
    pub external_id: Option<Option<String>>,
    pub external_source: Option<Option<Uuid>>,
}

#[derive(Debug, Default)]
pub struct GboProjectFilter {
    pub q: Option<String>,
    pub region: Vec<String>,
    pub municipality: Vec<String>,
    pub organisation: Vec<Uuid>,
    pub status: Vec<String>,
    pub primary_care_zone: Option<Uuid>,
    pub external_id: Option<String>,
    /// The source system `external_id` is looked up in: `None` any,
    /// `Some(None)` the service's own.
    pub external_source: Option<Option<Uuid>>,
}

/// The municipalities (with their regions) and partners of the projects `ids`.
async fn with_links(
    conn: &mut AsyncPgConnection,
    rows: Vec<GboProjectRow>,
) -> StorageResult<Vec<GboProjectRecord>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let places: Vec<(Uuid, String, String)> = gbo_project_municipalities::table
        .inner_join(municipalities::table)
        .filter(gbo_project_municipalities::project_id.eq_any(&ids))
        .select((
            gbo_project_municipalities::project_id,
            gbo_project_municipalities::nis_code,
            municipalities::region_id,
        ))
        .order(gbo_project_municipalities::nis_code.asc())
        .load(conn)
        .await?;
    let partners: Vec<(Uuid, Uuid, String)> = gbo_project_partners::table
        .filter(gbo_project_partners::project_id.eq_any(&ids))
        .select((
            gbo_project_partners::project_id,
            gbo_project_partners::organisation_id,
            gbo_project_partners::part,
        ))
        .order((
            gbo_project_partners::part.asc(),
            gbo_project_partners::organisation_id.asc(),
        ))
        .load(conn)
        .await?;
    let mut records: HashMap<Uuid, GboProjectRecord> = HashMap::new();
    let order = ids;
    for row in rows {
        records.insert(
            row.id,
            GboProjectRecord {
                row,
                municipalities: Vec::new(),
                regions: Vec::new(),
                partners: Vec::new(),
            },
        );
    }
    for (project, nis_code, region) in places {
        if let Some(record) = records.get_mut(&project) {
            record.municipalities.push(nis_code);
            if !record.regions.contains(&region) {
                record.regions.push(region);
            }
        }
    }
    for (project, organisation, part) in partners {
        if let Some(record) = records.get_mut(&project) {
            record.partners.push((organisation, part));
        }
    }
    Ok(order
        .iter()
        .filter_map(|id| records.remove(id))
        .map(|mut record| {
            record.regions.sort();
            record
        })
        .collect())
}

pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<GboProjectRecord> {
    let row = gbo_projects::table
        .find(id)
        .select(GboProjectRow::as_select())
        .first(conn)
        .await?;
    with_links(conn, vec![row])
        .await?
        .pop()
        .ok_or(super::StorageError::NotFound)
}

/// Locks the project for the rest of the transaction and reads it.
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<GboProjectRecord> {
    gbo_projects::table
        .find(id)
        .for_update()
        .select(gbo_projects::id)
        .first::<Uuid>(conn)
        .await?;
    get(conn, id).await
}

fn filtered(filter: &GboProjectFilter) -> gbo_projects::BoxedQuery<'_, diesel::pg::Pg> {
    let mut q = gbo_projects::table.into_boxed();
    if let Some(text) = &filter.q {
        q = q.filter(gbo_projects::name.ilike(escape_like(text)));
    }
    if !filter.region.is_empty() {
        q = q.filter(
            gbo_projects::id.eq_any(
                gbo_project_municipalities::table
                    .inner_join(municipalities::table)
                    .filter(municipalities::region_id.eq_any(&filter.region))
                    .select(gbo_project_municipalities::project_id),
            ),
        );
    }
    if !filter.municipality.is_empty() {
        q = q.filter(
            gbo_projects::id.eq_any(
                gbo_project_municipalities::table
                    .filter(gbo_project_municipalities::nis_code.eq_any(&filter.municipality))
                    .select(gbo_project_municipalities::project_id),
            ),
        );
    }
    if !filter.organisation.is_empty() {
        q = q.filter(
            gbo_projects::id.eq_any(
                gbo_project_partners::table
                    .filter(gbo_project_partners::organisation_id.eq_any(&filter.organisation))
                    .select(gbo_project_partners::project_id),
            ),
        );
    }
    if !filter.status.is_empty() {
        q = q.filter(gbo_projects::status.eq_any(&filter.status));
    }
    if let Some(zone) = filter.primary_care_zone {
        q = q.filter(gbo_projects::primary_care_zone_id.eq(zone));
    }
    if let Some(external) = &filter.external_id {
        q = q.filter(gbo_projects::external_id.eq(external));
        q = match filter.external_source {
            Some(Some(source)) => q.filter(gbo_projects::external_source.eq(source)),
            Some(None) => q.filter(gbo_projects::external_source.is_null()),
            None => q,
        };
    }
    q
}

/// A page of projects and the size of the whole filtered set.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &GboProjectFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<GboProjectRecord>, i64)> {
    let total: i64 = filtered(filter).count().get_result(conn).await?;
    if total <= page.offset {
        return Ok((Vec::new(), total));
    }
    let q = filtered(filter);
    let q = match sort {
        "-name" => q.order(gbo_projects::name.desc()),
        "createdAt" => q.order(gbo_projects::created_at.asc()),
        "-createdAt" => q.order(gbo_projects::created_at.desc()),
        "updatedAt" => q.order(gbo_projects::updated_at.asc()),
        "-updatedAt" => q.order(gbo_projects::updated_at.desc()),
        _ => q.order(gbo_projects::name.asc()),
    };
    let rows = q
        .then_order_by(gbo_projects::id.asc())
        .offset(page.offset)
        .limit(page.limit)
        .select(GboProjectRow::as_select())
        .load(conn)
        .await?;
    Ok((with_links(conn, rows).await?, total))
}

pub async fn insert(conn: &mut AsyncPgConnection, new: NewGboProject) -> StorageResult<Uuid> {
    Ok(diesel::insert_into(gbo_projects::table)
        .values(new)
        .returning(gbo_projects::id)
        .get_result(conn)
        .await?)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: GboProjectChanges,
) -> StorageResult<()> {
    diesel::update(gbo_projects::table.find(id))
        .set((
            changes,
            gbo_projects::version.eq(gbo_projects::version + 1),
            gbo_projects::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the municipalities and the partners that are given.
pub async fn set_links(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    municipalities: Option<&[String]>,
    partners: Option<&[(Uuid, String)]>,
) -> StorageResult<()> {
    if let Some(codes) = municipalities {
        diesel::delete(
            gbo_project_municipalities::table.filter(gbo_project_municipalities::project_id.eq(id)),
        )
        .execute(conn)
        .await?;
        let rows: Vec<_> = codes
            .iter()
            .map(|c| {
                (
                    gbo_project_municipalities::project_id.eq(id),
                    gbo_project_municipalities::nis_code.eq(c.as_str()),
                )
            })
            .collect();
        diesel::insert_into(gbo_project_municipalities::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    if let Some(partners) = partners {
        diesel::delete(gbo_project_partners::table.filter(gbo_project_partners::project_id.eq(id)))
            .execute(conn)
            .await?;
        let rows: Vec<_> = partners
            .iter()
            .map(|(organisation, part)| {
                (
                    gbo_project_partners::project_id.eq(id),
                    gbo_project_partners::organisation_id.eq(*organisation),
                    gbo_project_partners::part.eq(part.as_str()),
                )
            })
            .collect();
        diesel::insert_into(gbo_project_partners::table)
            .values(rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Deletes the project; its municipality and partner links go with it.
pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::delete(gbo_projects::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// A new version of the projects that name one of the municipalities
/// `nis_codes`: their regions follow their municipalities, so a municipality
/// that moves to another region changes what they show.
pub async fn touch_naming(
    conn: &mut AsyncPgConnection,
    nis_codes: &[String],
) -> StorageResult<usize> {
    Ok(diesel::update(
        gbo_projects::table.filter(
            gbo_projects::id.eq_any(
                gbo_project_municipalities::table
                    .filter(gbo_project_municipalities::nis_code.eq_any(nis_codes))
                    .select(gbo_project_municipalities::project_id),
            ),
        ),
    )
    .set((
        gbo_projects::version.eq(gbo_projects::version + 1),
        gbo_projects::updated_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await?)
}
