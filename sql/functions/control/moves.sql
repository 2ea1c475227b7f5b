-- Tenant moves: the state machine a mover (fedgate tenant move, or a DBA in
-- psql) drives. Every step is a compare-and-set on the move's state, so two
-- movers never both advance one move; the switch of the map and routing rules
-- is one transaction.
--
--   start_move(tenant, target, keep_source, parent, override)   open a move (state copying) and record its job
--   advance_move(move, from, to, progress)    the next state, with progress figures
--   fence_move(move)                          cutover: the tenant is held by every gateway
--   switch_move(move, reversible_for)         the map and rules name the target; the fence lifts
--   switch_back_move(move) / unfence_move     a reversible move's way back, or a flip that did not happen
--   rehome_tenant(tenant, from, to, override) the map and rules of either switch
--   reverse_move / forward_move / complete_move(move)   an operator's request of a switched move (request_move)
--   abort_move(move, why) / fail_move(...)    before the switch only: the tenant stays on its source
--   drain_plan(node)                          where each tenant of a node goes when it is drained
--   federation_moves (view)                   what a DBA watches

CREATE OR REPLACE FUNCTION federation.move_source(p_tenant uuid)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT coalesce((SELECT m.primary_node_id FROM federation.tenant_federation_map m WHERE m.tenant_id = p_tenant),
                    'default');
$$;
COMMENT ON FUNCTION federation.move_source(uuid) IS 'The node a tenant''s data is on: its mapped primary node, else the default node.';

CREATE OR REPLACE FUNCTION federation.start_move(p_tenant uuid, p_target text, p_keep_source boolean DEFAULT false,
                                                p_parent bigint DEFAULT NULL, p_override text DEFAULT NULL)
RETURNS federation.tenant_moves
LANGUAGE plpgsql
AS $$
DECLARE
    v_status text;
    v_source text := federation.move_source(p_tenant);
    v_target_status text;
    v_override text;
    v_row federation.tenant_moves;
BEGIN
    SELECT r.status INTO v_status FROM federation.tenant_registry r WHERE r.id = p_tenant;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % is not registered', p_tenant USING ERRCODE = 'FG404';
    ELSIF v_status = 'provisioning' THEN
        RAISE EXCEPTION 'tenant % is still being created', p_tenant USING ERRCODE = 'FG409';
    END IF;
    SELECT n.status INTO v_target_status FROM federation.federation_nodes n WHERE n.node_id = p_target;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown node: %', p_target USING ERRCODE = 'FG404';
    ELSIF v_target_status <> 'active' THEN
        RAISE EXCEPTION 'node % is %: a move needs an active target', p_target, v_target_status USING ERRCODE = 'FG409';
    ELSIF p_target = v_source THEN
        RAISE EXCEPTION 'tenant % is already on node %', p_tenant, p_target USING ERRCODE = 'FG409';
    END IF;
    v_override := federation.check_residency(p_tenant, p_target, CASE WHEN p_parent IS NULL THEN 'move' ELSE 'drain' END,
                                             p_override);
    BEGIN
        INSERT INTO federation.tenant_moves (tenant_id, source_node, target_node, keep_source, residency_override)
        VALUES (p_tenant, v_source, p_target, coalesce(p_keep_source, false), v_override)
        RETURNING * INTO v_row;
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'tenant % already has a move in progress', p_tenant USING ERRCODE = 'FG409',
            HINT = 'SELECT * FROM federation_moves WHERE tenant_id = ... ; resume or abort it';
    END;
    PERFORM federation.enqueue_job('move', format('move %s: tenant %s to %s', v_row.move_id, p_tenant, p_target),
                                   v_row.move_id, NULL, '{}'::jsonb, p_parent);
    IF p_parent IS NOT NULL THEN  -- a drain's or plan's move: its item knows it from now on
        UPDATE federation.plan_items i SET move_id = v_row.move_id WHERE i.job_id = p_parent AND i.tenant_id = p_tenant;
    END IF;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.start_move(uuid, text, boolean, bigint, text) IS
    'Opens a move of a tenant from the node its data is on (mapped primary, else default) to an active target (state copying) and records its job (a drain''s or plan''s move: p_parent, that job, whose item it becomes), which any live gateway drives. FG404 unknown tenant or node, FG409 provisioning tenant, inactive target, same node, or a move already open; FG451 a target outside the tenant''s residency, unless p_override gives the reason (recorded, and kept by the tenant''s map row after the switch).';

