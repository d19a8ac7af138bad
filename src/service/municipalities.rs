//! Municipalities, keyed by NIS code and valid between dates because
//! municipalities merge; readable by anyone, maintained by administrators.
//! Their rules serve a single write and each item of an import alike.

pub mod export;
pub mod import;
mod rules;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::patch::{nullable, present};
use super::regions::{self, require_reference_editor};
use super::{
    API_BASE, Audited, Change, Conn, Creation, Record, ServiceError, ServiceResult, Writer,
    check_path, ensure_valid, record,
};
use crate::domain::Page;
use crate::domain::plan::check_nis_code;
use crate::storage::geography::{
    self as store, MunicipalityChanges, MunicipalityRow, NewMunicipality,
};
use rules::{
    Values, check_move, check_municipality, check_period, check_values, initiatives_outside,
};

pub(super) use rules::check_known;

pub use crate::storage::geography::MunicipalityFilter;

/// A municipality (gemeente), valid from a date and, once merged into another, to a date.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Municipality {
    /// NIS code, five digits; the identifier.
    #[schema(example = "71016", pattern = "^[0-9]{5}$")]
    pub nis_code: String,
    /// URL of this resource.
    #[serde(rename = "self")]
    pub self_link: String,
    /// Name (Dutch).
    #[schema(example = "Genk")]
    pub name: String,
    /// French name; absent when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_fr: Option<String>,
    /// NIS code of its province: 10000 Antwerpen, 20001 Vlaams-Brabant,
    /// 30000 West-Vlaanderen, 40000 Oost-Vlaanderen, 70000 Limburg; absent for
    /// a municipality outside the provinces (Brussels).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "70000")]
    pub province_nis_code: Option<String>,
    /// The regional platform it belongs to.
    #[schema(example = "limburg")]
    pub region_id: String,
    /// First day it exists.
    pub valid_from: NaiveDate,
    /// Last day it exists; absent while it still does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// Changes on every write; send it back in `If-Match`.
    pub version: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time of the last change.
    pub updated_at: DateTime<Utc>,
}

impl From<MunicipalityRow> for Municipality {
    fn from(row: MunicipalityRow) -> Self {
        Self {
            self_link: format!("{API_BASE}/municipalities/{}", row.nis_code),
            nis_code: row.nis_code,
            name: row.name,
            name_fr: row.name_fr,
            province_nis_code: row.province_nis,
            region_id: row.region_id,
            valid_from: row.valid_from,
            valid_to: row.valid_to,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

impl Audited for Municipality {
    const RESOURCE: &'static str = "municipality";
    fn audit_key(&self) -> String {
        self.nis_code.clone()
    }
    fn version(&self) -> i32 {
        self.version
    }
    fn self_link(&self) -> String {
        self.self_link.clone()
    }
}

impl Record for MunicipalityRow {
    type Key = str;
    type View = Municipality;
    async fn lock(conn: &mut Conn, nis_code: &str) -> ServiceResult<Self> {
        Ok(store::lock_municipality(conn, nis_code).await?)
    }
    fn view(&self) -> ServiceResult<Municipality> {
        Ok(Municipality::from(self.clone()))
    }
}

/// A new municipality, or one item of an import.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MunicipalityCreate {
    /// NIS code, five digits; unique.
    #[schema(example = "71016", pattern = "^[0-9]{5}$")]
    pub nis_code: String,
    /// Name (Dutch).
    #[schema(example = "Genk", min_length = 1, max_length = 200)]
    pub name: String,
    /// French name.
    #[schema(min_length = 1, max_length = 200)]
    pub name_fr: Option<String>,
    /// NIS code of its province: one of 10000, 20001, 30000, 40000, 70000.
    #[schema(example = "70000")]
    pub province_nis_code: Option<String>,
    /// The regional platform it belongs to.
    #[schema(example = "limburg")]
    pub region_id: String,
    /// First day it exists; from 1800 to 2100.
    pub valid_from: NaiveDate,
    /// Last day it exists; not before `validFrom`.
    pub valid_to: Option<NaiveDate>,
}

impl MunicipalityCreate {
    /// The row that holds these values.
    pub(super) fn into_new(self) -> NewMunicipality {
        NewMunicipality {
            nis_code: self.nis_code,
            name: self.name.trim().to_owned(),
            name_fr: self.name_fr.map(|n| n.trim().to_owned()),
            province_nis: self.province_nis_code,
            region_id: self.region_id,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
        }
    }
}

/// Changes to a municipality (JSON merge patch): absent fields stay as they
/// are, `null` clears an optional field. The NIS code cannot change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MunicipalityPatch {
    /// Name (Dutch).
    #[schema(min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    /// French name.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub name_fr: Option<Option<String>>,
    /// NIS code of its province.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub province_nis_code: Option<Option<String>>,
    /// The regional platform it belongs to.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub region_id: Option<String>,
    /// First day it exists.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub valid_from: Option<NaiveDate>,
    /// Last day it exists; set it when the municipality merges into another.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub valid_to: Option<Option<NaiveDate>>,
}

/// A NIS code named in the path.
fn check_path_code(nis_code: &str) -> ServiceResult<()> {
    check_path("nisCode", nis_code, check_nis_code)
}

/// A page of the municipalities that `filter` selects, in `sort` order.
pub async fn list(
    conn: &mut Conn,
    filter: &MunicipalityFilter,
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<Municipality>, i64)> {
    let (rows, total) = store::list_municipalities(conn, filter, sort, &page).await?;
    Ok((rows.into_iter().map(Municipality::from).collect(), total))
}

/// A municipality.
pub async fn read(conn: &mut Conn, nis_code: &str) -> ServiceResult<Municipality> {
    check_path_code(nis_code)?;
    Ok(store::get_municipality(conn, nis_code).await?.into())
}

impl Creation for MunicipalityCreate {
    type Admission = ();
    type View = Municipality;
    /// The region was judged before: by `create`, or for a whole import.
    async fn insert(self, conn: &mut Conn, _: Self::Admission) -> ServiceResult<Municipality> {
        let row = store::insert_municipality(conn, self.into_new()).await?;
        Ok(Municipality::from(row))
    }
}

/// Creates a municipality. Administrators.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    input: MunicipalityCreate,
) -> ServiceResult<Municipality> {
    require_reference_editor(writer.principal)?;
    let mut issues = Vec::new();
    check_municipality(&mut issues, "", &input);
    ensure_valid(issues)?;
    let mut issues = Vec::new();
    regions::check_known(conn, &mut issues, "regionId", &input.region_id).await?;
    ensure_valid(issues)?;
    record::create(conn, writer, input).await
}

