"""`fedgate serve`: the gateway, on the given control database or on the embedded default.

Without a database URL it starts the embedded default (local clusters, demo tenants) and prints what a
newcomer needs to use it at once: the control database URL for the CLI and psql, an operator token,
each demo tenant's id and token.
"""

from __future__ import annotations

import argparse
import os
import signal
from functools import partial
from typing import Literal
from uuid import UUID

from shim.actions.migrate import migrate
from shim.actions.tokens import issue_token
from shim.config import Settings

DAY = 86400


def print_credentials(settings: Settings, control_url: str, base: str) -> None:
    """The embedded default's credentials, so the README's curl lines work as written (valid 24 hours;
    `fedgate token issue` makes more)."""
    from shim.dev import embedded

    def signed(role: Literal["operator", "tenant"], tenant: str | None = None) -> str:
        return issue_token(settings.jwt_secret, role=role, audience=settings.jwt_audience, ttl=DAY,
                           sub=f"make-run-{role}", tenant=UUID(tenant) if tenant else None,
                           issuer=settings.jwt_issuer)[0]

    print("credentials of the embedded default (valid 24 hours; paste into your shell):\n"
          f"  export FEDGATE_URL={base}\n"
          f"  export FEDGATE_DATABASE_URL={control_url}   # the control database: fedgate CLI, psql\n"
          f"  export FEDGATE_TOKEN={signed('operator')}   # role operator", flush=True)
    for i, (tenant, name, region) in enumerate(embedded.demo_tenants(control_url), 1):
        print(f"  export TENANT{i}={tenant}   # {name} ({region})\n"
              f"  export TENANT{i}_TOKEN={signed('tenant', tenant)}   # role tenant, {name} only", flush=True)
    print("then, for example:\n"
          '  curl -H "Authorization: Bearer $TENANT1_TOKEN" $FEDGATE_URL/federation/api/onboarding/tenants/$TENANT1/status\n'
          "  fedgate node list\n"
          "  fedgate dev psql eu-west-1", flush=True)


def _stop_during_startup_ends_the_wait() -> None:
    """Sanic 25.12's main process waits for every worker's start-up acknowledgement in a loop that reads its
    own stop message back forever when a stop signal arrives before they all acknowledged (found by a test
    that SIGTERMs a two-worker instance's group right after its first /readyz 200: the main process spun at
    60% CPU and never exited). Once it is shutting down it waits for no acknowledgement."""
    from sanic.worker.manager import WorkerManager

    acked = getattr(WorkerManager, "_all_workers_ack", None)
    if acked is None or getattr(acked, "fedgate", False):
        return

    def all_workers_ack(self: WorkerManager) -> bool:
        return bool(getattr(self, "_shutting_down", False)) or bool(acked(self))
    all_workers_ack.fedgate = True  # type: ignore[attr-defined]
    WorkerManager._all_workers_ack = all_workers_ack  # type: ignore[method-assign]


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
            print_credentials(settings, url, base)
        loader = AppLoader(factory=partial(create_app, settings))
        app = loader.load()
        single = settings.workers == 1 and args.single_process
        app.prepare(host=settings.host, port=settings.port, workers=settings.workers,
                    single_process=single, motd=False, backlog=settings.listen_backlog)
        if single:  # no worker manager: this process serves (tests, benchmarks, containers)
            Sanic.serve_single(primary=app)
        else:
            # The processes Sanic starts now inherit these: its state manager (multiprocessing) ignores the stop
            # signals, so a SIGTERM sent to every process of the group (systemd's default) leaves it to the
            # main process, which stops the workers and then the manager. Killed by it, the main process lost
            # its workers' state and exited 1. Sanic sets the main process's and workers' own handlers.
            for stop in (signal.SIGTERM, signal.SIGINT):
                signal.signal(stop, signal.SIG_IGN)
            _stop_during_startup_ends_the_wait()
            Sanic.serve(primary=app, app_loader=loader)
    finally:
        metrics_dir.remove(made_metrics_dir)
        if local is not None:
            local.stop()
            print("embedded clusters stopped", flush=True)
    return 0


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("serve", help="run the gateway (embedded local clusters without a database URL)")
    p.add_argument("--database-url", help="control database (default: $FEDGATE_DATABASE_URL, else the embedded "
                                          "default)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int)
    p.add_argument("--single-process", action="store_true", help="run in this process (one worker)")
    p.set_defaults(func=cmd_serve)
