-- 006: agent instances registered by a verified kit.

CREATE TABLE IF NOT EXISTS public.agent_instances (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    kit_id        uuid REFERENCES public.bootstrap_kits (id) ON DELETE SET NULL,
    hostname      text NOT NULL CHECK (length(hostname) BETWEEN 1 AND 253),
    agent_type    text NOT NULL REFERENCES public.agent_types (id),
    version       text NOT NULL CHECK (length(version) BETWEEN 1 AND 64),
    registered_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, hostname, agent_type)
);
CREATE INDEX IF NOT EXISTS agent_instances_kit_id_idx ON public.agent_instances (kit_id);
CREATE INDEX IF NOT EXISTS agent_instances_agent_type_idx ON public.agent_instances (agent_type);
COMMENT ON TABLE public.agent_instances IS 'Agents enrolled through a verified bootstrap kit.';
