//! A statement written at run time from a bounded set of shapes (the filters a
//! list was given), with its values as bind parameters.
//!
//! Unlike `diesel::sql_query`, such a statement is kept in the connection's
//! prepared-statement cache under its SQL text: a list asked for again with
//! other values of the same filters is executed without being parsed and
//! planned again. Only text made by the program goes into the SQL; every value
//! from a request is a bind parameter.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Date, Integer, SmallInt, Text, Timestamptz, Untyped};
use diesel::{QueryResult, QueryableByName, sql_types};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::Page;

/// A value bound to a parameter.
#[derive(Debug, Clone)]
pub enum Bind {
    Uuids(Vec<Uuid>),
    Texts(Vec<String>),
    Text(String),
    Uuid(Uuid),
    Small(i16),
    Int(i32),
    Big(i64),
    Time(DateTime<Utc>),
    Date(NaiveDate),
}

#[derive(Debug, Clone)]
enum Part {
    Sql(String),
    Bind(Bind),
}

/// SQL text and parameters, in order.
#[derive(Debug, Clone, Default)]
pub struct Statement {
    parts: Vec<Part>,
}

impl Statement {
    pub fn new() -> Self {
        Self::default()
    }

    /// A statement of program text alone.
    pub fn of(text: &str) -> Self {
        let mut s = Self::new();
        s.sql(text);
        s
    }

    /// Appends program text (never a value from a request).
    pub fn sql(&mut self, text: &str) -> &mut Self {
        match self.parts.last_mut() {
            Some(Part::Sql(s)) => s.push_str(text),
            _ => self.parts.push(Part::Sql(text.to_owned())),
        }
        self
    }

    /// Appends a parameter holding `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.parts.push(Part::Bind(value));
        self
    }

    /// Appends another statement's text and parameters.
    pub fn append(&mut self, other: &Statement) -> &mut Self {
        for part in &other.parts {
            match part {
                Part::Sql(s) => {
                    self.sql(s);
                }
                Part::Bind(b) => {
                    self.bind(b.clone());
                }
            }
        }
        self
    }

    /// Appends the conditions joined by `AND` (`TRUE` when there are none).
    pub fn all(&mut self, conditions: &[Statement]) -> &mut Self {
        if conditions.is_empty() {
            return self.sql("TRUE");
        }
        for (n, c) in conditions.iter().enumerate() {
            if n > 0 {
                self.sql(" AND ");
            }
            self.sql("(").append(c).sql(")");
        }
        self
    }
}

impl QueryId for Statement {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Statement {
    type SqlType = Untyped;
}

impl QueryFragment<Pg> for Statement {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        for part in &self.parts {
            let bind = match part {
                Part::Sql(s) => {
                    out.push_sql(s);
                    continue;
                }
                Part::Bind(b) => b,
            };
            // Each value is a parameter of its own one-row subquery, so that
            // no plan depends on it: PostgreSQL then keeps one generic plan for
            // the statement instead of planning it again for every execution.
            // Arrays are cast again outside, so that `= ANY(…)` takes the array
            // rather than the subquery's rows.
            let (open, close) = match bind {
                Bind::Uuids(_) => ("((SELECT ", "::uuid[])::uuid[])"),
                Bind::Texts(_) => ("((SELECT ", "::text[])::text[])"),
                Bind::Text(_) => ("(SELECT ", "::text)"),
                Bind::Uuid(_) => ("(SELECT ", "::uuid)"),
                Bind::Small(_) => ("(SELECT ", "::int2)"),
                Bind::Int(_) => ("(SELECT ", "::int4)"),
                Bind::Big(_) => ("(SELECT ", "::int8)"),
                Bind::Time(_) => ("(SELECT ", "::timestamptz)"),
                Bind::Date(_) => ("(SELECT ", "::date)"),
            };
            out.push_sql(open);
            match bind {
                Bind::Uuids(v) => out.push_bind_param::<Array<sql_types::Uuid>, _>(v)?,
                Bind::Texts(v) => out.push_bind_param::<Array<Text>, _>(v)?,
                Bind::Text(v) => out.push_bind_param::<Text, _>(v)?,
                Bind::Uuid(v) => out.push_bind_param::<sql_types::Uuid, _>(v)?,
                Bind::Small(v) => out.push_bind_param::<SmallInt, _>(v)?,
                Bind::Int(v) => out.push_bind_param::<Integer, _>(v)?,
                Bind::Big(v) => out.push_bind_param::<BigInt, _>(v)?,
                Bind::Time(v) => out.push_bind_param::<Timestamptz, _>(v)?,
                Bind::Date(v) => out.push_bind_param::<Date, _>(v)?,
            }
            out.push_sql(close);
        }
        Ok(())
    }
}

