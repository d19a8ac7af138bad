//! The regional platforms, readable by anyone and maintained by
//! administrators, and how other records refer to them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::patch::present;
use super::{
    API_BASE, Audited, Change, Conn, Creation, Record, ServiceError, ServiceResult, Writer, check,
    check_path, ensure_valid, record,
};
use crate::auth::permissions::{self, Operation, Resource};
use crate::domain::plan::{check_nis_code, check_region_id, check_text};
use crate::domain::{InputIssue, Principal};
use crate::storage::geography::{self as store, NewRegion, RegionChanges};
use crate::storage::reference::{self, RegionRow};

/// A regional platform of Sterk Sociaal Werk, or Flanders as a whole.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    /// Identifier, used in filters and scopes (`limburg`).
    #[schema(example = "limburg")]
    pub id: String,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Name.
    pub name: String,
    /// NIS code of the province, or of the Brussels-Capital or Flemish Region.
    #[schema(example = "70000", pattern = "^[0-9]{5}$")]
    pub nis_code: String,
    /// `true` for the Flanders-wide pseudo-region.
    pub flanders_wide: bool,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl From<RegionRow> for Region {
    fn from(row: RegionRow) -> Self {
        Self {
            self_link: format!("{API_BASE}/regions/{}", row.id),
            id: row.id,
            name: row.name,
            nis_code: row.nis_code,
            flanders_wide: row.flanders_wide,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

impl Audited for Region {
    const RESOURCE: &'static str = "region";
    fn audit_key(&self) -> String {
        self.id.clone()
    }
    fn version(&self) -> i32 {
        self.version
    }
    fn self_link(&self) -> String {
        self.self_link.clone()
    }
}

impl Record for RegionRow {
    type Key = str;
    type View = Region;
    async fn lock(conn: &mut Conn, id: &str) -> ServiceResult<Self> {
        Ok(store::lock_region(conn, id).await?)
    }
    fn view(&self) -> ServiceResult<Region> {
        Ok(Region::from(self.clone()))
    }
}

/// A new regional platform. It is listed after the existing ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegionCreate {
    /// Identifier: a lowercase slug, 2 to 40 characters, starting with a letter. It cannot change later.
    #[schema(example = "oost-vlaanderen", pattern = "^[a-z][a-z0-9-]{1,39}$")]
    pub id: String,
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// NIS code of the province, or of the Brussels-Capital or Flemish Region; unique.
    #[schema(example = "40000", pattern = "^[0-9]{5}$")]
    pub nis_code: String,
    /// `true` for a Flanders-wide pseudo-region; `false` when absent.
    #[serde(default)]
    pub flanders_wide: bool,
}

/// Changes to a regional platform (JSON merge patch): absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegionPatch {
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// NIS code; unique.
    #[schema(pattern = "^[0-9]{5}$")]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub nis_code: Option<String>,
    /// `true` for a Flanders-wide pseudo-region.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub flanders_wide: Option<bool>,
}

/// Only administrators maintain reference data: regions, municipalities and
/// primary care zones.
pub(super) fn require_reference_editor(principal: &Principal) -> ServiceResult<()> {
    Ok(permissions::require(
        principal,
        Resource::ReferenceData,
        Operation::Write,
    )?)
}

/// A region id named in the path.
fn check_path_id(id: &str) -> ServiceResult<()> {
    check_path("id", id, check_region_id)
}

/// The fields a region write may carry, each checked on its own.
fn check_fields(issues: &mut Vec<InputIssue>, name: Option<&str>, nis_code: Option<&str>) {
    if let Some(name) = name {
        check(issues, "name", check_text(name, 200), || name.into());
    }
    if let Some(nis) = nis_code {
        check(issues, "nisCode", check_nis_code(nis), || nis.into());
    }
}

/// A region id in a body has the form of one; whether the region exists is
/// checked later, with the record.
pub(super) fn check_id_field(issues: &mut Vec<InputIssue>, value: Option<&str>) {
    if let Some(region) = value {
        check(issues, "regionId", check_region_id(region), || {
            region.to_owned().into()
        });
    }
}

/// A reference to a region names one; `missing` are the referenced ids,
/// looked up together, that name none.
pub(super) fn check_reference(
    issues: &mut Vec<InputIssue>,
    field: &str,
    region: &str,
    missing: &[String],
) {
    if missing.iter().any(|m| m == region) {
        issues.push(InputIssue::body(field, "no such region").with_value(region.into()));
    }
}

/// Looks up the region one record refers to and judges the reference.
pub(super) async fn check_known(
    conn: &mut Conn,
    issues: &mut Vec<InputIssue>,
    field: &str,
    region: &str,
) -> ServiceResult<()> {
    let missing = store::regions_missing(conn, &[region.to_owned()]).await?;
    check_reference(issues, field, region, &missing);
    Ok(())
}

/// Every region, in the usual order.
pub async fn list(conn: &mut Conn) -> ServiceResult<Vec<Region>> {
    let rows = reference::list_regions(conn).await?;
    Ok(rows.into_iter().map(Region::from).collect())
}

/// A region.
pub async fn read(conn: &mut Conn, id: &str) -> ServiceResult<Region> {
    check_path_id(id)?;
    Ok(Region::from(reference::get_region(conn, id).await?))
}

impl Creation for RegionCreate {
    type Admission = ();
    type View = Region;
    async fn admit(&self, conn: &mut Conn, _: &Principal) -> ServiceResult<()> {
        if reference::region_exists(conn, &self.id).await? {
            return Err(ServiceError::Conflict(format!(
                "a region with id {} already exists",
                self.id
            )));
        }
        Ok(())
    }
    async fn insert(self, conn: &mut Conn, _: Self::Admission) -> ServiceResult<Region> {
        let row = store::insert_region(
            conn,
            NewRegion {
                id: self.id,
                name: self.name.trim().to_owned(),
                nis_code: self.nis_code,
                flanders_wide: self.flanders_wide,
            },
        )
        .await?;
        Ok(Region::from(row))
    }
}

/// Creates a region. Administrators.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    input: RegionCreate,
) -> ServiceResult<Region> {
    require_reference_editor(writer.principal)?;
    let mut issues = Vec::new();
    check(&mut issues, "id", check_region_id(&input.id), || {
        input.id.clone().into()
    });
    check_fields(&mut issues, Some(&input.name), Some(&input.nis_code));
    ensure_valid(issues)?;
    record::create(conn, writer, input).await
}

