//! GBO projects: local integrated-intake partnerships. Their regions follow
//! from their municipalities and decide, with their partners, who may write
//! them (`permissions::gbo_project_write`).

pub mod export;
mod model;
pub mod rules;

use std::collections::HashMap;

use uuid::Uuid;

pub use model::{
    GboContact, GboContactPatch, GboPartner, GboProject, GboProjectCreate, GboProjectPatch,
};
use rules::Fields;

use super::patch::sourced;
use super::record::{self, Removal};
use super::{Change, Conn, Creation, ServiceResult, Writer, ensure_valid};
use crate::auth::permissions::{self, Operation, Partnership, Resource, Write};
use crate::domain::results::GboStatus;
use crate::domain::{Page, Principal};
use crate::storage::gbo_projects::{
    self as store, GboProjectChanges, GboProjectFilter, GboProjectRecord, NewGboProject,
};
use crate::storage::{organisations, reference};

fn require(principal: &Principal, operation: Operation) -> ServiceResult<()> {
    Ok(permissions::require(
        principal,
        Resource::GboProjects,
        operation,
    )?)
}

/// The regions of the known municipalities among `codes`, by NIS code. They
/// stay locked until the transaction ends, so that none moves to another
/// region before the write that relies on it commits.
async fn municipality_regions(
    conn: &mut Conn,
    codes: &[String],
) -> ServiceResult<HashMap<String, String>> {
    Ok(reference::municipality_regions(conn, codes)
        .await?
        .into_iter()
        .collect())
}

/// References must name existing records.
async fn check_references(
    conn: &mut Conn,
    codes: Option<&[String]>,
    found: &HashMap<String, String>,
    partners: Option<&[GboPartner]>,
    zone: Option<Uuid>,
) -> ServiceResult<()> {
    let named: Vec<Uuid> = partners
        .unwrap_or_default()
        .iter()
        .map(|p| p.organisation_id)
        .collect();
    let missing = organisations::missing(conn, &named).await?;
    let zone_missing = match zone {
        Some(zone) if !reference::primary_care_zone_exists(conn, zone).await? => Some(zone),
        _ => None,
    };
    ensure_valid(rules::reference_issues(
        codes,
        found,
        &missing,
        zone_missing,
    ))
}

fn partner_ids(record: &GboProjectRecord) -> Vec<Uuid> {
    record.partners.iter().map(|(id, _)| *id).collect()
}

/// A GBO project. Any signed-in caller.
pub async fn read(conn: &mut Conn, principal: &Principal, id: Uuid) -> ServiceResult<GboProject> {
    require(principal, Operation::Read)?;
    GboProject::from_record(store::get(conn, id).await?)
}

/// The project with this external id in the caller's source system, if
/// any. Any signed-in caller.
pub async fn find_by_key(
    conn: &mut Conn,
    principal: &Principal,
    external_id: &str,
) -> ServiceResult<Option<GboProject>> {
    require(principal, Operation::Read)?;
    let source = principal.source_system();
    match crate::storage::keys::gbo_project(conn, external_id, source).await? {
        Some(id) => read(conn, principal, id).await.map(Some),
        None => Ok(None),
    }
}

/// Which projects a list holds: every filter given must match, and a list
/// matches any of its values; an empty list does not filter.
#[derive(Debug, Default, Clone)]
pub struct GboProjectSelection {
    /// Text in the name.
    pub q: Option<String>,
    /// With a municipality in one of these regions.
    pub regions: Vec<String>,
    /// Naming one of these municipalities (NIS codes).
    pub municipalities: Vec<String>,
    /// With one of these organisations as a partner.
    pub organisations: Vec<Uuid>,
    pub statuses: Vec<GboStatus>,
    pub primary_care_zone: Option<Uuid>,
    pub external_id: Option<String>,
}

