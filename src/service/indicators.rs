//! Indicators: what is counted for the plan, an action, an initiative or a GBO
//! project, and the standard set GBO projects report. Who may write one
//! follows the work it measures (`permissions::indicator_write`).

pub mod export;
mod model;
pub mod rules;

use uuid::Uuid;

pub(crate) use model::subject_of;
pub use model::{
    Indicator, IndicatorCreate, IndicatorPatch, StandardIndicator, Subject, ValueAtDate,
};
use rules::{Sent, Settings};

use super::record::{self, Removal};
use super::{Change, Conn, Creation, ServiceError, ServiceResult, Writer, corrupt, ensure_valid};
use crate::auth::permissions::{self, Operation, Resource, Work};
use crate::domain::results::SubjectType;
use crate::domain::{InputIssue, Page, Principal};
pub use crate::storage::indicators::AttachedTo;
use crate::storage::indicators::{
    self as store, IndicatorFilter, IndicatorRow, IndicatorSubject, IndicatorValues, StandardRow,
};
use crate::storage::work::{self, WorkFacts};

fn require(principal: &Principal, operation: Operation) -> ServiceResult<()> {
    Ok(permissions::require(
        principal,
        Resource::Indicators,
        operation,
    )?)
}

fn require_writer(principal: &Principal) -> ServiceResult<()> {
    require(principal, Operation::Write)
}

/// The work a subject stands for; `None` when there is no such record.
pub(crate) async fn work_of(conn: &mut Conn, subject: Subject) -> ServiceResult<Option<WorkFacts>> {
    Ok(match subject.kind {
        SubjectType::Plan => work::plan_exists(conn, subject.id)
            .await?
            .then(WorkFacts::default),
        SubjectType::Action => work::action_exists(conn, subject.id)
            .await?
            .then(WorkFacts::default),
        SubjectType::Initiative => work::initiative(conn, subject.id).await?,
        SubjectType::GboProject => work::gbo_project(conn, subject.id).await?,
    })
}

/// The work of an indicator whose row this transaction holds (shared or for
/// update): its subject exists, since the row's foreign key refers to it and
/// a subject with indicators cannot be removed, so a plan or an action needs
/// no query.
pub(crate) async fn work_of_held(conn: &mut Conn, subject: Subject) -> ServiceResult<WorkFacts> {
    match subject.kind {
        SubjectType::Plan | SubjectType::Action => Ok(WorkFacts::default()),
        SubjectType::Initiative | SubjectType::GboProject => work_of(conn, subject)
            .await?
            .ok_or_else(|| corrupt("an indicator's subject is gone")),
    }
}

/// The rights view of the work.
pub(crate) fn rights_work(subject: Subject, facts: &WorkFacts) -> Work<'_> {
    Work {
        subject: subject.kind,
        regions: &facts.regions,
        organisations: &facts.organisations,
    }
}

/// The indicators attached to a record, as a removal's reference check
/// names them: `2 indicators (A1, A2)`; none when there are none.
pub(crate) async fn attached(conn: &mut Conn, to: AttachedTo) -> ServiceResult<Option<String>> {
    let codes = store::codes_attached(conn, to).await?;
    Ok((!codes.is_empty()).then(|| format!("{} indicators ({})", codes.len(), codes.join(", "))))
}

fn standard_settings(row: &StandardRow) -> ServiceResult<Settings> {
    Ok(Settings {
        measure: row.measure.parse().map_err(corrupt)?,
        unit: row.unit.clone(),
        direction: row
            .direction
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(corrupt)?,
        time: row.time_aggregation.parse().map_err(corrupt)?,
        place: row.place_aggregation.parse().map_err(corrupt)?,
        cumulative: row.cumulative,
        granularity: row.granularity.parse().map_err(corrupt)?,
    })
}

fn row_settings(row: &IndicatorRow) -> ServiceResult<Settings> {
    let view = Indicator::from_row(row.clone())?;
    Ok(Settings {
        measure: view.measure,
        unit: view.unit,
        direction: view.direction,
        time: view.time_aggregation,
        place: view.place_aggregation,
        cumulative: view.cumulative,
        granularity: view.granularity,
    })
}

/// The settings of the standard indicator `code`; a 400 on `standard` when
/// there is none.
async fn standard_of(conn: &mut Conn, code: &str) -> ServiceResult<Settings> {
    match store::standard(conn, code).await? {
        Some(row) => standard_settings(&row),
        None => Err(ServiceError::invalid(
            InputIssue::body("standard", "no such standard indicator").with_value(code.into()),
        )),
    }
}

/// What a write leaves, judged whole.
pub struct Settled {
    settings: Settings,
    baseline: Option<ValueAtDate>,
    targets: Vec<ValueAtDate>,
}

