"""The one place shim code opens a database connection.

- ``pool``: the gateway's long-lived pools (one per node, one for the catalog), never opened here.
- ``aconnect``: the gateway's own single connections (the catalog listener, the health checker).
- ``Connector``: short-lived connections for actions (the CLI, the admin API's work, the mover) to
  the control database and to the nodes its catalog names.

Every connection is in autocommit with a connect timeout and an ``application_name`` saying who
opened it. A node's catalog reference is resolved to a libpq string here (``resolve_dsn``) and never
leaves: errors are described with ``shim.errors.describe``/``from_db_error``, which never pass the
driver's text on (it names hosts, ports and users). tests/test_static.py fails on a
``psycopg.connect`` or a pool made anywhere else in shim/.
"""

from __future__ import annotations

import os
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from shim.errors import GatewayError
from shim.nodes.queries import QUERIES, compose

KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 2}


def resolve_dsn(reference: str, control_dsn: str) -> str:
    """The libpq connection string a node's catalog reference stands for: ``self`` is the control
    database, ``env:VAR`` reads the variable from this process's environment, anything else (URL,
    key=value, ``service=NAME``) goes to libpq as it is."""
    if reference == "self":
        return control_dsn
    if reference.startswith("env:"):
        value = os.environ.get(reference[4:], "")
        if not value:
            raise LookupError("connection reference names an unset environment variable")
        return value
    return reference


def _timeout(seconds: float) -> int:
    return max(1, round(seconds))


def connect(dsn: str, *, timeout: float = 10, name: str = "fedgate", **kwargs: Any) -> psycopg.Connection[Any]:
    """A blocking connection in autocommit (a context manager: closed on exit)."""
    return psycopg.connect(dsn, autocommit=True, connect_timeout=_timeout(timeout), application_name=name, **kwargs)


async def aconnect(dsn: str, *, timeout: float = 10, name: str = "fedgate", **kwargs: Any) -> AsyncConnection[Any]:
    """An asynchronous connection in autocommit."""
    return await AsyncConnection.connect(dsn, autocommit=True, connect_timeout=_timeout(timeout),
                                         application_name=name, **kwargs)


def pool(dsn: str, *, name: str, min_size: int, max_size: int, timeout: float, connect_timeout: float,
         application_name: str, options: str = "", **kwargs: Any) -> AsyncConnectionPool:
    """A pool of autocommit connections, not yet opened (its owner opens and closes it)."""
    settings: dict[str, Any] = {"autocommit": True, "connect_timeout": _timeout(connect_timeout),
                                "application_name": application_name, **kwargs.pop("login", {})}
    if options:
        settings["options"] = options
    return AsyncConnectionPool(dsn, min_size=min_size, max_size=max_size, open=False, name=name, timeout=timeout,
                               kwargs=settings, **kwargs)


class Connector:
    """Short-lived connections to the control database and to its nodes, for actions.

    ``control_login`` replaces the control URL's login (the admin API's: the gateway's catalog login)
    and ``control_role`` is taken once connected (``fedgate_operator``), so the admin API changes the
    catalog with the operator role's privileges and no more. Nodes are reached with their catalog
    references' own logins: a move creates subscriptions, migrations create objects.
    """

    def __init__(self, control_dsn: str, *, name: str = "fedgate", timeout: float = 10,
                 control_login: dict[str, Any] | None = None, control_role: str | None = None,
                 actor: str | None = None) -> None:
        self.control_dsn = control_dsn
        self.name = name
        self.actor = actor  # who acts (cli:user@host, operator:<sub>): the catalog records a job's creator
        self.timeout = timeout
        self._control_login = control_login or {}
        self._control_role = control_role
        self._references: dict[str, str] | None = None

    def control(self) -> psycopg.Connection[Any]:
        conn = connect(self.control_dsn, timeout=self.timeout, name=self.name, **self._control_login)
        if self.actor:
            conn.execute(QUERIES["set_actor"], (self.actor[:200],))
        if self._control_role:
            conn.execute(compose("set_role", role=self._control_role))
        return conn

    def rows(self, name: str, *params: Any) -> list[dict[str, Any]]:
        """A named statement on the control database: its rows as column -> value."""
        try:
            with self.control() as conn:
                cursor = conn.cursor(row_factory=dict_row)
                cursor.execute(QUERIES[name], params)
                return cursor.fetchall() if cursor.description else []
        except psycopg.Error as exc:
            self.record_refusal(exc)
            raise

    def record_refusal(self, exc: psycopg.Error) -> None:
        """A residency refusal (FG451) rolled back with its transaction: append it to
        federation.residency_events in a transaction of its own, from the error's DETAIL."""
        if exc.sqlstate != "FG451" or not exc.diag.message_detail:
            return
        try:
            with self.control() as conn:
                conn.execute(QUERIES["record_residency_refusal"], (exc.diag.message_detail,))
        except psycopg.Error:  # the refusal stands; only its record is lost (the catalog just answered)
            pass

    def references(self, *, reload: bool = False) -> dict[str, str]:
        """Node id -> catalog reference, read once (again with ``reload``)."""
        if self._references is None or reload:
            with self.control() as conn:
                self._references = {r[0]: r[2] for r in conn.execute(QUERIES["load_nodes"]).fetchall()}
        return self._references

    def dsn(self, reference: str) -> str:
        return resolve_dsn(reference, self.control_dsn)

    def node_dsn(self, node_id: str) -> str:
        reference = self.references().get(node_id) or self.references(reload=True).get(node_id)
        if reference is None:
            raise GatewayError(404, "FGW404", f"no node {node_id} in the catalog")
        return self.dsn(reference)

    def node(self, node_id: str, *, name: str | None = None) -> psycopg.Connection[Any]:
        return connect(self.node_dsn(node_id), timeout=self.timeout, name=name or self.name)

    def reach(self, reference: str, *, name: str | None = None) -> psycopg.Connection[Any]:
        """A database given by a reference not (yet) in the catalog: a node or replica being added."""
        return connect(self.dsn(reference), timeout=self.timeout, name=name or self.name)
