"""`fedgate legacy migrate`, `fedgate rebalance`, `fedgate plan list|show`, `fedgate node set-capacity`,
`fedgate tenant pin`: plans of moves and what shapes them (shim.actions.plans).

A plan is a job: this command records it and drives it holding its lease (``--detach`` only records it
for the fleet's gateways). Run again while a plan of the kind is open, it resumes that plan: it drives it
when nobody does (its driver died and its lease lapsed), else it follows whoever does until it ends. A
move once started is never started again.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from uuid import UUID

from shim.actions import jobs, plans
from shim.cli.render import record, table
from shim.config import JobSettings
from shim.nodes.connector import Connector

ConnectorOf = Callable[[argparse.Namespace], Connector]
MOVE_COLUMNS = ("tenant_id", "source_node", "target_node", "cost", "why")


def _settings(args: argparse.Namespace, kind: str) -> plans.PlanSettings:
    if kind == "legacy":
        return plans.PlanSettings("legacy", args.parallel, args.max_rows_per_s)
    return plans.PlanSettings("rebalance", args.parallel, args.max_rows_per_s, args.region, args.by, args.threshold,
                              args.max_moves)


def _dry_run(connector: Connector, settings: plans.PlanSettings, as_json: bool) -> int:
    shown = plans.preview(connector, settings)
    if as_json:
        record({"moves": shown.moves, "spread": shown.spread, "rows": shown.rows()}, as_json=True)
        return 0
    table(shown.moves, columns=MOVE_COLUMNS)
    if shown.spread:
        print()
        table([{**r, "share": round(float(r["share"]))} for r in shown.spread])
    print(f"{len(shown.moves)} moves, {shown.rows()} rows (dry run: nothing recorded)")
    return 0


def run_plan(connector: Connector, args: argparse.Namespace, settings: plans.PlanSettings) -> int:
    if args.dry_run:
        return _dry_run(connector, settings, args.json)
    job_settings = JobSettings.from_env()
    with jobs.held(connector, job_settings, jobs.cli_owner()) as lease:
        claimed: list[jobs.Job] = []
        existing = plans.open_plan(connector, settings)
        if existing is None:
            started = plans.start(connector, settings, then=None if args.detach else
                                  lambda conn, job: claimed.append(lease.claim(job, conn)))
            job_id = started.job_id
            print(f"plan {job_id}: {started.subject}", flush=True)
        else:
            job_id = int(existing["job_id"])
            print(f"plan {job_id}: open ({existing['state']}): resumed, with the settings it was made with",
                  flush=True)
        if args.detach:
            print(f"recorded: the fleet's gateways drive it (fedgate plan show {job_id})", flush=True)
            return 0
        from shim.cli.progress import plan_display  # rich: imported by the commands that draw

        total = int(plans.get(connector, job_id)["moves"])
        with plan_display(sys.stdout.isatty(), total) as display:
            driver = jobs.Driver(connector, lease, job_settings, say=display.say)
            jobs.follow(driver, job_id, claimed[0] if claimed else None,
                        watch=lambda: display.seen(plans.get(connector, job_id)))
    shown = plans.get(connector, job_id)
    unit = "requests' worth" if (shown["params"] or {}).get("by") == "requests" else "rows"  # as it was made
    print(f"plan {job_id}: {shown['state']}: {shown['done']} of {shown['moves']} moves done, "
          f"{shown['cost_done']} {unit} moved", flush=True)
    if shown["last_error"] and shown["state"] != "done":
        print(f"plan {job_id}: {shown['last_error']}", file=sys.stderr, flush=True)
    return 0 if shown["state"] == "done" else 1


def add_parsers(sub: "argparse._SubParsersAction[argparse.ArgumentParser]",
                node: "argparse._SubParsersAction[argparse.ArgumentParser]",
                tenant: "argparse._SubParsersAction[argparse.ArgumentParser]",
                legacy: "argparse._SubParsersAction[argparse.ArgumentParser]",
                common: Callable[..., argparse.ArgumentParser], connector_of: ConnectorOf) -> None:
    def runner(p: argparse.ArgumentParser) -> None:
        p.add_argument("--parallel", type=int, default=1, help="moves at once (1 to 16; default 1)")
        p.add_argument("--max-rows-per-s", type=int, help="pace: at most this many rows a second over the moves")
        p.add_argument("--dry-run", action="store_true", help="print the plan (and its spread), record nothing")
        p.add_argument("--detach", action="store_true", help="record the plan for the fleet's gateways and exit")

    def legacy_migrate(args: argparse.Namespace) -> int:
        return run_plan(connector_of(args), args, _settings(args, "legacy"))

    def rebalance(args: argparse.Namespace) -> int:
        return run_plan(connector_of(args), args, _settings(args, "rebalance"))

    p = common(legacy.add_parser("migrate", help="move every tenant whose data is on the default node to an active "
                                                 "node of its home region (the spec's phase 4)"))
    runner(p)
    p.set_defaults(func=legacy_migrate)

    p = common(sub.add_parser("rebalance", help="even out the nodes of a region by rows or requests, against their "
                                                "capacities"))
    p.add_argument("--region", help="one region (default: each region)")
    p.add_argument("--by", choices=plans.BY, default="rows", help="what load is (default rows)")
    p.add_argument("--threshold", type=float, default=0.1,
                   help="how far from its share a node may stay, as a fraction (default 0.1)")
    p.add_argument("--max-moves", type=int, help="at most this many moves")
    runner(p)
    p.set_defaults(func=rebalance)

    def plan_list(args: argparse.Namespace) -> int:
        table(connector_of(args).rows("list_plans", args.limit), as_json=args.json)
        return 0

    def plan_show(args: argparse.Namespace) -> int:
        shown = plans.get(connector_of(args), args.plan_id)
        if args.json:
            record(shown, as_json=True)
            return 0
        record({k: v for k, v in shown.items() if k != "items"})
        print()
        table(shown["items"], columns=("position", "tenant_id", "source_node", "target_node", "cost", "state",
                                       "move_id", "pause_ms", "error"))
        return 0

    plan = sub.add_parser("plan", help="plans of moves (drains, legacy, rebalance)").add_subparsers(
        dest="plan_command", required=True)
    p = common(plan.add_parser("list", help="plans, open ones first: kind, state, moves done, rows moved"))
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=plan_list)
    p = common(plan.add_parser("show", help="one plan and each of its moves"))
    p.add_argument("plan_id", type=int)
    p.set_defaults(func=plan_show)

    def set_capacity(args: argparse.Namespace) -> int:
        table([plans.set_capacity(connector_of(args), args.node_id, args.capacity)], as_json=args.json)
        return 0

    p = common(node.add_parser("set-capacity", help="a node's share of its region's load against the others' "
                                                    "(default 1): placement and rebalance follow it"))
    p.add_argument("node_id")
    p.add_argument("capacity", type=int)
    p.set_defaults(func=set_capacity)

    def pin(args: argparse.Namespace) -> int:
        table([plans.pin(connector_of(args), args.tenant, not args.off)], as_json=args.json)
        return 0

    p = common(tenant.add_parser("pin", help="keep a tenant on its node: a rebalance never moves it (--off undoes)"))
    p.add_argument("tenant", type=UUID)
    p.add_argument("--off", action="store_true", help="unpin")
    p.set_defaults(func=pin)
