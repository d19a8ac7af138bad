//! The HTTP interface: routes, request and response types, framework errors.

pub mod actions;
pub mod audit;
pub mod auth;
pub mod changes;
pub mod conditional;
pub mod conferences;
pub mod docs;
pub mod extract;
pub mod formats;
pub mod gbo_projects;
pub mod geography;
pub mod health;
pub mod idempotency;
pub mod imports;
pub mod indicators;
pub mod initiatives;
pub mod json;
pub mod kept_pages;
pub mod list_files;
pub mod me;
pub mod measurements;
pub mod organisations;
pub mod pagination;
pub mod plans;
pub mod practice_list;
pub mod practices;
pub mod problems;
pub mod progress;
pub mod proposal_steps;
pub mod proposals;
pub mod regions;
pub mod reports;
pub mod service_accounts;
pub mod users;
pub mod write;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

pub use crate::service::API_BASE;

/// Every documented route. The OpenAPI paths are collected from here.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope(API_BASE)
            .configure(auth::routes)
            .configure(me::routes)
            .configure(users::routes)
            .configure(service_accounts::routes)
            .configure(plans::routes)
            .configure(actions::routes)
            .configure(initiatives::routes)
            .configure(progress::routes)
            .configure(indicators::routes)
            .configure(measurements::routes)
            .configure(audit::routes)
            .configure(changes::routes)
            .configure(imports::routes)
            .configure(organisations::routes)
            .configure(regions::routes)
            .configure(geography::routes)
            .configure(gbo_projects::routes)
            .configure(practices::routes)
            .configure(proposals::routes)
            .configure(conferences::routes)
            .configure(reports::routes)
            .configure(docs::routes),
    )
    .configure(health::routes);
}
