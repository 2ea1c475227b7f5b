-- node 004: the API role reads which migrations this node has, so a gateway can
-- refuse to run its handlers on a node whose schema is older than its own.
GRANT SELECT ON public.fedgate_migrations TO fedgate_api;
