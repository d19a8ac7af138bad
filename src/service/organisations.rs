//! Organisations: the partners that lead and take part in the work, and who
//! may write which.

pub mod export;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::patch::{nullable, present, sourced};
use super::{
    API_BASE, Change, Conn, Creation, ServiceResult, Writer, check, corrupt, ensure_valid, record,
    regions,
};
use crate::auth::permissions::{self, Operation, Resource, Write};
use crate::domain::plan::{check_external_id, check_nis_code, check_ovo_code, check_text};
use crate::domain::{EnterpriseNumber, InputIssue, OrganisationKind, Page, Principal};
use crate::storage::organisations::{
    self as store, NewOrganisation, OrganisationChanges, OrganisationRow,
};

pub use crate::storage::organisations::OrganisationFilter;

/// An organisation: a local government or OCMW, a CAW, a health insurance fund,
/// a university (college), an association, a citizen initiative, ...
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Organisation {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Name.
    pub name: String,
    /// Kind of organisation.
    pub kind: OrganisationKind,
    /// KBO enterprise number, 10 bare digits; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "0123456749", pattern = "^[01][0-9]{9}$")]
    pub enterprise_number: Option<String>,
    /// OVO code of a Flemish public organisation; absent when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "OVO000001")]
    pub ovo_code: Option<String>,
    /// Regional platform the organisation belongs to; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    /// NIS code of its municipality; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "71016", pattern = "^[0-9]{5}$")]
    pub municipality: Option<String>,
    /// Web site; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
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

impl Organisation {
    fn from_row(row: OrganisationRow) -> ServiceResult<Self> {
        Ok(Self {
            self_link: format!("{API_BASE}/organisations/{}", row.id),
            id: row.id,
            name: row.name,
            kind: row.kind.parse().map_err(corrupt)?,
            enterprise_number: row.enterprise_number,
            ovo_code: row.ovo_code,
            region_id: row.region_id,
            municipality: row.municipality_nis,
            website: row.website,
            external_id: row.external_id,
            example: row.example,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

record::uuid_record!(OrganisationRow => Organisation, "organisation", lock = store::lock, view = Organisation::from_row);

/// A new organisation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrganisationCreate {
    /// Name.
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    /// Kind of organisation.
    pub kind: OrganisationKind,
    /// KBO enterprise number; `0123456749`, `0123.456.749`, `BE0123456749` and
    /// `123456749` (a spreadsheet dropped the leading zero) are accepted.
    #[schema(example = "0123.456.749")]
    pub enterprise_number: Option<String>,
    /// OVO code, `OVO` and six digits.
    #[schema(example = "OVO000001")]
    pub ovo_code: Option<String>,
    /// Regional platform; a coordinator can only create organisations in their own region.
    pub region_id: Option<String>,
    /// NIS code of a known municipality.
    #[schema(pattern = "^[0-9]{5}$")]
    pub municipality: Option<String>,
    /// Web site, an `http` or `https` URL.
    #[schema(max_length = 500)]
    pub website: Option<String>,
    /// Identifier in the caller's source system (a service account's own; for
    /// people, the service's): unique there.
    #[schema(min_length = 1, max_length = 200)]
    pub external_id: Option<String>,
    /// Demo data: set by the command line for example organisations, never
    /// by a request (the API refuses `example` as read-only).
    #[serde(skip)]
    pub example: bool,
    /// The source system of `external_id`: the writer's, never sent.
    #[serde(skip)]
    pub source: Option<Uuid>,
}

/// Changes to an organisation (JSON merge patch): absent fields stay as they
/// are, `null` clears an optional field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrganisationPatch {
    /// Name.
    #[schema(min_length = 1, max_length = 300)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// Kind of organisation.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub kind: Option<OrganisationKind>,
    /// KBO enterprise number.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub enterprise_number: Option<Option<String>>,
    /// OVO code.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub ovo_code: Option<Option<String>>,
    /// Regional platform. Coordinators and contributors cannot change it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub region_id: Option<Option<String>>,
    /// NIS code of a known municipality.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub municipality: Option<Option<String>>,
    /// Web site.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
    /// Identifier in the caller's source system; another one moves the
    /// record's to it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_id: Option<Option<String>>,
    /// The source system of a new `external_id`: the writer's, never sent.
    #[serde(skip)]
    pub source: Option<Uuid>,
}

fn check_website(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host)
            if !host.is_empty()
                && url.len() <= 500
                && url.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(())
        }
        _ => Err("must be an http or https URL of at most 500 characters"),
    }
}

