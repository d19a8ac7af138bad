-- The transaction that wrote each audit entry. A reader that remembers the
-- snapshot it read (pg_current_snapshot()) can then ask whether anything was
-- committed since: an entry whose transaction that snapshot does not see.
-- Entries written before this column existed stay NULL; all of them are
-- committed and seen by every later snapshot.
ALTER TABLE audit_log ADD COLUMN xid xid8;
ALTER TABLE audit_log ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE INDEX audit_log_xid_idx ON audit_log (xid) WHERE xid IS NOT NULL;
