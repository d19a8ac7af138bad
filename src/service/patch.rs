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

/// The source system a merge patch leaves on a record's external id
/// (`current`): the writer's when the patch gives another one, none when it
/// removes it, untouched (`None`) when it leaves it as it is.
pub fn sourced(
    patch: &Option<Option<String>>,
    current: &Option<String>,
    writer: Option<uuid::Uuid>,
) -> Option<Option<uuid::Uuid>> {
    match patch {
        Some(new) if new != current => Some(new.as_ref().and(writer)),
        _ => None,
    }
}