/// The values an organisation write may carry, each checked on its own.
struct Values<'a> {
    name: Option<&'a str>,
    enterprise_number: Option<&'a str>,
    ovo_code: Option<&'a str>,
    region_id: Option<&'a str>,
    municipality: Option<&'a str>,
    website: Option<&'a str>,
    external_id: Option<&'a str>,
}

/// Checks the values; returns the enterprise number in its bare form.
fn check_values(v: &Values<'_>) -> ServiceResult<Option<String>> {
    let mut issues = Vec::new();
    if let Some(name) = v.name {
        check(&mut issues, "name", check_text(name, 300), || name.into());
    }
    let number = v.enterprise_number.and_then(|n| {
        EnterpriseNumber::parse(n)
            .map_err(|e| issues.push(InputIssue::body("enterpriseNumber", e).with_value(n.into())))
            .ok()
            .map(|n| n.as_str().to_owned())
    });
    if let Some(code) = v.ovo_code {
        check(&mut issues, "ovoCode", check_ovo_code(code), || code.into());
    }
    if let Some(nis) = v.municipality {
        check(&mut issues, "municipality", check_nis_code(nis), || {
            nis.into()
        });
    }
    if let Some(url) = v.website {
        check(&mut issues, "website", check_website(url), || url.into());
    }
    if let Some(id) = v.external_id {
        check(&mut issues, "externalId", check_external_id(id), || {
            id.into()
        });
    }
    regions::check_id_field(&mut issues, v.region_id);
    ensure_valid(issues)?;
    Ok(number)
}

/// The value a merge-patch member sets, if any.
fn given(member: &Option<Option<String>>) -> Option<&str> {
    member.as_ref().and_then(Option::as_deref)
}

/// References must name existing records.
async fn check_references(
    conn: &mut Conn,
    region_id: Option<&str>,
    municipality: Option<&str>,
) -> ServiceResult<()> {
    let mut issues = Vec::new();
    if let Some(region) = region_id {
        regions::check_known(conn, &mut issues, "regionId", region).await?;
    }
    if let Some(nis) = municipality {
        super::municipalities::check_known(conn, &mut issues, "municipality", &[nis.to_owned()])
            .await?;
    }
    ensure_valid(issues)
}

fn require(principal: &Principal, operation: Operation) -> ServiceResult<()> {
    Ok(permissions::require(
        principal,
        Resource::Organisations,
        operation,
    )?)
}

/// An organisation. Any signed-in caller.
pub async fn read(conn: &mut Conn, principal: &Principal, id: Uuid) -> ServiceResult<Organisation> {
    require(principal, Operation::Read)?;
    Organisation::from_row(store::get(conn, id).await?)
}

/// The organisation with this external id in the caller's source system,
/// else the one with this enterprise number (any notation), if any. Any
/// signed-in caller.
pub async fn find_by_key(
    conn: &mut Conn,
    principal: &Principal,
    external_id: Option<&str>,
    enterprise_number: Option<&str>,
) -> ServiceResult<Option<Organisation>> {
    require(principal, Operation::Read)?;
    let number = enterprise_number.and_then(|n| EnterpriseNumber::parse(n).ok());
    store::by_key(
        conn,
        external_id,
        principal.source_system(),
        number.as_ref().map(EnterpriseNumber::as_str),
    )
    .await?
    .map(Organisation::from_row)
    .transpose()
}

/// A page of the organisations that `filter` selects, in `sort` order. Any signed-in caller.
pub async fn list(
    conn: &mut Conn,
    principal: &Principal,
    filter: &OrganisationFilter,
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<Organisation>, i64)> {
    require(principal, Operation::Read)?;
    let filter = OrganisationFilter {
        external_source: principal.source_system().map(Some),
        ..filter.clone()
    };
    let (rows, total) = store::list(conn, &filter, sort, &page).await?;
    let items = rows
        .into_iter()
        .map(Organisation::from_row)
        .collect::<ServiceResult<_>>()?;
    Ok((items, total))
}

