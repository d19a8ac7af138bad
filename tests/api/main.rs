//! The integration suite: each test starts the application in-process on its
//! own database, cloned from a migrated template, and talks HTTP to it.

mod api_keys;
mod auth;
mod errors;
mod health;
mod helpers;
mod openapi;
mod tokens;
mod users;
