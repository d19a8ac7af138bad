//! Organisations: the partners that lead and take part in the work.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{
    action_leads, gbo_project_partners, initiative_partners, initiatives, organisations,
    service_accounts, users,
};
use super::statement::{
    Bind, Statement, count_of, counted_page, external_key, page_and_total, sort_by, when,
};
use super::{StorageResult, escape_like};
use crate::domain::Page;

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
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

impl OrganisationFilter {
    /// The conditions on an organisation `o`.
    fn conditions(&self) -> Vec<Statement> {
        let mut c = Vec::new();
        if let Some(text) = &self.q {
            c.push(when("o.name ILIKE ", Bind::Text(escape_like(text)), ""));
        }
        if !self.kind.is_empty() {
            c.push(when("o.kind = ANY(", Bind::Texts(self.kind.clone()), ")"));
        }
        // One region is an equality, so that its page is read in the order of
        // the index on region and name (migration 000023).
        match self.region.as_slice() {
            [] => {}
            [one] => c.push(when("o.region_id = ", Bind::Text(one.clone()), "")),
            many => c.push(when("o.region_id = ANY(", Bind::Texts(many.to_vec()), ")")),
        }
        if !self.municipality.is_empty() {
            c.push(when(
                "o.municipality_nis = ANY(",
                Bind::Texts(self.municipality.clone()),
                ")",
            ));
        }
        if let Some(number) = &self.enterprise_number {
            c.push(when(
                "o.enterprise_number = ",
                Bind::Text(number.clone()),
                "",
            ));
        }
        c.extend(external_key(
            "o",
            self.external_id.as_deref(),
            self.external_source,
        ));
        c
    }
}

/// The columns of an `OrganisationRow`.
const COLUMNS: &str = "o.id, o.name, o.kind, o.enterprise_number, o.ovo_code, o.region_id, \
     o.municipality_nis, o.website, o.external_id, o.example, o.version, o.created_at, \
     o.updated_at";

/// The statement of a page of organisations and their total.
fn page_statement(conditions: &[Statement], sort: &str, page: &Page) -> Statement {
    let (column, direction) = sort_by(
        sort,
        &[
            ("name", "name"),
            ("createdAt", "created_at"),
            ("updatedAt", "updated_at"),
        ],
    );
    counted_page(
        "organisations o",
        COLUMNS,
        conditions,
        &format!("o.{column} {direction}, o.id ASC"),
        page,
    )
}

/// A page of organisations and the size of the whole filtered set, in one
/// round trip (a second only past the last page, to count).
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &OrganisationFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<OrganisationRow>, i64)> {
    let conditions = filter.conditions();
    Ok(
        page_and_total(conn, page_statement(&conditions, sort, page), || {
            count_of("organisations o", &conditions)
        })
        .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::statement::assert_bench_sql;

    /// `make bench` runs the page's own statement (the organisations of one region) alone with
    /// pgbench, as the database's limit for that page.
    #[test]
    fn the_benchmark_runs_the_pages_own_statement() {
        let filter = OrganisationFilter {
            region: vec!["limburg".into()],
            ..Default::default()
        };
        let page = Page {
            offset: 0,
            limit: 50,
        };
        assert_bench_sql(
            "organisations_region",
            &page_statement(&filter.conditions(), "name", &page),
        );
    }
}
