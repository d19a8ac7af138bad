//! The filtered, sorted page of initiatives, in one statement.
//!
//! The statement finds the page's ids in sort order, reads their details (the
//! lists are columns of the initiative) and carries the exact `total`:
//! - from `initiative_sums` when the filters are no more than plan, action,
//!   challenge, one region and status (the sums are kept in every writing
//!   transaction, so they are exact);
//! - else by counting the matches.
//!
//! A page of one region is found in that region's link rows, which carry the
//! initiative's status, progress, last change and plan: the region's index
//! gives the page in order of last change, and the count, without visiting the
//! initiatives it skips. The SQL text depends only on which filters are given,
//! so each shape is prepared once per connection and, its values being opaque
//! to the planner, planned once (`super::statement`).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::initiatives::{DetailRow, InitiativeRecord};
use super::statement::{Bind, Statement, page_and_total, when};
use super::{StorageResult, escape_like};
use crate::domain::Page;

#[derive(Debug, Default, Clone)]
pub struct InitiativeFilter {
    pub plan: Vec<Uuid>,
    pub action: Vec<Uuid>,
    pub challenge: Vec<Uuid>,
    pub region: Vec<String>,
    pub municipality: Vec<String>,
    pub organisation: Vec<Uuid>,
    pub status: Vec<String>,
    pub progress_min: Option<i16>,
    pub progress_max: Option<i16>,
    pub updated_since: Option<DateTime<Utc>>,
    pub stale_days: Option<i32>,
    pub external_id: Option<String>,
    /// The source system `external_id` is looked up in: `None` any,
    /// `Some(None)` the service's own.
    pub external_source: Option<Option<Uuid>>,
    pub q: Option<String>,
    pub published_only: bool,
}

impl InitiativeFilter {
    /// Whether the sums can give the total: no filter they do not keep.
    fn summed(&self) -> bool {
        self.region.len() <= 1
            && self.municipality.is_empty()
            && self.organisation.is_empty()
            && self.progress_min.is_none()
            && self.progress_max.is_none()
            && self.updated_since.is_none()
            && self.stale_days.is_none()
            && self.external_id.is_none()
            && self.q.is_none()
    }
}

/// How a sort orders: the column, whether it lives on the region rows too,
/// and the SQL after it.
struct Order {
    column: &'static str,
    keyed: bool,
    direction: &'static str,
}

fn order(sort: &str) -> Order {
    let (column, keyed, direction) = match sort {
        "-code" => ("code", false, "DESC"),
        "title" => ("title", false, "ASC"),
        "-title" => ("title", false, "DESC"),
        "updatedAt" => ("updated_at", true, "ASC"),
        "-updatedAt" => ("updated_at", true, "DESC"),
        "createdAt" => ("created_at", false, "ASC"),
        "-createdAt" => ("created_at", false, "DESC"),
        "progress" => ("effective_progress", true, "ASC NULLS FIRST"),
        "-progress" => ("effective_progress", true, "DESC NULLS LAST"),
        "startDate" => ("start_date", false, "ASC NULLS LAST"),
        "-startDate" => ("start_date", false, "DESC NULLS LAST"),
        "endDate" => ("end_date", false, "ASC NULLS LAST"),
        "-endDate" => ("end_date", false, "DESC NULLS LAST"),
        _ => ("code", false, "ASC"),
    };
    Order {
        column,
        keyed,
        direction,
    }
}

/// The matching initiatives: `FROM …` and the conditions, with `id` and the
/// list keys named by `self.id` and `self.key(…)`.
struct Matches {
    /// One region: the page is read from that region's link rows `k`.
    keyed: bool,
    /// Conditions that need the initiative row `i` beside `k`.
    joins_initiative: bool,
    conditions: Vec<Statement>,
}

