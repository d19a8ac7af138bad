//! A record's URL, or a URL under it, kept as its parts and written out when
//! the record is serialized: a page of records then builds no URL strings.

use std::fmt;

use serde::{Serialize, Serializer};
use uuid::Uuid;

use super::API_BASE;
use crate::domain::written::Text;

/// Room for the longest link: the base, a collection's name, an id and a
/// tail (`/api/v1/primaryCareZones/<36>/revisions` is 60 bytes).
const ROOM: usize = 128;

/// `{API_BASE}/{collection}{key}{id}{tail}`, such as
/// `/api/v1/measurements/<id>/revisions` or `/api/v1/practices?initiative=<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    collection: &'static str,
    key: &'static str,
    id: Uuid,
    tail: &'static str,
}

impl Link {
    /// The URL of the record `id` of `collection`.
    pub const fn to(collection: &'static str, id: Uuid) -> Self {
        Self {
            collection,
            key: "/",
            id,
            tail: "",
        }
    }

    /// The URL of `collection` filtered on `id`: `filter` is the query up to
    /// the id, such as `?initiative=`.
    pub const fn filtered(collection: &'static str, filter: &'static str, id: Uuid) -> Self {
        Self {
            collection,
            key: filter,
            id,
            tail: "",
        }
    }

    /// The URL `tail` under this one (`tail` starts with `/`).
    pub const fn under(self, tail: &'static str) -> Self {
        Self { tail, ..self }
    }
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            collection,
            key,
            id,
            tail,
        } = self;
        write!(f, "{API_BASE}/{collection}{key}{id}{tail}")
    }
}

impl Serialize for Link {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = Text::<ROOM>::new();
        let mut id = Uuid::encode_buffer();
        let written = [
            API_BASE,
            "/",
            self.collection,
            self.key,
            self.id.hyphenated().encode_lower(&mut id),
            self.tail,
        ]
        .into_iter()
        .all(|part| text.push(part));
        match written.then(|| text.as_str()).flatten() {
            Some(url) => serializer.serialize_str(url),
            None => serializer.collect_str(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_written_as_the_url_it_names() {
        let id = Uuid::parse_str("0190f3e4-7b1c-7d2e-9f00-123456789abc").unwrap();
        let link = Link::to("measurements", id);
        let url = "/api/v1/measurements/0190f3e4-7b1c-7d2e-9f00-123456789abc";
        assert_eq!(link.to_string(), url);
        assert_eq!(serde_json::to_string(&link).unwrap(), format!("\"{url}\""));
        let revisions = link.under("/revisions");
        assert_eq!(revisions.to_string(), format!("{url}/revisions"));
        assert_eq!(
            serde_json::to_value(revisions).unwrap(),
            serde_json::Value::String(format!("{url}/revisions"))
        );
        let practices = Link::filtered("practices", "?initiative=", id);
        assert_eq!(
            serde_json::to_string(&practices).unwrap(),
            "\"/api/v1/practices?initiative=0190f3e4-7b1c-7d2e-9f00-123456789abc\""
        );
        // past the room, the URL is written piece by piece, the same
        const LONG: &str = "/a-tail-past-the-room-of-a-link-that-is-written-as-one-piece-on-the-stack-and-then-some";
        let long = link.under(LONG);
        assert!(long.to_string().len() > ROOM);
        assert_eq!(
            serde_json::to_string(&long).unwrap(),
            format!("\"{url}{LONG}\"")
        );
    }
}
