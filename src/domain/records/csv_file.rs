//! CSV: the header names the columns; `;` or `,` is told from the header.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Cursor, Read};
use std::rc::Rc;

use super::{Cell, Columns, FileError, Record, RowIssue, cell_of};

/// How much of the file's start is read to find the header's separator.
const SNIFF: usize = 64 * 1024;

pub(super) fn read<R: Read, E: From<FileError>>(
    input: R,
    columns: Columns,
    mut each: impl FnMut(Record) -> Result<(), E>,
) -> Result<(), E> {
    let mut input = WithoutBom::new(input);
    let mut start = Vec::with_capacity(SNIFF);
    (&mut input)
        .take(SNIFF as u64)
        .read_to_end(&mut start)
        .map_err(|e| FileError::new("unreadable", format!("the file could not be read: {e}")))?;
    let separator = separator(&start);
    let lines = Rc::new(RefCell::new(Newlines::default()));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(Counting {
            input: Cursor::new(start).chain(input),
            at: 0,
            lines: lines.clone(),
        });
    let line_of = |record: &csv::ByteRecord| {
        lines
            .borrow_mut()
            .line_at(record.position().map_or(0, |p| p.byte()))
    };
    let mut record = csv::ByteRecord::new();
    let header = loop {
        if !next(&mut reader, &mut record)? {
            return Err(FileError::new(
                "empty",
                "the file is empty: it needs a header row naming its columns",
            )
            .into());
        }
        if !blank(&record) {
            break header(&record, columns)
                .map_err(|e| e.at(line_of(&record), byte_of(&record)))?;
        }
    };
    let mut number = 0u32;
    while next(&mut reader, &mut record)? {
        if blank(&record) {
            continue;
        }
        number = number.saturating_add(1);
        let line = line_of(&record);
        let mut issues = Vec::new();
        let mut cells = vec![Cell::Absent; columns.len()];
        if record.len() != header.len() {
            issues.push(RowIssue::new(
                None,
                "fieldCount",
                format!(
                    "has {} fields where the header has {}: a separator or a quote too many or too few",
                    record.len(),
                    header.len()
                ),
            ));
        }
        for (at, field) in record.iter().enumerate().take(header.len()) {
            let text = utf8(field, at).map_err(|e| e.at(line, byte_of(&record)))?;
            match header[at] {
                Some(index) => cells[index] = cell_of(columns[index], text, &mut issues),
                None if !text.trim().is_empty() => issues.push(
                    RowIssue::new(
                        None,
                        "unnamedColumn",
                        format!("field {} has a value but its column has no name", at + 1),
                    )
                    .with_value(text),
                ),
                None => {}
            }
        }
        each(Record {
            number,
            line,
            cells,
            issues,
        })?;
    }
    Ok(())
}

