//! Good practices: their vocabularies and the rules that need no database.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::plan::vocabulary;

vocabulary! {
    /// Where a practice stands. A draft is seen by its authors, its region's
    /// coordinator, steering and administrators only; a published practice
    /// by every reader; an archived one stays readable but is left out of
    /// searches unless asked for.
    PracticeStatus {
        Draft = "draft",
        Published = "published",
        Archived = "archived",
    }
}

vocabulary! {
    /// How well a practice's effect is known, on the ladder practice
    /// libraries use (Movisie's database of effective social interventions).
    EvidenceLevel {
        /// The practice is described.
        Described = "described",
        /// Its working is argued from theory.
        TheoryBased = "theoryBased",
        /// There are first indications that it works.
        IndicationsOfEffect = "indicationsOfEffect",
        /// Its effect has been shown.
        Effective = "effective",
    }
}

vocabulary! {
    /// The themes practices are found by.
    Theme {
        Poverty = "poverty",
        Debt = "debt",
        Housing = "housing",
        Income = "income",
        Employment = "employment",
        Health = "health",
        MentalHealth = "mentalHealth",
        Youth = "youth",
        Elderly = "elderly",
        Disability = "disability",
        Migration = "migration",
        Education = "education",
        DigitalInclusion = "digitalInclusion",
        Participation = "participation",
        Volunteering = "volunteering",
        Care = "care",
        Energy = "energy",
        Mobility = "mobility",
        RightsTakeUp = "rightsTakeUp",
    }
}

/// At most this many tags, of at most this many characters each.
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;

/// Tags as stored: trimmed, in lower case, each once, in the order given.
pub fn normalise_tags(tags: &[String]) -> Result<Vec<String>, String> {
    if tags.len() > MAX_TAGS {
        return Err(format!("at most {MAX_TAGS} tags"));
    }
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() {
            return Err("a tag must not be empty".into());
        }
        if tag.chars().count() > MAX_TAG_CHARS {
            return Err(format!("a tag has at most {MAX_TAG_CHARS} characters"));
        }
        if tag.chars().any(char::is_control) {
            return Err("a tag must not hold control characters".into());
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

/// May a practice go from `from` to `to`? A draft is published; a published
/// practice is archived or taken back to draft; an archived one is
/// published again. Staying where it is, is no move.
pub fn may_move(from: PracticeStatus, to: PracticeStatus) -> bool {
    use PracticeStatus::*;
    matches!(
        (from, to),
        (Draft, Published) | (Published, Archived) | (Published, Draft) | (Archived, Published)
    ) || from == to
}

/// The day a practice counts as published from, when it moves to `to` on
/// `today`: the day given, else the day it was first published, else today.
pub fn publication_date(
    to: PracticeStatus,
    given: Option<NaiveDate>,
    before: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match to {
        PracticeStatus::Draft => given.or(before),
        _ => given.or(before).or(Some(today)),
    }
}

/// Who assessed the evidence, and when; only with a level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Evidence {
    /// The level.
    pub level: EvidenceLevel,
    /// Who assessed it (a person, a panel, an institute); absent when not said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 300)]
    pub assessed_by: Option<String>,
    /// When it was assessed; not after today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed_on: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn tags_are_trimmed_lowered_and_kept_once() {
        let tags = ["Armoede ", "armoede", "Wijkwerking"].map(String::from);
        assert_eq!(
            normalise_tags(&tags).unwrap(),
            ["armoede", "wijkwerking"].map(String::from)
        );
        assert!(normalise_tags(&[" ".into()]).is_err());
        assert!(normalise_tags(&["a".repeat(41)]).is_err());
        assert!(normalise_tags(&vec!["x".to_owned(); 21]).is_err());
    }

    #[test]
    fn a_practice_moves_along_its_life_cycle_only() {
        use PracticeStatus::*;
        assert!(may_move(Draft, Published));
        assert!(may_move(Published, Archived));
        assert!(may_move(Archived, Published));
        assert!(may_move(Published, Draft));
        assert!(!may_move(Draft, Archived));
        assert!(!may_move(Archived, Draft));
    }

    #[test]
    fn publication_keeps_its_first_day_unless_another_is_given() {
        use PracticeStatus::*;
        let today = day("2026-12-01");
        assert_eq!(publication_date(Published, None, None, today), Some(today));
        let first = Some(day("2025-03-01"));
        assert_eq!(publication_date(Published, None, first, today), first);
        let given = Some(day("2024-01-15"));
        assert_eq!(publication_date(Archived, given, first, today), given);
        assert_eq!(publication_date(Draft, None, None, today), None);
    }
}
