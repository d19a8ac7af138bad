//! The plan's history: a version of a challenge, an action or an initiative
//! for every audited write of it, so that a report can show the plan as it
//! was recorded at any moment. Rows are only ever inserted.

use chrono::{DateTime, Utc};
use diesel::sql_types::{Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::StorageResult;

const CHALLENGE: &str = "
    INSERT INTO challenge_versions (challenge_id, plan_id, code, number, title, deleted)
    SELECT id, plan_id, code, number, title, $2 FROM challenges WHERE id = $1::uuid
    UNION ALL
    (SELECT challenge_id, plan_id, code, number, title, true FROM challenge_versions
      WHERE challenge_id = $1::uuid AND $2 AND NOT EXISTS (SELECT 1 FROM challenges WHERE id = $1::uuid)
      ORDER BY seq DESC LIMIT 1)";

const ACTION: &str = "
    INSERT INTO action_versions (action_id, plan_id, code, number, title, status, effective_progress,
                                 weight, challenge_ids, last_progress_on, deleted, origin, proposal_id)
    SELECT a.id, a.plan_id, a.code, a.number, a.title, a.status, a.effective_progress, a.weight,
           ARRAY(SELECT c.challenge_id FROM action_challenges c WHERE c.action_id = a.id ORDER BY 1),
           a.last_progress_on, $2, a.origin, a.proposal_id
      FROM actions a WHERE a.id = $1::uuid
    UNION ALL
    (SELECT action_id, plan_id, code, number, title, status, effective_progress, weight,
            challenge_ids, last_progress_on, true, origin, proposal_id FROM action_versions
      WHERE action_id = $1::uuid AND $2 AND NOT EXISTS (SELECT 1 FROM actions WHERE id = $1::uuid)
      ORDER BY seq DESC LIMIT 1)";

const INITIATIVE: &str = "
    INSERT INTO initiative_versions (initiative_id, plan_id, action_id, code, title, status,
                                     effective_progress, weight, region_ids, last_progress_on,
                                     created_at, deleted)
    SELECT i.id, i.plan_id, i.action_id, i.code, i.title, i.status, i.effective_progress, i.weight,
           ARRAY(SELECT r.region_id FROM initiative_regions r WHERE r.initiative_id = i.id ORDER BY 1),
           i.last_progress_on, i.created_at, $2
      FROM initiatives i WHERE i.id = $1::uuid
    UNION ALL
    (SELECT initiative_id, plan_id, action_id, code, title, status, effective_progress, weight,
            region_ids, last_progress_on, created_at, true FROM initiative_versions
      WHERE initiative_id = $1::uuid AND $2 AND NOT EXISTS (SELECT 1 FROM initiatives WHERE id = $1::uuid)
      ORDER BY seq DESC LIMIT 1)";

/// Adds the version of the record `key` of `resource` as it stands now in
/// this transaction; when `removed`, a version marked deleted that repeats
/// its last one. Resources without a history are left alone.
pub async fn keep(
    conn: &mut AsyncPgConnection,
    resource: &str,
    key: &str,
    removed: bool,
) -> StorageResult<()> {
    let statement = match resource {
        "challenge" => CHALLENGE,
        "action" => ACTION,
        "initiative" => INITIATIVE,
        _ => return Ok(()),
    };
    diesel::sql_query(statement)
        .bind::<Text, _>(key)
        .bind::<Bool, _>(removed)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the rest of this transaction's writes (their versions, audit
/// entries, measurements and the creation of initiatives and indicators) as
/// made at `at` instead of now; `None` goes back to now. The setting ends
/// with the transaction.
pub async fn record_at(
    conn: &mut AsyncPgConnection,
    at: Option<DateTime<Utc>>,
) -> StorageResult<()> {
    diesel::sql_query("SELECT set_config('ssw.recorded_at', $1, true)")
        .bind::<Text, _>(at.map(|t| t.to_rfc3339()).unwrap_or_default())
        .execute(conn)
        .await?;
    Ok(())
}
