use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::domain::table::{CellKind, Table};

fn sample() -> Table {
    let mut table = Table::new(vec![
        Column::new("name", "Naam", CellKind::Text),
        Column::new("count", "Aantal", CellKind::Integer),
        Column::new("value", "Waarde", CellKind::Number),
        Column::new("day", "Dag", CellKind::Date),
        Column::new("recordedAt", "Geregistreerd op", CellKind::DateTime),
        Column::new("done", "Klaar", CellKind::Bool),
    ]);
    let day = NaiveDate::from_ymd_opt(2023, 5, 1).unwrap();
    let at = Utc.with_ymd_and_hms(2023, 5, 1, 8, 30, 0).unwrap();
    let e = || Cell::Empty;
    let rows: Vec<Vec<Cell>> = vec![
        vec![
            "Coördinatie".into(),
            42.into(),
            (-3.5).into(),
            day.into(),
            at.into(),
            true.into(),
        ],
        vec![
            "a;b".into(),
            (-7).into(),
            0.4.into(),
            e(),
            e(),
            false.into(),
        ],
        vec!["a,b".into(), e(), 0.1.into(), e(), e(), e()],
        vec!["say \"hi\"".into(), 0.into(), 2.5.into(), e(), e(), e()],
        vec!["line1\nline2".into(), e(), 1e-7.into(), e(), e(), e()],
        vec!["=SUM(A1)".into(), e(), 1e6.into(), e(), e(), e()],
        vec!["+1".into(), e(), (-0.0).into(), e(), e(), e()],
        vec!["-2".into(), e(), 2.0.into(), e(), e(), e()],
        vec!["@x".into(), e(), e(), e(), e(), e()],
        vec!["\tx".into(), e(), e(), e(), e(), e()],
        vec!["\rx".into(), e(), e(), e(), e(), e()],
        vec!["x-1 @ 'y'".into(), e(), e(), e(), e(), e()],
        vec![e(), e(), e(), e(), e(), e()],
    ];
    for row in rows {
        table.push(row).unwrap();
    }
    table.check().unwrap();
    table
}

#[test]
fn rfc4180_bytes() {
    let expected: &[u8] = b"name,count,value,day,recordedAt,done\r\n\
        Co\xC3\xB6rdinatie,42,-3.5,2023-05-01,2023-05-01T08:30:00Z,true\r\n\
        \"a;b\",-7,0.4,,,false\r\n\
        \"a,b\",,0.1,,,\r\n\
        \"say \"\"hi\"\"\",0,2.5,,,\r\n\
        \"line1\nline2\",,0.0000001,,,\r\n\
        \"'=SUM(A1)\",,1000000,,,\r\n\
        \"'+1\",,0,,,\r\n\
        \"'-2\",,2,,,\r\n\
        \"'@x\",,,,,\r\n\
        \"'\tx\",,,,,\r\n\
        \"'\rx\",,,,,\r\n\
        x-1 @ 'y',,,,,\r\n\
        ,,,,,\r\n";
    let bytes = render(sample(), Dialect::Rfc4180);
    assert_eq!(
        String::from_utf8_lossy(&bytes),
        String::from_utf8_lossy(expected)
    );
    assert_eq!(bytes, expected);
}

#[test]
fn excel_nl_be_bytes() {
    let expected: &[u8] = b"\xEF\xBB\xBFname;count;value;day;recordedAt;done\r\n\
        Co\xC3\xB6rdinatie;42;-3,5;2023-05-01;2023-05-01T08:30:00Z;true\r\n\
        \"a;b\";-7;0,4;;;false\r\n\
        \"a,b\";;0,1;;;\r\n\
        \"say \"\"hi\"\"\";0;2,5;;;\r\n\
        \"line1\nline2\";;0,0000001;;;\r\n\
        \"'=SUM(A1)\";;1000000;;;\r\n\
        \"'+1\";;0;;;\r\n\
        \"'-2\";;2;;;\r\n\
        \"'@x\";;;;;\r\n\
        \"'\tx\";;;;;\r\n\
        \"'\rx\";;;;;\r\n\
        x-1 @ 'y';;;;;\r\n\
        ;;;;;\r\n";
    let bytes = render(sample(), Dialect::ExcelNlBe);
    assert_eq!(
        String::from_utf8_lossy(&bytes),
        String::from_utf8_lossy(expected)
    );
    assert_eq!(bytes, expected);
}

#[test]
fn only_excel_nl_be_starts_with_a_bom() {
    assert!(render(sample(), Dialect::ExcelNlBe).starts_with(b"\xEF\xBB\xBFname;"));
    assert!(render(sample(), Dialect::Rfc4180).starts_with(b"name,"));
    // An empty table is its header row.
    let empty = Table::new(vec![Column::new("code", "Code", CellKind::Text)]);
    assert_eq!(render(&empty, Dialect::Rfc4180), b"code\r\n");
    assert_eq!(render(&empty, Dialect::ExcelNlBe), b"\xEF\xBB\xBFcode\r\n");
}

