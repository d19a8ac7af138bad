//! The filtered, sorted page of current measurements, in one statement, and
//! the batches of an export.
//!
//! The statement reads the page in the order of an index (period or time of
//! recording, then place and id; backwards for a descending sort) and carries
//! the exact `total`:
//! - from the kept counts (`measurement_counts`: per indicator and place, per
//!   place, and all) when the filters are no more than indicator, GBO project,
//!   initiative, region, place type and place: the counts are written by the
//!   statement that writes a measurement, so they are exact in any snapshot;
//! - else (periods, external id) by counting the matches.
//!
//! The SQL text depends only on which filters are given, so each shape is
//! prepared once per connection and planned once (`super::statement`).

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::measurements::MeasurementRow;
use super::statement::{Bind, Statement, external_key, page_and_total, sort_by, when};
use crate::domain::Page;

/// Which current measurements a list holds; every filter given must match,
/// a list matches any of its values.
#[derive(Debug, Default)]
pub struct MeasurementFilter {
    pub indicator: Vec<Uuid>,
    pub gbo_project: Vec<Uuid>,
    pub initiative: Vec<Uuid>,
    /// Places in these regions: the regions themselves and their municipalities.
    pub region: Vec<String>,
    pub place_type: Vec<String>,
    /// Place codes (region ids, NIS codes).
    pub place: Vec<String>,
    /// Periods that start on or after this day.
    pub from: Option<NaiveDate>,
    /// Periods that start on or before this day.
    pub to: Option<NaiveDate>,
    pub external_id: Option<String>,
    /// The source system `external_id` is looked up in: `None` any,
    /// `Some(None)` the service's own.
    pub external_source: Option<Option<Uuid>>,
}

impl MeasurementFilter {
    /// Whether the kept counts can give the total: every filter is on the
    /// indicator or the place, which the counts are kept by.
    fn counted_by_key(&self) -> bool {
        self.from.is_none() && self.to.is_none() && self.external_id.is_none()
    }

    fn by_indicator(&self) -> bool {
        !(self.indicator.is_empty() && self.gbo_project.is_empty() && self.initiative.is_empty())
    }

    /// The conditions on the indicator and the place, on the row `a`: a
    /// measurement `m`, or a count of them.
    fn key_conditions(&self, a: &str) -> Vec<Statement> {
        let mut c = Vec::new();
        // One indicator is an equality, so that its measurements are read in
        // the order of its key (indicator, period, place).
        match self.indicator.as_slice() {
            [] => {}
            [one] => c.push(when(&format!("{a}.indicator_id = "), Bind::Uuid(*one), "")),
            many => c.push(when(
                &format!("{a}.indicator_id = ANY("),
                Bind::Uuids(many.to_vec()),
                ")",
            )),
        }
        if !self.gbo_project.is_empty() {
            c.push(when(
                &format!(
                    "{a}.indicator_id IN (SELECT ind.id FROM indicators ind WHERE ind.gbo_project_id = ANY("
                ),
                Bind::Uuids(self.gbo_project.clone()),
                "))",
            ));
        }
        if !self.initiative.is_empty() {
            c.push(when(
                &format!(
                    "{a}.indicator_id IN (SELECT ind.id FROM indicators ind WHERE ind.initiative_id = ANY("
                ),
                Bind::Uuids(self.initiative.clone()),
                "))",
            ));
        }
        if !self.region.is_empty() {
            c.push(self.in_regions(a));
        }
        if !self.place_type.is_empty() {
            c.push(when(
                &format!("{a}.place_type = ANY("),
                Bind::Texts(self.place_type.clone()),
                ")",
            ));
        }
        if !self.place.is_empty() {
            c.push(when(
                &format!("{a}.place_code = ANY("),
                Bind::Texts(self.place.clone()),
                ")",
            ));
        }
        c
    }

    /// The places in the regions: a measurement carries its place's region
    /// (migration 000022); a count is of a region or of a municipality in it.
    fn in_regions(&self, a: &str) -> Statement {
        if a == "m" {
            return match self.region.as_slice() {
                [one] => when("m.region_id = ", Bind::Text(one.clone()), ""),
                many => when("m.region_id = ANY(", Bind::Texts(many.to_vec()), ")"),
            };
        }
        let regions = Bind::Texts(self.region.clone());
        let mut s = Statement::new();
        s.sql(&format!(
            "{a}.place_type = 'region' AND {a}.place_code = ANY("
        ))
        .bind(regions.clone())
        .sql(&format!(
            ") OR {a}.place_type = 'municipality' AND {a}.place_code IN \
             (SELECT mu.nis_code FROM municipalities mu WHERE mu.region_id = ANY("
        ))
        .bind(regions)
        .sql("))");
        s
    }

