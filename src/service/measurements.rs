//! Measurements: one current value per indicator, period and place. A
//! correction changes the value and appends a revision; a removal appends one
//! too and frees the key. Missing is not zero: a place that did not report has
//! no measurement, and nothing here invents one.

pub mod export;
mod model;
pub mod rules;

use chrono::Utc;
use uuid::Uuid;

pub use model::{
    Measurement, MeasurementCreate, MeasurementPatch, MeasurementRecord, MeasurementRevision,
    Place, PlaceInput, Reporter,
};
use rules::Values;

use super::indicators::{rights_work, subject_of, work_of_held};
use super::record;
use super::{
    API_BASE, Audited, Change, Conn, Creation, Record, ServiceError, ServiceResult, Writer,
    corrupt, ensure_valid,
};
use crate::auth::permissions::{self, Operation, Resource};
use crate::domain::results::{Measure, PlaceType, today};
use crate::domain::{InputIssue, Page, Principal};
use crate::storage::indicators as indicator_store;
use crate::storage::measurements::{
    self as store, MeasurementFilter, MeasurementRow, MeasurementValues, NewMeasurement,
};
use crate::storage::work;

pub use crate::storage::measurements::MeasurementFilter as MeasurementSelection;

fn require(principal: &Principal, operation: Operation) -> ServiceResult<()> {
    Ok(permissions::require(
        principal,
        Resource::Measurements,
        operation,
    )?)
}

fn require_writer(principal: &Principal) -> ServiceResult<()> {
    require(principal, Operation::Write)
}

/// A place as found: its name and region (none for Flanders).
pub(crate) struct FoundPlace {
    pub(crate) name: String,
    pub(crate) region: Option<String>,
}

/// What the database holds under a place's code, read before the input is
/// judged (so that the read travels with the indicator's).
pub(crate) enum Held {
    Flanders,
    Region(Option<(String, bool)>),
    Municipality(Option<(String, String)>),
}

async fn look_up_place(conn: &Conn, kind: PlaceType, code: &str) -> ServiceResult<Held> {
    Ok(match kind {
        PlaceType::Flanders => Held::Flanders,
        PlaceType::Region => Held::Region(work::region(conn, code).await?),
        PlaceType::Municipality => Held::Municipality(work::municipality(conn, code).await?),
    })
}

/// The place a code names; a 400 on `place.code` when it names nothing known.
pub(crate) fn found_place(held: Held, code: &str) -> ServiceResult<FoundPlace> {
    let unknown = |detail: &str| {
        ServiceError::invalid(InputIssue::body("place.code", detail).with_value(code.into()))
    };
    match held {
        Held::Flanders => Ok(FoundPlace {
            name: "Vlaanderen".into(),
            region: None,
        }),
        Held::Region(Some((_, true))) => Err(unknown(
            "stands for Flanders as a whole: use the place type flanders",
        )),
        Held::Region(Some((name, false))) => Ok(FoundPlace {
            name,
            region: Some(code.to_owned()),
        }),
        Held::Region(None) => Err(unknown("no such region")),
        Held::Municipality(Some((name, region))) => Ok(FoundPlace {
            name,
            region: Some(region),
        }),
        Held::Municipality(None) => Err(unknown("no known municipality has this NIS code")),
    }
}

impl Audited for Measurement {
    const RESOURCE: &'static str = "measurement";
    fn audit_key(&self) -> String {
        self.id.to_string()
    }
    fn version(&self) -> i32 {
        self.version
    }
    fn self_link(&self) -> String {
        self.self_link.to_string()
    }
}

impl Record for MeasurementRecord {
    type Key = Uuid;
    type View = Measurement;
    async fn lock(conn: &mut Conn, id: &Uuid) -> ServiceResult<Self> {
        Ok(record(store::one(conn, *id, true).await?))
    }
    fn view(&self) -> ServiceResult<Measurement> {
        Measurement::from_record(self.clone())
    }
}

pub async fn read(conn: &mut Conn, principal: &Principal, id: Uuid) -> ServiceResult<Measurement> {
    require(principal, Operation::Read)?;
    Measurement::from_record(record(store::one(conn, id, false).await?))
}