#[test]
fn every_line_ends_in_crlf() {
    for dialect in [Dialect::Rfc4180, Dialect::ExcelNlBe] {
        let bytes = render(sample(), dialect);
        assert!(bytes.ends_with(b"\r\n"));
        // Outside quoted fields, every LF follows a CR.
        let mut quoted = false;
        for (i, byte) in bytes.iter().enumerate() {
            match byte {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => assert_eq!(bytes[i - 1], b'\r', "{dialect:?} at {i}"),
                _ => {}
            }
        }
    }
}

#[test]
fn numbers_are_shortest_round_trip_decimals() {
    let rfc = |v: f64| format_number(v, Dialect::Rfc4180);
    assert_eq!(rfc(0.1 + 0.2).as_deref(), Some("0.30000000000000004"));
    assert_eq!(rfc(1e21).as_deref(), Some("1000000000000000000000"));
    assert_eq!(rfc(-1e-7).as_deref(), Some("-0.0000001"));
    assert_eq!(rfc(1234567.25).as_deref(), Some("1234567.25"));
    assert_eq!(rfc(-0.0).as_deref(), Some("0"));
    for v in [
        0.1,
        2.5,
        1e-7,
        1e21,
        123456.789,
        f64::MIN_POSITIVE,
        f64::MAX,
    ] {
        assert_eq!(rfc(v).unwrap().parse::<f64>().unwrap(), v);
    }
    assert_eq!(
        format_number(-1234.5, Dialect::ExcelNlBe).as_deref(),
        Some("-1234,5")
    );
    assert_eq!(rfc(f64::NAN), None);
    assert_eq!(rfc(f64::INFINITY), None);
    assert_eq!(format_number(f64::NEG_INFINITY, Dialect::ExcelNlBe), None);
}

#[test]
fn non_finite_numbers_that_slip_in_are_empty_fields() {
    let mut table = Table::new(vec![
        Column::new("a", "A", CellKind::Number),
        Column::new("b", "B", CellKind::Number),
    ]);
    table
        .rows
        .push(vec![Cell::Number(f64::NAN), Cell::Number(f64::INFINITY)]);
    assert_eq!(render(&table, Dialect::Rfc4180), b"a,b\r\n,\r\n");
}

#[test]
fn a_record_of_one_empty_field_is_not_a_blank_line() {
    let mut table = Table::new(vec![Column::new("note", "Noot", CellKind::Text)]);
    table.push(vec![Cell::Empty]).unwrap();
    table.push(vec![Cell::Text(String::new())]).unwrap();
    assert_eq!(
        render(&table, Dialect::Rfc4180),
        b"note\r\n\"\"\r\n\"\"\r\n"
    );
}

#[test]
fn fractional_seconds_are_kept_in_date_times() {
    let at = Utc.timestamp_opt(1_682_929_800, 123_000_000).unwrap();
    let mut table = Table::new(vec![Column::new("at", "Op", CellKind::DateTime)]);
    table.push(vec![at.into()]).unwrap();
    assert_eq!(
        render(&table, Dialect::ExcelNlBe),
        b"\xEF\xBB\xBFat\r\n2023-05-01T08:30:00.123Z\r\n"
    );
}

#[test]
fn streaming_writes_the_same_bytes() {
    let table = sample();
    for dialect in [Dialect::Rfc4180, Dialect::ExcelNlBe] {
        let mut writer = CsvWriter::new(Vec::new(), dialect);
        writer.header(&table.columns).unwrap();
        for row in &table.rows {
            writer.row(row).unwrap();
        }
        assert_eq!(writer.into_inner(), render(&table, dialect));
    }
}

#[test]
fn imports_restore_neutralised_text() {
    for text in ["=SUM(A1)", "+32 2 123 45 67", "-2", "@x", "\tx", "\rx"] {
        let neutralised = format!("'{text}");
        assert_eq!(restore_text(&neutralised), text);
    }
    assert_eq!(restore_text("'s-Gravenwezel"), "'s-Gravenwezel");
    assert_eq!(restore_text("plain"), "plain");
    assert_eq!(restore_text("'"), "'");
}

#[test]
fn dialects_parse_by_name() {
    assert_eq!(Dialect::parse("excel-nl-be"), Ok(Dialect::ExcelNlBe));
    assert_eq!(Dialect::parse("Excel-NL-BE"), Ok(Dialect::ExcelNlBe));
    assert_eq!(Dialect::parse("rfc4180"), Ok(Dialect::Rfc4180));
    assert_eq!(Dialect::parse_optional(None), Ok(Dialect::Rfc4180));
    assert_eq!(Dialect::default(), Dialect::Rfc4180);
    for dialect in [Dialect::Rfc4180, Dialect::ExcelNlBe] {
        assert_eq!(Dialect::parse(dialect.name()), Ok(dialect));
    }
    let error = Dialect::parse("excel").unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown CSV dialect `excel`; known dialects: rfc4180, excel-nl-be"
    );
}
