use super::*;
use crate::http::formats::html::Series;

fn bar(label: &str, value: Option<f64>) -> Bar {
    Bar {
        label: label.into(),
        value,
        note: None,
    }
}

fn bars(max: f64, bars: Vec<Bar>) -> String {
    render(
        &Chart::Bars {
            title: "Voortgang".into(),
            description: "Per uitdaging.".into(),
            unit: "%".into(),
            max,
            bars,
        },
        "c",
    )
}

fn lines(
    periods: &[&str],
    series: Vec<Vec<Option<f64>>>,
    target: Option<Vec<Option<f64>>>,
    baseline: Option<f64>,
) -> String {
    render(
        &Chart::Lines {
            title: "Bereik".into(),
            description: "Deelnemers per jaar.".into(),
            unit: "deelnemers".into(),
            periods: periods.iter().map(|p| (*p).to_owned()).collect(),
            series: series
                .into_iter()
                .enumerate()
                .map(|(i, values)| Series {
                    name: format!("Reeks {i}"),
                    values,
                })
                .collect(),
            target,
            baseline,
        },
        "c",
    )
}

/// The values of `attribute` on the elements that start with `start`.
fn attributes(svg: &str, start: &str, attribute: &str) -> Vec<String> {
    svg.match_indices(start)
        .map(|(i, _)| {
            let element = &svg[i..];
            let element = &element[..element.find('>').unwrap()];
            let key = format!(" {attribute}=\"");
            let value = &element[element.find(&key).unwrap() + key.len()..];
            value[..value.find('"').unwrap()].to_owned()
        })
        .collect()
}

/// The texts of the `<text>` elements whose opening tag holds `marker`.
fn texts(svg: &str, marker: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter(|t| t[..t.find('>').unwrap()].contains(marker))
        .map(|t| {
            let content = &t[t.find('>').unwrap() + 1..];
            content[..content.find("</text>").unwrap()].to_owned()
        })
        .collect()
}

fn numbers(values: &[String]) -> Vec<f64> {
    values.iter().map(|v| v.parse().unwrap()).collect()
}

#[test]
fn bars_are_proportional_to_their_values_on_a_scale_from_zero_to_max() {
    let svg = bars(
        100.0,
        vec![
            bar("Volledig", Some(100.0)),
            bar("Half", Some(50.0)),
            bar("Geen", Some(0.0)),
            bar("Te veel", Some(130.0)),
            bar("Negatief", Some(-5.0)),
        ],
    );
    let widths = numbers(&attributes(&svg, "<rect class=\"bar\"", "width"));
    let plot = BAR_PLOT_RIGHT - BAR_PLOT_LEFT;
    assert_eq!(widths, vec![plot, plot / 2.0, 0.0, plot, 0.0]);
    assert_eq!(
        attributes(&svg, "<rect class=\"bar\"", "fill")[0],
        BAR_COLOUR
    );
    // Ticks at round steps from 0 to max, labelled.
    let ticks = texts(&svg, "text-anchor=\"middle\"");
    assert_eq!(ticks, ["0", "20", "40", "60", "80", "100"]);
    // Values are labelled as they are, beyond the scale included.
    assert!(svg.contains(">130%<"));
    assert!(svg.contains(">-5%<"));
    assert!(svg.contains("Te veel: 130%; Negatief: -5%."));
}

#[test]
fn a_bar_without_a_value_is_no_data_not_zero() {
    let svg = bars(
        100.0,
        vec![
            bar("Gent", Some(40.0)),
            bar("Brugge", None),
            bar("Kortrijk", Some(f64::NAN)),
        ],
    );
    assert_eq!(attributes(&svg, "<rect class=\"bar\"", "width").len(), 1);
    let frames = attributes(&svg, "<rect class=\"no-data\"", "fill");
    assert_eq!(frames, ["none", "none"]);
    let labels = texts(&svg, "font-style=\"italic\"");
    assert_eq!(labels, [NO_DATA, NO_DATA]);
    assert!(svg.contains("Gent: 40%; Brugge: geen gegevens; Kortrijk: geen gegevens."));
    assert!(!svg.contains("NaN"));
}

#[test]
fn a_scale_without_a_usable_max_comes_from_the_values() {
    for max in [f64::NAN, f64::INFINITY, 0.0, -1.0] {
        let svg = bars(max, vec![bar("a", Some(8.0)), bar("b", Some(4.0))]);
        let widths = numbers(&attributes(&svg, "<rect class=\"bar\"", "width"));
        let plot = BAR_PLOT_RIGHT - BAR_PLOT_LEFT;
        assert_eq!(widths, vec![plot, plot / 2.0], "max {max}");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }
    let svg = bars(f64::NAN, vec![bar("a", None)]);
    assert!(svg.contains("Schaal van 0 tot 1%."));
    let svg = bars(0.3, vec![bar("a", Some(0.1))]);
    // Tick labels without binary noise.
    assert!(!svg.contains("0.30000000000000004"), "{svg}");
    assert!(!svg.contains("0.060000000000000005"), "{svg}");
}