    /// Every condition on a measurement `m`, current ones only.
    fn conditions(&self) -> Statement {
        let mut c = self.key_conditions("m");
        if let Some(from) = self.from {
            c.push(when("m.period_start >= ", Bind::Date(from), ""));
        }
        if let Some(to) = self.to {
            c.push(when("m.period_start <= ", Bind::Date(to), ""));
        }
        c.extend(external_key(
            "m",
            self.external_id.as_deref(),
            self.external_source,
        ));
        let mut s = Statement::of("m.deleted_at IS NULL");
        for condition in &c {
            s.sql(" AND (").append(condition).sql(")");
        }
        s
    }

    /// The exact number of matches, as one scalar expression.
    fn total(&self) -> Statement {
        let mut s = Statement::new();
        if !self.counted_by_key() {
            s.sql("(SELECT count(*) FROM measurements m WHERE ")
                .append(&self.conditions())
                .sql(")");
        } else {
            // The level of the counts: per indicator and place, per place
            // (all indicators), or all measurements (no place either).
            let level = if self.by_indicator() {
                "c.indicator_id <> '00000000-0000-0000-0000-000000000000'"
            } else {
                "c.indicator_id = '00000000-0000-0000-0000-000000000000'"
            };
            let keys = self.key_conditions("c");
            let mut c = vec![
                Statement::of(level),
                Statement::of(if keys.is_empty() {
                    "c.place_type = ''"
                } else {
                    "c.place_type <> ''"
                }),
            ];
            c.extend(keys);
            s.sql("(SELECT COALESCE(sum(c.n), 0)::int8 FROM measurement_counts c WHERE ")
                .all(&c)
                .sql(")");
        }
        s
    }
}

/// A listed measurement and the name of its place: `None` for Flanders, and
/// for a place no longer known.
#[derive(QueryableByName)]
pub struct Listed {
    #[diesel(embed)]
    pub measurement: MeasurementRow,
    #[diesel(sql_type = Nullable<Text>)]
    pub place_name: Option<String>,
}

/// The order of a sort on the rows `a`: its column and direction, the place
/// and id after it in the same direction (so that an index read backwards
/// gives it).
fn order(sort: &str, a: &str) -> String {
    let (column, direction) = sort_by(
        sort,
        &[("period", "period_start"), ("recordedAt", "recorded_at")],
    );
    format!(
        "{a}.{column} {direction}, {a}.place_type {direction}, {a}.place_code {direction}, \
         {a}.id {direction}"
    )
}

/// The columns of a `MeasurementRow`.
const COLUMNS: &str = "m.id, m.indicator_id, m.period_start, m.period_end, m.place_type, \
     m.place_code, m.value, m.numerator, m.denominator, m.text_value, m.note, m.reporter_id, \
     m.reporter_kind, m.external_id, m.external_source, m.example, m.recorded_at, m.deleted_at, \
     m.version, m.created_at, m.updated_at";

/// The rows `rows` (a statement that reads them in `order`, on the alias
/// `p`) with their places' names, in the same order. The names are looked up
/// for these rows only, after any offset and limit.
fn named(rows: &Statement, order: &str) -> Statement {
    let mut s = Statement::new();
    s.sql(
        "SELECT p.*, CASE p.place_type \
         WHEN 'region' THEN (SELECT r.name FROM regions r WHERE r.id = p.place_code) \
         WHEN 'municipality' THEN \
         (SELECT mu.name FROM municipalities mu WHERE mu.nis_code = p.place_code) \
         END AS place_name FROM (",
    )
    .append(rows)
    .sql(&format!(") p ORDER BY {order}"));
    s
}

/// A current measurement with its place's name, in one statement; locked
/// until the transaction ends when `lock`.
pub async fn one(conn: &mut AsyncPgConnection, id: Uuid, lock: bool) -> StorageResult<Listed> {
    let mut s = Statement::of(&format!(
        "SELECT {COLUMNS} FROM measurements m WHERE m.id = "
    ));
    s.bind(Bind::Uuid(id)).sql(" AND m.deleted_at IS NULL");
    if lock {
        s.sql(" FOR UPDATE");
    }
    Ok(named(&s, "p.id").get_result(conn).await?)
}

/// The page's statement: its measurements in sort order with their places'
/// names, and the total.
fn page_statement(filter: &MeasurementFilter, sort: &str, page: &Page) -> Statement {
    let mut s = Statement::new();
    s.sql("SELECT ")
        .append(&filter.total())
        .sql(&format!(" AS total, {COLUMNS} FROM measurements m WHERE "))
        .append(&filter.conditions())
        .sql(&format!(" ORDER BY {} LIMIT ", order(sort, "m")))
        .bind(Bind::Big(page.limit))
        .sql(" OFFSET ")
        .bind(Bind::Big(page.offset));
    named(&s, &order(sort, "p"))
}

/// A page of current measurements with their places' names, and the size of
/// the whole filtered set, in one round trip; a second only when the page is
/// empty (to count).
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &MeasurementFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<Listed>, i64)> {
    Ok(page_and_total(conn, page_statement(filter, sort, page), || filter.total()).await?)
}

