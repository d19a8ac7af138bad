//! What an import reads and writes for many records at once: the work of many
//! indicators, the measurements many rows name, and set-based inserts and
//! updates of measurements (one statement per batch, whatever its size).

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Date, Float8, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::StorageResult;
use super::indicators::IndicatorRow;
use super::measurements::{MeasurementRow, MeasurementValues, NewMeasurement};
use super::schema::{
    gbo_project_municipalities, gbo_project_partners, indicators, initiative_regions, initiatives,
    municipalities, regions,
};
use super::work::WorkFacts;

/// Every region (name, whether it stands for Flanders) and municipality
/// (name, region), the municipalities held from moving until the transaction
/// ends.
pub async fn places(
    conn: &mut AsyncPgConnection,
) -> StorageResult<(
    HashMap<String, (String, bool)>,
    HashMap<String, (String, String)>,
)> {
    let found: Vec<(String, String, bool)> = regions::table
        .select((regions::id, regions::name, regions::flanders_wide))
        .load(conn)
        .await?;
    let regions = found.into_iter().map(|(id, n, w)| (id, (n, w))).collect();
    let found: Vec<(String, String, String)> = municipalities::table
        .select((
            municipalities::nis_code,
            municipalities::name,
            municipalities::region_id,
        ))
        .for_share()
        .load(conn)
        .await?;
    let municipalities = found.into_iter().map(|(id, n, r)| (id, (n, r))).collect();
    Ok((regions, municipalities))
}

/// The indicators with one of these ids or codes, held from changing until
/// the transaction ends.
pub async fn indicators(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
    codes: &[String],
) -> StorageResult<Vec<IndicatorRow>> {
    Ok(indicators::table
        .filter(
            indicators::id
                .eq_any(ids)
                .or(indicators::code.eq_any(codes)),
        )
        .for_share()
        .select(IndicatorRow::as_select())
        .load(conn)
        .await?)
}

