//! Which rendering a caller asked for: `?format=` when given, else the
//! `Accept` header (quality values honoured, `*/*` meaning JSON). A format the
//! resource cannot give is a 406 problem that names the ones it can.

use actix_web::HttpRequest;
use actix_web::http::header;

use super::csv::Dialect;
use crate::domain::InputIssue;
use crate::error::ApiError;

/// One of the renderings of a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Xlsx,
    Html,
}

/// The media type of an XLSX workbook.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl Format {
    pub const ALL: [Format; 4] = [Format::Json, Format::Csv, Format::Xlsx, Format::Html];

    /// Its name in `?format=`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }

    /// Its media type, without parameters.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv",
            Format::Xlsx => XLSX_TYPE,
            Format::Html => "text/html",
        }
    }

    fn by_media_type(essence: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.media_type().eq_ignore_ascii_case(essence))
    }
}

fn not_acceptable(offered: &[Format]) -> ApiError {
    let names: Vec<&str> = offered.iter().map(|f| f.name()).collect();
    let types: Vec<&str> = offered.iter().map(|f| f.media_type()).collect();
    ApiError::NotAcceptable(format!(
        "this resource is available as {} (format={})",
        types.join(", "),
        names.join("|")
    ))
}

/// The format asked for: `format` (the query parameter) when present, else
/// the best of `offered` that `Accept` allows; JSON without `Accept`.
pub fn choose(
    req: &HttpRequest,
    format: Option<&str>,
    offered: &[Format],
) -> Result<Format, ApiError> {
    if let Some(name) = format {
        return offered
            .iter()
            .copied()
            .find(|f| f.name() == name)
            .ok_or_else(|| not_acceptable(offered));
    }
    let Some(accept) = req.headers().get(header::ACCEPT) else {
        return Ok(Format::Json);
    };
    let Ok(accept) = accept.to_str() else {
        return Err(not_acceptable(offered));
    };
    let mut best: Option<(u16, usize, Format)> = None;
    for range in accept.split(',') {
        let (essence, quality) = weighted(range);
        if quality == 0 || essence.is_empty() {
            continue;
        }
        let candidates: Vec<Format> = match essence.as_str() {
            "*/*" | "application/*" => vec![Format::Json],
            "text/*" => vec![Format::Csv, Format::Html],
            "application/problem+json" => continue,
            other => Format::by_media_type(other).into_iter().collect(),
        };
        for f in candidates.into_iter().filter(|f| offered.contains(f)) {
            // Specific types before wildcards at equal quality.
            let specificity = usize::from(!essence.contains('*'));
            if best.is_none_or(|(q, s, _)| (quality, specificity) > (q, s)) {
                best = Some((quality, specificity, f));
            }
        }
    }
    best.map(|(_, _, f)| f)
        .ok_or_else(|| not_acceptable(offered))
}

/// Whether `Accept-Encoding` takes gzip: `gzip`, `x-gzip` or `*` with a
/// quality above 0 (and `gzip` not refused by `gzip;q=0`).
pub fn accepts_gzip(req: &HttpRequest) -> bool {
    let Some(Ok(value)) = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .map(|v| v.to_str())
    else {
        return false;
    };
    let mut named = None;
    let mut any = false;
    for coding in value.split(',') {
        let (name, quality) = weighted(coding);
        match name.as_str() {
            "gzip" | "x-gzip" => named = Some(quality > 0),
            "*" => any = quality > 0,
            _ => {}
        }
    }
    named.unwrap_or(any)
}

/// One member of an `Accept` or `Accept-Encoding` list: its name, lower
/// case, and its quality in thousandths (1000 without `q`, 0 when `q` is
/// malformed).
fn weighted(member: &str) -> (String, u16) {
    let mut parts = member.split(';');
    let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let mut quality = 1000u16;
    for param in parts {
        if let Some((key, value)) = param.split_once('=')
            && key.trim().eq_ignore_ascii_case("q")
        {
            quality = parse_quality(value.trim()).unwrap_or(0);
        }
    }
    (name, quality)
}

