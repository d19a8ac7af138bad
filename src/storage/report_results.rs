//! The statements behind the indicator results report: which indicators a
//! filter selects, their current measurements, and the places each is
//! expected to report for.

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{Array, Date, Double, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::{ExpressionMethods, QueryDsl, SelectableHelper};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::indicators::IndicatorRow;
use super::reports::Moment;
use super::schema::indicators;

/// What selects the indicators of a report; all given filters apply.
#[derive(Debug, Clone, Default)]
pub struct IndicatorScope {
    pub plan: Option<Uuid>,
    pub challenge: Option<Uuid>,
    pub action: Option<Uuid>,
    pub initiative: Option<Uuid>,
    pub gbo_project: Option<Uuid>,
    pub indicator: Option<Uuid>,
    /// Only indicators that follow a standard.
    pub standard_only: bool,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

/// The indicators the scope selects, by code. An action's indicators include
/// those of its initiatives; a challenge's those of the actions serving it
/// and of their initiatives; a plan's those of its actions and initiatives.
pub async fn indicators_in(
    conn: &mut AsyncPgConnection,
    scope: &IndicatorScope,
) -> StorageResult<Vec<IndicatorRow>> {
    let ids: Vec<Id> = diesel::sql_query(
        "SELECT i.id FROM indicators i
          WHERE ($1::uuid IS NULL
                 OR i.plan_id = $1
                 OR i.action_id IN (SELECT id FROM actions WHERE plan_id = $1)
                 OR i.initiative_id IN (SELECT id FROM initiatives WHERE plan_id = $1))
            AND ($2::uuid IS NULL
                 OR i.action_id IN (SELECT action_id FROM action_challenges WHERE challenge_id = $2)
                 OR i.initiative_id IN (SELECT n.id FROM initiatives n
                                          JOIN action_challenges c ON c.action_id = n.action_id
                                         WHERE c.challenge_id = $2))
            AND ($3::uuid IS NULL
                 OR i.action_id = $3
                 OR i.initiative_id IN (SELECT id FROM initiatives WHERE action_id = $3))
            AND ($4::uuid IS NULL OR i.initiative_id = $4)
            AND ($5::uuid IS NULL OR i.gbo_project_id = $5)
            AND ($6::uuid IS NULL OR i.id = $6)
            AND (NOT $7 OR i.standard_code IS NOT NULL)",
    )
    .bind::<Nullable<SqlUuid>, _>(scope.plan)
    .bind::<Nullable<SqlUuid>, _>(scope.challenge)
    .bind::<Nullable<SqlUuid>, _>(scope.action)
    .bind::<Nullable<SqlUuid>, _>(scope.initiative)
    .bind::<Nullable<SqlUuid>, _>(scope.gbo_project)
    .bind::<Nullable<SqlUuid>, _>(scope.indicator)
    .bind::<diesel::sql_types::Bool, _>(scope.standard_only)
    .load(conn)
    .await?;
    let ids: Vec<Uuid> = ids.into_iter().map(|r| r.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(indicators::table
        .filter(indicators::id.eq_any(ids))
        .order((indicators::code.asc(), indicators::id.asc()))
        .select(IndicatorRow::as_select())
        .load(conn)
        .await?)
}

/// A current measurement, with the region of its place.
#[derive(Debug, Clone, QueryableByName)]
pub struct MeasurementRow {
    #[diesel(sql_type = SqlUuid)]
    pub indicator_id: Uuid,
    #[diesel(sql_type = Date)]
    pub period_start: NaiveDate,
    #[diesel(sql_type = Date)]
    pub period_end: NaiveDate,
    #[diesel(sql_type = Text)]
    pub place_type: String,
    #[diesel(sql_type = Text)]
    pub place_code: String,
    /// The region a municipality lies in, or the region itself.
    #[diesel(sql_type = Nullable<Text>)]
    pub region_id: Option<String>,
    #[diesel(sql_type = Nullable<Double>)]
    pub value: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub numerator: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub denominator: Option<f64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub text_value: Option<String>,
}

/// The current measurements of `indicator_ids` for periods that begin on or
/// before `to` and end on or after `from` (earlier ones too for an indicator
/// combined by `last`, which carries its last value forward), by indicator,
/// place and period; at `Moment::Before(t)`, the values as recorded before
/// `t` (the latest revision then, unless it was a removal).
pub async fn measurements_of(
    conn: &mut AsyncPgConnection,
    indicator_ids: &[Uuid],
    (from, to): (NaiveDate, NaiveDate),
    at: Moment,
) -> StorageResult<Vec<MeasurementRow>> {
    const SINCE: &str = "(m.period_end >= $4 OR EXISTS (SELECT 1 FROM indicators x
                           WHERE x.id = m.indicator_id AND x.time_aggregation = 'last'))";
    const PLACE: &str = "CASE m.place_type WHEN 'region' THEN m.place_code ELSE mu.region_id END";
    let statement = match at {
        Moment::Now => format!(
            "SELECT m.indicator_id, m.period_start, m.period_end, m.place_type, m.place_code,
                    {PLACE} AS region_id, m.value, m.numerator, m.denominator, m.text_value
               FROM measurements m
               LEFT JOIN municipalities mu ON m.place_type = 'municipality' AND mu.nis_code = m.place_code
              WHERE m.indicator_id = ANY ($1) AND m.deleted_at IS NULL AND m.period_start <= $2
                AND $3::timestamptz IS NOT NULL AND {SINCE}
              ORDER BY m.indicator_id, m.place_type, m.place_code, m.period_start"
        ),
        Moment::Before(_) => format!(
            "SELECT m.indicator_id, m.period_start, m.period_end, m.place_type, m.place_code,
                    {PLACE} AS region_id, r.value, r.numerator, r.denominator, r.text_value
               FROM measurements m
               JOIN LATERAL (SELECT * FROM measurement_revisions v
                              WHERE v.measurement_id = m.id AND v.recorded_at < $3
                              ORDER BY v.version DESC LIMIT 1) r ON NOT r.deleted
               LEFT JOIN municipalities mu ON m.place_type = 'municipality' AND mu.nis_code = m.place_code
              WHERE m.indicator_id = ANY ($1) AND m.period_start <= $2 AND {SINCE}
              ORDER BY m.indicator_id, m.place_type, m.place_code, m.period_start"
        ),
    };
    Ok(diesel::sql_query(statement)
        .bind::<Array<SqlUuid>, _>(indicator_ids)
        .bind::<Date, _>(to)
        .bind::<Timestamptz, _>(at.instant())
        .bind::<Date, _>(from)
        .load(conn)
        .await?)
}

/// A place an indicator is expected to report for: the municipalities and
/// regions of its initiative or GBO project.
#[derive(Debug, Clone, QueryableByName)]
pub struct ExpectedPlace {
    #[diesel(sql_type = SqlUuid)]
    pub indicator_id: Uuid,
    #[diesel(sql_type = Text)]
    pub place_type: String,
    #[diesel(sql_type = Text)]
    pub place_code: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub region_id: Option<String>,
}

pub async fn expected_places(
    conn: &mut AsyncPgConnection,
    indicator_ids: &[Uuid],
) -> StorageResult<Vec<ExpectedPlace>> {
    Ok(diesel::sql_query(
        "SELECT i.id AS indicator_id, 'municipality' AS place_type, m.nis_code AS place_code, mu.region_id
           FROM indicators i
           JOIN initiative_municipalities m ON m.initiative_id = i.initiative_id
           JOIN municipalities mu ON mu.nis_code = m.nis_code
          WHERE i.id = ANY ($1)
         UNION
         SELECT i.id, 'region', r.region_id, r.region_id
           FROM indicators i JOIN initiative_regions r ON r.initiative_id = i.initiative_id
          WHERE i.id = ANY ($1)
         UNION
         SELECT i.id, 'municipality', g.nis_code, mu.region_id
           FROM indicators i
           JOIN gbo_project_municipalities g ON g.project_id = i.gbo_project_id
           JOIN municipalities mu ON mu.nis_code = g.nis_code
          WHERE i.id = ANY ($1)
         UNION
         SELECT i.id, 'region', mu.region_id, mu.region_id
           FROM indicators i
           JOIN gbo_project_municipalities g ON g.project_id = i.gbo_project_id
           JOIN municipalities mu ON mu.nis_code = g.nis_code
          WHERE i.id = ANY ($1)",
    )
    .bind::<Array<SqlUuid>, _>(indicator_ids)
    .load(conn)
    .await?)
}

/// GBO projects per region and status: a project counts in every region its
/// municipalities lie in.
#[derive(Debug, Clone, QueryableByName)]
pub struct ProjectCount {
    #[diesel(sql_type = Text)]
    pub region_id: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub projects: i64,
}

pub async fn projects_per_region(conn: &mut AsyncPgConnection) -> StorageResult<Vec<ProjectCount>> {
    Ok(diesel::sql_query(
        "SELECT mu.region_id, p.status, count(DISTINCT p.id) AS projects
           FROM gbo_projects p
           JOIN gbo_project_municipalities g ON g.project_id = p.id
           JOIN municipalities mu ON mu.nis_code = g.nis_code
          GROUP BY mu.region_id, p.status",
    )
    .load(conn)
    .await?)
}

/// Published good practices per region: those of the region's platform and
/// those practised in it, each once. Drafts and archived ones are left out.
#[derive(Debug, Clone, QueryableByName)]
pub struct PracticeCount {
    #[diesel(sql_type = Text)]
    pub region_id: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub practices: i64,
}

pub async fn practices_per_region(
    conn: &mut AsyncPgConnection,
) -> StorageResult<Vec<PracticeCount>> {
    Ok(diesel::sql_query(
        "SELECT region_id, count(DISTINCT id) AS practices
           FROM (SELECT p.id, p.region_id FROM practices p
                  WHERE p.status = 'published' AND p.region_id IS NOT NULL
                 UNION ALL
                 SELECT p.id, r.region_id FROM practices p
                   JOIN practice_regions r ON r.practice_id = p.id
                  WHERE p.status = 'published') x
          GROUP BY region_id",
    )
    .load(conn)
    .await?)
}

/// What was committed that the snapshot `seen` (the text of a `pg_snapshot`)
/// did not see, as far as indicator results go, in the transaction's own
/// snapshot.
#[derive(Debug, Default, QueryableByName)]
pub struct WrittenSince {
    /// The indicators written, or one of whose measurements was.
    #[diesel(sql_type = Array<SqlUuid>)]
    pub indicators: Vec<Uuid>,
    /// Whether anything else was written, or `seen` saw a transaction this
    /// transaction's snapshot does not (it is newer, in part at least).
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub others: bool,
}

/// The writes since the snapshot `seen`, from the audit entries of the
/// transactions it did not see (every write path records one).
pub async fn indicators_written_since(
    conn: &mut AsyncPgConnection,
    seen: &str,
) -> StorageResult<WrittenSince> {
    let rows: Vec<WrittenSince> = diesel::sql_query(
        "WITH w AS MATERIALIZED (
                 SELECT resource,
                        CASE WHEN resource IN ('measurement', 'indicator')
                             THEN resource_id::uuid END AS id
                   FROM audit_log
                  WHERE xid >= pg_snapshot_xmin($1::pg_snapshot)
                    AND NOT pg_visible_in_snapshot(xid, $1::pg_snapshot))
         SELECT ARRAY(SELECT m.indicator_id FROM w JOIN measurements m
                        ON w.resource = 'measurement' AND m.id = w.id
                      UNION
                      SELECT i.id FROM w JOIN indicators i
                        ON w.resource = 'indicator' AND i.id = w.id) AS indicators,
                EXISTS (SELECT 1 FROM w WHERE w.resource NOT IN ('measurement', 'indicator'))
                OR pg_snapshot_xmax($1::pg_snapshot) > pg_snapshot_xmax(pg_current_snapshot())
                OR EXISTS (SELECT 1 FROM pg_snapshot_xip(pg_current_snapshot()) x
                            WHERE pg_visible_in_snapshot(x, $1::pg_snapshot))
                    AS others",
    )
    .bind::<Text, _>(seen)
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().unwrap_or(WrittenSince {
        indicators: Vec::new(),
        others: true,
    }))
}
