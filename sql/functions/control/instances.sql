-- The gateway instances of the fleet (control migration 009).
--
--   instance_heartbeat(id, host, pid, version, workers, ttl, started)   an instance is alive (each worker, each round)
--   instance_stopped(id)                                                 an instance stopped on purpose
--   federation_gateways (view)                                           what fedgate gateway list shows

CREATE OR REPLACE FUNCTION federation.instance_heartbeat(p_instance text, p_host text, p_pid integer, p_version text,
                                                        p_workers integer, p_ttl interval, p_started timestamptz)
RETURNS void
LANGUAGE sql
AS $$
    INSERT INTO federation.gateway_instances AS g
        (instance_id, host, pid, version, workers, ttl, started_at, last_seen_at)
    VALUES (p_instance, left(p_host, 255), p_pid, left(p_version, 64), p_workers, p_ttl, p_started, now())
    ON CONFLICT (instance_id) DO UPDATE SET last_seen_at = now(), stopped_at = NULL;
    DELETE FROM federation.gateway_instances g
    WHERE g.last_seen_at < now() - interval '1 day' AND g.instance_id <> p_instance;
$$;
COMMENT ON FUNCTION federation.instance_heartbeat(text, text, integer, text, integer, interval, timestamptz) IS
    'A gateway instance says it is alive (its workers, every third of its TTL): registered on its first heartbeat, last_seen_at moved on after; instances gone for a day are swept.';

CREATE OR REPLACE FUNCTION federation.instance_stopped(p_instance text)
RETURNS void
LANGUAGE sql
AS $$
    UPDATE federation.gateway_instances SET stopped_at = now() WHERE instance_id = p_instance;
$$;
COMMENT ON FUNCTION federation.instance_stopped(text) IS
    'A gateway instance stopped on purpose (its workers, as they shut down): it is gone at once, not after its TTL.';