/// The name of a row's place: Flanders by its own name, a region or a
/// municipality by `name(place type, code)`, or by its code when that has
/// none.
pub(crate) fn named_place(
    row: &MeasurementRow,
    name: impl FnOnce(PlaceType, &str) -> Option<String>,
) -> String {
    match row.place_type.parse() {
        Ok(PlaceType::Flanders) => Some("Vlaanderen".to_owned()),
        Ok(kind) => name(kind, &row.place_code),
        Err(_) => None,
    }
    .unwrap_or_else(|| row.place_code.clone())
}

/// A row read with its place's name, as the service holds it.
fn record(listed: store::Listed) -> MeasurementRecord {
    let store::Listed {
        measurement: row,
        place_name,
    } = listed;
    let place_name = named_place(&row, |_, _| place_name);
    MeasurementRecord { row, place_name }
}

/// Listed rows as clients see them.
pub(crate) fn shown(rows: Vec<store::Listed>) -> ServiceResult<Vec<Measurement>> {
    // Pushed into a vector of their own size rather than collected in the
    // rows' buffer, which would then be moved into one of another size.
    let mut shown = Vec::with_capacity(rows.len());
    for listed in rows {
        shown.push(Measurement::from_record(record(listed))?);
    }
    Ok(shown)
}

/// A page of current measurements, with the names of their places.
pub async fn list(
    conn: &mut Conn,
    principal: &Principal,
    mut filter: MeasurementFilter,
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<Measurement>, i64)> {
    require(principal, Operation::Read)?;
    filter.external_source = principal.source_system().map(Some);
    let (rows, total) = store::list(conn, &filter, sort, &page).await?;
    let items = shown(rows)?;
    Ok((items, total))
}

/// The measurements of one indicator; a 404 when there is no such indicator.
pub async fn list_of_indicator(
    conn: &mut Conn,
    principal: &Principal,
    indicator_id: Uuid,
    mut filter: MeasurementFilter,
    sort: &str,
    page: Page,
) -> ServiceResult<(Vec<Measurement>, i64)> {
    require(principal, Operation::Read)?;
    indicator_store::get(conn, indicator_id).await?;
    filter.indicator = vec![indicator_id];
    list(conn, principal, filter, sort, page).await
}

