//! The OpenAPI document. Paths come from the handlers registered in
//! `http::routes` (utoipa-actix-web collects them), so routes and docs cannot
//! drift; `openapi/openapi.json` is this document, checked by a test.

use actix_web::App;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDoc, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::PROBLEM_TYPES;

mod files;
mod links;

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
        (name = "gboProjects", description = "GBO projects: local integrated-intake partnerships (geïntegreerd breed onthaal) of local government, CAW and health insurance funds"),
        (name = "practices", description = "Good practices (goede praktijken) to share between the platform and the GBO partnerships: described as practice libraries do, with their evidence, Markdown served as safe HTML"),
        (name = "proposals", description = "Proposals for new actions (initiatieven van onderuit): put forward for a regional platform, decided by the steering group in decisions that are never edited; accepting creates the action"),
        (name = "conferences", description = "The Sociaalwerkconferenties, the plan's evaluation moments"),
        (name = "indicators", description = "What is counted for the plan, its actions and initiatives, and GBO projects; the standard set GBO projects report"),
        (name = "measurements", description = "Values of indicators per period and place; corrections keep every earlier value"),
        (name = "imports", description = "Files of records (CSV, JSON, NDJSON) applied as jobs: validated or committed, all or nothing, every row judged like a single write"),
        (name = "changes", description = "The change feed: every create, update and removal, in an order a mirror can apply, gap-free under concurrent writers"),
        (name = "reports", description = "Where the plan stands, where, and what it achieves: computed at each request from the records (no batch job), in JSON, CSV, XLSX and HTML"),
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
pub fn document() -> serde_json::Result<serde_json::Value> {
    refine(build())
}

/// The document as utoipa builds it from the handlers, before [`refine`].
pub fn build() -> OpenApiDoc {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(base())
        .configure(crate::http::routes)
        .split_for_parts();
    add_problem_responses(&mut doc);
    doc
}

/// One line of text: no control characters.
const LINE: &str = r"^[^\u0000-\u001F\u007F-\u009F]*$";
/// One line with at least one visible character (not only spaces).
const NON_BLANK_LINE: &str = r"^[^\u0000-\u001F\u007F-\u009F]*[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000-\u001F\u007F-\u009F]*$";
/// Longer text: line breaks and tabs, no other control characters.
const LONG_TEXT: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";
/// Free text above this length is a description or narrative ([`LONG_TEXT`]).
const LONG_TEXT_FROM: u64 = 1000;

/// What the service takes for an e-mail address (surrounding spaces are ignored).
const EMAIL: &str = r"^\s*[^@\s\u0000-\u001F\u007F-\u009F]{1,64}@[^@.\s\u0000-\u001F\u007F-\u009F][^@\s\u0000-\u001F\u007F-\u009F]*\.[^@\s\u0000-\u001F\u007F-\u009F]*[^@.\s\u0000-\u001F\u007F-\u009F]\s*$";
/// Lists whose items may not repeat.
const UNIQUE_LISTS: &[&str] = &[
    "regions",
    "municipalities",
    "partnerOrganisationIds",
    "challengeIds",
    "leadOrganisationIds",
    "organisationIds",
    "initiativeIds",
    "gboProjectIds",
    "actionIds",
    "themes",
    "targetGroups",
];
const REGION_ID: &str = "^[a-z][a-z0-9-]{1,39}$";
const NIS_CODE: &str = "^[0-9]{5}$";

