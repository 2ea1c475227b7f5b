-- node 006: fences of tenants that are moving off this node, or have moved.
--
-- While a move's cutover runs, its source node holds a 'fenced' row for the
-- tenant: every handler refuses the tenant (FG421) in the statement that
-- would have read or written it, so a gateway that missed the catalog's
-- notification still cannot write to the old node. After the switch the row
-- says 'moved' (and names the new node): a gateway that still sends the tenant
-- here gets FG421, drops its cached resolution and asks again.

CREATE TABLE onboarding.tenant_fences (
    tenant_id   uuid PRIMARY KEY,
    move_id     bigint NOT NULL,
    state       text NOT NULL CHECK (state IN ('fenced', 'moved')),
    target_node text NOT NULL,
    since       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE onboarding.tenant_fences IS
    'Tenants this node must not serve: fenced during a move''s cutover, or moved away (target_node). Written by the mover; every handler checks it (api_enter).';