/// Every revision of a measurement, oldest first; a removed measurement's too.
pub async fn revisions(
    conn: &mut Conn,
    principal: &Principal,
    id: Uuid,
    page: Page,
) -> ServiceResult<(Vec<MeasurementRevision>, i64)> {
    require(principal, Operation::Read)?;
    if !store::ever_existed(conn, id).await? {
        return Err(ServiceError::NotFound);
    }
    let (rows, total) = store::revisions(conn, id, &page).await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

/// A new measurement of an indicator, by a reporter.
pub struct NewFor {
    pub indicator_id: Uuid,
    pub input: MeasurementCreate,
    reporter: (Uuid, &'static str),
    /// The source system of the external id: the writer's.
    source: Option<Uuid>,
}

/// What admission found: the period and the place.
#[derive(Default)]
pub struct Admitted {
    found: Option<(crate::domain::results::Period, String)>,
}

impl Creation for NewFor {
    type View = Measurement;
    type Admission = Admitted;
    async fn admit(&self, conn: &mut Conn, principal: &Principal) -> ServiceResult<Admitted> {
        let input = &self.input;
        let code = input.place.code.clone().unwrap_or_default();
        // Both reads go out together; the indicator's answer comes first, so
        // an unknown indicator is still a 404 before anything else.
        let (indicator, held) = futures_util::future::try_join(
            async { Ok::<_, ServiceError>(indicator_store::share(conn, self.indicator_id).await?) },
            look_up_place(conn, input.place.kind, &code),
        )
        .await?;
        let measure: Measure = indicator.measure.parse().map_err(corrupt)?;
        let granularity = indicator.granularity.parse().map_err(corrupt)?;
        let mut issues = rules::place_issues(&input.place);
        let period = rules::period(input, granularity, today());
        if let Err(found) = &period {
            issues.extend(found.iter().cloned());
        }
        issues.extend(rules::values_issues(
            measure,
            &Values {
                value: input.value,
                numerator: input.numerator,
                denominator: input.denominator,
                text: input.text.clone(),
            },
        ));
        ensure_valid(issues)?;
        let period = period.map_err(ServiceError::Invalid)?;
        let place = found_place(held, &code)?;
        let subject = subject_of(&indicator)?;
        let facts = work_of_held(conn, subject).await?;
        permissions::measurement_write(
            principal,
            &rights_work(subject, &facts),
            place.region.as_deref(),
        )?;
        rules::place_in_work(
            subject.kind,
            &facts,
            input.place.kind,
            &code,
            place.region.as_deref(),
        )
        .map_err(|detail| ServiceError::invalid(InputIssue::body("place", detail)))?;
        Ok(Admitted {
            found: Some((period, place.name)),
        })
    }
    async fn insert(self, conn: &mut Conn, admitted: Admitted) -> ServiceResult<Measurement> {
        let (period, place_name) = admitted
            .found
            .ok_or_else(|| corrupt("measurement recorded without admission"))?;
        let input = self.input;
        let place_type = input.place.kind.as_str();
        let place_code = input.place.code.clone().unwrap_or_default();
        let inserted = store::insert(
            conn,
            NewMeasurement {
                indicator_id: self.indicator_id,
                period_start: period.start(),
                period_end: period.end(),
                place_type: place_type.to_owned(),
                place_code: place_code.clone(),
                value: input.value,
                numerator: input.numerator,
                denominator: input.denominator,
                text_value: input.text,
                note: input.note.unwrap_or_default(),
                reporter_id: self.reporter.0,
                reporter_kind: self.reporter.1.to_owned(),
                external_source: input.external_id.as_ref().and(self.source),
                external_id: input.external_id,
                example: input.example,
            },
        )
        .await?;
        let Some(row) = inserted else {
            return Err(taken(conn, self.indicator_id, period, (place_type, &place_code)).await);
        };
        Measurement::from_record(MeasurementRecord { row, place_name })
    }
}

/// Why a measurement could not be inserted: the indicator has one for the
/// period and place already, or its `externalId` is taken.
async fn taken(
    conn: &mut Conn,
    indicator_id: Uuid,
    period: crate::domain::results::Period,
    (place_type, place_code): (&str, &str),
) -> ServiceError {
    match store::current_for(conn, indicator_id, period.start(), place_type, place_code).await {
        Ok(Some(existing)) => ServiceError::Exists {
            detail: format!(
                "the indicator already has measurement {existing} for {period} and this place ({API_BASE}/measurements/{existing}): correct it with PATCH, or delete it first"
            ),
            existing: format!("{API_BASE}/measurements/{existing}"),
        },
        Ok(None) => crate::storage::StorageError::Conflict(store::EXTERNAL_ID_TAKEN.into()).into(),
        Err(e) => e.into(),
    }
}

/// Records a measurement of the indicator `indicator_id`.
pub async fn create(
    conn: &mut Conn,
    writer: &Writer<'_>,
    indicator_id: Uuid,
    input: MeasurementCreate,
) -> ServiceResult<Measurement> {
    require_writer(writer.principal)?;
    let mut issues = Vec::new();
    rules::check_extras(
        &mut issues,
        input.note.as_deref(),
        input.external_id.as_deref(),
    );
    ensure_valid(issues)?;
    let actor = writer.actor();
    let creation = NewFor {
        indicator_id,
        input,
        reporter: (actor.id, actor.kind),
        source: writer.principal.source_system(),
    };
    record::create(conn, writer, creation).await
}

/// May the principal write this measurement? Returns the indicator's measure.
async fn admit_on(
    conn: &mut Conn,
    principal: &Principal,
    current: &MeasurementRecord,
) -> ServiceResult<Measure> {
    let indicator = indicator_store::share(conn, current.row.indicator_id).await?;
    let subject = subject_of(&indicator)?;
    let facts = work_of_held(conn, subject).await?;
    let kind: PlaceType = current.row.place_type.parse().map_err(corrupt)?;
    let region = match kind {
        PlaceType::Flanders => None,
        PlaceType::Region => Some(current.row.place_code.clone()),
        PlaceType::Municipality => work::municipality(conn, &current.row.place_code)
            .await?
            .map(|(_, region)| region),
    };
    permissions::measurement_write(principal, &rights_work(subject, &facts), region.as_deref())?;
    indicator.measure.parse().map_err(corrupt)
}

/// A correction with the principal who makes it.
pub struct Correction {
    patch: MeasurementPatch,
    reporter: (Uuid, &'static str),
    /// The source system of a new external id: the writer's.
    source: Option<Uuid>,
}

impl Change<MeasurementRecord> for Correction {
    type Admission = Option<Measure>;
    async fn admit(
        &self,
        conn: &mut Conn,
        principal: &Principal,
        current: &MeasurementRecord,
    ) -> ServiceResult<Option<Measure>> {
        let measure = admit_on(conn, principal, current).await?;
        let row = &current.row;
        let patch = &self.patch;
        ensure_valid(rules::values_issues(
            measure,
            &Values {
                value: patch.value.or(row.value),
                numerator: patch.numerator.or(row.numerator),
                denominator: patch.denominator.or(row.denominator),
                text: patch.text.clone().or_else(|| row.text_value.clone()),
            },
        ))?;
        Ok(Some(measure))
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: MeasurementRecord,
        _: Option<Measure>,
    ) -> ServiceResult<Option<Measurement>> {
        let row = current.row;
        let patch = self.patch;
        let revalued = patch.value.is_some()
            || patch.numerator.is_some()
            || patch.denominator.is_some()
            || patch.text.is_some()
            || patch.note.is_some();
        let (reporter_id, reporter_kind, recorded_at) = if revalued {
            (self.reporter.0, self.reporter.1.to_owned(), Utc::now())
        } else {
            (row.reporter_id, row.reporter_kind.clone(), row.recorded_at)
        };
        let after = store::update(
            conn,
            row.id,
            MeasurementValues {
                value: patch.value.or(row.value),
                numerator: patch.numerator.or(row.numerator),
                denominator: patch.denominator.or(row.denominator),
                text_value: patch.text.or(row.text_value),
                note: patch.note.unwrap_or(row.note),
                reporter_id,
                reporter_kind,
                external_source: match &patch.external_id {
                    Some(new) if *new != row.external_id => new.as_ref().and(self.source),
                    _ => row.external_source,
                },
                external_id: patch.external_id.unwrap_or(row.external_id),
                recorded_at,
            },
        )
        .await?;
        Measurement::from_record(MeasurementRecord {
            row: after,
            place_name: current.place_name,
        })
        .map(Some)
    }
}

/// Corrects a measurement at version `expected`: the earlier value stays in
/// its revisions.
pub async fn update(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
    patch: MeasurementPatch,
) -> ServiceResult<Measurement> {
    require_writer(writer.principal)?;
    let mut issues = Vec::new();
    rules::check_extras(
        &mut issues,
        patch.note.as_deref(),
        patch.external_id.as_ref().and_then(Option::as_deref),
    );
    if let Some(text) = &patch.text
        && text.trim().is_empty()
    {
        issues.push(InputIssue::body("text", "must not be empty"));
    }
    ensure_valid(issues)?;
    let expected = record::expected(expected)?;
    let actor = writer.actor();
    let correction = Correction {
        patch,
        reporter: (actor.id, actor.kind),
        source: writer.principal.source_system(),
    };
    record::update::<MeasurementRecord, _>(conn, writer, &id, expected, correction).await
}

/// A removal by the principal who makes it.
pub struct Withdrawal {
    reporter: (Uuid, &'static str),
}

impl Change<MeasurementRecord> for Withdrawal {
    type Admission = ();
    async fn admit(
        &self,
        conn: &mut Conn,
        principal: &Principal,
        current: &MeasurementRecord,
    ) -> ServiceResult<()> {
        admit_on(conn, principal, current).await.map(|_| ())
    }
    async fn apply(
        self,
        conn: &mut Conn,
        current: MeasurementRecord,
        _: (),
    ) -> ServiceResult<Option<Measurement>> {
        store::remove(conn, current.row.id, self.reporter, Utc::now()).await?;
        Ok(None)
    }
}

/// Removes a measurement at version `expected`: it is a 404 from then on, its
/// revisions stay readable and its key is free for a new measurement.
pub async fn delete(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    expected: Option<i32>,
) -> ServiceResult<()> {
    require_writer(writer.principal)?;
    let expected = record::expected(expected)?;
    let actor = writer.actor();
    let withdrawal = Withdrawal {
        reporter: (actor.id, actor.kind),
    };
    record::change::<MeasurementRecord, _>(conn, writer, &id, expected, withdrawal).await?;
    Ok(())
}
