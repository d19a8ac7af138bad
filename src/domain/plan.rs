//! The vocabulary of the plan model and the identifiers the field uses.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A closed list of names, stored as text and exchanged as lowerCamelCase strings.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "camelCase")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    format!("unknown value `{s}`; expected one of {}", names.join(", "))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// Where work stands. Each status has a default progress; an explicit
    /// progress wins. `dropped` work is left out of every roll-up.
    WorkStatus {
        /// Not started; default progress 0.
        Planned = "planned",
        /// Under way; default progress 50.
        InProgress = "inProgress",
        /// Under way but behind schedule; default progress 50.
        Delayed = "delayed",
        /// Done; progress 100.
        Completed = "completed",
        /// Stopped; no progress, left out of roll-ups.
        Dropped = "dropped",
    }
}

impl WorkStatus {
    /// The progress a status stands for when no explicit progress is given.
    pub fn default_progress(self) -> Option<i16> {
        match self {
            WorkStatus::Planned => Some(0),
            WorkStatus::InProgress | WorkStatus::Delayed => Some(50),
            WorkStatus::Completed => Some(100),
            WorkStatus::Dropped => None,
        }
    }

    /// Whether an explicit progress fits this status.
    pub fn check_progress(self, progress: Option<i16>) -> Result<(), &'static str> {
        match (self, progress) {
            (_, Some(p)) if !(0..=100).contains(&p) => Err("must be between 0 and 100"),
            (WorkStatus::Completed, Some(p)) if p != 100 => {
                Err("completed work has progress 100; leave it out or send 100")
            }
            (WorkStatus::Dropped, Some(_)) => Err("dropped work has no progress; leave it out"),
            _ => Ok(()),
        }
    }
}

vocabulary! {
    /// The life of a plan. Only `active` and `closed` plans are published.
    PlanStatus {
        /// Being written; visible to signed-in users only.
        Draft = "draft",
        /// The plan in force.
        Active = "active",
        /// Ended; kept for the record.
        Closed = "closed",
    }
}

impl PlanStatus {
    pub fn is_published(self) -> bool {
        self != PlanStatus::Draft
    }
}

vocabulary! {
    /// Where an action comes from.
    ActionOrigin {
        /// Part of the plan as the steering group wrote it.
        Plan = "plan",
        /// A regional platform's proposal the steering group accepted.
        RegionalProposal = "regionalProposal",
    }
}

vocabulary! {
    /// The kind of an organisation.
    OrganisationKind {
        /// Local government or OCMW.
        LocalGovernment = "localGovernment",
        /// Centrum Algemeen Welzijnswerk.
        Caw = "caw",
        /// The social service of a health insurance fund.
        HealthInsuranceFund = "healthInsuranceFund",
        /// University or university college.
        University = "university",
        /// Association.
        Association = "association",
        /// Citizen initiative.
        CitizenInitiative = "citizenInitiative",
        /// Other government body.
        Government = "government",
        /// Anything else.
        Other = "other",
    }
}

/// A Belgian enterprise number (KBO): 10 digits starting with 0 or 1, the last two
/// being 97 − (the first eight mod 97).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseNumber(String);

impl EnterpriseNumber {
    /// Accepts the notations people and spreadsheets use: `0123456749`,
    /// `0123.456.749`, `0123 456 749`, `BE0123456749`, `BE 0123.456.749`, and
    /// the nine digits left when a spreadsheet dropped the leading zero
    /// (`123456749`).
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let input = input.trim();
        let rest = match input.get(..2) {
            Some(prefix) if prefix.eq_ignore_ascii_case("BE") => &input[2..],
            _ => input,
        };
        let rest = rest.strip_prefix([' ', '\u{a0}']).unwrap_or(rest);
        // Digits, with one '.' or space at most between two of them.
        let mut digits = String::with_capacity(10);
        let mut after_separator = true;
        for c in rest.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                after_separator = false;
            } else if matches!(c, '.' | ' ' | '\u{a0}') && !after_separator {
                after_separator = true;
            } else {
                return Err(ENTERPRISE_NUMBER_FORM);
            }
        }
        if after_separator {
            return Err(ENTERPRISE_NUMBER_FORM);
        }
        // A number cell of a spreadsheet drops the leading zero.
        if digits.len() == 9 && digits.len() == rest.len() {
            digits.insert(0, '0');
        }
        if digits.len() != 10 {
            return Err(ENTERPRISE_NUMBER_FORM);
        }
        if !digits.starts_with(['0', '1']) {
            return Err("must start with 0 or 1");
        }
        let base: u64 = digits[..8].parse().map_err(|_| "must be digits")?;
        let check: u64 = digits[8..].parse().map_err(|_| "must be digits")?;
        if 97 - base % 97 != check {
            return Err("check digits do not match");
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

const ENTERPRISE_NUMBER_FORM: &str = "must be 10 digits, as in 0123456749, 0123.456.749 or BE0123456749 (or 9 when a spreadsheet dropped the leading zero)";

/// The forms of an enterprise number that are accepted, as the OpenAPI document states them.
pub const ENTERPRISE_NUMBER_PATTERN: &str = r"^(BE|be)? ?[01][0-9]{3}[. ]?[0-9]{3}[. ]?[0-9]{3}$";

/// A NIS code: five digits.
pub fn check_nis_code(code: &str) -> Result<(), &'static str> {
    if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("must be a NIS code of five digits")
    }
}

