use base64::Engine as _;
use chrono::{NaiveDate, TimeZone, Utc};
use sha2::{Digest, Sha256};

use super::*;
use crate::domain::table::Column;

/// Text that breaks out of an element, an attribute or an entity when it is
/// not escaped, and text that must come through as it is.
const NASTY: [&str; 5] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "Tom & Jerry &amp; co",
    "it's \"quoted\"",
    "Coördinatie",
];

fn nasty(i: usize) -> String {
    NASTY[i % NASTY.len()].to_owned()
}

fn table_of(label: &str) -> Table {
    let mut table = Table::new(vec![
        Column::new("name", label, CellKind::Text),
        Column::new("count", "Aantal", CellKind::Integer),
        Column::new("value", "Waarde", CellKind::Number),
        Column::new("day", "Dag", CellKind::Date),
        Column::new("recordedAt", "Geregistreerd", CellKind::DateTime),
        Column::new("done", "Klaar", CellKind::Bool),
    ]);
    let day = NaiveDate::from_ymd_opt(2023, 5, 1).unwrap();
    let at = Utc.with_ymd_and_hms(2023, 5, 1, 8, 30, 0).unwrap();
    let rows: Vec<Vec<Cell>> = vec![
        vec![
            label.into(),
            42.into(),
            (-3.5).into(),
            day.into(),
            at.into(),
            true.into(),
        ],
        vec![
            "Coördinatie".into(),
            (-7).into(),
            0.1.into(),
            Cell::Empty,
            Cell::Empty,
            false.into(),
        ],
        vec![
            "Regio Gent".into(),
            0.into(),
            33.333333333333336.into(),
            day.into(),
            at.into(),
            Cell::Empty,
        ],
        vec![
            "Groot".into(),
            9_007_199_254_740_993i64.into(),
            1e21.into(),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ],
    ];
    for row in rows {
        table.push(row).unwrap();
    }
    table
}

/// A page with a hostile string in every place a caller's text can go.
fn hostile_page() -> Page {
    Page {
        title: nasty(0),
        subtitle: Some(nasty(1)),
        facts: vec![(nasty(2), nasty(3)), (nasty(4), nasty(0))],
        sections: vec![
            Section {
                heading: nasty(1),
                intro: Some(nasty(2)),
                chart: Some(Chart::Bars {
                    title: nasty(3),
                    description: nasty(4),
                    unit: nasty(0),
                    max: 100.0,
                    bars: vec![
                        Bar {
                            label: nasty(1),
                            value: Some(50.0),
                            note: Some(nasty(2)),
                        },
                        Bar {
                            label: nasty(0),
                            value: None,
                            note: Some(nasty(3)),
                        },
                    ],
                }),
                table: table_of(&nasty(4)),
            },
            Section {
                heading: nasty(0),
                intro: None,
                chart: Some(Chart::Lines {
                    title: nasty(1),
                    description: nasty(2),
                    unit: nasty(3),
                    periods: vec![nasty(4), nasty(0), nasty(1)],
                    series: vec![Series {
                        name: nasty(2),
                        values: vec![Some(1.0), None, Some(3.0)],
                    }],
                    target: Some(vec![None, None, Some(4.0)]),
                    baseline: Some(0.5),
                }),
                table: table_of(&nasty(1)),
            },
        ],
    }
}

/// The names of all elements in the markup (lowercase), in order.
fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|rest| {
            rest.trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .collect()
}

const ELEMENTS: &[&str] = &[
    "!doctype", "html", "head", "meta", "title", "style", "body", "header", "h1", "p", "dl", "div",
    "dt", "dd", "main", "section", "h2", "figure", "svg", "desc", "g", "line", "text", "tspan",
    "rect", "path", "circle", "table", "caption", "thead", "tbody", "tr", "th", "td",
];

#[test]
fn every_user_string_is_escaped() {
    let html = render(&hostile_page());
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    assert!(!lower.contains("<img"), "{html}");
    for tag in tags(&html) {
        assert!(
            ELEMENTS.contains(&tag.as_str()),
            "unexpected element <{tag}>"
        );
    }
    // Every raw `&` starts an entity the escaper wrote.
    for (i, _) in html.match_indices('&') {
        let rest = &html[i..];
        assert!(
            ["&#60;", "&#62;", "&#38;", "&#34;", "&#39;"]
                .iter()
                .any(|entity| rest.starts_with(entity)),
            "a bare & at {}",
            &rest[..rest.len().min(20)]
        );
    }
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(html.contains("Tom &#38; Jerry &#38;amp; co"));
    assert!(html.contains("&#34;&#62;&#60;img src=x onerror=alert(2)&#62;"));
    assert!(html.contains("it&#39;s &#34;quoted&#34;"));
    // Unicode is written as it is (the page is UTF-8).
    assert!(html.contains("Coördinatie"));
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"nl\">"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
}

