-- 015 (every database): the start of the control/data plane split.
--
-- Up to 014 every database got the same schema, catalog and data plane
-- alike, all in public. From here the runner applies two more sets: control
-- (sql/control/, the control database only) and node (sql/node/, every node,
-- the control database included, as it is the default node). This shared
-- migration holds what both planes use, and removes release 0.1's routines:
-- the function families of each plane now live in their own schemas.

CREATE SCHEMA IF NOT EXISTS fedgate;
COMMENT ON SCHEMA fedgate IS 'Types both planes share (region codes).';
GRANT USAGE ON SCHEMA fedgate TO fedgate_api;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                   WHERE n.nspname = 'fedgate' AND t.typname = 'region_code') THEN
        CREATE DOMAIN fedgate.region_code AS text
            CHECK (VALUE ~ '^[a-z0-9][a-z0-9-]{0,62}$');
    END IF;
END
$$;
COMMENT ON DOMAIN fedgate.region_code IS 'A region code: lower-case letters, digits and dashes, 1 to 63 characters (us-east, eu-west).';

-- Release 0.1's function families lived in public and api. Its triggers,
-- its view and its routines go, each by name: a DBA's own functions in public
-- stay, and an object of theirs built on one of 0.1's routines stops the
-- migration (PostgreSQL names it) instead of vanishing with it. A database
-- that never ran 0.1's families has none of them.
DO $$
DECLARE
    v_table text;
    v_trigger text;
    v_routine regprocedure;
BEGIN
    FOR v_table, v_trigger IN
        SELECT t.relname, g.tgname FROM pg_catalog.pg_trigger g
        JOIN pg_catalog.pg_class t ON t.oid = g.tgrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND NOT g.tgisinternal AND g.tgname = ANY (ARRAY[
        'federation_node_health_notify_del', 'federation_node_health_notify_ins',
        'federation_node_health_notify_upd', 'federation_node_health_sync', 'federation_nodes_guard',
        'federation_nodes_notify_del', 'federation_nodes_notify_ins', 'federation_nodes_notify_upd',
        'federation_nodes_touch', 'federation_routing_notify_del', 'federation_routing_notify_ins',
        'federation_routing_notify_upd', 'federation_routing_touch', 'tenant_federation_map_notify_del',
        'tenant_federation_map_notify_ins', 'tenant_federation_map_notify_upd', 'tenant_federation_map_touch',
        'tenants_touch'])
    LOOP
        EXECUTE format('DROP TRIGGER %I ON public.%I', v_trigger, v_table);
    END LOOP;
    DROP VIEW IF EXISTS public.federation_node_status;
    FOR v_routine IN
        SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE (n.nspname = 'public' AND p.proname = ANY (ARRAY[
        'add_node', 'add_route', 'api_enter', 'api_invalid', 'api_page', 'api_page_cursor', 'api_page_limit',
        'api_require_tenant', 'explain_route', 'federation_emit', 'federation_notify_health',
        'federation_notify_statement', 'guard_federation_node', 'health_state', 'identity_field_error',
        'json_object', 'json_text', 'json_text_array', 'json_uuid', 'kit_state', 'kit_token_ttl',
        'node_serving', 'place_tenant', 'remove_route', 'rendezvous_score', 'report_node_health',
        'resolve_node', 'resolve_node_full', 'route_candidates', 'set_node_status', 'sync_node_health',
        'telemetry_window', 'tenant_json', 'tenant_name_taken', 'touch_updated_at']))
           OR (n.nspname = 'api' AND p.proname = ANY (ARRAY[
        'agent_catalog', 'bootstrap_audit', 'bootstrap_scan', 'bootstrap_status', 'confirm_tenant',
        'create_tenant', 'federation_info', 'identity_providers', 'issue_kit', 'kit_meta',
        'kit_verification', 'regions', 'register_tenant', 'report_telemetry', 'seal_kit', 'tenant_activity',
        'tenant_agents', 'tenant_status', 'tenant_telemetry', 'unregister_tenant', 'validate_identity',
        'verify_kit']))
    LOOP
        EXECUTE format('DROP ROUTINE IF EXISTS %s', v_routine);
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION fedgate.touch_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION fedgate.touch_updated_at() IS 'Trigger of both planes: sets updated_at to now() on every update.';
REVOKE ALL ON FUNCTION fedgate.touch_updated_at() FROM PUBLIC;
