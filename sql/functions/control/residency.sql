-- Data residency: the regions a tenant's rows and requests may be served in, and the
-- guards that hold it at every door.
--
--   residency_regions(regions, field)         a policy as given: known region codes, sorted, no duplicates (FG400)
--   tenant_residency(tenant)              the tenant's policy (NULL: unrestricted)
--   record_residency_event(...)           append one decision to residency_events
--   record_residency_refusal(detail)      a refusal's DETAIL, appended by the caller after its rollback
--   refuse_residency(...)                 raises FG451 with the refusal's DETAIL and the fix
--   check_residency(tenant, node, ...)    a door's check: passes, records an override, or refuses
--   outside_residency(tenant, node)      the node's region is outside the tenant's policy
--   residency_conflicts(tenant, regions)  the tenant's node and rules a policy would break
--   set_residency(tenant, regions, ...)   set or clear a policy (or plan the move that lets it bind)
--   guard_residency()                     constraint trigger of the map and the rules: every write, every door
--   sync_residency()                      registry trigger: the map row's copy, the gateways' caches
--   refuse_residency_rewrite()            residency_events is append-only
--
-- A refusal rolls its transaction back, with the row it would have written: the
-- error's DETAIL carries the event, and fedgate's doors (CLI, admin API, jobs)
-- append it in a transaction of their own (federation.record_residency_refusal).

CREATE OR REPLACE FUNCTION federation.residency_regions(p_regions text[], p_field text DEFAULT 'regions')
RETURNS text[]
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_regions text[];
    v_unknown text[];
BEGIN
    SELECT array_agg(DISTINCT lower(btrim(r)) ORDER BY lower(btrim(r))) INTO v_regions
    FROM unnest(p_regions) r WHERE r IS NOT NULL AND btrim(r) <> '';
    IF v_regions IS NULL THEN
        PERFORM onboarding.api_invalid(p_field, 'a residency names at least one region');
    END IF;
    SELECT array_agg(r ORDER BY r) INTO v_unknown
    FROM unnest(v_regions) r WHERE NOT EXISTS (SELECT 1 FROM federation.regions g WHERE g.code = r);
    IF v_unknown IS NOT NULL THEN
        PERFORM onboarding.api_invalid(p_field, format('unknown region code(s): %s', array_to_string(v_unknown, ', ')));
    END IF;
    RETURN v_regions;
END
$$;
COMMENT ON FUNCTION federation.residency_regions(text[], text) IS
    'A residency policy as given, checked: lower-case known region codes (federation.regions), sorted, without duplicates. FG400 (DETAIL field: p_field) when empty or naming an unknown code.';

CREATE OR REPLACE FUNCTION federation.tenant_residency(p_tenant uuid)
RETURNS text[]
LANGUAGE sql STABLE
AS $$ SELECT r.residency FROM federation.tenant_registry r WHERE r.id = p_tenant $$;
COMMENT ON FUNCTION federation.tenant_residency(uuid) IS
    'The regions the tenant may be served in; NULL: unrestricted (or no such tenant).';

CREATE OR REPLACE FUNCTION federation.record_residency_event(p_tenant uuid, p_action text, p_node text, p_region text,
                                                             p_decision text, p_regions text[], p_reason text,
                                                             p_actor text DEFAULT NULL)
RETURNS bigint
LANGUAGE sql
AS $$
    INSERT INTO federation.residency_events (actor, tenant_id, action, node_id, region, decision, regions, reason)
    VALUES (coalesce(left(p_actor, 255), federation.job_actor()), p_tenant, p_action, p_node, p_region, p_decision,
            p_regions, left(p_reason, 1000))
    RETURNING event_id
$$;
COMMENT ON FUNCTION federation.record_residency_event(uuid, text, text, text, text, text[], text, text) IS
    'Appends one residency decision; who: p_actor, else the fedgate.actor setting (cli:user@host, operator:<sub>, gateway:<instance>), else the database role.';

CREATE OR REPLACE FUNCTION federation.record_residency_refusal(p_detail jsonb)
RETURNS bigint
LANGUAGE sql
AS $$
    SELECT federation.record_residency_event(
        (p_detail ->> 'tenantId')::uuid, p_detail ->> 'action', p_detail ->> 'nodeId', p_detail ->> 'region',
        'refused', ARRAY(SELECT jsonb_array_elements_text(coalesce(p_detail -> 'residency', '[]'::jsonb))),
        p_detail ->> 'reason')
    WHERE p_detail ->> 'residencyRefusal' = 'true'