impl Change<RegionRow> for RegionPatch {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: RegionRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Region>> {
        let row = store::update_region(
            conn,
            &current.id,
            RegionChanges {
                name: self.name.map(|n| n.trim().to_owned()),
                nis_code: self.nis_code,
                flanders_wide: self.flanders_wide,
            },
        )
        .await?;
        Ok(Some(Region::from(row)))
    }
}

/// Changes a region at version `expected`; its id stays. Administrators.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: &str,
    expected: Option<i32>,
    patch: RegionPatch,
) -> ServiceResult<Region> {
    require_reference_editor(writer.principal)?;
    check_path_id(id)?;
    let expected = record::expected(expected)?;
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        patch.name.as_deref(),
        patch.nis_code.as_deref(),
    );
    ensure_valid(issues)?;
    record::update::<RegionRow, _>(conn, writer, id, expected, patch).await
}

impl Change<RegionRow> for record::Removal {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: RegionRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Region>> {
        let references = store::region_references(conn, &current.id).await?;
        record::unreferenced(references, "the region is still referred to by")?;
        store::delete_region(conn, &current.id).await?;
        Ok(None)
    }
}

/// Deletes a region at version `expected`, unless other records refer to it.
/// Administrators.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: &str,
    expected: Option<i32>,
) -> ServiceResult<()> {
    require_reference_editor(writer.principal)?;
    check_path_id(id)?;
    let expected = record::expected(expected)?;
    record::remove::<RegionRow>(conn, writer, id, expected).await
}

#[cfg(test)]
mod tests {
    use super::check_region_id;

    #[test]
    fn region_ids_are_lowercase_slugs() {
        for ok in ["limburg", "oost-vlaanderen", "r2", "a-"] {
            assert!(check_region_id(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "Limburg",
            "2limburg",
            "-x",
            "west_vlaanderen",
            &"a".repeat(41),
        ] {
            assert!(check_region_id(bad).is_err(), "{bad}");
        }
    }
}
