//! Measurements from a file. Each row is judged by the rules of a single
//! measurement write (the same period, place, value and right checks, fed by
//! lookups made for a whole batch of rows at once), then the batch is written
//! in a few set-based statements with an audit entry per measurement.
//!
//! A row is matched by `id`, else by `externalId`, else by its indicator,
//! period and place. A column left out of the file leaves the value as it
//! is; an empty cell means no value (it clears it).

mod judge;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use uuid::Uuid;

pub use judge::COLUMNS;
use judge::{Judged, Sent};

use super::{Batch, RowResult};
use crate::domain::Principal;
use crate::domain::records::{Record, RowIssue};
use crate::domain::results::SubjectType;
use crate::domain::results::{Granularity, Measure};
use crate::service::indicators::{Subject, subject_of};
use crate::service::measurements::{Measurement, MeasurementRecord};
use crate::service::{Conn, ServiceResult, corrupt, snapshot};
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::bulk::{self, MeasurementKey};
use crate::storage::indicators::IndicatorRow;
use crate::storage::work::WorkFacts;

/// An indicator as the rows need it.
struct Known {
    row: IndicatorRow,
    measure: Measure,
    granularity: Granularity,
    subject: Subject,
    facts: WorkFacts,
}

/// What a measurement import knows across batches: who imports, the places,
/// and the indicators looked up so far (bounded by the number of indicators,
/// not by the file's size).
pub struct Import<'a> {
    principal: &'a Principal,
    actor: &'a Actor,
    today: NaiveDate,
    regions: HashMap<String, (String, bool)>,
    municipalities: HashMap<String, (String, String)>,
    indicators: HashMap<Uuid, Known>,
    codes: HashMap<String, Vec<Uuid>>,
}

impl<'a> Import<'a> {
    pub async fn begin(
        conn: &mut Conn,
        principal: &'a Principal,
        actor: &'a Actor,
    ) -> ServiceResult<Self> {
        let (regions, municipalities) = bulk::places(conn).await?;
        Ok(Import {
            principal,
            actor,
            today: crate::domain::results::today(),
            regions,
            municipalities,
            indicators: HashMap::new(),
            codes: HashMap::new(),
        })
    }

    /// Looks up the indicators the rows name that are not known yet.
    async fn learn(
        &mut self,
        conn: &mut Conn,
        sent: &[Result<Sent, Vec<RowIssue>>],
    ) -> ServiceResult<()> {
        let mut ids = HashSet::new();
        let mut codes = HashSet::new();
        for s in sent.iter().flatten() {
            if let Some(id) = s.indicator_id
                && !self.indicators.contains_key(&id)
            {
                ids.insert(id);
            }
            if let Some(code) = &s.indicator_code
                && !self.codes.contains_key(code)
            {
                codes.insert(code.clone());
            }
        }
        if ids.is_empty() && codes.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = ids.into_iter().collect();
        let codes: Vec<String> = codes.into_iter().collect();
        let rows = bulk::indicators(conn, &ids, &codes).await?;
        for code in &codes {
            self.codes.insert(code.clone(), Vec::new());
        }
        let mut initiatives = Vec::new();
        let mut projects = Vec::new();
        let mut found = Vec::new();
        for row in rows {
            if let Some(list) = self.codes.get_mut(&row.code)
                && !list.contains(&row.id)
            {
                list.push(row.id);
            }
            if self.indicators.contains_key(&row.id) {
                continue;
            }
            let subject = subject_of(&row)?;
            match subject.kind {
                SubjectType::Initiative => initiatives.push(subject.id),
                SubjectType::GboProject => projects.push(subject.id),
                SubjectType::Plan | SubjectType::Action => {}
            }
            found.push((row, subject));
        }
        let mut facts = bulk::initiatives(conn, &initiatives).await?;
        facts.extend(bulk::gbo_projects(conn, &projects).await?);
        for (row, subject) in found {
            let facts = match subject.kind {
                SubjectType::Plan | SubjectType::Action => WorkFacts::default(),
                _ => facts
                    .get(&subject.id)
                    .cloned()
                    .ok_or_else(|| corrupt("an indicator's subject is gone"))?,
            };
            let known = Known {
                measure: row.measure.parse().map_err(corrupt)?,
                granularity: row.granularity.parse().map_err(corrupt)?,
                subject,
                facts,
                row,
            };
            self.indicators.insert(known.row.id, known);
        }
        Ok(())
    }

