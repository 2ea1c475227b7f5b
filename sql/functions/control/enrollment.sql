-- Failed enrollments per client address, across the fleet (control migration 008).
--
--   count_enrollment_failure(addr)   a gateway counts one; the address's failures in the window, and the limit

CREATE OR REPLACE FUNCTION federation.count_enrollment_failure(p_addr text, OUT failures integer, OUT lim integer)
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO federation.enrollment_failures AS f (client_addr, minute, failures)
    VALUES (left(p_addr, 64), date_trunc('minute', now()), 1)
    ON CONFLICT (client_addr, minute) DO UPDATE SET failures = f.failures + 1;
    DELETE FROM federation.enrollment_failures f WHERE f.minute < now() - interval '1 hour';
    SELECT coalesce(sum(f.failures), 0)::integer INTO failures
    FROM federation.enrollment_failures f
    WHERE f.client_addr = left(p_addr, 64) AND f.minute > now() - interval '15 minutes';
    lim := coalesce(nullif(current_setting('fedgate.enrollment_failure_limit', true), ''), '20')::integer;
END
$$;
COMMENT ON FUNCTION federation.count_enrollment_failure(text) IS
    'A gateway counts a failed enrollment of a client address: the address''s failures in the last 15 minutes across the fleet, and the limit (the fedgate.enrollment_failure_limit setting, default 20, as on the nodes). Past it the gateways refuse the address before any database work.';
