//! An example import: a spreadsheet of measurements sent back with one value
//! corrected, one mistyped and one row twice, checked with `mode=validate`
//! and `atomic=false`.
//! `GET /api/v1/imports` then shows what an import reports (rows unchanged,
//! updated and rejected, each rejected row with its line, column, value and
//! reason) while the example data stays as it is. The job is filed through
//! the import's own entry point, under an idempotency key, so seeding again
//! gives the same job.

use std::io::Write;

use sha2::{Digest, Sha256};

use crate::domain::Page;
use crate::domain::records::Format;
use crate::service::imports::{self, ImportJob, ImportResource, Mode, Submitted, Upload};
use crate::service::measurements::{self, Measurement, MeasurementSelection};
use crate::service::{ServiceError, ServiceResult, Writer};
use crate::storage::DbPool;

/// The idempotency key the example job is filed under.
pub const KEY: &str = "example-measurement-check";

/// Files the example check unless it is there already; `None` when the
/// example data holds no indicator with two values to show it on.
pub async fn check_example(pool: &DbPool) -> ServiceResult<Option<ImportJob>> {
    let writer = Writer::command_line();
    let mut conn = crate::service::connect(pool).await?;
    let selection = MeasurementSelection::default();
    let first = Page {
        offset: 0,
        limit: 200,
    };
    let (found, _) =
        measurements::list(&mut conn, writer.principal, selection, "period", first).await?;
    drop(conn);
    let Some(file) = spreadsheet(&found) else {
        return Ok(None);
    };
    let broken = |e: std::io::Error| ServiceError::Internal(format!("example import: {e}"));
    let mut temp = tempfile::NamedTempFile::new().map_err(broken)?;
    temp.write_all(file.as_bytes()).map_err(broken)?;
    let upload = Upload {
        resource: ImportResource::Measurements,
        format: Format::Csv,
        mode: Mode::Validate,
        atomic: false,
        file: temp.into_temp_path(),
        sha256: hex::encode(Sha256::digest(file.as_bytes())),
        bytes: file.len() as u64,
        idempotency_key: Some(KEY.to_owned()),
    };
    let job = match imports::submit(pool, writer.principal, None, upload, u64::MAX).await? {
        Submitted::Ended(job) | Submitted::Running(job) => job,
    };
    Ok(Some(job))
}

/// Two values of one indicator as a spreadsheet would send them back: the
/// first as it is, the second corrected, then the second mistyped and the
/// first again.
fn spreadsheet(found: &[Measurement]) -> Option<String> {
    let counted = |m: &&Measurement| m.value.is_some() && m.place.code.is_some();
    let first = found.iter().find(counted)?;
    let second = found
        .iter()
        .filter(counted)
        .find(|m| m.indicator_id == first.indicator_id && m.id != first.id)?;
    let shown = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let rows = [
        (first, shown(first.value), first.note.clone()),
        (
            second,
            shown(second.value.map(|v| v + 1.0)),
            "Gecorrigeerd na nazicht".to_owned(),
        ),
        (
            second,
            "veel".to_owned(),
            "Getypt in plaats van geteld".to_owned(),
        ),
        (first, shown(first.value), first.note.clone()),
    ];
    let mut file = csv::Writer::from_writer(Vec::new());
    file.write_record([
        "indicatorId",
        "period",
        "placeType",
        "placeCode",
        "value",
        "note",
    ])
    .ok()?;
    for (m, value, note) in rows {
        let indicator = m.indicator_id.to_string();
        let code = m.place.code.as_deref().unwrap_or_default();
        file.write_record([
            indicator.as_str(),
            &m.period,
            m.place.kind.as_str(),
            code,
            &value,
            &note,
        ])
        .ok()?;
    }
    String::from_utf8(file.into_inner().ok()?).ok()
}
