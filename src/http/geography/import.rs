//! `POST /municipalities/import`: many municipalities in one request, all or nothing.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, post, web};
use serde_json::Value;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, InputIssue, Problem};
use crate::http::extract::from_value;
use crate::http::idempotency::{self, BodyDigest, digest};
use crate::http::write;
use crate::service::municipalities::MunicipalityCreate;
use crate::service::municipalities::import::{self, ImportItem, MunicipalityImportResult};
use crate::service::{self, ServiceError, ServiceResult};
use crate::startup::AppState;

/// Load a list of municipalities in one go. Administrators.
///
/// The body is a JSON array of at most 1000 municipalities. Each one is
/// created, or, when its NIS code exists, replaced by the values given (absent
/// optional fields are cleared). It is all or nothing: when any item is
/// invalid, nothing is written and the 400 names each problem as
/// `[index].field`; an item that would move a municipality out of the regions
/// of initiatives that name it is a 409 that names the item and them. Every
/// created or changed municipality gets an audit entry.
///
/// Deprecated: `POST /imports/municipalities` takes the same municipalities
/// as a file (CSV or JSON) and reports every row.
#[utoipa::path(
    tag = "municipalities",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body within 24 hours get the first answer again"),),
    request_body(content = Vec<MunicipalityCreate>, description = "The municipalities, at most 1000"),
    responses(
        (status = 200, description = "All municipalities were loaded", body = MunicipalityImportResult),
        (status = 400, description = "Some items are invalid; nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators maintain municipalities", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with the same Idempotency-Key is running, or an item would move a municipality out of the regions of initiatives that name it (the detail says which); nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []))
)]
#[post("/municipalities/import")]
pub(super) async fn load_municipalities(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<Value>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    req.extensions_mut().insert(BodyDigest(digest(&bytes)));
    idempotency::once(&req, &state, &caller.0, || async {
        let mut conn = service::connect(&state.pool).await?;
        let writer = write::writer(&req, &caller.0);
        let result = import::import(&mut conn, &writer, || read_items(body)).await?;
        Ok(HttpResponse::Ok().json(result))
    })
    .await
}

/// The import's items as the body holds them: each a municipality, or the
/// issues that kept it from being read, named within the item.
fn read_items(body: Value) -> ServiceResult<Vec<ImportItem>> {
    let Value::Array(values) = body else {
        return Err(ServiceError::invalid(InputIssue::body(
            "",
            "the body must be a JSON array of municipalities",
        )));
    };
    Ok(values
        .into_iter()
        .map(|value| {
            // Reading refuses with issues; anything else concerns the item as a whole.
            from_value::<MunicipalityCreate>(value).map_err(|error| match error {
                ApiError::Validation(issues) => issues,
                other => vec![InputIssue::body("", other.to_string())],
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn import_issues_name_the_index_and_the_field() {
        let body = json!([
            {"nisCode": "71016", "name": "Genk", "regionId": "limburg", "validFrom": "1977-01-01"},
            {"nisCode": "7101", "name": "Bad", "regionId": "limburg", "validFrom": "1977-01-01",
             "validTo": "1976-12-31"},
            {"nisCode": "71016", "name": "Again", "regionId": "limburg", "validFrom": "1977-01-01"},
            {"nisCode": "71017", "name": "Extra", "regionId": "limburg", "validFrom": "1977-01-01",
             "colour": "red"},
            {"nisCode": "71018", "name": "Old", "regionId": "limburg", "validFrom": "1700-01-01",
             "provinceNisCode": "99999"},
            "not an object",
        ]);
        let Err(ServiceError::Invalid(issues)) = read_items(body).and_then(import::check_items)
        else {
            panic!("expected a validation error");
        };
        let names: Vec<&str> = issues.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "[1].nisCode",
                "[1].validTo",
                "[2].nisCode",
                "[3].colour",
                "[4].provinceNisCode",
                "[4].validFrom",
                "[5]",
            ]
        );
        assert!(read_items(json!({"nisCode": "71016"})).is_err());
        assert!(import::check_items(Vec::new()).is_err());
    }
}
