//! Lists as files (`?format=csv|xlsx`): the columns an import of the same
//! kind reads back, every record the filters select read in one snapshot,
//! with the change-feed cursor that follows on from it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use super::formats::csv::{self, Dialect};
use super::formats::negotiate::{self, Format, XLSX_TYPE};
use super::reports::render::{RowSender, write_rows};
use crate::domain::table::{Cell, Column};
use crate::error::{ApiError, ApiResult, InputIssue};
use crate::service::ServiceResult;

/// The header that carries the change-feed cursor of an export.
pub const CURSOR_HEADER: &str = "x-changes-cursor";

/// The file a list is asked for (by `format`, else `Accept`), if any. A file
/// holds every record the filters select: a page is refused by name.
pub fn requested(
    req: &HttpRequest,
    (format, dialect): (Option<&str>, Option<&str>),
    (page, page_size): (Option<u32>, Option<u32>),
    what: &str,
) -> ApiResult<Option<(Format, Dialect)>> {
    let format = negotiate::choose(req, format, &[Format::Json, Format::Csv, Format::Xlsx])?;
    let dialect = negotiate::dialect(dialect)?;
    if format == Format::Json {
        return Ok(None);
    }
    let named = if page.is_some() {
        "page"
    } else if page_size.is_some() {
        "pageSize"
    } else {
        return Ok(Some((format, dialect)));
    };
    Err(ApiError::validation(InputIssue::query(
        named,
        format!("a file holds every {what} the filters select: leave out page and pageSize"),
    )))
}

/// What an export hands its rows to, a batch at a time: it sends them to
/// the file's writer and answers `false` once the writer has stopped.
pub type Handing =
    Box<dyn FnMut(Vec<Vec<Cell>>) -> std::pin::Pin<Box<dyn Future<Output = bool> + Send>> + Send>;

fn handing(sender: RowSender) -> Handing {
    Box::new(move |rows| {
        let sender = sender.clone();
        Box::pin(async move { sender.send(rows).await.is_ok() })
    })
}

/// The file `name` of the rows `export` hands on, with the cursor it answers.
pub async fn serve<F, Fut>(
    name: &'static str,
    columns: Vec<Column>,
    (format, dialect): (Format, Dialect),
    export: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(Handing) -> Fut,
    Fut: Future<Output = ServiceResult<String>>,
{
    let (body, etag, cursor) =
        write_rows((format, dialect), (name, columns), |sender| async move {
            Ok(export(handing(sender)).await?)
        })
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
                "attachment; filename=\"{name}-{}.{ext}\"",
                crate::domain::results::today()
            ),
        ))
        .body(body))
}
