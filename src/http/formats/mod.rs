//! Renderings of a [`crate::domain::table::Table`] beyond JSON.

pub mod csv;
pub mod negotiate;
pub mod xlsx;
