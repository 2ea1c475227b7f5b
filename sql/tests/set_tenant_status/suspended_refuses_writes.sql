-- Suspension: the registry says so, the node refuses the tenant's writes (FG423) and serves its reads.
BEGIN;
SELECT plan(8);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null
SELECT results_eq($$SELECT tenant_id, status, node_id FROM federation.set_tenant_status(fgtest.tid(1), 'suspended')$$,
                  $$VALUES (fgtest.tid(1), 'suspended'::text, 'eu-1'::text)$$, 'the registry row is suspended; its node is named');
SELECT throws_ok($$SELECT federation.set_tenant_status(fgtest.tid(1), 'deleted')$$, 'FG400', NULL, 'only active or suspended');
SET LOCAL ROLE fedgate_api;
SELECT is(api.set_tenant_status(fgtest.tid(1), '{"status": "suspended", "reason": "audit"}') ->> 'status', 'suspended',
          'the node row is suspended');
SELECT throws_ok(format('SELECT api.issue_kit(%L, %L)', fgtest.tid(1), '{"agents": ["log-shipper"]}'), 'FG423', NULL,
                 'no kit is issued');
SELECT throws_ok(format('SELECT api.report_telemetry(%L, %L)', fgtest.tid(1), jsonb_build_object('agentId', gen_random_uuid())),
                 'FG423', NULL, 'no heartbeat is written');
SELECT is(api.tenant_status(fgtest.tid(1)) ->> 'status', 'suspended', 'reads are served');
SELECT fgtest.as_caller('tenant', fgtest.tid(1));
SELECT throws_ok(format('SELECT api.set_tenant_status(%L, %L)', fgtest.tid(1), '{"status": "active"}'), 'FG403', NULL,
                 'a tenant does not resume itself');
SELECT fgtest.as_caller('operator');
SELECT api.set_tenant_status(fgtest.tid(1), '{"status": "active"}') \g /dev/null
SELECT ok((api.issue_kit(fgtest.tid(1), '{"agents": ["log-shipper"]}') ->> 'kitId') IS NOT NULL, 'resumed: kits again');
SELECT * FROM finish();
ROLLBACK;
