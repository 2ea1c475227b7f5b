"""The embedded default: local clusters for `fedgate serve` without a database URL.

A control node ``default`` (us-east) and two regional nodes ``eu-west-1``
(eu-west) and ``ap-south-1`` (ap-south), in a git-ignored folder of the repo
whose data survives restarts (``fedgate dev reset`` removes it). Demo
tenants are seeded on the first start through the real creation path.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from pathlib import Path

import psycopg

from shim.catalog import Catalog
from shim.config import Settings
from shim.devcluster import Cluster, start_clusters, stop_clusters
from shim.migrate import migrate
from shim.paths import DEV_DATA_DIR
from shim.pools import NodePools
from shim.provisioning import create_federated_tenant
from shim.queries import QUERIES

LAYOUT = (("default", "us-east"), ("eu-west-1", "eu-west"), ("ap-south-1", "ap-south"))
DEMO_TENANTS = (
    {"name": "Acme Corp", "region": "us-east", "contactEmail": "ops@acme.example"},
    {"name": "Globex Europe", "region": "eu-west", "contactEmail": "it@globex.example"},
    {"name": "Initech Asia", "region": "ap-south", "metadata": {"plan": "enterprise"}},
)


@dataclass
class Embedded:
    clusters: list[Cluster]
    control_url: str
    seeded: list[str]

    def stop(self) -> None:
        stop_clusters(self.clusters)


def register_node(control_url: str, node_id: str, region: str, reference: str,
                  priority: int = 0, placement_weight: int = 100) -> None:
    with psycopg.connect(control_url, autocommit=True) as conn:
        conn.execute(QUERIES["add_node"], (node_id, region, reference, priority, placement_weight))


async def _seed(settings: Settings) -> list[str]:
    catalog = Catalog(settings.database_url)
    pools = NodePools(settings)
    await catalog.open()
    try:
        created = []
        for body in DEMO_TENANTS:
            text, node = await create_federated_tenant(catalog, pools, dict(body))
            created.append(f"{body['name']} -> {node.node_id}: {text[:60]}...")
        return created
    finally:
        await pools.close()
        await catalog.close()


def start(data_dir: Path = DEV_DATA_DIR) -> Embedded:
    dirs = [str(data_dir / node_id) for node_id, _ in LAYOUT]
    clusters = start_clusters(len(LAYOUT), base_dirs=dirs, fsync=True)
    try:
        urls = [c.url() for c in clusters]
        for url in urls:
            migrate(url)
        control = urls[0]
        # Ports are new on every start: (re)register the regional nodes' URLs.
        for (node_id, region), url in zip(LAYOUT[1:], urls[1:]):
            register_node(control, node_id, region, url)
        with psycopg.connect(control, autocommit=True) as conn:
            row = conn.execute(QUERIES["count_tenants"]).fetchone()
            empty = row is not None and row[0] == 0
        seeded = asyncio.run(_seed(Settings(database_url=control))) if empty else []
        return Embedded(clusters, control, seeded)
    except BaseException:
        stop_clusters(clusters)
        raise


def reset(data_dir: Path = DEV_DATA_DIR) -> bool:
    if data_dir.exists():
        shutil.rmtree(data_dir)
        return True
    return False

