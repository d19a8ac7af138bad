//! The integration suite: each test starts the application in-process on its
//! own database, cloned from a migrated template, and talks HTTP to it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly at the first surprise"
)]

mod api_keys;
mod attacks;
mod audit;
mod auth;
mod changes;
mod chromium;
mod cli;
mod conferences;
mod errors;
mod external_sources;
mod fixtures;
mod gbo_projects;
mod gbo_results;
mod geography;
mod health;
mod helpers;
mod import_files;
mod import_indicators;
mod import_organisations;
mod import_projects;
mod imports;
mod indicators;
mod initiative_lists;
mod initiatives;
mod layers;
mod measurement_lists;
mod measurements;
mod openapi;
mod organisations;
mod other_lists;
mod page_kept;
mod plans;
mod practice_changes;
mod practice_links;
mod practice_search;
mod practices;
mod progress;
mod proposal_changes;
mod proposal_decisions;
mod proposals;
mod report_formats;
mod report_kept;
mod report_pages;
mod report_results;
mod report_snapshot;
mod report_sums;
mod reports;
mod results_bar;
mod rights;
mod seed;
mod seed_history;
mod seed_results;
mod shutdown;
mod tokens;
mod users;
