//! Action plans: who reads them, and the rules of writing one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::patch::present;
use super::{
    API_BASE, Change, Conn, Creation, ServiceError, ServiceResult, Writer, check, corrupt,
    ensure_valid, record,
};
use crate::auth::permissions::{self, Operation, Resource};
use crate::domain::plan::{check_long_text, check_text};
use crate::domain::{InputIssue, Page, PlanStatus, Principal};
use crate::storage::plan::{self as store, NewPlan, PlanChanges, PlanRow};

/// What a reader of the plan may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAudience {
    /// A signed-in caller: every plan, drafts included.
    SignedIn,
    /// Anonymous, with public read on: published plans only.
    Public,
}

/// An action plan, such as the Actieplan Sterk Sociaal Werk 2020-2024.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Short code, lower case (`ssw-2020-2024`); unique.
    #[schema(example = "ssw-2020-2024")]
    pub code: String,
    /// Title.
    pub title: String,
    /// Description; may be empty.
    pub description: String,
    /// First year of the plan's period.
    pub start_year: i32,
    /// Last year of the plan's period.
    pub end_year: i32,
    /// `draft` plans are visible to signed-in users only.
    pub status: PlanStatus,
    /// `true` for demo data, which is never part of the plan.
    pub example: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl Plan {
    fn from_row(row: PlanRow) -> ServiceResult<Self> {
        Ok(Self {
            self_link: format!("{API_BASE}/plans/{}", row.id),
            id: row.id,
            code: row.code,
            title: row.title,
            description: row.description,
            start_year: row.start_year,
            end_year: row.end_year,
            status: row.status.parse().map_err(corrupt)?,
            example: row.example,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

record::uuid_record!(PlanRow => Plan, "plan", lock = store::lock_plan, view = Plan::from_row);

/// A new plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanCreate {
    /// Short code: lower-case letters, digits and `-`, at most 40.
    #[schema(example = "ssw-2025-2029", pattern = "^[a-z0-9][a-z0-9-]{0,39}$")]
    pub code: String,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// Description.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// First year.
    #[schema(minimum = 2000, maximum = 2100)]
    pub start_year: i32,
    /// Last year, not before the first.
    #[schema(minimum = 2000, maximum = 2100)]
    pub end_year: i32,
    /// Default `draft`.
    pub status: Option<PlanStatus>,
    /// Demo data: set by the command line for the example plan, never by a
    /// request (the API refuses `example` as read-only).
    #[serde(skip)]
    pub example: bool,
}

/// Changes to a plan (JSON merge patch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanPatch {
    /// Short code.
    #[schema(pattern = "^[a-z0-9][a-z0-9-]{0,39}$")]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub title: Option<String>,
    /// Description.
    #[schema(max_length = 20000)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// First year.
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub start_year: Option<i32>,
    /// Last year.
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub end_year: Option<i32>,
    /// Status.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub status: Option<PlanStatus>,
}

fn check_plan_code(code: &str) -> Result<(), &'static str> {
    let ok = !code.is_empty()
        && code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !code.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err("must be 1 to 40 lower-case letters, digits and '-', not starting with '-'")
    }
}

fn check_year(issues: &mut Vec<InputIssue>, field: &str, year: i32) {
    if !(2000..=2100).contains(&year) {
        issues.push(
            InputIssue::body(field, "must be a year from 2000 to 2100").with_value(year.into()),
        );
    }
}

fn check_years(issues: &mut Vec<InputIssue>, start: i32, end: i32) {
    check_year(issues, "startYear", start);
    check_year(issues, "endYear", end);
    if end < start {
        issues.push(
            InputIssue::body("endYear", "must not be before startYear").with_value(end.into()),
        );
    }
}

/// The fields every plan write may carry, each checked on its own.
fn check_fields(
    issues: &mut Vec<InputIssue>,
    code: Option<&str>,
    title: Option<&str>,
    description: Option<&str>,
) {
    if let Some(code) = code {
        check(issues, "code", check_plan_code(code), || code.into());
    }
    if let Some(title) = title {
        check(issues, "title", check_text(title, 300), || title.into());
    }
    if let Some(d) = description {
        check(issues, "description", check_long_text(d, 20000), || {
            serde_json::Value::Null
        });
    }
}

/// Only steering and administrators write the plan, its challenges and actions.
pub(super) fn require_plan_editor(principal: &Principal) -> ServiceResult<()> {
    Ok(permissions::require(
        principal,
        Resource::Plan,
        Operation::Write,
    )?)
}

