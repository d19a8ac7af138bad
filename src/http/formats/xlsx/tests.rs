use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::domain::table::{CellKind, Column, Rows, Table};

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
    let at = Utc.with_ymd_and_hms(2023, 5, 1, 8, 30, 15).unwrap();
    let e = || Cell::Empty;
    let rows: Vec<Vec<Cell>> = vec![
        vec![
            "Coördinatie — 社会 👩‍⚕️".into(),
            42.into(),
            (-3.5).into(),
            day.into(),
            at.into(),
            true.into(),
        ],
        vec![
            "=SUM(A1)".into(),
            (-7).into(),
            0.1.into(),
            e(),
            e(),
            false.into(),
        ],
        vec![
            "-3,5".into(),
            Cell::Integer(1_234_567_890_123),
            0.0000001.into(),
            e(),
            e(),
            e(),
        ],
        vec!["@cmd".into(), e(), 1e15.into(), e(), e(), e()],
        vec!["+32 2 123 45 67".into(), e(), (-0.0).into(), e(), e(), e()],
        vec![e(), e(), e(), e(), e(), e()],
    ];
    for row in rows {
        table.push(row).unwrap();
    }
    table.check().unwrap();
    table
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).unwrap()
}

fn range(bytes: &[u8], sheet: &str) -> calamine::Range<Data> {
    open(bytes).worksheet_range(sheet).unwrap()
}

/// The text of one part of the zip.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn part_names(bytes: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    zip.file_names()
        .map(|name| name.unwrap().into_owned())
        .collect()
}