impl Change<MunicipalityRow> for MunicipalityPatch {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: MunicipalityRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Municipality>> {
        let mut issues = Vec::new();
        check_period(
            &mut issues,
            "",
            self.valid_from.unwrap_or(current.valid_from),
            self.valid_to.unwrap_or(current.valid_to),
        );
        if let Some(region) = &self.region_id {
            regions::check_known(conn, &mut issues, "regionId", region).await?;
        }
        ensure_valid(issues)?;
        if let Some(region) = &self.region_id {
            let moves = [(current.nis_code.clone(), region.clone())];
            let outside = initiatives_outside(conn, &moves).await?;
            let outside = outside
                .get(&current.nis_code)
                .map_or(&[][..], Vec::as_slice);
            check_move(&current, region, outside, None)?;
        }
        let moved = self
            .region_id
            .as_ref()
            .is_some_and(|region| *region != current.region_id);
        let row = store::update_municipality(
            conn,
            &current.nis_code,
            MunicipalityChanges {
                name: self.name.map(|n| n.trim().to_owned()),
                name_fr: self.name_fr.map(|n| n.map(|n| n.trim().to_owned())),
                province_nis: self.province_nis_code,
                region_id: self.region_id,
                valid_from: self.valid_from,
                valid_to: self.valid_to,
            },
        )
        .await?;
        if moved {
            super::gbo_projects::municipalities_moved(conn, std::slice::from_ref(&row.nis_code))
                .await?;
        }
        Ok(Some(Municipality::from(row)))
    }
}

/// Changes a municipality at version `expected`; its NIS code stays. A new
/// region is refused (409) while initiatives that name the municipality
/// would lie outside it. Administrators.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    nis_code: &str,
    expected: Option<i32>,
    patch: MunicipalityPatch,
) -> ServiceResult<Municipality> {
    require_reference_editor(writer.principal)?;
    check_path_code(nis_code)?;
    let expected = record::expected(expected)?;
    let mut issues = Vec::new();
    check_values(
        &mut issues,
        "",
        &Values {
            name: patch.name.as_deref(),
            name_fr: patch.name_fr.as_ref().and_then(Option::as_deref),
            province: patch.province_nis_code.as_ref().and_then(Option::as_deref),
            valid_from: patch.valid_from,
            valid_to: patch.valid_to.flatten(),
        },
    );
    regions::check_id_field(&mut issues, patch.region_id.as_deref());
    ensure_valid(issues)?;
    record::update::<MunicipalityRow, _>(conn, writer, nis_code, expected, patch).await
}

impl Change<MunicipalityRow> for record::Removal {
    type Admission = ();
    async fn apply(
        self,
        conn: &mut Conn,
        current: MunicipalityRow,
        _: Self::Admission,
    ) -> ServiceResult<Option<Municipality>> {
        let references = store::municipality_references(conn, &current.nis_code).await?;
        // As `record::unreferenced`, with the way out: retiring it.
        if !references.is_empty() {
            return Err(ServiceError::Conflict(format!(
                "the municipality is still referred to by {}; set validTo to retire it instead",
                references.join(", ")
            )));
        }
        store::delete_municipality(conn, &current.nis_code).await?;
        Ok(None)
    }
}

/// Deletes a municipality at version `expected`, unless other records refer
/// to it (a merged municipality keeps its record, with `validTo`). Administrators.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    nis_code: &str,
    expected: Option<i32>,
) -> ServiceResult<()> {
    require_reference_editor(writer.principal)?;
    check_path_code(nis_code)?;
    let expected = record::expected(expected)?;
    record::remove::<MunicipalityRow>(conn, writer, nis_code, expected).await
}
