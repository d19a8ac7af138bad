//! Sociaalwerkconferenties: the evaluation moments of the plan. Anyone reads
//! them; steering and administrators keep them.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::patch::{nullable, present};
use super::{API_BASE, Change, Conn, Creation, ServiceResult, Writer, check, ensure_valid, record};
use crate::auth::permissions::{self, Operation, Resource};
use crate::domain::plan::{check_long_text, check_text};
use crate::domain::{InputIssue, Page, Principal};
use crate::storage::conferences::{self as store, ConferenceChanges, ConferenceRow, NewConference};

/// A Sociaalwerkconferentie.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Conference {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The year it took place.
    #[schema(example = 2018)]
    pub year: i32,
    /// The day it took place; absent while only the year is recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// The as-of snapshot of the plan at the end of its day: what was known
    /// then. Absent while its day is not recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    /// Title.
    pub title: String,
    /// Where it took place; absent when not recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Notes; may be empty.
    pub notes: String,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl From<ConferenceRow> for Conference {
    fn from(row: ConferenceRow) -> Self {
        Self {
            self_link: format!("{API_BASE}/conferences/{}", row.id),
            id: row.id,
            year: row.year,
            snapshot: row
                .date
                .map(|d| format!("{API_BASE}/reports/snapshot?date={d}")),
            date: row.date,
            title: row.title,
            place: row.place,
            notes: row.notes,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

record::uuid_record!(ConferenceRow => Conference, "conference", lock = store::lock, view = From);

/// A new conference.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConferenceCreate {
    /// The year it takes place, 2000 to 2100.
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// The day, in `year`; one conference per day.
    pub date: Option<NaiveDate>,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// Where it takes place.
    #[schema(min_length = 1, max_length = 300)]
    pub place: Option<String>,
    /// Notes; empty when absent.
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
}

/// Changes to a conference (JSON merge patch): absent fields stay as they
/// are, `null` clears `date` or `place`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConferencePatch {
    /// The year, 2000 to 2100.
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub year: Option<i32>,
    /// The day, in the conference's year.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub date: Option<Option<NaiveDate>>,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub title: Option<String>,
    /// Where it takes place.
    #[schema(min_length = 1, max_length = 300)]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub place: Option<Option<String>>,
    /// Notes.
    #[schema(max_length = 10000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub notes: Option<String>,
}

/// The values a write sets, each checked on its own.
fn check_values(
    year: Option<i32>,
    title: Option<&str>,
    place: Option<&str>,
    notes: Option<&str>,
) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    if let Some(year) = year.filter(|y| !(2000..=2100).contains(y)) {
        issues.push(InputIssue::body("year", "must be from 2000 to 2100").with_value(year.into()));
    }
    if let Some(title) = title {
        check(&mut issues, "title", check_text(title, 300), || {
            title.into()
        });
    }
    if let Some(place) = place {
        check(&mut issues, "place", check_text(place, 300), || {
            place.into()
        });
    }
    if let Some(notes) = notes {
        check(&mut issues, "notes", check_long_text(notes, 10_000), || {
            serde_json::Value::Null
        });
    }
    issues
}

/// A day must lie in the conference's year.
fn check_date_in_year(issues: &mut Vec<InputIssue>, year: i32, date: Option<NaiveDate>) {
    if let Some(date) = date.filter(|d| d.year() != year) {
        issues.push(
            InputIssue::body("date", format!("must lie in the conference's year {year}"))
                .with_value(date.to_string().into()),
        );
    }
}

fn require_editor(principal: &Principal) -> ServiceResult<()> {
    Ok(permissions::require(
        principal,
        Resource::Conferences,
        Operation::Write,
    )?)
}

/// A conference. Anyone.
pub async fn read(conn: &mut Conn, id: Uuid) -> ServiceResult<Conference> {
    Ok(Conference::from(store::get(conn, id).await?))
}

/// A page of conferences, of `year` when given, in `sort` order. Anyone.
pub async fn list(
    conn: &mut Conn,
    year: Option<i32>,
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<Conference>, i64)> {
    let (rows, total) = store::list(conn, year, sort, &page).await?;
    Ok((rows.into_iter().map(Conference::from).collect(), total))
}

impl Creation for ConferenceCreate {
    type Admission = ();
    type View = Conference;
    async fn insert(self, conn: &mut Conn, _: Self::Admission) -> ServiceResult<Conference> {
        let row = store::insert(
            conn,
            NewConference {
                year: self.year,
                date: self.date,
                title: self.title.trim().to_owned(),
                place: self.place.map(|p| p.trim().to_owned()),
                notes: self.notes.unwrap_or_default(),
            },
        )
        .await?;
        Ok(Conference::from(row))
    }
}

/// Records a conference. Steering and administrators.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    input: ConferenceCreate,
) -> ServiceResult<Conference> {
    require_editor(writer.principal)?;
    let mut issues = check_values(
        Some(input.year),
        Some(&input.title),
        input.place.as_deref(),
        input.notes.as_deref(),
    );
    if issues.is_empty() {
        check_date_in_year(&mut issues, input.year, input.date);
    }
    ensure_valid(issues)?;
    record::create(conn, writer, input).await
}

impl Change<ConferenceRow> for ConferencePatch {
    type Admission = ();
    /// The day must lie in the year the patch leaves, whatever the version
    /// named: a 400 comes before a 412.
    async fn admit(
        &self,
        _: &mut Conn,
        _: &Principal,
        current: &ConferenceRow,
    ) -> ServiceResult<()> {
        let mut issues = Vec::new();
        check_date_in_year(
            &mut issues,
            self.year.unwrap_or(current.year),
            self.date.unwrap_or(current.date),
        );
        ensure_valid(issues)
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: ConferenceRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Conference>> {
        let row = store::update(
            conn,
            current.id,
            ConferenceChanges {
                year: self.year,
                date: self.date,
                title: self.title.map(|t| t.trim().to_owned()),
                place: self.place.map(|p| p.map(|p| p.trim().to_owned())),
                notes: self.notes,
            },
        )
        .await?;
        Ok(Some(Conference::from(row)))
    }
}

/// Changes a conference at version `expected`. Steering and administrators.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    patch: ConferencePatch,
) -> ServiceResult<Conference> {
    require_editor(writer.principal)?;
    let expected = record::expected(expected)?;
    ensure_valid(check_values(
        patch.year,
        patch.title.as_deref(),
        patch.place.as_ref().and_then(Option::as_deref),
        patch.notes.as_deref(),
    ))?;
    record::update::<ConferenceRow, _>(conn, writer, &id, expected, patch).await
}

impl Change<ConferenceRow> for record::Removal {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: ConferenceRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Conference>> {
        store::delete(conn, current.id).await?;
        Ok(None)
    }
}

/// Deletes a conference at version `expected`. Steering and administrators.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
) -> ServiceResult<()> {
    record::remove_as::<ConferenceRow>(conn, writer, require_editor, &id, expected).await
}
