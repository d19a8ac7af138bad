//! Authentication (passwords, tokens, API keys, the `Caller` extractor) and
//! authorisation (the permission rules, in `permissions`).

pub mod api_keys;
pub mod extractor;
pub mod password;
pub mod permissions;
pub mod secrets;
pub mod tokens;

pub use extractor::{Caller, MaybeCaller};
