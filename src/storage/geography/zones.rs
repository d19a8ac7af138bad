//! The primary care zones (eerstelijnszones) and the municipalities each covers.

use super::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = primary_care_zones)]
pub struct ZoneRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub region_id: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A primary care zone with the NIS codes of its municipalities.
#[derive(Debug, Clone)]
pub struct ZoneRecord {
    pub row: ZoneRow,
    pub municipalities: Vec<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = primary_care_zones)]
pub struct NewZone {
    pub code: String,
    pub name: String,
    pub region_id: String,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = primary_care_zones)]
pub struct ZoneChanges {
    pub code: Option<String>,
    pub name: Option<String>,
    pub region_id: Option<String>,
}

#[derive(Debug, Default)]
pub struct ZoneFilter {
    pub q: Option<String>,
    pub region: Vec<String>,
    pub municipality: Vec<String>,
}

type ZoneSelect = (
    diesel::helper_types::AsSelect<ZoneRow, diesel::pg::Pg>,
    diesel::expression::SqlLiteral<Array<Text>>,
);

fn zone_select() -> ZoneSelect {
    (
        ZoneRow::as_select(),
        sql::<Array<Text>>(
            "ARRAY(SELECT m.nis_code FROM primary_care_zone_municipalities m \
             WHERE m.zone_id = primary_care_zones.id ORDER BY m.nis_code)",
        ),
    )
}

fn zone_record((row, municipalities): (ZoneRow, Vec<String>)) -> ZoneRecord {
    ZoneRecord {
        row,
        municipalities,
    }
}

pub async fn get_zone(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<ZoneRecord> {
    Ok(primary_care_zones::table
        .find(id)
        .select(zone_select())
        .first(conn)
        .await
        .map(zone_record)?)
}

/// Reads and locks the zone for the rest of the transaction.
pub async fn lock_zone(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<ZoneRecord> {
    Ok(primary_care_zones::table
        .find(id)
        .for_update()
        .select(zone_select())
        .first(conn)
        .await
        .map(zone_record)?)
}

pub async fn insert_zone(conn: &mut AsyncPgConnection, new: NewZone) -> StorageResult<Uuid> {
    Ok(diesel::insert_into(primary_care_zones::table)
        .values(new)
        .returning(primary_care_zones::id)
        .get_result(conn)
        .await?)
}

pub async fn update_zone(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: ZoneChanges,
) -> StorageResult<()> {
    diesel::update(primary_care_zones::table.find(id))
        .set((
            changes,
            primary_care_zones::version.eq(primary_care_zones::version + 1),
            primary_care_zones::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the municipalities of a zone.
pub async fn set_zone_municipalities(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    codes: &[String],
) -> StorageResult<()> {
    diesel::delete(
        primary_care_zone_municipalities::table
            .filter(primary_care_zone_municipalities::zone_id.eq(id)),
    )
    .execute(conn)
    .await?;
    let rows: Vec<_> = codes
        .iter()
        .map(|code| {
            (
                primary_care_zone_municipalities::zone_id.eq(id),
                primary_care_zone_municipalities::nis_code.eq(code.as_str()),
            )
        })
        .collect();
    diesel::insert_into(primary_care_zone_municipalities::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the zone; its municipality links go with it.
pub async fn delete_zone(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::delete(primary_care_zones::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// What refers to a zone, in words; empty when nothing does.
pub async fn zone_references(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<Vec<String>> {
    let initiatives: i64 = initiatives::table
        .filter(initiatives::primary_care_zone_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let gbo: i64 = gbo_projects::table
        .filter(gbo_projects::primary_care_zone_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    Ok(describe(&[
        (initiatives, "initiatives"),
        (gbo, "GBO projects"),
    ]))
}

pub async fn list_zones(
    conn: &mut AsyncPgConnection,
    filter: &ZoneFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<ZoneRecord>, i64)> {
    let query = || {
        let mut q = primary_care_zones::table.into_boxed();
        if let Some(text) = &filter.q {
            let pattern = escape_like(text);
            q = q.filter(
                primary_care_zones::name
                    .ilike(pattern.clone())
                    .or(primary_care_zones::code.ilike(pattern)),
            );
        }
        if !filter.region.is_empty() {
            q = q.filter(primary_care_zones::region_id.eq_any(filter.region.clone()));
        }
        if !filter.municipality.is_empty() {
            q = q.filter(
                primary_care_zones::id.eq_any(
                    primary_care_zone_municipalities::table
                        .filter(
                            primary_care_zone_municipalities::nis_code
                                .eq_any(filter.municipality.clone()),
                        )
                        .select(primary_care_zone_municipalities::zone_id),
                ),
            );
        }
        q
    };
    let total = query().count().get_result(conn).await?;
    let q = match sort {
        "-code" => query().order(primary_care_zones::code.desc()),
        "name" => query().order((
            primary_care_zones::name.asc(),
            primary_care_zones::code.asc(),
        )),
        "-name" => query().order((
            primary_care_zones::name.desc(),
            primary_care_zones::code.asc(),
        )),
        _ => query().order(primary_care_zones::code.asc()),
    };
    let rows = q
        .offset(page.offset)
        .limit(page.limit)
        .select(zone_select())
        .load(conn)
        .await?;
    Ok((rows.into_iter().map(zone_record).collect(), total))
}
