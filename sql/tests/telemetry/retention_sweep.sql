-- The retention sweep runs as fedgate_maintainer, which sees heartbeats past
-- their retention and nothing else: it deletes those, oldest first, in batches.
BEGIN;
SELECT plan(4);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null
INSERT INTO onboarding.agent_instances (id, tenant_id, hostname, agent_type, version)
VALUES (md5('agent-1')::uuid, fgtest.tid(1), 'h1', 'log-shipper', '1');
INSERT INTO onboarding.agent_heartbeats (tenant_id, agent_instance_id, reported_at)
SELECT fgtest.tid(1), md5('agent-1')::uuid, now() - interval '31 days' - i * interval '1 minute' FROM generate_series(1, 30) i;
INSERT INTO onboarding.agent_heartbeats (tenant_id, agent_instance_id, reported_at)
SELECT fgtest.tid(1), md5('agent-1')::uuid, now() - i * interval '1 minute' FROM generate_series(1, 5) i;

SELECT is(onboarding.sweep_heartbeats(20), 20::bigint, 'a batch of 20 old heartbeats');
SELECT is(onboarding.sweep_heartbeats(20), 10::bigint, 'then the last 10');
SELECT is(onboarding.sweep_heartbeats(20), 0::bigint, 'then none');
SELECT is((SELECT count(*) FROM onboarding.agent_heartbeats WHERE tenant_id = fgtest.tid(1)), 5::bigint,
          'the recent ones stay');
SELECT * FROM finish();
ROLLBACK;
