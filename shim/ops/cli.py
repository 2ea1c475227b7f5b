"""The `fedgate` command.

argparse (the standard library) rather than click: a dozen flags do not
justify a dependency, and the CLI must run before anything is installed
beyond the gateway itself.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import sys
from functools import partial
from typing import Literal, Sequence
from uuid import UUID

import psycopg

from shim.auth.tokens import Principal
from shim.config import ConfigError, Settings
from shim.nodes.client import resolve_dsn
from shim.nodes.queries import QUERIES
from shim.ops import fleet, tokens_cli
from shim.ops.migrate import MigrationError, migrate


def _control_url(args: argparse.Namespace) -> str:
    url = args.database_url or os.environ.get("FEDGATE_DATABASE_URL", "")
    if not url:
        raise ConfigError("no control database: set FEDGATE_DATABASE_URL or pass --database-url")
    return url


def _print_rows(cursor: psycopg.Cursor) -> None:  # type: ignore[type-arg]
    names = [c.name for c in cursor.description or []]
    rows = [[("" if v is None else str(v)) for v in row] for row in cursor.fetchall()]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    print("  ".join(n.ljust(w) for n, w in zip(names, widths)))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)))


def migrate_federation(control: str, *, only_control: bool = False) -> int:
    """The control database, then every registered node (each as a node): 0 when all are current."""
    print(f"control: {migrate(control, 'control').summary()}", flush=True)
    if only_control:
        return 0
    failed = 0
    with psycopg.connect(control, autocommit=True) as conn:
        nodes = conn.execute(QUERIES["load_nodes"]).fetchall()
    for node_id, _region, reference, _status in nodes:
        if reference == "self":
            continue  # the default node is the control database, migrated above
        try:
            print(f"node {node_id}: {migrate(resolve_dsn(reference, control), 'node').summary()}", flush=True)
        except (MigrationError, psycopg.Error, LookupError) as exc:
            failed += 1
            reason = exc if isinstance(exc, MigrationError) else type(exc).__name__
            print(f"node {node_id}: not migrated ({reason})", file=sys.stderr, flush=True)
    return 1 if failed else 0


def cmd_migrate(args: argparse.Namespace) -> int:
    return migrate_federation(_control_url(args), only_control=args.only_control)


def cmd_node_add(args: argparse.Namespace) -> int:
    added = fleet.add_node(_control_url(args), args.node_id, args.region, args.node_database_url, args.priority,
                           args.placement_weight, args.region_name)
    print(f"node {args.node_id}: {added.migration}")
    if added.warning:
        print(f"node {args.node_id}: {added.warning}", file=sys.stderr)
    print("  ".join(added.row))
    print("  ".join("" if v is None else str(v) for v in added.row.values()))
    return 0


def cmd_node_add_replica(args: argparse.Namespace) -> int:
    """Register a streaming replica of a node once it answers as one (in recovery); it serves reads from
    the health checker's next round that finds it within its lag bound."""
    control = _control_url(args)
    with psycopg.connect(resolve_dsn(args.replica_database_url, control), autocommit=True, connect_timeout=10) as conn:
        row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
    if not row or not row[0]:
        print(f"fedgate: {args.replica_id} is not in recovery: not a streaming replica", file=sys.stderr)
        return 2
    with psycopg.connect(control, autocommit=True) as conn:
        _print_rows(conn.execute(QUERIES["add_replica"], (args.node_id, args.replica_id, args.replica_database_url,
                                                          args.max_lag)))
    return 0


def cmd_node_list(args: argparse.Namespace) -> int:
    with psycopg.connect(_control_url(args), autocommit=True) as conn:
        _print_rows(conn.execute(QUERIES["node_status"]))
        replicas = conn.execute(QUERIES["replica_status"])
        if replicas.rowcount:
            print()
            _print_rows(replicas)
    return 0


def cmd_node_status(args: argparse.Namespace) -> int:
    with psycopg.connect(_control_url(args), autocommit=True) as conn:
        _print_rows(conn.execute(QUERIES["set_node_status"], (args.node_id, args.status)))
    return 0