/// `;` when the header line has more of them than of `,` (outside quotes).
fn separator(start: &[u8]) -> u8 {
    let (mut semicolons, mut commas, mut quoted) = (0, 0, false);
    for &b in start {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b';' if !quoted => semicolons += 1,
            b',' if !quoted => commas += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

fn next<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
) -> Result<bool, FileError> {
    reader.read_byte_record(record).map_err(|e| {
        let at = e.position().map(|p| (p.line() as u32, p.byte()));
        let error = FileError::new(
            "unreadable",
            format!("the file could not be read as CSV: {e}"),
        );
        match at {
            Some((line, byte)) => error.at(line, byte),
            None => error,
        }
    })
}

fn blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

/// The known column of each field of the header (none for a field with no
/// name); refuses an unknown or repeated name.
fn header(record: &csv::ByteRecord, columns: Columns) -> Result<Vec<Option<usize>>, FileError> {
    let mut found = Vec::with_capacity(record.len());
    for at in 0..record.len() {
        let name = utf8(&record[at], at)?.trim();
        if name.is_empty() {
            found.push(None);
            continue;
        }
        let Some(index) = columns.iter().position(|c| c.eq_ignore_ascii_case(name)) else {
            return Err(FileError::new(
                "unknownColumn",
                format!(
                    "the header names a column this import does not know: {name:?}; the columns are {}",
                    columns.join(", ")
                ),
            ));
        };
        if found.contains(&Some(index)) {
            return Err(FileError::new(
                "repeatedColumn",
                format!("the header names the column {name:?} twice"),
            ));
        }
        found.push(Some(index));
    }
    Ok(found)
}

/// The byte (from 1) a record starts at.
fn byte_of(record: &csv::ByteRecord) -> u64 {
    record.position().map_or(0, |p| p.byte()) + 1
}

/// A field as UTF-8; a file that is not UTF-8 cannot be read further.
fn utf8(field: &[u8], at: usize) -> Result<&str, FileError> {
    std::str::from_utf8(field).map_err(|e| {
        FileError::new(
            "encoding",
            format!(
                "field {} is not UTF-8 (byte {} of the field is 0x{:02X}): save the file as \"CSV UTF-8\"",
                at + 1,
                e.valid_up_to() + 1,
                field[e.valid_up_to()]
            ),
        )
    })
}

/// The newlines read so far that lie ahead of the records handed out.
#[derive(Default)]
struct Newlines {
    passed: u32,
    ahead: VecDeque<u64>,
}

impl Newlines {
    /// The line (from 1) of the record that starts at `offset`; offsets asked
    /// for grow. A record read after a CR LF starts at the LF (the reader
    /// ends a record at the CR), so a newline at `offset` lies before it.
    fn line_at(&mut self, offset: u64) -> u32 {
        while self.ahead.front().is_some_and(|&o| o <= offset) {
            self.ahead.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

/// Notes the offset of every newline the CSV reader reads.
struct Counting<R> {
    input: R,
    at: u64,
    lines: Rc<RefCell<Newlines>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.input.read(buf)?;
        let mut lines = self.lines.borrow_mut();
        for (i, _) in buf[..n].iter().enumerate().filter(|(_, b)| **b == b'\n') {
            lines.ahead.push_back(self.at + i as u64);
        }
        self.at += n as u64;
        Ok(n)
    }
}

/// A reader that leaves out a UTF-8 byte order mark at the start, also when
/// the first reads of the input return fewer than its three bytes.
pub(super) struct WithoutBom<R> {
    input: R,
    start: Option<([u8; 3], usize, usize)>,
}

impl<R: Read> WithoutBom<R> {
    pub(super) fn new(input: R) -> Self {
        WithoutBom { input, start: None }
    }
}

impl<R: Read> Read for WithoutBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.start.is_none() {
            let mut head = [0u8; 3];
            let mut filled = 0;
            while filled < 3 {
                match self.input.read(&mut head[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            let skip = if head[..filled] == [0xEF, 0xBB, 0xBF] {
                3
            } else {
                0
            };
            self.start = Some((head, skip, filled));
        }
        if let Some((head, from, to)) = &mut self.start
            && *from < *to
        {
            let n = (*to - *from).min(buf.len());
            buf[..n].copy_from_slice(&head[*from..*from + n]);
            *from += n;
            return Ok(n);
        }
        self.input.read(buf)
    }
}

/// Checks that the whole of `input` is UTF-8, naming the line and byte of the
/// first sequence that is not (a file saved as Windows-1252, or binary).
pub fn check_utf8<R: Read>(mut input: R) -> Result<(), FileError> {
    let mut buf = vec![0u8; 64 * 1024];
    let (mut carry, mut offset, mut line) = (0usize, 0u64, 1u32);
    loop {
        let n = input.read(&mut buf[carry..]).map_err(|e| {
            FileError::new("unreadable", format!("the file could not be read: {e}"))
        })?;
        let len = carry + n;
        let (valid, bad) = match std::str::from_utf8(&buf[..len]) {
            Ok(_) => (len, None),
            Err(e) => (e.valid_up_to(), e.error_len()),
        };
        line += buf[..valid].iter().filter(|&&b| b == b'\n').count() as u32;
        if let Some(_bad) = bad {
            return Err(not_utf8(buf[valid], line, offset + valid as u64));
        }
        if n == 0 {
            if valid < len {
                return Err(not_utf8(buf[valid], line, offset + valid as u64));
            }
            return Ok(());
        }
        // An incomplete sequence at the end waits for the next read.
        buf.copy_within(valid..len, 0);
        carry = len - valid;
        offset += valid as u64;
    }
}

fn not_utf8(byte: u8, line: u32, at: u64) -> FileError {
    FileError::new(
        "encoding",
        format!(
            "the file is not UTF-8: line {line}, byte {} is 0x{byte:02X} (a file saved as Windows-1252 or ANSI, or not a text file): save it as \"CSV UTF-8\"",
            at + 1
        ),
    )
    .at(line, at + 1)
}
