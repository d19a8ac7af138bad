//! How a report goes out: the rendering asked for, its `ETag`, and the
//! kept rendering when nothing has been written since it was computed.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::kept::{Key, Rendered};
use super::pages::Printable;
use crate::auth::MaybeCaller;
use crate::error::{ApiError, ApiResult};
use crate::http::formats::csv::{self, Dialect};
use crate::http::formats::negotiate::{self, Format, XLSX_TYPE};
use crate::http::formats::{html, xlsx};
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
    state: &AppState,
    key: Key,
    (format, dialect): (Format, Dialect),
    compute: F,
) -> ApiResult<HttpResponse>
where
    R: Serialize + Printable + Send + 'static,
    F: Future<Output = ApiResult<R>>,
{
    if let Some(kept) = state.reports.fresh(state, &key).await? {
        return Ok(kept.response());
    }
    // One computation per report at a time: those that waited take the
    // rendering just kept, when nothing was written since it was read (it
    // then holds every write committed before they came).
    let _turn = state.reports.turn(&key).await;
    if let Some(kept) = state.reports.fresh(state, &key).await? {
        return Ok(kept.response());
    }
    let report = compute.await?;
    let rendered = Arc::new(render(report, format, dialect).await?);
    state.reports.keep(key, rendered.clone());
    Ok(rendered.response())
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

/// Renders `report` in `format`.
async fn render<R>(report: R, format: Format, dialect: Dialect) -> ApiResult<Rendered>
where
    R: Serialize + Printable + Send + 'static,
{
    let etag = entity_tag(&report, format, dialect)?;
    let name = report.name();
    let read_at = report.about().read_at.clone();
    let attachment = |ext: &str| {
        Some(format!(
            "attachment; filename=\"{name}-{}.{ext}\"",
            report_day()
        ))
    };
    let blocking = |e: actix_web::error::BlockingError| ApiError::Internal(e.to_string());
    let (content_type, disposition, body) = match format {
        Format::Json => {
            let body =
                serde_json::to_vec(&report).map_err(|e| ApiError::Internal(e.to_string()))?;
            ("application/json", None, body)
        }
        Format::Csv => {
            let body = web::block(move || csv::render(&report.table(), dialect))
                .await
                .map_err(blocking)?;
            (csv::CONTENT_TYPE, attachment("csv"), body)
        }
        Format::Xlsx => {
            let body = web::block(move || xlsx::render(&report.table(), name))
                .await
                .map_err(blocking)?
                .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
            (XLSX_TYPE, attachment("xlsx"), body)
        }
        Format::Html => {
            let body = web::block(move || html::render(&report.page()))
                .await
                .map_err(blocking)?;
            (html::CONTENT_TYPE, None, body.into())
        }
    };
    Ok(Rendered {
        etag,
        content_type,
        disposition,
        page: format == Format::Html,
        body: body.into(),
        read_at,
    })
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