/// The inside of every tag (`<` … `>`): escaped text holds neither.
fn markup(html: &str) -> Vec<&str> {
    html.split('<')
        .skip(1)
        .map(|rest| &rest[..rest.find('>').unwrap()])
        .collect()
}

#[test]
fn the_page_loads_and_runs_nothing() {
    let html = render(&hostile_page());
    for tag in markup(&html) {
        let tag = tag.to_ascii_lowercase();
        for forbidden in [" src=", " href=", " style=", "javascript:", "url("] {
            assert!(!tag.contains(forbidden), "<{tag}>");
        }
        // No event handler attribute.
        for (i, _) in tag.match_indices(" on") {
            let name: String = tag[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            assert!(!tag[i + 1 + name.len()..].starts_with('='), "<{tag}>");
        }
        // The only URL is the SVG namespace, a name rather than a resource.
        for (i, _) in tag.match_indices("//") {
            assert!(tag[..i + 2].ends_with("\"http://"), "<{tag}>");
            assert!(tag[i..].starts_with("//www.w3.org/2000/svg\""), "<{tag}>");
        }
    }
    for forbidden in ["url(", "@import", "@font-face", "//"] {
        assert!(
            !STYLE.contains(forbidden),
            "the style sheet holds {forbidden}"
        );
    }
    let elements: Vec<String> = tags(&html);
    for element in [
        "script", "link", "img", "iframe", "object", "embed", "base", "form",
    ] {
        assert!(!elements.iter().any(|e| e == element), "<{element}>");
    }
}

#[test]
fn the_policy_allows_the_style_sheet_by_its_hash_and_no_script() {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    let source = format!("'sha256-{hash}'");
    assert!(
        CONTENT_SECURITY_POLICY.contains(&source),
        "the style sheet changed: its source is now {source}"
    );
    assert!(META_CONTENT_SECURITY_POLICY.contains(&source));
    for policy in [CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY] {
        assert!(policy.starts_with("default-src 'none';"));
        assert!(!policy.contains("unsafe"));
        assert!(!policy.contains("script-src"));
        assert!(policy.contains("base-uri 'none'"));
        assert!(policy.contains("form-action 'none'"));
    }
    assert!(CONTENT_SECURITY_POLICY.ends_with("frame-ancestors 'none'"));
    assert_eq!(CONTENT_TYPE, "text/html; charset=utf-8");

    let html = render(&Page::default());
    // The <style> element holds exactly the hashed bytes.
    assert!(html.contains(&format!("<style>{STYLE}</style>")));
    let policy = META_CONTENT_SECURITY_POLICY.replace('\'', "&#39;");
    assert!(html.contains(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">"
    )));
    assert!(STYLE.contains("@media print"));
}

#[test]
fn charts_are_images_with_a_title_and_a_description_in_words() {
    let html = render(&hostile_page());
    for n in [1, 2] {
        assert!(html.contains(&format!(
            "role=\"img\" aria-labelledby=\"chart-{n}-title\" aria-describedby=\"chart-{n}-desc\""
        )));
        assert!(html.contains(&format!("<title id=\"chart-{n}-title\">")));
        assert!(html.contains(&format!("<desc id=\"chart-{n}-desc\">")));
    }
    let page = Page {
        title: "Voortgang".into(),
        sections: vec![Section {
            heading: "Per regio".into(),
            intro: None,
            chart: Some(Chart::Bars {
                title: "Voortgang per regio".into(),
                description: "Gewogen voortgang.".into(),
                unit: "%".into(),
                max: 100.0,
                bars: vec![
                    Bar {
                        label: "Regio Gent".into(),
                        value: Some(45.5),
                        note: Some("4 van 6".into()),
                    },
                    Bar {
                        label: "Regio Brugge".into(),
                        value: None,
                        note: None,
                    },
                ],
            }),
            table: Table::default(),
        }],
        ..Page::default()
    };
    let html = render(&page);
    assert!(html.contains(
        "<desc id=\"chart-1-desc\">Gewogen voortgang. Regio Gent: 45.5% (4 van 6); \
         Regio Brugge: geen gegevens. Schaal van 0 tot 100%.</desc>"
    ));
    assert!(html.contains("<title id=\"chart-1-title\">Voortgang per regio</title>"));
    // A table without columns is left out, the section stays.
    assert!(!html.contains("<table>"));
    assert!(html.contains("<h2 id=\"section-1\">Per regio</h2>"));
}