/// The work facts of these initiatives: their regions and lead.
pub async fn initiatives(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> StorageResult<HashMap<Uuid, WorkFacts>> {
    let leads: Vec<(Uuid, Uuid)> = initiatives::table
        .filter(initiatives::id.eq_any(ids))
        .select((initiatives::id, initiatives::lead_organisation_id))
        .load(conn)
        .await?;
    let mut facts: HashMap<Uuid, WorkFacts> = leads
        .into_iter()
        .map(|(id, lead)| {
            (
                id,
                WorkFacts {
                    organisations: vec![lead],
                    ..WorkFacts::default()
                },
            )
        })
        .collect();
    let found: Vec<(Uuid, String, bool)> = initiative_regions::table
        .inner_join(regions::table)
        .filter(initiative_regions::initiative_id.eq_any(ids))
        .select((
            initiative_regions::initiative_id,
            regions::id,
            regions::flanders_wide,
        ))
        .order((initiative_regions::initiative_id, regions::id))
        .load(conn)
        .await?;
    for (id, region, wide) in found {
        if let Some(f) = facts.get_mut(&id) {
            f.flanders_wide |= wide;
            f.regions.push(region);
        }
    }
    Ok(facts)
}

/// The work facts of these GBO projects: their municipalities, those
/// municipalities' regions and their partners.
pub async fn gbo_projects(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> StorageResult<HashMap<Uuid, WorkFacts>> {
    let mut facts: HashMap<Uuid, WorkFacts> =
        ids.iter().map(|id| (*id, WorkFacts::default())).collect();
    let places: Vec<(Uuid, String, String)> = gbo_project_municipalities::table
        .inner_join(municipalities::table)
        .filter(gbo_project_municipalities::project_id.eq_any(ids))
        .select((
            gbo_project_municipalities::project_id,
            municipalities::nis_code,
            municipalities::region_id,
        ))
        .order((
            gbo_project_municipalities::project_id,
            municipalities::nis_code,
        ))
        .load(conn)
        .await?;
    for (id, nis, region) in places {
        if let Some(f) = facts.get_mut(&id) {
            f.municipalities.push(nis);
            if !f.regions.contains(&region) {
                f.regions.push(region);
            }
        }
    }
    let partners: Vec<(Uuid, Uuid)> = gbo_project_partners::table
        .filter(gbo_project_partners::project_id.eq_any(ids))
        .select((
            gbo_project_partners::project_id,
            gbo_project_partners::organisation_id,
        ))
        .load(conn)
        .await?;
    for (id, organisation) in partners {
        if let Some(f) = facts.get_mut(&id) {
            f.organisations.push(organisation);
        }
    }
    for f in facts.values_mut() {
        f.regions.sort();
    }
    Ok(facts)
}

/// A current measurement's key: indicator, period start, place type and code.
pub type MeasurementKey = (Uuid, NaiveDate, String, String);

/// The current measurements with one of these ids, external ids (in the
/// source system `source`; `None`: the service's own) or keys, locked (in the order of their ids) until the transaction ends. A batch
/// that names its measurements one way only reads them in one direct
/// statement; a batch that mixes ways unites the three.
pub async fn measurements(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
    (external_ids, source): (&[String], Option<Uuid>),
    keys: &[MeasurementKey],
) -> StorageResult<Vec<MeasurementRow>> {
    let key_columns = (
        keys.iter().map(|k| k.0).collect::<Vec<_>>(),
        keys.iter().map(|k| k.1).collect::<Vec<_>>(),
        keys.iter().map(|k| k.2.as_str()).collect::<Vec<_>>(),
        keys.iter().map(|k| k.3.as_str()).collect::<Vec<_>>(),
    );
    let by_keys = |q: &'static str| {
        diesel::sql_query(q)
            .bind::<Array<SqlUuid>, _>(key_columns.0.clone())
            .bind::<Array<Date>, _>(key_columns.1.clone())
            .bind::<Array<Text>, _>(key_columns.2.clone())
            .bind::<Array<Text>, _>(key_columns.3.clone())
    };
    let rows = match (ids.is_empty(), external_ids.is_empty(), keys.is_empty()) {
        (true, true, true) => Vec::new(),
        (false, true, true) => {
            diesel::sql_query(
                "SELECT m.* FROM measurements m WHERE m.id = ANY ($1) AND m.deleted_at IS NULL
                  ORDER BY m.id FOR UPDATE",
            )
            .bind::<Array<SqlUuid>, _>(ids)
            .load(conn)
            .await?
        }
        (true, true, false) => {
            by_keys(
                "SELECT m.* FROM unnest($1::uuid[], $2::date[], $3::text[], $4::text[])
                        AS k(indicator_id, period_start, place_type, place_code)
                   JOIN measurements m
                     ON m.indicator_id = k.indicator_id AND m.period_start = k.period_start
                    AND m.place_type = k.place_type AND m.place_code = k.place_code
                    AND m.deleted_at IS NULL
                  ORDER BY m.id FOR UPDATE OF m",
            )
            .load(conn)
            .await?
        }
        _ => {
            diesel::sql_query(
                "SELECT m.* FROM measurements m
                  WHERE m.deleted_at IS NULL
                    AND m.id IN (SELECT id FROM measurements WHERE id = ANY ($5)
                                 UNION ALL
                                 SELECT id FROM measurements
                                  WHERE external_id = ANY ($6) AND deleted_at IS NULL
                                    AND external_source IS NOT DISTINCT FROM $7
                                 UNION ALL
                                 SELECT x.id
                                   FROM unnest($1::uuid[], $2::date[], $3::text[], $4::text[])
                                        AS k(indicator_id, period_start, place_type, place_code)
                                   JOIN measurements x
                                     ON x.indicator_id = k.indicator_id
                                    AND x.period_start = k.period_start
                                    AND x.place_type = k.place_type
                                    AND x.place_code = k.place_code
                                    AND x.deleted_at IS NULL)
                  ORDER BY m.id
                  FOR UPDATE",
            )
            .bind::<Array<SqlUuid>, _>(key_columns.0.clone())
            .bind::<Array<Date>, _>(key_columns.1.clone())
            .bind::<Array<Text>, _>(key_columns.2.clone())
            .bind::<Array<Text>, _>(key_columns.3.clone())
            .bind::<Array<SqlUuid>, _>(ids)
            .bind::<Array<Text>, _>(external_ids)
            .bind::<Nullable<SqlUuid>, _>(source)
            .load(conn)
            .await?
        }
    };
    Ok(rows)
}

/// Inserts the measurements in one statement; those whose key or external id
/// another transaction took meanwhile are left out of the answer.
pub async fn insert_measurements(
    conn: &mut AsyncPgConnection,
    new: &[NewMeasurement],
) -> StorageResult<Vec<MeasurementRow>> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    Ok(diesel::sql_query(
        "INSERT INTO measurements (indicator_id, period_start, period_end, place_type, place_code,
                                   value, numerator, denominator, text_value, note,
                                   reporter_id, reporter_kind, external_id, example,
                                   external_source)
         SELECT * FROM unnest($1::uuid[], $2::date[], $3::date[], $4::text[], $5::text[],
                              $6::float8[], $7::float8[], $8::float8[], $9::text[], $10::text[],
                              $11::uuid[], $12::text[], $13::text[], $14::bool[], $15::uuid[])
         ON CONFLICT DO NOTHING
         RETURNING *",
    )
    .bind::<Array<SqlUuid>, _>(new.iter().map(|m| m.indicator_id).collect::<Vec<_>>())
    .bind::<Array<Date>, _>(new.iter().map(|m| m.period_start).collect::<Vec<_>>())
    .bind::<Array<Date>, _>(new.iter().map(|m| m.period_end).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(
        new.iter()
            .map(|m| m.place_type.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(
        new.iter()
            .map(|m| m.place_code.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<Float8>>, _>(new.iter().map(|m| m.value).collect::<Vec<_>>())
    .bind::<Array<Nullable<Float8>>, _>(new.iter().map(|m| m.numerator).collect::<Vec<_>>())
    .bind::<Array<Nullable<Float8>>, _>(new.iter().map(|m| m.denominator).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(
        new.iter()
            .map(|m| m.text_value.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(new.iter().map(|m| m.note.as_str()).collect::<Vec<_>>())
    .bind::<Array<SqlUuid>, _>(new.iter().map(|m| m.reporter_id).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(
        new.iter()
            .map(|m| m.reporter_kind.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<Text>>, _>(
        new.iter()
            .map(|m| m.external_id.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Bool>, _>(new.iter().map(|m| m.example).collect::<Vec<_>>())
    .bind::<Array<Nullable<SqlUuid>>, _>(new.iter().map(|m| m.external_source).collect::<Vec<_>>())
    .load(conn)
    .await?)
}

/// Corrects the measurements in one statement, each one version up.
pub async fn update_measurements(
    conn: &mut AsyncPgConnection,
    changes: &[(Uuid, MeasurementValues)],
) -> StorageResult<Vec<MeasurementRow>> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let v = |f: fn(&MeasurementValues) -> Option<f64>| {
        changes.iter().map(|(_, c)| f(c)).collect::<Vec<_>>()
    };
    Ok(diesel::sql_query(
        "UPDATE measurements m
            SET value = u.value, numerator = u.numerator, denominator = u.denominator,
                text_value = u.text_value, note = u.note, reporter_id = u.reporter_id,
                reporter_kind = u.reporter_kind, external_id = u.external_id,
                external_source = u.external_source, recorded_at = u.recorded_at,
                version = m.version + 1, updated_at = now()
           FROM unnest($1::uuid[], $2::float8[], $3::float8[], $4::float8[], $5::text[],
                       $6::text[], $7::uuid[], $8::text[], $9::text[], $10::timestamptz[],
                       $11::uuid[])
                AS u(id, value, numerator, denominator, text_value, note, reporter_id,
                     reporter_kind, external_id, recorded_at, external_source)
          WHERE m.id = u.id
         RETURNING m.*",
    )
    .bind::<Array<SqlUuid>, _>(changes.iter().map(|(id, _)| *id).collect::<Vec<_>>())
    .bind::<Array<Nullable<Float8>>, _>(v(|c| c.value))
    .bind::<Array<Nullable<Float8>>, _>(v(|c| c.numerator))
    .bind::<Array<Nullable<Float8>>, _>(v(|c| c.denominator))
    .bind::<Array<Nullable<Text>>, _>(
        changes
            .iter()
            .map(|(_, c)| c.text_value.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(
        changes
            .iter()
            .map(|(_, c)| c.note.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<SqlUuid>, _>(
        changes
            .iter()
            .map(|(_, c)| c.reporter_id)
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(
        changes
            .iter()
            .map(|(_, c)| c.reporter_kind.as_str())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<Text>>, _>(
        changes
            .iter()
            .map(|(_, c)| c.external_id.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Timestamptz>, _>(
        changes
            .iter()
            .map(|(_, c)| c.recorded_at)
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<SqlUuid>>, _>(
        changes
            .iter()
            .map(|(_, c)| c.external_source)
            .collect::<Vec<_>>(),
    )
    .load(conn)
    .await?)
}
