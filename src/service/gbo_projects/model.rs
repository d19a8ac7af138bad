//! A GBO project as clients see it, and the inputs that create and change one.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::results::{GboPart, GboStatus, missing_partner_kinds};
use crate::service::patch::{nullable, present};
use crate::service::{API_BASE, ServiceResult, corrupt};
use crate::storage::gbo_projects::{self as store, GboProjectRecord};

/// A local integrated-intake partnership (geïntegreerd breed onthaal): the
/// OCMW or local government, the CAW and the social services of the health
/// insurance funds, at least, working together against non-take-up of rights.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GboProject {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Name.
    pub name: String,
    /// NIS codes of the municipalities it serves, sorted.
    pub municipalities: Vec<String>,
    /// The regional platforms of those municipalities, sorted; they decide who
    /// may change the project.
    pub regions: Vec<String>,
    /// The primary care zone it works in; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_care_zone_id: Option<Uuid>,
    /// Partner organisations and their part.
    pub partners: Vec<GboPartner>,
    /// The core partner kinds (`localGovernment`, `caw`, `healthInsuranceFund`)
    /// it has no partner for yet; empty when complete.
    pub missing_partner_kinds: Vec<GboPart>,
    /// Whom to contact; absent when nobody is recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<GboContact>,
    /// Where the partnership stands.
    pub status: GboStatus,
    /// When it started; absent when not recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::domain::written::optional_date")]
    pub start_date: Option<NaiveDate>,
    /// Identifier in the source system that syncs it; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// `true` for demo data, which is never part of the plan.
    pub example: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    #[serde(serialize_with = "crate::domain::written::timestamp")]
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    #[serde(serialize_with = "crate::domain::written::timestamp")]
    pub updated_at: DateTime<Utc>,
}

/// A partner organisation and its part in the partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GboPartner {
    /// The organisation; at most once per project.
    pub organisation_id: Uuid,
    /// Its part.
    pub part: GboPart,
}

/// Whom to contact about a partnership.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GboContact {
    /// Name of a person or a desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// E-mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "onthaal@example.org")]
    pub email: Option<String>,
    /// Telephone number: digits, spaces and `+ ( ) . / -`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(
        example = "+32 11 22 33 44",
        max_length = 30,
        pattern = r"^[0-9 +()./-]*[0-9][0-9 +()./-]*$"
    )]
    pub phone: Option<String>,
}

impl GboContact {
    fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.phone.is_none()
    }
}

/// Changes to a contact (JSON merge patch): `null` removes a member.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GboContactPatch {
    /// Name of a person or a desk.
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// E-mail address.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Telephone number.
    #[schema(max_length = 30, pattern = r"^[0-9 +()./-]*[0-9][0-9 +()./-]*$")]
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
}

impl GboProject {
    pub(in crate::service) fn from_record(record: GboProjectRecord) -> ServiceResult<Self> {
        let row = record.row;
        let partners = record
            .partners
            .into_iter()
            .map(|(organisation_id, part)| {
                Ok(GboPartner {
                    organisation_id,
                    part: part.parse().map_err(corrupt)?,
                })
            })
            .collect::<ServiceResult<Vec<_>>>()?;
        let parts: Vec<GboPart> = partners.iter().map(|p| p.part).collect();
        let contact = GboContact {
            name: row.contact_name,
            email: row.contact_email,
            phone: row.contact_phone,
        };
        Ok(Self {
            self_link: format!("{API_BASE}/gboProjects/{}", row.id),
            id: row.id,
            name: row.name,
            municipalities: record.municipalities,
            regions: record.regions,
            primary_care_zone_id: row.primary_care_zone_id,
            missing_partner_kinds: missing_partner_kinds(&parts),
            partners,
            contact: (!contact.is_empty()).then_some(contact),
            status: row.status.parse().map_err(corrupt)?,
            start_date: row.start_date,
            external_id: row.external_id,
            example: row.example,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

crate::service::record::uuid_record!(GboProjectRecord => GboProject, "gboProject", lock = store::lock, view = GboProject::from_record);

/// A new GBO project.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GboProjectCreate {
    /// Name.
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    /// NIS codes of known municipalities; a coordinator creates projects in
    /// municipalities of their own region only.
    #[schema(min_items = 1, max_items = 300)]
    pub municipalities: Vec<String>,
    /// A primary care zone.
    pub primary_care_zone_id: Option<Uuid>,
    /// Partner organisations and their part; a project without the three core
    /// kinds is accepted and says which it lacks.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub partners: Vec<GboPartner>,
    /// Whom to contact.
    pub contact: Option<GboContact>,
    /// Where it stands; `active` when absent.
    pub status: Option<GboStatus>,
    /// When it started.
    pub start_date: Option<NaiveDate>,
    /// Identifier in the caller's source system (a service account's own; for
    /// people, the service's): unique there.
    #[schema(min_length = 1, max_length = 200)]
    pub external_id: Option<String>,
    /// Demo data: set by the command line for example projects, never by a
    /// request (the API refuses `example` as read-only).
    #[serde(skip)]
    pub example: bool,
    /// The source system of `external_id`: the writer's, never sent.
    #[serde(skip)]
    pub source: Option<Uuid>,
}

/// Changes to a GBO project (JSON merge patch): absent fields stay as they
/// are, `null` clears an optional field. A coordinator cannot change the
/// regions its municipalities lie in; a partner organisation cannot change
/// `partners` or `municipalities`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GboProjectPatch {
    /// Name.
    #[schema(min_length = 1, max_length = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// Municipalities (NIS codes).
    #[schema(min_items = 1, max_items = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub municipalities: Option<Vec<String>>,
    /// Primary care zone.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub primary_care_zone_id: Option<Option<Uuid>>,
    /// Partner organisations and their part; replaces the list.
    #[schema(max_items = 50)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub partners: Option<Vec<GboPartner>>,
    /// Whom to contact: merged member by member; `null` removes the contact.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<GboContactPatch>)]
    pub contact: Option<Option<GboContactPatch>>,
    /// Where it stands.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub status: Option<GboStatus>,
    /// When it started.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub start_date: Option<Option<NaiveDate>>,
    /// Identifier in the caller's source system; another one moves the
    /// record's to it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
    /// The source system of a new `external_id`: the writer's, never sent.
    #[serde(skip)]
    pub source: Option<Uuid>,
}
