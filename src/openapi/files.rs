//! The document's account of files: the bodies of imports (CSV and NDJSON
//! any text) and the XLSX of lists and reports, as bytes.

use serde_json::{Value, json};

/// Refines every import's request body, the states an import reports, and
/// every XLSX response.
pub(super) fn refine(value: &mut Value) {
    binary_files(value);
    any_text_files(value);
    import_states(value);
}

/// The states of an import and its rows, as enumerations.
fn import_states(value: &mut Value) {
    for (at, names) in [
        (
            "/components/schemas/ImportJob/properties/status",
            &[
                "queued",
                "running",
                "succeeded",
                "partial",
                "rejected",
                "failed",
            ][..],
        ),
        (
            "/components/schemas/ImportJob/properties/mode",
            &["validate", "commit"][..],
        ),
        (
            "/components/schemas/ImportFile/properties/format",
            &["csv", "json", "ndjson"][..],
        ),
        (
            "/components/schemas/ImportRow/properties/outcome",
            &["created", "updated", "unchanged", "rejected"][..],
        ),
    ] {
        if let Some(schema) = value.pointer_mut(at) {
            schema["enum"] = json!(names);
        }
    }
}

/// An import's CSV or NDJSON body is a file: any text is one, and what it
/// holds is judged row by row or refused whole (a 422 naming line and
/// byte). Its schema constrains nothing, so that no client or fuzzer takes a
/// number sent as text for a malformed request.
fn any_text_files(value: &mut Value) {
    let Some(paths) = value.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        if !path.starts_with("/api/v1/imports/") {
            continue;
        }
        let Some(content) = item
            .pointer_mut("/post/requestBody/content")
            .and_then(|c| c.as_object_mut())
        else {
            continue;
        };
        for (media, description) in [
            ("text/csv", "The file: CSV with a header row"),
            ("application/x-ndjson", "The file: one JSON object per line"),
        ] {
            if let Some(body) = content.get_mut(media) {
                body["schema"] = json!({"description": description});
            }
        }
    }
}

/// A spreadsheet is bytes: every XLSX response is a binary string, not an
/// array of numbers.
fn binary_files(value: &mut Value) {
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let Some(paths) = value.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for operation in paths
        .values_mut()
        .filter_map(|p| p.as_object_mut())
        .flat_map(|p| p.values_mut())
    {
        let Some(responses) = operation
            .get_mut("responses")
            .and_then(|r| r.as_object_mut())
        else {
            continue;
        };
        for response in responses.values_mut() {
            if let Some(content) =
                response.pointer_mut(&format!("/content/{}", XLSX.replace('/', "~1")))
            {
                content["schema"] = json!({"type": "string", "format": "binary"});
            }
        }
    }
}
