-- 011: tenant isolation in the database. Every tenant table has row-level
-- security for the API role, keyed by the transaction-local setting
-- fedgate.tenant_id, which every api handler sets first (api_enter) from
-- the tenant id the gateway routed on. Without the setting nothing is visible.

ALTER TABLE public.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.tenant_activity ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.bootstrap_kits ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.agent_instances ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.agent_heartbeats ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.bootstrap_audit ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS tenant_isolation ON public.tenants;
CREATE POLICY tenant_isolation ON public.tenants TO fedgate_api
    USING (id = nullif(current_setting('fedgate.tenant_id', true), '')::uuid)
    WITH CHECK (id = nullif(current_setting('fedgate.tenant_id', true), '')::uuid);

DO $$
DECLARE
    v_table text;
BEGIN
    FOREACH v_table IN ARRAY ARRAY['tenant_activity', 'bootstrap_kits', 'agent_instances',
                                   'agent_heartbeats', 'bootstrap_audit'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON public.%I', v_table);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON public.%I TO fedgate_api
            USING (tenant_id = nullif(current_setting('fedgate.tenant_id', true), '')::uuid)
            WITH CHECK (tenant_id = nullif(current_setting('fedgate.tenant_id', true), '')::uuid)$p$, v_table);
    END LOOP;
END
$$;

-- The audit trail is append-only for the API role.
REVOKE UPDATE, DELETE ON public.bootstrap_audit, public.tenant_activity FROM fedgate_api;
