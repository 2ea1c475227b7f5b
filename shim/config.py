"""Gateway settings: read from the environment, overridden by CLI flags, validated once."""

from __future__ import annotations

import os
import socket
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Mapping


class ConfigError(ValueError):
    """A setting has a value the gateway cannot run with."""


def _env_number(env: Mapping[str, str], name: str, default: float, kind: type = float) -> Any:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be {'an integer' if kind is int else 'a number'}, got {raw!r}") from exc


def _login(user: str, password: str) -> dict[str, Any]:
    if not user:
        return {}
    return {"user": user, **({"password": password} if password else {})}


@dataclass(frozen=True)
class JobSettings:
    """How durable jobs are driven (moves, drains): the gateway's workers and the CLI read the same."""

    lease: float = 10.0              # FEDGATE_JOB_LEASE: seconds a driver's claim lasts unless renewed
    per_instance: int = 2            # FEDGATE_JOBS_PER_INSTANCE: jobs one gateway instance drives at once; 0: none
    attempts: int = 5                # FEDGATE_JOB_ATTEMPTS: failures at one step before a job stops, failed
    poll: float = 1.0                # FEDGATE_JOB_POLL: seconds between a worker's looks for claimable jobs
    backoff: float = 2.0             # FEDGATE_JOB_BACKOFF: seconds before a failed step's next attempt, doubled each time
    reversible_for: float = 3600.0   # FEDGATE_MOVE_REVERSIBLE_FOR: seconds a switched move can be reversed; 0: none

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "JobSettings":
        env = os.environ if env is None else env
        found = cls(lease=_env_number(env, "FEDGATE_JOB_LEASE", 10.0),
                    per_instance=_env_number(env, "FEDGATE_JOBS_PER_INSTANCE", 2, int),
                    attempts=_env_number(env, "FEDGATE_JOB_ATTEMPTS", 5, int),
                    poll=_env_number(env, "FEDGATE_JOB_POLL", 1.0),
                    backoff=_env_number(env, "FEDGATE_JOB_BACKOFF", 2.0),
                    reversible_for=_env_number(env, "FEDGATE_MOVE_REVERSIBLE_FOR", 3600.0))
        if found.lease < 1:
            raise ConfigError("FEDGATE_JOB_LEASE must be at least 1 second")
        if found.per_instance < 0 or found.attempts < 1:
            raise ConfigError("FEDGATE_JOBS_PER_INSTANCE must be 0 or more, FEDGATE_JOB_ATTEMPTS at least 1")
        if found.poll <= 0 or found.backoff <= 0:
            raise ConfigError("FEDGATE_JOB_POLL and FEDGATE_JOB_BACKOFF must be positive")
        if not 0 <= found.reversible_for <= 30 * 86400:
            raise ConfigError("FEDGATE_MOVE_REVERSIBLE_FOR must be 0 (moves clean up at once) to 30 days, in seconds")
        return found


