//! `/imports`: files of records applied as jobs, and what became of them.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::Query;
use super::pagination::{PageParams, Paged};
use super::write::LinkParams;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, InputIssue, PROBLEM_JSON, Problem};
use crate::service;
use crate::service::imports::{
    self, ImportJob, ImportResource, ImportRow, Mode, Submitted, Upload,
};
use crate::startup::AppState;

/// `GET /imports/measurements` is no job: another method on an import's path
/// is a 405 rather than a malformed id.
fn names_a_job(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    ctx.head()
        .uri
        .path()
        .rsplit('/')
        .next()
        .is_some_and(|s| Uuid::parse_str(s).is_ok())
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(import_measurements)
        .service(import_organisations)
        .service(import_municipalities)
        .service(import_indicators)
        .service(import_initiatives)
        .service(import_gbo_projects)
        .service(import_progress_updates)
        .service(list_imports)
        .service(read_import)
        .service(import_rows);
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `commit` (the default) applies the file; `validate` reports exactly
    /// what a commit would do and writes nothing.
    #[param(pattern = "^(validate|commit)$")]
    pub mode: Option<String>,
    /// `true` (the default): all rows or none, a file with rejected rows is
    /// refused whole. `false`: the good rows are applied, the others reported.
    pub atomic: Option<bool>,
    /// `csv`, `json` (an array of objects) or `ndjson` (one object per line);
    /// absent: from `Content-Type`.
    #[param(pattern = "^(csv|json|ndjson)$")]
    pub format: Option<String>,
}

