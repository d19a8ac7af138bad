//! What results are attached to and reported for: the work an indicator
//! measures (its regions and the organisations that answer for it), and the
//! places a measurement is for.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::schema::{
    actions, gbo_project_municipalities, gbo_project_partners, gbo_projects, initiative_regions,
    initiatives, municipalities, plans, regions,
};

/// The work an indicator measures, as far as rights and places go.
#[derive(Debug, Clone, Default)]
pub struct WorkFacts {
    /// An initiative's regions; a GBO project's regions (of its municipalities).
    pub regions: Vec<String>,
    /// An initiative's lead; a GBO project's partners.
    pub organisations: Vec<Uuid>,
    /// A GBO project's municipalities.
    pub municipalities: Vec<String>,
    /// Whether an initiative is Flanders-wide.
    pub flanders_wide: bool,
}

pub async fn plan_exists(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(plans::table.find(id)))
        .get_result(conn)
        .await?)
}

pub async fn action_exists(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(actions::table.find(id)))
        .get_result(conn)
        .await?)
}

/// An initiative's regions and lead; `None` when there is no such initiative.
pub async fn initiative(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> StorageResult<Option<WorkFacts>> {
    let Some(lead) = initiatives::table
        .find(id)
        .select(initiatives::lead_organisation_id)
        .first::<Uuid>(conn)
        .await
        .optional()?
    else {
        return Ok(None);
    };
    let found: Vec<(String, bool)> = initiative_regions::table
        .inner_join(regions::table)
        .filter(initiative_regions::initiative_id.eq(id))
        .select((regions::id, regions::flanders_wide))
        .order(regions::id.asc())
        .load(conn)
        .await?;
    Ok(Some(WorkFacts {
        flanders_wide: found.iter().any(|(_, wide)| *wide),
        regions: found.into_iter().map(|(r, _)| r).collect(),
        organisations: vec![lead],
        municipalities: Vec::new(),
    }))
}

/// A GBO project's municipalities, their regions and its partners; `None`
/// when there is no such project.
pub async fn gbo_project(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> StorageResult<Option<WorkFacts>> {
    let exists: bool = diesel::select(diesel::dsl::exists(gbo_projects::table.find(id)))
        .get_result(conn)
        .await?;
    if !exists {
        return Ok(None);
    }
    let places: Vec<(String, String)> = gbo_project_municipalities::table
        .inner_join(municipalities::table)
        .filter(gbo_project_municipalities::project_id.eq(id))
        .select((municipalities::nis_code, municipalities::region_id))
        .order(municipalities::nis_code.asc())
        .load(conn)
        .await?;
    let partners: Vec<Uuid> = gbo_project_partners::table
        .filter(gbo_project_partners::project_id.eq(id))
        .select(gbo_project_partners::organisation_id)
        .load(conn)
        .await?;
    let mut regions: Vec<String> = places.iter().map(|(_, r)| r.clone()).collect();
    regions.sort();
    regions.dedup();
    Ok(Some(WorkFacts {
        regions,
        organisations: partners,
        municipalities: places.into_iter().map(|(m, _)| m).collect(),
        flanders_wide: false,
    }))
}

/// A region's name and whether it stands for Flanders as a whole.
pub async fn region(
    mut conn: &AsyncPgConnection,
    id: &str,
) -> StorageResult<Option<(String, bool)>> {
    Ok(regions::table
        .find(id)
        .select((regions::name, regions::flanders_wide))
        .first(&mut conn)
        .await
        .optional()?)
}

/// A municipality's name and region.
pub async fn municipality(
    mut conn: &AsyncPgConnection,
    nis_code: &str,
) -> StorageResult<Option<(String, String)>> {
    Ok(municipalities::table
        .find(nis_code)
        .select((municipalities::name, municipalities::region_id))
        .for_share()
        .first(&mut conn)
        .await
        .optional()?)
}

/// The municipalities of these regions.
pub async fn municipalities_in(
    conn: &mut AsyncPgConnection,
    region_ids: &[String],
) -> StorageResult<Vec<String>> {
    Ok(municipalities::table
        .filter(municipalities::region_id.eq_any(region_ids))
        .select(municipalities::nis_code)
        .load(conn)
        .await?)
}

/// The names of regions and municipalities, by id and by NIS code.
pub async fn place_names(
    conn: &mut AsyncPgConnection,
    region_ids: &[String],
    nis_codes: &[String],
) -> StorageResult<(HashMap<String, String>, HashMap<String, String>)> {
    let regions_found: Vec<(String, String)> = if region_ids.is_empty() {
        Vec::new()
    } else {
        regions::table
            .filter(regions::id.eq_any(region_ids))
            .select((regions::id, regions::name))
            .load(conn)
            .await?
    };
    let municipalities_found: Vec<(String, String)> = if nis_codes.is_empty() {
        Vec::new()
    } else {
        municipalities::table
            .filter(municipalities::nis_code.eq_any(nis_codes))
            .select((municipalities::nis_code, municipalities::name))
            .load(conn)
            .await?
    };
    Ok((
        regions_found.into_iter().collect(),
        municipalities_found.into_iter().collect(),
    ))
}
