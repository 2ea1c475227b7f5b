-- The api handler functions, called as the API role.
BEGIN;
SELECT plan(31);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.tenant(1, 'eu-1', 'eu-west');
SET LOCAL ROLE fedgate_api;

-- Catalogs
SELECT is(jsonb_array_length(api.regions() -> 'items'), 2, 'regions: us-east (default) and eu-west');
SELECT is((SELECT r FROM jsonb_array_elements(api.regions() -> 'items') r WHERE r ->> 'code' = 'eu-west'),
          '{"code": "eu-west", "nodes": 1, "activeNodes": 1, "displayName": "EU West"}'::jsonb, 'a region''s node counts');
SELECT ok(api.regions()::text NOT LIKE '%postgresql://%', 'regions carry no database URL');
SELECT ok(jsonb_array_length(api.agent_catalog() -> 'items') >= 4, 'the agent catalog');
SELECT is((api.identity_providers() -> 'items' -> 0 ->> 'id'), 'ldap', 'identity providers, sorted');

-- Identity validation
SELECT is(api.validate_identity(NULL, '{"type": "ldap", "config": {"url": "ldaps://dir.example:636", "bindDn": "cn=x", "baseDn": "dc=x"}}') -> 'valid',
          'true'::jsonb, 'a good LDAP configuration is valid');
SELECT is(api.validate_identity(NULL, '{"type": "oidc", "config": {"issuer": "http://insecure", "clientId": "", "clientSecret": 5}}') -> 'errors',
          '[{"field": "config.clientId", "message": "must not be empty"}, {"field": "config.clientSecret", "message": "must be a string"}, {"field": "config.issuer", "message": "must be an https:// URL"}]'::jsonb,
          'each bad field is named');
SELECT is(api.validate_identity(NULL, '{"type": "kerberos", "config": {}}') -> 'errors' -> 0 ->> 'field', 'type', 'an unknown type');
SELECT is(api.validate_identity(NULL, '{"type": "saml", "config": "x"}') -> 'errors' -> 0 ->> 'field', 'config', 'config must be an object');
SELECT throws_ok($$SELECT api.validate_identity(NULL, '{"config": {}}')$$, 'FG400', 'type is required', 'type is required');
SELECT throws_ok($$SELECT api.validate_identity(gen_random_uuid(), '{"type": "oidc", "config": {}}')$$, 'FG404', NULL,
                 'an unknown tenant: FG404');

-- Kits
CREATE TEMP TABLE k AS SELECT api.issue_kit(md5('fgtest-tenant-1')::uuid, '{"agents": ["log-shipper", "edr-sensor"], "format": "tar.gz"}') AS j;
SELECT is((SELECT jsonb_array_length(j -> 'agents') FROM k), 2, 'issue_kit returns the agents');
SELECT is((SELECT j -> 'regions' -> 0 ->> 'code' FROM k), 'eu-west', 'regions default to the tenant''s region');
SELECT ok((SELECT length(j ->> 'token') >= 40 FROM k), 'a long random token');
SELECT throws_ok($$SELECT api.issue_kit(md5('fgtest-tenant-1')::uuid, '{"agents": ["nope"]}')$$, 'FG400',
                 'unknown agent type(s): nope', 'unknown agent types are named');
SELECT throws_ok($$SELECT api.issue_kit(md5('fgtest-tenant-1')::uuid, '{"agents": []}')$$, 'FG400', NULL, 'at least one agent');
SELECT throws_ok($$SELECT api.issue_kit(md5('fgtest-tenant-1')::uuid, '{"agents": ["log-shipper"], "format": "rar"}')$$, 'FG400',
                 'format must be zip or tar.gz', 'a known format');
SELECT throws_ok($$SELECT api.kit_meta(md5('fgtest-tenant-1')::uuid)$$, 'FG404', NULL, 'no metadata before sealing');
SELECT lives_ok(format($$SELECT api.seal_kit(md5('fgtest-tenant-1')::uuid, '{"kitId": "%s", "metadataJson": "{\"a\":  1}", "archiveSha256": "%s"}')$$,
                       (SELECT j ->> 'kitId' FROM k), repeat('ab', 32)), 'seal_kit');
SELECT is(api.kit_meta(md5('fgtest-tenant-1')::uuid)::text, '{"a":  1}', 'kit_meta returns metadata.json verbatim');
SELECT is(api.kit_verification(md5('fgtest-tenant-1')::uuid, jsonb_build_object('kitId', (SELECT j ->> 'kitId' FROM k))) ->> 'state',
          'issued', 'a sealed kit is issued');
SELECT is(api.bootstrap_status(md5('fgtest-tenant-1')::uuid) ->> 'stage', 'kit_issued', 'bootstrap status moves to kit_issued');
SELECT j ->> 'kitId' AS kit, j ->> 'token' AS token FROM k \gset
CALL api.verify_kit(md5('fgtest-tenant-1')::uuid, jsonb_build_object('kitId', :'kit',
     'token', :'token', 'hostname', 'Host-1', 'agentType', 'edr-sensor', 'version', '5.2.3'), NULL);
SELECT is(api.tenant_agents(md5('fgtest-tenant-1')::uuid) -> 'items' -> 0 ->> 'hostname', 'host-1', 'verify_kit registers the agent');
SELECT is(api.bootstrap_status(md5('fgtest-tenant-1')::uuid) ->> 'stage', 'agent_verified', 'and the stage moves on');

-- Telemetry
SELECT lives_ok(format($$SELECT api.report_telemetry(md5('fgtest-tenant-1')::uuid, '{"agentId": "%s", "cpuPercent": 50, "status": "degraded"}')$$,
                       (SELECT id FROM agent_instances LIMIT 1)), 'report_telemetry');
SELECT is(api.tenant_telemetry(md5('fgtest-tenant-1')::uuid, '{"window": "5m"}') -> 'byStatus',
          '{"ok": 0, "error": 0, "degraded": 1}'::jsonb, 'telemetry aggregates statuses');
SELECT throws_ok($$SELECT api.tenant_telemetry(md5('fgtest-tenant-1')::uuid, '{"window": "forever"}')$$, 'FG400', NULL, 'a bad window');
SELECT throws_ok($$SELECT api.report_telemetry(md5('fgtest-tenant-1')::uuid, '{"agentId": "00000000-0000-0000-0000-000000000000"}')$$,
                 'FG404', NULL, 'an unknown agent');
SELECT throws_ok($$SELECT api.report_telemetry(md5('fgtest-tenant-1')::uuid, '{"agentId": "x"}')$$, 'FG400', 'agentId must be a UUID', 'a malformed agent id');

-- Scan and audit
SELECT is(api.bootstrap_scan(md5('fgtest-tenant-1')::uuid) -> 'summary', '{"info": 0, "warning": 0, "critical": 0}'::jsonb,
          'a fresh, current agent: no findings');
SELECT is(jsonb_array_length(api.bootstrap_audit(md5('fgtest-tenant-1')::uuid) -> 'items'), 2, 'kit.issued and kit.verify are audited');

SELECT * FROM finish();
ROLLBACK;
