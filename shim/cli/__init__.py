"""The `fedgate` command: parse, call the action (shim.actions), render (shim.cli.render).

argparse (the standard library) rather than click: a few dozen flags do not justify a dependency.
No command holds a business rule, a statement or a connection of its own: those are the actions',
the named queries' and the connector's. Results print as aligned tables or ``key: value`` records,
or as JSON with ``--json``. Exit codes: 0 done, 1 refused or failed (the reason on stderr), 2 bad
usage or configuration, 3 nothing to serve (``resolve``) or creations still unsettled (``reconcile``).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import socket
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import psycopg

from shim.actions import migrate as migrations
from shim.actions import agents, diff, jobs, legacy, moves, nodes, residency, routes, tenants
from shim.auth.tokens import Principal
from shim.cli import plans, render
from shim.config import ConfigError, JobSettings, Settings
from shim.errors import GatewayError, describe
from shim.nodes.connector import Connector
from shim.schema import MigrationError


def _connector(args: argparse.Namespace) -> Connector:
    url = args.database_url or os.environ.get("FEDGATE_DATABASE_URL", "")
    if not url:
        from shim.dev.embedded import running_control_url

        url = running_control_url()
        if not url:
            raise ConfigError("no control database: set FEDGATE_DATABASE_URL or pass --database-url "
                              "(or start the embedded default with `make run`)")
    return Connector(url, name="fedgate-cli", actor=f"cli:{getpass.getuser()}@{socket.gethostname()}")


def _claims() -> str:
    """The CLI acts as an operator named after the OS user (audit trail, activity feed)."""
    return Principal("operator", f"fedgate-cli:{getpass.getuser()}").claims("cli")


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _say(line: str) -> None:
    print(line, flush=True)


# -- migrations, nodes -----------------------------------------------------------------------------------
def cmd_migrate(args: argparse.Namespace) -> int:
    failed = migrations.migrate_federation(_connector(args), _say, _err, only_control=args.only_control)
    return 1 if failed else 0


def cmd_node_add(args: argparse.Namespace) -> int:
    added = nodes.add_node(_connector(args), args.node_id, args.region, args.node_database_url, args.priority,
                           args.placement_weight, args.region_name)
    if not args.json:
        print(f"node {args.node_id}: {added.migration}")
    if added.warning:
        _err(f"node {args.node_id}: {added.warning}")
    render.table([added.row], as_json=args.json)
    return 0


def cmd_node_add_replica(args: argparse.Namespace) -> int:
    row = nodes.add_replica(_connector(args), args.node_id, args.replica_id, args.replica_database_url, args.max_lag,
                            args.region, _override(args))
    render.table([row], as_json=args.json)
    return 0


def cmd_node_list(args: argparse.Namespace) -> int:
    connector = _connector(args)
    listed, replicas = connector.rows("node_status"), connector.rows("replica_status")
    if args.json:
        render.record({"nodes": listed, "replicas": replicas}, as_json=True)
        return 0
    render.table(listed)
    if replicas:
        print()
        render.table(replicas)
    return 0


def cmd_gateway_list(args: argparse.Namespace) -> int:
    """The fleet's gateway instances (federation_gateways), the live ones first."""
    render.table(_connector(args).rows("list_gateways", args.limit), as_json=args.json)
    return 0


def cmd_node_status(args: argparse.Namespace) -> int:
    render.table([nodes.set_node_status(_connector(args), args.node_id, args.status)], as_json=args.json)
    return 0


