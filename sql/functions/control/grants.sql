-- Every grant of the control plane's functions (applied after the families).
-- The API role calls the control handlers and nothing else of the catalog.

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA federation FROM PUBLIC;
REVOKE ALL ON FUNCTION api.register_tenant(uuid, jsonb), api.register_unplaced_tenant(uuid, jsonb),
    api.confirm_tenant(uuid, jsonb), api.unregister_tenant(uuid, jsonb), api.kit_context(uuid, jsonb),
    api.regions(uuid, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.register_tenant(uuid, jsonb), api.register_unplaced_tenant(uuid, jsonb),
    api.confirm_tenant(uuid, jsonb), api.unregister_tenant(uuid, jsonb), api.kit_context(uuid, jsonb),
    api.regions(uuid, jsonb) TO fedgate_api;