/// The responses of every import.
macro_rules! import_operation {
    ($(#[$doc:meta])* $name:ident, $path:literal, $resource:expr) => {
        $(#[$doc])*
        ///
        /// Every row is judged by the rules and rights of a single write and audited
        /// like one. A file of at most the server's wait size (1 MiB by default)
        /// answers when done: 200 with the report, or, for an atomic commit with
        /// rejected rows, 422 whose body (`import`) is the whole report and nothing
        /// was written. A larger file answers 202 with `Location`: follow the job.
        /// A file that cannot be read at all (not UTF-8, an unknown column, empty)
        /// is a 422 that names the problem, line and byte.
        #[utoipa::path(
            tag = "imports",
            params(
                ImportParams,
                ("Idempotency-Key" = Option<String>, Header, description = "The same key (of the same caller) and file give the same job"),
            ),
            request_body(
                description = "The file",
                content(
                    (String = "text/csv"),
                    (serde_json::Value = "application/json"),
                    (String = "application/x-ndjson"),
                )
            ),
            responses(
                (status = 200, description = "The import ran: its report (`status` says how it ended)", body = ImportJob),
                (status = 202, description = "The import runs in the background; `Location` is the job", body = ImportJob),
                (status = 403, description = "The caller may not write this kind of record", body = Problem, content_type = "application/problem+json"),
                (status = 413, description = "The file is larger than the server takes", body = Problem, content_type = "application/problem+json"),
                (status = 415, description = "Neither `format` nor `Content-Type` says CSV, JSON or NDJSON", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Atomic with rejected rows (nothing written; `import` is the report), a file that cannot be read, or an Idempotency-Key used for another file", body = Problem, content_type = "application/problem+json"),
            ),
            security(("bearerAuth" = []), ("apiKeyAuth" = []))
        )]
        #[post($path)]
        async fn $name(
            req: HttpRequest,
            state: web::Data<AppState>,
            caller: Caller,
            query: Query<ImportParams>,
            payload: web::Payload,
        ) -> ApiResult<HttpResponse> {
            file_import(req, state, caller, query.0, payload, $resource).await
        }
    };
}

import_operation!(
    /// Import a file of measurements. The CSV columns are those of the
    /// measurements' CSV export (`GET /measurements?format=csv`) (`,` or `;`,
    /// UTF-8 with or without a byte order mark, a decimal comma is read too);
    /// JSON is an array of objects, or one object per line, with the same
    /// names. Rows are matched by `id`, else by `externalId` (in the caller's source system), else by the
    /// indicator (`indicatorId`, or an `indicatorCode` only one indicator
    /// has), the period and the place. A column left out leaves a value as it
    /// is; an **empty cell means no value** and clears it.
    import_measurements,
    "/imports/measurements",
    ImportResource::Measurements
);

import_operation!(
    /// Import a file of organisations. The CSV columns are those of the
    /// organisations' CSV export (`GET /organisations?format=csv`); JSON is
    /// an array of objects, or one object per line, with the same names. Rows
    /// are matched by `id`, else by `externalId` (in the caller's source system), else by the KBO enterprise
    /// number in any usual notation (`0123.456.749`, `BE 0123456749`, or the
    /// nine digits a spreadsheet leaves when it drops the leading zero). A
    /// row that names none is a new organisation. A column left out leaves a
    /// value as it is; an **empty cell means no value** and clears it (a
    /// required one is refused). Each row is a single create or update.
    import_organisations,
    "/imports/organisations",
    ImportResource::Organisations
);

import_operation!(
    /// Import a file of municipalities (administrators). The CSV columns are
    /// those of the municipalities' CSV export (`GET /municipalities?format=csv`);
    /// JSON is an array of objects, or one object per line, with the same
    /// names. A row names a municipality by its NIS code, which never changes;
    /// an unknown one is a new municipality. A column left out leaves a value
    /// as it is; an **empty cell means no value** and clears it (a required
    /// one is refused). Each row is a single create or update, so a move to
    /// another region is refused while initiatives naming the municipality
    /// would lie outside their regions. Replaces `POST /municipalities/import`.
    import_municipalities,
    "/imports/municipalities",
    ImportResource::Municipalities
);

import_operation!(
    /// Import a file of indicators. The CSV columns are those of the
    /// indicators' CSV export (`GET /indicators?format=csv`): the baseline
    /// is `baselineValue` and `baselineDate`, the subject `subjectType` and
    /// `subjectId`, the targets one cell as `2025-12-31=120 | 2026-12-31=150`,
    /// `cumulative` `true` or `false`. Rows are matched by `id`, else by
    /// `externalId` (in the caller's source system), else by the code on the subject. A column left out
    /// leaves a value as it is; an **empty cell means no value** and clears it.
    /// Each row is a single create or update, with its rights (a coordinator
    /// writes the indicators of work in their region).
    import_indicators,
    "/imports/indicators",
    ImportResource::Indicators
);

import_operation!(
    /// Import a file of initiatives. The CSV columns are those of the
    /// initiatives' CSV export (`GET /initiatives?format=csv`); lists
    /// (`partnerOrganisationIds`, `regions`, `municipalities`) are one cell
    /// each, separated by `|`. Rows are matched by `id`, else by
    /// `externalId` (in the caller's source system), else by the code in the plan of the row's action. A new
    /// initiative may give its `status` and `progress`; later they change by
    /// progress updates. A column left out leaves a value as it is; an
    /// **empty cell means no value** and clears it. Each row is a single
    /// create or update, with its rights (a coordinator's row for another
    /// region is refused).
    import_initiatives,
    "/imports/initiatives",
    ImportResource::Initiatives
);

import_operation!(
    /// Import a file of GBO projects. The CSV columns are those of the
    /// projects' CSV export (`GET /gboProjects?format=csv`): the
    /// municipalities one cell separated by `|`, the partners one cell of
    /// `organisationId=part` separated by `|`, the contact as `contactName`,
    /// `contactEmail` and `contactPhone`. Rows are matched by `id`, else by
    /// `externalId` (in the caller's source system). A column left out leaves a value as it is; an **empty
    /// cell means no value** and clears it. Each row is a single create or
    /// update, with its rights.
    import_gbo_projects,
    "/imports/gboProjects",
    ImportResource::GboProjects
);

import_operation!(
    /// Import a file of progress updates: each row a new entry on the
    /// timeline of an initiative (`initiativeId`) or an action (`actionId`),
    /// with `date`, `status`, `progress` and `narrative`; the columns are
    /// those of a timeline's CSV export
    /// (`GET /initiatives/{id}/progressUpdates?format=csv`). Entries are
    /// never changed: a row naming one by `id`, or saying exactly what an
    /// entry on the same timeline says, is `unchanged` (a file sent twice
    /// posts nothing twice); a row that would change one is rejected. Each
    /// row is a single post, with its rights.
    import_progress_updates,
    "/imports/progressUpdates",
    ImportResource::ProgressUpdates
);

/// Receives the file and files the import.
async fn file_import(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    p: ImportParams,
    payload: web::Payload,
    resource: ImportResource,
) -> ApiResult<HttpResponse> {
    imports::may_import(&caller.0, resource)?;
    let mode = match p.mode.as_deref() {
        None => Mode::Commit,
        Some(m) => Mode::parse(m).ok_or_else(|| {
            ApiError::validation(InputIssue::query("mode", "must be validate or commit"))
        })?,
    };
    let format = match p.format.as_deref() {
        Some("csv") => crate::domain::records::Format::Csv,
        Some("json") => crate::domain::records::Format::Json,
        Some("ndjson") => crate::domain::records::Format::Ndjson,
        Some(_) => {
            return Err(ApiError::validation(InputIssue::query(
                "format",
                "must be csv, json or ndjson",
            )));
        }
        None => imports::format_of(
            req.mime_type()
                .ok()
                .flatten()
                .as_ref()
                .map_or("", |m| m.essence_str()),
        )
        .ok_or(ApiError::UnsupportedMediaType(
            "send the file as text/csv, application/json or application/x-ndjson, or name it with format=csv|json|ndjson",
        ))?,
    };
    let idempotency_key = super::idempotency::key(&req)?;
    let (file, sha256, bytes) = receive(payload, state.settings.import_max_bytes).await?;
    let upload = Upload {
        resource,
        format,
        mode,
        atomic: p.atomic.unwrap_or(true),
        file,
        sha256,
        bytes,
        idempotency_key,
    };
    let request_id = super::write::writer(&req, &caller.0)
        .actor()
        .request_id
        .clone();
    let submitted = imports::submit(
        &state.pool,
        &caller.0,
        request_id,
        upload,
        state.settings.import_wait_bytes,
    )
    .await?;
    Ok(match submitted {
        Submitted::Running(job) => HttpResponse::Accepted()
            .insert_header((header::LOCATION, job.self_link.clone()))
            .insert_header((header::RETRY_AFTER, "1"))
            .json(job),
        Submitted::Ended(job) => answer(job),
    })
}

/// The answer for an import that has ended: the report, or a 422 problem
/// holding it when the file was refused whole.
fn answer(job: ImportJob) -> HttpResponse {
    let refused = |problem_type: &str, title: &str, detail: String| {
        let mut body = serde_json::json!({
            "type": problem_type,
            "title": title,
            "status": 422,
            "detail": detail,
        });
        body["import"] = serde_json::to_value(&job).unwrap_or_default();
        HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY)
            .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
            .insert_header((header::LOCATION, job.self_link.clone()))
            .body(body.to_string())
    };
    match job.status.as_str() {
        "rejected" if job.mode == "commit" => refused(
            crate::error::IMPORT_REJECTED,
            "Import rejected",
            format!(
                "{} of {} rows were rejected, so nothing was written (the import is atomic): correct them and send the file again, or send it with atomic=false",
                job.counts.rejected, job.counts.read
            ),
        ),
        "failed" => {
            let detail = job.failure.as_ref().map_or_else(
                || "the file could not be imported".to_owned(),
                |f| f.message.clone(),
            );
            refused(crate::error::IMPORT_FAILED, "Import failed", detail)
        }
        _ => HttpResponse::Ok()
            .insert_header((header::LOCATION, job.self_link.clone()))
            .json(job),
    }
}

