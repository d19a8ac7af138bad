use std::fmt;

/// An e-mail address, trimmed, lower-cased and checked for a plausible shape.
/// Addresses compare case-insensitively, so they are stored lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err("must not be empty");
        }
        if value.chars().count() > 254 {
            return Err("must be at most 254 characters");
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err("not a valid e-mail address");
        };
        let plausible = !local.is_empty()
            && local.chars().count() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && value.chars().all(|c| !c.is_whitespace() && !c.is_control());
        if plausible {
            Ok(Self(value))
        } else {
            Err("not a valid e-mail address")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn addresses_are_normalised_to_lower_case() {
        assert_eq!(
            Email::parse("  An.Peeters@Limburg.BE ").map(|e| e.to_string()),
            Ok("an.peeters@limburg.be".into())
        );
    }

    #[test]
    fn implausible_addresses_are_refused() {
        for bad in [
            "",
            "no-at-sign",
            "@example.org",
            "a@b",
            "a@.org",
            "a b@example.org",
            "a@example.org.",
            "a\u{0}@x.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
