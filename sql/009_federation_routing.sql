-- 009: federation. The node catalog, the routing rules, the tenant map (the
-- spec's three tables, with its columns) and the node health the monitor
-- reports. The default node stands for the control database itself: its
-- database_url 'self' means "the gateway's own control database".

CREATE TABLE IF NOT EXISTS public.federation_nodes (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    node_id          varchar(255) UNIQUE NOT NULL CHECK (node_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    region           varchar(100) NOT NULL CHECK (region ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    database_url     text NOT NULL CHECK (length(database_url) > 0),
    status           varchar(50) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'draining', 'down')),
    priority         integer NOT NULL DEFAULT 0,
    placement_weight integer NOT NULL DEFAULT 100 CHECK (placement_weight > 0),
    metadata         jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS federation_nodes_region_idx ON public.federation_nodes (region, status);
COMMENT ON TABLE public.federation_nodes IS
    'Federation nodes (databases). status: active serves and takes new tenants, draining serves only, down serves nothing. database_url is not readable by fedgate_api.';
COMMENT ON COLUMN public.federation_nodes.database_url IS
    'libpq URL or key=value string, or env:VAR (read from the gateway''s environment), or service=NAME; ''self'' is the control database.';
COMMENT ON COLUMN public.federation_nodes.placement_weight IS 'Relative share of new tenants placed in the node''s region.';

CREATE TABLE IF NOT EXISTS public.tenant_federation_map (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id           uuid UNIQUE NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    primary_node_id     varchar(255) NOT NULL REFERENCES public.federation_nodes (node_id) ON UPDATE CASCADE,
    primary_region      varchar(100) NOT NULL,
    federation_metadata jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(federation_metadata) = 'object'),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS tenant_federation_map_node_idx ON public.tenant_federation_map (primary_node_id);
COMMENT ON TABLE public.tenant_federation_map IS 'Each federated tenant''s primary node and region; unmapped tenants live on the default node.';

CREATE TABLE IF NOT EXISTS public.federation_routing (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    region     varchar(100) NOT NULL,
    node_id    varchar(255) NOT NULL REFERENCES public.federation_nodes (node_id) ON UPDATE CASCADE,
    is_primary boolean NOT NULL DEFAULT false,
    weight     integer NOT NULL DEFAULT 100 CHECK (weight > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, region, node_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS federation_routing_one_primary
    ON public.federation_routing (tenant_id, region) WHERE is_primary;
CREATE INDEX IF NOT EXISTS federation_routing_node_idx ON public.federation_routing (node_id);
COMMENT ON TABLE public.federation_routing IS
    'Routing rules: where a tenant''s requests for a region go. is_primary first, else a weighted rendezvous choice; at most one primary per (tenant, region).';

CREATE TABLE IF NOT EXISTS public.federation_node_health (
    node_id              varchar(255) PRIMARY KEY REFERENCES public.federation_nodes (node_id)
                         ON UPDATE CASCADE ON DELETE CASCADE,
    healthy              boolean NOT NULL,
    latency_ms           real CHECK (latency_ms IS NULL OR latency_ms >= 0),
    last_error           text,
    consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    checked_at           timestamptz NOT NULL DEFAULT now(),
    last_change_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.federation_node_health IS
    'Last health report per node. A report older than fedgate.health_stale_after (default 30 s) counts as unknown, so the node is served.';

INSERT INTO public.federation_nodes (node_id, region, database_url, status, priority, metadata)
VALUES ('default', 'us-east', 'self', 'active', 0, '{"role": "control"}')
ON CONFLICT (node_id) DO NOTHING;

GRANT SELECT (id, node_id, region, status, priority, placement_weight, metadata, created_at, updated_at)
    ON public.federation_nodes TO fedgate_api;
GRANT SELECT ON public.tenant_federation_map, public.federation_routing, public.federation_node_health TO fedgate_api;