def cmd_node_drain(args: argparse.Namespace) -> int:
    """Every tenant off a node: it goes draining (serves, takes no new tenant), then each tenant moves to
    an active node of its region (at most --parallel at once); exits 0 once the node is empty. The drain
    is a job: this command drives it holding its lease (the fleet drives it on if this process dies), or
    with --detach only records it for the fleet."""
    connector, settings = _connector(args), JobSettings.from_env()
    with jobs.held(connector, settings, jobs.cli_owner()) as lease:
        claimed: list[jobs.Job] = []
        job_id, plan = nodes.start_drain(connector, args.node_id, args.parallel, then=None if args.detach else
                                         lambda conn, job: claimed.append(lease.claim(job, conn)))
        _say(f"node {args.node_id}: draining, {len(plan)} tenants to move (job {job_id})")
        if args.detach:
            _say(f"recorded: the fleet's gateways drive it (fedgate job list; job {job_id})")
            return 0
        state = jobs.Driver(connector, lease, settings, say=_say).drive(claimed[0])
    left = len(connector.rows("drain_plan", args.node_id))
    _say(f"node {args.node_id}: {'empty' if state == 'done' and not left else f'{state}, {left} tenants left'}")
    return 0 if state == "done" and not left else 1


def cmd_tenant_limit(args: argparse.Namespace) -> int:
    """A tenant's fleet-wide quotas: set (--rps with --burst, --inflight), lifted (--clear), or shown."""
    connector = _connector(args)
    if args.clear:
        cleared = tenants.clear_tenant_limit(connector, args.tenant)
        print(f"tenant {args.tenant}: {'quota lifted' if cleared else 'had no quota'}")
        return 0
    if args.rps is not None or args.inflight is not None:
        row = tenants.set_tenant_limit(connector, args.tenant, args.rps, args.burst, args.inflight)
    else:
        row = tenants.tenant_limit(connector, args.tenant)
    render.record(row, as_json=args.json)
    return 0


def cmd_tenant_residency(args: argparse.Namespace) -> int:
    """A tenant's residency: set (--regions, with --move to start the move that lets it bind), lifted
    (--clear), or shown; with its newest recorded decisions."""
    connector = _connector(args)
    if args.clear or args.regions is not None:
        regions = None if args.clear else [r for r in args.regions.split(",") if r.strip()]
        shown = residency.set_residency(connector, args.tenant, regions, args.reason, args.move)
    else:
        shown = residency.tenant_residency(connector, args.tenant)
    if args.json:
        render.record(shown, as_json=True)
        return 0
    policy = ", ".join(shown["regions"]) if shown["regions"] else "unrestricted"
    print(f"tenant {args.tenant}: {policy}")
    if "move" in shown:
        print(f"move {shown['move']['moveId']} to {shown['move']['to']} started: the policy binds at its switch "
              f"(fedgate job list)")
    if shown["events"]:
        render.table([{k: e.get(k) for k in ("at", "actor", "action", "node_id", "region", "decision", "regions",
                                             "reason")} for e in shown["events"]])
    return 0


def _override(args: argparse.Namespace) -> str | None:
    """--override-residency's reason (required with it, refused without it)."""
    if not args.override_residency:
        if args.reason is not None:
            raise ConfigError("--reason goes with --override-residency")
        return None
    if not (args.reason or "").strip():
        raise ConfigError("--override-residency needs --reason \"...\": an exception is recorded with why")
    return str(args.reason)


def cmd_tenant_diff(args: argparse.Namespace) -> int:
    """The tenant's rows where its data is (its node) compared with its copy on another node, read-only and
    in batches: per table, the rows on each side and the keys missing, extra or different there (at most 20
    of each). Exits 0 when the copies hold the same rows, 1 when they do not."""
    connector = _connector(args)
    source = str(connector.rows("move_source", args.tenant)[0]["move_source"])
    report = diff.diff_tenant(connector, args.tenant, source, args.against)
    if args.json:
        render.record(report, as_json=True)
    else:
        print(f"tenant {args.tenant}: {source} (its node) against {args.against}: {diff.summary(report)}")
        for table, found in report["tables"].items():
            print(f"  {table}: {found['rows']['source']} rows on {source}, {found['rows']['target']} on {args.against}")
            for kind in ("missing", "extra", "different"):
                if found[kind]:
                    more = found["counts"][kind] - len(found[kind])
                    print(f"    {kind} on {args.against}: " + ", ".join(json.dumps(k) for k in found[kind])
                          + (f" and {more} more" if more else ""))
    return 0 if report["same"] else 1


