//! Comments on a proposal, by steering and the proposing region.

use uuid::Uuid;

use super::model::{Comment, CommentCreate};
use super::steps::Actor;
use super::visible_row;
use crate::auth::permissions::proposal_comment;
use crate::domain::plan::check_long_text;
use crate::domain::{InputIssue, Page, Principal};
use crate::service::record;
use crate::service::{Conn, ServiceError, ServiceResult, Writer, check, ensure_valid};
use crate::storage::proposals::{self as store, NewComment};

/// A page of a proposal's comments, oldest first.
pub async fn comments(
    conn: &mut Conn,
    principal: &Principal,
    id: Uuid,
    page: Page,
) -> ServiceResult<(Vec<Comment>, i64)> {
    visible_row(conn, principal, id).await?;
    let (rows, total) = store::comments(conn, id, &page).await?;
    Ok((rows.into_iter().map(Comment::from).collect(), total))
}

/// One comment on a proposal.
pub async fn comment(
    conn: &mut Conn,
    principal: &Principal,
    id: Uuid,
    comment: Uuid,
) -> ServiceResult<Comment> {
    visible_row(conn, principal, id).await?;
    Ok(store::comment(conn, id, comment).await?.into())
}

/// Adds a comment: steering and the proposing region's coordinator.
pub async fn add_comment(
    conn: &mut Conn,
    writer: &Writer<'_>,
    id: Uuid,
    input: CommentCreate,
) -> ServiceResult<Comment> {
    let mut issues = Vec::new();
    check(
        &mut issues,
        "body",
        check_long_text(&input.body, 5000),
        || serde_json::Value::Null,
    );
    if input.body.trim().is_empty() {
        issues.push(InputIssue::body("body", "must not be empty"));
    }
    ensure_valid(issues)?;
    use diesel_async::AsyncConnection;
    conn.transaction::<_, ServiceError, _>(async |conn| {
        let row = visible_row(conn, writer.principal, id).await?;
        proposal_comment(writer.principal, &row.region_id)?;
        let actor = Actor::of(conn, writer).await?;
        let comment: Comment = store::insert_comment(
            conn,
            NewComment {
                proposal_id: id,
                body: input.body,
                author_id: actor.id,
                author_kind: actor.kind.to_owned(),
                author_name: actor.name,
            },
        )
        .await?
        .into();
        record::log(
            conn,
            writer,
            "proposalComment",
            &comment.id.to_string(),
            None,
            Some(&crate::service::snapshot(&comment)?),
        )
        .await?;
        Ok(comment)
    })
    .await
}
