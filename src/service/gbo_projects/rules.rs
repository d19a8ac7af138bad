//! The rules a GBO project's values follow, each judged without the database.

use std::collections::HashMap;

use uuid::Uuid;

use super::model::{GboContact, GboContactPatch, GboPartner};
use crate::domain::plan::{check_external_id, check_nis_code, check_text};
use crate::domain::{Email, InputIssue};
use crate::service::{check, check_list, check_period};

/// The fields a write sets; absent ones are kept.
#[derive(Default)]
pub struct Fields<'a> {
    pub name: Option<&'a str>,
    pub municipalities: Option<&'a [String]>,
    pub partners: Option<&'a [GboPartner]>,
    pub start_date: Option<chrono::NaiveDate>,
    pub external_id: Option<&'a str>,
}

pub fn check_fields(f: &Fields<'_>) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    if let Some(name) = f.name {
        check(&mut issues, "name", check_text(name, 300), || name.into());
    }
    if let Some(codes) = f.municipalities {
        check_list(&mut issues, "municipalities", codes, 1, 300);
        for code in codes {
            check(&mut issues, "municipalities", check_nis_code(code), || {
                code.clone().into()
            });
        }
    }
    if let Some(partners) = f.partners {
        if partners.len() > 50 {
            issues.push(InputIssue::body("partners", "must hold 0 to 50 items"));
        } else if let Some(twice) = partners.iter().enumerate().find_map(|(i, p)| {
            partners[..i]
                .iter()
                .any(|q| q.organisation_id == p.organisation_id)
                .then_some(p.organisation_id)
        }) {
            issues.push(
                InputIssue::body("partners", "names an organisation more than once")
                    .with_value(twice.to_string().into()),
            );
        }
    }
    check_period(&mut issues, f.start_date, None);
    if let Some(id) = f.external_id {
        check(&mut issues, "externalId", check_external_id(id), || {
            id.into()
        });
    }
    issues
}

/// A telephone number: 1 to 30 digits, spaces and `+ ( ) . / -`, with a digit.
pub fn check_phone(phone: &str) -> Result<(), &'static str> {
    if phone.chars().count() <= 30
        && phone.chars().any(|c| c.is_ascii_digit())
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +()./-".contains(c))
    {
        Ok(())
    } else {
        Err("must be at most 30 digits, spaces and + ( ) . / -, with at least one digit")
    }
}

/// Checks one contact member; the e-mail address comes back in its stored form.
fn contact_value(
    issues: &mut Vec<InputIssue>,
    member: &str,
    value: Option<&str>,
) -> Option<String> {
    let value = value?;
    let field = format!("contact.{member}");
    let result = match member {
        "name" => check_text(value, 200).map(|()| value.trim().to_owned()),
        "email" => Email::parse(value)
            .map(|e| e.as_str().to_owned())
            .map_err(str::to_owned),
        _ => check_phone(value)
            .map(|()| value.trim().to_owned())
            .map_err(str::to_owned),
    };
    match result {
        Ok(stored) => Some(stored),
        Err(detail) => {
            issues.push(InputIssue::body(field, detail).with_value(value.to_owned().into()));
            None
        }
    }
}

/// Checks a new contact and returns it as stored.
pub fn check_contact(issues: &mut Vec<InputIssue>, contact: &GboContact) -> GboContact {
    GboContact {
        name: contact_value(issues, "name", contact.name.as_deref()),
        email: contact_value(issues, "email", contact.email.as_deref()),
        phone: contact_value(issues, "phone", contact.phone.as_deref()),
    }
}

/// Checks the members a contact patch sets and returns it with their stored forms.
pub fn check_contact_patch(
    issues: &mut Vec<InputIssue>,
    patch: &GboContactPatch,
) -> GboContactPatch {
    let member = |issues: &mut Vec<InputIssue>, name: &str, value: &Option<Option<String>>| {
        value
            .as_ref()
            .map(|v| contact_value(issues, name, v.as_deref()))
    };
    GboContactPatch {
        name: member(issues, "name", &patch.name),
        email: member(issues, "email", &patch.email),
        phone: member(issues, "phone", &patch.phone),
    }
}

/// Whether two lists hold the same items, in any order.
pub fn same_items<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

/// The regions of the municipalities `codes`, sorted and each once, given
/// the `found` region of each known municipality.
pub fn regions_of(codes: &[String], found: &HashMap<String, String>) -> Vec<String> {
    let mut regions: Vec<String> = codes.iter().filter_map(|c| found.get(c).cloned()).collect();
    regions.sort();
    regions.dedup();
    regions
}

/// References that name no record: unknown municipalities, organisations and zone.
pub fn reference_issues(
    codes: Option<&[String]>,
    found: &HashMap<String, String>,
    missing_organisations: &[Uuid],
    zone_missing: Option<Uuid>,
) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    for code in codes.unwrap_or_default() {
        if !found.contains_key(code) {
            issues.push(
                InputIssue::body("municipalities", "no known municipality has this NIS code")
                    .with_value(code.clone().into()),
            );
        }
    }
    for id in missing_organisations {
        issues.push(
            InputIssue::body("partners", "no such organisation").with_value(id.to_string().into()),
        );
    }
    if let Some(zone) = zone_missing {
        issues.push(
            InputIssue::body("primaryCareZoneId", "no such primary care zone")
                .with_value(zone.to_string().into()),
        );
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::results::GboPart;

    #[test]
    fn an_organisation_takes_part_once_and_phones_have_digits() {
        let org = Uuid::new_v4();
        let twice = [
            GboPartner {
                organisation_id: org,
                part: GboPart::Caw,
            },
            GboPartner {
                organisation_id: org,
                part: GboPart::Other,
            },
        ];
        let issues = check_fields(&Fields {
            partners: Some(&twice),
            ..Fields::default()
        });
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].name, "partners");
        assert!(check_phone("+32 (0)11 22.33.44").is_ok());
        assert!(check_phone("   ").is_err());
        assert!(check_phone("call me").is_err());
    }

    #[test]
    fn regions_follow_the_known_municipalities() {
        let found = HashMap::from([
            ("71016".to_owned(), "limburg".to_owned()),
            ("11002".to_owned(), "antwerpen".to_owned()),
            ("71022".to_owned(), "limburg".to_owned()),
        ]);
        let codes: Vec<String> = ["71016", "71022", "11002", "99999"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(regions_of(&codes, &found), ["antwerpen", "limburg"]);
        let issues = reference_issues(Some(&codes), &found, &[], None);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].value, Some("99999".into()));
    }
}