impl Matches {
    fn of(filter: &InitiativeFilter, order: &Order) -> Self {
        let keyed = filter.region.len() == 1;
        let key = if keyed { "k" } else { "i" };
        let id = if keyed { "k.initiative_id" } else { "i.id" };
        let mut row = !keyed || !order.keyed;
        let mut c = Vec::new();
        if keyed {
            c.push(when(
                "k.region_id = ",
                Bind::Text(filter.region[0].clone()),
                "",
            ));
        } else if !filter.region.is_empty() {
            c.push(when(
                "i.id IN (SELECT r.initiative_id FROM initiative_regions r WHERE r.region_id = ANY(",
                Bind::Texts(filter.region.clone()),
                "))",
            ));
        }
        if !filter.plan.is_empty() {
            let sql = format!("{key}.plan_id = ANY(");
            c.push(when(&sql, Bind::Uuids(filter.plan.clone()), ")"));
        }
        if filter.published_only {
            let mut s = Statement::new();
            s.sql(&format!(
                "{key}.plan_id IN (SELECT pl.id FROM plans pl WHERE pl.status <> 'draft')"
            ));
            c.push(s);
        }
        if !filter.action.is_empty() {
            row = true;
            c.push(when(
                "i.action_id = ANY(",
                Bind::Uuids(filter.action.clone()),
                ")",
            ));
        }
        if !filter.challenge.is_empty() {
            row = true;
            c.push(when(
                "i.action_id IN (SELECT ac.action_id FROM action_challenges ac WHERE ac.challenge_id = ANY(",
                Bind::Uuids(filter.challenge.clone()),
                "))",
            ));
        }
        if !filter.municipality.is_empty() {
            let sql = format!(
                "{id} IN (SELECT m.initiative_id FROM initiative_municipalities m WHERE m.nis_code = ANY("
            );
            c.push(when(&sql, Bind::Texts(filter.municipality.clone()), "))"));
        }
        if !filter.organisation.is_empty() {
            row = true;
            let mut s = Statement::new();
            let ids = Bind::Uuids(filter.organisation.clone());
            s.sql("i.lead_organisation_id = ANY(")
                .bind(ids.clone())
                .sql(") OR i.id IN (SELECT p.initiative_id FROM initiative_partners p WHERE p.organisation_id = ANY(")
                .bind(ids)
                .sql("))");
            c.push(s);
        }
        if !filter.status.is_empty() {
            let sql = format!("{key}.status = ANY(");
            c.push(when(&sql, Bind::Texts(filter.status.clone()), ")"));
        }
        if let Some(min) = filter.progress_min {
            let sql = format!("{key}.effective_progress >= ");
            c.push(when(&sql, Bind::Small(min), ""));
        }
        if let Some(max) = filter.progress_max {
            let sql = format!("{key}.effective_progress <= ");
            c.push(when(&sql, Bind::Small(max), ""));
        }
        if let Some(since) = filter.updated_since {
            let sql = format!("{key}.updated_at >= ");
            c.push(when(&sql, Bind::Time(since), ""));
        }
        if let Some(days) = filter.stale_days {
            // Open work with no progress update (or, without any, no creation) in `days` days.
            row = true;
            c.push(when(
                "i.status <> ALL('{completed,dropped}') AND \
                 COALESCE(i.last_progress_on, i.created_at::date) < CURRENT_DATE - ",
                Bind::Int(days),
                "",
            ));
        }
        if let Some(external) = &filter.external_id {
            row = true;
            c.push(when("i.external_id = ", Bind::Text(external.clone()), ""));
            match filter.external_source {
                Some(Some(source)) => c.push(when("i.external_source = ", Bind::Uuid(source), "")),
                Some(None) => {
                    let mut s = Statement::new();
                    s.sql("i.external_source IS NULL");
                    c.push(s);
                }
                None => {}
            }
        }
        if let Some(text) = &filter.q {
            row = true;
            let pattern = Bind::Text(escape_like(text));
            let mut s = Statement::new();
            s.sql("i.title ILIKE ")
                .bind(pattern.clone())
                .sql(" OR i.code ILIKE ")
                .bind(pattern);
            c.push(s);
        }
        Matches {
            keyed,
            joins_initiative: keyed && row,
            conditions: c,
        }
    }

    fn id(&self) -> &'static str {
        if self.keyed {
            "k.initiative_id"
        } else {
            "i.id"
        }
    }

    /// `FROM … WHERE …`
    fn source(&self) -> Statement {
        let mut s = Statement::new();
        if !self.keyed {
            s.sql(" FROM initiatives i WHERE ");
        } else if self.joins_initiative {
            s.sql(" FROM initiative_regions k JOIN initiatives i ON i.id = k.initiative_id WHERE ");
        } else {
            s.sql(" FROM initiative_regions k WHERE ");
        }
        s.all(&self.conditions);
        s
    }
}

/// The exact number of matches, as one scalar expression.
fn total(filter: &InitiativeFilter, matches: &Matches) -> Statement {
    let mut s = Statement::new();
    if !filter.summed() {
        s.sql("(SELECT count(*)").append(&matches.source()).sql(")");
        return s;
    }
    let mut c = vec![when(
        "s.region_id = ",
        Bind::Text(
            filter
                .region
                .as_slice()
                .first()
                .cloned()
                .unwrap_or_default(),
        ),
        "",
    )];
    if !filter.plan.is_empty() {
        c.push(when(
            "s.plan_id = ANY(",
            Bind::Uuids(filter.plan.clone()),
            ")",
        ));
    }
    if filter.published_only {
        let mut p = Statement::new();
        p.sql("s.plan_id IN (SELECT pl.id FROM plans pl WHERE pl.status <> 'draft')");
        c.push(p);
    }
    if !filter.action.is_empty() {
        c.push(when(
            "s.action_id = ANY(",
            Bind::Uuids(filter.action.clone()),
            ")",
        ));
    }
    if !filter.challenge.is_empty() {
        c.push(when(
            "s.action_id IN (SELECT ac.action_id FROM action_challenges ac WHERE ac.challenge_id = ANY(",
            Bind::Uuids(filter.challenge.clone()),
            "))",
        ));
    }
    if !filter.status.is_empty() {
        c.push(when(
            "s.status = ANY(",
            Bind::Texts(filter.status.clone()),
            ")",
        ));
    }
    s.sql("(SELECT COALESCE(sum(s.initiatives), 0)::int8 FROM initiative_sums s WHERE ")
        .all(&c)
        .sql(")");
    s
}

