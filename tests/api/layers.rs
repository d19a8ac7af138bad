//! Each layer imports only those below it (README, "Layout"): a route that
//! reaches into storage, or a rule that learns HTTP, fails here.

use std::path::{Path, PathBuf};

fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    if root.is_file() {
        let text = std::fs::read_to_string(&root).unwrap();
        out.push((root, text));
    } else {
        walk(&root, &mut out);
    }
    assert!(!out.is_empty(), "no sources in {dir}");
    out
}

fn assert_none_uses(dir: &str, forbidden: &[&str]) {
    let mut found = Vec::new();
    for (path, text) in sources(dir) {
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for word in forbidden {
                if code.contains(word) {
                    found.push(format!("{}:{}: {word}", path.display(), number + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "{dir} reaches past its layer:\n{}",
        found.join("\n")
    );
}

#[test]
fn http_reaches_the_database_only_through_the_use_cases() {
    assert_none_uses(
        "src/http",
        &[
            "crate::storage",
            "diesel",
            "AsyncConnection",
            ".transaction(",
        ],
    );
}

#[test]
fn the_use_cases_know_nothing_of_http() {
    assert_none_uses("src/service", &["crate::http", "crate::error", "actix"]);
}

#[test]
fn storage_and_permissions_answer_with_their_own_errors() {
    assert_none_uses(
        "src/storage",
        &["crate::error", "crate::http", "crate::service", "actix"],
    );
    assert_none_uses("src/auth/permissions.rs", &["crate::error", "ApiError"]);
}

#[test]
fn the_domain_imports_neither_actix_nor_diesel() {
    assert_none_uses(
        "src/domain",
        &[
            "actix",
            "diesel",
            "crate::storage",
            "crate::service",
            "crate::http",
        ],
    );
}
