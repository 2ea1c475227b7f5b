-- control 012: a routing rule names a node that holds the tenant's data. A rule to
-- another node is refused unless the operator declares that the node serves the same
-- data (two node entries for one database, a multi-primary cluster), which the rule
-- records. Rules of earlier releases are kept as they are (shared_data false) and
-- listed by federation_rule_problems until an operator fixes them.
ALTER TABLE federation.federation_routing ADD COLUMN shared_data boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN federation.federation_routing.shared_data IS
    'The operator declared that this rule''s node serves the same data as the tenant''s node (add_route p_shared_data): a rule to a node other than the tenant''s is refused without it.';
DROP FUNCTION IF EXISTS federation.add_route(uuid, text, text, integer, boolean);
