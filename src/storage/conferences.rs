//! Sociaalwerkconferenties: the evaluation moments of the plan.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::schema::conferences;
use crate::domain::Page;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = conferences)]
pub struct ConferenceRow {
    pub id: Uuid,
    pub year: i32,
    pub date: Option<NaiveDate>,
    pub title: String,
    pub place: Option<String>,
    pub notes: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = conferences)]
pub struct NewConference {
    pub year: i32,
    pub date: Option<NaiveDate>,
    pub title: String,
    pub place: Option<String>,
    pub notes: String,
}

/// `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = conferences)]
pub struct ConferenceChanges {
    pub year: Option<i32>,
    pub date: Option<Option<NaiveDate>>,
    pub title: Option<String>,
    pub place: Option<Option<String>>,
    pub notes: Option<String>,
}

pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<ConferenceRow> {
    Ok(conferences::table
        .find(id)
        .select(ConferenceRow::as_select())
        .first(conn)
        .await?)
}

/// Reads and locks the row for the rest of the transaction.
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<ConferenceRow> {
    Ok(conferences::table
        .find(id)
        .for_update()
        .select(ConferenceRow::as_select())
        .first(conn)
        .await?)
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: NewConference,
) -> StorageResult<ConferenceRow> {
    Ok(diesel::insert_into(conferences::table)
        .values(new)
        .returning(ConferenceRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: ConferenceChanges,
) -> StorageResult<ConferenceRow> {
    Ok(diesel::update(conferences::table.find(id))
        .set((
            changes,
            conferences::version.eq(conferences::version + 1),
            conferences::updated_at.eq(diesel::dsl::now),
        ))
        .returning(ConferenceRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> StorageResult<()> {
    diesel::delete(conferences::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// A page of conferences, by year (`year`) or by date (`date`, those without
/// a day last); `-` in front for descending.
pub async fn list(
    conn: &mut AsyncPgConnection,
    year: Option<i32>,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<ConferenceRow>, i64)> {
    let query = || {
        let mut q = conferences::table.into_boxed();
        if let Some(year) = year {
            q = q.filter(conferences::year.eq(year));
        }
        q
    };
    let total = query().count().get_result(conn).await?;
    let q = match sort {
        "-year" => query().order((
            conferences::year.desc(),
            conferences::date.desc().nulls_last(),
        )),
        "date" => query().order((
            conferences::date.asc().nulls_last(),
            conferences::year.asc(),
        )),
        "-date" => query().order((
            conferences::date.desc().nulls_last(),
            conferences::year.desc(),
        )),
        _ => query().order((
            conferences::year.asc(),
            conferences::date.asc().nulls_last(),
        )),
    };
    let rows = q
        .then_order_by(conferences::id.asc())
        .offset(page.offset)
        .limit(page.limit)
        .select(ConferenceRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}