impl Creation for OrganisationCreate {
    type Admission = ();
    type View = Organisation;
    async fn admit(&self, conn: &mut Conn, principal: &Principal) -> ServiceResult<()> {
        permissions::organisation_write(principal, Write::Create, None, self.region_id.as_deref())?;
        check_references(
            conn,
            self.region_id.as_deref(),
            self.municipality.as_deref(),
        )
        .await
    }
    async fn insert(self, conn: &mut Conn, _: Self::Admission) -> ServiceResult<Organisation> {
        let row = store::insert(
            conn,
            NewOrganisation {
                name: self.name.trim().to_owned(),
                kind: self.kind.as_str().to_owned(),
                enterprise_number: self.enterprise_number,
                ovo_code: self.ovo_code,
                region_id: self.region_id,
                municipality_nis: self.municipality,
                website: self.website,
                external_source: self.external_id.as_ref().and(self.source),
                external_id: self.external_id,
                example: self.example,
            },
        )
        .await?;
        Organisation::from_row(row)
    }
}

/// Creates an organisation. Steering and administrators anywhere, a
/// coordinator in their own region.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    mut input: OrganisationCreate,
) -> ServiceResult<Organisation> {
    require(writer.principal, Operation::Write)?;
    input.source = writer.principal.source_system();
    // A new organisation's region is judged by the permission and by whether
    // it exists.
    input.enterprise_number = check_values(&Values {
        name: Some(&input.name),
        enterprise_number: input.enterprise_number.as_deref(),
        ovo_code: input.ovo_code.as_deref(),
        municipality: input.municipality.as_deref(),
        website: input.website.as_deref(),
        external_id: input.external_id.as_deref(),
        region_id: None,
    })?;
    record::create(conn, writer, input).await
}

impl Change<OrganisationRow> for OrganisationPatch {
    type Admission = ();
    async fn admit(
        &self,
        _: &mut Conn,
        principal: &Principal,
        current: &OrganisationRow,
    ) -> ServiceResult<()> {
        let region_after = match &self.region_id {
            Some(region) => region.as_deref(),
            None => current.region_id.as_deref(),
        };
        Ok(permissions::organisation_write(
            principal,
            Write::Update,
            Some((current.id, current.region_id.as_deref())),
            region_after,
        )?)
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: OrganisationRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Organisation>> {
        check_references(conn, given(&self.region_id), given(&self.municipality)).await?;
        let row = store::update(
            conn,
            current.id,
            OrganisationChanges {
                name: self.name.map(|n| n.trim().to_owned()),
                kind: self.kind.map(|k| k.as_str().to_owned()),
                enterprise_number: self.enterprise_number,
                ovo_code: self.ovo_code,
                region_id: self.region_id,
                municipality_nis: self.municipality,
                website: self.website,
                external_source: sourced(&self.external_id, &current.external_id, self.source),
                external_id: self.external_id,
            },
        )
        .await?;
        Organisation::from_row(row).map(Some)
    }
}

/// Changes an organisation at version `expected`. Steering and
/// administrators any; a coordinator those of their region, without moving
/// them; a contributor its own organisation, without changing its region.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    mut patch: OrganisationPatch,
) -> ServiceResult<Organisation> {
    require(writer.principal, Operation::Write)?;
    let expected = record::expected(expected)?;
    let number = check_values(&Values {
        name: patch.name.as_deref(),
        enterprise_number: given(&patch.enterprise_number),
        ovo_code: given(&patch.ovo_code),
        municipality: given(&patch.municipality),
        website: given(&patch.website),
        external_id: given(&patch.external_id),
        region_id: given(&patch.region_id),
    })?;
    patch.enterprise_number = patch.enterprise_number.map(|n| n.and(number));
    patch.source = writer.principal.source_system();
    record::update::<OrganisationRow, _>(conn, writer, &id, expected, patch).await
}

impl Change<OrganisationRow> for record::Removal {
    type Admission = ();
    async fn admit(
        &self,
        _: &mut Conn,
        principal: &Principal,
        current: &OrganisationRow,
    ) -> ServiceResult<()> {
        Ok(permissions::organisation_write(
            principal,
            Write::Delete,
            Some((current.id, current.region_id.as_deref())),
            None,
        )?)
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: OrganisationRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Organisation>> {
        let references = store::references(conn, current.id).await?;
        record::unreferenced(references, "the organisation is still referred to by")?;
        store::delete(conn, current.id).await?;
        Ok(None)
    }
}

/// Deletes an organisation at version `expected`, unless other records refer
/// to it. Steering and administrators.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
) -> ServiceResult<()> {
    record::remove_as::<OrganisationRow>(
        conn,
        writer,
        |p| require(p, Operation::Write),
        &id,
        expected,
    )
    .await
}
