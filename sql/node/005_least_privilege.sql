-- node 005: least privilege in the database.
--
--   fedgate_owner      NOLOGIN  owns every object of fedgate's schemas; the api
--                               handlers are SECURITY DEFINER as it, and tenant
--                               tables FORCE row-level security, so even the owner
--                               sees only the tenant a handler entered
--   fedgate_maintainer NOLOGIN  owns the two maintenance functions that cross
--                               tenants (heartbeat retention, the registration
--                               reconciler's presence check), with policies that
--                               let it see just that
--   fedgate_api        NOLOGIN  executes the api handlers, nothing else: no table
--   fedgate_gateway    LOGIN    the gateway's node connections: a member of
--                               fedgate_api only (set its password, or trust it
--                               in pg_hba.conf, per deployment)
--   fedgate_catalog    LOGIN    the gateway's catalog connections (control
--                               database): reads the catalog, reports health,
--                               settles registrations; no tenant row
--
-- Roles are cluster-wide: creation is guarded, and a concurrent creation by
-- another database's migration is taken as done. Ownership of objects created
-- later is kept by the migration runner (it reassigns whatever a migrating
-- login created in these schemas).

DO $$
DECLARE
    v_role text;
BEGIN
    FOREACH v_role IN ARRAY ARRAY['fedgate_owner', 'fedgate_maintainer', 'fedgate_gateway', 'fedgate_catalog'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = v_role) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I %s', v_role,
                               CASE WHEN v_role IN ('fedgate_gateway', 'fedgate_catalog') THEN 'LOGIN' ELSE 'NOLOGIN' END);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- another database of this cluster created it meanwhile
            END;
        END IF;
    END LOOP;
    GRANT fedgate_api TO fedgate_gateway;
    -- A non-superuser migrating login replaces the owners' functions: it must be a member of them.
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT fedgate_owner, fedgate_maintainer TO %I', current_user);
    END IF;
END
$$;
COMMENT ON ROLE fedgate_owner IS 'Owns fedgate''s schemas and objects; the api handlers run as it (SECURITY DEFINER), under forced row-level security.';
COMMENT ON ROLE fedgate_maintainer IS 'Owns the maintenance functions that cross tenants (heartbeat retention, presence check); sees only what their policies allow.';
COMMENT ON ROLE fedgate_gateway IS 'The gateway''s login to nodes: a member of fedgate_api, which executes the api handlers and nothing else.';
COMMENT ON ROLE fedgate_catalog IS 'The gateway''s login to the control database''s catalog: no privilege on tenant rows.';

-- The API role keeps what the handlers' callers need: the api schema's
-- routines (granted in sql/functions/node/grants.sql) and reading which
-- migrations a node has (a pool checks it when it opens). No table.
REVOKE ALL ON ALL TABLES IN SCHEMA onboarding FROM fedgate_api;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA onboarding FROM fedgate_api;

-- Tenant isolation now binds the owner the handlers run as.
DO $$
DECLARE
    v_table text;
BEGIN
    FOREACH v_table IN ARRAY ARRAY['tenants', 'tenant_activity', 'bootstrap_kits', 'agent_instances',
                                   'agent_heartbeats', 'bootstrap_audit'] LOOP
        EXECUTE format('ALTER POLICY tenant_isolation ON onboarding.%I TO fedgate_owner', v_table);
        EXECUTE format('ALTER TABLE onboarding.%I FORCE ROW LEVEL SECURITY', v_table);
    END LOOP;
END
$$;

-- The audit trail and the activity feed stay append-only for the handlers.
CREATE POLICY append_only ON onboarding.bootstrap_audit AS RESTRICTIVE FOR UPDATE TO fedgate_owner USING (false);
CREATE POLICY append_only_delete ON onboarding.bootstrap_audit AS RESTRICTIVE FOR DELETE TO fedgate_owner USING (false);
CREATE POLICY append_only ON onboarding.tenant_activity AS RESTRICTIVE FOR UPDATE TO fedgate_owner USING (false);
CREATE POLICY append_only_delete ON onboarding.tenant_activity AS RESTRICTIVE FOR DELETE TO fedgate_owner USING (false);
COMMENT ON POLICY append_only ON onboarding.bootstrap_audit IS 'No handler updates the audit trail.';
COMMENT ON POLICY append_only_delete ON onboarding.bootstrap_audit IS 'No handler deletes from the audit trail.';
COMMENT ON POLICY append_only ON onboarding.tenant_activity IS 'No handler updates the activity feed.';
COMMENT ON POLICY append_only_delete ON onboarding.tenant_activity IS 'No handler deletes from the activity feed.';

-- The maintainer's view of tenant rows: heartbeats past their retention, and
-- which tenant ids exist (its policies are in sql/functions/node/grants.sql:
-- they call the retention function).
GRANT USAGE ON SCHEMA onboarding, fedgate TO fedgate_maintainer;
GRANT SELECT (tenant_id, id, reported_at), UPDATE (reported_at), DELETE ON onboarding.agent_heartbeats TO fedgate_maintainer;
GRANT SELECT (id) ON onboarding.tenants TO fedgate_maintainer;
