"""Test harness: real clusters, fresh federations cloned from a migrated
template, and real gateway processes. Shared by tests and benchmarks."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import httpx
import psycopg

from shim.auth.keys import Keyring
from shim.auth.tokens import Role as TokenRole, mint
from shim.dev.clusters import Cluster
from shim.actions.migrate import migrate
from shim.schema import Role

TEMPLATE_DB = "fedgate_template"
REGIONS = (("default", "us-east"), ("eu-west-1", "eu-west"), ("ap-south-1", "ap-south"))
ROLES: tuple[Role, ...] = ("control", "node", "node")  # clusters[0] holds the control databases


# The gateways the tests start verify tokens with this HS256 secret.
JWT_SECRET = "fedgate-tests-hs256-secret-0123456789abcdef"
AUDIENCE = "fedgate"
DBA_CLAIMS = '{"role":"operator","sub":"tests-dba"}'  # no spaces: it goes into libpq's options

# One TLS context for every HTTP client of the tests and benchmarks. httpx otherwise builds a context per
# client and loads the CA bundle into it, tens of milliseconds of CPU each: start_gateway's readiness polls
# and the clients the tests open were a seventh of the suite's CPU (py-spy). The tests speak plain HTTP.
TLS = ssl.create_default_context()


def http_client(base_url: str, **kw: Any) -> httpx.Client:
    """An HTTP client of the tests (the shared TLS context)."""
    return httpx.Client(base_url=base_url, verify=TLS, **kw)


def async_http_client(base_url: str, **kw: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url, verify=TLS, **kw)


def token(role: TokenRole = "operator", tenant: str | uuid.UUID | None = None, agent: str | uuid.UUID | None = None,
          ttl: float = 3600, sub: str | None = None) -> str:
    """A token the test gateways accept."""
    return mint(Keyring(JWT_SECRET), role=role, audience=AUDIENCE, ttl=ttl, sub=sub,
                tenant_id=uuid.UUID(str(tenant)) if tenant else None,
                agent_id=uuid.UUID(str(agent)) if agent else None)[0]


def bearer(role: TokenRole = "operator", tenant: str | uuid.UUID | None = None,
           agent: str | uuid.UUID | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, tenant, agent)}"}


def admin_url(cluster: Cluster, database: str = "postgres") -> str:
    return cluster.url(database=database)


def prepare_template(cluster: Cluster, role: Role) -> None:
    """A template database migrated for ``role`` on ``cluster``; fresh databases clone it."""
    with psycopg.connect(admin_url(cluster), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (TEMPLATE_DB,)).fetchone():
            return
        conn.execute(f"CREATE DATABASE {TEMPLATE_DB}")
    migrate(admin_url(cluster, TEMPLATE_DB), role)


def create_database(cluster: Cluster, name: str, template: str | None = TEMPLATE_DB) -> str:
    """A new database (any old one of that name dropped): a clone of the migrated template, or empty. Its
    files copied (FILE_COPY), not written through the WAL: 160 ms a clone instead of 200-290 ms, and the
    clusters' WAL does not grow by a template's size with every federation a test makes."""
    with psycopg.connect(admin_url(cluster), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f" TEMPLATE {template}" if template else "")
                     + " STRATEGY FILE_COPY")
    return admin_url(cluster, name)


@dataclass
class Federation:
    """A control database and its regional nodes, each a database on its own cluster."""

    name: str
    clusters: Sequence[Cluster]
    urls: dict[str, str] = field(default_factory=dict)  # node id -> URL

    @property
    def control_url(self) -> str:
        return self.urls["default"]

    def sql(self, node_id: str, query: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        """A statement on a node, as a DBA acting as an operator (handlers need a caller's claims)."""
        with psycopg.connect(self.urls[node_id], autocommit=True, options=f"-c fedgate.claims={DBA_CLAIMS}") as conn:
            cursor = conn.execute(query, params or None)
            return cursor.fetchall() if cursor.description else []

    def catalog(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.sql("default", query, params)


def make_federation(clusters: Sequence[Cluster], name: str | None = None) -> Federation:
    """Fresh databases on every cluster; the regional ones registered in the control catalog."""
    name = name or f"fed_{uuid.uuid4().hex[:10]}"
    fed = Federation(name, clusters)
    for (node_id, _), cluster in zip(REGIONS, clusters):
        fed.urls[node_id] = create_database(cluster, name)
    for node_id, region in REGIONS[1:]:
        fed.catalog("SELECT federation.add_node(%s, %s, %s)", (node_id, region, fed.urls[node_id]))
    return fed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Gateway:
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def client(self, **kw: Any) -> httpx.Client:
        """An HTTP client of the gateway, as an operator unless ``headers`` say otherwise."""
        headers = {**bearer(), **kw.pop("headers", {})}
        return http_client(self.base_url, timeout=kw.pop("timeout", 15), headers=headers, **kw)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_gateway(control_url: str, log_dir: Path, *, workers: int = 1,
                  env: dict[str, str] | None = None, ready_timeout: float = 30, module: str = "shim.cli",
                  own_group: bool = False) -> Gateway:
    """A gateway process, ready; ``own_group``: in a process group of its own (a test signals the group)."""
    port = free_port()
    log_path = log_dir / f"gateway-{port}.log"
    cmd = [sys.executable, "-m", module, "serve", "--database-url", control_url,
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    if workers == 1:
        cmd.append("--single-process")
    full_env = {**os.environ, "FEDGATE_JWT_SECRET": JWT_SECRET, **(env or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=full_env, start_new_session=own_group)
    gateway = Gateway(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + ready_timeout
    with http_client(gateway.base_url, timeout=1) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gateway exited with {process.returncode}:\n{gateway.log()}")
            try:
                if http.get("/readyz").status_code == 200:
                    return gateway
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
    gateway.stop()
    raise RuntimeError(f"gateway not ready within {ready_timeout}s:\n{gateway.log()}")


@contextmanager
def gateway_on_fresh_federation(clusters: Sequence[Cluster], log_dir: Path,
                                **gateway: Any) -> Iterator[tuple[Federation, Gateway]]:
    """A fresh federation and a gateway serving it, for a test that stops servers: whichever cluster it
    stopped is started again afterwards, for the next test."""
    fed = make_federation(clusters)
    gw = start_gateway(fed.control_url, log_dir, **gateway)
    try:
        yield fed, gw
    finally:
        gw.stop()
        for cluster in clusters:
            if not cluster.is_alive():
                cluster.start_server()
