-- A reversible move: switched (reversible until its window ends), back to its source (reversed), forward
-- again, completed; each switch fenced first; requests only where they mean something; the job waits,
-- parked, until the window ends or an operator asks. A legacy tenant taken back is unmapped again.
BEGIN;
SELECT plan(17);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.node('ap-1', 'ap-south') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null
SELECT fgtest.legacy_tenant(2) \g /dev/null
CREATE TEMP TABLE mv AS SELECT * FROM federation.start_move(fgtest.tid(1), 'ap-1');
CREATE FUNCTION pg_temp.to_cutover(p_move bigint) RETURNS void LANGUAGE sql AS $$
    SELECT federation.advance_move(p_move, 'copying', 'catching_up');
    SELECT federation.advance_move(p_move, 'catching_up', 'verifying');
    SELECT federation.advance_move(p_move, 'verifying', 'cutover');
    SELECT federation.fence_move(p_move);
$$;
SELECT pg_temp.to_cutover((SELECT move_id FROM mv)) \g /dev/null
SELECT is((SELECT (state, switched, reversible_until BETWEEN now() + interval '59 minutes' AND now() + interval '61 minutes')::text
           FROM federation.switch_move((SELECT move_id FROM mv), interval '1 hour')),
          '(switched,t,t)', 'switched with a window: reversible until then');
SELECT is((SELECT (reversible, flips)::text FROM federation_moves WHERE move_id = (SELECT move_id FROM mv)), '(t,1)',
          'federation_moves says it is reversible');
SELECT throws_ok(format('SELECT federation.forward_move(%s)', (SELECT move_id FROM mv)), 'FG409', NULL,
                 'a switched move does not go forward');
SELECT throws_ok(format('SELECT federation.switch_back_move(%s)', (SELECT move_id FROM mv)), 'FG409', NULL,
                 'nor back without its fence');

-- Its job parked until the window ends; a request wakes it.
UPDATE federation.jobs SET state = 'running', owner = 'd1', lease_until = now() + interval '10 s'
WHERE move_id = (SELECT move_id FROM mv);
SELECT is((SELECT (state, not_before > now() + interval '59 minutes')::text
           FROM federation.park_job((SELECT job_id FROM federation.jobs WHERE move_id = (SELECT move_id FROM mv)), 'd1',
                                    (SELECT reversible_until FROM federation.tenant_moves WHERE move_id = (SELECT move_id FROM mv)))),
          '(pending,t)', 'its job waits for the window''s end');
SELECT is((federation.reverse_move((SELECT move_id FROM mv))).requested, 'reverse', 'reverse is asked of it');
SELECT ok((SELECT not_before <= now() FROM federation.jobs WHERE move_id = (SELECT move_id FROM mv)),
          'and its job runs at once');

SELECT federation.fence_move((SELECT move_id FROM mv)) \g /dev/null
SELECT is((SELECT (state, switched, reversed, requested, flips)::text FROM federation.switch_back_move((SELECT move_id FROM mv))),
          '(reversed,f,t,,2)', 'switched back: reversed');
SELECT is((SELECT primary_node_id FROM tenant_federation_map WHERE tenant_id = fgtest.tid(1)), 'eu-1',
          'the map names the source again');
SELECT is((SELECT array_agg(node_id || ':' || region ORDER BY region) FROM federation_routing WHERE tenant_id = fgtest.tid(1)),
          ARRAY['eu-1:ap-south', 'eu-1:eu-west'], 'and so do its rules');
SELECT throws_ok(format('SELECT federation.reverse_move(%s)', (SELECT move_id FROM mv)), 'FG409', NULL,
                 'a reversed move is not reversed again');

SELECT federation.forward_move((SELECT move_id FROM mv)) \g /dev/null
SELECT federation.fence_move((SELECT move_id FROM mv)) \g /dev/null
SELECT is((SELECT (state, switched, reversed, flips)::text FROM federation.switch_move((SELECT move_id FROM mv))),
          '(switched,t,f,3)', 'forward again: switched, its window unchanged');
SELECT is((federation.unfence_move((SELECT move_id FROM mv), 'the target fell behind')).flip_error,
          'the target fell behind', 'a flip that did not happen keeps its reason');
SELECT is((federation.complete_move((SELECT move_id FROM mv))).requested, 'complete', 'complete is asked of it');
SELECT is((federation.advance_move((SELECT move_id FROM mv), 'switched', 'done')).state, 'done', 'and it ends');

-- A legacy tenant moved reversibly and taken back: unmapped again, the default node serves it.
CREATE TEMP TABLE mv2 AS SELECT * FROM federation.start_move(fgtest.tid(2), 'ap-1');
SELECT pg_temp.to_cutover((SELECT move_id FROM mv2)) \g /dev/null
SELECT federation.switch_move((SELECT move_id FROM mv2), interval '1 hour') \g /dev/null
SELECT federation.fence_move((SELECT move_id FROM mv2)) \g /dev/null
SELECT federation.switch_back_move((SELECT move_id FROM mv2)) \g /dev/null
SELECT is(fgtest.route_reason(fgtest.tid(2)), 'default/default_unmapped', 'a legacy tenant taken back is unmapped again');
SELECT federation.complete_move((SELECT move_id FROM mv2)) \g /dev/null
SELECT federation.advance_move((SELECT move_id FROM mv2), 'reversed', 'done') \g /dev/null

-- A move that was not reversible cannot be taken back.
CREATE TEMP TABLE mv3 AS SELECT * FROM federation.start_move(fgtest.tid(2), 'eu-1');
SELECT pg_temp.to_cutover((SELECT move_id FROM mv3)) \g /dev/null
SELECT federation.switch_move((SELECT move_id FROM mv3)) \g /dev/null
SELECT throws_like(format('SELECT federation.reverse_move(%s)', (SELECT move_id FROM mv3)),
                   '%only a switched, reversible move is reversed%', 'a move that cleaned up is not reversible');
SELECT * FROM finish();
ROLLBACK;
