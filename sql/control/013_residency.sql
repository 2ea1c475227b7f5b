-- control 013: data residency. A tenant may carry a policy: the regions its rows
-- and requests may be served in. No policy (NULL) is unrestricted, so an upgrade
-- changes nothing for existing tenants.
--
-- The policy lives on the registry row; the map row carries a copy (kept by
-- triggers) so that resolve_node's fast path reads it with the row it already
-- reads. A rule, a placement or a replica outside the policy exists only with an
-- override, whose reason the row keeps. Every decision (a policy set, an override,
-- a refusal) is appended to federation.residency_events, which refuses UPDATE,
-- DELETE and TRUNCATE.

ALTER TABLE federation.tenant_registry ADD COLUMN residency text[]
    CHECK (residency IS NULL OR (cardinality(residency) BETWEEN 1 AND 64 AND array_position(residency, NULL) IS NULL));
COMMENT ON COLUMN federation.tenant_registry.residency IS
    'The regions the tenant''s rows and requests may be served in (federation.set_residency); NULL: unrestricted.';

ALTER TABLE federation.tenant_federation_map ADD COLUMN residency text[];
COMMENT ON COLUMN federation.tenant_federation_map.residency IS
    'A copy of tenant_registry.residency kept by triggers, read by resolve_node''s fast path with the map row.';
ALTER TABLE federation.tenant_federation_map ADD COLUMN residency_override text
    CHECK (residency_override IS NULL OR length(btrim(residency_override)) BETWEEN 1 AND 500);
COMMENT ON COLUMN federation.tenant_federation_map.residency_override IS
    'Why the tenant''s node may lie outside its residency (an operator''s recorded override); NULL: it may not.';

ALTER TABLE federation.federation_routing ADD COLUMN residency_override text
    CHECK (residency_override IS NULL OR length(btrim(residency_override)) BETWEEN 1 AND 500);
COMMENT ON COLUMN federation.federation_routing.residency_override IS
    'Why this rule may name a node outside the tenant''s residency (an operator''s recorded override); NULL: it may not.';

ALTER TABLE federation.federation_replicas ADD COLUMN region fedgate.region_code;
UPDATE federation.federation_replicas r SET region = n.region FROM federation.federation_nodes n WHERE n.node_id = r.node_id;
ALTER TABLE federation.federation_replicas ALTER COLUMN region SET NOT NULL;
COMMENT ON COLUMN federation.federation_replicas.region IS
    'Where the replica runs (its node''s region unless registered otherwise): it never serves a tenant whose residency excludes it, unless overridden.';
ALTER TABLE federation.federation_replicas ADD COLUMN residency_override text
    CHECK (residency_override IS NULL OR length(btrim(residency_override)) BETWEEN 1 AND 500);
COMMENT ON COLUMN federation.federation_replicas.residency_override IS
    'Why this replica may serve tenants whose residency excludes its region (an operator''s recorded override).';

ALTER TABLE federation.tenant_moves ADD COLUMN residency_override text
    CHECK (residency_override IS NULL OR length(btrim(residency_override)) BETWEEN 1 AND 500);
COMMENT ON COLUMN federation.tenant_moves.residency_override IS
    'Why the move may take the tenant outside its residency: the map row keeps it after the switch.';
ALTER TABLE federation.tenant_moves ADD COLUMN residency text[]
    CHECK (residency IS NULL OR cardinality(residency) BETWEEN 1 AND 64);
COMMENT ON COLUMN federation.tenant_moves.residency IS
    'A residency policy the switch applies (set_residency with p_move): it binds once the tenant is where it allows.';

CREATE TABLE federation.residency_events (
    event_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor     text NOT NULL CHECK (length(actor) BETWEEN 1 AND 255),
    tenant_id uuid,  -- no foreign key: the record outlives the tenant
    action    text NOT NULL CHECK (action IN ('policy', 'place', 'route', 'map', 'move', 'drain', 'replica', 'legacy')),
    node_id   text,
    region    text,
    decision  text NOT NULL CHECK (decision IN ('set', 'cleared', 'planned', 'refused', 'overridden')),
    regions   text[],
    reason    text CHECK (length(reason) <= 1000)
);
CREATE INDEX residency_events_tenant_idx ON federation.residency_events (tenant_id, at);
COMMENT ON TABLE federation.residency_events IS
    'Append-only record of residency decisions: policies set or cleared, overrides, refusals (who, when, tenant, action, node and region, the policy, the reason). UPDATE, DELETE and TRUNCATE are refused.';

-- route_candidates gains a column (resident): its return type changes, so the
-- function files recreate it.
DROP FUNCTION IF EXISTS federation.route_candidates(uuid, text);

-- Functions that take an override (and a replica's region) gain arguments.
DROP FUNCTION IF EXISTS federation.add_route(uuid, text, text, integer, boolean, boolean);
DROP FUNCTION IF EXISTS federation.start_move(uuid, text, boolean, bigint);
DROP FUNCTION IF EXISTS federation.add_replica(text, text, text, interval);