def cmd_tenant_status(args: argparse.Namespace) -> int:
    """Suspend or resume: the registry on the control database, then the tenant's row on its node (where
    writes are refused). Running it again finishes a half-done change."""
    control = _control_url(args)
    status = "suspended" if args.tenant_command == "suspend" else "active"
    with psycopg.connect(control, autocommit=True) as conn:
        row = conn.execute(QUERIES["set_tenant_status"], (str(args.tenant), status)).fetchone()
        assert row is not None
        node_id = row[2]
        nodes = {r[0]: r[2] for r in conn.execute(QUERIES["load_nodes"]).fetchall()}
    claims = Principal("operator", f"fedgate-cli:{getpass.getuser()}").claims("cli")
    body = json.dumps({"status": status, "reason": args.reason})
    with psycopg.connect(resolve_dsn(nodes[node_id], control), autocommit=True) as conn:
        conn.execute(QUERIES["set_tenant_status_on_node"], (str(args.tenant), body, claims))
    print(f"tenant {args.tenant}: {status} (registry and node {node_id})")
    return 0


def cmd_tenant_reconcile(args: argparse.Namespace) -> int:
    """Settle the creations left provisioning for longer than --older-than seconds, from what their nodes
    hold (the deployment's health checker does the same every round)."""
    from shim.nodes.reconcile import reconcile

    control = _control_url(args)

    async def run() -> int:
        async with await psycopg.AsyncConnection.connect(control, autocommit=True) as conn:
            nodes = {r[0]: r[2] for r in await (await conn.execute(QUERIES["load_nodes"])).fetchall()}

            async def connect(node_id: str) -> psycopg.AsyncConnection:
                return await psycopg.AsyncConnection.connect(resolve_dsn(nodes[node_id], control), autocommit=True,
                                                             connect_timeout=5, application_name="fedgate-reconciler")
            settled = await reconcile(conn, connect, args.older_than)
        print(f"registrations: {settled.confirmed} confirmed, {settled.undone} undone, "
              f"{settled.unreachable} waiting for their node")
        return 0 if settled.unreachable == 0 else 3
    return asyncio.run(run())


def cmd_tenant_move(args: argparse.Namespace) -> int:
    """Move a tenant (or resume or abort a move) and print its figures. Live progress bars on a terminal,
    plain lines otherwise; it never prompts."""
    from shim.ops.move import MoveError, Mover
    from shim.ops.move_progress import progress_display

    with progress_display(sys.stdout.isatty()) as show:
        mover = Mover(_control_url(args), progress=show,
                      catch_up_bytes=int(os.environ.get("FEDGATE_MOVE_CATCH_UP_BYTES", "65536")))
        try:
            if args.abort is not None:
                figures = mover.abort(args.abort)
            elif args.complete is not None:
                figures = mover.complete(args.complete)
            else:
                if args.resume is not None:
                    move_id = args.resume
                else:
                    if args.tenant is None or args.to is None:
                        raise ConfigError("say which tenant and where: fedgate tenant move TENANT --to NODE")
                    move_id = mover.start(args.tenant, args.to, args.keep_source).move_id
                    print(f"move {move_id}: tenant {args.tenant} to node {args.to}", flush=True)
                figures = mover.run(move_id)
        except MoveError as exc:
            print(f"fedgate: {exc}", file=sys.stderr)
            return 1
    for key in ("move_id", "tenant_id", "source_node", "target_node", "state", "rows_copied", "pause_ms",
                "verify_result", "error"):
        print(f"{key}: {figures.get(key)}")
    kept = figures.get("state") == "cleanup" and figures.get("keep_source")
    if kept:
        print(f"the source keeps the tenant's rows: fedgate tenant move --complete {figures.get('move_id')} deletes them")
    return 0 if figures.get("state") in ("done", "aborted") or kept else 1


