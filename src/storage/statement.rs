//! A statement written at run time from a bounded set of shapes (the filters a
//! list was given), with its values as bind parameters.
//!
//! Unlike `diesel::sql_query`, such a statement is kept in the connection's
//! prepared-statement cache under its SQL text: a list asked for again with
//! other values of the same filters is executed without being parsed and
//! planned again. Only text made by the program goes into the SQL; every value
//! from a request is a bind parameter.

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Integer, SmallInt, Text, Timestamptz, Untyped};
use diesel::{QueryResult, sql_types};
use uuid::Uuid;

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
            match part {
                Part::Sql(s) => out.push_sql(s),
                Part::Bind(Bind::Uuids(v)) => {
                    out.push_bind_param::<Array<sql_types::Uuid>, _>(v)?
                }
                Part::Bind(Bind::Texts(v)) => out.push_bind_param::<Array<Text>, _>(v)?,
                Part::Bind(Bind::Text(v)) => out.push_bind_param::<Text, _>(v)?,
                Part::Bind(Bind::Uuid(v)) => out.push_bind_param::<sql_types::Uuid, _>(v)?,
                Part::Bind(Bind::Small(v)) => out.push_bind_param::<SmallInt, _>(v)?,
                Part::Bind(Bind::Int(v)) => out.push_bind_param::<Integer, _>(v)?,
                Part::Bind(Bind::Big(v)) => out.push_bind_param::<BigInt, _>(v)?,
                Part::Bind(Bind::Time(v)) => out.push_bind_param::<Timestamptz, _>(v)?,
            }
        }
        Ok(())
    }
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
                    c.sql("b = ANY(").bind(Bind::Small(3)).sql(")");
                    c
                },
            ])
            .sql(" LIMIT ")
            .bind(Bind::Big(50));
        let text = debug_query::<Pg, _>(&s).to_string();
        assert!(
            text.starts_with("SELECT 1 WHERE (a = $1) AND (b = ANY($2)) LIMIT $3 -- binds: "),
            "{text}"
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
}
