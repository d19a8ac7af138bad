//! Renderings of a [`crate::domain::table::Table`] beyond JSON.

pub mod csv;
pub mod html;
pub mod negotiate;
pub mod svg;
pub mod xlsx;
