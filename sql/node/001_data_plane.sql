-- node 001: the data plane in its own schema, onboarding.
--
-- On every node, the control database included (it is the default node):
-- the tenant tables and the reference data their rows point to. The
-- control set has already moved the control database's catalog out of
-- public; on a regional node release 0.1 left an unused copy of it there,
-- removed here.

CREATE SCHEMA IF NOT EXISTS onboarding;
COMMENT ON SCHEMA onboarding IS
    'The data plane: the onboarding tables of the tenants this node holds, the reference data they use, and the helpers of the api handlers. Private: the gateway calls only api.*';
GRANT USAGE ON SCHEMA onboarding TO fedgate_api;

DO $$
DECLARE
    v_table text;
BEGIN
    -- A catalog with content here means this is a control database migrated
    -- as a node: stop before anything is dropped.
    IF to_regclass('public.tenant_federation_map') IS NOT NULL THEN
        IF EXISTS (SELECT 1 FROM public.tenant_federation_map)
           OR EXISTS (SELECT 1 FROM public.federation_nodes WHERE node_id <> 'default') THEN
            RAISE EXCEPTION 'this database holds a federation catalog: migrate it as the control database'
                USING ERRCODE = 'FG409';
        END IF;
    END IF;
    DROP TABLE IF EXISTS public.federation_node_health, public.federation_routing,
                         public.tenant_federation_map, public.federation_nodes, public.regions;
    FOREACH v_table IN ARRAY ARRAY['tenants', 'tenant_activity', 'bootstrap_kits', 'agent_instances',
                                   'agent_heartbeats', 'bootstrap_audit', 'agent_types',
                                   'identity_provider_types'] LOOP
        IF to_regclass('public.' || v_table) IS NOT NULL THEN
            EXECUTE format('ALTER TABLE public.%I SET SCHEMA onboarding', v_table);
        END IF;
    END LOOP;
END
$$;

ALTER TABLE onboarding.tenants
    DROP CONSTRAINT IF EXISTS tenants_region_check,
    ALTER COLUMN region TYPE fedgate.region_code;
COMMENT ON TABLE onboarding.tenants IS 'The tenants this node holds, with their profile. The control plane''s registry lists every tenant.';

-- Every tenant table's key starts with tenant_id: one tenant's rows are found
-- by index and can be published with a row filter (a move replicates them),
-- and the replica identity carries the filter's column.
ALTER TABLE onboarding.agent_heartbeats DROP CONSTRAINT IF EXISTS agent_heartbeats_agent_instance_id_fkey;
ALTER TABLE onboarding.agent_instances DROP CONSTRAINT IF EXISTS agent_instances_kit_id_fkey;

ALTER TABLE onboarding.tenant_activity DROP CONSTRAINT tenant_activity_pkey, ADD PRIMARY KEY (tenant_id, id);
DROP INDEX IF EXISTS onboarding.tenant_activity_tenant_id_idx;  -- the key serves newest-first scans
ALTER TABLE onboarding.bootstrap_audit DROP CONSTRAINT bootstrap_audit_pkey, ADD PRIMARY KEY (tenant_id, id);
DROP INDEX IF EXISTS onboarding.bootstrap_audit_tenant_idx;
ALTER TABLE onboarding.bootstrap_kits DROP CONSTRAINT bootstrap_kits_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE onboarding.agent_instances DROP CONSTRAINT agent_instances_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE onboarding.agent_heartbeats DROP CONSTRAINT agent_heartbeats_pkey, ADD PRIMARY KEY (tenant_id, id);

ALTER TABLE onboarding.agent_instances ADD CONSTRAINT agent_instances_kit_id_fkey
    FOREIGN KEY (tenant_id, kit_id) REFERENCES onboarding.bootstrap_kits (tenant_id, id) ON DELETE SET NULL (kit_id);
DROP INDEX IF EXISTS onboarding.agent_instances_kit_id_idx;
CREATE INDEX agent_instances_kit_idx ON onboarding.agent_instances (tenant_id, kit_id);
ALTER TABLE onboarding.agent_heartbeats ADD CONSTRAINT agent_heartbeats_agent_instance_id_fkey
    FOREIGN KEY (tenant_id, agent_instance_id) REFERENCES onboarding.agent_instances (tenant_id, id) ON DELETE CASCADE;
DROP INDEX IF EXISTS onboarding.agent_heartbeats_agent_idx;
CREATE INDEX agent_heartbeats_agent_idx ON onboarding.agent_heartbeats (tenant_id, agent_instance_id, reported_at DESC);

-- Handlers and helpers are executable by the API role only (grants.sql of
-- the node function families), never by PUBLIC.
ALTER DEFAULT PRIVILEGES IN SCHEMA onboarding REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA api REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
