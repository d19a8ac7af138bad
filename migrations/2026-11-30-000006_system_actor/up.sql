-- Writes made at the command line (`create-user`, `seed`) are recorded with
-- the actor kind `system` and the nil id.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_kind_check
    CHECK (actor_kind IN ('user', 'serviceAccount', 'system'));
