use std::io::Read;

use super::*;

const COLUMNS: Columns = &["id", "name", "value"];

fn all(input: &[u8], format: Format) -> Result<Vec<Record>, FileError> {
    let mut found = Vec::new();
    read(input, format, COLUMNS, |r| {
        found.push(r);
        Ok::<_, FileError>(())
    })?;
    Ok(found)
}

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

/// A reader that hands out one byte per read, as a slow upload would.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.is_empty()) {
            (Some((b, rest)), false) => {
                buf[0] = *b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn csv_in_both_separators_with_and_without_a_bom_reads_the_same() {
    let plain = b"id,name,value\n1,Genk,\"3.5\"\r\n2,\"Lijn 1\nLijn 2\",\n";
    let excel = "\u{feff}id;name;value\r\n1;Genk;3.5\r\n2;\"Lijn 1\nLijn 2\";\r\n".as_bytes();
    let expected = vec![
        Record {
            number: 1,
            line: 2,
            cells: vec![text("1"), text("Genk"), text("3.5")],
            issues: vec![],
        },
        Record {
            number: 2,
            line: 3,
            cells: vec![text("2"), text("Lijn 1\nLijn 2"), Cell::Empty],
            issues: vec![],
        },
    ];
    assert_eq!(all(plain, Format::Csv).unwrap(), expected);
    assert_eq!(all(excel, Format::Csv).unwrap(), expected);
    // The byte order mark split over reads of one byte each.
    let mut found = Vec::new();
    read(Trickle(excel), Format::Csv, COLUMNS, |r| {
        found.push(r);
        Ok::<_, FileError>(())
    })
    .unwrap();
    assert_eq!(found, expected);
}

#[test]
fn columns_left_out_are_absent_and_blank_lines_are_skipped() {
    let found = all(b"NAME,id\n\nGenk,1\n,\n , \n", Format::Csv).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].cells, vec![text("1"), text("Genk"), Cell::Absent]);
    assert_eq!(found[0].line, 3);
}

#[test]
fn a_file_that_cannot_be_read_is_refused_whole() {
    let e = all(b"", Format::Csv).unwrap_err();
    assert_eq!(e.code, "empty");
    let e = all(b"id,colour\n1,red\n", Format::Csv).unwrap_err();
    assert_eq!(e.code, "unknownColumn");
    assert!(e.message.contains("\"colour\""), "{}", e.message);
    let e = all(b"id,ID\n", Format::Csv).unwrap_err();
    assert_eq!(e.code, "repeatedColumn");
    // Windows-1252: é is 0xE9.
    let e = all(b"id,name\n1,Li\xe8ge\n", Format::Csv).unwrap_err();
    assert_eq!((e.code, e.line), ("encoding", Some(2)));
    let e = check_utf8(&b"id,name\n1,ok\n2,Li\xe8ge\n"[..]).unwrap_err();
    assert_eq!((e.line, e.byte), (Some(3), Some(18)));
    assert!(e.message.contains("0xE8"), "{}", e.message);
    // A sequence cut by the end of a read is not an error.
    let long = format!("{}é", "a".repeat(64 * 1024 - 1));
    assert!(check_utf8(long.as_bytes()).is_ok());
    assert!(check_utf8(&b"\x89PNG\r\n\x1a\n\0\0"[..]).is_err());
}

#[test]
fn a_record_that_cannot_be_read_whole_carries_its_issues() {
    let long = "x".repeat(LONGEST_FIELD + 1);
    let file = format!("id,name\n1\n2,a,b\n3,{long}\n4,a\0b\n5,'=SUM(A1)\n");
    let found = all(file.as_bytes(), Format::Csv).unwrap();
    let codes: Vec<Vec<&str>> = found
        .iter()
        .map(|r| r.issues.iter().map(|i| i.code).collect())
        .collect();
    assert_eq!(
        codes,
        [
            vec!["fieldCount"],
            vec!["fieldCount"],
            vec!["tooLong"],
            vec!["controlCharacter"],
            vec![],
        ]
    );
    assert!(found[2].issues[0].value.as_ref().unwrap().chars().count() <= 201);
    assert_eq!(found[4].cells[1], text("=SUM(A1)"));
}

#[test]
fn json_arrays_and_lines_read_members_as_columns() {
    let array = b"[\n {\"id\": 1, \"name\": \"Genk\", \"value\": 3.5},\n {\"id\": \"2\", \"value\": null}\n]";
    let found = all(array, Format::Json).unwrap();
    assert_eq!(found[0].cells, vec![text("1"), text("Genk"), text("3.5")]);
    assert_eq!(found[1].cells, vec![text("2"), Cell::Absent, Cell::Empty]);
    assert_eq!((found[0].line, found[1].line), (2, 3));
    let lines =
        b"{\"id\": 1}\n\n{\"id\": 2, \"colour\": \"red\"}\n[1]\n{\"id\": {\"x\": 1}}\nnot json\n";
    let found = all(lines, Format::Ndjson).unwrap();
    let codes: Vec<(u32, Vec<&str>)> = found
        .iter()
        .map(|r| (r.line, r.issues.iter().map(|i| i.code).collect()))
        .collect();
    assert_eq!(
        codes,
        [
            (1, vec![]),
            (3, vec!["unknownColumn"]),
            (4, vec!["notAnObject"]),
            (5, vec!["notAValue"]),
            (6, vec!["syntax"]),
        ]
    );
    assert_eq!(all(b"", Format::Json).unwrap_err().code, "empty");
    assert_eq!(all(b"", Format::Ndjson).unwrap_err().code, "empty");
    assert_eq!(
        all(b"{\"id\": 1}", Format::Json).unwrap_err().code,
        "syntax"
    );
    assert_eq!(
        all(b"[{\"id\": 1},", Format::Json).unwrap_err().code,
        "syntax"
    );
    assert!(all(b"[]", Format::Json).unwrap().is_empty());
}

#[test]
fn what_the_caller_returns_stops_the_reading() {
    let mut seen = 0;
    let stopped = read(&b"[{}, {}, {}]"[..], Format::Json, COLUMNS, |_| {
        seen += 1;
        if seen == 2 {
            Err(FileError::new("stop", "enough"))
        } else {
            Ok(())
        }
    });
    assert_eq!(stopped.unwrap_err().code, "stop");
    assert_eq!(seen, 2);
}
