//! `/indicators/{id}/measurements` and `/measurements`: the values of an
//! indicator per period and place, their corrections and their revisions.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::extract::{Body, Query, RequestBody, respond, version};
use super::pagination::{PageParams, Paged};
use super::write::{self, LinkParams};
use crate::auth::Caller;
use crate::domain::plan::check_external_id;
use crate::domain::results::{Period, PlaceType};
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::service;
use crate::service::measurements::{
    self, Measurement, MeasurementCreate, MeasurementPatch, MeasurementRevision,
    MeasurementSelection,
};
use crate::startup::AppState;

mod query;
use query::{AcrossQuery, MeasurementQuery, selection};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_indicator_measurements)
        .service(create_measurement)
        .service(list_measurements)
        .service(read_measurement)
        .service(update_measurement)
        .service(delete_measurement)
        .service(measurement_revisions);
}

const READ_ONLY: &[&str] = &[
    "id",
    "self",
    "version",
    "createdAt",
    "updatedAt",
    "example",
    "indicator",
    "indicatorId",
    "reporter",
    "recordedAt",
    "revisions",
];

impl RequestBody for MeasurementCreate {
    const READ_ONLY: &'static [&'static str] = READ_ONLY;
}

const KEY_FIXED: &str = "is part of the measurement's key (indicator, period, place) and stays: delete the measurement and record a new one";

impl RequestBody for MeasurementPatch {
    const READ_ONLY: &'static [&'static str] = READ_ONLY;
    const REFUSED: &'static [(&'static str, &'static str)] = &[
        ("period", KEY_FIXED),
        ("periodStart", KEY_FIXED),
        ("periodEnd", KEY_FIXED),
        ("place", KEY_FIXED),
    ];
}