/// `q` as thousandths: `1`, `0.5`, `0.125`; none when malformed.
fn parse_quality(value: &str) -> Option<u16> {
    let q: f32 = value.parse().ok()?;
    (0.0..=1.0)
        .contains(&q)
        .then(|| (q * 1000.0).round() as u16)
}

/// The CSV dialect from `dialect=`: `rfc4180` (the default) or `excel-nl-be`.
pub fn dialect(value: Option<&str>) -> Result<Dialect, ApiError> {
    match value {
        None | Some("rfc4180") => Ok(Dialect::Rfc4180),
        Some("excel-nl-be") => Ok(Dialect::ExcelNlBe),
        Some(other) => Err(ApiError::validation(
            InputIssue::query("dialect", "must be rfc4180 or excel-nl-be").with_value(other.into()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn pick(accept: Option<&str>, format: Option<&str>) -> Result<Format, ApiError> {
        let mut req = TestRequest::default();
        if let Some(a) = accept {
            req = req.insert_header((header::ACCEPT, a));
        }
        choose(&req.to_http_request(), format, &Format::ALL)
    }

    fn gzip(value: Option<&str>) -> bool {
        let mut req = TestRequest::default();
        if let Some(v) = value {
            req = req.insert_header((header::ACCEPT_ENCODING, v));
        }
        accepts_gzip(&req.to_http_request())
    }

    #[test]
    fn gzip_is_taken_only_when_accept_encoding_allows_it() {
        assert!(!gzip(None));
        assert!(gzip(Some("gzip, deflate, br")));
        assert!(gzip(Some("br;q=1.0, GZIP;q=0.5")));
        assert!(gzip(Some("x-gzip")));
        assert!(gzip(Some("*")));
        assert!(!gzip(Some("identity")));
        assert!(!gzip(Some("gzip;q=0")));
        assert!(!gzip(Some("*, gzip;q=0")));
        assert!(!gzip(Some("deflate, br")));
        assert!(!gzip(Some("gzip;q=abc")));
    }

    #[test]
    fn the_query_parameter_wins_and_an_unknown_one_is_406() {
        assert_eq!(
            pick(Some("text/csv"), Some("xlsx")).ok(),
            Some(Format::Xlsx)
        );
        assert_eq!(pick(None, Some("html")).ok(), Some(Format::Html));
        assert!(matches!(
            pick(None, Some("HTML")),
            Err(ApiError::NotAcceptable(_))
        ));
        assert!(matches!(
            pick(None, Some("pdf")),
            Err(ApiError::NotAcceptable(_))
        ));
    }

    #[test]
    fn accept_is_read_with_its_qualities() {
        assert_eq!(pick(None, None).ok(), Some(Format::Json));
        assert_eq!(pick(Some("*/*"), None).ok(), Some(Format::Json));
        assert_eq!(pick(Some("text/csv"), None).ok(), Some(Format::Csv));
        assert_eq!(
            pick(Some("text/html;q=0.5, text/csv;q=0.9"), None).ok(),
            Some(Format::Csv)
        );
        assert_eq!(
            pick(Some("text/html,application/xhtml+xml,*/*;q=0.8"), None).ok(),
            Some(Format::Html)
        );
        assert_eq!(pick(Some(XLSX_TYPE), None).ok(), Some(Format::Xlsx));
        assert!(matches!(
            pick(Some("image/png"), None),
            Err(ApiError::NotAcceptable(_))
        ));
        assert!(matches!(
            pick(Some("text/csv;q=0"), None),
            Err(ApiError::NotAcceptable(_))
        ));
    }

    #[test]
    fn a_resource_offers_only_its_formats() {
        let req = TestRequest::default()
            .insert_header((header::ACCEPT, "text/csv"))
            .to_http_request();
        assert!(matches!(
            choose(&req, None, &[Format::Json]),
            Err(ApiError::NotAcceptable(_))
        ));
    }

    #[test]
    fn dialects_are_named() {
        assert_eq!(dialect(None).ok(), Some(Dialect::Rfc4180));
        assert_eq!(dialect(Some("excel-nl-be")).ok(), Some(Dialect::ExcelNlBe));
        assert!(dialect(Some("excel")).is_err());
    }
}