CREATE OR REPLACE FUNCTION federation.advance_move(p_move bigint, p_from text, p_to text,
                                                   p_progress jsonb DEFAULT '{}'::jsonb)
RETURNS federation.tenant_moves
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.tenant_moves;
BEGIN
    IF (p_from, p_to) NOT IN (('copying', 'catching_up'), ('catching_up', 'verifying'), ('verifying', 'cutover'),
                              ('cleanup', 'done'), ('switched', 'done'), ('reversed', 'done'),
                              ('switched', 'switched'), ('reversed', 'reversed'),
                              ('copying', 'copying'), ('catching_up', 'catching_up'),
                              ('verifying', 'verifying'), ('cutover', 'cutover'), ('cleanup', 'cleanup')) THEN
        RAISE EXCEPTION 'a move does not go from % to %', p_from, p_to USING ERRCODE = 'FG400';
    END IF;
    UPDATE federation.tenant_moves m SET
        state = p_to,
        rows_expected = coalesce(p_progress -> 'rowsExpected', m.rows_expected),
        rows_copied = coalesce(p_progress -> 'rowsCopied', m.rows_copied),
        lag_bytes = coalesce((p_progress ->> 'lagBytes')::bigint, m.lag_bytes),
        verify_result = coalesce(p_progress -> 'verify', m.verify_result),
        pause_ms = coalesce((p_progress ->> 'pauseMs')::real, m.pause_ms),
        flip_pause_ms = coalesce((p_progress ->> 'flipPauseMs')::real, m.flip_pause_ms),
        updated_at = now(),
        finished_at = CASE WHEN p_to = 'done' THEN now() END
    WHERE m.move_id = p_move AND m.state = p_from
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'move % is not in state % (another mover, or an abort, got there first)', p_move, p_from
            USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.advance_move(bigint, text, text, jsonb) IS
    'Moves a move from state p_from to p_to (or records progress in the same state) only if it is in p_from: {rowsExpected, rowsCopied, lagBytes, verify, pauseMs} as given. FG400 a transition that does not exist, FG409 the move is elsewhere.';

CREATE OR REPLACE FUNCTION federation.fence_move(p_move bigint)
RETURNS federation.tenant_moves
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.tenant_moves;
BEGIN
    UPDATE federation.tenant_moves m SET fenced_at = coalesce(m.fenced_at, now()), updated_at = now()
    WHERE m.move_id = p_move AND ((m.state = 'cutover' AND NOT m.switched) OR m.state IN ('switched', 'reversed'))
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'move % is not at its cutover, nor switched or reversed', p_move USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.fence_move(bigint) IS
    'Fences the moving tenant (state cutover): every gateway holds its requests until the switch or an abort lifts the fence. Idempotent.';

