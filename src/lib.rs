//! ssw-api: the Sterk Sociaal Werk API.
//!
//! Layers: `http` parses requests into `domain` types, asks `auth` whether the
//! caller may, calls `storage`, and maps rows into response types.

pub mod auth;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod openapi;
pub mod seed;
pub mod service;
pub mod startup;
pub mod storage;
pub mod telemetry;
