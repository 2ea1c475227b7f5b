-- The weighted choice is deterministic per (tenant, region): 1,000 calls, one node.
BEGIN;
SELECT plan(3);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('ap-1', 'ap-south');
SELECT fgtest.node('ap-2', 'ap-south');
SELECT fgtest.node('ap-3', 'ap-south');
SELECT fgtest.tenant(1, 'eu-1', 'eu-west');
SELECT add_route(fgtest.tid(1), 'ap-south', n, 100, p_shared_data => true) FROM unnest(ARRAY['ap-1', 'ap-2', 'ap-3']) n;

SELECT is((SELECT count(DISTINCT r.node_id) FROM generate_series(1, 1000) i,
           LATERAL resolve_node(fgtest.tid(1), 'ap-south') r),
          1::bigint, 'the same tenant and region give the same node over 1,000 calls');
SELECT is((SELECT count(*) FROM generate_series(1, 1000) i,
           LATERAL resolve_node(fgtest.tid(1), 'ap-south') r WHERE r.reason = 'region_weighted'),
          1000::bigint, 'every call says region_weighted');
SELECT is(rendezvous_score(fgtest.tid(1), 'ap-south', 'ap-1', 100),
          rendezvous_score(fgtest.tid(1), 'ap-south', 'ap-1', 100), 'the score is a pure function');

SELECT * FROM finish();
ROLLBACK;
