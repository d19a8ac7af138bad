//! A refused input value, named where it was found. Every layer reports bad
//! input this way; the HTTP edge lists the issues in its problem document.

use serde::Serialize;
use utoipa::ToSchema;

/// One problem with one input value.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InputIssue {
    /// Where the value was: `body`, `path`, `query` or `header`.
    #[serde(rename = "in")]
    pub location: String,
    /// Name of the field, parameter or header (a JSON pointer-like dotted path for nested fields).
    pub name: String,
    /// The offending value, when it is safe and short enough to echo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// What is wrong with it.
    pub detail: String,
}

impl InputIssue {
    pub fn body(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            location: "body".into(),
            name: name.into(),
            value: None,
            detail: detail.into(),
        }
    }
    pub fn query(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            location: "query".into(),
            name: name.into(),
            value: None,
            detail: detail.into(),
        }
    }
    pub fn header(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            location: "header".into(),
            name: name.into(),
            value: None,
            detail: detail.into(),
        }
    }
    pub fn path(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            location: "path".into(),
            name: name.into(),
            value: None,
            detail: detail.into(),
        }
    }
    pub fn with_value(mut self, value: serde_json::Value) -> Self {
        // Long values are not echoed back: the name and the reason are enough.
        let short = match &value {
            serde_json::Value::String(s) => s.len() <= 200,
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => false,
            _ => true,
        };
        if short {
            self.value = Some(value);
        }
        self
    }
}
