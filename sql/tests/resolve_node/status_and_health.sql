-- Node status x health: which combinations serve.
BEGIN;
SELECT plan(13);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('eu-2', 'eu-west');
SELECT fgtest.tenant(1, 'eu-1', 'eu-west');
SELECT add_route(fgtest.tid(1), 'eu-west', 'eu-2', p_shared_data => true);  -- the failover target

CREATE FUNCTION pg_temp.route_with(p_status text, p_health text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    UPDATE federation.federation_nodes SET status = p_status WHERE node_id = 'eu-1';
    DELETE FROM federation.federation_node_health WHERE node_id = 'eu-1';
    CASE p_health
        WHEN 'healthy' THEN PERFORM fgtest.health('eu-1', true);
        WHEN 'unhealthy' THEN PERFORM fgtest.health('eu-1', false);
        WHEN 'stale-unhealthy' THEN PERFORM fgtest.health('eu-1', false, '10 minutes');
        ELSE NULL;
    END CASE;
    RETURN fgtest.route_reason(md5('fgtest-tenant-1')::uuid);
END
$$;

SELECT is(pg_temp.route_with(s, h), expected, format('status %s, health %s -> %s', s, h, expected))
FROM (VALUES
    ('active',   'unknown',         'eu-1/tenant_primary'),
    ('active',   'healthy',         'eu-1/tenant_primary'),
    ('active',   'unhealthy',       'eu-2/failover'),
    ('active',   'stale-unhealthy', 'eu-1/tenant_primary'),
    ('draining', 'unknown',         'eu-1/tenant_primary'),
    ('draining', 'healthy',         'eu-1/tenant_primary'),
    ('draining', 'unhealthy',       'eu-2/failover'),
    ('draining', 'stale-unhealthy', 'eu-1/tenant_primary'),
    ('down',     'unknown',         'eu-2/failover'),
    ('down',     'healthy',         'eu-2/failover'),
    ('down',     'unhealthy',       'eu-2/failover'),
    ('down',     'stale-unhealthy', 'eu-2/failover')
) AS v(s, h, expected);

SET LOCAL fedgate.health_stale_after = '1 hour';
SELECT is(pg_temp.route_with('active', 'stale-unhealthy'), 'eu-2/failover',
          'fedgate.health_stale_after decides when a report is too old');

SELECT * FROM finish();
ROLLBACK;
