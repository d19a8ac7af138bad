//! Headless Chromium for tests: an HTML page as the pixels a browser draws.
//!
//! [`screenshot`] writes the page to a temporary directory, opens it in
//! Debian's `chromium` (`--headless --no-sandbox --disable-gpu
//! --disable-background-networking`, a throw-away profile, a 1200 × 1600
//! window at scale 1) and decodes the PNG it takes. A missing browser fails
//! the test with how to install it, never skips it: `make test` and `.ci/run`
//! install it. `SSW_CHROMIUM` names another binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ssw_api::domain::table::{CellKind, Column, Table};
use ssw_api::http::formats::html::{self, Bar, Chart, Page, Section, Series};
use ssw_api::http::formats::svg;

/// The window the page is drawn in.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 1600;
/// How long Chromium may take to start, draw and write the screenshot.
const TIMEOUT: Duration = Duration::from_secs(90);

/// A screenshot: RGB pixels, row by row, and the PNG they came from.
pub struct Image {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<[u8; 3]>,
    pub png: Vec<u8>,
}

/// `#rrggbb` as bytes.
pub fn rgb(hex: &str) -> [u8; 3] {
    let hex = hex.trim_start_matches('#');
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    [byte(0), byte(2), byte(4)]
}

impl Image {
    fn matches(pixel: [u8; 3], colour: [u8; 3]) -> bool {
        pixel.iter().zip(colour).all(|(p, c)| p.abs_diff(c) <= 3)
    }

    /// How many pixels have the colour (give or take 3 per channel).
    pub fn count(&self, colour: &str) -> usize {
        let colour = rgb(colour);
        self.pixels
            .iter()
            .filter(|p| Self::matches(**p, colour))
            .count()
    }

    /// The horizontal bands of the colour: for each run of rows that hold
    /// it, the most pixels of it one row has (a horizontal bar's length).
    pub fn bands(&self, colour: &str) -> Vec<usize> {
        let colour = rgb(colour);
        let mut bands = Vec::new();
        let mut current = 0;
        for row in self.pixels.chunks(self.width) {
            let n = row.iter().filter(|p| Self::matches(**p, colour)).count();
            if n > 0 {
                current = current.max(n);
            } else if current > 0 {
                bands.push(current);
                current = 0;
            }
        }
        if current > 0 {
            bands.push(current);
        }
        bands
    }

    /// Writes the PNG next to the test's other output, for a person to look at.
    pub fn save(&self, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("chromium");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        fs::write(&path, &self.png).unwrap();
        path
    }
}

fn browser() -> PathBuf {
    if let Some(path) = std::env::var_os("SSW_CHROMIUM") {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "headless Chromium is needed to check the HTML reports and was not found on PATH: \
         install Debian's `chromium` (`apt-get install -y chromium`; `make test` does so when \
         run as root) or set SSW_CHROMIUM to a Chromium binary"
    );
}

/// The page as Chromium draws it in a [`WIDTH`] × [`HEIGHT`] window.
pub fn screenshot(html: &str) -> Image {
    static RUN: AtomicUsize = AtomicUsize::new(0);
    let browser = browser();
    let dir = std::env::temp_dir().join(format!(
        "ssw-chromium-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let page = dir.join("page.html");
    let shot = dir.join("screenshot.png");
    let log = dir.join("chromium.log");
    fs::write(&page, html).unwrap();

    let mut child = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("--window-size={WIDTH},{HEIGHT}"))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(fs::File::create(dir.join("chromium.out")).unwrap())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", browser.display()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "Chromium took more than {TIMEOUT:?} for a screenshot; its log:\n{}",
                fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let png = fs::read(&shot).unwrap_or_else(|e| {
        panic!(
            "Chromium ({status}) wrote no screenshot ({e}); its log:\n{}",
            fs::read_to_string(&log).unwrap_or_default()
        )
    });
    let _ = fs::remove_dir_all(&dir);
    decode(png)
}

fn decode(png: Vec<u8>) -> Image {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(&png));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("a screenshot in {other:?}"),
    };
    let pixels = buffer[..info.buffer_size()]
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    Image {
        width: info.width as usize,
        height: info.height as usize,
        pixels,
        png,
    }
}

