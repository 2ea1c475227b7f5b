-- 010: what the role the API handlers run as (fedgate_api) may touch.

GRANT SELECT, INSERT, UPDATE ON public.tenants TO fedgate_api;
GRANT SELECT, INSERT ON public.tenant_activity TO fedgate_api;
GRANT SELECT ON public.regions, public.agent_types, public.identity_provider_types TO fedgate_api;
GRANT SELECT, INSERT, UPDATE ON public.bootstrap_kits, public.agent_instances TO fedgate_api;
GRANT SELECT, INSERT ON public.agent_heartbeats, public.bootstrap_audit TO fedgate_api;