def cmd_node_drain(args: argparse.Namespace) -> int:
    """Every tenant off a node: the node goes draining (serves, takes no new tenant), then each tenant
    moves to an active node of its region (at most --parallel at once); exits 0 once the node is empty."""
    control = _control_url(args)
    plan = fleet.drain_plan(control, args.node_id)
    stranded = [t for t, target in plan if target is None]
    if stranded:
        print(f"fedgate: {len(stranded)} tenants of {args.node_id} have no other active node in their region "
              f"(first: {stranded[0]}); add one, then drain again", file=sys.stderr)
        return 2
    print(f"node {args.node_id}: draining, {len(plan)} tenants to move", flush=True)
    left = fleet.drain(control, args.node_id, plan, args.parallel, lambda line: print(line, flush=True))
    print(f"node {args.node_id}: {'empty' if not left else f'{left} tenants left'}")
    return 0 if not left else 1


def cmd_route_add(args: argparse.Namespace) -> int:
    with psycopg.connect(_control_url(args), autocommit=True) as conn:
        _print_rows(conn.execute(QUERIES["add_route"], (str(args.tenant), args.region, args.node_id,
                                                        args.weight, args.primary)))
    return 0


def cmd_route_list(args: argparse.Namespace) -> int:
    with psycopg.connect(_control_url(args), autocommit=True) as conn:
        _print_rows(conn.execute(QUERIES["tenant_routes"], (str(args.tenant),)))
    return 0


def cmd_route_remove(args: argparse.Namespace) -> int:
    with psycopg.connect(_control_url(args), autocommit=True) as conn:
        row = conn.execute(QUERIES["remove_route"], (str(args.tenant), args.region, args.node_id)).fetchone()
    if not row or not row[0]:
        print(f"fedgate: tenant {args.tenant} has no rule for {args.region} on {args.node_id}", file=sys.stderr)
        return 1
    print(f"removed: tenant {args.tenant}, {args.region} on {args.node_id}")
    return 0


def cmd_tenant_stats(args: argparse.Namespace) -> int:
    """The busiest tenants per node, as the gateways reported them (federation_tenant_stats)."""
    with psycopg.connect(_control_url(args), autocommit=True) as conn:
        _print_rows(conn.execute(QUERIES["tenant_stats"], (args.top, args.node, args.node)))
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    with psycopg.connect(_control_url(args), autocommit=True) as conn:
        row = conn.execute(QUERIES["resolve_node"], (str(args.tenant), args.region)).fetchone()
        if row is None:
            print(f"tenant {args.tenant}: no serving node (the gateway answers 503)")
        else:
            print(f"tenant {args.tenant} region {args.region or '-'} -> node {row[0]} ({row[1]}), reason {row[2]}")
        print()
        _print_rows(conn.execute(QUERIES["explain_route"], (str(args.tenant), args.region)))
    return 0 if row else 3


def _print_demo_tokens(settings: Settings, control_url: str, base: str) -> None:
    """The embedded default's credentials, so the README's curl lines work as written (valid 24 hours;
    `fedgate token issue` makes more)."""
    from shim.auth.keys import Keyring
    from shim.auth.tokens import mint
    from shim.dev import embedded

    keyring = Keyring(settings.jwt_secret)
    day = 86400

    def signed(role: Literal["operator", "tenant"], tenant: str | None = None) -> str:
        return mint(keyring, role=role, audience=settings.jwt_audience, ttl=day, sub=f"make-run-{role}",
                    tenant_id=UUID(tenant) if tenant else None, issuer=settings.jwt_issuer)[0]

    print("credentials of the embedded default (valid 24 hours; paste into your shell):\n"
          f"  export FEDGATE_URL={base}\n"
          f"  export FEDGATE_TOKEN={signed('operator')}   # role operator", flush=True)
    for i, (tenant, name, region) in enumerate(embedded.tenants(control_url), 1):
        print(f"  export TENANT{i}={tenant}   # {name} ({region})\n"
              f"  export TENANT{i}_TOKEN={signed('tenant', tenant)}   # role tenant, {name} only", flush=True)
    print("then, for example:\n"
          '  curl -H "Authorization: Bearer $TENANT1_TOKEN" $FEDGATE_URL/federation/api/onboarding/tenants/$TENANT1/status',
          flush=True)


