//! GBO projects (geïntegreerd breed onthaal): local partnerships, their
//! municipalities and their partner organisations.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{self, Array, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{gbo_project_municipalities, gbo_project_partners, gbo_projects};
use super::statement::{
    Bind, Statement, count_of, counted_page, external_key, page_and_total, sort_by, when,
};
use super::{StorageResult, escape_like};
use crate::domain::Page;

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
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

/// A project's row and its links, as one statement reads them.
#[derive(QueryableByName)]
struct Linked {
    #[diesel(embed)]
    project: GboProjectRow,
    #[diesel(sql_type = Array<Text>)]
    municipality_codes: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    region_ids: Vec<String>,
    #[diesel(sql_type = Array<sql_types::Uuid>)]
    partner_ids: Vec<Uuid>,
    #[diesel(sql_type = Array<Text>)]
    partner_parts: Vec<String>,
}

impl From<Linked> for GboProjectRecord {
    fn from(linked: Linked) -> Self {
        let mut regions = linked.region_ids;
        regions.sort();
        Self {
            row: linked.project,
            municipalities: linked.municipality_codes,
            regions,
            partners: linked
                .partner_ids
                .into_iter()
                .zip(linked.partner_parts)
                .collect(),
        }
    }
}

/// The columns of a `GboProjectRow`.
const COLUMNS: &str = "g.id, g.name, g.primary_care_zone_id, g.contact_name, g.contact_email, \
     g.contact_phone, g.status, g.start_date, g.external_id, g.example, g.version, g.created_at, \
     g.updated_at";

/// The projects `rows` reads (on the alias `p`, in `order`) with their
/// municipalities (by NIS code), their regions and their partners (by part
/// and organisation), in the same order. The links are read for these rows
/// only, after any offset and limit.
fn linked(rows: &Statement, order: &str) -> Statement {
    let mut s = Statement::new();
    s.sql(
        "SELECT p.*, \
         ARRAY(SELECT gm.nis_code FROM gbo_project_municipalities gm \
         WHERE gm.project_id = p.id ORDER BY gm.nis_code) AS municipality_codes, \
         ARRAY(SELECT DISTINCT (SELECT mu.region_id FROM municipalities mu \
         WHERE mu.nis_code = gm.nis_code) FROM gbo_project_municipalities gm \
         WHERE gm.project_id = p.id) AS region_ids, \
         ARRAY(SELECT gp.organisation_id FROM gbo_project_partners gp \
         WHERE gp.project_id = p.id ORDER BY gp.part, gp.organisation_id) AS partner_ids, \
         ARRAY(SELECT gp.part FROM gbo_project_partners gp \
         WHERE gp.project_id = p.id ORDER BY gp.part, gp.organisation_id) AS partner_parts \
         FROM (",
    )
    .append(rows)
    .sql(&format!(") p ORDER BY {order}"));
    s
}

pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<GboProjectRecord> {
    let mut row = Statement::new();
    row.sql(&format!(
        "SELECT {COLUMNS} FROM gbo_projects g WHERE g.id = "
    ))
    .bind(Bind::Uuid(id));
    let found: Vec<Linked> = linked(&row, "p.id").load(conn).await?;
    found
        .into_iter()
        .next()
        .map(Into::into)
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

impl GboProjectFilter {
    /// The conditions on a project `g`.
    fn conditions(&self) -> Vec<Statement> {
        let mut c = Vec::new();
        if let Some(text) = &self.q {
            c.push(when("g.name ILIKE ", Bind::Text(escape_like(text)), ""));
        }
        if !self.region.is_empty() {
            c.push(when(
                "g.id IN (SELECT gm.project_id FROM gbo_project_municipalities gm \
                 JOIN municipalities mu ON mu.nis_code = gm.nis_code WHERE mu.region_id = ANY(",
                Bind::Texts(self.region.clone()),
                "))",
            ));
        }
        if !self.municipality.is_empty() {
            c.push(when(
                "g.id IN (SELECT gm.project_id FROM gbo_project_municipalities gm \
                 WHERE gm.nis_code = ANY(",
                Bind::Texts(self.municipality.clone()),
                "))",
            ));
        }
        if !self.organisation.is_empty() {
            c.push(when(
                "g.id IN (SELECT gp.project_id FROM gbo_project_partners gp \
                 WHERE gp.organisation_id = ANY(",
                Bind::Uuids(self.organisation.clone()),
                "))",
            ));
        }
        if !self.status.is_empty() {
            c.push(when(
                "g.status = ANY(",
                Bind::Texts(self.status.clone()),
                ")",
            ));
        }
        if let Some(zone) = self.primary_care_zone {
            c.push(when("g.primary_care_zone_id = ", Bind::Uuid(zone), ""));
        }
        c.extend(external_key(
            "g",
            self.external_id.as_deref(),
            self.external_source,
        ));
        c
    }
}

/// The order of a sort on the projects `a`, ties by id.
fn order(sort: &str, a: &str) -> String {
    let (column, direction) = sort_by(
        sort,
        &[
            ("name", "name"),
            ("createdAt", "created_at"),
            ("updatedAt", "updated_at"),
        ],
    );
    format!("{a}.{column} {direction}, {a}.id ASC")
}

/// The statement of a page of projects with their links, and their total.
fn page_statement(conditions: &[Statement], sort: &str, page: &Page) -> Statement {
    let rows = counted_page(
        "gbo_projects g",
        COLUMNS,
        conditions,
        &order(sort, "g"),
        page,
    );
    linked(&rows, &order(sort, "p"))
}

/// A page of projects and the size of the whole filtered set, in one round
/// trip (a second only past the last page, to count).
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &GboProjectFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<GboProjectRecord>, i64)> {
    let conditions = filter.conditions();
    let (rows, total): (Vec<Linked>, i64) =
        page_and_total(conn, page_statement(&conditions, sort, page), || {
            count_of("gbo_projects g", &conditions)
        })
        .await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::statement::assert_bench_sql;

    /// `make bench` runs the page's own statement (every project, by name) alone with
    /// pgbench, as the database's limit for that page.
    #[test]
    fn the_benchmark_runs_the_pages_own_statement() {
        let filter = GboProjectFilter::default();
        let page = Page {
            offset: 0,
            limit: 50,
        };
        assert_bench_sql(
            "gbo_projects_page",
            &page_statement(&filter.conditions(), "name", &page),
        );
    }
}
