//! Pages of a collection: `page` (from 1) and `pageSize` (default 50, maximum
//! 200). A page size over the maximum is a 400, never a silent full scan.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::Page;
use crate::error::{ApiError, InputIssue};
use crate::service::API_BASE;

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;

/// The paging parameters of a list request, as each list's query carries them.
#[derive(Debug, Clone, Copy)]
pub struct PageParams {
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

impl PageParams {
    pub fn validate(self) -> Result<(u32, u32), ApiError> {
        let page = self.page.unwrap_or(1);
        let size = self.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        let mut issues = Vec::new();
        if !(1..=1_000_000).contains(&page) {
            issues.push(
                InputIssue::query("page", "must be between 1 and 1000000").with_value(page.into()),
            );
        }
        if !(1..=MAX_PAGE_SIZE).contains(&size) {
            issues.push(
                InputIssue::query("pageSize", format!("must be between 1 and {MAX_PAGE_SIZE}"))
                    .with_value(size.into()),
            );
        }
        if issues.is_empty() {
            Ok((page, size))
        } else {
            Err(ApiError::Validation(issues))
        }
    }

    pub fn storage_page(page: u32, size: u32) -> Page {
        Page {
            offset: i64::from(page - 1) * i64::from(size),
            limit: i64::from(size),
        }
    }
}

/// A page of a collection, with links to its neighbours.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Paged<T: ToSchema> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Number of items in the whole filtered collection.
    pub total: i64,
    /// This page's number, from 1.
    pub page: u32,
    /// Items per page.
    pub page_size: u32,
    /// This page.
    #[serde(rename = "self")]
    pub self_link: String,
    /// The first page.
    pub first: String,
    /// The previous page; absent on the first page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// The next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The last page.
    pub last: String,
}

impl<T: ToSchema> Paged<T> {
    /// The page of the collection at `path` (under the API base) that a use
    /// case found: its items and the size of the whole filtered collection.
    pub fn of(
        (items, total): (Vec<T>, i64),
        page: u32,
        page_size: u32,
        path: &str,
        query: &[(String, String)],
    ) -> Self {
        Self::new(
            items,
            total,
            page,
            page_size,
            &format!("{API_BASE}{path}"),
            query,
        )
    }

    /// `base` is the collection's path; `query` the other parameters, already encoded.
    pub fn new(
        items: Vec<T>,
        total: i64,
        page: u32,
        page_size: u32,
        base: &str,
        query: &[(String, String)],
    ) -> Self {
        let last_page = u32::try_from(
            ((total.max(0) + i64::from(page_size) - 1) / i64::from(page_size)).max(1),
        )
        .unwrap_or(u32::MAX);
        let link = |p: u32| {
            let mut serializer = form_urlencoded::Serializer::new(String::new());
            for (k, v) in query {
                serializer.append_pair(k, v);
            }
            serializer.append_pair("page", &p.to_string());
            serializer.append_pair("pageSize", &page_size.to_string());
            format!("{base}?{}", serializer.finish())
        };
        Self {
            items,
            total,
            page,
            page_size,
            self_link: link(page),
            first: link(1),
            prev: (page > 1).then(|| link((page - 1).min(last_page))),
            next: (page < last_page).then(|| link(page + 1)),
            last: link(last_page),
        }
    }
}

impl<T: ToSchema + Serialize> Paged<T> {
    /// The page as a 200 answer, its buffer reserved for its items.
    pub fn response(&self) -> actix_web::HttpResponse {
        super::json::page(self, self.items.len())
    }
}

impl<T: ToSchema + Serialize> actix_web::Responder for Paged<T> {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, _: &actix_web::HttpRequest) -> actix_web::HttpResponse {
        self.response()
    }
}
