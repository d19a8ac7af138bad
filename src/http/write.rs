//! What every resource handler shares: the writer a request makes, who may
//! read the published plan, and the checks of list parameters.

use actix_web::{HttpMessage, HttpRequest};

use crate::auth::MaybeCaller;
use crate::domain::Principal;
use crate::error::{ApiError, ApiResult, InputIssue};
use crate::service::Writer;
use crate::startup::AppState;
use crate::telemetry::RequestId;

pub use crate::service::plans::PlanAudience;

/// The caller as the use cases see a writer: its rights, and the request the
/// audit entry names.
pub fn writer<'a>(req: &HttpRequest, principal: &'a Principal) -> Writer<'a> {
    Writer::new(
        principal,
        req.extensions().get::<RequestId>().map(|r| r.0.clone()),
    )
}

/// Anonymous reading of the plan is allowed only when the operator turned on
/// public read; otherwise it is a 401 like any other route.
pub fn plan_audience(caller: &MaybeCaller, state: &AppState) -> ApiResult<PlanAudience> {
    match (&caller.0, state.settings.public_read) {
        (Some(_), _) => Ok(PlanAudience::SignedIn),
        (None, true) => Ok(PlanAudience::Public),
        (None, false) => Err(ApiError::Unauthenticated("authentication required")),
    }
}

/// The sort key, from an allow-list; `-` in front sorts descending.
pub fn sort_key(sort: Option<&str>, allowed: &[&str], default: &str) -> ApiResult<String> {
    let sort = sort.unwrap_or(default);
    let key = sort.strip_prefix('-').unwrap_or(sort);
    if allowed.contains(&key) {
        Ok(sort.to_owned())
    } else {
        Err(ApiError::validation(
            InputIssue::query(
                "sort",
                format!(
                    "must be one of {}, each optionally prefixed with -",
                    allowed.join(", ")
                ),
            )
            .with_value(sort.into()),
        ))
    }
}

/// A search text: at most 200 characters, no control characters.
pub fn search_text(q: Option<&str>) -> ApiResult<Option<String>> {
    match q {
        None => Ok(None),
        Some(q) if q.chars().count() <= 200 && !q.chars().any(char::is_control) => {
            Ok(Some(q.trim().to_owned()).filter(|q| !q.is_empty()))
        }
        Some(_) => Err(ApiError::validation(InputIssue::query(
            "q",
            "must be at most 200 characters without control characters",
        ))),
    }
}

/// Text values of a repeated parameter must be short and printable.
pub fn text_values(name: &str, values: &[String], max_items: usize) -> ApiResult<()> {
    checked_values(name, values, max_items, |v| {
        if v.is_empty() || v.chars().count() > 100 || v.chars().any(char::is_control) {
            Err("must be 1 to 100 characters without control characters")
        } else {
            Ok(())
        }
    })
}

/// Region ids to filter by.
pub fn region_filter(values: &[String]) -> ApiResult<()> {
    checked_values("region", values, 20, crate::domain::plan::check_region_id)
}

/// NIS codes to filter by.
pub fn nis_filter(name: &str, values: &[String], max_items: usize) -> ApiResult<()> {
    checked_values(name, values, max_items, crate::domain::plan::check_nis_code)
}

/// A path parameter that must pass `check`.
pub fn path_value(
    name: &str,
    value: &str,
    check: fn(&str) -> Result<(), &'static str>,
) -> ApiResult<()> {
    Ok(crate::service::check_path(name, value, check)?)
}

/// Values of a repeated parameter that must each pass `check`.
pub fn checked_values(
    name: &str,
    values: &[String],
    max_items: usize,
    check: fn(&str) -> Result<(), &'static str>,
) -> ApiResult<()> {
    if values.len() > max_items {
        return Err(ApiError::validation(InputIssue::query(
            name,
            format!("may be repeated at most {max_items} times"),
        )));
    }
    for value in values {
        if let Err(detail) = check(value) {
            return Err(ApiError::validation(
                InputIssue::query(name, detail).with_value(value.clone().into()),
            ));
        }
    }
    Ok(())
}

/// Link parameters of a list, for `Paged`.
#[derive(Debug, Default)]
pub struct LinkParams(pub Vec<(String, String)>);

impl LinkParams {
    pub fn one(&mut self, name: &str, value: Option<impl ToString>) -> &mut Self {
        if let Some(v) = value {
            self.0.push((name.to_owned(), v.to_string()));
        }
        self
    }

    pub fn many<T: ToString>(&mut self, name: &str, values: &[T]) -> &mut Self {
        for v in values {
            self.0.push((name.to_owned(), v.to_string()));
        }
        self
    }
}