/// A condition of one value: `sql`, the value's parameter, then `rest`.
pub fn when(sql: &str, bind: Bind, rest: &str) -> Statement {
    let mut s = Statement::new();
    s.sql(sql).bind(bind).sql(rest);
    s
}

/// The number of rows of `from` (a table and its alias) that meet
/// `conditions`, as one scalar expression.
pub fn count_of(from: &str, conditions: &[Statement]) -> Statement {
    let mut s = Statement::new();
    s.sql(&format!("(SELECT count(*) FROM {from} WHERE "))
        .all(conditions)
        .sql(")");
    s
}

/// A page of the rows of `from` (a table and its alias) that meet
/// `conditions`, their `columns` in `order`, each beside the number of all
/// that meet them (as `total`, for `page_and_total`): one round trip.
pub fn counted_page(
    from: &str,
    columns: &str,
    conditions: &[Statement],
    order: &str,
    page: &Page,
) -> Statement {
    let mut s = Statement::new();
    s.sql("SELECT ")
        .append(&count_of(from, conditions))
        .sql(&format!(" AS total, {columns} FROM {from} WHERE "))
        .all(conditions)
        .sql(&format!(" ORDER BY {order} LIMIT "))
        .bind(Bind::Big(page.limit))
        .sql(" OFFSET ")
        .bind(Bind::Big(page.offset));
    s
}

/// The column and direction of a sort as the API names it (`name`, `-name`
/// for descending): `columns` maps each sortable field to its column, and a
/// field that is not there sorts by the first, ascending.
pub fn sort_by<'a>(sort: &str, columns: &[(&str, &'a str)]) -> (&'a str, &'static str) {
    let (field, direction) = match sort.strip_prefix('-') {
        Some(field) => (field, "DESC"),
        None => (sort, "ASC"),
    };
    match columns.iter().find(|(name, _)| *name == field) {
        Some(&(_, column)) => (column, direction),
        None => (columns[0].1, "ASC"),
    }
}

/// The conditions on the external id of the rows `a`: the id, in the source
/// system `source` (`None` any, `Some(None)` the service's own). None without
/// an id.
pub fn external_key(a: &str, id: Option<&str>, source: Option<Option<Uuid>>) -> Vec<Statement> {
    let Some(id) = id else {
        return Vec::new();
    };
    let mut c = vec![when(
        &format!("{a}.external_id = "),
        Bind::Text(id.to_owned()),
        "",
    )];
    match source {
        Some(Some(source)) => c.push(when(
            &format!("{a}.external_source = "),
            Bind::Uuid(source),
            "",
        )),
        Some(None) => c.push(Statement::of(&format!("{a}.external_source IS NULL"))),
        None => {}
    }
    c
}

