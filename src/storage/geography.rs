//! Geography: the regional platforms, the municipalities (keyed by NIS code,
//! with validity dates because municipalities merge) and the primary care zones.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Array, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::reference::RegionRow;
use super::schema::{
    actions, gbo_project_municipalities, gbo_projects, initiative_municipalities,
    initiative_regions, initiatives, municipalities, organisations,
    primary_care_zone_municipalities, primary_care_zones, regions, service_accounts, users,
};
use super::{StorageResult, escape_like};
use crate::domain::Page;

mod zones;
pub use zones::*;

/// `"3 users"`, for every count that is not zero.
fn describe(counts: &[(i64, &str)]) -> Vec<String> {
    counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect()
}

// ---- regions ----

#[derive(Debug, Insertable)]
#[diesel(table_name = regions)]
pub struct NewRegion {
    pub id: String,
    pub name: String,
    pub nis_code: String,
    pub flanders_wide: bool,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = regions)]
pub struct RegionChanges {
    pub name: Option<String>,
    pub nis_code: Option<String>,
    pub flanders_wide: Option<bool>,
}

/// Reads and locks the region for the rest of the transaction.
pub async fn lock_region(conn: &mut AsyncPgConnection, id: &str) -> StorageResult<RegionRow> {
    Ok(regions::table
        .find(id)
        .for_update()
        .select(RegionRow::as_select())
        .first(conn)
        .await?)
}