fn settle(
    sent: &Sent,
    base: Option<&Settings>,
    standard: Option<&Settings>,
    baseline: Option<ValueAtDate>,
    mut targets: Vec<ValueAtDate>,
) -> ServiceResult<Settled> {
    let settings = rules::settle(sent, base, standard).map_err(ServiceError::Invalid)?;
    let mut issues = rules::settings_issues(&settings);
    issues.extend(rules::values_issues(
        settings.measure,
        baseline.as_ref(),
        &mut targets,
    ));
    ensure_valid(issues)?;
    Ok(Settled {
        settings,
        baseline,
        targets,
    })
}

fn values(
    code: String,
    name: String,
    description: String,
    settled: Settled,
    standard: Option<String>,
    (external_id, external_source): (Option<String>, Option<Uuid>),
) -> ServiceResult<IndicatorValues> {
    let s = settled.settings;
    Ok(IndicatorValues {
        code,
        name: name.trim().to_owned(),
        description,
        measure: s.measure.as_str().to_owned(),
        unit: s.unit,
        direction: s.direction.map(|d| d.as_str().to_owned()),
        time_aggregation: s.time.as_str().to_owned(),
        place_aggregation: s.place.as_str().to_owned(),
        cumulative: s.cumulative,
        granularity: s.granularity.as_str().to_owned(),
        baseline_value: settled.baseline.map(|b| b.value),
        baseline_date: settled.baseline.map(|b| b.date),
        targets: serde_json::to_value(&settled.targets).map_err(corrupt)?,
        standard_code: standard,
        external_id,
        external_source,
    })
}

pub async fn read(conn: &mut Conn, principal: &Principal, id: Uuid) -> ServiceResult<Indicator> {
    require(principal, Operation::Read)?;
    Indicator::from_row(store::get(conn, id).await?)
}

pub async fn list(
    conn: &mut Conn,
    principal: &Principal,
    mut filter: IndicatorFilter,
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<Indicator>, i64)> {
    require(principal, Operation::Read)?;
    filter.external_source = principal.source_system().map(Some);
    let (rows, total) = store::list(conn, &filter, sort, &page).await?;
    let items = rows
        .into_iter()
        .map(Indicator::from_row)
        .collect::<ServiceResult<_>>()?;
    Ok((items, total))
}

/// The indicator with this external id in the caller's source system, else
/// the one with this code on this subject, if any. Any signed-in caller.
pub async fn find_by_key(
    conn: &mut Conn,
    principal: &Principal,
    external_id: Option<&str>,
    code: Option<(Subject, &str)>,
) -> ServiceResult<Option<Indicator>> {
    require(principal, Operation::Read)?;
    let code = code.map(|(subject, code)| {
        let attached = match subject.kind {
            SubjectType::Plan => AttachedTo::Plan(subject.id),
            SubjectType::Action => AttachedTo::Action(subject.id),
            SubjectType::Initiative => AttachedTo::Initiative(subject.id),
            SubjectType::GboProject => AttachedTo::GboProject(subject.id),
        };
        (attached, code)
    });
    store::by_key(conn, external_id, principal.source_system(), code)
        .await?
        .map(Indicator::from_row)
        .transpose()
}

pub use crate::storage::indicators::IndicatorFilter as IndicatorSelection;

/// The standard set, in its order.
pub async fn standards(
    conn: &mut Conn,
    principal: &Principal,
) -> ServiceResult<Vec<StandardIndicator>> {
    require(principal, Operation::Read)?;
    store::standards(conn)
        .await?
        .into_iter()
        .map(StandardIndicator::from_row)
        .collect()
}

pub async fn standard(
    conn: &mut Conn,
    principal: &Principal,
    code: &str,
) -> ServiceResult<StandardIndicator> {
    require(principal, Operation::Read)?;
    match store::standard(conn, code).await? {
        Some(row) => StandardIndicator::from_row(row),
        None => Err(ServiceError::NotFound),
    }
}

