DROP INDEX audit_log_xid_idx;
ALTER TABLE audit_log DROP COLUMN xid;
