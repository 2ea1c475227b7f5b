-- 014: what resolve_node reads, laid out for index-only scans.
-- rank_score is a rule's place in its (tenant, region): +Infinity for the
-- is_primary rule, else its weighted rendezvous score (the formula of
-- rendezvous_score(), which pgTAP checks against this column). Stored, so the
-- top rule of a region is the first entry of an index: no hashing, no sort.

ALTER TABLE public.federation_routing ADD COLUMN IF NOT EXISTS rank_score double precision
    GENERATED ALWAYS AS (
        CASE WHEN is_primary THEN 'Infinity'::double precision
             ELSE weight / -ln(((hashtextextended(tenant_id::text || '/' || region::text || '/' || node_id::text, 0)
                                 & 9007199254740991)::double precision + 0.5) / 9007199254740992.0)
        END) STORED;
COMMENT ON COLUMN public.federation_routing.rank_score IS
    'Infinity for the is_primary rule, else rendezvous_score(tenant_id, region, node_id, weight): higher is tried first.';

CREATE INDEX IF NOT EXISTS federation_routing_rank_idx
    ON public.federation_routing (tenant_id, region, rank_score DESC, node_id) INCLUDE (is_primary);
CREATE INDEX IF NOT EXISTS tenant_federation_map_resolve_idx
    ON public.tenant_federation_map (tenant_id) INCLUDE (primary_node_id, primary_region);
CREATE INDEX IF NOT EXISTS federation_nodes_serving_idx
    ON public.federation_nodes (node_id) INCLUDE (region, status, unhealthy_checked_at);
GRANT SELECT (rank_score) ON public.federation_routing TO fedgate_api;