/// The measurements of an indicator: current values only. A place that did
/// not report for a period has no item (missing is not zero).
#[utoipa::path(
    tag = "measurements",
    params(("id" = Uuid, Path, description = "Indicator id"), MeasurementQuery),
    responses(
        (status = 200, description = "A page of measurements", body = Paged<Measurement>),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such indicator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/indicators/{id}/measurements")]
async fn list_indicator_measurements(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: Query<MeasurementQuery>,
) -> ApiResult<Paged<Measurement>> {
    let id = id.into_inner();
    let mut links = LinkParams::default();
    let (filter, sort, page, size) = selection(query.0.places(), &mut links)?;
    let mut conn = service::connect(&state.pool).await?;
    let found = measurements::list_of_indicator(
        &mut conn,
        &caller.0,
        id,
        filter,
        &sort,
        PageParams::storage_page(page, size),
    )
    .await?;
    Ok(Paged::of(
        found,
        page,
        size,
        &format!("/indicators/{id}/measurements"),
        &links.0,
    ))
}

/// Record a measurement: one period of the indicator's granularity that has
/// begun, one place where its work is, and the value its measure takes. A
/// second measurement for the same period and place is a 409 that names the
/// first: correct that one with PATCH.
#[utoipa::path(
    tag = "measurements",
    params(
        ("id" = Uuid, Path, description = "Indicator id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),
    ),
    request_body = MeasurementCreate,
    responses(
        (status = 201, description = "Recorded", body = Measurement,
            headers(("Location" = String, description = "URL of the new measurement"), ("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input: period, place or value", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not record measurements of this indicator for this place", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such indicator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The indicator has a measurement for this period and place (named in the detail), the external id is taken, or a request with the same Idempotency-Key is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/indicators/{id}/measurements")]
async fn create_measurement(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<MeasurementCreate>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    super::idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let measurement = measurements::create(&mut conn, &writer, id, body.0).await?;
        Ok(respond(StatusCode::CREATED, measurement))
    })
    .await
}

/// Measurements across indicators: current values only. As a file
/// (`format=csv` or `xlsx`): every measurement the filters select, in the
/// columns `POST /imports/measurements` reads, so that a file edited in a
/// spreadsheet can be imported again; `X-Changes-Cursor` is the change-feed
/// cursor to follow on from it.
#[utoipa::path(
    tag = "measurements",
    params(AcrossQuery),
    responses(
        (status = 200, description = "A page of measurements, or the file of all of them", content(
            (Paged<Measurement> = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("X-Changes-Cursor" = String, description = "With a file: the change-feed cursor that follows on from it"))),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "A format the list does not answer in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/measurements")]
async fn list_measurements(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<AcrossQuery>,
) -> ApiResult<HttpResponse> {
    let across = query.0;
    let file = super::list_files::requested(
        &req,
        (across.format.as_deref(), across.dialect.as_deref()),
        (across.page, across.page_size),
        "measurement",
    )?;
    for (name, len) in [
        ("indicator", across.indicator.len()),
        ("gboProject", across.gbo_project.len()),
        ("initiative", across.initiative.len()),
    ] {
        if len > 100 {
            return Err(ApiError::validation(InputIssue::query(
                name,
                "may be repeated at most 100 times",
            )));
        }
    }
    if let Some(id) = &across.external_id {
        check_external_id(id)
            .map_err(|e| ApiError::validation(InputIssue::query("externalId", e)))?;
    }
    let mut links = LinkParams::default();
    links
        .many("indicator", &across.indicator)
        .many("gboProject", &across.gbo_project)
        .many("initiative", &across.initiative)
        .one("externalId", across.external_id.clone());
    let (mut filter, sort, page, size) = selection(across.places(), &mut links)?;
    filter.indicator = across.indicator;
    filter.gbo_project = across.gbo_project;
    filter.initiative = across.initiative;
    filter.external_id = across.external_id;
    let mut conn = service::connect(state.reads(file.is_some())).await?;
    if let Some(file) = file {
        let principal = &caller.0;
        return super::list_files::serve(
            "measurements",
            measurements::export::columns(),
            file,
            |each| measurements::export::export(&mut conn, principal, filter, each),
        )
        .await;
    }
    let found = measurements::list(
        &mut conn,
        &caller.0,
        filter,
        &sort,
        PageParams::storage_page(page, size),
    )
    .await?;
    Ok(Paged::of(found, page, size, "/measurements", &links.0).response())
}

/// Read a measurement. A removed one is a 404; its revisions stay readable.
#[utoipa::path(
    tag = "measurements",
    params(("id" = Uuid, Path, description = "Measurement id")),
    responses(
        (status = 200, description = "The measurement", body = Measurement, headers(("ETag" = String, description = "Version"))),
        (status = 404, description = "No such measurement, or it was removed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/measurements/{id}")]
async fn read_measurement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut conn = service::connect(&state.pool).await?;
    let measurement = measurements::read(&mut conn, &caller.0, id.into_inner()).await?;
    Ok(respond(StatusCode::OK, measurement))
}

/// Correct a measurement (JSON merge patch): its value, note or external id.
/// Needs `If-Match`. The earlier value stays in its revisions.
#[utoipa::path(
    tag = "measurements",
    params(
        ("id" = Uuid, Path, description = "Measurement id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    request_body(content = MeasurementPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The corrected measurement", body = Measurement, headers(("ETag" = String, description = "Version"))),
        (status = 400, description = "Invalid input, or a key field (period, place)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not correct this measurement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measurement", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The external id is taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The measurement has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[patch("/measurements/{id}")]
async fn update_measurement(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: Body<MeasurementPatch>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    let measurement =
        measurements::update(&mut conn, &writer, id.into_inner(), expected, body.0).await?;
    Ok(respond(StatusCode::OK, measurement))
}

/// Remove a measurement. Needs `If-Match`. Its revisions stay, the removal
/// among them; the period and place are free for a new measurement.
#[utoipa::path(
    tag = "measurements",
    params(
        ("id" = Uuid, Path, description = "Measurement id"),
        ("If-Match" = String, Header, description = "The current version, as in the ETag: `\"3\"`"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "The caller may not remove this measurement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measurement", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The measurement has changed since the given version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[delete("/measurements/{id}")]
async fn delete_measurement(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let expected = version(&req)?;
    let mut conn = service::connect(&state.pool).await?;
    let writer = write::writer(&req, &caller.0);
    measurements::delete(&mut conn, &writer, id.into_inner(), expected).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RevisionQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
}

/// Every value the measurement has had, oldest first: the first, each
/// correction, and its removal. Readable after the removal too.
#[utoipa::path(
    tag = "measurements",
    params(("id" = Uuid, Path, description = "Measurement id"), RevisionQuery),
    responses(
        (status = 200, description = "A page of revisions", body = Paged<MeasurementRevision>),
        (status = 404, description = "No such measurement was ever recorded", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[get("/measurements/{id}/revisions")]
async fn measurement_revisions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: Query<RevisionQuery>,
) -> ApiResult<Paged<MeasurementRevision>> {
    let id = id.into_inner();
    let (page, size) = PageParams {
        page: query.0.page,
        page_size: query.0.page_size,
    }
    .validate()?;
    let mut conn = service::connect(&state.pool).await?;
    let found = measurements::revisions(
        &mut conn,
        &caller.0,
        id,
        PageParams::storage_page(page, size),
    )
    .await?;
    Ok(Paged::of(
        found,
        page,
        size,
        &format!("/measurements/{id}/revisions"),
        &[],
    ))
}