/// Inserts a region after the existing ones (`sort_order` = the highest + 1).
pub async fn insert_region(
    conn: &mut AsyncPgConnection,
    new: NewRegion,
) -> StorageResult<RegionRow> {
    let highest: Option<i32> = regions::table
        .select(diesel::dsl::max(regions::sort_order))
        .first(conn)
        .await?;
    Ok(diesel::insert_into(regions::table)
        .values((new, regions::sort_order.eq(highest.unwrap_or(0) + 1)))
        .returning(RegionRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn update_region(
    conn: &mut AsyncPgConnection,
    id: &str,
    changes: RegionChanges,
) -> StorageResult<RegionRow> {
    Ok(diesel::update(regions::table.find(id))
        .set((
            changes,
            regions::version.eq(regions::version + 1),
            regions::updated_at.eq(diesel::dsl::now),
        ))
        .returning(RegionRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn delete_region(conn: &mut AsyncPgConnection, id: &str) -> StorageResult<()> {
    diesel::delete(regions::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// What refers to a region, in words; empty when nothing does.
pub async fn region_references(
    conn: &mut AsyncPgConnection,
    id: &str,
) -> StorageResult<Vec<String>> {
    let people: i64 = users::table
        .filter(users::region_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let accounts: i64 = service_accounts::table
        .filter(service_accounts::region_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let organisations: i64 = organisations::table
        .filter(organisations::region_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let municipalities: i64 = municipalities::table
        .filter(municipalities::region_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let zones: i64 = primary_care_zones::table
        .filter(primary_care_zones::region_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let initiatives: i64 = initiative_regions::table
        .filter(initiative_regions::region_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let proposals: i64 = actions::table
        .filter(actions::proposed_by_region_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    Ok(describe(&[
        (people, "users"),
        (accounts, "service accounts"),
        (organisations, "organisations"),
        (municipalities, "municipalities"),
        (zones, "primary care zones"),
        (initiatives, "initiatives"),
        (proposals, "actions it proposed"),
    ]))
}

/// The ids among `ids` that name no region.
pub async fn regions_missing(
    conn: &mut AsyncPgConnection,
    ids: &[String],
) -> StorageResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<String> = regions::table
        .filter(regions::id.eq_any(ids))
        .select(regions::id)
        .load(conn)
        .await?;
    Ok(ids
        .iter()
        .filter(|id| !found.contains(id))
        .cloned()
        .collect())
}

// ---- municipalities ----

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = municipalities)]
pub struct MunicipalityRow {
    pub nis_code: String,
    pub name: String,
    pub name_fr: Option<String>,
    pub province_nis: Option<String>,
    pub region_id: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = municipalities)]
pub struct NewMunicipality {
    pub nis_code: String,
    pub name: String,
    pub name_fr: Option<String>,
    pub province_nis: Option<String>,
    pub region_id: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl NewMunicipality {
    /// Whether `row` already holds exactly these values.
    pub fn same_as(&self, row: &MunicipalityRow) -> bool {
        self.name == row.name
            && self.name_fr == row.name_fr
            && self.province_nis == row.province_nis
            && self.region_id == row.region_id
            && self.valid_from == row.valid_from
            && self.valid_to == row.valid_to
    }

    /// The changes that make a row hold these values.
    pub fn into_changes(self) -> MunicipalityChanges {
        MunicipalityChanges {
            name: Some(self.name),
            name_fr: Some(self.name_fr),
            province_nis: Some(self.province_nis),
            region_id: Some(self.region_id),
            valid_from: Some(self.valid_from),
            valid_to: Some(self.valid_to),
        }
    }
}

/// `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = municipalities)]
pub struct MunicipalityChanges {
    pub name: Option<String>,
    pub name_fr: Option<Option<String>>,
    pub province_nis: Option<Option<String>>,
    pub region_id: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<Option<NaiveDate>>,
}

#[derive(Debug, Default, Clone)]
pub struct MunicipalityFilter {
    pub q: Option<String>,
    pub region: Vec<String>,
    pub province: Vec<String>,
    pub valid_on: Option<NaiveDate>,
}

pub async fn get_municipality(
    conn: &mut AsyncPgConnection,
    nis_code: &str,
) -> StorageResult<MunicipalityRow> {
    Ok(municipalities::table
        .find(nis_code)
        .select(MunicipalityRow::as_select())
        .first(conn)
        .await?)
}

/// Reads and locks the municipality for the rest of the transaction.
pub async fn lock_municipality(
    conn: &mut AsyncPgConnection,
    nis_code: &str,
) -> StorageResult<MunicipalityRow> {
    Ok(municipalities::table
        .find(nis_code)
        .for_update()
        .select(MunicipalityRow::as_select())
        .first(conn)
        .await?)
}

/// Reads and locks the municipalities with these NIS codes that exist.
pub async fn lock_municipalities(
    conn: &mut AsyncPgConnection,
    codes: &[String],
) -> StorageResult<Vec<MunicipalityRow>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    Ok(municipalities::table
        .filter(municipalities::nis_code.eq_any(codes))
        .order(municipalities::nis_code.asc())
        .for_update()
        .select(MunicipalityRow::as_select())
        .load(conn)
        .await?)
}

pub async fn insert_municipality(
    conn: &mut AsyncPgConnection,
    new: NewMunicipality,
) -> StorageResult<MunicipalityRow> {
    Ok(diesel::insert_into(municipalities::table)
        .values(new)
        .returning(MunicipalityRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn update_municipality(
    conn: &mut AsyncPgConnection,
    nis_code: &str,
    changes: MunicipalityChanges,
) -> StorageResult<MunicipalityRow> {
    Ok(diesel::update(municipalities::table.find(nis_code))
        .set((
            changes,
            municipalities::version.eq(municipalities::version + 1),
            municipalities::updated_at.eq(diesel::dsl::now),
        ))
        .returning(MunicipalityRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn delete_municipality(
    conn: &mut AsyncPgConnection,
    nis_code: &str,
) -> StorageResult<()> {
    diesel::delete(municipalities::table.find(nis_code))
        .execute(conn)
        .await?;
    Ok(())
}

/// The initiatives that name one of the municipalities `nis_codes` and whose
/// regions would not hold it in `region` (none of them is that region or
/// Flanders-wide), as `(nisCode, initiative code)`.
pub async fn initiatives_outside(
    conn: &mut AsyncPgConnection,
    nis_codes: &[String],
    region: &str,
) -> StorageResult<Vec<(String, String)>> {
    let holding = initiative_regions::table
        .inner_join(regions::table)
        .filter(
            initiative_regions::region_id
                .eq(region.to_owned())
                .or(regions::flanders_wide.eq(true)),
        )
        .select(initiative_regions::initiative_id);
    Ok(initiatives::table
        .inner_join(initiative_municipalities::table)
        .filter(initiative_municipalities::nis_code.eq_any(nis_codes))
        .filter(initiatives::id.ne_all(holding))
        .select((initiative_municipalities::nis_code, initiatives::code))
        .order((initiative_municipalities::nis_code, initiatives::code))
        .load(conn)
        .await?)
}

/// What refers to a municipality, in words; empty when nothing does.
pub async fn municipality_references(
    conn: &mut AsyncPgConnection,
    nis_code: &str,
) -> StorageResult<Vec<String>> {
    let organisations: i64 = organisations::table
        .filter(organisations::municipality_nis.eq(nis_code))
        .count()
        .get_result(conn)
        .await?;
    let initiatives: i64 = initiative_municipalities::table
        .filter(initiative_municipalities::nis_code.eq(nis_code))
        .count()
        .get_result(conn)
        .await?;
    let zones: i64 = primary_care_zone_municipalities::table
        .filter(primary_care_zone_municipalities::nis_code.eq(nis_code))
        .count()
        .get_result(conn)
        .await?;
    let gbo: i64 = gbo_project_municipalities::table
        .filter(gbo_project_municipalities::nis_code.eq(nis_code))
        .count()
        .get_result(conn)
        .await?;
    Ok(describe(&[
        (organisations, "organisations"),
        (initiatives, "initiatives"),
        (zones, "primary care zones"),
        (gbo, "GBO projects"),
    ]))
}

pub async fn list_municipalities(
    conn: &mut AsyncPgConnection,
    filter: &MunicipalityFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<MunicipalityRow>, i64)> {
    let query = || {
        let mut q = municipalities::table.into_boxed();
        if let Some(text) = &filter.q {
            let pattern = escape_like(text);
            q = q.filter(
                municipalities::name
                    .ilike(pattern.clone())
                    .or(municipalities::name_fr.ilike(pattern)),
            );
        }
        if !filter.region.is_empty() {
            q = q.filter(municipalities::region_id.eq_any(filter.region.clone()));
        }
        if !filter.province.is_empty() {
            q = q.filter(municipalities::province_nis.eq_any(filter.province.clone()));
        }
        if let Some(day) = filter.valid_on {
            q = q.filter(municipalities::valid_from.le(day)).filter(
                municipalities::valid_to
                    .is_null()
                    .or(municipalities::valid_to.ge(day)),
            );
        }
        q
    };
    let total = query().count().get_result(conn).await?;
    let q = match sort {
        "-nisCode" => query().order(municipalities::nis_code.desc()),
        "name" => query().order((municipalities::name.asc(), municipalities::nis_code.asc())),
        "-name" => query().order((municipalities::name.desc(), municipalities::nis_code.asc())),
        _ => query().order(municipalities::nis_code.asc()),
    };
    let rows = q
        .offset(page.offset)
        .limit(page.limit)
        .select(MunicipalityRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}
