//! How a report goes out: the rendering asked for, its `ETag`, and the
//! kept rendering when nothing has been written since it was computed.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::kept::{Key, Rendered};
use super::pages::Printable;
use crate::auth::MaybeCaller;
use crate::domain::table::{Cell, Column, Rows};
use crate::error::{ApiError, ApiResult};
use crate::http::formats::csv::{self, Dialect};
use crate::http::formats::negotiate::{self, Format, XLSX_TYPE};
use crate::http::formats::{html, xlsx};
use crate::service::reports::ReadAt;
use crate::startup::AppState;

/// The formats every report answers in.
const OFFERED: [Format; 4] = [Format::Json, Format::Csv, Format::Xlsx, Format::Html];

/// A writer that drops everything up to and including the first `,`: the
/// JSON of a report begins with `{"generatedAt":"…",`, which the `ETag`
/// leaves out.
struct AfterFirstMember<'a> {
    started: bool,
    hasher: &'a mut Sha256,
}

impl std::io::Write for AfterFirstMember<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let rest = if self.started {
            buf
        } else {
            match buf.iter().position(|&b| b == b',') {
                Some(i) => {
                    self.started = true;
                    &buf[i + 1..]
                }
                None => &[],
            }
        };
        self.hasher.update(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The weak entity tag of `report` in `format`: a digest of its JSON
/// without `generatedAt`, of the format and of the CSV dialect.
fn entity_tag<R: Serialize>(report: &R, format: Format, dialect: Dialect) -> ApiResult<String> {
    let mut hasher = Sha256::new();
    hasher.update(format.name().as_bytes());
    hasher.update([dialect as u8]);
    let mut writer = AfterFirstMember {
        started: false,
        hasher: &mut hasher,
    };
    serde_json::to_writer(&mut writer, report).map_err(|e| ApiError::Internal(e.to_string()))?;
    let digest = hasher.finalize();
    Ok(format!("W/\"{}\"", hex::encode(&digest[..16])))
}

/// Serves the report that `key` names: the kept rendering when nothing has
/// been written since it was computed, else `compute`d afresh, rendered and
/// kept.
pub(super) async fn serve<R, F>(
    (state, req): (&AppState, &HttpRequest),
    key: Key,
    (format, dialect): (Format, Dialect),
    compute: F,
) -> ApiResult<HttpResponse>
where
    R: Serialize + Printable + Send + 'static,
    F: Future<Output = ApiResult<R>>,
{
    let gzip = negotiate::accepts_gzip(req);
    let _turn = match kept_or_turn(state, &key).await? {
        Ok(kept) => return Ok(kept.response(gzip)),
        Err(turn) => turn,
    };
    let report = compute.await?;
    let rendered = Arc::new(render(report, format, dialect).await?);
    state.reports.keep(key, rendered.clone());
    Ok(rendered.response(gzip))
}

/// The kept rendering of `key` when nothing has been written since it was
/// computed, else the turn to compute it. One computation per report at a
/// time: those that waited take the rendering just kept, when nothing was
/// written since it was read (it then holds every write committed before
/// they came).
async fn kept_or_turn<'a>(
    state: &'a AppState,
    key: &Key,
) -> ApiResult<Result<Arc<Rendered>, Option<tokio::sync::MutexGuard<'a, ()>>>> {
    if let Some(kept) = state.reports.fresh(state, key).await? {
        return Ok(Ok(kept));
    }
    let turn = state.reports.turn(key).await;
    Ok(match state.reports.fresh(state, key).await? {
        Some(kept) => Ok(kept),
        None => Err(turn),
    })
}

/// Where a report sends its rows, a batch at a time, as it computes them.
pub(crate) type RowSender = mpsc::Sender<Vec<Vec<Cell>>>;