/// Streams the body to a temporary file, at most `max` bytes, with its
/// SHA-256.
async fn receive(
    mut payload: web::Payload,
    max: u64,
) -> ApiResult<(tempfile::TempPath, String, u64)> {
    let broken = |e: std::io::Error| ApiError::Internal(format!("temporary file: {e}"));
    let temp = tempfile::NamedTempFile::new().map_err(broken)?;
    let mut out = tokio::fs::File::from_std(temp.reopen().map_err(broken)?);
    let mut hash = Sha256::new();
    let mut bytes = 0u64;
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::BadRequest(format!("the upload broke off: {e}")))?;
        bytes += chunk.len() as u64;
        if bytes > max {
            return Err(ApiError::PayloadTooLarge(
                usize::try_from(max).unwrap_or(usize::MAX),
            ));
        }
        hash.update(&chunk);
        out.write_all(&chunk).await.map_err(broken)?;
    }
    out.flush().await.map_err(broken)?;
    Ok((temp.into_temp_path(), hex::encode(hash.finalize()), bytes))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportListParams {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

/// The imports the caller filed (steering and administrators: every
/// import), newest first.
#[utoipa::path(
    tag = "imports",
    params(ImportListParams),
    responses(
        (status = 200, description = "A page of imports", body = Paged<ImportJob>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/imports")]
async fn list_imports(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<ImportListParams>,
) -> ApiResult<Paged<ImportJob>> {
    let (page, size) = PageParams {
        page: query.0.page,
        page_size: query.0.page_size,
    }
    .validate()?;
    let mut conn = service::connect(&state.pool).await?;
    let found = imports::list(&mut conn, &caller.0, &PageParams::storage_page(page, size)).await?;
    Ok(Paged::of(found, page, size, "/imports", &[]))
}

/// An import: its state, counts, the file's SHA-256 and its first rejected
/// rows. Its owner, steering and administrators.
#[utoipa::path(
    tag = "imports",
    params(("id" = Uuid, Path, description = "The import")),
    responses(
        (status = 200, description = "The import", body = ImportJob),
        (status = 404, description = "No such import (or not the caller's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/imports/{id}", guard = "names_a_job")]
async fn read_import(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = service::connect(&state.pool).await?;
    let job = imports::read(&mut conn, &caller.0, *id).await?;
    let mut res = HttpResponse::Ok();
    if !job.ended() {
        res.insert_header((header::RETRY_AFTER, "1"));
    }
    Ok(res.json(job))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportRowParams {
    /// Only rows with this outcome.
    #[param(pattern = "^(created|updated|unchanged|rejected)$")]
    pub outcome: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

/// The rows of an import and what became of each, in the file's order.
#[utoipa::path(
    tag = "imports",
    params(("id" = Uuid, Path, description = "The import"), ImportRowParams),
    responses(
        (status = 200, description = "A page of rows", body = Paged<ImportRow>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such import (or not the caller's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/imports/{id}/rows")]
async fn import_rows(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: Query<ImportRowParams>,
) -> ApiResult<Paged<ImportRow>> {
    let q = query.0;
    if let Some(o) = &q.outcome
        && !["created", "updated", "unchanged", "rejected"].contains(&o.as_str())
    {
        return Err(ApiError::validation(
            InputIssue::query("outcome", "must be created, updated, unchanged or rejected")
                .with_value(o.clone().into()),
        ));
    }
    let (page, size) = PageParams {
        page: q.page,
        page_size: q.page_size,
    }
    .validate()?;
    let mut conn = service::connect(&state.pool).await?;
    let found = imports::rows(
        &mut conn,
        &caller.0,
        *id,
        q.outcome.as_deref(),
        &PageParams::storage_page(page, size),
    )
    .await?;
    let mut links = LinkParams::default();
    links.one("outcome", q.outcome.clone());
    Ok(Paged::of(
        found,
        page,
        size,
        &format!("/imports/{}/rows", *id),
        &links.0,
    ))
}