/// The text of each `<td>` / `<th>` of the `n`-th table's body, by row.
fn body_cells(html: &str, n: usize) -> Vec<Vec<String>> {
    let body = html.split("<tbody>").nth(n + 1).unwrap();
    let body = body.split("</tbody>").next().unwrap();
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let mut cells = Vec::new();
            let mut rest = row;
            while let Some(start) = rest.find("<t") {
                let open = &rest[start..];
                let content = &open[open.find('>').unwrap() + 1..];
                let close = content.find("</t").unwrap();
                cells.push(content[..close].to_owned());
                rest = &content[close + 3..];
            }
            cells
        })
        .collect()
}

#[test]
fn the_table_holds_the_numbers_of_the_table() {
    let table = table_of("Naam");
    let page = Page {
        title: "T".into(),
        sections: vec![Section {
            heading: "Cijfers".into(),
            intro: Some("Uitleg".into()),
            chart: None,
            table: table.clone(),
        }],
        ..Page::default()
    };
    let html = render(&page);
    assert!(html.contains("<caption>Cijfers</caption>"));
    assert!(html.contains(
        "<tr><th scope=\"col\" class=\"text\">Naam</th><th scope=\"col\" class=\"num\">Aantal</th>"
    ));
    assert!(html.contains("<tr><th scope=\"row\" class=\"text\">Naam</th><td class=\"num\">42</td><td class=\"num\">-3.5</td><td class=\"date\">2023-05-01</td><td class=\"date\">2023-05-01T08:30:00Z</td><td class=\"text\">ja</td></tr>"));
    let cells = body_cells(&html, 0);
    assert_eq!(cells.len(), table.rows.len());
    for (row, shown) in table.rows.iter().zip(&cells) {
        assert_eq!(row.len(), shown.len(), "{shown:?}");
        for (cell, text) in row.iter().zip(shown) {
            match cell {
                Cell::Number(value) => assert_eq!(text.parse::<f64>().unwrap(), *value),
                Cell::Integer(value) => assert_eq!(text.parse::<i64>().unwrap(), *value),
                Cell::Empty => assert_eq!(text, ""),
                _ => assert_eq!(text, &cell_text(cell)),
            }
        }
    }
    // Shortest form, plain decimal notation, as the CSV writes it.
    assert!(html.contains(">0.1</td>"));
    assert!(html.contains(">33.333333333333336</td>"));
    assert!(html.contains(">1000000000000000000000</td>"));
    assert!(html.contains(">9007199254740993</td>"));
    assert!(!html.contains(">0,1<"));

    let empty = Page {
        sections: vec![Section {
            heading: "Leeg".into(),
            intro: None,
            chart: None,
            table: Table::new(table.columns.clone()),
        }],
        ..Page::default()
    };
    assert!(
        render(&empty).contains("<tr><td colspan=\"6\" class=\"empty\">geen gegevens</td></tr>")
    );
}

#[test]
fn the_header_holds_the_title_subtitle_and_facts() {
    let page = Page {
        title: "Voortgang van het plan".into(),
        subtitle: Some("Alle regio's".into()),
        facts: vec![
            ("Gegenereerd".into(), "2026-12-01 10:00 UTC".into()),
            ("Laatste wijziging".into(), "2026-11-30 17:12 UTC".into()),
        ],
        sections: Vec::new(),
    };
    let html = render(&page);
    assert!(html.contains("<title>Voortgang van het plan</title>"));
    assert!(html.contains("<h1>Voortgang van het plan</h1>"));
    assert!(html.contains("<p class=\"subtitle\">Alle regio&#39;s</p>"));
    assert!(html.contains("<div><dt>Gegenereerd</dt><dd>2026-12-01 10:00 UTC</dd></div>"));
    assert!(html.ends_with("</html>\n") || html.ends_with("</html>"));
    let bare = render(&Page::default());
    assert!(!bare.contains("<dl"));
    assert!(!bare.contains("class=\"subtitle\""));
}
