//! API keys for service accounts: `ssw_<prefix>_<secret>`. The prefix (12 hex
//! characters) is stored in clear to find the key and to show it in listings;
//! the whole key is stored only as a SHA-256 digest.

use super::secrets;

pub const KEY_PREFIX: &str = "ssw_";

pub struct GeneratedKey {
    pub key: String,
    pub prefix: String,
    pub digest: Vec<u8>,
}

pub fn generate() -> GeneratedKey {
    let prefix = hex::encode(secrets::random_bytes(6));
    let key = format!("{KEY_PREFIX}{prefix}_{}", secrets::random_token());
    let digest = secrets::digest(&key);
    GeneratedKey {
        key,
        prefix,
        digest,
    }
}

/// The prefix of a presented key, when it has the right shape.
pub fn prefix_of(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(KEY_PREFIX)?;
    let (prefix, secret) = rest.split_once('_')?;
    let ok =
        prefix.len() == 12 && prefix.bytes().all(|b| b.is_ascii_hexdigit()) && secret.len() == 43;
    ok.then_some(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_has_a_findable_prefix_and_matching_digest() {
        let generated = generate();
        assert_eq!(prefix_of(&generated.key), Some(generated.prefix.as_str()));
        assert!(secrets::digest_matches(&generated.key, &generated.digest));
        assert!(prefix_of("ssw_short_x").is_none());
        assert!(prefix_of("Bearer something").is_none());
    }
}