$$;
COMMENT ON FUNCTION federation.record_residency_refusal(jsonb) IS
    'Appends the refusal an FG451 error described (its DETAIL), after the refused transaction rolled back: fedgate''s CLI, admin API and jobs call it. NULL for a DETAIL that is not a residency refusal.';

CREATE OR REPLACE FUNCTION federation.refuse_residency(p_tenant uuid, p_action text, p_node text, p_region text,
                                                       p_regions text[], p_what text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_message text := format('%s node %s (region %s) is outside tenant %s''s residency (%s)', p_what, p_node, p_region,
                             p_tenant, array_to_string(p_regions, ', '));
BEGIN
    RAISE EXCEPTION '%', v_message
        USING ERRCODE = 'FG451',
              DETAIL = jsonb_build_object('residencyRefusal', true, 'tenantId', p_tenant, 'action', p_action,
                                          'nodeId', p_node, 'region', p_region, 'residency', to_jsonb(p_regions),
                                          'reason', v_message)::text,
              HINT = format('choose a node in %s; an exception is an operator''s to make, recorded: '
                            '--override-residency --reason "..." (SQL: the p_override argument)',
                            array_to_string(p_regions, ' or '));
END
$$;
COMMENT ON FUNCTION federation.refuse_residency(uuid, text, text, text, text[], text) IS
    'Raises FG451 (HTTP 409): the node is outside the tenant''s residency. DETAIL is the refusal as JSON (for record_residency_refusal), HINT the fix.';

CREATE OR REPLACE FUNCTION federation.check_residency(p_tenant uuid, p_node text, p_action text,
                                                      p_override text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_regions text[] := federation.tenant_residency(p_tenant);
    v_region text;
BEGIN
    SELECT n.region INTO v_region FROM federation.federation_nodes n WHERE n.node_id = p_node;
    IF v_regions IS NULL OR v_region IS NULL OR v_region = ANY (v_regions) THEN
        RETURN NULL;  -- unrestricted, unknown node (the caller says so), or inside
    END IF;
    IF nullif(btrim(p_override), '') IS NULL THEN
        PERFORM federation.refuse_residency(p_tenant, p_action, p_node, v_region, v_regions, initcap(p_action) || ' to');
    END IF;
    PERFORM federation.record_residency_event(p_tenant, p_action, p_node, v_region, 'overridden', v_regions,
                                              btrim(p_override));
    RETURN btrim(p_override);
END
$$;
COMMENT ON FUNCTION federation.check_residency(uuid, text, text, text) IS
    'One door''s check of a node for a tenant: NULL when the tenant is unrestricted or the node''s region is in its residency; with an override reason, records the override and returns the reason; else FG451.';

CREATE OR REPLACE FUNCTION federation.outside_residency(p_tenant uuid, p_node text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(NOT n.region::text = ANY (r.residency), false)
    FROM federation.tenant_registry r, federation.federation_nodes n
    WHERE r.id = p_tenant AND n.node_id = p_node
$$;
COMMENT ON FUNCTION federation.outside_residency(uuid, text) IS
    'True when the tenant has a residency and the node''s region is not in it.';

CREATE OR REPLACE FUNCTION federation.residency_conflicts(p_tenant uuid, p_regions text[])
RETURNS TABLE (kind text, node_id text, region text, rule_region text)
LANGUAGE sql STABLE
AS $$
    SELECT 'node', n.node_id::text, n.region::text, NULL::text
    FROM federation.federation_nodes n
    WHERE n.node_id = coalesce((SELECT m.primary_node_id FROM federation.tenant_federation_map m
                                WHERE m.tenant_id = p_tenant AND m.residency_override IS NULL),
                               CASE WHEN NOT EXISTS (SELECT 1 FROM federation.tenant_federation_map m
                                                     WHERE m.tenant_id = p_tenant) THEN 'default' END)
      AND NOT n.region = ANY (p_regions)
    UNION ALL
    SELECT 'rule', r.node_id::text, n.region::text, r.region::text
    FROM federation.federation_routing r
    JOIN federation.federation_nodes n ON n.node_id = r.node_id
    WHERE r.tenant_id = p_tenant AND r.residency_override IS NULL AND NOT n.region = ANY (p_regions)
      -- a rule to the tenant's own node is that node's conflict (a move takes its rules along)
      AND r.node_id IS DISTINCT FROM (SELECT m.primary_node_id FROM federation.tenant_federation_map m
                                      WHERE m.tenant_id = p_tenant)
    ORDER BY 1, 2, 4
$$;
COMMENT ON FUNCTION federation.residency_conflicts(uuid, text[]) IS
    'What a residency policy would break for a tenant: its node (the mapped one, else the default node) and its rules to other nodes, where their node''s region is outside the policy and no override covers them.';

CREATE OR REPLACE FUNCTION federation.set_residency(p_tenant uuid, p_regions text[], p_reason text DEFAULT NULL,
                                                    p_move boolean DEFAULT false)
RETURNS TABLE (tenant_id uuid, residency text[], move_id bigint, target_node text)
LANGUAGE plpgsql
AS $$
DECLARE
    v_regions text[];
    v_old text[];
    v_conflict record;
    v_rule record;
    v_target text;
    v_move federation.tenant_moves;
BEGIN
    SELECT r.residency INTO v_old FROM federation.tenant_registry r WHERE r.id = p_tenant FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % is not registered', p_tenant USING ERRCODE = 'FG404';
    END IF;
    IF p_regions IS NULL THEN  -- cleared: unrestricted again
        UPDATE federation.tenant_registry r SET residency = NULL WHERE r.id = p_tenant;
        PERFORM federation.record_residency_event(p_tenant, 'policy', NULL, NULL, 'cleared', v_old, p_reason);
        RETURN QUERY SELECT p_tenant, NULL::text[], NULL::bigint, NULL::text;
        RETURN;
    END IF;
    v_regions := federation.residency_regions(p_regions);
    SELECT * INTO v_rule FROM federation.residency_conflicts(p_tenant, v_regions) c WHERE c.kind = 'rule' LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'tenant %''s rule for region % names node % (region %), outside %', p_tenant,
                        v_rule.rule_region, v_rule.node_id, v_rule.region, array_to_string(v_regions, ', ')
            USING ERRCODE = 'FG409',
                  HINT = format('remove it first (fedgate route remove %s %s %s) or keep it as a recorded exception '
                                '(fedgate route add ... --override-residency --reason "...")',
                                p_tenant, v_rule.rule_region, v_rule.node_id);
    END IF;
    SELECT * INTO v_conflict FROM federation.residency_conflicts(p_tenant, v_regions) c WHERE c.kind = 'node';
    IF FOUND THEN
        -- Where the tenant would go: placement's choice among the active nodes of the policy's regions.
        SELECT n.node_id INTO v_target FROM federation.federation_nodes n
        WHERE n.region = ANY (v_regions) AND n.status = 'active'
          AND federation.node_serving(n.status, n.unhealthy_checked_at)
        ORDER BY array_position(v_regions, n.region::text),
                 federation.rendezvous_score(p_tenant, n.region, n.node_id, n.placement_weight) DESC, n.node_id
        LIMIT 1;
        IF NOT coalesce(p_move, false) OR v_target IS NULL THEN
            RAISE EXCEPTION 'tenant % lives on node % (region %), outside %', p_tenant, v_conflict.node_id,
                            v_conflict.region, array_to_string(v_regions, ', ')
                USING ERRCODE = 'FG409',
                      HINT = CASE WHEN v_target IS NULL THEN 'no active node serves those regions'
                                  ELSE format('move it first (fedgate tenant move %s --to %s), or set the policy with '
                                              '--move: the move is started and the policy binds at its switch',
                                              p_tenant, v_target) END;
        END IF;
        v_move := federation.start_move(p_tenant, v_target);
        UPDATE federation.tenant_moves m SET residency = v_regions WHERE m.move_id = v_move.move_id;
        PERFORM federation.record_residency_event(p_tenant, 'policy', v_target,
                                                  (SELECT n.region FROM federation.federation_nodes n
                                                   WHERE n.node_id = v_target), 'planned', v_regions, p_reason);
        RETURN QUERY SELECT p_tenant, v_old, v_move.move_id, v_target;
        RETURN;
    END IF;
    UPDATE federation.tenant_registry r SET residency = v_regions WHERE r.id = p_tenant;
    PERFORM federation.record_residency_event(p_tenant, 'policy', NULL, NULL, 'set', v_regions, p_reason);
    RETURN QUERY SELECT p_tenant, v_regions, NULL::bigint, NULL::text;
END
$$;
COMMENT ON FUNCTION federation.set_residency(uuid, text[], text, boolean) IS
    'Sets the regions a tenant may be served in (NULL clears it), recorded with its reason. A policy its node or a rule breaks is refused (FG409, naming them and the fix), unless p_move: then a move to a node inside it starts and the policy binds at its switch (the result names the move). FG400 for an empty list or an unknown region, FG404 for an unknown tenant.';

CREATE OR REPLACE FUNCTION federation.guard_residency()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_node text;
    v_region text;
    v_regions text[];
    v_action text;
BEGIN
    IF TG_TABLE_NAME = 'tenant_federation_map' THEN
        v_node := NEW.primary_node_id;
        v_action := 'map';
        v_regions := NEW.residency;
    ELSE
        v_node := NEW.node_id;
        v_action := 'route';
        v_regions := federation.tenant_residency(NEW.tenant_id);
    END IF;
    IF v_regions IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT n.region INTO v_region FROM federation.federation_nodes n WHERE n.node_id = v_node;
    IF v_region = ANY (v_regions) THEN
        RETURN NULL;
    END IF;
    IF NEW.residency_override IS NULL THEN
        PERFORM federation.refuse_residency(NEW.tenant_id, v_action, v_node, v_region, v_regions,
                                            CASE WHEN v_action = 'map' THEN 'Placement on' ELSE 'A rule to' END);
    END IF;
    -- Recorded when the override is new or now covers another node (tables differ: read OLD as JSON).
    IF TG_OP = 'INSERT'
       OR to_jsonb(OLD) ->> 'residency_override' IS DISTINCT FROM NEW.residency_override
       OR to_jsonb(OLD) ->> (CASE WHEN v_action = 'map' THEN 'primary_node_id' ELSE 'node_id' END) IS DISTINCT FROM v_node THEN
        PERFORM federation.record_residency_event(NEW.tenant_id, v_action, v_node, v_region, 'overridden', v_regions,
                                                  NEW.residency_override);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION federation.guard_residency() IS
    'Constraint trigger of tenant_federation_map and federation_routing: a row naming a node outside the tenant''s residency is refused (FG451) unless it carries an override reason, which is recorded. Holds for every writer, psql included.';

CREATE OR REPLACE FUNCTION federation.sync_residency()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_conflict record;
BEGIN
    UPDATE federation.tenant_federation_map m SET residency = NEW.residency WHERE m.tenant_id = NEW.id;
    IF NEW.residency IS NOT NULL THEN  -- the tenant's node (the default one when unmapped) and its rules
        SELECT * INTO v_conflict FROM federation.residency_conflicts(NEW.id, NEW.residency) LIMIT 1;
        IF FOUND THEN
            PERFORM federation.refuse_residency(NEW.id, 'policy', v_conflict.node_id, v_conflict.region, NEW.residency,
                                                CASE WHEN v_conflict.kind = 'rule' THEN 'A rule''s' ELSE 'Its' END);
        END IF;
    END IF;
    -- The map's own notification is skipped for writes made by triggers: the gateways drop this tenant's
    -- cached resolutions (and the residency they carry) from this one.
    PERFORM federation.federation_emit(jsonb_build_object('table', 'tenant_registry', 'op', 'update',
                                                          'tenant_ids', jsonb_build_array(NEW.id)));
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION federation.sync_residency() IS
    'Registry trigger on a residency change: copies it to the map row, refuses a policy the tenant''s node (the default node when unmapped) or a rule breaks without an override (FG451), and notifies the gateways.';

CREATE OR REPLACE FUNCTION federation.refuse_residency_rewrite()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'residency_events is append-only: % refused', TG_OP USING ERRCODE = 'FG409';
END
$$;
COMMENT ON FUNCTION federation.refuse_residency_rewrite() IS
    'Trigger: residency_events refuses UPDATE, DELETE and TRUNCATE.';
