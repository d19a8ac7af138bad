//! Primary care zones (eerstelijnszones) and their municipalities: readable
//! by anyone, maintained by administrators.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::patch::present;
use super::regions::{self, require_reference_editor};
use super::{
    API_BASE, Change, Conn, Creation, ServiceResult, Writer, check, check_list, ensure_valid,
    municipalities, record,
};
use crate::domain::plan::{check_nis_code, check_text};
use crate::domain::{InputIssue, Page, Principal};
use crate::storage::geography::{self as store, NewZone, ZoneChanges, ZoneRecord};

pub use crate::storage::geography::ZoneFilter;

/// Most municipalities one primary care zone may hold.
const MAX_ZONE_MUNICIPALITIES: usize = 100;

/// A primary care zone (eerstelijnszone), run by a care council (zorgraad).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrimaryCareZone {
    /// Identifier.
    pub id: Uuid,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The zone's own code; unique.
    #[schema(example = "ELZ-Genk")]
    pub code: String,
    /// Name.
    pub name: String,
    /// The regional platform it belongs to.
    #[schema(example = "limburg")]
    pub region_id: String,
    /// NIS codes of its municipalities, in ascending order; may be empty.
    pub municipalities: Vec<String>,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl From<ZoneRecord> for PrimaryCareZone {
    fn from(record: ZoneRecord) -> Self {
        let row = record.row;
        Self {
            self_link: format!("{API_BASE}/primaryCareZones/{}", row.id),
            id: row.id,
            code: row.code,
            name: row.name,
            region_id: row.region_id,
            municipalities: record.municipalities,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

record::uuid_record!(ZoneRecord => PrimaryCareZone, "primaryCareZone", lock = store::lock_zone, view = From);

/// A new primary care zone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrimaryCareZoneCreate {
    /// The zone's own code: 1 to 40 letters, digits, `.`, `_`, `-`, starting with a letter or digit; unique.
    #[schema(example = "ELZ-Genk", pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    pub code: String,
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The regional platform it belongs to.
    #[schema(example = "limburg")]
    pub region_id: String,
    /// NIS codes of known municipalities, at most 100, none repeated; empty when absent.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub municipalities: Vec<String>,
}

/// Changes to a primary care zone (JSON merge patch): absent fields stay as
/// they are; `municipalities` replaces the whole list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrimaryCareZonePatch {
    /// The zone's own code; unique.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// The regional platform it belongs to.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub region_id: Option<String>,
    /// NIS codes of known municipalities, at most 100, none repeated.
    #[schema(max_items = 100)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub municipalities: Option<Vec<String>>,
}

/// A zone code: `^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`.
fn check_zone_code(code: &str) -> Result<(), &'static str> {
    let mut bytes = code.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphanumeric());
    if first_ok
        && code.len() <= 40
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        Ok(())
    } else {
        Err("must be 1 to 40 letters, digits, '.', '_' or '-', starting with a letter or digit")
    }
}

fn check_fields(
    issues: &mut Vec<InputIssue>,
    code: Option<&str>,
    name: Option<&str>,
    municipalities: Option<&[String]>,
) {
    if let Some(code) = code {
        check(issues, "code", check_zone_code(code), || code.into());
    }
    if let Some(name) = name {
        check(issues, "name", check_text(name, 200), || name.into());
    }
    if let Some(codes) = municipalities {
        check_list(issues, "municipalities", codes, 0, MAX_ZONE_MUNICIPALITIES);
        for code in codes {
            check(issues, "municipalities", check_nis_code(code), || {
                code.clone().into()
            });
        }
    }
}

/// The region and the municipalities must exist.
async fn check_references(
    conn: &mut Conn,
    region_id: Option<&str>,
    codes: Option<&[String]>,
) -> ServiceResult<()> {
    let mut issues = Vec::new();
    if let Some(region) = region_id {
        regions::check_known(conn, &mut issues, "regionId", region).await?;
    }
    if let Some(codes) = codes {
        municipalities::check_known(conn, &mut issues, "municipalities", codes).await?;
    }
    ensure_valid(issues)
}