/// An OVO code: `OVO` and six digits.
pub fn check_ovo_code(code: &str) -> Result<(), &'static str> {
    match code.strip_prefix("OVO") {
        Some(d) if d.len() == 6 && d.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        _ => Err("must be OVO followed by six digits, e.g. OVO000001"),
    }
}

/// A human code such as `A07` or `A07.3`: 1 to 20 letters, digits, `.`, `_`, `-`,
/// starting with a letter or digit.
pub fn check_code(code: &str) -> Result<(), &'static str> {
    let mut bytes = code.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphanumeric());
    if first_ok
        && code.len() <= 20
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        Ok(())
    } else {
        Err("must be 1 to 20 letters, digits, '.', '_' or '-', starting with a letter or digit")
    }
}

/// A title or name: 1 to `max` characters, no control characters.
pub fn check_text(text: &str, max: usize) -> Result<(), String> {
    let len = text.chars().count();
    if text.trim().is_empty() || len > max || text.chars().any(char::is_control) {
        Err(format!(
            "must be 1 to {max} characters without control characters"
        ))
    } else {
        Ok(())
    }
}

/// A description or narrative: up to `max` characters; line breaks and tabs are
/// fine, other control characters (NUL among them) are not.
pub fn check_long_text(text: &str, max: usize) -> Result<(), String> {
    if text.chars().count() > max
        || text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Err(format!(
            "must be at most {max} characters without control characters other than line breaks and tabs"
        ))
    } else {
        Ok(())
    }
}

/// A weight in a roll-up: a finite number from 0 to 1000.
pub fn check_weight(weight: f64) -> Result<(), &'static str> {
    if weight.is_finite() && (0.0..=1000.0).contains(&weight) {
        Ok(())
    } else {
        Err("must be a number from 0 to 1000")
    }
}

/// A region id: `^[a-z][a-z0-9-]{1,39}$`.
pub fn check_region_id(id: &str) -> Result<(), &'static str> {
    let mut bytes = id.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_lowercase());
    if first_ok
        && (2..=40).contains(&id.len())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Ok(())
    } else {
        Err("must be 2 to 40 lowercase letters, digits or '-', starting with a letter")
    }
}

pub fn check_external_id(id: &str) -> Result<(), &'static str> {
    if !id.trim().is_empty() && id.chars().count() <= 200 && !id.chars().any(char::is_control) {
        Ok(())
    } else {
        Err("must be 1 to 200 characters without control characters")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enterprise_numbers_accept_the_usual_notations() {
        for input in [
            "0123456749",
            "0123.456.749",
            "BE0123456749",
            "BE 0123.456.749",
            "be0123 456 749",
            " 0123.456.749 ",
            "123456749",
        ] {
            assert_eq!(
                EnterpriseNumber::parse(input).map(|n| n.as_str().to_owned()),
                Ok("0123456749".to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn enterprise_numbers_need_matching_check_digits() {
        assert_eq!(
            EnterpriseNumber::parse("0123456789"),
            Err("check digits do not match")
        );
        assert!(EnterpriseNumber::parse("2123456749").is_err());
        assert!(EnterpriseNumber::parse("012345674").is_err());
        assert!(EnterpriseNumber::parse("01234567490").is_err());
        assert!(EnterpriseNumber::parse("0123x56749").is_err());
        assert!(EnterpriseNumber::parse("").is_err());
        assert!(EnterpriseNumber::parse("0123..456.749").is_err());
        assert!(EnterpriseNumber::parse("0123.456.749.").is_err());
        assert!(EnterpriseNumber::parse(".0123456749").is_err());
        assert!(EnterpriseNumber::parse("BE").is_err());
        assert!(EnterpriseNumber::parse("12345674").is_err());
        // 97 − (base mod 97) is 97 when the base is a multiple of 97.
        assert!(EnterpriseNumber::parse("0000000097").is_ok());
    }

    #[test]
    fn statuses_have_default_progress_and_dropped_has_none() {
        assert_eq!(WorkStatus::Planned.default_progress(), Some(0));
        assert_eq!(WorkStatus::Completed.default_progress(), Some(100));
        assert_eq!(WorkStatus::Dropped.default_progress(), None);
        assert!(WorkStatus::Completed.check_progress(Some(80)).is_err());
        assert!(WorkStatus::InProgress.check_progress(Some(101)).is_err());
        assert!(WorkStatus::Dropped.check_progress(Some(0)).is_err());
        assert!(WorkStatus::Delayed.check_progress(Some(20)).is_ok());
        assert_eq!("inProgress".parse(), Ok(WorkStatus::InProgress));
        assert!("done".parse::<WorkStatus>().is_err());
    }

    #[test]
    fn codes_and_identifiers() {
        assert!(check_nis_code("71011").is_ok());
        assert!(check_nis_code("7101").is_err());
        assert!(check_nis_code("7101a").is_err());
        assert!(check_ovo_code("OVO000001").is_ok());
        assert!(check_ovo_code("OVO1").is_err());
        assert!(check_code("A07").is_ok());
        assert!(check_code("A07.3").is_ok());
        assert!(check_code("-A").is_err());
        assert!(check_code("").is_err());
        assert!(check_code("A\0").is_err());
        assert!(check_weight(f64::NAN).is_err());
        assert!(check_weight(-1.0).is_err());
        assert!(check_text("  ", 10).is_err());
        assert!(check_long_text("line\nbreak", 100).is_ok());
        assert!(check_long_text("nul\0", 100).is_err());
    }
}