def cmd_doctor(args: argparse.Namespace) -> int:
    """What in the catalog needs an operator: routing rules that send a tenant to a node without its data
    (federation_rule_problems). Exits 1 when it finds any."""
    problems = _connector(args).rows("rule_problems", args.limit)
    if args.json:
        render.table(problems, as_json=True)
    elif not problems:
        print("no problem found: every routing rule names its tenant's node or a node declared to share its data")
    else:
        print(f"{len(problems)} routing rule(s) name a node that does not hold the tenant's data:")
        for row in problems:
            print(f"  {row['problem']}")
    return 1 if problems else 0


def cmd_legacy(args: argparse.Namespace) -> int:
    """The legacy namespace's retirement: sunset (a date, or --clear), off or on (for --tenant, or everyone),
    status. Prints the status after any change; `status` exits 1 when turning it off now would break a
    client that called in the last 24 hours."""
    connector = _connector(args)
    if args.legacy_command == "sunset":
        if args.clear == (args.date is not None):
            raise ConfigError("give --date YYYY-MM-DD, or --clear")
        shown = legacy.set_sunset(connector, args.date)
    elif args.legacy_command == "off":
        shown = legacy.turn_off(connector, args.tenant)
    elif args.legacy_command == "on":
        shown = legacy.turn_on(connector, args.tenant)
    else:
        shown = legacy.status(connector)
    render.record(shown, as_json=args.json)
    if args.legacy_command == "status" and not args.json:
        usage = connector.rows("legacy_usage", 20)
        if usage:
            print()
            render.table(usage)
    return 1 if args.legacy_command == "status" and str(shown["would_break"]).startswith("yes") else 0


def cmd_job_list(args: argparse.Namespace) -> int:
    """Durable jobs (federation_jobs): the open ones first."""
    render.table(_connector(args).rows("list_jobs", args.limit), as_json=args.json)
    return 0


# -- routes, resolution -----------------------------------------------------------------------------------
def cmd_route_add(args: argparse.Namespace) -> int:
    row = routes.add_route(_connector(args), args.tenant, args.region, args.node_id, args.weight, args.primary,
                           args.shared_data, _override(args))
    render.table([row], as_json=args.json)
    return 0


def cmd_route_list(args: argparse.Namespace) -> int:
    render.table(_connector(args).rows("tenant_routes", args.tenant), as_json=args.json)
    return 0


def cmd_route_remove(args: argparse.Namespace) -> int:
    routes.remove_route(_connector(args), args.tenant, args.region, args.node_id)
    print(f"removed: tenant {args.tenant}, {args.region} on {args.node_id}")
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    connector = _connector(args)
    found = connector.rows("resolve_node", args.tenant, args.region)
    steps = connector.rows("explain_route", args.tenant, args.region)
    chosen = found[0] if found else None
    if args.json:
        render.record({"resolution": chosen, "steps": steps}, as_json=True)
    else:
        if chosen is None:
            print(f"tenant {args.tenant}: no serving node (the gateway answers 503)")
        else:
            print(f"tenant {args.tenant} region {args.region or '-'} -> node {chosen['node_id']} "
                  f"({chosen['region']}), reason {chosen['reason']}")
        print()
        render.table(steps)
    return 0 if chosen else 3


# -- tenants ---------------------------------------------------------------------------------------------
def cmd_tenant_status(args: argparse.Namespace) -> int:
    """Suspend or resume: the registry, then the tenant's row on its node; running it again finishes a
    half-done change."""
    status = "suspended" if args.tenant_command == "suspend" else "active"
    done = tenants.set_tenant_status(_connector(args), args.tenant, status, _claims(), args.reason)
    if args.json:
        render.record(done, as_json=True)
    else:
        print(f"tenant {args.tenant}: {status} (registry and node {done['node']})")
    return 0


