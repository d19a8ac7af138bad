//! Measurements as a file (`GET /measurements?format=csv|xlsx`): the columns
//! an import reads back, with the change-feed cursor that follows on from it.

use actix_web::HttpResponse;
use actix_web::http::header;

use super::formats::csv::{self, Dialect};
use super::formats::negotiate::{Format, XLSX_TYPE};
use super::reports::render::write_rows;
use crate::domain::Principal;
use crate::error::{ApiError, ApiResult};
use crate::service::Conn;
use crate::service::measurements::MeasurementSelection;
use crate::service::measurements::export;

/// The header that carries the change-feed cursor of an export.
pub const CURSOR_HEADER: &str = "x-changes-cursor";

/// Every measurement `filter` selects, as a file in `format`.
pub async fn serve(
    conn: &mut Conn,
    principal: &Principal,
    filter: MeasurementSelection,
    (format, dialect): (Format, Dialect),
) -> ApiResult<HttpResponse> {
    let (body, etag, cursor) = write_rows(
        (format, dialect),
        ("measurements", export::columns()),
        |sender| async move {
            Ok(export::export(conn, principal, filter, |rows| {
                let sender = sender.clone();
                async move { sender.send(rows).await.is_ok() }
            })
            .await?)
        },
    )
    .await?;
    let (content_type, ext) = match format {
        Format::Xlsx => (XLSX_TYPE, "xlsx"),
        Format::Csv => (csv::CONTENT_TYPE, "csv"),
        _ => return Err(ApiError::Internal("a file in another format".into())),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::VARY, "Accept"))
        .insert_header((CURSOR_HEADER, cursor))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"measurements-{}.{ext}\"",
                crate::domain::results::today()
            ),
        ))
        .body(body))
}
