-- control 007: the columns of migrations 004 and 005 that named a node as varchar(255) become text,
-- like every other node id since control 001 (which moved the catalog to text and checks). The node
-- ids they hold are checked by their foreign keys to federation_nodes.
--
-- The views over them (federation_replica_status, federation_moves) are dropped here; the runner
-- re-applies the function families (views.sql) after any migration, which creates them again.

DROP VIEW IF EXISTS federation.federation_replica_status;
DROP VIEW IF EXISTS federation.federation_moves;

ALTER TABLE federation.federation_replicas ALTER COLUMN node_id TYPE text;
ALTER TABLE federation.tenant_moves
    ALTER COLUMN source_node TYPE text,
    ALTER COLUMN target_node TYPE text;

-- A default left from the varchar days of federation_nodes.status ('active'::character varying).
ALTER TABLE federation.federation_nodes ALTER COLUMN status SET DEFAULT 'active';
