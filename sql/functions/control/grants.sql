-- Every grant of the control plane's functions (applied after the families).
-- The API role calls the control handlers and nothing else of the catalog.

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA federation FROM PUBLIC;
REVOKE ALL ON FUNCTION api.register_tenant(uuid, jsonb), api.register_unplaced_tenant(uuid, jsonb),
    api.confirm_tenant(uuid, jsonb), api.unregister_tenant(uuid, jsonb), api.kit_context(uuid, jsonb),
    api.regions(uuid, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.register_tenant(uuid, jsonb), api.register_unplaced_tenant(uuid, jsonb),
    api.confirm_tenant(uuid, jsonb), api.unregister_tenant(uuid, jsonb), api.kit_context(uuid, jsonb),
    api.regions(uuid, jsonb) TO fedgate_api;

-- The gateway's catalog login (node migration 005) reads the catalog, reports
-- node health and settles registrations; it writes no catalog row otherwise
-- (a DBA function it executes fails on the table; settle_registrations is
-- SECURITY DEFINER) and touches no tenant row.
GRANT USAGE ON SCHEMA federation, fedgate TO fedgate_catalog;
GRANT SELECT ON ALL TABLES IN SCHEMA federation TO fedgate_catalog;
GRANT INSERT, UPDATE ON federation.federation_node_health TO fedgate_catalog;
GRANT UPDATE (unhealthy_checked_at) ON federation.federation_nodes TO fedgate_catalog;  -- the health trigger
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA federation TO fedgate_catalog;
GRANT UPDATE (healthy, usable, lag_bytes, lag_seconds, replay_lsn, last_error, checked_at)
    ON federation.federation_replicas TO fedgate_catalog;
GRANT INSERT, UPDATE, DELETE ON federation.tenant_request_stats TO fedgate_catalog;  -- report_tenant_stats
GRANT INSERT, UPDATE, DELETE ON federation.enrollment_failures TO fedgate_catalog;  -- count_enrollment_failure
GRANT INSERT, UPDATE, DELETE ON federation.gateway_instances TO fedgate_catalog;  -- instance_heartbeat, instance_stopped
GRANT INSERT, UPDATE, DELETE ON federation.legacy_usage TO fedgate_catalog;  -- report_legacy_usage
GRANT INSERT, UPDATE ON federation.node_load TO fedgate_catalog;  -- report_node_load

-- The admin API's role (control migration 006): the catalog login takes it with
-- SET LOCAL ROLE for an operator's request; it may change the catalog like the
-- CLI, through the same functions. NOINHERIT: the login has the role's
-- privileges only while it has SET it.
GRANT fedgate_operator TO fedgate_catalog;
ALTER ROLE fedgate_catalog NOINHERIT;
GRANT USAGE ON SCHEMA federation, fedgate TO fedgate_operator;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA federation TO fedgate_operator;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA federation TO fedgate_operator;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA federation TO fedgate_operator;