def cmd_serve(args: argparse.Namespace) -> int:
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    from shim.dev import embedded
    from shim.observe import metrics_dir

    made_metrics_dir = metrics_dir.prepare()  # before prometheus_client is imported: all workers share it
    from shim.request.app import create_app

    url = args.database_url or os.environ.get("FEDGATE_DATABASE_URL", "")
    local = None
    if not url:
        print("no control database given: starting the embedded default (local clusters)...", flush=True)
        local = embedded.start()
        url = local.control_url
        for line in local.seeded:
            print(f"  seeded {line}")
    try:
        own_secret = local.jwt_secret if local is not None and not os.environ.get("FEDGATE_JWT_SECRET") else None
        settings = Settings.from_env(database_url=url, host=args.host, port=args.port, workers=args.workers,
                                     jwt_secret=own_secret)
        if local is None:
            migrate(url, "control")
        base = f"http://{settings.host}:{settings.port}"
        print(f"fedgate listening on {base}", flush=True)
        if local is not None:
            _print_demo_tokens(settings, url, base)
        loader = AppLoader(factory=partial(create_app, settings))
        app = loader.load()
        single = settings.workers == 1 and args.single_process
        app.prepare(host=settings.host, port=settings.port, workers=settings.workers,
                    single_process=single, motd=False)
        if single:  # no worker manager: this process serves (tests, benchmarks, containers)
            Sanic.serve_single(primary=app)
        else:
            Sanic.serve(primary=app, app_loader=loader)
    finally:
        metrics_dir.remove(made_metrics_dir)
        if local is not None:
            local.stop()
            print("embedded clusters stopped", flush=True)
    return 0