/// A page of the zones that `filter` selects, in `sort` order.
pub async fn list(
    conn: &mut Conn,
    filter: &ZoneFilter,
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<PrimaryCareZone>, i64)> {
    let (records, total) = store::list_zones(conn, filter, sort, &page).await?;
    Ok((
        records.into_iter().map(PrimaryCareZone::from).collect(),
        total,
    ))
}

/// A zone.
pub async fn read(conn: &mut Conn, id: Uuid) -> ServiceResult<PrimaryCareZone> {
    Ok(store::get_zone(conn, id).await?.into())
}

impl Creation for PrimaryCareZoneCreate {
    type Admission = ();
    type View = PrimaryCareZone;
    async fn admit(&self, conn: &mut Conn, _: &Principal) -> ServiceResult<()> {
        check_references(conn, Some(&self.region_id), Some(&self.municipalities)).await
    }
    async fn insert(self, conn: &mut Conn, _: Self::Admission) -> ServiceResult<PrimaryCareZone> {
        let id = store::insert_zone(
            conn,
            NewZone {
                code: self.code,
                name: self.name.trim().to_owned(),
                region_id: self.region_id,
            },
        )
        .await?;
        store::set_zone_municipalities(conn, id, &self.municipalities).await?;
        Ok(store::get_zone(conn, id).await?.into())
    }
}

/// Creates a zone. Administrators.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    input: PrimaryCareZoneCreate,
) -> ServiceResult<PrimaryCareZone> {
    require_reference_editor(writer.principal)?;
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        Some(&input.code),
        Some(&input.name),
        Some(&input.municipalities),
    );
    ensure_valid(issues)?;
    record::create(conn, writer, input).await
}

impl Change<ZoneRecord> for PrimaryCareZonePatch {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: ZoneRecord,
        _: Self::Admission,
    ) -> ServiceResult<Option<PrimaryCareZone>> {
        check_references(
            conn,
            self.region_id.as_deref(),
            self.municipalities.as_deref(),
        )
        .await?;
        let id = current.row.id;
        store::update_zone(
            conn,
            id,
            ZoneChanges {
                code: self.code,
                name: self.name.map(|n| n.trim().to_owned()),
                region_id: self.region_id,
            },
        )
        .await?;
        if let Some(codes) = &self.municipalities {
            store::set_zone_municipalities(conn, id, codes).await?;
        }
        Ok(Some(store::get_zone(conn, id).await?.into()))
    }
}

/// Changes a zone at version `expected`. Administrators.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    patch: PrimaryCareZonePatch,
) -> ServiceResult<PrimaryCareZone> {
    require_reference_editor(writer.principal)?;
    let expected = record::expected(expected)?;
    let mut issues = Vec::new();
    check_fields(
        &mut issues,
        patch.code.as_deref(),
        patch.name.as_deref(),
        patch.municipalities.as_deref(),
    );
    regions::check_id_field(&mut issues, patch.region_id.as_deref());
    ensure_valid(issues)?;
    record::update::<ZoneRecord, _>(conn, writer, &id, expected, patch).await
}

impl Change<ZoneRecord> for record::Removal {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: ZoneRecord,
        _: Self::Admission,
    ) -> ServiceResult<Option<PrimaryCareZone>> {
        let id = current.row.id;
        let references = store::zone_references(conn, id).await?;
        record::unreferenced(references, "the primary care zone is still referred to by")?;
        store::delete_zone(conn, id).await?;
        Ok(None)
    }
}

/// Deletes a zone at version `expected`, unless initiatives refer to it.
/// Administrators.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
) -> ServiceResult<()> {
    record::remove_as::<ZoneRecord>(conn, writer, require_reference_editor, &id, expected).await
}

#[cfg(test)]
mod tests {
    use super::check_zone_code;

    #[test]
    fn zone_codes_follow_the_pattern() {
        for ok in ["ELZ-Genk", "a", "1.2_3-x", &"a".repeat(40)] {
            assert!(check_zone_code(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-a", "a b", "é", &"a".repeat(41)] {
            assert!(check_zone_code(bad).is_err(), "{bad}");
        }
    }
}
