-- set_residency: a policy is known regions, at least one; one the tenant's node or a rule breaks is
-- refused with the fix, or planned as a move that applies it at its switch; every decision is recorded,
-- and the record cannot be rewritten.
BEGIN;
SELECT plan(15);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.node('eu-2', 'eu-west') \g /dev/null
SELECT fgtest.node('ap-1', 'ap-south') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null
SELECT fgtest.tenant(2, 'ap-1', 'ap-south') \g /dev/null
SELECT fgtest.legacy_tenant(3) \g /dev/null

SELECT throws_ok($$SELECT * FROM federation.set_residency(fgtest.tid(1), '{}')$$, 'FG400',
                 'a residency names at least one region', 'an empty list is refused');
SELECT throws_ok($$SELECT * FROM federation.set_residency(fgtest.tid(1), '{eu-west,mars}')$$, 'FG400',
                 'unknown region code(s): mars', 'an unknown region code is refused');
SELECT is((SELECT residency FROM federation.set_residency(fgtest.tid(1), '{EU-West, eu-west}', 'GDPR')),
          '{eu-west}'::text[], 'a policy is set, normalised');
SELECT is((SELECT residency FROM tenant_federation_map WHERE tenant_id = fgtest.tid(1)), '{eu-west}'::text[],
          'the map row carries it for resolve_node''s fast path');
SELECT is((SELECT concat_ws(' ', actor, action, decision, regions::text, reason) FROM federation_residency_events
           WHERE tenant_id = fgtest.tid(1)), session_user || ' policy set {eu-west} GDPR',
          'the policy is recorded with who set it and why');

SELECT throws_like($$SELECT * FROM federation.set_residency(fgtest.tid(2), '{eu-west}')$$,
                   'tenant % lives on node ap-1 (region ap-south), outside eu-west',
                   'a policy the tenant''s node breaks is refused, naming the node');
SELECT ok((SELECT residency IS NULL FROM tenant_registry WHERE id = fgtest.tid(2)), 'and nothing was set');
SELECT is((SELECT n.region::text FROM federation.set_residency(fgtest.tid(2), '{eu-west}', 'moving home', true) s
           JOIN federation_nodes n ON n.node_id = s.target_node), 'eu-west',
          'asked to, it plans the move that fixes it (placement''s choice in the policy''s regions)');
SELECT ok((SELECT residency IS NULL FROM tenant_registry WHERE id = fgtest.tid(2))
          AND (SELECT residency_planned = '{eu-west}' FROM federation_moves WHERE tenant_id = fgtest.tid(2)),
          'the policy binds at the move''s switch, not before');

SELECT fgtest.tenant(4, 'eu-1', 'eu-west') \g /dev/null
SELECT * FROM federation.add_route(fgtest.tid(4), 'ap-south', 'ap-1', p_shared_data => true) \g /dev/null
SELECT throws_like($$SELECT * FROM federation.set_residency(fgtest.tid(4), '{eu-west}')$$,
                   '%rule for region ap-south names node ap-1 (region ap-south), outside eu-west',
                   'a policy a rule breaks is refused, naming the rule');
SELECT throws_ok($$UPDATE federation.tenant_registry SET residency = '{ap-south}' WHERE id = fgtest.tid(3)$$, 'FG451',
                 NULL, 'a direct update of the registry is checked too (an unmapped tenant is on the default node)');
SELECT is((SELECT residency FROM federation.set_residency(fgtest.tid(3), NULL, 'lifted')), NULL::text[],
          'a policy can be cleared (unrestricted)');

SELECT throws_ok($$UPDATE federation.residency_events SET reason = 'rewritten'$$, 'FG409', NULL,
                 'the record refuses UPDATE');
SELECT throws_ok($$DELETE FROM federation.residency_events$$, 'FG409', NULL, 'and DELETE');
SELECT throws_ok($$TRUNCATE federation.residency_events$$, 'FG409', NULL, 'and TRUNCATE');
SELECT * FROM finish();
ROLLBACK;
