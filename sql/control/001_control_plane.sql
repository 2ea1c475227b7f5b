-- control 001: the control plane in its own schema, federation.
--
-- The catalog (nodes, routing rules, tenant map, node health, regions) moves
-- out of public; the tenant registry becomes its own table (until now the
-- control database's public.tenants was both the registry of every tenant
-- and the default node's tenant data). Runs before the node set's first
-- migration, which moves public.tenants into the data plane.

CREATE SCHEMA IF NOT EXISTS federation;
COMMENT ON SCHEMA federation IS
    'The control plane: node catalog, routing rules, tenant map and registry, node health, and the DBA functions (resolve_node, explain_route, place_tenant, ...). Control database only.';

-- The weighted rendezvous formula. Versioned here, not in a re-applied
-- function family, because federation_routing.rank_score stores its value:
-- a new formula is a new migration that also recomputes the column.
CREATE OR REPLACE FUNCTION federation.rendezvous_score(p_tenant uuid, p_region text, p_node text, p_weight integer)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN p_weight / -ln(((hashtextextended(p_tenant::text || '/' || p_region || '/' || p_node, 0)
                         & 9007199254740991)::double precision + 0.5) / 9007199254740992.0);
COMMENT ON FUNCTION federation.rendezvous_score(uuid, text, text, integer) IS
    'Weighted rendezvous (highest random weight) score: weight / -ln(u), u uniform in (0,1) from a 53-bit hash of tenant/region/node. The highest score wins; shares follow the weights and removing a node moves only its tenants.';

DO $$
DECLARE
    v_table text;
BEGIN
    FOREACH v_table IN ARRAY ARRAY['federation_nodes', 'federation_routing', 'tenant_federation_map',
                                   'federation_node_health', 'regions'] LOOP
        IF to_regclass('public.' || v_table) IS NOT NULL THEN
            EXECUTE format('ALTER TABLE public.%I SET SCHEMA federation', v_table);
        END IF;
    END LOOP;
END
$$;

-- text and the region domain instead of varchar(n) and copies of the regex.
-- rank_score depends on the columns whose type changes: rebuilt below.
ALTER TABLE federation.federation_routing DROP COLUMN IF EXISTS rank_score;
ALTER TABLE federation.federation_routing
    ALTER COLUMN node_id TYPE text,
    ALTER COLUMN region TYPE fedgate.region_code;
ALTER TABLE federation.tenant_federation_map
    ALTER COLUMN primary_node_id TYPE text,
    ALTER COLUMN primary_region TYPE fedgate.region_code;
ALTER TABLE federation.federation_node_health ALTER COLUMN node_id TYPE text;
ALTER TABLE federation.federation_nodes
    DROP CONSTRAINT IF EXISTS federation_nodes_region_check,
    DROP CONSTRAINT IF EXISTS federation_nodes_status_check,
    DROP CONSTRAINT IF EXISTS federation_nodes_node_id_check,
    ALTER COLUMN node_id TYPE text,
    ALTER COLUMN region TYPE fedgate.region_code,
    ALTER COLUMN status TYPE text;
ALTER TABLE federation.federation_nodes
    ADD CONSTRAINT federation_nodes_node_id_check CHECK (node_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    ADD CONSTRAINT federation_nodes_status_check CHECK (status IN ('active', 'draining', 'down'));
ALTER TABLE federation.regions
    DROP CONSTRAINT IF EXISTS regions_code_check,
    ALTER COLUMN code TYPE fedgate.region_code;

ALTER TABLE federation.federation_routing ADD COLUMN rank_score double precision
    GENERATED ALWAYS AS (CASE WHEN is_primary THEN 'Infinity'::double precision
                              ELSE federation.rendezvous_score(tenant_id, region, node_id, weight) END) STORED;
COMMENT ON COLUMN federation.federation_routing.rank_score IS
    'Infinity for the is_primary rule, else rendezvous_score(tenant_id, region, node_id, weight): higher is tried first.';
CREATE INDEX federation_routing_rank_idx
    ON federation.federation_routing (tenant_id, region, rank_score DESC, node_id) INCLUDE (is_primary);

-- The registry: every tenant of the federation, wherever its data lives.
CREATE TABLE federation.tenant_registry (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    region     fedgate.region_code NOT NULL,
    status     text NOT NULL DEFAULT 'provisioning' CHECK (status IN ('provisioning', 'active', 'suspended')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tenant_registry_name_key ON federation.tenant_registry (lower(name));
COMMENT ON TABLE federation.tenant_registry IS
    'Every tenant of the federation (id, name, home region, lifecycle status). Its data lives on its node: the mapped node, else the default node.';

DO $$
BEGIN
    IF to_regclass('public.tenants') IS NOT NULL THEN
        INSERT INTO federation.tenant_registry (id, name, region, status, created_at, updated_at)
        SELECT t.id, t.name, t.region, t.status, t.created_at, t.updated_at FROM public.tenants t;
        ALTER TABLE federation.tenant_federation_map DROP CONSTRAINT IF EXISTS tenant_federation_map_tenant_id_fkey;
        ALTER TABLE federation.federation_routing DROP CONSTRAINT IF EXISTS federation_routing_tenant_id_fkey;
        -- The default node's data plane keeps the tenants it serves. A tenant
        -- placed on another node has a registry-only row here; it goes,
        -- unless rows of it were written here (through the legacy namespace),
        -- which stay where they are for an operator to move.
        DELETE FROM public.tenants t
        USING federation.tenant_federation_map m
        WHERE m.tenant_id = t.id AND m.primary_node_id <> 'default'
          AND NOT EXISTS (SELECT 1 FROM public.tenant_activity x WHERE x.tenant_id = t.id)
          AND NOT EXISTS (SELECT 1 FROM public.bootstrap_kits x WHERE x.tenant_id = t.id)
          AND NOT EXISTS (SELECT 1 FROM public.agent_instances x WHERE x.tenant_id = t.id)
          AND NOT EXISTS (SELECT 1 FROM public.bootstrap_audit x WHERE x.tenant_id = t.id);
    END IF;
END
$$;
ALTER TABLE federation.tenant_federation_map
    ADD CONSTRAINT tenant_federation_map_tenant_id_fkey FOREIGN KEY (tenant_id)
        REFERENCES federation.tenant_registry (id) ON DELETE CASCADE;
ALTER TABLE federation.federation_routing
    ADD CONSTRAINT federation_routing_tenant_id_fkey FOREIGN KEY (tenant_id)
        REFERENCES federation.tenant_registry (id) ON DELETE CASCADE;

-- The API role reads nothing of the catalog: the control handlers it may call
-- are SECURITY DEFINER functions in the api schema.
REVOKE ALL ON ALL TABLES IN SCHEMA federation FROM fedgate_api;
ALTER DEFAULT PRIVILEGES IN SCHEMA federation REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