    /// Judges a batch of rows and, when `write`, writes what they ask.
    pub async fn apply(
        &mut self,
        conn: &mut Conn,
        records: Vec<Record>,
        batch: &mut Batch,
    ) -> ServiceResult<Vec<RowResult>> {
        let sent: Vec<Result<Sent, Vec<RowIssue>>> = records.iter().map(judge::read).collect();
        self.learn(conn, &sent).await?;
        let wanted = judge::lookups(&sent, |s| {
            self.indicator_of(s).ok().map(|k| (k.row.id, k.granularity))
        });
        let source = self.principal.source_system();
        let current = bulk::measurements(
            conn,
            &wanted.ids,
            (&wanted.external_ids, source),
            &wanted.keys,
        )
        .await?;
        let current = judge::Current::new(current);
        let mut judged = Vec::with_capacity(records.len());
        for (record, sent) in records.iter().zip(sent) {
            let verdict = match sent {
                Err(issues) => Judged::Rejected(issues),
                Ok(sent) => match self.indicator_of(&sent) {
                    Err(issue) => Judged::Rejected(vec![issue]),
                    Ok(known) => judge::judge(self.context(known), &sent, &current),
                },
            };
            judged.push((record.number, record.line, verdict));
        }
        let keys: Vec<(usize, u32, u32, Vec<String>)> = judged
            .iter()
            .enumerate()
            .filter_map(|(i, (record, line, j))| j.keys().map(|k| (i, *record, *line, k)))
            .collect();
        let repeated = batch.repeated(conn, &keys).await?;
        for (i, first) in repeated {
            let (_, _, verdict) = &mut judged[i];
            *verdict = Judged::Rejected(vec![RowIssue::new(
                None,
                "repeated",
                format!(
                    "names the same measurement as record {} (line {}): a file gives each measurement once",
                    first.0, first.1
                ),
            )]);
        }
        if judged
            .iter()
            .any(|(_, _, j)| matches!(j, Judged::Rejected(_)))
        {
            batch.saw_rejection();
        }
        if batch.writes() {
            self.write(conn, &mut judged).await?;
        }
        Ok(judged
            .into_iter()
            .zip(&records)
            .map(|((number, line, verdict), record)| {
                let mut result = verdict.result(number, line);
                record.show_values(COLUMNS, &mut result.issues);
                result
            })
            .collect())
    }

    fn indicator_of(&self, sent: &Sent) -> Result<&Known, RowIssue> {
        judge::indicator_of(sent, &self.indicators, &self.codes)
    }

    fn context<'k>(&'k self, known: &'k Known) -> judge::Context<'k> {
        judge::Context {
            principal: self.principal,
            reporter: (self.actor.id, self.actor.kind),
            today: self.today,
            regions: &self.regions,
            municipalities: &self.municipalities,
            indicator: &known.row,
            measure: known.measure,
            granularity: known.granularity,
            subject: known.subject,
            facts: &known.facts,
        }
    }

    /// Writes the creates and updates of a judged batch: one statement each,
    /// then one for their audit entries.
    async fn write(&self, conn: &mut Conn, judged: &mut [(u32, u32, Judged)]) -> ServiceResult<()> {
        let mut new = Vec::new();
        let mut changes = Vec::new();
        for (i, (_, _, verdict)) in judged.iter().enumerate() {
            match verdict {
                Judged::Create { values, .. } => new.push((i, values.clone())),
                Judged::Update { current, values } => {
                    changes.push((i, current.row.id, values.clone()))
                }
                _ => {}
            }
        }
        let inserted = bulk::insert_measurements(
            conn,
            &new.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(),
        )
        .await?;
        let mut by_key: HashMap<MeasurementKey, _> = inserted
            .into_iter()
            .map(|row| {
                (
                    (
                        row.indicator_id,
                        row.period_start,
                        row.place_type.clone(),
                        row.place_code.clone(),
                    ),
                    row,
                )
            })
            .collect();
        let mut entries = Vec::with_capacity(new.len() + changes.len());
        for (i, values) in &new {
            let key = (
                values.indicator_id,
                values.period_start,
                values.place_type.clone(),
                values.place_code.clone(),
            );
            let (_, _, verdict) = &mut judged[*i];
            let Judged::Create { place_name, .. } = verdict else {
                continue;
            };
            match by_key.remove(&key) {
                Some(row) => {
                    let view = Measurement::from_record(MeasurementRecord {
                        row,
                        place_name: place_name.clone(),
                    })?;
                    entries.push(
                        Entry {
                            key: view.id.to_string(),
                            before: None,
                            after: Some(snapshot(&view)?),
                        }
                        .written(),
                    );
                    *verdict = Judged::Created(view.id);
                }
                None => {
                    *verdict = Judged::Rejected(vec![RowIssue::new(
                        None,
                        "conflict",
                        "another write recorded a measurement for this indicator, period and place, or took its externalId, while the file was imported",
                    )]);
                }
            }
        }
        let updated = bulk::update_measurements(
            conn,
            &changes
                .iter()
                .map(|(_, id, v)| (*id, v.clone()))
                .collect::<Vec<_>>(),
        )
        .await?;
        let mut by_id: HashMap<Uuid, _> = updated.into_iter().map(|r| (r.id, r)).collect();
        for (i, id, _) in &changes {
            let (_, _, verdict) = &mut judged[*i];
            let Judged::Update { current, .. } = verdict else {
                continue;
            };
            let row = by_id
                .remove(id)
                .ok_or_else(|| corrupt("an imported correction found no measurement"))?;
            let before = Measurement::from_record((**current).clone())?;
            let after = Measurement::from_record(MeasurementRecord {
                row,
                place_name: current.place_name.clone(),
            })?;
            entries.push(
                Entry {
                    key: id.to_string(),
                    before: Some(snapshot(&before)?),
                    after: Some(snapshot(&after)?),
                }
                .written(),
            );
            *verdict = Judged::Updated(*id);
        }
        audit::record_many(conn, self.actor, "measurement", &entries).await?;
        Ok(())
    }
}