/// The next `limit` current measurements of the filter after the one with id
/// `after`, in the order of their ids, with their places' names (an export
/// reads the whole collection this way, a batch at a time).
pub async fn export_batch(
    conn: &mut AsyncPgConnection,
    filter: &MeasurementFilter,
    after: Option<Uuid>,
    limit: i64,
) -> StorageResult<Vec<Listed>> {
    let mut s = Statement::new();
    s.sql(&format!("SELECT {COLUMNS} FROM measurements m WHERE "))
        .append(&filter.conditions());
    if let Some(after) = after {
        s.sql(" AND m.id > ").bind(Bind::Uuid(after));
    }
    s.sql(" ORDER BY m.id LIMIT ").bind(Bind::Big(limit));
    Ok(named(&s, "p.id").load(conn).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::statement::{assert_bench_sql, text};

    fn page() -> Page {
        Page {
            offset: 0,
            limit: 50,
        }
    }

    /// The three shapes of `bench/lists.py`: every measurement, newest period
    /// first; one indicator's; one region's.
    fn bench_shape(name: &str) -> Statement {
        let filter = match name {
            "indicator" => MeasurementFilter {
                indicator: vec![Uuid::nil()],
                ..Default::default()
            },
            "region" => MeasurementFilter {
                region: vec!["limburg".into()],
                ..Default::default()
            },
            _ => MeasurementFilter::default(),
        };
        let sort = if name == "all" { "-period" } else { "period" };
        page_statement(&filter, sort, &page())
    }

    /// `make bench` measures these statements alone with pgbench, as the
    /// database's limit for those pages: they are the pages' own.
    #[test]
    fn the_benchmark_runs_the_pages_own_statements() {
        for name in ["all", "indicator", "region"] {
            assert_bench_sql(&format!("measurements_{name}"), &bench_shape(name));
        }
    }

    #[test]
    fn no_filter_takes_the_kept_total_and_reads_the_period_order() {
        let sql = text(&page_statement(
            &MeasurementFilter::default(),
            "period",
            &page(),
        ));
        assert!(
            sql.contains(
                "FROM (SELECT (SELECT COALESCE(sum(c.n), 0)::int8 FROM measurement_counts c WHERE \
                 (c.indicator_id = '00000000-0000-0000-0000-000000000000') AND (c.place_type = '')) \
                 AS total, m.id,"
            ),
            "{sql}"
        );
        // The places' names for the page's rows, in the page's order.
        assert!(sql.starts_with("SELECT p.*, CASE p.place_type"), "{sql}");
        assert!(
            sql.ends_with(
                ") p ORDER BY p.period_start ASC, p.place_type ASC, p.place_code ASC, p.id ASC"
            ),
            "{sql}"
        );
        assert!(
            sql.contains(
                "WHERE m.deleted_at IS NULL ORDER BY m.period_start ASC, m.place_type ASC, \
                 m.place_code ASC, m.id ASC LIMIT"
            ),
            "{sql}"
        );
        let sql = text(&page_statement(
            &MeasurementFilter::default(),
            "-recordedAt",
            &page(),
        ));
        assert!(
            sql.contains(
                "ORDER BY m.recorded_at DESC, m.place_type DESC, m.place_code DESC, m.id DESC"
            ),
            "{sql}"
        );
    }

    #[test]
    fn indicator_and_place_filters_sum_the_counts_of_their_keys() {
        let filter = MeasurementFilter {
            gbo_project: vec![Uuid::nil()],
            region: vec!["limburg".into()],
            ..Default::default()
        };
        let sql = text(&page_statement(&filter, "period", &page()));
        assert!(
            sql.contains(
                "FROM measurement_counts c WHERE \
                 (c.indicator_id <> '00000000-0000-0000-0000-000000000000') AND (c.place_type <> '') AND \
                 (c.indicator_id IN (SELECT ind.id FROM indicators ind \
                 WHERE ind.gbo_project_id = ANY(((SELECT $1::uuid[])::uuid[])))) AND \
                 (c.place_type = 'region' AND c.place_code = ANY(((SELECT $2::text[])::text[])) OR \
                 c.place_type = 'municipality'"
            ),
            "{sql}"
        );
        assert!(
            sql.contains("WHERE m.deleted_at IS NULL AND (m.indicator_id IN"),
            "{sql}"
        );
    }

    #[test]
    fn periods_and_external_ids_are_counted() {
        for filter in [
            MeasurementFilter {
                indicator: vec![Uuid::nil()],
                from: NaiveDate::from_ymd_opt(2023, 1, 1),
                ..Default::default()
            },
            MeasurementFilter {
                external_id: Some("x".into()),
                external_source: Some(None),
                ..Default::default()
            },
        ] {
            let sql = text(&page_statement(&filter, "period", &page()));
            assert!(
                sql.contains(
                    "FROM (SELECT (SELECT count(*) FROM measurements m WHERE m.deleted_at IS NULL AND ("
                ),
                "{sql}"
            );
            assert!(!sql.contains("measurement_counts"), "{sql}");
        }
    }
}
