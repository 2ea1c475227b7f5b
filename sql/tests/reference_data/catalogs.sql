-- The reference data every node serves: agent types and identity providers.
BEGIN;
SELECT plan(2);
SELECT fgtest.topology();
SELECT ok(jsonb_array_length(api.agent_catalog() -> 'items') >= 4, 'the agent catalog');
SELECT is((api.identity_providers() -> 'items' -> 0 ->> 'id'), 'ldap', 'identity providers, sorted');
SELECT * FROM finish();
ROLLBACK;