/// The SQL text a statement is prepared from, without its values.
#[cfg(test)]
pub fn text(s: &Statement) -> String {
    let shown = diesel::debug_query::<Pg, _>(s).to_string();
    shown
        .split(" -- binds:")
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Asserts that `bench/sql/{name}.sql`, which `make bench` runs alone with
/// pgbench as the database's limit for a page, is the statement the server
/// prepares for it.
#[cfg(test)]
pub fn assert_bench_sql(name: &str, s: &Statement) {
    let path = format!("{}/bench/sql/{name}.sql", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(file.trim(), text(s), "{path}");
}

/// A row of a page whose statement carries the whole list's total beside
/// each row.
#[derive(QueryableByName)]
pub struct Counted<R> {
    #[diesel(sql_type = BigInt)]
    pub total: i64,
    #[diesel(embed)]
    pub row: R,
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// The rows of a page and the list's total: from the first row, or, when the
/// page is empty (past the end), from `total`, the total's scalar expression,
/// in a second statement.
pub async fn page_and_total<R>(
    conn: &mut AsyncPgConnection,
    page: Statement,
    total: impl FnOnce() -> Statement,
) -> QueryResult<(Vec<R>, i64)>
where
    Counted<R>: QueryableByName<Pg> + Send + 'static,
    R: Send + 'static,
{
    let rows: Vec<Counted<R>> = page.load(conn).await?;
    let total = match rows.as_slice().first() {
        Some(first) => first.total,
        None => {
            let mut count = Statement::new();
            count.sql("SELECT ").append(&total()).sql(" AS total");
            count.get_result::<Total>(conn).await?.total
        }
    };
    // Into a vector of their own size: collecting in place would reuse the
    // rows' larger buffer and then move them all into a smaller one.
    let mut page = Vec::with_capacity(rows.len());
    page.extend(rows.into_iter().map(|r| r.row));
    Ok((page, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::debug_query;

    #[test]
    fn values_are_parameters_in_order() {
        let mut s = Statement::new();
        s.sql("SELECT 1 WHERE ")
            .all(&[
                {
                    let mut c = Statement::new();
                    c.sql("a = ")
                        .bind(Bind::Text("x'; DROP TABLE t; --".into()));
                    c
                },
                {
                    let mut c = Statement::new();
                    c.sql("b = ANY(")
                        .bind(Bind::Texts(vec!["y".into()]))
                        .sql(")");
                    c
                },
            ])
            .sql(" LIMIT ")
            .bind(Bind::Big(50));
        let text = debug_query::<Pg, _>(&s).to_string();
        assert!(
            text.starts_with(
                "SELECT 1 WHERE (a = (SELECT $1::text)) AND \
                 (b = ANY(((SELECT $2::text[])::text[]))) LIMIT (SELECT $3::int8) -- binds: "
            ),
            "{text}"
        );
    }

    #[test]
    fn a_counted_page_counts_what_it_pages() {
        let page = Page {
            offset: 100,
            limit: 50,
        };
        let s = counted_page(
            "t a",
            "a.id",
            &[when("a.k = ", Bind::Text("v".into()), "")],
            "a.id",
            &page,
        );
        assert_eq!(
            text(&s),
            "SELECT (SELECT count(*) FROM t a WHERE (a.k = (SELECT $1::text))) AS total, a.id \
             FROM t a WHERE (a.k = (SELECT $2::text)) ORDER BY a.id \
             LIMIT (SELECT $3::int8) OFFSET (SELECT $4::int8)"
        );
    }

    #[test]
    fn no_conditions_is_true() {
        let mut s = Statement::new();
        s.sql("SELECT 1 WHERE ").all(&[]);
        assert_eq!(
            debug_query::<Pg, _>(&s).to_string(),
            "SELECT 1 WHERE TRUE -- binds: []"
        );
    }

    #[test]
    fn a_sort_names_its_column_and_direction() {
        let columns = [("code", "code"), ("createdAt", "created_at")];
        assert_eq!(sort_by("code", &columns), ("code", "ASC"));
        assert_eq!(sort_by("-createdAt", &columns), ("created_at", "DESC"));
        assert_eq!(sort_by("createdAt", &columns), ("created_at", "ASC"));
        assert_eq!(sort_by("-other", &columns), ("code", "ASC"));
        assert_eq!(sort_by("", &columns), ("code", "ASC"));
    }
}
