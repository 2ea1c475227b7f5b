"""docs/schema/*.sql is each plane's schema as the migrations and function families make it today."""

from __future__ import annotations

from shim.dev.clusters import Cluster
from shim.dev.snapshot import PLANES, dump, snapshot_path
from tests.federation import ROLES, TEMPLATE_DB, admin_url


def test_the_snapshot_is_what_the_migrations_make(clusters: list[Cluster]) -> None:
    # The session's templates are databases migrated from scratch, one per plane.
    templates = {role: cluster for cluster, role in reversed(list(zip(clusters, ROLES)))}
    for plane in PLANES:
        made = dump(admin_url(templates[plane], TEMPLATE_DB))
        assert made == snapshot_path(plane).read_text(), f"docs/schema/{plane}.sql is stale: run make schema"
        assert "character varying" not in made  # text with checks, not varchar(n)