/// The page's statement: its ids in sort order, their details, and the total.
fn page_statement(filter: &InitiativeFilter, sort: &str, page: &Page) -> Statement {
    let order = order(sort);
    let matches = Matches::of(filter, &order);
    let key = if matches.keyed && order.keyed {
        "k"
    } else {
        "i"
    };
    let (id, column, direction) = (matches.id(), order.column, order.direction);
    let mut s = Statement::new();
    s.sql(&format!("WITH p AS (SELECT {id} AS id, {key}.{column} AS o"))
        .append(&matches.source())
        .sql(&format!(" ORDER BY {key}.{column} {direction}, {id} LIMIT "))
        .bind(Bind::Big(page.limit))
        .sql(" OFFSET ")
        .bind(Bind::Big(page.offset))
        .sql(") SELECT ")
        .append(&total(filter, &matches))
        .sql(&format!(
            " AS total, d.* FROM p JOIN initiative_details d ON d.id = p.id ORDER BY p.o {direction}, p.id"
        ));
    s
}

/// A page of initiatives and the size of the whole filtered set, in one round
/// trip; a second only when the page is empty (to count).
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &InitiativeFilter,
    sort: &str,
    page: &Page,
) -> StorageResult<(Vec<InitiativeRecord>, i64)> {
    let total = || total(filter, &Matches::of(filter, &order(sort)));
    let (rows, total) =
        page_and_total::<DetailRow>(conn, page_statement(filter, sort, page), total).await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::statement::text;

    fn region_page(status: bool) -> String {
        let filter = InitiativeFilter {
            region: vec!["limburg".into()],
            status: if status {
                vec!["inProgress".into()]
            } else {
                vec![]
            },
            progress_min: (!status).then_some(20),
            progress_max: (!status).then_some(80),
            ..Default::default()
        };
        let page = Page {
            offset: 0,
            limit: 50,
        };
        text(&page_statement(&filter, "-updatedAt", &page))
    }

    /// `make bench` measures these statements alone with pgbench, as the
    /// database's limit for the filtered page: they are the page's own (a
    /// signed-in caller sees every plan, so no plan filter).
    #[test]
    fn the_benchmark_runs_the_pages_own_statements() {
        let file = |name: &str| {
            std::fs::read_to_string(format!("{}/bench/sql/{name}", env!("CARGO_MANIFEST_DIR")))
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        assert_eq!(file("page_status.sql"), region_page(true));
        assert_eq!(file("page_progress.sql"), region_page(false));
    }

    #[test]
    fn one_region_reads_its_link_rows_and_the_sums_count() {
        let sql = region_page(true);
        assert!(sql.contains("FROM initiative_regions k WHERE"), "{sql}");
        assert!(sql.contains("FROM initiative_sums s"), "{sql}");
        assert!(!sql.contains("JOIN initiatives i"), "{sql}");
        // A filter the sums do not keep is counted.
        let sql = region_page(false);
        assert!(
            sql.contains("(SELECT count(*) FROM initiative_regions k WHERE"),
            "{sql}"
        );
    }

    #[test]
    fn filters_on_the_initiative_join_it_and_several_regions_read_it() {
        let filter = InitiativeFilter {
            region: vec!["limburg".into()],
            q: Some("x".into()),
            ..Default::default()
        };
        let page = Page {
            offset: 0,
            limit: 10,
        };
        let sql = text(&page_statement(&filter, "title", &page));
        assert!(
            sql.contains("JOIN initiatives i ON i.id = k.initiative_id"),
            "{sql}"
        );
        assert!(
            sql.contains("ORDER BY i.title ASC, k.initiative_id"),
            "{sql}"
        );
        let filter = InitiativeFilter {
            region: vec!["limburg".into(), "brussel".into()],
            ..Default::default()
        };
        let sql = text(&page_statement(&filter, "-updatedAt", &page));
        assert!(sql.contains(" FROM initiatives i WHERE "), "{sql}");
        assert!(sql.contains("(SELECT count(*) FROM initiatives i"), "{sql}");
    }
}
