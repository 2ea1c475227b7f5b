-- 007: agent heartbeats (telemetry), aggregated over a window by the API.

CREATE TABLE IF NOT EXISTS public.agent_heartbeats (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id         uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    agent_instance_id uuid NOT NULL REFERENCES public.agent_instances (id) ON DELETE CASCADE,
    reported_at       timestamptz NOT NULL DEFAULT now(),
    cpu_percent       real CHECK (cpu_percent BETWEEN 0 AND 100),
    memory_mb         real CHECK (memory_mb >= 0),
    events_sent       bigint NOT NULL DEFAULT 0 CHECK (events_sent >= 0),
    status            text NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'degraded', 'error'))
);
CREATE INDEX IF NOT EXISTS agent_heartbeats_tenant_idx ON public.agent_heartbeats (tenant_id, reported_at DESC);
CREATE INDEX IF NOT EXISTS agent_heartbeats_agent_idx ON public.agent_heartbeats (agent_instance_id, reported_at DESC);
COMMENT ON TABLE public.agent_heartbeats IS 'Heartbeats agents report; the telemetry endpoint aggregates them.';
