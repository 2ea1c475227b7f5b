-- Every trigger of the control plane, in one place (their functions are in the family files; applied
-- after them, before grants.sql). CREATE OR REPLACE: re-applying this file changes nothing.

-- health
CREATE OR REPLACE TRIGGER federation_node_health_sync AFTER INSERT OR UPDATE OR DELETE ON federation.federation_node_health
    FOR EACH ROW EXECUTE FUNCTION federation.sync_node_health();

-- integrity
DO $$
DECLARE
    v_table text;
BEGIN
    FOREACH v_table IN ARRAY ARRAY['tenant_registry', 'federation_nodes', 'federation_routing', 'tenant_federation_map'] LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE UPDATE ON federation.%I
                        FOR EACH ROW EXECUTE FUNCTION fedgate.touch_updated_at()', v_table || '_touch', v_table);
    END LOOP;
END
$$;
CREATE OR REPLACE TRIGGER federation_nodes_guard BEFORE UPDATE OF node_id OR DELETE ON federation.federation_nodes
    FOR EACH ROW EXECUTE FUNCTION federation.guard_federation_node();

-- moves
CREATE OR REPLACE TRIGGER tenant_moves_notify AFTER INSERT OR UPDATE ON federation.tenant_moves
    FOR EACH ROW EXECUTE FUNCTION federation.federation_notify_moves();

-- limits
CREATE OR REPLACE TRIGGER tenant_limits_notify AFTER INSERT OR UPDATE OR DELETE ON federation.tenant_limits
    FOR EACH ROW EXECUTE FUNCTION federation.federation_notify_limits();
CREATE OR REPLACE TRIGGER gateway_instances_notify_ins AFTER INSERT ON federation.gateway_instances
    FOR EACH ROW EXECUTE FUNCTION federation.federation_notify_instances();
CREATE OR REPLACE TRIGGER gateway_instances_notify_upd AFTER UPDATE ON federation.gateway_instances
    FOR EACH ROW WHEN (OLD.stopped_at IS DISTINCT FROM NEW.stopped_at) EXECUTE FUNCTION federation.federation_notify_instances();

-- notify
DO $$
DECLARE
    v_table text;
BEGIN
    FOREACH v_table IN ARRAY ARRAY['federation_nodes', 'federation_routing', 'tenant_federation_map'] LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER INSERT ON federation.%I REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_statement()',
                       v_table || '_notify_ins', v_table);
        EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER UPDATE ON federation.%I
                        REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_statement()',
                       v_table || '_notify_upd', v_table);
        EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER DELETE ON federation.%I REFERENCING OLD TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_statement()',
                       v_table || '_notify_del', v_table);
    END LOOP;
END
$$;
CREATE OR REPLACE TRIGGER federation_node_health_notify_ins AFTER INSERT ON federation.federation_node_health
    FOR EACH ROW EXECUTE FUNCTION federation.federation_notify_health();
CREATE OR REPLACE TRIGGER federation_node_health_notify_upd AFTER UPDATE ON federation.federation_node_health
    FOR EACH ROW WHEN (OLD.healthy IS DISTINCT FROM NEW.healthy) EXECUTE FUNCTION federation.federation_notify_health();
CREATE OR REPLACE TRIGGER federation_node_health_notify_del AFTER DELETE ON federation.federation_node_health
    FOR EACH ROW EXECUTE FUNCTION federation.federation_notify_health();

-- replicas
CREATE OR REPLACE TRIGGER federation_replicas_notify_ins AFTER INSERT ON federation.federation_replicas
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_replicas();
CREATE OR REPLACE TRIGGER federation_replicas_notify_upd AFTER UPDATE ON federation.federation_replicas
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_replicas();
CREATE OR REPLACE TRIGGER federation_replicas_notify_del AFTER DELETE ON federation.federation_replicas
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_replicas();

-- legacy
CREATE OR REPLACE TRIGGER legacy_policy_notify AFTER UPDATE ON federation.legacy_policy
    FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_legacy();
CREATE OR REPLACE TRIGGER legacy_off_notify AFTER INSERT OR DELETE ON federation.legacy_off
    FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_legacy();

-- residency
DROP TRIGGER IF EXISTS tenant_federation_map_residency ON federation.tenant_federation_map;
CREATE CONSTRAINT TRIGGER tenant_federation_map_residency
    AFTER INSERT OR UPDATE OF primary_node_id, residency, residency_override ON federation.tenant_federation_map
    DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION federation.guard_residency();
DROP TRIGGER IF EXISTS federation_routing_residency ON federation.federation_routing;
CREATE CONSTRAINT TRIGGER federation_routing_residency
    AFTER INSERT OR UPDATE OF tenant_id, node_id, residency_override ON federation.federation_routing
    DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION federation.guard_residency();
CREATE OR REPLACE TRIGGER tenant_registry_residency AFTER UPDATE OF residency ON federation.tenant_registry
    FOR EACH ROW WHEN (OLD.residency IS DISTINCT FROM NEW.residency) EXECUTE FUNCTION federation.sync_residency();
CREATE OR REPLACE TRIGGER residency_events_append_only BEFORE UPDATE OR DELETE ON federation.residency_events
    FOR EACH ROW EXECUTE FUNCTION federation.refuse_residency_rewrite();
CREATE OR REPLACE TRIGGER residency_events_no_truncate BEFORE TRUNCATE ON federation.residency_events
    FOR EACH STATEMENT EXECUTE FUNCTION federation.refuse_residency_rewrite();

-- routing
-- pg_trigger_depth() = 0: writes by statements; sync_top_routes writes computed arrays itself.
CREATE OR REPLACE TRIGGER tenant_federation_map_top_routes BEFORE INSERT OR UPDATE ON federation.tenant_federation_map
    FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION federation.derive_top_routes();
CREATE OR REPLACE TRIGGER federation_routing_top_ins AFTER INSERT ON federation.federation_routing
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.sync_top_routes();
CREATE OR REPLACE TRIGGER federation_routing_top_upd AFTER UPDATE ON federation.federation_routing
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.sync_top_routes();
CREATE OR REPLACE TRIGGER federation_routing_top_del AFTER DELETE ON federation.federation_routing
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.sync_top_routes();
