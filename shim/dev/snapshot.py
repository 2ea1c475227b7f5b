"""The schema snapshot: each plane's whole current schema in one file (docs/schema/control.sql and
node.sql), dumped by pg_dump from databases migrated from scratch, so a reader sees every table,
view, trigger, policy and grant in one place instead of across the numbered migrations.

``make schema`` writes them (``python -m shim.dev.snapshot``); tests/test_schema_snapshot.py dumps the
test suite's freshly migrated templates and fails when they differ from the files (a migration or a
function family changed without ``make schema``).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from shim.actions.migrate import migrate
from shim.dev.clusters import PG_BIN, Cluster, start_clusters, stop_clusters
from shim.nodes.connector import connect
from shim.nodes.queries import compose
from shim.paths import ROOT
from shim.schema import Role

SNAPSHOT_DIR = ROOT / "docs" / "schema"
PLANES: tuple[Role, ...] = ("control", "node")
# pg_dump's lines that differ from one run or one minor release to the next.
_VOLATILE = re.compile(r"^(-- Dumped (from|by) .*|\\(un)?restrict .*)$")


def dump(url: str) -> str:
    """A database's schema as pg_dump writes it, without the lines that change from run to run."""
    done = subprocess.run([str(PG_BIN / "pg_dump"), "--schema-only", url], capture_output=True, text=True,
                          check=True)
    lines = [line for line in done.stdout.splitlines() if not _VOLATILE.match(line)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def snapshot_path(plane: Role) -> Path:
    return SNAPSHOT_DIR / f"{plane}.sql"


def write(cluster: Cluster) -> list[Path]:
    """Migrate a database per plane on ``cluster`` from scratch and write their snapshots."""
    written = []
    for plane in PLANES:
        name = f"fedgate_snapshot_{plane}"
        with connect(cluster.url(database="postgres"), name="fedgate-snapshot") as conn:
            conn.execute(compose("drop_database", database=name))
            conn.execute(compose("create_database", database=name))
        url = cluster.url(database=name)
        migrate(url, plane)
        SNAPSHOT_DIR.mkdir(parents=True, exist_ok=True)
        snapshot_path(plane).write_text(dump(url))
        written.append(snapshot_path(plane))
    return written


def main() -> int:
    clusters = start_clusters(1)
    try:
        for path in write(clusters[0]):
            print(f"{path.relative_to(ROOT)}: written", file=sys.stderr)
    finally:
        stop_clusters(clusters)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