/// Serves the CSV or XLSX rendering that `key` names of a report that sends
/// its rows as it computes them: the kept rendering when nothing has been
/// written since, else the rows go into the file as they come (on a blocking
/// thread, a few batches behind the computation), so that a large report is
/// never held whole. `compute` answers when the report was read. The `ETag`
/// is a digest of the rows' cells, the format and the dialect.
pub(super) async fn serve_rows<F, Fut>(
    (state, req): (&AppState, &HttpRequest),
    key: Key,
    (format, dialect): (Format, Dialect),
    (name, columns): (&'static str, Vec<Column>),
    compute: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(RowSender) -> Fut,
    Fut: Future<Output = ApiResult<ReadAt>>,
{
    let gzip = negotiate::accepts_gzip(req);
    let _turn = match kept_or_turn(state, &key).await? {
        Ok(kept) => return Ok(kept.response(gzip)),
        Err(turn) => turn,
    };
    let (body, etag, read_at) = write_rows((format, dialect), (name, columns), compute).await?;
    let (content_type, ext) = match format {
        Format::Xlsx => (XLSX_TYPE, "xlsx"),
        _ => (csv::CONTENT_TYPE, "csv"),
    };
    let rendered = web::block(move || {
        Rendered::new(
            etag,
            (content_type, attachment(name, ext)),
            false,
            body,
            read_at,
        )
    })
    .await
    .map_err(blocking)?;
    let rendered = Arc::new(rendered);
    state.reports.keep(key, rendered.clone());
    Ok(rendered.response(gzip))
}

/// Writes the rows `compute` sends into a CSV or XLSX file as they come (on
/// a blocking thread, a few batches behind), so that the rows are never held
/// whole: the file, its weak `ETag` (a digest of the cells, the format and the
/// dialect) and what `compute` answered.
pub(crate) async fn write_rows<F, Fut, T>(
    (format, dialect): (Format, Dialect),
    (name, columns): (&'static str, Vec<Column>),
    compute: F,
) -> ApiResult<(Vec<u8>, String, T)>
where
    F: FnOnce(RowSender) -> Fut,
    Fut: Future<Output = ApiResult<T>>,
{
    let (sender, mut receiver) = mpsc::channel::<Vec<Vec<Cell>>>(4);
    let writer = web::block(move || {
        let mut hasher = Sha256::new();
        hasher.update(format.name().as_bytes());
        hasher.update([dialect as u8]);
        let rows = std::iter::from_fn(|| receiver.blocking_recv())
            .flatten()
            .inspect(|row| digest_row(&mut hasher, row));
        let rows = Rows::new(columns, rows);
        let body = match format {
            Format::Xlsx => xlsx::render(rows, name),
            _ => Ok(csv::render(rows, dialect)),
        };
        (body, hasher.finalize())
    });
    let computed = compute(sender).await;
    let (body, digest) = writer.await.map_err(blocking)?;
    // A writer that failed stopped taking rows: its failure is the cause.
    let body = body.map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    Ok((
        body,
        format!("W/\"{}\"", hex::encode(&digest[..16])),
        computed?,
    ))
}

/// Adds one row's cells to a digest, each with its kind, so that no two
/// different rows add the same bytes.
fn digest_row(hasher: &mut Sha256, row: &[Cell]) {
    for cell in row {
        match cell {
            Cell::Empty => hasher.update([0]),
            Cell::Integer(v) => {
                hasher.update([1]);
                hasher.update(v.to_le_bytes());
            }
            Cell::Number(v) => {
                hasher.update([2]);
                hasher.update(v.to_bits().to_le_bytes());
            }
            Cell::Text(t) => {
                hasher.update([3]);
                hasher.update((t.len() as u64).to_le_bytes());
                hasher.update(t.as_bytes());
            }
            Cell::Date(d) => {
                hasher.update([4]);
                hasher.update(chrono::Datelike::num_days_from_ce(d).to_le_bytes());
            }
            Cell::DateTime(t) => {
                hasher.update([5]);
                hasher.update(t.timestamp_micros().to_le_bytes());
            }
            Cell::Bool(b) => hasher.update([6, u8::from(*b)]),
        }
    }
    hasher.update([0xff]);
}

/// What identifies a rendering of `report` asked for by `req`.
pub(super) fn key(
    req: &HttpRequest,
    report: &'static str,
    caller: &MaybeCaller,
    (format, dialect): (Format, Dialect),
) -> Key {
    Key {
        report,
        query: req.query_string().to_owned(),
        format: format.name(),
        dialect,
        signed_in: caller.0.is_some(),
        day: crate::domain::results::today(),
    }
}

/// Renders `report` in `format`, off the async workers.
async fn render<R>(report: R, format: Format, dialect: Dialect) -> ApiResult<Rendered>
where
    R: Serialize + Printable + Send + 'static,
{
    web::block(move || {
        let etag = entity_tag(&report, format, dialect)?;
        let name = report.name();
        let read_at = report.about().read_at.clone();
        let (content_type, disposition, body) = match format {
            Format::Json => {
                let body =
                    serde_json::to_vec(&report).map_err(|e| ApiError::Internal(e.to_string()))?;
                ("application/json", None, body)
            }
            Format::Csv => (
                csv::CONTENT_TYPE,
                attachment(name, "csv"),
                csv::render(report.rows(), dialect),
            ),
            Format::Xlsx => (
                XLSX_TYPE,
                attachment(name, "xlsx"),
                xlsx::render(report.rows(), name)
                    .map_err(|e| ApiError::Unprocessable(e.to_string()))?,
            ),
            Format::Html => (
                html::CONTENT_TYPE,
                None,
                html::render(&report.page()).into_bytes(),
            ),
        };
        Ok(Rendered::new(
            etag,
            (content_type, disposition),
            format == Format::Html,
            body,
            read_at,
        ))
    })
    .await
    .map_err(blocking)?
}

fn blocking(e: actix_web::error::BlockingError) -> ApiError {
    ApiError::Internal(e.to_string())
}

/// The `Content-Disposition` of a report's file.
fn attachment(name: &str, ext: &str) -> Option<String> {
    Some(format!(
        "attachment; filename=\"{name}-{}.{ext}\"",
        report_day()
    ))
}

fn report_day() -> String {
    crate::domain::results::today().to_string()
}

pub(super) fn reader(caller: &MaybeCaller, state: &AppState) -> ApiResult<()> {
    crate::http::write::plan_audience(caller, state).map(|_| ())
}

/// The rendering asked for, checked before any figure is computed.
pub(super) fn rendering(
    req: &HttpRequest,
    format: Option<&str>,
    dialect: Option<&str>,
) -> ApiResult<(Format, Dialect)> {
    let format = negotiate::choose(req, format, &OFFERED)?;
    Ok((format, negotiate::dialect(dialect)?))
}