@dataclass(frozen=True)
class Settings:
    """Everything the gateway process needs. Picklable: Sanic workers rebuild the app from it."""

    database_url: str = field(repr=False)
    # This instance (one `fedgate serve`), made in its main process and pickled to its workers.
    instance_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    instance_host: str = field(default_factory=socket.gethostname)
    instance_pid: int = field(default_factory=os.getpid)
    instance_started: float = field(default_factory=time.time)
    instance_ttl: float = 15.0       # seconds an instance not seen in the catalog is taken for gone
    jobs: JobSettings = field(default_factory=JobSettings)
    shutdown_grace: float = 25.0     # seconds a stopping worker lets in-flight requests finish
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    listen_backlog: int = 1024       # connections the kernel queues before a worker accepts them (Sanic's 100
                                     # reset clients of a 500-connection burst: httpx.ReadError)
    pool_max_size: int = 10          # connections per node pool
    pool_total_max: int = 100        # connections over all node pools of one worker
    cache_tenants: int = 200_000     # resolutions of mapped tenants kept (LRU)
    cache_unmapped: int = 20_000     # resolutions of unmapped or unknown tenants kept (their own LRU)
    tenant_max_inflight: int = 0     # one tenant's in-flight calls per node and worker; 0: half the pool
    tenant_write_rps: float = 50.0   # one tenant's writes a second across the gateway's workers; 0: no budget
    tenant_write_burst: float = 100.0  # ... and how many it may make at once after a quiet spell
    tenant_slow_ms: float = 100.0    # a tenant whose calls on a node average more gets one slot there
    tenant_slow_hold: float = 3.0    # ... held this many times its call's duration again after each call
    pool_max_idle: float = 300.0     # seconds before an idle connection (and an idle pool) closes
    connect_timeout: float = 3.0     # seconds to open a connection to a node
    pool_timeout: float = 2.0        # seconds to wait for a free connection
    statement_timeout_ms: int = 5000
    api_role: str = "fedgate_api"
    node_user: str = "fedgate_gateway"  # the login of the node pools ("": each node reference's own login)
    node_password: str = field(default="", repr=False)  # its password ("": libpq's PGPASSFILE, or none)
    catalog_user: str = "fedgate_catalog"  # the login of the catalog connections ("": the control URL's own)
    catalog_password: str = field(default="", repr=False)
    cors_origin: str = ""            # origins allowed cross-site (comma-separated, or *); none by default
    max_body_bytes: int = 1_048_576
    health_interval: float = 1.0     # seconds between health rounds (and idle-pool sweeps)
    health_timeout: float = 1.0      # seconds a node has to answer a health check
    sweep_interval: float = 300.0    # seconds between the checker's heartbeat-retention sweeps of each node
    load_interval: float = 30.0      # seconds between the checker's measures of each node's load (placement)
    reconcile_after: float = 60.0    # seconds before an unfinished creation is settled from what its node holds
    breaker_threshold: int = 2       # consecutive connection failures that open a node's breaker
    breaker_reset: float = 1.0       # seconds an open breaker waits before a probe request
    public_url: str = ""             # the gateway's URL as agents reach it (kits); default http://host:port
    jwt_secret: str = field(default="", repr=False)  # HS256 key: verifies tokens, signs agent credentials
    jwt_previous_secret: str = field(default="", repr=False)  # during a rotation: still verifies, never signs
    jwt_keys_file: str = ""          # a JWKS file of public keys (ES256, EdDSA, RS256), chosen by kid
    jwt_audience: str = "fedgate"
    jwt_issuer: str = ""             # when set, tokens must carry it
    jwt_leeway: float = 10.0         # seconds of clock skew allowed on exp and nbf (at most 30)
    agent_token_ttl: float = 86400.0  # seconds an agent credential is valid (refresh before it ends)
    jwt_max_ttl: float = 30 * 86400.0  # the longest a token may still be valid when presented (exp - now)
    proxies_count: int = 0           # trusted reverse proxies in front (client address from X-Forwarded-For)
    access_log: bool = True          # one JSON line per request on stdout
    tenant_stats_interval: float = 10.0  # seconds between a worker's per-tenant reports to the catalog
    status_refresh: int = 5          # seconds between the status page's refreshes
    default_residency: str = "none"  # a new tenant's residency when its creation names none: none or home

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        env = os.environ if env is None else env
        settings = cls(
            database_url=env.get("FEDGATE_DATABASE_URL", ""),
            node_user=env.get("FEDGATE_NODE_USER", "fedgate_gateway"),
            node_password=env.get("FEDGATE_NODE_PASSWORD", ""),
            catalog_user=env.get("FEDGATE_CATALOG_USER", "fedgate_catalog"),
            catalog_password=env.get("FEDGATE_CATALOG_PASSWORD", ""),
            host=env.get("FEDGATE_HOST", "127.0.0.1"),
            port=_env_number(env, "FEDGATE_PORT", 8080, int),
            workers=_env_number(env, "FEDGATE_WORKERS", 1, int),
            instance_ttl=_env_number(env, "FEDGATE_INSTANCE_TTL", 15.0),
            jobs=JobSettings.from_env(env),
            shutdown_grace=_env_number(env, "FEDGATE_SHUTDOWN_GRACE", 25.0),
            listen_backlog=_env_number(env, "FEDGATE_LISTEN_BACKLOG", 1024, int),
            pool_max_size=_env_number(env, "FEDGATE_POOL_MAX_SIZE", 10, int),
            pool_total_max=_env_number(env, "FEDGATE_POOL_TOTAL_MAX", 100, int),
            pool_max_idle=_env_number(env, "FEDGATE_POOL_MAX_IDLE", 300.0),
            tenant_max_inflight=_env_number(env, "FEDGATE_TENANT_MAX_INFLIGHT", 0, int),
            tenant_write_rps=_env_number(env, "FEDGATE_TENANT_WRITE_RPS", 50.0),
            tenant_write_burst=_env_number(env, "FEDGATE_TENANT_WRITE_BURST", 100.0),
            tenant_slow_ms=_env_number(env, "FEDGATE_TENANT_SLOW_MS", 100.0),
            tenant_slow_hold=_env_number(env, "FEDGATE_TENANT_SLOW_HOLD", 3.0),
            cache_tenants=_env_number(env, "FEDGATE_CACHE_TENANTS", 200_000, int),
            cache_unmapped=_env_number(env, "FEDGATE_CACHE_UNMAPPED", 20_000, int),
            connect_timeout=_env_number(env, "FEDGATE_CONNECT_TIMEOUT", 3.0),
            pool_timeout=_env_number(env, "FEDGATE_POOL_TIMEOUT", 2.0),
            statement_timeout_ms=_env_number(env, "FEDGATE_STATEMENT_TIMEOUT_MS", 5000, int),
            cors_origin=env.get("FEDGATE_CORS_ORIGIN", ""),
            public_url=env.get("FEDGATE_PUBLIC_URL", ""),
            health_interval=_env_number(env, "FEDGATE_HEALTH_INTERVAL", 1.0),
            health_timeout=_env_number(env, "FEDGATE_HEALTH_TIMEOUT", 1.0),
            sweep_interval=_env_number(env, "FEDGATE_SWEEP_INTERVAL", 300.0),
            load_interval=_env_number(env, "FEDGATE_LOAD_INTERVAL", 30.0),
            reconcile_after=_env_number(env, "FEDGATE_RECONCILE_AFTER", 60.0),
            breaker_threshold=_env_number(env, "FEDGATE_BREAKER_THRESHOLD", 2, int),
            breaker_reset=_env_number(env, "FEDGATE_BREAKER_RESET", 1.0),
            jwt_secret=env.get("FEDGATE_JWT_SECRET", ""),
            jwt_previous_secret=env.get("FEDGATE_JWT_PREVIOUS_SECRET", ""),
            jwt_keys_file=env.get("FEDGATE_JWT_KEYS", ""),
            jwt_audience=env.get("FEDGATE_JWT_AUDIENCE", "") or "fedgate",
            jwt_issuer=env.get("FEDGATE_JWT_ISSUER", ""),
            jwt_leeway=_env_number(env, "FEDGATE_JWT_LEEWAY", 10.0),
            agent_token_ttl=_env_number(env, "FEDGATE_AGENT_TOKEN_TTL", 86400.0),
            jwt_max_ttl=_env_number(env, "FEDGATE_JWT_MAX_TTL", 30 * 86400.0),
            proxies_count=_env_number(env, "FEDGATE_PROXIES_COUNT", 0, int),
            access_log=env.get("FEDGATE_ACCESS_LOG", "on").strip().lower() not in ("off", "0", "false", "no"),
            tenant_stats_interval=_env_number(env, "FEDGATE_TENANT_STATS_INTERVAL", 10.0),
            status_refresh=_env_number(env, "FEDGATE_STATUS_REFRESH", 5, int),
            default_residency=env.get("FEDGATE_DEFAULT_RESIDENCY", "none").strip().lower() or "none",
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        settings = replace(settings, **given)
        if not settings.public_url:
            settings = replace(settings, public_url=f"http://{settings.host}:{settings.port}")
        return settings.validated()

    def validated(self) -> "Settings":
        if not self.database_url:
            raise ConfigError("no control database: set FEDGATE_DATABASE_URL or pass --database-url")
        if not 0 < self.port < 65536:
            raise ConfigError(f"port must be 1-65535, got {self.port}")
        if self.workers < 1:
            raise ConfigError("workers must be at least 1")
        if not 1 <= self.listen_backlog <= 65535:
            raise ConfigError(f"FEDGATE_LISTEN_BACKLOG must be 1-65535, got {self.listen_backlog}")
        if self.pool_max_size < 1 or self.pool_total_max < self.pool_max_size:
            raise ConfigError("pool sizes: need 1 <= pool_max_size <= pool_total_max")
        for name in ("connect_timeout", "pool_timeout", "pool_max_idle", "health_interval", "health_timeout",
                     "tenant_slow_ms", "tenant_slow_hold", "instance_ttl", "shutdown_grace",
                     "breaker_reset", "sweep_interval", "load_interval", "tenant_stats_interval", "status_refresh"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive")
        if self.public_url and not self.public_url.startswith(("http://", "https://")):
            raise ConfigError("FEDGATE_PUBLIC_URL must be an http:// or https:// URL")
        if self.tenant_write_rps < 0 or (self.tenant_write_rps > 0 and self.tenant_write_burst < 1):
            raise ConfigError("FEDGATE_TENANT_WRITE_RPS must be 0 (no budget) or more, with a burst of at least 1")
        if not 0 <= self.tenant_max_inflight <= self.pool_max_size:
            raise ConfigError("FEDGATE_TENANT_MAX_INFLIGHT must be 0 (half the pool) to the pool size")
        if self.cache_tenants < 1 or self.cache_unmapped < 1:
            raise ConfigError("FEDGATE_CACHE_TENANTS and FEDGATE_CACHE_UNMAPPED must be at least 1")
        if self.default_residency not in ("none", "home"):
            raise ConfigError("FEDGATE_DEFAULT_RESIDENCY must be none (new tenants unrestricted) or home (their "
                              f"home region), got {self.default_residency!r}")
        if self.breaker_threshold < 1:
            raise ConfigError("breaker_threshold must be at least 1")
        if self.statement_timeout_ms < 1:
            raise ConfigError("statement_timeout_ms must be positive")
        if self.reconcile_after <= self.call_bound_seconds + self.statement_timeout_ms / 1000:
            # Settling earlier could undo a registration whose node statement is still running.
            raise ConfigError(f"FEDGATE_RECONCILE_AFTER must exceed {self.call_bound_seconds + self.statement_timeout_ms / 1000:g} "
                              "seconds (a handler call's bound plus the statement timeout)")
        self.validate_auth()
        return self

    def validate_auth(self) -> None:
        """The gateway refuses to start without a way to check tokens."""
        if not self.jwt_secret and not self.jwt_keys_file:
            raise ConfigError("no token key: set FEDGATE_JWT_SECRET (HS256, at least 32 bytes) or FEDGATE_JWT_KEYS "
                              "(a JWKS file of public keys); `make run` makes its own")
        if not self.jwt_secret:
            raise ConfigError("FEDGATE_JWT_KEYS needs FEDGATE_JWT_SECRET too: the gateway signs agent credentials "
                              "with its own HS256 secret")
        if len(self.jwt_secret.encode()) < 32 or 0 < len(self.jwt_previous_secret.encode()) < 32:
            raise ConfigError("FEDGATE_JWT_SECRET (and FEDGATE_JWT_PREVIOUS_SECRET) must be at least 32 bytes")
        if not 0 <= self.jwt_leeway <= 30:
            raise ConfigError("FEDGATE_JWT_LEEWAY must be 0-30 seconds")
        if not 60 <= self.agent_token_ttl <= 30 * 86400:
            raise ConfigError("FEDGATE_AGENT_TOKEN_TTL must be 60 seconds to 30 days")
        if not self.agent_token_ttl <= self.jwt_max_ttl <= 366 * 86400:
            raise ConfigError("FEDGATE_JWT_MAX_TTL must be at least FEDGATE_AGENT_TOKEN_TTL and at most 366 days")
        if self.proxies_count < 0:
            raise ConfigError("FEDGATE_PROXIES_COUNT must be 0 or more")

    @property
    def tenant_inflight_limit(self) -> int:
        """One tenant's in-flight handler calls per node and worker (default: half the node's pool)."""
        return self.tenant_max_inflight or max(1, self.pool_max_size // 2)

    @property
    def node_login(self) -> dict[str, Any]:
        """libpq parameters that replace a node reference's login for the gateway's node pools."""
        return _login(self.node_user, self.node_password)

    @property
    def catalog_login(self) -> dict[str, Any]:
        """libpq parameters that replace the control URL's login for the gateway's catalog connections."""
        return _login(self.catalog_user, self.catalog_password)

    @property
    def cors_origins(self) -> frozenset[str]:
        return frozenset(o.strip().rstrip("/") for o in self.cors_origin.split(",") if o.strip())

    @property
    def call_bound_seconds(self) -> float:
        """The longest one handler call may take: a connection, then the statement, then 504."""
        return self.pool_timeout + self.statement_timeout_ms / 1000 + 1.0

    @property
    def request_bound_seconds(self) -> float:
        """The longest a routed request can take before the gateway answers 503/504 (a cold
        resolution's catalog query, then one handler call)."""
        return self.connect_timeout + self.call_bound_seconds
