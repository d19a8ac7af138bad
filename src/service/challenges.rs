//! The societal challenges of a plan.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::patch::present;
use super::plans::{self, PlanAudience, require_plan_editor};
use super::record::{self, Removal};
use super::{
    API_BASE, Change, Conn, Creation, ServiceError, ServiceResult, Writer, check, ensure_valid,
};
use crate::domain::plan::{check_code, check_long_text, check_text};
use crate::domain::{InputIssue, Page, Principal};
use crate::storage::plan::{self as store, ChallengeChanges, ChallengeRow, NewChallenge};

/// A societal challenge (maatschappelijke uitdaging) of a plan.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Challenge {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The plan.
    pub plan_id: Uuid,
    /// Code, unique in the plan (`U8`).
    #[schema(example = "U8")]
    pub code: String,
    /// Number, unique in the plan.
    pub number: i32,
    /// Title.
    #[schema(example = "Onderbescherming")]
    pub title: String,
    /// Description; may be empty.
    pub description: String,
    /// `true` for demo data, which is never part of the plan.
    pub example: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl From<ChallengeRow> for Challenge {
    fn from(row: ChallengeRow) -> Self {
        Self {
            self_link: format!("{API_BASE}/challenges/{}", row.id),
            id: row.id,
            plan_id: row.plan_id,
            code: row.code,
            number: row.number,
            title: row.title,
            description: row.description,
            example: row.example,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

record::uuid_record!(ChallengeRow => Challenge, "challenge", lock = store::lock_challenge, view = From);

/// A new challenge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChallengeCreate {
    /// The plan.
    pub plan_id: Uuid,
    /// Code, unique in the plan.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")]
    pub code: String,
    /// Number, unique in the plan.
    #[schema(minimum = 1, maximum = 999)]
    pub number: i32,
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// Description.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// Demo data: set by the command line for the example plan, never by a
    /// request (the API refuses `example` as read-only).
    #[serde(skip)]
    pub example: bool,
}

/// Changes to a challenge (JSON merge patch). A challenge stays in its plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChallengePatch {
    /// Code.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// Number.
    #[schema(minimum = 1, maximum = 999)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub number: Option<i32>,
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
}

fn check_fields(
    code: Option<&str>,
    number: Option<i32>,
    title: Option<&str>,
    description: Option<&str>,
) -> ServiceResult<()> {
    let mut issues = Vec::new();
    if let Some(code) = code {
        check(&mut issues, "code", check_code(code), || code.into());
    }
    if let Some(n) = number
        && !(1..=999).contains(&n)
    {
        issues.push(InputIssue::body("number", "must be from 1 to 999").with_value(n.into()));
    }
    if let Some(title) = title {
        check(&mut issues, "title", check_text(title, 300), || {
            title.into()
        });
    }
    if let Some(d) = description {
        check(
            &mut issues,
            "description",
            check_long_text(d, 20000),
            || serde_json::Value::Null,
        );
    }
    ensure_valid(issues)
}

/// A challenge, or 404 when the audience may not see its plan.
pub async fn read(conn: &mut Conn, id: Uuid, audience: PlanAudience) -> ServiceResult<Challenge> {
    let row = store::get_challenge(conn, id).await?;
    plans::read(conn, row.plan_id, audience).await?;
    Ok(Challenge::from(row))
}

/// A page of the challenges of `plans` (all plans when empty), by plan and number.
pub async fn list(
    conn: &mut Conn,
    audience: PlanAudience,
    plans: &[Uuid],
    page: Page,
) -> ServiceResult<(Vec<Challenge>, i64)> {
    let (rows, total) =
        store::list_challenges(conn, plans, audience == PlanAudience::Public, &page).await?;
    Ok((rows.into_iter().map(Challenge::from).collect(), total))
}

impl Creation for ChallengeCreate {
    type Admission = ();
    type View = Challenge;
    async fn admit(&self, conn: &mut Conn, _: &Principal) -> ServiceResult<()> {
        if store::plan_visible(conn, self.plan_id, false).await? {
            Ok(())
        } else {
            Err(ServiceError::invalid(
                InputIssue::body("planId", "no such plan")
                    .with_value(self.plan_id.to_string().into()),
            ))
        }
    }
    async fn insert(self, conn: &mut Conn, _: Self::Admission) -> ServiceResult<Challenge> {
        let row = store::insert_challenge(
            conn,
            NewChallenge {
                plan_id: self.plan_id,
                code: self.code,
                number: self.number,
                title: self.title.trim().to_owned(),
                description: self.description.unwrap_or_default(),
                example: self.example,
            },
        )
        .await?;
        Ok(Challenge::from(row))
    }
}

/// Creates a challenge in a plan. Steering and administrators.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    input: ChallengeCreate,
) -> ServiceResult<Challenge> {
    require_plan_editor(writer.principal)?;
    check_fields(
        Some(&input.code),
        Some(input.number),
        Some(&input.title),
        input.description.as_deref(),
    )?;
    record::create(conn, writer, input).await
}

impl Change<ChallengeRow> for ChallengePatch {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: ChallengeRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Challenge>> {
        let row = store::update_challenge(
            conn,
            current.id,
            ChallengeChanges {
                code: self.code,
                number: self.number,
                title: self.title.map(|t| t.trim().to_owned()),
                description: self.description,
            },
        )
        .await?;
        Ok(Some(Challenge::from(row)))
    }
}

/// Changes a challenge at version `expected`. Steering and administrators.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    patch: ChallengePatch,
) -> ServiceResult<Challenge> {
    require_plan_editor(writer.principal)?;
    let expected = record::expected(expected)?;
    check_fields(
        patch.code.as_deref(),
        patch.number,
        patch.title.as_deref(),
        patch.description.as_deref(),
    )?;
    record::update::<ChallengeRow, _>(conn, writer, &id, expected, patch).await
}

impl Change<ChallengeRow> for Removal {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: ChallengeRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Challenge>> {
        let references = store::challenge_references(conn, current.id).await?;
        record::unreferenced(references, "the challenge is still referred to by")?;
        store::delete_challenge(conn, current.id).await?;
        Ok(None)
    }
}

/// Deletes a challenge at version `expected`, unless actions serve it.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
) -> ServiceResult<()> {
    record::remove_as::<ChallengeRow>(conn, writer, require_plan_editor, &id, expected).await
}