def cmd_agent_revoke(args: argparse.Namespace) -> int:
    """Deregister an agent: every token it holds is refused from now on."""
    done = agents.revoke_agent(_connector(args), args.tenant, args.agent, _claims())
    if args.json:
        render.record(done, as_json=True)
    else:
        already = " (it was already revoked)" if done["alreadyRevoked"] else ""
        print(f"agent {done['agentId']} ({done['agentType']} on {done['hostname']}) of tenant {args.tenant}: "
              f"revoked at {done['revokedAt']}{already}; none of its tokens is accepted any more")
    return 0


def cmd_tenant_reconcile(args: argparse.Namespace) -> int:
    settled = asyncio.run(tenants.reconcile_registrations(_connector(args), args.older_than))
    render.record(settled._asdict(), as_json=args.json)
    return 0 if settled.unreachable == 0 else 3


def cmd_tenant_stats(args: argparse.Namespace) -> int:
    """The busiest tenants per node, as the gateways reported them (federation_tenant_stats)."""
    render.table(_connector(args).rows("tenant_stats", args.top, args.node, args.node), as_json=args.json)
    return 0


MOVE_FIELDS = ("move_id", "tenant_id", "source_node", "target_node", "state", "rows_copied", "pause_ms",
               "verify_result", "error", "reversible_until", "flip_pause_ms", "flip_error")
REQUESTS = {"reverse": "reversed", "forward": "switched", "complete": "done"}  # what each asks, and its end


def cmd_tenant_move(args: argparse.Namespace) -> int:
    """Move a tenant (or resume, abort or complete a move) and print its figures. Live progress bars on a
    terminal, plain lines otherwise; it never prompts."""
    from shim.cli.progress import progress_display

    connector, settings = _connector(args), JobSettings.from_env()
    catch_up = int(os.environ.get("FEDGATE_MOVE_CATCH_UP_BYTES", "65536"))
    asked = next(((what, getattr(args, what)) for what in REQUESTS if getattr(args, what) is not None), None)
    with progress_display(sys.stdout.isatty() and not args.json) as show:
        mover = moves.Mover(connector, progress=show, catch_up_bytes=catch_up)
        if args.abort is not None:
            figures = jobs.abort_move(connector, args.abort, jobs.cli_owner(), settings)
        elif asked is not None:  # --reverse, --forward, --complete: asked of the move, done here or by its driver
            what, move_id = asked
            jobs.request_move(connector, move_id, what)
            if args.detach:
                print(f"move {move_id}: {what} recorded; the fleet's gateways do it (fedgate job list)", flush=True)
                figures = mover.figures(move_id)
            else:
                with jobs.held(connector, settings, jobs.cli_owner()) as lease:
                    driver = jobs.Driver(connector, lease, settings, progress=show, catch_up_bytes=catch_up)
                    figures = jobs.drive_request(driver, move_id)
                render.record({key: figures.get(key) for key in MOVE_FIELDS}, as_json=args.json)
                return 0 if figures.get("state") == REQUESTS[what] else 1
        elif args.detach:
            if args.resume is not None:
                jobs.resume_move(connector, args.resume)
                move_id = args.resume
            else:
                move_id = _move_target(args, mover.start).move_id
            print(f"move {move_id}: recorded; the fleet's gateways drive it (fedgate job list)", flush=True)
            figures = mover.figures(move_id)
        else:
            with jobs.held(connector, settings, jobs.cli_owner()) as lease:
                driver = jobs.Driver(connector, lease, settings, progress=show, catch_up_bytes=catch_up)
                if args.resume is not None:
                    job = driver.claim_move(args.resume)
                else:
                    job = _move_target(args, driver.start_move)
                    if not args.json:
                        print(f"move {job.move_id}: tenant {args.tenant} to node {args.to}", flush=True)
                state = driver.drive(job) if job is not None else "ended"
            figures = mover.figures(args.resume if job is None else int(job.move_id or 0))
            if job is not None and state in ("pending", "failed") and figures.get("state") not in ("done", "aborted", "failed"):
                error = (connector.rows("get_job", job.job_id) or [{}])[0].get("last_error")
                figures = {**figures, "error": error}
                _err(f"move {job.move_id}: {error}\n" + ("the fleet's gateways try it again after a backoff"
                                                         if state == "pending" else "its job stopped, failed"))
    render.record({key: figures.get(key) for key in MOVE_FIELDS}, as_json=args.json)
    kept = figures.get("state") == "cleanup" and figures.get("keep_source")
    if kept and not args.json:
        print(f"the source keeps the tenant's rows: fedgate tenant move --complete {figures.get('move_id')} "
              "deletes them")
    reversible = figures.get("state") == "switched"
    if reversible and not args.json:
        print(f"reversible until {figures.get('reversible_until')}: fedgate tenant move --reverse "
              f"{figures.get('move_id')} sends it back without losing a write, --complete ends it now")
    return 0 if figures.get("state") in ("done", "aborted") or kept or reversible else 1


