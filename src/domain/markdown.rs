//! Markdown as people write it in a practice, served as HTML that is safe to
//! put in a page, and as the visible text that search reads.
//!
//! The source is stored as sent. Rendering follows CommonMark (with tables
//! and strikethrough); raw HTML in the source is not rendered (its tags are
//! dropped, the text between them stays), and the result is sanitised with an
//! allow-list: no script, style, image, form or frame, no event attribute,
//! and links only to `http`, `https` and `mailto`, each with
//! `rel="nofollow noopener noreferrer"`.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, TagEnd};

/// The tags the HTML may hold.
const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(TAGS.iter().copied().collect())
        .tag_attributes(
            [
                ("a", ["href"].into_iter().collect()),
                ("ol", ["start"].into_iter().collect()),
            ]
            .into_iter()
            .collect(),
        )
        .url_schemes(
            ["http", "https", "mailto"]
                .into_iter()
                .collect::<HashSet<_>>(),
        )
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("nofollow noopener noreferrer"))
        .strip_comments(true);
    builder
});

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The events a reader sees: raw HTML left out.
fn events(source: &str) -> impl Iterator<Item = Event<'_>> {
    Parser::new_ext(source, options())
        .filter(|e| !matches!(e, Event::Html(_) | Event::InlineHtml(_)))
}

/// The Markdown as sanitised HTML.
pub fn to_html(source: &str) -> String {
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events(source));
    SANITISER.clean(&html).to_string()
}

/// Plain text with marked stretches (`start` … `end`, as a search
/// highlighter puts them) as HTML: every character of the text escaped, each
/// stretch in `<mark>`. Unbalanced markers are dropped.
pub fn marked_html(text: &str, start: char, end: char) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    let mut open = false;
    for c in text.chars() {
        match c {
            _ if c == start && !open => {
                html.push_str("<mark>");
                open = true;
            }
            _ if c == end && open => {
                html.push_str("</mark>");
                open = false;
            }
            _ if c == start || c == end => {}
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            _ => html.push(c),
        }
    }
    if open {
        html.push_str("</mark>");
    }
    html
}

/// The text a reader sees, blocks separated by a newline: what search reads.
pub fn visible_text(source: &str) -> String {
    let mut text = String::with_capacity(source.len());
    for event in events(source) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
            | Event::End(TagEnd::TableHead | TagEnd::TableRow | TagEnd::CodeBlock)
            | Event::End(TagEnd::BlockQuote(_))
            | Event::Rule => text.push('\n'),
            Event::End(TagEnd::TableCell) => text.push(' '),
            _ => {}
        }
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn marked_text_is_escaped_and_only_the_marks_are_markup() {
        let text =
            "a <script>alert(1)</script> \u{E000}armoede\u{E001} & \"x\" 'y' \u{E001}\u{E000}open";
        assert_eq!(
            super::marked_html(text, '\u{E000}', '\u{E001}'),
            "a &lt;script&gt;alert(1)&lt;/script&gt; <mark>armoede</mark> &amp; &quot;x&quot; &#39;y&#39; <mark>open</mark>"
        );
    }

    use super::*;

    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[klik](javascript:alert(1))",
        "[klik](JaVaScRiPt:alert(1))",
        "[klik](java\tscript:alert(1))",
        "[klik](&#106;avascript:alert(1))",
        "[klik](%6Aavascript:alert(1))",
        "<a href=\"javascript:alert(1)\">klik</a>",
        "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![beeld](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
        "![beeld](https://example.org/x.png \"titel\" onerror=alert(1))",
        "<svg onload=alert(1)>",
        "<iframe src=\"https://example.org\"></iframe>",
        "<p onclick=\"alert(1)\">tekst</p>",
        "<style>body{display:none}</style>",
        "[a](vbscript:msgbox(1))",
    ];

    /// The markup of the HTML: its tags with their attributes, not its text
    /// (text cannot hold a `<`: it is escaped).
    fn tags(html: &str) -> String {
        html.split('<')
            .skip(1)
            .filter_map(|t| t.split_once('>').map(|(tag, _)| tag))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn nothing_that_runs_survives() {
        for source in HOSTILE {
            let html = tags(&to_html(source).to_lowercase());
            for bad in [
                "script",
                "onerror",
                "onload",
                "onclick",
                "javascript:",
                "vbscript:",
                "data:",
                "img",
                "svg",
                "iframe",
                "style",
            ] {
                assert!(!html.contains(bad), "{source:?} gave {html:?}");
            }
        }
    }

    #[test]
    fn markdown_renders_and_links_are_marked() {
        let html = to_html(
            "# Aanpak\n\nDe **wijkwerking** en [het OCMW](https://example.org/ocmw).\n\n- een\n- twee\n\nMail [ons](mailto:info@example.org).",
        );
        assert!(html.contains("<h1>Aanpak</h1>"), "{html}");
        assert!(html.contains("<strong>wijkwerking</strong>"), "{html}");
        assert!(
            html.contains(
                "<a href=\"https://example.org/ocmw\" rel=\"nofollow noopener noreferrer\">het OCMW</a>"
            ),
            "{html}"
        );
        assert!(html.contains("<li>twee</li>"), "{html}");
        assert!(html.contains("href=\"mailto:info@example.org\""), "{html}");
    }

    #[test]
    fn raw_html_is_not_rendered_but_its_text_stays() {
        let html = to_html("Een <b>belangrijke</b> zin.");
        assert_eq!(html.trim(), "<p>Een belangrijke zin.</p>");
        assert_eq!(
            visible_text("Een <b>belangrijke</b> zin."),
            "Een belangrijke zin."
        );
    }

    #[test]
    fn search_reads_the_visible_text_not_the_markup() {
        let text = visible_text(
            "## Resultaten\n\nMeer **jongeren** bereikt via [de website](https://example.org/armoede).\n\n| wijk | bereik |\n|---|---|\n| Noord | 12 |",
        );
        assert_eq!(
            text,
            "Resultaten\nMeer jongeren bereikt via de website.\nwijk bereik\nNoord 12"
        );
        assert!(!text.contains("https"));
        assert!(!text.contains("**"));
    }
}
