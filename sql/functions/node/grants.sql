-- Every grant of the data plane's functions (applied after the families).
-- Nothing is executable by PUBLIC; the API role (the handlers run as it, with
-- row-level security) executes the handlers and the helpers they call.

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA onboarding FROM PUBLIC;
REVOKE ALL ON ALL ROUTINES IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA onboarding TO fedgate_api;
GRANT EXECUTE ON ALL ROUTINES IN SCHEMA api TO fedgate_api;
-- Maintenance crosses tenants: the health checker's login runs it, never the API role.
REVOKE EXECUTE ON FUNCTION onboarding.sweep_heartbeats(integer), onboarding.tenants_present(uuid[]) FROM fedgate_api;
