-- 013: the serving state resolve_node needs, on the node row itself, so a
-- resolution reads one row per node instead of joining the health table.
-- unhealthy_checked_at is the time of the node's latest health report when
-- that report was unhealthy, NULL otherwise; a trigger on
-- federation_node_health keeps it (see sql/functions/health.sql).

ALTER TABLE public.federation_nodes ADD COLUMN IF NOT EXISTS unhealthy_checked_at timestamptz;
COMMENT ON COLUMN public.federation_nodes.unhealthy_checked_at IS
    'When the latest health report said unhealthy (NULL when it said healthy, or there is none). Maintained from federation_node_health.';
UPDATE public.federation_nodes n SET unhealthy_checked_at = h.checked_at
FROM public.federation_node_health h WHERE h.node_id = n.node_id AND NOT h.healthy;
GRANT SELECT (unhealthy_checked_at) ON public.federation_nodes TO fedgate_api;