def cmd_dev_reset(_args: argparse.Namespace) -> int:
    from shim.dev import embedded

    print("removed the embedded default's data" if embedded.reset() else "nothing to remove")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fedgate", description="Federation-aware API gateway and database router.")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_url(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--database-url", help="control database (default: $FEDGATE_DATABASE_URL)")
        return p

    p = with_url(sub.add_parser("migrate", help="migrate the control database, then every registered node"))
    p.add_argument("--only-control", action="store_true", help="migrate the control database only")
    p.set_defaults(func=cmd_migrate)

    p = with_url(sub.add_parser("serve", help="run the gateway (embedded local clusters without a database URL)"))
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int)
    p.add_argument("--single-process", action="store_true", help="run in this process (one worker)")
    p.set_defaults(func=cmd_serve)

    node = sub.add_parser("node", help="federation nodes").add_subparsers(dest="node_command", required=True)
    p = node.add_parser("add", help="migrate a node's database and register it")
    p.add_argument("node_id")
    p.add_argument("--region", required=True)
    p.add_argument("--database-url", dest="node_database_url", required=True,
                   help="the node's database: URL, key=value, service=NAME or env:VAR (resolved from this "
                        "environment to migrate it, stored as given)")
    p.add_argument("--control-url", dest="database_url",
                   help="control database (default: $FEDGATE_DATABASE_URL)")
    p.add_argument("--region-name", help="the region's display name (kits, GET regions); default: its code")
    p.add_argument("--priority", type=int, default=0)
    p.add_argument("--placement-weight", type=int, default=100)
    p.set_defaults(func=cmd_node_add)
    p = node.add_parser("add-replica", help="register a streaming replica of a node (reads go to it)")
    p.add_argument("--control-url", dest="database_url", help="control database (default: $FEDGATE_DATABASE_URL)")
    p.add_argument("node_id")
    p.add_argument("replica_id")
    p.add_argument("--database-url", dest="replica_database_url", required=True,
                   help="the replica: URL, key=value, service=NAME or env:VAR, like a node's")
    p.add_argument("--max-lag", default="2s", help="the most replay lag at which it serves reads (default 2s)")
    p.set_defaults(func=cmd_node_add_replica)
    p = with_url(node.add_parser("list", help="nodes with status and health, then replicas with their lag"))
    p.set_defaults(func=cmd_node_list)
    p = with_url(node.add_parser("drain", help="move every tenant off a node (it goes draining first)"))
    p.add_argument("node_id")
    p.add_argument("--parallel", type=int, default=1, help="moves at once (default 1)")
    p.set_defaults(func=cmd_node_drain)
    p = with_url(node.add_parser("set-status", help="active, draining or down"))
    p.add_argument("node_id")
    p.add_argument("status", choices=["active", "draining", "down"])
    p.set_defaults(func=cmd_node_status)

    route = sub.add_parser("route", help="routing rules").add_subparsers(dest="route_command", required=True)
    p = with_url(route.add_parser("add", help="add or update a tenant's routing rule"))
    p.add_argument("tenant", type=UUID)
    p.add_argument("region")
    p.add_argument("node_id")
    p.add_argument("--weight", type=int, default=100)
    p.add_argument("--primary", action="store_true")
    p.set_defaults(func=cmd_route_add)
    p = with_url(route.add_parser("list", help="a tenant's routing rules"))
    p.add_argument("tenant", type=UUID)
    p.set_defaults(func=cmd_route_list)
    p = with_url(route.add_parser("remove", help="remove one of a tenant's routing rules"))
    p.add_argument("tenant", type=UUID)
    p.add_argument("region")
    p.add_argument("node_id")
    p.set_defaults(func=cmd_route_remove)

    tenant = sub.add_parser("tenant", help="tenants").add_subparsers(dest="tenant_command", required=True)
    for action, what in (("suspend", "refuse the tenant's writes and kit issuance (reads are served)"),
                         ("resume", "serve the tenant's writes again")):
        p = with_url(tenant.add_parser(action, help=what))
        p.add_argument("tenant", type=UUID)
        p.add_argument("--reason", help="recorded in the tenant's activity feed")
        p.set_defaults(func=cmd_tenant_status)

    p = with_url(tenant.add_parser("move", help="move a tenant to another node, online (or --resume/--abort a move)"))
    p.add_argument("tenant", type=UUID, nargs="?")
    p.add_argument("--to", help="the target node")
    p.add_argument("--keep-source", action="store_true", help="keep the source's rows after the switch")
    p.add_argument("--resume", type=int, metavar="MOVE_ID", help="drive an interrupted move on from its state")
    p.add_argument("--abort", type=int, metavar="MOVE_ID", help="abort a move before its switch")
    p.add_argument("--complete", type=int, metavar="MOVE_ID",
                   help="delete a --keep-source move's rows from its source, and finish it")
    p.set_defaults(func=cmd_tenant_move)

    p = with_url(tenant.add_parser("stats", help="the busiest tenants per node (requests, errors, latency)"))
    p.add_argument("--node", help="one node only")
    p.add_argument("--top", type=int, default=10, help="tenants per node (default 10)")
    p.set_defaults(func=cmd_tenant_stats)
    p = with_url(tenant.add_parser("reconcile", help="settle creations whose node answer was lost"))
    p.add_argument("--older-than", type=float, default=Settings.reconcile_after, metavar="SECONDS",
                   help="only registrations at least this old (default %(default)g; keep it above the gateways' "
                        "call bound plus statement timeout)")
    p.set_defaults(func=cmd_tenant_reconcile)

    p = with_url(sub.add_parser("resolve", help="where a tenant's requests go, and why"))
    p.add_argument("tenant", type=UUID)
    p.add_argument("region", nargs="?")
    p.set_defaults(func=cmd_resolve)

    tokens_cli.add_parser(sub)

    dev = sub.add_parser("dev", help="the embedded default").add_subparsers(dest="dev_command", required=True)
    dev.add_parser("reset", help="remove the embedded clusters' data").set_defaults(func=cmd_dev_reset)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (ConfigError, MigrationError) as exc:
        print(f"fedgate: {exc}", file=sys.stderr)
        return 2
    except psycopg.Error as exc:
        # Not the driver's message: it can name hosts and users.
        diag = getattr(exc, "diag", None)
        primary = diag.message_primary if diag is not None and exc.sqlstate else None
        print(f"fedgate: database error {exc.sqlstate or type(exc).__name__}"
              + (f": {primary}" if primary else ""), file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
