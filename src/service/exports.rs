//! Lists as files: every record a filter selects, read a batch at a time in
//! one read-only snapshot, with the change-feed cursor that follows on from
//! that snapshot (every change the file may miss comes after it).

use std::pin::Pin;

use super::{Conn, ServiceError, ServiceResult};
use crate::domain::Page;
use crate::domain::table::Cell;

/// Records read and handed on together.
pub const BATCH: i64 = 1000;

/// A batch of rows, read on the connection it is given.
pub type Batch<'c> = Pin<Box<dyn Future<Output = ServiceResult<Vec<Vec<Cell>>>> + Send + 'c>>;

/// Tells the compiler that `batch` reads on whatever connection it is given.
pub fn batches<B>(batch: B) -> B
where
    B: for<'c> FnMut(&'c mut Conn, Page) -> Batch<'c> + Send,
{
    batch
}

/// Reads the pages `batch` gives, in order, until one is empty, handing each
/// to `each` (which answers `false` to stop); all in one snapshot. Answers
/// the change-feed cursor of that snapshot.
pub async fn in_snapshot<B, F, Fut>(
    conn: &mut Conn,
    mut batch: B,
    mut each: F,
) -> ServiceResult<String>
where
    B: for<'c> FnMut(&'c mut Conn, Page) -> Batch<'c> + Send,
    F: FnMut(Vec<Vec<Cell>>) -> Fut + Send,
    Fut: Future<Output = bool> + Send,
{
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run::<_, ServiceError, _>(async |conn| {
            let cursor = super::changes::cursor_of_snapshot(conn).await?;
            let mut offset = 0;
            loop {
                let rows = batch(
                    conn,
                    Page {
                        offset,
                        limit: BATCH,
                    },
                )
                .await?;
                if rows.is_empty() || !each(rows).await {
                    break;
                }
                offset += BATCH;
            }
            Ok(cursor)
        })
        .await
}
