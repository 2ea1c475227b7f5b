-- 003: reference data every node carries: regions, agent types, identity
-- provider types.

CREATE TABLE IF NOT EXISTS public.regions (
    code         text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200)
);
COMMENT ON TABLE public.regions IS 'Display names of region codes; a region is served when a node of it is registered.';
INSERT INTO public.regions (code, display_name) VALUES
    ('us-east', 'US East'), ('eu-west', 'EU West'), ('ap-south', 'Asia Pacific South')
ON CONFLICT (code) DO NOTHING;

CREATE TABLE IF NOT EXISTS public.agent_types (
    id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text NOT NULL,
    version     text NOT NULL,
    platforms   text[] NOT NULL,
    description text NOT NULL DEFAULT ''
);
COMMENT ON TABLE public.agent_types IS 'Agent types a tenant can deploy (the agents catalog).';
INSERT INTO public.agent_types (id, name, version, platforms, description) VALUES
    ('log-shipper',    'Log Shipper',    '2.4.1', ARRAY['linux', 'windows', 'macos'], 'Forwards system and application logs.'),
    ('metrics-agent',  'Metrics Agent',  '1.9.0', ARRAY['linux', 'windows'],          'Collects host and container metrics.'),
    ('edr-sensor',     'EDR Sensor',     '5.2.3', ARRAY['linux', 'windows', 'macos'], 'Endpoint detection and response sensor.'),
    ('network-probe',  'Network Probe',  '0.8.7', ARRAY['linux'],                     'Passive network flow probe.')
ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS public.identity_provider_types (
    id              text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name            text NOT NULL,
    required_fields jsonb NOT NULL CHECK (jsonb_typeof(required_fields) = 'array'),
    description     text NOT NULL DEFAULT ''
);
COMMENT ON TABLE public.identity_provider_types IS 'Identity provider types and the configuration fields each needs.';
INSERT INTO public.identity_provider_types (id, name, required_fields, description) VALUES
    ('oidc', 'OpenID Connect',
     '[{"name":"issuer","type":"https_url"},{"name":"clientId","type":"string"},{"name":"clientSecret","type":"string"}]',
     'OIDC authorization-code flow.'),
    ('saml', 'SAML 2.0',
     '[{"name":"entityId","type":"string"},{"name":"ssoUrl","type":"https_url"},{"name":"certificate","type":"pem"}]',
     'SAML 2.0 service-provider initiated login.'),
    ('ldap', 'LDAP',
     '[{"name":"url","type":"ldap_url"},{"name":"bindDn","type":"string"},{"name":"baseDn","type":"string"}]',
     'LDAP bind authentication.')
ON CONFLICT (id) DO NOTHING;