impl Creation for IndicatorCreate {
    type View = Indicator;
    type Admission = Option<Settled>;
    async fn admit(
        &self,
        conn: &mut Conn,
        principal: &Principal,
    ) -> ServiceResult<Self::Admission> {
        let Some(facts) = work_of(conn, self.subject).await? else {
            return Err(ServiceError::invalid(
                InputIssue::body("subject.id", format!("no such {}", self.subject.kind))
                    .with_value(self.subject.id.to_string().into()),
            ));
        };
        permissions::indicator_write(principal, &rights_work(self.subject, &facts))?;
        let standard = match &self.standard {
            Some(code) => Some(standard_of(conn, code).await?),
            None => None,
        };
        settle(
            &Sent::of_create(self),
            None,
            standard.as_ref(),
            self.baseline,
            self.targets.clone(),
        )
        .map(Some)
    }
    async fn insert(self, conn: &mut Conn, settled: Self::Admission) -> ServiceResult<Indicator> {
        let settled = settled.ok_or_else(|| corrupt("indicator created without admission"))?;
        let id = self.subject.id;
        let subject = match self.subject.kind {
            SubjectType::Plan => IndicatorSubject {
                plan_id: Some(id),
                ..Default::default()
            },
            SubjectType::Action => IndicatorSubject {
                action_id: Some(id),
                ..Default::default()
            },
            SubjectType::Initiative => IndicatorSubject {
                initiative_id: Some(id),
                ..Default::default()
            },
            SubjectType::GboProject => IndicatorSubject {
                gbo_project_id: Some(id),
                ..Default::default()
            },
        };
        let values = values(
            self.code,
            self.name,
            self.description.unwrap_or_default(),
            settled,
            self.standard,
            (self.external_id.clone(), self.external_id.and(self.source)),
        )?;
        let row = store::insert(
            conn,
            values,
            IndicatorSubject {
                example: self.example,
                ..subject
            },
        )
        .await?;
        Indicator::from_row(row)
    }
}

/// Creates an indicator. Steering and administrators for any work; a
/// coordinator for initiatives and GBO projects in their region; a
/// contributor for initiatives its organisation leads.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    mut input: IndicatorCreate,
) -> ServiceResult<Indicator> {
    require_writer(writer.principal)?;
    input.source = writer.principal.source_system();
    ensure_valid(rules::check_create(&input))?;
    record::create(conn, writer, input).await
}

/// May the principal write the indicators of the work `row` measures?
async fn admit_on(conn: &mut Conn, principal: &Principal, row: &IndicatorRow) -> ServiceResult<()> {
    let subject = subject_of(row)?;
    let facts = work_of_held(conn, subject).await?;
    Ok(permissions::indicator_write(
        principal,
        &rights_work(subject, &facts),
    )?)
}

impl Change<IndicatorRow> for IndicatorPatch {
    type Admission = ();
    async fn admit(
        &self,
        conn: &mut Conn,
        principal: &Principal,
        current: &IndicatorRow,
    ) -> ServiceResult<()> {
        admit_on(conn, principal, current).await
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: IndicatorRow,
        _: (),
    ) -> ServiceResult<Option<Indicator>> {
        let patch = self;
        let base = row_settings(&current)?;
        let standard_code = patch
            .standard
            .clone()
            .unwrap_or_else(|| current.standard_code.clone());
        let standard = match &standard_code {
            Some(code) => Some(standard_of(conn, code).await?),
            None => None,
        };
        let view = Indicator::from_row(current.clone())?;
        let settled = settle(
            &Sent::of_patch(&patch),
            Some(&base),
            standard.as_ref(),
            patch.baseline.unwrap_or(view.baseline),
            patch.targets.clone().unwrap_or(view.targets),
        )?;
        let after = &settled.settings;
        if (after.measure != base.measure || after.granularity != base.granularity)
            && store::measurement_rows(conn, current.id).await? > 0
        {
            return Err(ServiceError::Conflict(
                "the indicator has measurements: its measure and granularity stay as they are, or its values would no longer mean what they meant".into(),
            ));
        }
        let values = values(
            patch.code.unwrap_or(current.code),
            patch.name.unwrap_or(current.name),
            patch.description.unwrap_or(current.description),
            settled,
            standard_code,
            match patch.external_id {
                Some(new) if new != current.external_id => (new.clone(), new.and(patch.source)),
                _ => (current.external_id, current.external_source),
            },
        )?;
        let row = store::update(conn, current.id, values).await?;
        Indicator::from_row(row).map(Some)
    }
}

/// Changes an indicator at version `expected`.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    mut patch: IndicatorPatch,
) -> ServiceResult<Indicator> {
    require_writer(writer.principal)?;
    patch.source = writer.principal.source_system();
    ensure_valid(rules::check_patch(&patch))?;
    let expected = record::expected(expected)?;
    record::update::<IndicatorRow, _>(conn, writer, &id, expected, patch).await
}

impl Change<IndicatorRow> for Removal {
    type Admission = ();
    async fn admit(
        &self,
        conn: &mut Conn,
        principal: &Principal,
        current: &IndicatorRow,
    ) -> ServiceResult<()> {
        admit_on(conn, principal, current).await
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: IndicatorRow,
        _: (),
    ) -> ServiceResult<Option<Indicator>> {
        let rows = store::measurement_rows(conn, current.id).await?;
        if rows > 0 {
            return Err(ServiceError::Conflict(format!(
                "the indicator has {rows} measurements (current or removed), whose history stays with it"
            )));
        }
        store::delete(conn, current.id).await?;
        Ok(None)
    }
}

/// Deletes an indicator at version `expected`; refused while it has measurements.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
) -> ServiceResult<()> {
    record::remove_as::<IndicatorRow>(conn, writer, require_writer, &id, expected).await
}
