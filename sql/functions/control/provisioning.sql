-- Registrations whose node answer was lost: the reconciler's side on the
-- control database. A creation that the gateway could not finish (its node
-- call timed out, the connection dropped, the gateway restarted) leaves its
-- registry row 'provisioning'. Once such a row is older than the gateway's
-- statement timeout, no statement of that creation can still commit on the
-- node, so what the node holds is final: the reconciler asks the node
-- (onboarding.tenants_present) and settles the row here.
--
--   stale_registrations(older_than)       rows to settle, with the node that holds (or not) each
--   settle_registrations(present, absent) confirm what the node holds, undo what it does not

CREATE OR REPLACE FUNCTION federation.stale_registrations(p_older_than interval)
RETURNS TABLE (tenant_id uuid, node_id text)
LANGUAGE sql STABLE
AS $$
    SELECT r.id, coalesce(m.primary_node_id, 'default')
    FROM federation.tenant_registry r
    LEFT JOIN federation.tenant_federation_map m ON m.tenant_id = r.id
    WHERE r.status = 'provisioning' AND r.created_at < now() - p_older_than
    ORDER BY r.created_at
    LIMIT 1000;
$$;
COMMENT ON FUNCTION federation.stale_registrations(interval) IS
    'Registrations still provisioning after p_older_than (at most 1,000, oldest first), each with the node that was to hold its row (the mapped node, else default).';

CREATE OR REPLACE FUNCTION federation.settle_registrations(p_present uuid[], p_absent uuid[])
RETURNS TABLE (confirmed bigint, undone bigint)
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_confirmed bigint;
    v_undone bigint;
BEGIN
    UPDATE federation.tenant_registry SET status = 'active', updated_at = now()
    WHERE id = ANY (coalesce(p_present, '{}')) AND status = 'provisioning';
    GET DIAGNOSTICS v_confirmed = ROW_COUNT;
    -- The map row and routing rules go with the registry row (ON DELETE CASCADE).
    DELETE FROM federation.tenant_registry
    WHERE id = ANY (coalesce(p_absent, '{}')) AND status = 'provisioning';
    GET DIAGNOSTICS v_undone = ROW_COUNT;
    IF v_confirmed + v_undone > 0 THEN
        RAISE LOG 'fedgate: % registrations confirmed, % undone from what their nodes hold', v_confirmed, v_undone;
    END IF;
    RETURN QUERY SELECT v_confirmed, v_undone;
END
$$;
COMMENT ON FUNCTION federation.settle_registrations(uuid[], uuid[]) IS
    'Settles provisioning registrations from what their nodes hold: p_present become active, p_absent are removed with their placement. Rows no longer provisioning are left alone. Returns how many of each. SECURITY DEFINER: the gateway''s catalog login may not delete registry rows itself.';
