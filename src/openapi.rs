//! The OpenAPI document. Paths come from the handlers registered in
//! `http::routes` (utoipa-actix-web collects them), so routes and docs cannot
//! drift; `openapi/openapi.json` is this document, checked by a test.

use actix_web::App;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDoc, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::PROBLEM_TYPES;

pub const BEARER: &str = "bearerAuth";
pub const API_KEY: &str = "apiKeyAuth";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sterk Sociaal Werk API",
        description = "The authoritative store for following up the Flemish Actieplan Sterk Sociaal Werk: its challenges, actions, initiatives, regional platforms and their progress.\n\nErrors are `application/problem+json` (RFC 9457); see the `Problem` schema for the `type` URNs.\n\nAuthenticate with `POST /api/v1/auth/login` and send `Authorization: Bearer <accessToken>`, or, for service accounts, `Authorization: ApiKey <key>` (or `X-API-Key`).",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
        contact(name = "Vlaams Platform Sterk Sociaal Werk")
    ),
    servers((url = "/", description = "This server")),
    components(schemas(crate::error::Problem, crate::error::InputIssue)),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Login, token refresh and logout"),
        (name = "me", description = "The caller's own account"),
        (name = "users", description = "User accounts (administrators)"),
        (name = "serviceAccounts", description = "Accounts and API keys for municipal and GBO systems (administrators)"),
        (name = "regions", description = "The regional platforms of Sterk Sociaal Werk"),
        (name = "municipalities", description = "Municipalities by NIS code, with validity dates (reference data)"),
        (name = "primaryCareZones", description = "Primary care zones (eerstelijnszones) and their municipalities (reference data)"),
        (name = "operations", description = "Health and metrics")
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.bearer_format = Some("JWT".into());
        bearer.description = Some("Access token from `POST /api/v1/auth/login`.".into());
        components.add_security_scheme(BEARER, SecurityScheme::Http(bearer));
        components.add_security_scheme(
            API_KEY,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-Key",
                "API key of a service account (also accepted as `Authorization: ApiKey <key>`).",
            ))),
        );
    }
}

/// The document without paths; `build` adds them.
pub fn base() -> OpenApiDoc {
    ApiDoc::openapi()
}

/// The complete document, as served at `/api/v1/openapi.json`.
pub fn build() -> OpenApiDoc {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(base())
        .configure(crate::http::routes)
        .split_for_parts();
    add_problem_responses(&mut doc);
    doc
}

/// Every operation may answer with a problem document: `default` on all of
/// them, 401 on those that need credentials, 503 on those that reach the database.
fn add_problem_responses(doc: &mut OpenApiDoc) {
    let types: Vec<String> = PROBLEM_TYPES
        .iter()
        .map(|(urn, title, status)| format!("`{urn}` ({status}, {title})"))
        .collect();
    let problem = |description: &str| -> RefOr<utoipa::openapi::Response> {
        let content = ContentBuilder::new()
            .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                "Problem",
            ))))
            .build();
        let mut builder = ResponseBuilder::new()
            .description(description)
            .content(crate::error::PROBLEM_JSON, content);
        if description.starts_with("Service unavailable") {
            builder = builder.header(
                "Retry-After",
                utoipa::openapi::HeaderBuilder::new()
                    .schema(
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(utoipa::openapi::schema::Type::Integer),
                    )
                    .description(Some("Seconds to wait before retrying."))
                    .build(),
            );
        }
        RefOr::T(builder.build())
    };
    let default_description = format!("A problem. Problem types: {}.", types.join("; "));
    for (path, item) in doc.paths.paths.iter_mut() {
        let reaches_db = !path.starts_with("/health/live")
            && path != "/metrics"
            && !path.ends_with("openapi.json");
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let responses = &mut op.responses.responses;
            if secured && !responses.contains_key("401") {
                responses.insert(
                    "401".into(),
                    problem("Missing, malformed or expired credentials."),
                );
            }
            if reaches_db && !responses.contains_key("503") {
                responses.insert(
                    "503".into(),
                    problem("Service unavailable: the database cannot be reached."),
                );
            }
            responses.insert("default".into(), problem(&default_description));
        }
    }
}
