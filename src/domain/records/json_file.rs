//! JSON: an array of objects, or one object per line (NDJSON). Members are
//! the columns; `null` is no value, a member left out is left alone.

use std::cell::Cell as Shared;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::rc::Rc;

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use super::csv_file::WithoutBom;
use super::{Cell, Columns, FileError, Record, RowIssue, cell_of};

/// One object per line; a line that is not an object is a rejected record.
pub(super) fn read_lines<R: Read, E: From<FileError>>(
    input: R,
    columns: Columns,
    mut each: impl FnMut(Record) -> Result<(), E>,
) -> Result<(), E> {
    let mut input = BufReader::new(WithoutBom::new(input));
    let (mut line, mut number, mut text) = (0u32, 0u32, Vec::new());
    loop {
        text.clear();
        let read = input.read_until(b'\n', &mut text).map_err(|e| {
            FileError::new("unreadable", format!("the file could not be read: {e}"))
        })?;
        if read == 0 {
            break;
        }
        line += 1;
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        number = number.saturating_add(1);
        let record = match serde_json::from_slice::<Value>(&text) {
            Ok(value) => record_of(value, number, line, columns),
            Err(e) => {
                let mut record = empty(number, line, columns);
                record.issues.push(RowIssue::new(
                    None,
                    "syntax",
                    format!("the line is not one JSON object: {e}"),
                ));
                record
            }
        };
        each(record)?;
    }
    if number == 0 && line == 0 {
        return Err(FileError::new("empty", "the file is empty").into());
    }
    Ok(())
}

/// A JSON array of objects, read one element at a time.
pub(super) fn read_array<R: Read, E: From<FileError>>(
    input: R,
    columns: Columns,
    each: impl FnMut(Record) -> Result<(), E>,
) -> Result<(), E> {
    let lines = Rc::new(Lines::default());
    let counted = Counting {
        input: BufReader::new(WithoutBom::new(input)),
        lines: lines.clone(),
    };
    let mut stopped = None;
    let mut de = serde_json::Deserializer::from_reader(counted);
    let outcome = de.deserialize_seq(Elements {
        columns,
        each,
        lines: lines.clone(),
        stopped: &mut stopped,
    });
    if let Some(error) = stopped {
        return Err(error);
    }
    match outcome.and_then(|()| de.end()) {
        Ok(()) => Ok(()),
        Err(e) if e.is_eof() && e.line() == 1 && e.column() == 0 => {
            Err(FileError::new("empty", "the file is empty").into())
        }
        Err(e) => Err(FileError::new(
            "syntax",
            format!("the file is not a JSON array of objects: {e}"),
        )
        .at(e.line() as u32, 0)
        .into()),
    }
}

/// Where the parser is: the line, and, once armed, the line of the next
/// byte that starts a value.
#[derive(Default)]
struct Lines {
    line: Shared<u32>,
    armed: Shared<bool>,
    start: Shared<u32>,
}

impl Lines {
    fn arm(&self) {
        self.armed.set(true);
        self.start.set(self.line.get() + 1);
    }
}

/// Counts lines as the parser reads (serde_json reads a byte at a time, so
/// the count is where the parser is).
struct Counting<R> {
    input: R,
    lines: Rc<Lines>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.input.read(buf)?;
        let l = &self.lines;
        for &b in &buf[..n] {
            if b == b'\n' {
                l.line.set(l.line.get() + 1);
            } else if l.armed.get() && !b.is_ascii_whitespace() && b != b',' {
                l.start.set(l.line.get() + 1);
                l.armed.set(false);
            }
        }
        Ok(n)
    }
}

struct Elements<'s, F, E> {
    columns: Columns,
    each: F,
    lines: Rc<Lines>,
    stopped: &'s mut Option<E>,
}

impl<'de, F, E> Visitor<'de> for Elements<'_, F, E>
where
    F: FnMut(Record) -> Result<(), E>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut number = 0u32;
        loop {
            self.lines.arm();
            let Some(value) = seq.next_element_seed(Element)? else {
                return Ok(());
            };
            number = number.saturating_add(1);
            let record = record_of(value, number, self.lines.start.get(), self.columns);
            if let Err(e) = (self.each)(record) {
                *self.stopped = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
        }
    }
}

struct Element;

impl<'de> DeserializeSeed<'de> for Element {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(d)
    }
}

fn empty(number: u32, line: u32, columns: Columns) -> Record {
    Record {
        number,
        line,
        cells: vec![Cell::Absent; columns.len()],
        issues: Vec::new(),
    }
}

/// The record an element holds: its members as cells.
fn record_of(value: Value, number: u32, line: u32, columns: Columns) -> Record {
    let mut record = empty(number, line, columns);
    let Value::Object(members) = value else {
        record.issues.push(RowIssue::new(
            None,
            "notAnObject",
            "must be a JSON object whose members are the columns",
        ));
        return record;
    };
    for (name, value) in members {
        let Some(index) = columns.iter().position(|c| *c == name) else {
            record.issues.push(RowIssue::new(
                Some(&name),
                "unknownColumn",
                format!(
                    "is not a column this import knows; the columns are {}",
                    columns.join(", ")
                ),
            ));
            continue;
        };
        let column = columns[index];
        record.cells[index] = match value {
            Value::Null => Cell::Empty,
            Value::String(text) => cell_of(column, &text, &mut record.issues),
            Value::Number(n) => Cell::Text(n.to_string()),
            Value::Bool(b) => Cell::Text(b.to_string()),
            Value::Array(_) | Value::Object(_) => {
                record.issues.push(RowIssue::new(
                    Some(column),
                    "notAValue",
                    "must be a string, a number, a boolean or null",
                ));
                Cell::Empty
            }
        };
    }
    record
}
