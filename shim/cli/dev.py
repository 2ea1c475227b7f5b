"""`fedgate dev`: the embedded default, from the outside (``reset``, ``psql``). Each command imports
shim.dev (testing.postgresql, pg8000) itself: every fedgate command, the gateway's too, registers them."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable

from shim.config import ConfigError
from shim.nodes.connector import Connector


def cmd_dev_reset(_args: argparse.Namespace) -> int:
    from shim.dev import embedded

    print("removed the embedded default's data" if embedded.reset() else "nothing to remove")
    return 0


def cmd_dev_psql(args: argparse.Namespace) -> int:
    """psql on one of the running embedded default's databases (the control database by default); DBAs
    call resolve_node(...) and explain_route(...) there, unqualified."""
    from shim.dev import embedded
    from shim.dev.clusters import PG_BIN

    control = args.database_url or os.environ.get("FEDGATE_DATABASE_URL", "") or embedded.running_control_url()
    if not control:
        raise ConfigError("the embedded default is not running: start it with `make run`")
    dsn = Connector(control, name="fedgate-dev").node_dsn(args.node)
    psql = shutil.which("psql") or str(PG_BIN / "psql")
    sys.stdout.flush()
    os.execv(psql, [psql, dsn, *args.psql_args])


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]",
               common: Callable[..., argparse.ArgumentParser]) -> None:
    dev = sub.add_parser("dev", help="the embedded default").add_subparsers(dest="dev_command", required=True)
    dev.add_parser("reset", help="remove the embedded clusters' data").set_defaults(func=cmd_dev_reset)
    p = dev.add_parser("psql", help="psql on a database of the running embedded default (default: the control "
                                    "database); arguments after -- go to psql")
    p.add_argument("node", nargs="?", default="default", help="a node id: default (the control database), "
                                                              "eu-west-1, eu-west-2, ap-south-1")
    p.add_argument("--database-url", help="control database (default: the running embedded default's)")
    p.add_argument("psql_args", nargs=argparse.REMAINDER, help="passed to psql, after --")
    p.set_defaults(func=cmd_dev_psql)
