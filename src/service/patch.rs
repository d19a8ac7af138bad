//! JSON merge patch (RFC 7396) members: absent keeps a value, `null` removes
//! it where it may be removed, a value replaces it.

/// Deserializes a field of a merge patch: absent stays `None`, `null` becomes
/// `Some(None)`, a value becomes `Some(Some(v))`.
pub fn nullable<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// Deserializes a member of a merge patch that cannot be removed: absent stays
/// `None`, a value becomes `Some(v)`, and `null` (removal, in RFC 7396) is refused.
pub fn present<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    match <Option<T> as serde::Deserialize>::deserialize(deserializer)? {
        Some(value) => Ok(Some(value)),
        None => Err(serde::de::Error::custom(
            "cannot be removed: null is not allowed here; leave the member out to keep its value",
        )),
    }
}