/// The form of fields and parameters by name, wherever they occur: the rules
/// the service checks, so that the document states them once.
fn named_form(name: &str) -> Option<serde_json::Value> {
    use serde_json::json;
    Some(match name {
        "If-Match" => json!({"type": "string", "pattern": crate::http::extract::IF_MATCH_PATTERN}),
        "Idempotency-Key" => {
            json!({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"})
        }
        "enterpriseNumber" => {
            json!({"type": "string", "pattern": crate::domain::plan::ENTERPRISE_NUMBER_PATTERN})
        }
        "ovoCode" => json!({"type": "string", "pattern": "^OVO[0-9]{6}$"}),
        "website" => json!({"type": "string", "maxLength": 500, "pattern": "^https?://[!-~]+$"}),
        "regionId" | "regions" | "region" | "id@regions" => {
            json!({"type": "string", "pattern": REGION_ID})
        }
        "nisCode" | "municipality" | "municipalities" | "province" | "provinceNisCode" => {
            json!({"type": "string", "pattern": NIS_CODE})
        }
        "externalId" => {
            json!({"type": "string", "minLength": 1, "maxLength": 200, "pattern": NON_BLANK_LINE})
        }
        "email" => json!({"type": "string", "maxLength": 254, "pattern": EMAIL}),
        "tags" | "tag" => {
            json!({"type": "string", "minLength": 1, "maxLength": 40, "pattern": NON_BLANK_LINE})
        }
        "targetGroups" => {
            json!({"type": "string", "minLength": 1, "maxLength": 200, "pattern": NON_BLANK_LINE})
        }
        // Any character but NUL.
        "password" | "currentPassword" | "newPassword" => {
            json!({"type": "string", "pattern": "^[^\\u0000]*$"})
        }
        "resource" => json!({"type": "string", "enum": crate::http::audit::RESOURCES}),
        "resource@changes" => {
            let names: Vec<&str> = crate::service::changes::RESOURCES
                .iter()
                .map(|(name, _)| *name)
                .collect();
            json!({"type": "string", "enum": names})
        }
        "resource@imports" => {
            let names: Vec<&str> = crate::service::imports::ImportResource::ALL
                .iter()
                .map(|r| r.as_str())
                .collect();
            json!({"type": "string", "enum": names})
        }
        "resourceId" => {
            json!({"type": "string", "minLength": 1, "maxLength": 100, "pattern": LINE})
        }
        _ => return None,
    })
}

/// Writes the service's text rules into every string schema: a named form
/// where the name has one, else a pattern by kind of text for bounded strings.
fn refine(doc: OpenApiDoc) -> serde_json::Result<serde_json::Value> {
    let mut value = serde_json::to_value(&doc)?;
    if let Some(schemas) = value
        .pointer_mut("/components/schemas")
        .and_then(|s| s.as_object_mut())
    {
        for schema in schemas.values_mut() {
            refine_properties(schema);
        }
        // The 422 of an import refused whole carries the import's report.
        if let Some(properties) = schemas
            .get_mut("Problem")
            .and_then(|p| p.pointer_mut("/properties"))
            .and_then(|p| p.as_object_mut())
        {
            properties.insert(
                "import".into(),
                serde_json::json!({
                    "$ref": "#/components/schemas/ImportJob",
                    "description": "On a 422 of an import refused whole (`import-rejected`, `import-failed`): the import and its report"
                }),
            );
        }
        // An import's resource names a collection, not an audited kind.
        for (schema, at) in [
            ("ImportJob", "/properties/resource"),
            (
                "Paged_ImportJob",
                "/properties/items/items/properties/resource",
            ),
        ] {
            if let (Some(resource), Some(names)) = (
                schemas.get_mut(schema).and_then(|j| j.pointer_mut(at)),
                named_form("resource@imports"),
            ) {
                resource["enum"] = names["enum"].clone();
            }
        }
        reference_page_items(schemas);
    }
    files::refine(&mut value);
    // Served while clients move to `POST /imports/municipalities`.
    if let Some(old) = value.pointer_mut("/paths/~1api~1v1~1municipalities~1import/post") {
        old["deprecated"] = true.into();
    }
    if let Some(import) = value.pointer_mut(
        "/paths/~1api~1v1~1municipalities~1import/post/requestBody/content/application~1json/schema",
    ) {
        import["minItems"] = 1.into();
        import["maxItems"] = crate::service::municipalities::import::MAX_IMPORT.into();
    }
    links::add_links(&mut value);
    add_conditional_reads(&mut value);
    if let Some(paths) = value.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for operation in item.values_mut() {
                let Some(parameters) = operation
                    .get_mut("parameters")
                    .and_then(|p| p.as_array_mut())
                else {
                    continue;
                };
                for parameter in parameters {
                    let name = parameter["name"].as_str().unwrap_or_default().to_owned();
                    // Regions are the one resource named by a text id.
                    let name = if name == "id" && path.starts_with("/api/v1/regions/") {
                        "id@regions".to_owned()
                    } else if name == "id" && path.starts_with("/api/v1/municipalities/") {
                        "nisCode".to_owned()
                    } else if name == "resource" && path == "/api/v1/changes" {
                        "resource@changes".to_owned()
                    } else {
                        name
                    };
                    let header = parameter["in"] == "header";
                    if let Some(schema) = parameter.get_mut("schema") {
                        refine_schema(schema, Some(&name));
                        // A header is text or absent, never JSON null.
                        if header && schema["type"].is_array() {
                            schema["type"] = serde_json::json!("string");
                        }
                    }
                }
            }
        }
    }
    Ok(value)
}