fn bars_section() -> Section {
    let bar = |label: &str, value| Bar {
        label: label.into(),
        value,
        note: None,
    };
    Section {
        heading: "Voortgang per regio".into(),
        intro: Some("Gewogen voortgang van de initiatieven.".into()),
        chart: Some(Chart::Bars {
            title: "Voortgang per regio".into(),
            description: "Gewogen voortgang, 0 tot 100 %.".into(),
            unit: "%".into(),
            max: 100.0,
            bars: vec![
                bar("Regio Gent", Some(100.0)),
                bar("Regio Brugge", None),
                bar("Coördinatie <Vlaanderen>", Some(50.0)),
            ],
        }),
        table: progress_table(),
    }
}

fn progress_table() -> Table {
    let mut table = Table::new(vec![
        Column::new("region", "Regio", CellKind::Text),
        Column::new("progress", "Voortgang (%)", CellKind::Number),
        Column::new("initiatives", "Initiatieven", CellKind::Integer),
    ]);
    for (region, progress, count) in [
        ("Regio Gent", Some(100.0), 4),
        ("Regio Brugge", None, 0),
        ("Coördinatie <Vlaanderen>", Some(50.0), 2),
    ] {
        table
            .push(vec![
                region.into(),
                progress.into(),
                i64::from(count).into(),
            ])
            .unwrap();
    }
    table
}

fn lines_section() -> Section {
    Section {
        heading: "Bereik tegenover het doel".into(),
        intro: None,
        chart: Some(Chart::Lines {
            title: "Bereikte personen".into(),
            description: "Per jaar, met doel en basislijn.".into(),
            unit: "personen".into(),
            periods: (2019..=2026).map(|y| y.to_string()).collect(),
            series: vec![
                Series {
                    name: "Vlaanderen".into(),
                    values: vec![
                        Some(120.0),
                        Some(150.0),
                        None,
                        Some(210.0),
                        Some(260.0),
                        Some(300.0),
                    ],
                },
                Series {
                    name: "Regio Gent".into(),
                    values: vec![Some(40.0), Some(60.0), Some(80.0), Some(90.0)],
                },
            ],
            target: Some(vec![
                None,
                None,
                None,
                None,
                Some(280.0),
                Some(320.0),
                Some(360.0),
                Some(400.0),
            ]),
            baseline: Some(100.0),
        }),
        table: Default::default(),
    }
}

#[test]
fn chromium_draws_the_charts_of_a_report_page() {
    let page = Page {
        title: "Sterk Sociaal Werk: stand van zaken".into(),
        subtitle: Some("Test van de afdrukbare pagina".into()),
        facts: vec![("Gegenereerd".into(), "2026-12-01 10:00 UTC".into())],
        sections: vec![bars_section(), lines_section()],
    };
    let image = screenshot(&html::render(&page));
    assert_eq!(
        (image.width, image.height),
        (WIDTH as usize, HEIGHT as usize)
    );
    let saved = image.save("report.png");

    // Two bars (the one without data is a frame, not a bar), the first twice
    // as long as the second.
    let bars = image.bands(svg::BAR_COLOUR);
    assert_eq!(bars.len(), 2, "bars {bars:?}, see {}", saved.display());
    let ratio = bars[0] as f64 / bars[1] as f64;
    assert!(
        (1.9..=2.1).contains(&ratio) && bars[0] > 200,
        "bars {bars:?}, see {}",
        saved.display()
    );

    // Both lines, the target and the baseline are drawn (about half of
    // what Chromium 148 draws of each, so that anti-aliasing and fonts of
    // another version still pass; a mark not drawn has none).
    for (what, colour, least) in [
        ("the first series", svg::SERIES_COLOURS[0], 400),
        ("the second series", svg::SERIES_COLOURS[1], 350),
        ("the target", svg::TARGET_COLOUR, 240),
        ("the baseline", svg::BASELINE_COLOUR, 650),
    ] {
        let n = image.count(colour);
        assert!(
            n >= least,
            "{what} ({colour}) has {n} pixels, expected at least {least}; see {}",
            saved.display()
        );
    }

    // The style sheet applied although the page's own policy only allows it
    // by its hash: the header's rule is there.
    let rule = "#0b4f6c";
    assert!(html::STYLE.contains(rule));
    assert!(
        image.count(rule) >= 4 * 600,
        "the style sheet was not applied (CSP hash?); see {}",
        saved.display()
    );
}
