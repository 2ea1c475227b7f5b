"""The embedded default: local clusters for `fedgate serve` without a database URL.

A control node ``default`` (us-east) and two regional nodes ``eu-west-1``
(eu-west) and ``ap-south-1`` (ap-south), in a git-ignored folder of the repo
whose data survives restarts (``fedgate dev reset`` removes it). Demo
tenants are seeded on the first start through the real creation path.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from shim.auth.tokens import Principal
from shim.config import Settings
from shim.dev.clusters import SERVICE_USER, Cluster, service_user_can_reach, start_clusters, stop_clusters
from shim.nodes.catalog import Catalog
from shim.nodes.client import NodeClient
from shim.nodes.queries import QUERIES
from shim.ops.migrate import migrate
from shim.paths import DEV_DATA_DIR
from shim.request.flows import Backends, Routed, create_tenant

LAYOUT = (("default", "us-east"), ("eu-west-1", "eu-west"), ("ap-south-1", "ap-south"))
DEMO_TENANTS = (
    {"name": "Acme Corp", "region": "us-east", "contactEmail": "ops@acme.example"},
    {"name": "Globex Europe", "region": "eu-west", "contactEmail": "it@globex.example"},
    {"name": "Initech Asia", "region": "ap-south", "metadata": {"plan": "enterprise"}},
)


SECRET_FILE = "jwt-secret"


@dataclass
class Embedded:
    clusters: list[Cluster]
    control_url: str
    seeded: list[str]
    jwt_secret: str = field(default="", repr=False)

    def stop(self) -> None:
        stop_clusters(self.clusters)


def register_node(control_url: str, node_id: str, region: str, reference: str,
                  priority: int = 0, placement_weight: int = 100) -> None:
    with psycopg.connect(control_url, autocommit=True) as conn:
        conn.execute(QUERIES["add_node"], (node_id, region, reference, priority, placement_weight))


async def _seed(settings: Settings) -> list[str]:
    catalog = Catalog(settings.database_url, login=settings.catalog_login)
    client = NodeClient(settings)
    await catalog.open()
    try:
        created = []
        backends = Backends(catalog, client)
        for body in DEMO_TENANTS:
            seeding = Routed(None, None, True, "placement", claims=Principal("operator", "fedgate-dev-seed").claims(None))
            reply = await create_tenant(backends, seeding, "create_tenant", dict(body))
            assert reply.route is not None
            created.append(f"{body['name']} -> {reply.route.node_id}: {str(reply.body)[:60]}...")
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


def existing_secret(data_dir: Path = DEV_DATA_DIR) -> str:
    """The embedded default's secret if it has started once (for `fedgate token issue`), else ''."""
    for candidate in (data_dir, _fallback_dir(data_dir)):
        path = candidate / SECRET_FILE
        if path.is_file():
            return path.read_text().strip()
    return ""


def tenants(control_url: str) -> list[tuple[str, str, str]]:
    """(tenant id, name, region) of the first tenants registered: the demo tenants."""
    with psycopg.connect(control_url, autocommit=True) as conn:
        return [(str(t), n, r) for t, n, r in conn.execute(QUERIES["first_tenants"]).fetchall()]


def start(data_dir: Path = DEV_DATA_DIR) -> Embedded:
    data_dir = usable_data_dir(data_dir)
    jwt_secret = _secret(data_dir)
    dirs = [str(data_dir / node_id) for node_id, _ in LAYOUT]
    clusters = start_clusters(len(LAYOUT), base_dirs=dirs, fsync=True, extra_args="-c wal_level=logical")  # moves
    try:
        urls = [c.url() for c in clusters]
        control = urls[0]
        migrate(control, "control")
        for url in urls[1:]:
            migrate(url, "node")
        # Ports are new on every start: (re)register the regional nodes' URLs.
        for (node_id, region), url in zip(LAYOUT[1:], urls[1:]):
            register_node(control, node_id, region, url)
        with psycopg.connect(control, autocommit=True) as conn:
            row = conn.execute(QUERIES["count_tenants"]).fetchone()
            empty = row is not None and row[0] == 0
        seeded = asyncio.run(_seed(Settings(database_url=control))) if empty else []
        return Embedded(clusters, control, seeded, jwt_secret)
    except BaseException:
        stop_clusters(clusters)
        raise


def reset(data_dir: Path = DEV_DATA_DIR) -> bool:
    data_dir = usable_data_dir(data_dir)
    if data_dir.exists():
        shutil.rmtree(data_dir)
        return True
    return False