/// A page of the projects `selection` holds. Any signed-in caller.
pub async fn list(
    conn: &mut Conn,
    principal: &Principal,
    selection: GboProjectSelection,
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<GboProject>, i64)> {
    require(principal, Operation::Read)?;
    let filter = GboProjectFilter {
        q: selection.q,
        region: selection.regions,
        municipality: selection.municipalities,
        organisation: selection.organisations,
        status: selection
            .statuses
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        primary_care_zone: selection.primary_care_zone,
        external_id: selection.external_id,
        external_source: principal.source_system().map(Some),
    };
    let (records, total) = store::list(conn, &filter, sort, &page).await?;
    let projects = records
        .into_iter()
        .map(GboProject::from_record)
        .collect::<ServiceResult<_>>()?;
    Ok((projects, total))
}

impl Creation for GboProjectCreate {
    type Admission = ();
    type View = GboProject;
    async fn admit(&self, conn: &mut Conn, principal: &Principal) -> ServiceResult<()> {
        let found = municipality_regions(conn, &self.municipalities).await?;
        let regions = rules::regions_of(&self.municipalities, &found);
        permissions::gbo_project_write(principal, Write::Create, None, Some(&regions), None)?;
        check_references(
            conn,
            Some(&self.municipalities),
            &found,
            Some(&self.partners),
            self.primary_care_zone_id,
        )
        .await
    }
    async fn insert(self, conn: &mut Conn, _: Self::Admission) -> ServiceResult<GboProject> {
        let contact = self.contact.unwrap_or_default();
        let id = store::insert(
            conn,
            NewGboProject {
                name: self.name.trim().to_owned(),
                primary_care_zone_id: self.primary_care_zone_id,
                contact_name: contact.name,
                contact_email: contact.email,
                contact_phone: contact.phone,
                status: self.status.unwrap_or(GboStatus::Active).as_str().to_owned(),
                start_date: self.start_date,
                external_source: self.external_id.as_ref().and(self.source),
                external_id: self.external_id,
                example: self.example,
            },
        )
        .await?;
        let partners: Vec<(Uuid, String)> = self
            .partners
            .iter()
            .map(|p| (p.organisation_id, p.part.as_str().to_owned()))
            .collect();
        store::set_links(conn, id, Some(&self.municipalities), Some(&partners)).await?;
        GboProject::from_record(store::get(conn, id).await?)
    }
}

/// Creates a GBO project. Steering and administrators anywhere; a
/// coordinator in municipalities of their own region only.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    mut input: GboProjectCreate,
) -> ServiceResult<GboProject> {
    require(writer.principal, Operation::Write)?;
    input.source = writer.principal.source_system();
    let mut issues = rules::check_fields(&Fields {
        name: Some(&input.name),
        municipalities: Some(&input.municipalities),
        partners: Some(&input.partners),
        start_date: input.start_date,
        external_id: input.external_id.as_deref(),
    });
    input.contact = input.contact.map(|c| rules::check_contact(&mut issues, &c));
    ensure_valid(issues)?;
    record::create(conn, writer, input).await
}

impl GboProjectPatch {
    /// The first field a partner organisation may not change that this patch changes.
    fn locked(&self, current: &GboProjectRecord) -> Option<&'static str> {
        if let Some(codes) = &self.municipalities
            && !rules::same_items(codes, &current.municipalities)
        {
            return Some("municipalities");
        }
        if let Some(partners) = &self.partners {
            let now: Vec<(Uuid, String)> = partners
                .iter()
                .map(|p| (p.organisation_id, p.part.as_str().to_owned()))
                .collect();
            if !rules::same_items(&now, &current.partners) {
                return Some("partners");
            }
        }
        None
    }
}

