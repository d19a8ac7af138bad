//! Dates and times serialized exactly as chrono serializes them (RFC 3339
//! with `Z` and 0, 3, 6 or 9 digits of a second; `2023-04-01`), but written
//! as one string. chrono hands a serializer its text piece by piece, and a
//! JSON serializer escapes every piece on its own: for the records of a page
//! that was a tenth of the work of answering it. The text of a year from 0 to
//! 9999 is written digit by digit; other years, which chrono writes with a
//! sign, go through chrono's own `Debug`. For `serialize_with` on the fields
//! of the records that lists answer.

use std::fmt::{self, Write};

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::Serializer;

/// Room for any date or time of the API (`+262142-12-31T23:59:59.999999999Z`
/// is 33 bytes); a longer text falls back to chrono's own way.
const ROOM: usize = 40;

/// Text written on the stack, `N` bytes at most.
pub struct Text<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Text<N> {
    pub const fn new() -> Self {
        Self {
            bytes: [0; N],
            len: 0,
        }
    }

    /// Appends `s`; false, and nothing appended, when it does not fit.
    pub fn push(&mut self, s: &str) -> bool {
        let end = self.len + s.len();
        match self.bytes.get_mut(self.len..end) {
            Some(room) => {
                room.copy_from_slice(s.as_bytes());
                self.len = end;
                true
            }
            None => false,
        }
    }

    /// Appends `n` in `width` decimal digits, zeros first; the caller makes
    /// sure `n` has no more digits than that and that they fit.
    fn digits(&mut self, mut n: u32, width: usize) {
        let end = self.len + width;
        for at in (self.len..end).rev() {
            self.bytes[at] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        self.len = end;
    }

    /// Appends one ASCII byte; the caller makes sure it fits.
    fn byte(&mut self, b: u8) {
        self.bytes[self.len] = b;
        self.len += 1;
    }

    /// The text: only whole `&str`s and ASCII digits are written, so it is
    /// UTF-8 unless a `&str` was cut, which `push` never does.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes[..self.len]).ok()
    }
}

impl<const N: usize> Default for Text<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Write for Text<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.push(s) {
            Ok(())
        } else {
            Err(fmt::Error)
        }
    }
}

/// `args` serialized as one string when its text fits in `N` bytes, and
/// piece by piece as `collect_str` writes it otherwise.
pub fn one_string<const N: usize, S: Serializer>(
    serializer: S,
    args: fmt::Arguments<'_>,
) -> Result<S::Ok, S::Error> {
    let mut text = Text::<N>::new();
    match text.write_fmt(args).ok().and_then(|()| text.as_str()) {
        Some(s) => serializer.serialize_str(s),
        None => serializer.collect_str(&args),
    }
}

/// `YYYY-MM-DD`, or false and nothing written for a year chrono writes with
/// a sign (before 0 or after 9999).
fn write_date(text: &mut Text<ROOM>, value: &NaiveDate) -> bool {
    let Ok(year) = u32::try_from(value.year()) else {
        return false;
    };
    if year > 9999 {
        return false;
    }
    text.digits(year, 4);
    text.byte(b'-');
    text.digits(value.month(), 2);
    text.byte(b'-');
    text.digits(value.day(), 2);
    true
}

/// A point in time, as `DateTime<Utc>` serializes (its `Debug` form is the
/// same RFC 3339 text).
pub fn timestamp<S: Serializer>(value: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    let mut text = Text::<ROOM>::new();
    let at = value.naive_utc();
    if !write_date(&mut text, &at.date()) {
        return one_string::<ROOM, _>(serializer, format_args!("{value:?}"));
    }
    // chrono keeps a leap second as a fraction of 1e9 or more in second 59
    let (second, nanos) = match at.nanosecond() {
        n if n >= 1_000_000_000 => (at.second() + 1, n - 1_000_000_000),
        n => (at.second(), n),
    };
    text.byte(b'T');
    text.digits(at.hour(), 2);
    text.byte(b':');
    text.digits(at.minute(), 2);
    text.byte(b':');
    text.digits(second, 2);
    let fraction = match nanos {
        0 => None,
        n if n % 1_000_000 == 0 => Some((n / 1_000_000, 3)),
        n if n % 1_000 == 0 => Some((n / 1_000, 6)),
        n => Some((n, 9)),
    };
    if let Some((digits, width)) = fraction {
        text.byte(b'.');
        text.digits(digits, width);
    }
    text.byte(b'Z');
    match text.as_str() {
        Some(s) => serializer.serialize_str(s),
        None => one_string::<ROOM, _>(serializer, format_args!("{value:?}")),
    }
}

