//! `/municipalities` and `/primaryCareZones`: geographic reference data,
//! readable by anyone, maintained by administrators. Municipalities are keyed
//! by NIS code and carry validity dates, because municipalities merge; they are
//! loaded in bulk with `POST /municipalities/import`.

mod import;
mod municipalities;
mod zones;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(municipalities::list_municipalities)
        .service(municipalities::create_municipality)
        .service(import::load_municipalities)
        .service(municipalities::read_municipality)
        .service(municipalities::update_municipality)
        .service(municipalities::delete_municipality)
        .service(zones::list_zones)
        .service(zones::create_zone)
        .service(zones::read_zone)
        .service(zones::update_zone)
        .service(zones::delete_zone);
}