/// Every read that answers an `ETag` takes `If-None-Match` and may answer 304.
fn add_conditional_reads(doc: &mut serde_json::Value) {
    use serde_json::json;
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(get) = item.get_mut("get") else {
            continue;
        };
        if get.pointer("/responses/200/headers/ETag").is_none() {
            continue;
        }
        let parameter = json!({
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "The ETag of the copy the client holds (`\"3\"`, or several separated by commas, or `*`): when it is still current, the answer is 304 without a body. A value that names no entity tag is ignored: the full answer is never wrong.",
            "schema": {"type": "string"}
        });
        match get.get_mut("parameters").and_then(|p| p.as_array_mut()) {
            Some(parameters) => parameters.push(parameter),
            None => get["parameters"] = json!([parameter]),
        }
        get["responses"]["304"] = json!({
            "description": "Not modified: the copy named in If-None-Match is current",
            "headers": {"ETag": {"description": "Version", "schema": {"type": "string"}}}
        });
    }
}

/// A page's items refer to their schema (`Paged_Plan` to `Plan`) instead of
/// repeating it, so that generated clients get one type per resource.
fn reference_page_items(schemas: &mut serde_json::Map<String, serde_json::Value>) {
    let pages: Vec<String> = schemas
        .keys()
        .filter(|name| name.starts_with("Paged_"))
        .cloned()
        .collect();
    for page in pages {
        let item = &page["Paged_".len()..];
        let Some(named) = schemas.get(item).cloned() else {
            continue;
        };
        if let Some(items) = schemas
            .get_mut(&page)
            .and_then(|p| p.pointer_mut("/properties/items/items"))
            && *items == named
        {
            *items = serde_json::json!({ "$ref": format!("#/components/schemas/{item}") });
        }
    }
}

fn refine_properties(schema: &mut serde_json::Value) {
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema.get_mut(key).and_then(|p| p.as_array_mut()) {
            parts.iter_mut().for_each(refine_properties);
        }
    }
    if let Some(properties) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
        for (name, property) in properties.iter_mut() {
            refine_schema(property, Some(name));
        }
    }
}

fn is_string(schema: &serde_json::Value) -> bool {
    match &schema["type"] {
        serde_json::Value::String(t) => t == "string",
        serde_json::Value::Array(types) => types.iter().any(|t| t == "string"),
        _ => false,
    }
}

fn refine_schema(schema: &mut serde_json::Value, name: Option<&str>) {
    if let Some(items) = schema.get_mut("items") {
        refine_schema(items, name);
        if name.is_some_and(|n| UNIQUE_LISTS.contains(&n)) {
            schema["uniqueItems"] = true.into();
        }
        return;
    }
    if !is_string(schema) {
        refine_properties(schema);
        return;
    }
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if ["pattern", "enum", "const"]
        .iter()
        .any(|k| object.contains_key(*k))
    {
        return;
    }
    if let Some(serde_json::Value::Object(form)) = name.and_then(named_form) {
        for (key, value) in form {
            if key == "type" && !name.is_some_and(|n| n.contains('-')) {
                // A header or a required field is never null; keep what the schema says.
                continue;
            }
            object.entry(key).or_insert(value);
        }
        return;
    }
    if object.contains_key("format") {
        return;
    }
    let Some(max) = object.get("maxLength").and_then(|m| m.as_u64()) else {
        return;
    };
    let min = object
        .get("minLength")
        .and_then(|m| m.as_u64())
        .unwrap_or(0);
    let pattern = if max > LONG_TEXT_FROM {
        LONG_TEXT
    } else if min >= 1 {
        NON_BLANK_LINE
    } else {
        LINE
    };
    object.insert("pattern".into(), pattern.into());
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
