-- Change notification for the gateways' resolution caches.
--
-- Every statement that changes federation_nodes, federation_routing or
-- tenant_federation_map sends one NOTIFY on channel fedgate_catalog with
-- {"table", "op", "tenant_ids", "node_ids"}; a health report that flips a
-- node's healthy flag sends {"table": "federation_node_health", ...}. A
-- payload that would not fit says {"all": true} instead of listing ids.

CREATE OR REPLACE FUNCTION federation.federation_emit(p_payload jsonb)
RETURNS void
LANGUAGE sql
AS $$ SELECT pg_notify('fedgate_catalog', p_payload::text) $$;
COMMENT ON FUNCTION federation.federation_emit(jsonb) IS
    'Sends one catalog change notification on channel fedgate_catalog (all federation triggers go through here).';

CREATE OR REPLACE FUNCTION federation.federation_notify_statement()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_tenants jsonb;
    v_nodes jsonb;
    v_payload jsonb;
BEGIN
    IF TG_TABLE_NAME = 'federation_nodes' AND TG_OP = 'UPDATE' THEN
        IF NOT EXISTS (
            SELECT 1 FROM changed c JOIN old_rows o ON o.id = c.id
            WHERE (c.node_id, c.region, c.database_url, c.status, c.priority, c.placement_weight, c.metadata)
                  IS DISTINCT FROM (o.node_id, o.region, o.database_url, o.status, o.priority, o.placement_weight, o.metadata)) THEN
            RETURN NULL;  -- only the serving state copied from a health report: that table notifies
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'tenant_federation_map' AND TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN
        -- sync_top_routes rewriting derived columns: federation_routing's own trigger notifies. (A cascade
        -- that deletes map rows runs as a trigger too, and still notifies; a renamed node notifies through
        -- federation_nodes, which drops every cached resolution.)
        RETURN NULL;
    END IF;
    SELECT coalesce(jsonb_agg(DISTINCT r.j -> 'tenant_id') FILTER (WHERE r.j ? 'tenant_id'), '[]'::jsonb),
           coalesce(jsonb_agg(DISTINCT coalesce(r.j -> 'node_id', r.j -> 'primary_node_id'))
                    FILTER (WHERE r.j ? 'node_id' OR r.j ? 'primary_node_id'), '[]'::jsonb)
      INTO v_tenants, v_nodes
    FROM (SELECT to_jsonb(c) AS j FROM changed c) r;
    IF v_tenants = '[]'::jsonb AND v_nodes = '[]'::jsonb THEN
        RETURN NULL;  -- the statement changed no row
    END IF;
    v_payload := jsonb_build_object('table', TG_TABLE_NAME, 'op', lower(TG_OP),
                                    'tenant_ids', v_tenants, 'node_ids', v_nodes);
    IF length(v_payload::text) > 7000 THEN
        v_payload := jsonb_build_object('table', TG_TABLE_NAME, 'op', lower(TG_OP), 'all', true);
    END IF;
    PERFORM federation.federation_emit(v_payload);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION federation.federation_notify_statement() IS
    'Statement trigger of the federation tables: one NOTIFY per statement naming the tenants and nodes it changed.';

CREATE OR REPLACE FUNCTION federation.federation_notify_health()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM federation.federation_emit(jsonb_build_object(
        'table', TG_TABLE_NAME, 'op', lower(TG_OP), 'tenant_ids', '[]'::jsonb,
        'node_ids', jsonb_build_array(coalesce(NEW.node_id, OLD.node_id))));
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION federation.federation_notify_health() IS
    'Row trigger of federation_node_health: notifies when a node''s healthy flag appears, flips or is removed.';
