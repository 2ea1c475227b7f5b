-- Every grant of the data plane's functions, and the policies that call them
-- (applied after the families, after every migration).
--
-- Nothing is executable by PUBLIC. The API role executes the api handlers
-- and nothing else; the handlers are SECURITY DEFINER as fedgate_owner, under
-- forced row-level security (node migration 005). verify_kit is a procedure
-- that commits, which a SECURITY DEFINER routine may not: it runs as its
-- caller and does its work in verify_kit_attempt, which is.

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA onboarding FROM PUBLIC, fedgate_api;
REVOKE ALL ON ALL ROUTINES IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON ALL ROUTINES IN SCHEMA api TO fedgate_api;
GRANT EXECUTE ON FUNCTION onboarding.verify_kit_attempt(uuid, jsonb) TO fedgate_api;

-- Maintenance crosses tenants: owned by fedgate_maintainer, run by the health
-- checker's login (a member of fedgate_owner, or a superuser), never the API role.
ALTER FUNCTION onboarding.sweep_heartbeats(integer) OWNER TO fedgate_maintainer;
ALTER FUNCTION onboarding.tenants_present(uuid[]) OWNER TO fedgate_maintainer;
GRANT EXECUTE ON FUNCTION onboarding.heartbeat_retention() TO fedgate_maintainer;
GRANT EXECUTE ON FUNCTION onboarding.sweep_heartbeats(integer), onboarding.tenants_present(uuid[]) TO fedgate_owner;
GRANT EXECUTE ON FUNCTION onboarding.tenant_rows() TO fedgate_owner;  -- the health checker's measure of load