def _move_target(args: argparse.Namespace, start: Any) -> Any:
    if args.tenant is None or args.to is None:
        raise ConfigError("say which tenant and where: fedgate tenant move TENANT --to NODE")
    return start(args.tenant, args.to, args.keep_source, override=_override(args))


# -- the parser ------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    from shim.cli import dev, serve, tokens

    parser = argparse.ArgumentParser(prog="fedgate", description="Federation-aware API gateway and database router.")
    sub = parser.add_subparsers(dest="command", required=True)

    def overridable(p: argparse.ArgumentParser) -> None:
        p.add_argument("--override-residency", action="store_true",
                       help="allow a node outside the tenant's residency, as a recorded exception (needs --reason)")
        p.add_argument("--reason", help="why the exception is made (recorded)")

    def common(p: argparse.ArgumentParser, url_flag: str = "--database-url") -> argparse.ArgumentParser:
        p.add_argument(url_flag, dest="database_url",
                       help="control database (default: $FEDGATE_DATABASE_URL, else the running embedded default)")
        p.add_argument("--json", action="store_true", help="print the result as JSON")
        return p

    p = common(sub.add_parser("migrate", help="migrate the control database, then every registered node"))
    p.add_argument("--only-control", action="store_true", help="migrate the control database only")
    p.set_defaults(func=cmd_migrate)

    serve.add_parser(sub)

    node = sub.add_parser("node", help="federation nodes").add_subparsers(dest="node_command", required=True)
    p = common(node.add_parser("add", help="migrate a node's database and register it"), "--control-url")
    p.add_argument("node_id")
    p.add_argument("--region", required=True)
    p.add_argument("--database-url", dest="node_database_url", required=True,
                   help="the node's database: URL, key=value, service=NAME or env:VAR (resolved from this "
                        "environment to migrate it, stored as given)")
    p.add_argument("--region-name", help="the region's display name (kits, GET regions); default: its code")
    p.add_argument("--priority", type=int, default=0)
    p.add_argument("--placement-weight", type=int, default=100)
    p.set_defaults(func=cmd_node_add)
    p = common(node.add_parser("add-replica", help="register a streaming replica of a node (reads go to it)"),
               "--control-url")
    p.add_argument("node_id")
    p.add_argument("replica_id")
    p.add_argument("--database-url", dest="replica_database_url", required=True,
                   help="the replica: URL, key=value, service=NAME or env:VAR, like a node's")
    p.add_argument("--max-lag", default="2s", help="the most replay lag at which it serves reads (default 2s)")
    p.add_argument("--region", help="where the replica runs (default: its node's region)")
    overridable(p)
    p.set_defaults(func=cmd_node_add_replica)
    gateway = sub.add_parser("gateway", help="the fleet's gateway instances").add_subparsers(
        dest="gateway_command", required=True)
    p = common(gateway.add_parser("list", help="gateway instances: host, pid, version, workers, last seen, alive"))
    p.add_argument("--limit", type=int, default=100, help="instances (default 100; the live ones first)")
    p.set_defaults(func=cmd_gateway_list)
    common(node.add_parser("list", help="nodes with status and health, then replicas with their lag")
           ).set_defaults(func=cmd_node_list)
    p = common(node.add_parser("drain", help="move every tenant off a node (it goes draining first)"))
    p.add_argument("node_id")
    p.add_argument("--parallel", type=int, default=1, help="moves at once (default 1)")
    p.add_argument("--detach", action="store_true", help="record the drain for the fleet's gateways and exit")
    p.set_defaults(func=cmd_node_drain)
    p = common(sub.add_parser("doctor", help="what in the catalog needs an operator (rules without their tenant's data)"))
    p.add_argument("--limit", type=int, default=1000, help="problems listed (default 1000)")
    p.set_defaults(func=cmd_doctor)
    legacy_parser = sub.add_parser("legacy", help="retire the legacy namespace: sunset, off, on, status").add_subparsers(
        dest="legacy_command", required=True)
    p = common(legacy_parser.add_parser("sunset", help="every legacy response says it goes on this date "
                                                      "(Deprecation, Sunset, Link to its federated path)"))
    p.add_argument("--date", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--clear", action="store_true", help="no longer deprecated")
    p.set_defaults(func=cmd_legacy)
    for what, says in (("off", "legacy routes answer 410 (for --tenant, or everyone)"),
                       ("on", "undo off (for --tenant, or every switch)")):
        p = common(legacy_parser.add_parser(what, help=says))
        p.add_argument("--tenant", type=UUID)
        p.set_defaults(func=cmd_legacy)
    p = common(legacy_parser.add_parser("status", help="the sunset, the switches, tenants still on the default "
                                                       "node, who called in 24 h, and whether off would break them"))
    p.set_defaults(func=cmd_legacy)
    job = sub.add_parser("job", help="durable jobs (moves, drains)").add_subparsers(dest="job_command", required=True)
    p = common(job.add_parser("list", help="jobs: kind, state, driver, lease, attempts, last error, what it left"))
    p.add_argument("--limit", type=int, default=50, help="jobs (default 50; the open ones first)")
    p.set_defaults(func=cmd_job_list)
    p = common(node.add_parser("set-status", help="active, draining or down"))
    p.add_argument("node_id")
    p.add_argument("status", choices=list(nodes.NODE_STATUSES))
    p.set_defaults(func=cmd_node_status)

    route = sub.add_parser("route", help="routing rules").add_subparsers(dest="route_command", required=True)
    p = common(route.add_parser("add", help="add or update a tenant's routing rule"))
    p.add_argument("tenant", type=UUID)
    p.add_argument("region")
    p.add_argument("node_id")
    p.add_argument("--weight", type=int, default=100)
    p.add_argument("--primary", action="store_true")
    p.add_argument("--shared-data", action="store_true",
                   help="the node serves the same database as the tenant's node (else a rule to it is refused)")
    overridable(p)
    p.set_defaults(func=cmd_route_add)
    p = common(route.add_parser("list", help="a tenant's routing rules"))
    p.add_argument("tenant", type=UUID)
    p.set_defaults(func=cmd_route_list)
    p = common(route.add_parser("remove", help="remove one of a tenant's routing rules"))
    p.add_argument("tenant", type=UUID)
    p.add_argument("region")
    p.add_argument("node_id")
    p.set_defaults(func=cmd_route_remove)

    tenant = sub.add_parser("tenant", help="tenants").add_subparsers(dest="tenant_command", required=True)
    for action, what in (("suspend", "refuse the tenant's writes and kit issuance (reads are served)"),
                         ("resume", "serve the tenant's writes again")):
        p = common(tenant.add_parser(action, help=what))
        p.add_argument("tenant", type=UUID)
        p.add_argument("--reason", help="recorded in the tenant's activity feed")
        p.set_defaults(func=cmd_tenant_status)
    p = common(tenant.add_parser("move", help="move a tenant to another node, online (or --resume/--abort a move)"))
    p.add_argument("tenant", type=UUID, nargs="?")
    p.add_argument("--to", help="the target node")
    p.add_argument("--keep-source", action="store_true", help="keep the source's rows after the switch")
    p.add_argument("--resume", type=int, metavar="MOVE_ID", help="drive an interrupted move on from its state")
    p.add_argument("--abort", type=int, metavar="MOVE_ID", help="abort a move before its switch")
    p.add_argument("--complete", type=int, metavar="MOVE_ID",
                   help="end a switched (or reversed) move where the tenant is: the other copy deleted "
                        "(also a --keep-source move's source)")
    p.add_argument("--reverse", type=int, metavar="MOVE_ID",
                   help="send a switched move's tenant back to its source, every write since the switch with it")
    p.add_argument("--forward", type=int, metavar="MOVE_ID", help="send a reversed move's tenant to its target again")
    p.add_argument("--detach", action="store_true",
                   help="record the move (or --resume it) for the fleet's gateways and exit")
    overridable(p)
    p.set_defaults(func=cmd_tenant_move)
    p = common(tenant.add_parser("residency", help="the regions a tenant's rows and requests may be served in"))
    p.add_argument("tenant", type=UUID)
    p.add_argument("--regions", metavar="R1[,R2]", help="set the policy: region codes, comma-separated")
    p.add_argument("--clear", action="store_true", help="lift the policy (unrestricted)")
    p.add_argument("--move", action="store_true",
                   help="when the tenant's node is outside the policy: start the move that fixes it (the policy "
                        "binds at its switch) instead of refusing")
    p.add_argument("--reason", help="recorded with the decision")
    p.set_defaults(func=cmd_tenant_residency)
    p = common(tenant.add_parser("diff", help="compare a tenant's rows on its node with its copy on another node"))
    p.add_argument("tenant", type=UUID)
    p.add_argument("--against", required=True, metavar="NODE", help="the node holding the other copy")
    p.set_defaults(func=cmd_tenant_diff)
    p = common(tenant.add_parser("limit", help="a tenant's quotas for the whole fleet (429 past them)"))
    p.add_argument("tenant", type=UUID)
    p.add_argument("--rps", type=float, help="requests a second, over every gateway instance")
    p.add_argument("--burst", type=float, help="requests at once after a quiet spell (default: the rate)")
    p.add_argument("--inflight", type=int, help="handler calls in flight at once, over every gateway instance")
    p.add_argument("--clear", action="store_true", help="lift the quota")
    p.set_defaults(func=cmd_tenant_limit)
    agent = sub.add_parser("agent", help="agents").add_subparsers(dest="agent_command", required=True)
    p = common(agent.add_parser("revoke", help="deregister an agent: every token it holds is refused at once"))
    p.add_argument("tenant", type=UUID)
    p.add_argument("agent", type=UUID)
    p.set_defaults(func=cmd_agent_revoke)
    p = common(tenant.add_parser("stats", help="the busiest tenants per node (requests, errors, latency)"))
    p.add_argument("--node", help="one node only")
    p.add_argument("--top", type=int, default=10, help="tenants per node (default 10)")
    p.set_defaults(func=cmd_tenant_stats)
    p = common(tenant.add_parser("reconcile", help="settle creations whose node answer was lost"))
    p.add_argument("--older-than", type=float, default=Settings.reconcile_after, metavar="SECONDS",
                   help="only registrations at least this old (default %(default)g; keep it above the gateways' "
                        "call bound plus statement timeout)")
    p.set_defaults(func=cmd_tenant_reconcile)

    p = common(sub.add_parser("resolve", help="where a tenant's requests go, and why"))
    p.add_argument("tenant", type=UUID)
    p.add_argument("region", nargs="?")
    p.set_defaults(func=cmd_resolve)

    tokens.add_parser(sub)
    plans.add_parsers(sub, node, tenant, legacy_parser, common, _connector)
    dev.add_parser(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (ConfigError, MigrationError) as exc:
        _err(f"fedgate: {exc}")
        return 2
    except GatewayError as exc:
        _err(f"fedgate: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
        return 1
    except psycopg.Error as exc:
        hint = exc.diag.message_hint if exc.sqlstate else None  # the SQL's own fix (fedgate's FG... errors)
        _err(f"fedgate: database error {exc.sqlstate or type(exc).__name__}"
             + (f": {describe(exc)}" if exc.sqlstate else "") + (f" ({hint})" if hint else ""))
        return 1
