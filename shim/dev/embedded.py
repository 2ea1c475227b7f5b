"""The embedded default: local clusters for `fedgate serve` without a database URL.

A control node ``default`` (us-east) and three regional nodes, ``eu-west-1``
and ``eu-west-2`` (eu-west) and ``ap-south-1`` (ap-south), in a git-ignored
folder of the repo whose data survives restarts (``fedgate dev reset``
removes it). Demo tenants are seeded on the first start through the real
creation action, before ``eu-west-2`` joins, so the docs' move and drain
examples (Globex Europe from eu-west-1 to eu-west-2) run as printed. While it
runs, its control database URL is kept in ``control-url`` beside the
clusters (mode 0600) for ``fedgate dev psql`` and the CLI.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from shim.actions import nodes, tenants
from shim.actions.backends import Backends
from shim.actions.migrate import migrate
from shim.auth.tokens import Principal
from shim.config import Settings
from shim.dev.clusters import (LOGICAL_ARGS, SERVICE_USER, Cluster, service_user_can_reach, start_clusters,
                               stop_clusters)
from shim.nodes.catalog import Catalog
from shim.nodes.client import NodeClient
from shim.nodes.connector import Connector
from shim.paths import DEV_DATA_DIR

LAYOUT = (("default", "us-east"), ("eu-west-1", "eu-west"), ("ap-south-1", "ap-south"), ("eu-west-2", "eu-west"))
JOINS_AFTER_SEEDING = "eu-west-2"  # an empty node of a region the demo tenants use: move them there
DEMO_TENANTS = (
    {"name": "Acme Corp", "region": "us-east", "contactEmail": "ops@acme.example"},
    {"name": "Globex Europe", "region": "eu-west", "contactEmail": "it@globex.example"},
    {"name": "Initech Asia", "region": "ap-south", "metadata": {"plan": "enterprise"}},
)


SECRET_FILE = "jwt-secret"
URL_FILE = "control-url"


@dataclass
class Embedded:
    clusters: list[Cluster]
    control_url: str = field(repr=False)
    seeded: list[str]
    jwt_secret: str = field(default="", repr=False)
    url_file: Path | None = None

    def stop(self) -> None:
        if self.url_file is not None:
            self.url_file.unlink(missing_ok=True)
        stop_clusters(self.clusters)


async def _seed(settings: Settings) -> list[str]:
    catalog = Catalog(settings.database_url, login=settings.catalog_login)
    client = NodeClient(settings)
    await catalog.open()
    try:
        created = []
        backends = Backends(catalog, client)
        claims = Principal("operator", "fedgate-dev-seed").claims(None)
        for body in DEMO_TENANTS:
            done = await tenants.create_tenant(backends, dict(body), claims)
            created.append(f"{body['name']} -> {done.node.node.node_id}: {done.answer[:60]}...")
        return created
    finally:
        await client.close()
        await catalog.close()


def _fallback_dir(wanted: Path) -> Path:
    return Path("/var/tmp") / f"fedgate-dev-{hashlib.sha256(str(wanted).encode()).hexdigest()[:12]}"


def usable_data_dir(wanted: Path) -> Path:
    """``wanted``, or, when the PostgreSQL service user cannot reach it (a checkout in a 0700 home
    directory, run as root), a directory of this checkout's own under /var/tmp that it can."""
    if service_user_can_reach(wanted):
        return wanted
    fallback = _fallback_dir(wanted)
    print(f"the {SERVICE_USER} user cannot reach {wanted} (a parent directory is closed to it): "
          f"the embedded clusters live in {fallback} instead (set FEDGATE_DEV_DATA to choose)", flush=True)
    return fallback


def _secret(data_dir: Path) -> str:
    """The embedded default's HS256 secret, made on first start (mode 0600, beside the clusters)."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _kept(name: str, data_dir: Path) -> str:
    """A file the embedded default keeps beside its clusters (wherever they live), or ''."""
    for candidate in (data_dir, _fallback_dir(data_dir)):
        path = candidate / name
        if path.is_file():
            return path.read_text().strip()
    return ""


def existing_secret(data_dir: Path = DEV_DATA_DIR) -> str:
    """The embedded default's secret if it has started once (for `fedgate token issue`), else ''."""
    return _kept(SECRET_FILE, data_dir)


def demo_tenants(control_url: str) -> list[tuple[str, str, str]]:
    """(tenant id, name, region) of the first tenants registered: the demo tenants."""
    return [(str(r["id"]), r["name"], r["region"]) for r in Connector(control_url).rows("first_tenants")]


def running_control_url(data_dir: Path = DEV_DATA_DIR) -> str:
    """The running embedded default's control database URL, or '' when it is not running."""
    return _kept(URL_FILE, data_dir)


def start(data_dir: Path = DEV_DATA_DIR) -> Embedded:
    data_dir = usable_data_dir(data_dir)
    jwt_secret = _secret(data_dir)
    dirs = [str(data_dir / node_id) for node_id, _ in LAYOUT]
    # Unix sockets only, in directories of mode 0700: the clusters trust their local connections, so no
    # other account of this machine may reach them (on TCP, any local user was a superuser of them).
    clusters = start_clusters(len(LAYOUT), base_dirs=dirs, fsync=True, socket_only=True,
                              extra_args=LOGICAL_ARGS)  # moves
    try:
        urls = [c.url() for c in clusters]
        control = urls[0]
        migrate(control, "control")
        connector = Connector(control, name="fedgate-dev")
        empty = connector.rows("count_tenants")[0]["count"] == 0
        # Ports are new on every start: (re)register the regional nodes' URLs (migrating them first).
        joined = [(node_id, region, url) for (node_id, region), url in zip(LAYOUT[1:], urls[1:])]
        for node_id, region, url in joined:
            if not (empty and node_id == JOINS_AFTER_SEEDING):
                nodes.add_node(connector, node_id, region, url)
        seeded = asyncio.run(_seed(Settings(database_url=control))) if empty else []
        for node_id, region, url in joined:
            if empty and node_id == JOINS_AFTER_SEEDING:
                nodes.add_node(connector, node_id, region, url)
        url_file = data_dir / URL_FILE
        fd = os.open(url_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(control)
        return Embedded(clusters, control, seeded, jwt_secret, url_file)
    except BaseException:
        stop_clusters(clusters)
        raise


def reset(data_dir: Path = DEV_DATA_DIR) -> bool:
    data_dir = usable_data_dir(data_dir)
    if data_dir.exists():
        shutil.rmtree(data_dir)
        return True
    return False

