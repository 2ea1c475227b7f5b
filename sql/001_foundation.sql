-- 001: the role API handlers run as, and the schema that holds their functions.
-- Roles are cluster-wide, so creation is guarded: several databases of one
-- cluster (tests, templates) run this migration.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'fedgate_api') THEN
        CREATE ROLE fedgate_api NOLOGIN;
    END IF;
    -- A non-superuser owner must be a member to SET ROLE fedgate_api.
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT fedgate_api TO %I', current_user);
    END IF;
END
$$;

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE SCHEMA IF NOT EXISTS api;
COMMENT ON SCHEMA api IS 'Handler functions the gateway calls, one per endpoint: JSON in, JSON out.';
GRANT USAGE ON SCHEMA api TO fedgate_api;
GRANT USAGE ON SCHEMA public TO fedgate_api;