impl Change<GboProjectRecord> for GboProjectPatch {
    type Admission = ();
    async fn admit(
        &self,
        conn: &mut Conn,
        principal: &Principal,
        current: &GboProjectRecord,
    ) -> ServiceResult<()> {
        let found = match &self.municipalities {
            Some(codes) => municipality_regions(conn, codes).await?,
            None => HashMap::new(),
        };
        let regions_after = match &self.municipalities {
            Some(codes) => rules::regions_of(codes, &found),
            None => current.regions.clone(),
        };
        let partners = partner_ids(current);
        permissions::gbo_project_write(
            principal,
            Write::Update,
            Some(Partnership {
                regions: &current.regions,
                partners: &partners,
            }),
            Some(&regions_after),
            self.locked(current),
        )?;
        check_references(
            conn,
            self.municipalities.as_deref(),
            &found,
            self.partners.as_deref(),
            self.primary_care_zone_id.flatten(),
        )
        .await
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: GboProjectRecord,
        _: Self::Admission,
    ) -> ServiceResult<Option<GboProject>> {
        let id = current.row.id;
        let (contact_name, contact_email, contact_phone) = match self.contact {
            None => (None, None, None),
            Some(None) => (Some(None), Some(None), Some(None)),
            Some(Some(c)) => (c.name, c.email, c.phone),
        };
        store::update(
            conn,
            id,
            GboProjectChanges {
                name: self.name.map(|n| n.trim().to_owned()),
                primary_care_zone_id: self.primary_care_zone_id,
                contact_name,
                contact_email,
                contact_phone,
                status: self.status.map(|s| s.as_str().to_owned()),
                start_date: self.start_date,
                external_source: sourced(&self.external_id, &current.row.external_id, self.source),
                external_id: self.external_id,
            },
        )
        .await?;
        let partners: Option<Vec<(Uuid, String)>> = self.partners.map(|partners| {
            partners
                .iter()
                .map(|p| (p.organisation_id, p.part.as_str().to_owned()))
                .collect()
        });
        store::set_links(
            conn,
            id,
            self.municipalities.as_deref(),
            partners.as_deref(),
        )
        .await?;
        GboProject::from_record(store::get(conn, id).await?).map(Some)
    }
}

/// Changes a GBO project at version `expected`. Steering and administrators
/// change any; a coordinator those whose regions include theirs, without
/// changing the regions; a partner organisation those it takes part in,
/// without changing partners or municipalities.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    mut patch: GboProjectPatch,
) -> ServiceResult<GboProject> {
    require(writer.principal, Operation::Write)?;
    patch.source = writer.principal.source_system();
    let expected = record::expected(expected)?;
    let mut issues = rules::check_fields(&Fields {
        name: patch.name.as_deref(),
        municipalities: patch.municipalities.as_deref(),
        partners: patch.partners.as_deref(),
        start_date: patch.start_date.flatten(),
        external_id: patch.external_id.as_ref().and_then(Option::as_deref),
    });
    patch.contact = patch
        .contact
        .map(|c| c.map(|c| rules::check_contact_patch(&mut issues, &c)));
    ensure_valid(issues)?;
    record::update::<GboProjectRecord, _>(conn, writer, &id, expected, patch).await
}

impl Change<GboProjectRecord> for Removal {
    type Admission = ();
    async fn admit(
        &self,
        _: &mut Conn,
        principal: &Principal,
        current: &GboProjectRecord,
    ) -> ServiceResult<()> {
        let partners = partner_ids(current);
        Ok(permissions::gbo_project_write(
            principal,
            Write::Delete,
            Some(Partnership {
                regions: &current.regions,
                partners: &partners,
            }),
            None,
            None,
        )?)
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: GboProjectRecord,
        _: Self::Admission,
    ) -> ServiceResult<Option<GboProject>> {
        let indicators = super::indicators::attached(
            conn,
            super::indicators::AttachedTo::GboProject(current.row.id),
        )
        .await?;
        record::unreferenced(
            indicators.into_iter().collect(),
            "the GBO project still has",
        )?;
        store::delete(conn, current.row.id).await?;
        Ok(None)
    }
}

/// Deletes a GBO project at version `expected`, unless indicators refer to
/// it. Steering and administrators any; a coordinator those in their region alone.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
) -> ServiceResult<()> {
    record::remove_as::<GboProjectRecord>(
        conn,
        writer,
        |p| require(p, Operation::Write),
        &id,
        expected,
    )
    .await
}

/// After municipalities `nis_codes` moved to another region: the projects
/// that name them now lie there too, and get a new version so that no copy
/// with the old regions passes for current.
pub(in crate::service) async fn municipalities_moved(
    conn: &mut Conn,
    nis_codes: &[String],
) -> ServiceResult<()> {
    store::touch_naming(conn, nis_codes).await?;
    Ok(())
}