/// A plan, or 404 when the audience may not see it.
pub async fn read(conn: &mut Conn, id: Uuid, audience: PlanAudience) -> ServiceResult<Plan> {
    let row = store::get_plan(conn, id).await?;
    if audience == PlanAudience::Public && row.status == PlanStatus::Draft.as_str() {
        return Err(ServiceError::NotFound);
    }
    Plan::from_row(row)
}

/// The plan with this code, drafts included; `None` when there is none.
pub async fn by_code(conn: &mut Conn, code: &str) -> ServiceResult<Option<Plan>> {
    store::plan_by_code(conn, code)
        .await?
        .map(Plan::from_row)
        .transpose()
}

/// A page of plans with the given statuses (all when empty) that the audience may see.
pub async fn list(
    conn: &mut Conn,
    audience: PlanAudience,
    statuses: &[PlanStatus],
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<Plan>, i64)> {
    let visible = |s: &&PlanStatus| audience == PlanAudience::SignedIn || s.is_published();
    let wanted: Vec<String> = if statuses.is_empty() && audience == PlanAudience::SignedIn {
        Vec::new()
    } else {
        let pool = if statuses.is_empty() {
            PlanStatus::ALL
        } else {
            statuses
        };
        let wanted: Vec<String> = pool
            .iter()
            .filter(visible)
            .map(|s| s.as_str().to_owned())
            .collect();
        // Nothing visible is asked for: a status no plan has.
        if wanted.is_empty() {
            vec![String::from("-")]
        } else {
            wanted
        }
    };
    let (rows, total) = store::list_plans(conn, &wanted, sort, &page).await?;
    let plans = rows
        .into_iter()
        .map(Plan::from_row)
        .collect::<ServiceResult<_>>()?;
    Ok((plans, total))
}

impl Creation for PlanCreate {
    type Admission = ();
    type View = Plan;
    async fn insert(self, conn: &mut Conn, _: Self::Admission) -> ServiceResult<Plan> {
        let row = store::insert_plan(
            conn,
            NewPlan {
                code: self.code,
                title: self.title.trim().to_owned(),
                description: self.description.unwrap_or_default(),
                start_year: self.start_year,
                end_year: self.end_year,
                status: self.status.unwrap_or(PlanStatus::Draft).as_str().to_owned(),
                example: self.example,
            },
        )
        .await?;
        Plan::from_row(row)
    }
}

/// Creates a plan. Steering and administrators.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    input: PlanCreate,
) -> ServiceResult<Plan> {
    require_plan_editor(writer.principal)?;
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        Some(&input.code),
        Some(&input.title),
        input.description.as_deref(),
    );
    check_years(&mut issues, input.start_year, input.end_year);
    ensure_valid(issues)?;
    record::create(conn, writer, input).await
}

impl Change<PlanRow> for PlanPatch {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: PlanRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Plan>> {
        // Each year on its own was checked before the version; their order
        // needs the stored plan.
        let mut issues = Vec::new();
        check_years(
            &mut issues,
            self.start_year.unwrap_or(current.start_year),
            self.end_year.unwrap_or(current.end_year),
        );
        ensure_valid(issues)?;
        let row = store::update_plan(
            conn,
            current.id,
            PlanChanges {
                code: self.code,
                title: self.title.map(|t| t.trim().to_owned()),
                description: self.description,
                start_year: self.start_year,
                end_year: self.end_year,
                status: self.status.map(|s| s.as_str().to_owned()),
            },
        )
        .await?;
        Plan::from_row(row).map(Some)
    }
}

/// Changes a plan at version `expected`. Steering and administrators.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    patch: PlanPatch,
) -> ServiceResult<Plan> {
    require_plan_editor(writer.principal)?;
    let expected = record::expected(expected)?;
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        patch.code.as_deref(),
        patch.title.as_deref(),
        patch.description.as_deref(),
    );
    for (field, year) in [("startYear", patch.start_year), ("endYear", patch.end_year)] {
        if let Some(year) = year {
            check_year(&mut issues, field, year);
        }
    }
    ensure_valid(issues)?;
    record::update::<PlanRow, _>(conn, writer, &id, expected, patch).await
}

impl Change<PlanRow> for record::Removal {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: PlanRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Plan>> {
        let mut references = store::plan_references(conn, current.id).await?;
        references.extend(
            super::indicators::attached(conn, super::indicators::AttachedTo::Plan(current.id))
                .await?,
        );
        record::unreferenced(references, "the plan still has")?;
        store::delete_plan(conn, current.id).await?;
        Ok(None)
    }
}

/// Deletes a plan at version `expected`, unless challenges or actions refer to it.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
) -> ServiceResult<()> {
    record::remove_as::<PlanRow>(conn, writer, require_plan_editor, &id, expected).await
}
