//! The query parameters of the measurement lists and the selection they make.

use super::*;

const SORTS: &[&str] = &["period", "recordedAt"];

/// A period bound: a date, or a period id (its first day for `periodFrom`,
/// its last for `periodTo`).
fn bound(name: &str, value: Option<&str>, last_day: bool) -> ApiResult<Option<NaiveDate>> {
    let Some(value) = value else {
        return Ok(None);
    };
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Ok(Some(date));
    }
    match Period::parse(value) {
        Ok(p) => Ok(Some(if last_day { p.end() } else { p.start() })),
        Err(_) => Err(ApiError::validation(
            InputIssue::query(
                name,
                "must be a date (2023-04-01) or a period id (2023, 2023Q2, 2023-05)",
            )
            .with_value(value.chars().take(40).collect::<String>().into()),
        )),
    }
}

/// A query struct of the measurement lists: the fields given first and
/// last around the place filters, period, sort and page that every
/// measurement list takes, and the view [`selection`] reads of those. A
/// struct of the shared fields cannot be `#[serde(flatten)]`ed into both,
/// since flattening does not work with `deny_unknown_fields`, which makes an
/// unknown parameter a 400.
macro_rules! measurement_query {
    ($(#[$meta:meta])* $name:ident { $($before:tt)* } { $($after:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Deserialize, IntoParams)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            $($before)*
    /// Only periods that start on or after this day or period (`2023-01-01`, `2023`, `2023Q2`, `2023-05`).
    #[param(
        min_length = 4,
        max_length = 10,
        pattern = "^(199[0-9]|20[0-9]{2}|2100)(Q[1-4]|-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
    )]
    pub period_from: Option<String>,
    /// Only periods that start on or before this day or the end of this period.
    #[param(
        min_length = 4,
        max_length = 10,
        pattern = "^(199[0-9]|20[0-9]{2}|2100)(Q[1-4]|-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
    )]
    pub period_to: Option<String>,
    /// Only places of these types.
    #[serde(default)]
    pub place_type: Vec<PlaceType>,
    /// Only these places: region ids or NIS codes.
    #[serde(default)]
    #[param(max_items = 300, pattern = "^([a-z][a-z0-9-]{1,39}|[0-9]{5})$")]
    pub place: Vec<String>,
    /// Only places in these regions: the region itself and its municipalities.
    #[serde(default)]
    #[param(max_items = 20)]
    pub region: Vec<String>,
    /// Sort key: `period` (default) or `recordedAt`, then place type, place code and id; prefix `-`
    /// for descending, which reverses the whole order.
    #[param(pattern = "^-?(period|recordedAt)$")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page: default 50, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub page_size: Option<u32>,
            $($after)*
        }

        impl $name {
            pub(super) fn places(&self) -> Places<'_> {
                Places {
                    period_from: self.period_from.as_deref(),
                    period_to: self.period_to.as_deref(),
                    place_type: &self.place_type,
                    place: &self.place,
                    region: &self.region,
                    sort: self.sort.as_deref(),
                    page: self.page,
                    page_size: self.page_size,
                }
            }
        }
    };
}

/// The place filters, period, sort and page of a measurement list's query.
pub(super) struct Places<'q> {
    period_from: Option<&'q str>,
    period_to: Option<&'q str>,
    place_type: &'q [PlaceType],
    place: &'q [String],
    region: &'q [String],
    sort: Option<&'q str>,
    page: Option<u32>,
    page_size: Option<u32>,
}

measurement_query! {
    /// The query of one indicator's measurements.
    MeasurementQuery {} {}
}

measurement_query! {
    /// The query of the measurements across indicators.
    AcrossQuery {
    /// Only measurements of these indicators.
    #[serde(default)]
    #[param(max_items = 100)]
    pub indicator: Vec<Uuid>,
    /// Only measurements of the indicators of these GBO projects.
    #[serde(default)]
    #[param(max_items = 100)]
    pub gbo_project: Vec<Uuid>,
    /// Only measurements of the indicators of these initiatives.
    #[serde(default)]
    #[param(max_items = 100)]
    pub initiative: Vec<Uuid>,
    /// The measurement with this external id: for a service account, its own; for a
    /// person, in any source system.
    pub external_id: Option<String>,
    } {
    /// `json` (a page, the default), or `csv` or `xlsx`: a file of every
    /// measurement the filters select, in the columns an import reads back
    /// (no `page` or `pageSize` then). Also by `Accept`.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
    /// The CSV dialect: `rfc4180` (the default) or `excel-nl-be` (BOM, `;`,
    /// decimal comma, CRLF).
    #[param(pattern = "^(rfc4180|excel-nl-be)$")]
    pub dialect: Option<String>,
    }
}

fn place_code(code: &str) -> Result<(), &'static str> {
    crate::domain::plan::check_region_id(code)
        .or_else(|_| crate::domain::plan::check_nis_code(code))
        .map_err(|_| "must be a region id or a NIS code")
}

/// The selection, page and sort the place filters make, and their link parameters.
pub(super) fn selection(
    query: Places<'_>,
    links: &mut LinkParams,
) -> ApiResult<(MeasurementSelection, String, u32, u32)> {
    let (page, size) = PageParams {
        page: query.page,
        page_size: query.page_size,
    }
    .validate()?;
    let sort = write::sort_key(query.sort, SORTS, "period")?;
    write::region_filter(query.region)?;
    write::checked_values("place", query.place, 300, place_code)?;
    let from = bound("periodFrom", query.period_from, false)?;
    let to = bound("periodTo", query.period_to, true)?;
    links
        .one("periodFrom", query.period_from)
        .one("periodTo", query.period_to)
        .many("placeType", query.place_type)
        .many("place", query.place)
        .many("region", query.region)
        .one("sort", Some(sort.clone()));
    Ok((
        MeasurementSelection {
            region: query.region.to_vec(),
            place_type: query
                .place_type
                .iter()
                .map(|p| p.as_str().to_owned())
                .collect(),
            place: query.place.to_vec(),
            from,
            to,
            ..MeasurementSelection::default()
        },
        sort,
        page,
        size,
    ))
}
