//! What a practice looks like to clients, and what they send to make or
//! change one.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::markdown;
use crate::domain::practices::{Evidence, PracticeStatus, Theme};
use crate::service::gbo_projects::GboContact;
use crate::service::patch::{nullable, present};
use crate::service::{API_BASE, ServiceResult, corrupt};
use crate::storage::practices::PracticeRow;

/// A good practice: documented work to share and find again.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Practice {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Title.
    pub title: String,
    /// A short summary, plain text.
    pub summary: String,
    /// The description in Markdown, as sent.
    pub body: String,
    /// The description as HTML that is safe to show: no raw HTML, links only
    /// `http`, `https` and `mailto`, each `rel="nofollow noopener noreferrer"`.
    pub body_html: String,
    /// The problem it answers.
    pub problem: String,
    /// What it aims at.
    pub aim: String,
    /// Who it is for.
    pub target_groups: Vec<String>,
    /// How it works.
    pub approach: String,
    /// What it needs, and how it transfers to another place.
    pub conditions: String,
    /// What it gave, and how that was evaluated.
    pub results: String,
    /// How well its effect is known; absent when not assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// Themes.
    pub themes: Vec<Theme>,
    /// Free tags, in lower case.
    pub tags: Vec<String>,
    /// The regional platform it belongs to; absent: Flanders-wide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    /// The organisation it belongs to; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<Uuid>,
    /// The societal challenges it relates to.
    pub challenge_ids: Vec<Uuid>,
    /// The regions it is practised in.
    pub regions: Vec<String>,
    /// The municipalities it is practised in (NIS codes).
    pub municipalities: Vec<String>,
    /// The organisations that take part.
    pub organisation_ids: Vec<Uuid>,
    /// Related initiatives.
    pub initiative_ids: Vec<Uuid>,
    /// Related GBO projects.
    pub gbo_project_ids: Vec<Uuid>,
    /// Related actions.
    pub action_ids: Vec<Uuid>,
    /// Whom to ask; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<GboContact>,
    /// `draft`, `published` or `archived`.
    pub status: PracticeStatus,
    /// The day it was first published; absent for a draft never published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_on: Option<NaiveDate>,
    /// When its content is to be reviewed; absent when not planned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_due: Option<NaiveDate>,
    /// The users and service accounts that wrote it.
    pub author_ids: Vec<Uuid>,
    /// Identifier in the source system that syncs it; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// `true` for demo data.
    pub example: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
    /// In a search (`q`): how and where the practice matched.
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub search_match: Option<SearchMatch>,
}

/// How a practice matched a search. The HTML is escaped text in which only
/// the matched words are markup (`<mark>`), safe to show as it is.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchMatch {
    /// Relevance: higher is better; a word in the title weighs most, then
    /// the summary, then the rest of the text.
    pub rank: f32,
    /// The title with the matched words marked.
    pub title_html: String,
    /// One or two passages around the matched words, joined by ` … `: of
    /// the summary, or of the description when the summary holds none.
    pub snippet_html: String,
}

impl Practice {
    pub fn from_row(row: PracticeRow) -> ServiceResult<Self> {
        let evidence = match row.evidence_level {
            Some(level) => Some(Evidence {
                level: level.parse().map_err(corrupt)?,
                assessed_by: row.evidence_assessed_by,
                assessed_on: row.evidence_assessed_on,
            }),
            None => None,
        };
        let contact = (row.contact_name.is_some()
            || row.contact_email.is_some()
            || row.contact_phone.is_some())
        .then_some(GboContact {
            name: row.contact_name,
            email: row.contact_email,
            phone: row.contact_phone,
        });
        Ok(Self {
            self_link: format!("{API_BASE}/practices/{}", row.id),
            id: row.id,
            body_html: markdown::to_html(&row.body),
            title: row.title,
            summary: row.summary,
            body: row.body,
            problem: row.problem,
            aim: row.aim,
            target_groups: row.target_groups,
            approach: row.approach,
            conditions: row.conditions,
            results: row.results,
            evidence,
            themes: row
                .themes
                .iter()
                .map(|t| t.parse().map_err(corrupt))
                .collect::<ServiceResult<_>>()?,
            tags: row.tags,
            region_id: row.region_id,
            organisation_id: row.organisation_id,
            challenge_ids: row.challenge_ids,
            regions: row.region_ids,
            municipalities: row.municipality_codes,
            organisation_ids: row.organisation_ids,
            initiative_ids: row.initiative_ids,
            gbo_project_ids: row.gbo_project_ids,
            action_ids: row.action_ids,
            contact,
            status: row.status.parse().map_err(corrupt)?,
            published_on: row.published_on,
            review_due: row.review_due,
            author_ids: row.author_ids,
            external_id: row.external_id,
            example: row.example,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
            search_match: None,
        })
    }
}

