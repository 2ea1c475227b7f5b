-- Integrity guards of the federation catalog that constraints cannot say.
--
--   guard_federation_node()  the default node cannot be deleted or renamed; a
--                            node that still holds tenants or routes cannot be
--                            deleted (SQLSTATE FG004, with how to proceed)
--   touch triggers           keep updated_at current (fedgate.touch_updated_at)

CREATE OR REPLACE FUNCTION federation.guard_federation_node()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_tenants bigint;
    v_routes bigint;
BEGIN
    IF OLD.node_id = 'default' AND (TG_OP = 'DELETE' OR NEW.node_id <> OLD.node_id) THEN
        RAISE EXCEPTION 'the default node cannot be deleted or renamed'
            USING ERRCODE = 'FG004', HINT = 'it stands for the control database and serves unmapped tenants';
    END IF;
    IF TG_OP = 'DELETE' THEN
        SELECT count(*) INTO v_tenants FROM federation.tenant_federation_map m WHERE m.primary_node_id = OLD.node_id;
        SELECT count(*) INTO v_routes FROM federation.federation_routing r WHERE r.node_id = OLD.node_id;
        IF v_tenants > 0 OR v_routes > 0 THEN
            RAISE EXCEPTION 'node % still holds % tenant(s) and % routing rule(s)', OLD.node_id, v_tenants, v_routes
                USING ERRCODE = 'FG004',
                      HINT = 'set its status to draining, move its tenants and drop its routes before deleting it';
        END IF;
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION federation.guard_federation_node() IS
    'Trigger: refuses to delete or rename the default node, and to delete a node that still holds tenants or routing rules (FG004).';