/// A day, as `NaiveDate` serializes.
pub fn date<S: Serializer>(value: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    let mut text = Text::<ROOM>::new();
    match write_date(&mut text, value)
        .then(|| text.as_str())
        .flatten()
    {
        Some(s) => serializer.serialize_str(s),
        None => one_string::<ROOM, _>(serializer, format_args!("{value:?}")),
    }
}

/// A day or `null`, as `Option<NaiveDate>` serializes.
pub fn optional_date<S: Serializer>(
    value: &Option<NaiveDate>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => date(value, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use serde::Serialize;

    use super::*;

    #[derive(Serialize)]
    struct Written {
        #[serde(serialize_with = "timestamp")]
        at: DateTime<Utc>,
        #[serde(serialize_with = "date")]
        on: NaiveDate,
        #[serde(serialize_with = "optional_date")]
        maybe: Option<NaiveDate>,
    }

    #[derive(Serialize)]
    struct Chrono {
        at: DateTime<Utc>,
        on: NaiveDate,
        maybe: Option<NaiveDate>,
    }

    fn same(at: DateTime<Utc>) {
        let on = at.date_naive();
        for maybe in [Some(on), None] {
            let written = serde_json::to_string(&Written { at, on, maybe }).unwrap();
            let chrono = serde_json::to_string(&Chrono { at, on, maybe }).unwrap();
            assert_eq!(written, chrono);
        }
    }

    struct Pieces(&'static str, &'static str);

    impl Serialize for Pieces {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            one_string::<8, _>(serializer, format_args!("{}/{}", self.0, self.1))
        }
    }

    #[test]
    fn a_text_past_the_room_is_written_the_same() {
        // 8 bytes fit; 9 and more are collected piece by piece
        for (a, b, json) in [
            ("abc", "de\"", r#""abc/de\"""#),
            ("abc", "déf", r#""abc/déf""#),
            ("abcd", "é\n", r#""abcd/é\n""#),
            ("abcde", "é\n", r#""abcde/é\n""#),
            ("abc", "défghij\"", r#""abc/défghij\"""#),
            ("a", "", r#""a/""#),
        ] {
            assert_eq!(serde_json::to_string(&Pieces(a, b)).unwrap(), json);
        }
    }

    #[test]
    fn the_text_is_chronos_for_every_precision_and_era() {
        let base = Utc.with_ymd_and_hms(2023, 4, 1, 9, 5, 7).unwrap();
        // whole seconds, milli-, micro- and nanoseconds, and their edges
        for nanos in [
            0,
            1,
            999,
            1_000,
            1_000_000,
            123_000_000,
            123_456_000,
            123_456_789,
            999_999_999,
        ] {
            same(base + Duration::nanoseconds(nanos));
        }
        for (y, m, d) in [
            (-1, 12, 31),
            (0, 1, 1),
            (1, 1, 1),
            (999, 12, 31),
            (1970, 1, 1),
            (2024, 2, 29),
            (9999, 12, 31),
        ] {
            same(Utc.with_ymd_and_hms(y, m, d, 23, 59, 59).unwrap() + Duration::microseconds(5));
        }
        // past four digits of a year chrono writes a sign; the text still fits
        same(Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap());
        same(DateTime::<Utc>::MAX_UTC);
        same(DateTime::<Utc>::MIN_UTC);
        // a leap second, whole and with a fraction
        let day = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap();
        for nanos in [1_000_000_000, 1_500_000_000] {
            let time = chrono::NaiveTime::from_hms_nano_opt(23, 59, 59, nanos).unwrap();
            same(Utc.from_utc_datetime(&day.and_time(time)));
        }
        // every day of a leap year, each with a different sub-second part
        let mut at = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        for n in 0..366 {
            same(at);
            at += Duration::days(1) + Duration::nanoseconds(n * 7_919_133 + 17);
        }
    }
}
