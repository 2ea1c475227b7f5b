-- verify_kit: each refusal has its SQLSTATE and is audited (identical ones as one row with a count);
-- without the kit's token a caller learns only "not accepted"; the right token verifies.
-- A refusal commits its audit row before failing, which needs a top-level CALL:
-- this suite runs outside a transaction, reads psql's LAST_ERROR_SQLSTATE,
-- and removes what it wrote at the end.
\set ON_ERROR_STOP 0
\set QUIET 1
SELECT plan(15);

SELECT fgtest.node('vk-1', 'eu-west');
SELECT fgtest.tenant(901, 'vk-1', 'eu-west');
CREATE TEMP TABLE k AS SELECT api.issue_kit(fgtest.tid(901), '{"agents": ["log-shipper"]}') AS j;
SELECT api.seal_kit(fgtest.tid(901), jsonb_build_object('kitId', j ->> 'kitId', 'metadataJson', '{}', 'archiveSha256', repeat('0', 64))) FROM k;
SELECT j ->> 'kitId' AS kit, j ->> 'token' AS token, fgtest.tid(901) AS tenant FROM k \gset

CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', :'kit', 'token', 'wrong', 'hostname', 'h1', 'agentType', 'log-shipper', 'version', '1'), NULL, NULL);
SELECT is(:'LAST_ERROR_SQLSTATE'::text, 'FG401', 'a wrong token: FG401');
CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', :'kit', 'token', :'token', 'hostname', 'h1', 'agentType', 'edr-sensor', 'version', '1'), NULL, NULL);
SELECT is(:'LAST_ERROR_SQLSTATE'::text, 'FG403', 'an agent type the kit does not enroll: FG403');
CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', '00000000-0000-0000-0000-000000000001', 'token', 'x', 'hostname', 'h1', 'agentType', 'log-shipper', 'version', '1'), NULL, NULL);
SELECT is(:'LAST_ERROR_SQLSTATE'::text, 'FG401', 'an unknown kit: FG401, as a wrong token (not accepted)');
SELECT is((SELECT array_agg(detail ->> 'reason' ORDER BY id) FROM onboarding.bootstrap_audit WHERE tenant_id = :'tenant' AND outcome = 'failure'),
          ARRAY['not_accepted', 'agent_not_in_kit', 'not_accepted'], 'every refusal is in the audit trail, with its reason');
SELECT is((SELECT array_agg(detail ORDER BY id) FROM onboarding.bootstrap_audit WHERE tenant_id = :'tenant' AND detail ->> 'reason' = 'not_accepted'),
          ARRAY['{"reason": "not_accepted"}'::jsonb, '{"reason": "not_accepted"}'::jsonb], 'nothing a caller without the token sent is kept');
SELECT ok((SELECT bool_and(detail::text NOT LIKE '%' || :'token' || '%') FROM onboarding.bootstrap_audit WHERE tenant_id = :'tenant'),
          'never with the token');

CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', :'kit', 'token', :'token', 'hostname', 'h1', 'agentType', 'log-shipper', 'version', '1'), NULL, NULL);
SELECT is((SELECT count(*) FROM onboarding.agent_instances WHERE tenant_id = :'tenant' AND hostname = 'h1'), 1::bigint, 'the right token verifies');
SELECT is((SELECT outcome FROM onboarding.bootstrap_audit WHERE tenant_id = :'tenant' ORDER BY id DESC LIMIT 1), 'success', 'and is audited');

UPDATE onboarding.bootstrap_kits SET expires_at = now() - interval '1 second' WHERE tenant_id = :'tenant';
CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', :'kit', 'token', :'token', 'hostname', 'h1', 'agentType', 'log-shipper', 'version', '1'), NULL, NULL);
SELECT is(:'LAST_ERROR_SQLSTATE'::text, 'FG410', 'an expired token: FG410');
UPDATE onboarding.bootstrap_kits SET expires_at = now() + interval '1 hour', revoked_at = now() WHERE tenant_id = :'tenant';
CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', :'kit', 'token', :'token', 'hostname', 'h1', 'agentType', 'log-shipper', 'version', '1'), NULL, NULL);
SELECT is(:'LAST_ERROR_SQLSTATE'::text, 'FG410', 'a revoked kit: FG410');
CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', :'kit', 'token', :'token', 'hostname', 'h1', 'agentType', 'log-shipper', 'version', '1'), NULL, NULL);
CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', :'kit', 'token', :'token', 'hostname', 'h1', 'agentType', 'log-shipper', 'version', '1'), NULL, NULL);
SELECT is((SELECT count(*) FROM onboarding.bootstrap_audit WHERE tenant_id = :'tenant' AND detail ->> 'reason' = 'revoked'), 1::bigint,
          'three identical refusals in a minute: one audit row');
SELECT is((SELECT (api.bootstrap_audit(:'tenant') -> 'items' -> 0 ->> 'repeats')::int), 3, 'which counts them');

UPDATE onboarding.bootstrap_kits SET revoked_at = NULL, failed_attempts = 0 WHERE tenant_id = :'tenant';
-- Guessing: counted per client address; the kit is never revoked by failures (anyone who read its id could).
SET fedgate.enrollment_failure_limit = 4;
\set guesser '{"role": "enrollment", "sub": "enrollment", "addr": "198.51.100.7"}'
\set other '{"role": "enrollment", "sub": "enrollment", "addr": "203.0.113.9"}'
CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', :'kit', 'token', 'guess', 'hostname', 'h2', 'agentType', 'log-shipper', 'version', '1'), :'guesser', NULL);
CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', :'kit', 'token', 'guess', 'hostname', 'h2', 'agentType', 'log-shipper', 'version', '1'), :'guesser', NULL);
CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', '00000000-0000-0000-0000-000000000002', 'token', 'guess', 'hostname', 'h2', 'agentType', 'log-shipper', 'version', '1'), :'guesser', NULL);
CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', :'kit', 'token', 'guess', 'hostname', 'h2', 'agentType', 'log-shipper', 'version', '1'), :'guesser', NULL);
CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', :'kit', 'token', :'token', 'hostname', 'h2', 'agentType', 'log-shipper', 'version', '1'), :'guesser', NULL);
SELECT is(:'LAST_ERROR_SQLSTATE'::text, 'FG429', 'past the limit, the guessing address is refused even with the right token');
SELECT ok((SELECT revoked_at IS NULL AND failed_attempts = 3 FROM onboarding.bootstrap_kits WHERE tenant_id = :'tenant'),
          'wrong tokens are counted on the kit and never revoke it');
CALL api.verify_kit(:'tenant', jsonb_build_object('kitId', :'kit', 'token', :'token', 'hostname', 'h2', 'agentType', 'log-shipper', 'version', '1'), :'other', NULL);
SELECT is((SELECT count(*) FROM onboarding.agent_instances WHERE tenant_id = :'tenant' AND hostname = 'h2'), 1::bigint,
          'another address enrolls with the kit');
DELETE FROM onboarding.enrollment_failures WHERE client_addr = '198.51.100.7';
RESET fedgate.enrollment_failure_limit;

SELECT * FROM finish();
DELETE FROM onboarding.enrollment_refusals WHERE tenant_id = :'tenant';
DELETE FROM onboarding.tenants WHERE id = :'tenant';
DELETE FROM tenant_registry WHERE id = :'tenant';
DELETE FROM federation_nodes WHERE node_id = 'vk-1';
