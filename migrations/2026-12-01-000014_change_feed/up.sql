-- The change feed reads the audit log in the order its transactions became
-- visible: by (xid, id), only below the oldest transaction still running, so
-- a transaction that commits late is delivered, never skipped. Each entry
-- names the version it wrote (the record's version after the write; for a
-- removal, the version removed).
ALTER TABLE audit_log ADD COLUMN version integer;
CREATE INDEX audit_log_feed_idx ON audit_log (xid, id) WHERE xid IS NOT NULL;
DROP INDEX audit_log_xid_idx;
