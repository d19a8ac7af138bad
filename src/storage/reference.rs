//! Reference data: regions and the organisations principals are scoped to.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::schema::{organisations, regions};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = regions)]
pub struct RegionRow {
    pub id: String,
    pub name: String,
    pub nis_code: String,
    pub flanders_wide: bool,
    pub sort_order: i32,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn list_regions(conn: &mut AsyncPgConnection) -> StorageResult<Vec<RegionRow>> {
    Ok(regions::table
        .order((regions::sort_order.asc(), regions::id.asc()))
        .select(RegionRow::as_select())
        .load(conn)
        .await?)
}

pub async fn get_region(conn: &mut AsyncPgConnection, id: &str) -> StorageResult<RegionRow> {
    Ok(regions::table
        .find(id)
        .select(RegionRow::as_select())
        .first(conn)
        .await?)
}

pub async fn region_exists(conn: &mut AsyncPgConnection, id: &str) -> StorageResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(regions::table.find(id)))
        .get_result(conn)
        .await?)
}

pub async fn organisation_exists(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<bool> {
    Ok(
        diesel::select(diesel::dsl::exists(organisations::table.find(id)))
            .get_result(conn)
            .await?,
    )
}

/// The NIS codes among `codes` that name no known municipality.
pub async fn municipalities_missing(
    conn: &mut AsyncPgConnection,
    codes: &[String],
) -> StorageResult<Vec<String>> {
    use super::schema::municipalities;
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<String> = municipalities::table
        .filter(municipalities::nis_code.eq_any(codes))
        .select(municipalities::nis_code)
        .load(conn)
        .await?;
    Ok(codes
        .iter()
        .filter(|c| !found.contains(c))
        .cloned()
        .collect())
}

/// The regions of the given municipalities, as `(nisCode, regionId)`.
pub async fn municipality_regions(
    conn: &mut AsyncPgConnection,
    codes: &[String],
) -> StorageResult<Vec<(String, String)>> {
    use super::schema::municipalities;
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    Ok(municipalities::table
        .filter(municipalities::nis_code.eq_any(codes))
        .select((municipalities::nis_code, municipalities::region_id))
        // Held until the writer's transaction ends: a municipality cannot move
        // to another region between this check and the write that relies on it.
        .for_share()
        .load(conn)
        .await?)
}

pub async fn primary_care_zone_exists(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> StorageResult<bool> {
    use super::schema::primary_care_zones;
    Ok(
        diesel::select(diesel::dsl::exists(primary_care_zones::table.find(id)))
            .get_result(conn)
            .await?,
    )
}