fn number(data: &Data) -> f64 {
    match data {
        Data::Float(value) => *value,
        Data::Int(value) => *value as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn one_sheet_named_after_the_report_with_a_bold_header() {
    let bytes = render(sample(), "Voortgang/regio").unwrap();
    let workbook = open(&bytes);
    assert_eq!(workbook.sheet_names(), vec!["Voortgang-regio".to_owned()]);
    let range = range(&bytes, "Voortgang-regio");
    let header: Vec<&Data> = range.rows().next().unwrap().iter().collect();
    assert_eq!(
        header,
        [
            "Naam",
            "Aantal",
            "Waarde",
            "Dag",
            "Geregistreerd op",
            "Klaar"
        ]
        .map(|t| Data::String(t.into()))
        .iter()
        .collect::<Vec<_>>()
    );
    // The last row has no cells at all, so it ends the range one row early.
    assert_eq!(range.height(), 6);
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains("<b/>"), "{styles}");
}

#[test]
fn numbers_are_numbers_dates_are_dates() {
    let bytes = render(sample(), "r").unwrap();
    let range = range(&bytes, "r");
    let cell = |row: u32, col: u32| range.get_value((row, col)).unwrap().clone();
    assert_eq!(number(&cell(1, 1)), 42.0);
    assert_eq!(number(&cell(2, 1)), -7.0);
    assert_eq!(number(&cell(3, 1)), 1_234_567_890_123.0);
    assert_eq!(number(&cell(1, 2)), -3.5);
    assert_eq!(number(&cell(2, 2)), 0.1);
    assert_eq!(number(&cell(3, 2)), 0.0000001);
    assert_eq!(number(&cell(4, 2)), 1e15);
    assert_eq!(number(&cell(5, 2)), 0.0);
    assert!(number(&cell(5, 2)).is_sign_positive());

    match cell(1, 3) {
        Data::DateTime(day) => {
            assert!(day.is_datetime());
            assert_eq!(
                day.as_datetime().unwrap(),
                NaiveDate::from_ymd_opt(2023, 5, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap()
            );
        }
        other => panic!("not a date: {other:?}"),
    }
    match cell(1, 4) {
        Data::DateTime(at) => assert_eq!(
            at.as_datetime().unwrap(),
            NaiveDate::from_ymd_opt(2023, 5, 1)
                .unwrap()
                .and_hms_opt(8, 30, 15)
                .unwrap()
        ),
        other => panic!("not a date-time: {other:?}"),
    }
    assert_eq!(cell(1, 5), Data::Bool(true));
    assert_eq!(cell(2, 5), Data::Bool(false));

    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="yyyy-mm-dd""#), "{styles}");
    assert!(
        styles.contains(r#"formatCode="yyyy-mm-dd hh:mm:ss""#),
        "{styles}"
    );
    assert!(styles.contains(r#"formatCode="0""#), "{styles}");
}

#[test]
fn empty_cells_are_blank() {
    let bytes = render(sample(), "r").unwrap();
    let range = range(&bytes, "r");
    assert_eq!(range.get_value((2, 3)), Some(&Data::Empty));
    // A row of empty cells writes no cell: the row is not even in the range.
    for col in 0..6 {
        assert!(matches!(
            range.get_value((6, col)),
            None | Some(Data::Empty)
        ));
    }
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!xml.contains(r#"r="A7""#), "{xml}");
}

#[test]
fn text_that_looks_like_a_formula_stays_text() {
    let bytes = render(sample(), "r").unwrap();
    let mut workbook = open(&bytes);
    let range = workbook.worksheet_range("r").unwrap();
    let text = |row: u32| range.get_value((row, 0)).unwrap().clone();
    assert_eq!(text(1), Data::String("Coördinatie — 社会 👩‍⚕️".into()));
    assert_eq!(text(2), Data::String("=SUM(A1)".into()));
    assert_eq!(text(3), Data::String("-3,5".into()));
    assert_eq!(text(4), Data::String("@cmd".into()));
    assert_eq!(text(5), Data::String("+32 2 123 45 67".into()));

    let formulas = workbook.worksheet_formula("r").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "{formulas:?}"
    );
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!xml.contains("<f>") && !xml.contains("<f "), "{xml}");
    assert!(
        xml.contains(r#"t="inlineStr"><is><t>=SUM(A1)</t>"#),
        "{xml}"
    );
    // The formula-like text has the quote prefix style, the rest not.
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains(r#"quotePrefix="1""#), "{styles}");
}

#[test]
fn header_frozen_with_an_autofilter_and_widths() {
    let bytes = render(sample(), "r").unwrap();
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{xml}"
    );
    assert!(xml.contains(r#"<autoFilter ref="A1:F7"/>"#), "{xml}");
    assert!(
        xml.contains("<cols>") && xml.contains("customWidth=\"1\""),
        "{xml}"
    );
}

#[test]
fn no_macros_no_external_links() {
    let bytes = render(sample(), "r").unwrap();
    let names = part_names(&bytes);
    assert!(
        names
            .iter()
            .all(|n| !n.contains("vbaProject") && !n.contains("externalLink")),
        "{names:?}"
    );
    let types = part(&bytes, "[Content_Types].xml");
    assert!(!types.contains("macroEnabled"), "{types}");
    assert!(types.contains("spreadsheetml.sheet.main+xml"), "{types}");
}

#[test]
fn sheet_names_follow_excels_rules() {
    assert_eq!(sheet_name("Progress"), "Progress");
    assert_eq!(sheet_name("a[b]c:d*e?f/g\\h"), "a-b-c-d-e-f-g-h");
    assert_eq!(sheet_name("'quoted'"), "quoted");
    assert_eq!(sheet_name("  "), "Report");
    assert_eq!(sheet_name(""), "Report");
    assert_eq!(sheet_name("''"), "Report");
    assert_eq!(sheet_name("history"), "history-");
    assert_eq!(sheet_name("tab\there"), "tabhere");
    let long = "Voortgang per uitdaging en per regio in 2026";
    assert_eq!(sheet_name(long), "Voortgang per uitdaging en per");
    // 31 UTF-16 units: 15 emoji are 30 units, the 16th would make 32.
    let emoji = "😀".repeat(20);
    assert_eq!(sheet_name(&emoji), "😀".repeat(15));
    assert_eq!(
        sheet_name("abcdefghijklmnopqrstuvwxyz1234'x"),
        "abcdefghijklmnopqrstuvwxyz1234"
    );
    // Every one of them is a name rust_xlsxwriter (and Excel) accepts.
    for name in [long, "a[b]", "", "history", &emoji, "x'"] {
        let bytes = render(sample(), name).unwrap();
        assert_eq!(open(&bytes).sheet_names(), vec![sheet_name(name)]);
    }
}

#[test]
fn text_beyond_excels_limit_is_cut() {
    let mut table = Table::new(vec![Column::new("t", "T", CellKind::Text)]);
    table.push(vec!["é".repeat(MAX_TEXT + 10).into()]).unwrap();
    table
        .push(vec![format!("x{}", "😀".repeat(MAX_TEXT / 2)).into()])
        .unwrap();
    let bytes = render(&table, "t").unwrap();
    let range = range(&bytes, "t");
    assert_eq!(
        range.get_value((1, 0)),
        Some(&Data::String("é".repeat(MAX_TEXT)))
    );
    // 1 + 2 × 16,383 = 32,767 units: the last emoji would split in two.
    assert_eq!(
        range.get_value((2, 0)),
        Some(&Data::String(format!("x{}", "😀".repeat(MAX_TEXT / 2))))
    );
}

#[test]
fn a_table_without_rows_or_columns() {
    let table = Table::new(vec![Column::new("t", "T", CellKind::Text)]);
    let bytes = render(&table, "t").unwrap();
    assert_eq!(range(&bytes, "t").height(), 1);
    let bytes = render(Table::default(), "t").unwrap();
    assert!(range(&bytes, "t").is_empty());
}

#[test]
fn too_many_rows_are_refused() {
    // Rows without columns: empty vectors take no memory of their own.
    let table = Table {
        columns: Vec::new(),
        rows: vec![Vec::new(); MAX_ROWS],
    };
    assert!(matches!(
        render(&table, "n"),
        Err(XlsxProblem::TooLarge {
            rows: MAX_ROWS,
            columns: 0
        })
    ));
}

#[test]
fn a_hundred_thousand_rows() {
    let mut table = Table::new(vec![
        Column::new("id", "Id", CellKind::Integer),
        Column::new("name", "Naam", CellKind::Text),
        Column::new("value", "Waarde", CellKind::Number),
        Column::new("day", "Dag", CellKind::Date),
    ]);
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for i in 0..100_000_i64 {
        table.rows.push(vec![
            i.into(),
            format!("rij {i}").into(),
            (i as f64 / 4.0).into(),
            (day + chrono::Days::new(u64::try_from(i % 365).unwrap())).into(),
        ]);
    }
    let bytes = render(&table, "Groot").unwrap();
    let range = range(&bytes, "Groot");
    assert_eq!(range.height(), 100_001);
    let last: Vec<Data> = range.rows().next_back().unwrap().to_vec();
    assert_eq!(number(&last[0]), 99_999.0);
    assert_eq!(last[1], Data::String("rij 99999".into()));
    assert_eq!(number(&last[2]), 24_999.75);
    match &last[3] {
        Data::DateTime(d) => assert_eq!(
            d.as_datetime().unwrap().date(),
            day + chrono::Days::new(99_999 % 365)
        ),
        other => panic!("not a date: {other:?}"),
    }
}

#[test]
fn rows_made_one_at_a_time_make_the_same_sheet() {
    let columns = vec![
        Column::new("id", "Id", CellKind::Integer),
        Column::new("name", "Naam", CellKind::Text),
    ];
    let made = |i: i64| vec![i.into(), format!("=rij {i}").into()];
    let table = Table {
        columns: columns.clone(),
        rows: (0..250).map(made).collect(),
    };
    let streamed = render(Rows::new(columns, (0..250).map(made)), "t").unwrap();
    assert_eq!(
        range(&streamed, "t"),
        range(&render(&table, "t").unwrap(), "t")
    );
    assert_eq!(range(&streamed, "t").height(), 251);
}
