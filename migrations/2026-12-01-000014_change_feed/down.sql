CREATE INDEX audit_log_xid_idx ON audit_log (xid) WHERE xid IS NOT NULL;
DROP INDEX audit_log_feed_idx;
ALTER TABLE audit_log DROP COLUMN version;
