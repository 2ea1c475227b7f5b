-- validate_identity names each bad field; the configuration is never stored.
BEGIN;
SELECT plan(7);
SELECT fgtest.topology();
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
SELECT ok((SELECT api.validate_identity(fgtest.tid(1), '{"type": "oidc", "config": {"clientSecret": "s3cret"}}')::text NOT LIKE '%s3cret%'),
          'the outcome, never the configuration, is returned');
SELECT * FROM finish();
ROLLBACK;