#[test]
fn long_labels_are_cut_in_the_picture_and_whole_in_the_tooltip() {
    let long = "Een heel lange naam van een uitdaging die niet past";
    let svg = bars(100.0, vec![bar(long, Some(10.0))]);
    assert!(svg.contains(&format!("<title>{long}</title>")));
    let shown = shorten(long, LABEL_CHARS);
    assert_eq!(shown.chars().count(), LABEL_CHARS);
    assert!(shown.ends_with('…'));
    assert!(svg.contains(&format!(">{shown}</text>")));
    assert_eq!(shorten(" kort ", 10), "kort");
    assert_eq!(shorten("Coördinatie", 5), "Coör…");
}

#[test]
fn gaps_are_gaps_and_the_axis_starts_at_zero() {
    let svg = lines(
        &["2021", "2022", "2023", "2024", "2025"],
        vec![vec![Some(10.0), Some(20.0), None, Some(30.0)]],
        Some(vec![None, None, None, None, Some(50.0)]),
        Some(5.0),
    );
    let paths = attributes(&svg, "<path", "d");
    // The target first (drawn under the lines), then the series.
    assert_eq!(paths.len(), 2);
    let series = &paths[1];
    assert_eq!(series.matches('M').count(), 2, "{series}");
    assert_eq!(series.matches('L').count(), 1, "{series}");
    assert_eq!(attributes(&svg, "<circle", "cx").len(), 3);
    assert_eq!(attributes(&svg, "<path", "stroke")[1], SERIES_COLOURS[0]);
    // The target is a single marker and a path of one point.
    assert_eq!(attributes(&svg, "<rect", "stroke"), [TARGET_COLOUR]);
    // The baseline is a rule across the plot.
    let rule = attributes(&svg, "<line class=\"baseline\"", "y1");
    assert_eq!(rule, attributes(&svg, "<line class=\"baseline\"", "y2"));
    // y from 0 to a round maximum above the target.
    let y_labels = texts(&svg, "text-anchor=\"end\" fill=\"#4b5563\"");
    assert_eq!(y_labels, ["0", "10", "20", "30", "40", "50"]);
    assert!(svg.contains(
        "Deelnemers per jaar. Reeks 0: 2021 10 deelnemers, 2022 20 deelnemers, 2023 geen gegevens, \
         2024 30 deelnemers, 2025 geen gegevens; doel: 2025 50 deelnemers; basislijn: 5 deelnemers. \
         Schaal van 0 tot 50 deelnemers."
    ));
    assert!(svg.contains(">basislijn 5 deelnemers</text>"));
    assert!(svg.contains(">doel</text>"));
}

#[test]
fn a_negative_value_lowers_the_axis_and_nan_never_reaches_the_svg() {
    let svg = lines(
        &["Q1", "Q2", "Q3"],
        vec![
            vec![Some(-12.0), Some(f64::NAN), Some(f64::INFINITY)],
            vec![Some(7.5)],
        ],
        None,
        Some(f64::NEG_INFINITY),
    );
    let y_labels = numbers(&texts(&svg, "text-anchor=\"end\" fill=\"#4b5563\""));
    assert_eq!(y_labels.first(), Some(&-15.0));
    assert_eq!(y_labels.last(), Some(&10.0));
    assert!(y_labels.contains(&0.0));
    for bad in ["NaN", "inf", "Infinity"] {
        assert!(!svg.contains(bad), "{bad} in {svg}");
    }
    // Two series in two colours; no target, no baseline.
    let strokes = attributes(&svg, "<path", "stroke");
    assert_eq!(strokes, [SERIES_COLOURS[0], SERIES_COLOURS[1]]);
    assert!(!svg.contains("class=\"baseline\""));
    assert!(svg.contains("Reeks 1: Q1 7.5 deelnemers, Q2 geen gegevens, Q3 geen gegevens"));
}

#[test]
fn many_periods_are_labelled_thinly() {
    let periods: Vec<String> = (0..60)
        .map(|i| format!("{}-{:02}", 2021 + i / 12, i % 12 + 1))
        .collect();
    let refs: Vec<&str> = periods.iter().map(String::as_str).collect();
    let values = (0..60).map(|i| Some(f64::from(i))).collect();
    let svg = lines(&refs, vec![values], None, None);
    let labels = texts(&svg, "text-anchor=\"middle\"");
    assert!(labels.len() <= 9, "{labels:?}");
    assert_eq!(labels[0], "2021-01");
    // Every period is still in the description.
    assert!(svg.contains("2025-12 59 deelnemers"));
    // A chart with nothing to draw is still a valid, empty chart.
    let empty = lines(&[], Vec::new(), None, None);
    assert!(empty.starts_with("<svg") && empty.ends_with("</svg>"));
    assert!(empty.contains("Schaal van 0 tot 1 deelnemers."));
}

#[test]
fn steps_are_round() {
    assert_eq!(nice_step(100.0), 20.0);
    assert_eq!(nice_step(50.0), 10.0);
    assert_eq!(nice_step(12.0), 2.5);
    assert_eq!(nice_step(0.3), 0.1);
    assert_eq!(nice_step(0.0), 1.0);
    assert_eq!(nice_step(f64::NAN), 1.0);
    assert_eq!(tick_value(3.0, 0.1), 0.3);
    assert_eq!(tick_value(-0.0, 0.1), 0.0);
    assert_eq!(with_unit(45.0, "%"), "45%");
    assert_eq!(with_unit(3.0, ""), "3");
    assert_eq!(with_unit(-3.5, "km"), "-3.5 km");
}