/// A new practice. A coordinator's belongs to their region unless it says
/// otherwise, a contributor's to its organisation.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PracticeCreate {
    /// Title.
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// A short summary, plain text.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub summary: String,
    /// The description in Markdown.
    #[serde(default)]
    #[schema(max_length = 100000)]
    pub body: String,
    /// The problem it answers.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub problem: String,
    /// What it aims at.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub aim: String,
    /// Who it is for.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub target_groups: Vec<String>,
    /// How it works.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub approach: String,
    /// What it needs, and how it transfers to another place.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub conditions: String,
    /// What it gave, and how that was evaluated.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub results: String,
    /// How well its effect is known.
    pub evidence: Option<Evidence>,
    /// Themes.
    #[serde(default)]
    pub themes: Vec<Theme>,
    /// Free tags; stored in lower case, each once.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub tags: Vec<String>,
    /// The regional platform it belongs to; absent: Flanders-wide.
    pub region_id: Option<String>,
    /// The organisation it belongs to.
    pub organisation_id: Option<Uuid>,
    /// The societal challenges it relates to.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub challenge_ids: Vec<Uuid>,
    /// The regions it is practised in.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub regions: Vec<String>,
    /// The municipalities it is practised in (NIS codes).
    #[serde(default)]
    #[schema(max_items = 300)]
    pub municipalities: Vec<String>,
    /// The organisations that take part.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub organisation_ids: Vec<Uuid>,
    /// Related initiatives.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub initiative_ids: Vec<Uuid>,
    /// Related GBO projects.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub gbo_project_ids: Vec<Uuid>,
    /// Related actions.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub action_ids: Vec<Uuid>,
    /// Whom to ask.
    pub contact: Option<GboContact>,
    /// `draft` (the default); publishing is for the region's coordinator,
    /// steering and administrators.
    pub status: Option<PracticeStatus>,
    /// The day it was published; today when published without one.
    pub published_on: Option<NaiveDate>,
    /// When its content is to be reviewed.
    pub review_due: Option<NaiveDate>,
    /// Identifier in the caller's source system: unique there.
    #[schema(min_length = 1, max_length = 200)]
    pub external_id: Option<String>,
    /// Demo data: set by the command line only.
    #[serde(skip)]
    pub example: bool,
}

/// Changes to a practice (JSON merge patch): absent members stay as they
/// are, `null` clears an optional one, a list given replaces the list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PracticePatch {
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, min_length = 1, max_length = 300)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 2000)]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 100000)]
    pub body: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 10000)]
    pub problem: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 10000)]
    pub aim: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 20)]
    pub target_groups: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 10000)]
    pub approach: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 10000)]
    pub conditions: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 10000)]
    pub results: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Evidence>)]
    pub evidence: Option<Option<Evidence>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub themes: Option<Vec<Theme>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 20)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub region_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub organisation_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 20)]
    pub challenge_ids: Option<Vec<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 20)]
    pub regions: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 300)]
    pub municipalities: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 100)]
    pub organisation_ids: Option<Vec<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 100)]
    pub initiative_ids: Option<Vec<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 100)]
    pub gbo_project_ids: Option<Vec<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_items = 100)]
    pub action_ids: Option<Vec<Uuid>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<GboContact>)]
    pub contact: Option<Option<GboContact>>,
    /// Moving it along its life cycle is for the region's coordinator,
    /// steering and administrators.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub status: Option<PracticeStatus>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub published_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub review_due: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
}