CREATE OR REPLACE FUNCTION federation.rehome_tenant(p_tenant uuid, p_from text, p_to text, p_override text,
                                                   p_unmap boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_region text := (SELECT n.region FROM federation.federation_nodes n WHERE n.node_id = p_to);
    -- A move's residency override (if it needed one) goes with the tenant; a move home needs none.
    v_override text := CASE WHEN federation.outside_residency(p_tenant, p_to) THEN p_override END;
BEGIN
    IF p_unmap THEN  -- back to the default node it came from: unmapped again there
        DELETE FROM federation.federation_routing r WHERE r.tenant_id = p_tenant;
        DELETE FROM federation.tenant_federation_map m WHERE m.tenant_id = p_tenant;
    ELSE
        INSERT INTO federation.tenant_federation_map AS m (tenant_id, primary_node_id, primary_region, residency_override)
        VALUES (p_tenant, p_to, v_region, v_override)
        ON CONFLICT (tenant_id) DO UPDATE SET primary_node_id = EXCLUDED.primary_node_id,
                                              primary_region = EXCLUDED.primary_region,
                                              residency_override = EXCLUDED.residency_override, updated_at = now();
        -- Rules that named p_from name p_to (where p_to already has one, p_from's goes).
        DELETE FROM federation.federation_routing r
        WHERE r.tenant_id = p_tenant AND r.node_id = p_from
          AND EXISTS (SELECT 1 FROM federation.federation_routing x
                      WHERE x.tenant_id = r.tenant_id AND x.region = r.region AND x.node_id = p_to);
        UPDATE federation.federation_routing r SET node_id = p_to, residency_override = v_override, updated_at = now()
        WHERE r.tenant_id = p_tenant AND r.node_id = p_from;
        INSERT INTO federation.federation_routing (tenant_id, region, node_id, is_primary, weight, residency_override)
        VALUES (p_tenant, v_region, p_to, true, 100, v_override)
        ON CONFLICT (tenant_id, region, node_id) DO UPDATE SET is_primary = true, residency_override = v_override;
    END IF;
    RETURN v_region;
END
$$;
COMMENT ON FUNCTION federation.rehome_tenant(uuid, text, text, text, boolean) IS
    'A switch''s catalog side: the tenant''s map row and the rules that named p_from name p_to (with its primary rule; the override kept only where p_to is outside the tenant''s residency), or with p_unmap the tenant is unmapped (the default node serves it). Returns p_to''s region.';

CREATE OR REPLACE FUNCTION federation.switch_move(p_move bigint, p_reversible_for interval DEFAULT NULL)
RETURNS federation.tenant_moves
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.tenant_moves;
    v_region text;
BEGIN
    SELECT * INTO v_row FROM federation.tenant_moves m WHERE m.move_id = p_move FOR UPDATE;
    IF NOT FOUND OR v_row.fenced_at IS NULL OR NOT ((v_row.state = 'cutover' AND NOT v_row.switched)
                                                    OR v_row.state = 'reversed') THEN
        RAISE EXCEPTION 'move % is not fenced at its cutover (or reversed and fenced to go forward again)', p_move
            USING ERRCODE = 'FG409';
    END IF;
    v_region := federation.rehome_tenant(v_row.tenant_id, v_row.source_node, v_row.target_node,
                                         v_row.residency_override);
    -- A policy planned with this move (set_residency p_move) binds now that the tenant is inside it.
    UPDATE federation.tenant_registry
    SET region = v_region, residency = coalesce(v_row.residency, residency), updated_at = now()
    WHERE id = v_row.tenant_id;
    DELETE FROM federation.move_objects o WHERE o.move_id = p_move AND o.kind = 'copy';  -- the tenant's home now
    UPDATE federation.tenant_moves m SET
        switched = true, reversed = false, fenced_at = NULL, flips = m.flips + 1, requested = NULL, flip_error = NULL,
        -- reversible (reverse replication running) until its window ends, else straight to its cleanup
        state = CASE WHEN m.state = 'reversed' OR coalesce(p_reversible_for, '0') > '0' THEN 'switched'
                     ELSE 'cleanup' END,
        reversible_until = CASE WHEN m.state = 'reversed' THEN m.reversible_until
                                WHEN coalesce(p_reversible_for, '0') > '0' THEN now() + p_reversible_for END,
        updated_at = now()
    WHERE m.move_id = p_move
    RETURNING * INTO v_row;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.switch_move(bigint, interval) IS
    'The switch, in one transaction: the tenant''s map row and routing rules name the target (its primary region the target''s), the fence lifts; a residency policy planned with the move binds. With p_reversible_for the move is switched (its mover keeps the source in sync) and reversible until then, else it goes to cleanup. Only for a move fenced at its cutover, or a reversed one fenced to go forward again.';

CREATE OR REPLACE FUNCTION federation.switch_back_move(p_move bigint)
RETURNS federation.tenant_moves
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.tenant_moves;
    v_region text;
BEGIN
    SELECT * INTO v_row FROM federation.tenant_moves m WHERE m.move_id = p_move FOR UPDATE;
    IF NOT FOUND OR v_row.state <> 'switched' OR v_row.fenced_at IS NULL THEN
        RAISE EXCEPTION 'move % is not switched and fenced to go back', p_move USING ERRCODE = 'FG409';
    END IF;
    v_region := federation.rehome_tenant(v_row.tenant_id, v_row.target_node, v_row.source_node,
                                         v_row.residency_override, v_row.source_node = 'default');
    UPDATE federation.tenant_registry SET region = v_region, updated_at = now() WHERE id = v_row.tenant_id;
    UPDATE federation.tenant_moves m SET state = 'reversed', switched = false, reversed = true, fenced_at = NULL,
                                         flips = m.flips + 1, requested = NULL, flip_error = NULL, updated_at = now()
    WHERE m.move_id = p_move
    RETURNING * INTO v_row;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.switch_back_move(bigint) IS
    'The reverse switch, in one transaction: the tenant''s map row and rules name the source again (an unmapped tenant of the default node is unmapped again), its home region the source''s, the fence lifts, the move is reversed. Only for a switched move fenced to go back.';

CREATE OR REPLACE FUNCTION federation.unfence_move(p_move bigint, p_error text)
RETURNS federation.tenant_moves
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.tenant_moves;
BEGIN
    UPDATE federation.tenant_moves m SET fenced_at = NULL, requested = NULL, flip_error = left(p_error, 2000),
                                         updated_at = now()
    WHERE m.move_id = p_move AND m.state IN ('switched', 'reversed')
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'move % is not switched or reversed', p_move USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.unfence_move(bigint, text) IS
    'A reverse or forward that did not switch: the fence lifts, the tenant stays where it is (the move still reversible), the error is kept in flip_error.';

CREATE OR REPLACE FUNCTION federation.request_move(p_move bigint, p_what text)
RETURNS federation.tenant_moves
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.tenant_moves;
BEGIN
    SELECT * INTO v_row FROM federation.tenant_moves m WHERE m.move_id = p_move FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no move %', p_move USING ERRCODE = 'FG404';
    ELSIF p_what = 'reverse' AND v_row.state <> 'switched' THEN
        RAISE EXCEPTION 'move % is %: only a switched, reversible move is reversed', p_move, v_row.state
            USING ERRCODE = 'FG409', HINT = CASE WHEN v_row.state IN ('cleanup', 'done') AND NOT v_row.reversed
                                                 THEN 'it was not reversible (or was completed): a move back is another move'
                                                 WHEN v_row.state = 'reversed' THEN 'it is back on its source: forward_move sends it again'
                                                 ELSE 'it has not switched yet: abort_move keeps the tenant where it is' END;
    ELSIF p_what = 'forward' AND v_row.state <> 'reversed' THEN
        RAISE EXCEPTION 'move % is %: only a reversed move goes forward again', p_move, v_row.state
            USING ERRCODE = 'FG409';
    ELSIF p_what = 'complete' AND NOT (v_row.state IN ('switched', 'reversed')
                                       OR (v_row.state = 'cleanup' AND v_row.keep_source)) THEN
        RAISE EXCEPTION 'move % is %: only a switched, reversed or --keep-source move is completed', p_move,
                        v_row.state USING ERRCODE = 'FG409';
    ELSIF p_what NOT IN ('reverse', 'forward', 'complete') THEN
        RAISE EXCEPTION 'a move is reversed, forwarded or completed, not %', p_what USING ERRCODE = 'FG400';
    END IF;
    UPDATE federation.tenant_moves m SET requested = p_what, updated_at = now() WHERE m.move_id = p_move
    RETURNING * INTO v_row;
    -- Its job, parked until the move's window ends (or ended with a --keep-source move), runs now.
    UPDATE federation.jobs j SET state = 'pending', not_before = now(), finished_at = NULL, attempts = 0,
                                 step = NULL, updated_at = now()
    WHERE j.move_id = p_move AND (j.state = 'pending' OR (j.state = 'done' AND v_row.state = 'cleanup'));
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.request_move(bigint, text) IS
    'Asks a switched move to go back (reverse), a reversed one to go forward again (forward), or either (or a --keep-source move) to complete; its job runs at once on a live gateway, or in the CLI that asked. FG404 no such move, FG409 a move in another state.';

CREATE OR REPLACE FUNCTION federation.reverse_move(p_move bigint)
RETURNS federation.tenant_moves
LANGUAGE sql
AS $$ SELECT * FROM federation.request_move(p_move, 'reverse') $$;
COMMENT ON FUNCTION federation.reverse_move(bigint) IS
    'Sends a switched move''s tenant back to its source, without losing a write made since the switch (request_move).';

CREATE OR REPLACE FUNCTION federation.forward_move(p_move bigint)
RETURNS federation.tenant_moves
LANGUAGE sql
AS $$ SELECT * FROM federation.request_move(p_move, 'forward') $$;
COMMENT ON FUNCTION federation.forward_move(bigint) IS 'Sends a reversed move''s tenant to its target again (request_move).';

CREATE OR REPLACE FUNCTION federation.complete_move(p_move bigint)
RETURNS federation.tenant_moves
LANGUAGE sql
AS $$ SELECT * FROM federation.request_move(p_move, 'complete') $$;
COMMENT ON FUNCTION federation.complete_move(bigint) IS
    'Ends a switched or reversed move where the tenant is: replication dropped, the other copy deleted (its tombstone stays). A move left alone completes once reversible_until passes (request_move).';

CREATE OR REPLACE FUNCTION federation.stop_move(p_move bigint, p_state text, p_error text)
RETURNS federation.tenant_moves
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.tenant_moves;
BEGIN
    UPDATE federation.tenant_moves m SET state = p_state, error = left(p_error, 2000), fenced_at = NULL,
                                         updated_at = now(), finished_at = now()
    WHERE m.move_id = p_move AND NOT m.switched AND m.state IN ('copying', 'catching_up', 'verifying', 'cutover')
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'move % cannot stop now: it is finished, or past its switch (it only goes forward)', p_move
            USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.stop_move(bigint, text, text) IS
    'Ends a move before its switch as aborted or failed, with the reason; the fence lifts and the tenant stays on its source. The mover then removes what it made on the target.';

CREATE OR REPLACE FUNCTION federation.abort_move(p_move bigint, p_why text DEFAULT 'aborted by an operator')
RETURNS federation.tenant_moves
LANGUAGE sql
AS $$ SELECT * FROM federation.stop_move(p_move, 'aborted', p_why) $$;
COMMENT ON FUNCTION federation.abort_move(bigint, text) IS 'Aborts a move before its switch (see stop_move).';

CREATE OR REPLACE FUNCTION federation.fail_move(p_move bigint, p_error text)
RETURNS federation.tenant_moves
LANGUAGE sql
AS $$ SELECT * FROM federation.stop_move(p_move, 'failed', p_error) $$;
COMMENT ON FUNCTION federation.fail_move(bigint, text) IS 'Ends a move before its switch as failed, with its error (see stop_move).';

CREATE OR REPLACE FUNCTION federation.federation_notify_moves()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.fenced_at IS DISTINCT FROM OLD.fenced_at OR NEW.state IS DISTINCT FROM OLD.state THEN
        PERFORM federation.federation_emit(jsonb_build_object(
            'table', TG_TABLE_NAME, 'op', lower(TG_OP), 'tenant_ids', jsonb_build_array(NEW.tenant_id),
            'node_ids', '[]'::jsonb, 'fenced', NEW.fenced_at IS NOT NULL, 'state', NEW.state));
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION federation.federation_notify_moves() IS
    'Row trigger of tenant_moves: notifies the gateways when a move opens, changes state, or its tenant is fenced or released.';

CREATE OR REPLACE FUNCTION federation.drain_plan(p_node text)
RETURNS TABLE (tenant_id uuid, target_node text)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_region text;
BEGIN
    SELECT n.region INTO v_region FROM federation.federation_nodes n WHERE n.node_id = p_node;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown node: %', p_node USING ERRCODE = 'FG404';
    END IF;
    RETURN QUERY
    SELECT t.id, (SELECT n.node_id::text FROM federation.federation_nodes n
                  WHERE n.region = coalesce(t.region, v_region) AND n.node_id <> p_node AND n.status = 'active'
                    AND federation.node_serving(n.status, n.unhealthy_checked_at)
                    AND (t.residency IS NULL OR n.region::text = ANY (t.residency))
                  ORDER BY federation.rendezvous_score(t.id, n.region, n.node_id,
                                                       least(n.placement_weight::bigint * n.capacity, 2147483647)::integer) DESC,
                           n.node_id
                  LIMIT 1)
    FROM (SELECT m.tenant_id AS id, m.primary_region::text AS region, m.residency FROM federation.tenant_federation_map m
          WHERE m.primary_node_id = p_node
          UNION ALL
          SELECT r.id, r.region::text, r.residency FROM federation.tenant_registry r
          WHERE p_node = 'default' AND r.status <> 'provisioning'
            AND NOT EXISTS (SELECT 1 FROM federation.tenant_federation_map m WHERE m.tenant_id = r.id)) t
    WHERE NOT EXISTS (SELECT 1 FROM federation.tenant_moves x
                      WHERE x.tenant_id = t.id AND x.state NOT IN ('done', 'aborted', 'failed'))
    ORDER BY t.id;
END
$$;
COMMENT ON FUNCTION federation.drain_plan(text) IS
    'Where each tenant of a node goes when it is drained (and each legacy tenant home): an active, serving node of the tenant''s region other than this one, by weighted rendezvous on capacity times placement_weight (the shares placement follows), inside the tenant''s residency (NULL: no such node). Tenants with an open move are left out.';
