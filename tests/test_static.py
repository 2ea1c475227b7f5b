"""The shim type-checks, has no unused or undefined names, and keeps its architecture: layers that only
import downward, no SQL in Python strings, one connector. Each architectural check is shown to fail on
a planted violation first, so a check that can no longer fail is caught too."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first: a module may import its own layer and the layers before it, never a later one.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ground", ("shim.paths", "shim.config", "shim.errors", "shim.context", "shim.schema", "shim.values",
                "shim.kits")),
    ("auth", ("shim.auth",)),
    ("nodes", ("shim.nodes",)),
    ("observe", ("shim.observe",)),
    ("actions", ("shim.actions",)),
    ("request", ("shim.request",)),
    ("dev", ("shim.dev",)),
    ("entry points", ("shim.cli",)),
)
SQL_IN_STRING = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CALL|LISTEN|NOTIFY|UNLISTEN|CREATE|ALTER|DROP|"
                           r"SET|SHOW|TRUNCATE|COPY|BEGIN|COMMIT|ROLLBACK|GRANT|REVOKE|VALUES|TABLE)\s+\S")
RAW_CONNECT = {"connect", "AsyncConnectionPool", "ConnectionPool"}  # psycopg.connect, AsyncConnection.connect, pools
CONNECTOR = "shim.nodes.connector"


def test_ruff_finds_no_errors() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "F,E9", "shim", "tests", "bench"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_accepts_the_shim() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "shim"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _sources() -> dict[str, str]:
    """Each shim module's name and source."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "shim").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path.read_text()
    return found


def imports(source: str) -> set[str]:
    """The modules a source imports (absolute names, and module.name for each name imported from one)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def layer_of(module: str) -> int:
    for rank, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def upward_imports(sources: dict[str, str]) -> list[str]:
    """'a -> b' for every import of a later layer's module."""
    found = []
    for module, source in sources.items():
        for dep in imports(source):
            if dep.startswith("shim.") and dep in sources and layer_of(dep) > layer_of(module):
                found.append(f"{module} ({LAYERS[layer_of(module)][0]}) -> {dep} ({LAYERS[layer_of(dep)][0]})")
    return sorted(found)


def sql_in_strings(source: str) -> list[str]:
    """String literals (f-string parts included) that begin with an SQL statement."""
    return [node.value[:60] for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_IN_STRING.match(node.value)]


def raw_connections(source: str) -> list[str]:
    """Calls that open a connection or a pool directly: ``psycopg.connect(…)``, ``X.connect(…)`` on a
    psycopg connection class, ``AsyncConnectionPool(…)``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
        if name in ("AsyncConnectionPool", "ConnectionPool") or (
                name == "connect" and owner.split(".")[-1] in ("psycopg", "Connection", "AsyncConnection")):
            found.append(ast.unparse(func))
    return found


def test_the_checks_fail_on_planted_violations() -> None:
    planted = {
        "shim.nodes.planted": "from shim.actions.moves import Mover\n",
        "shim.context": "import shim.request.app\n",
        "shim.actions.moves": "",
        "shim.request.app": "",
    }
    assert upward_imports(planted) == ["shim.context (ground) -> shim.request.app (request)",
                                       "shim.nodes.planted (nodes) -> shim.actions.moves (actions)"]
    assert sql_in_strings('x = conn.execute("SELECT 1 FROM t")\ny = f"DELETE FROM {t}"\n') == [
        "SELECT 1 FROM t", "DELETE FROM "]
    assert sql_in_strings('message = "select the node you want"\nhelp = "Settings: SELECT from the docs"\n') == []
    assert raw_connections("import psycopg\nc = psycopg.connect(dsn)\np = AsyncConnectionPool(dsn)\n"
                           "a = await psycopg.AsyncConnection.connect(dsn)\n") == [
        "psycopg.connect", "AsyncConnectionPool", "psycopg.AsyncConnection.connect"]


def test_layers_only_import_downward() -> None:
    assert upward_imports(_sources()) == []


def test_no_sql_in_python_strings() -> None:
    found = {m: hits for m, source in _sources().items() if (hits := sql_in_strings(source))}
    assert found == {}, "every statement is a named query in shim/nodes/sql/*.sql"


def test_one_connector_opens_connections() -> None:
    found = {m: hits for m, source in _sources().items() if m != CONNECTOR and (hits := raw_connections(source))}
    assert found == {}, f"connections and pools come from {CONNECTOR}"
    assert raw_connections(_sources()[CONNECTOR])  # and the connector itself is seen opening them


def test_sanic_stays_in_the_request_layer() -> None:
    sources = _sources()
    sanic_users = {m for m, source in sources.items()
                   if any(d == "sanic" or d.startswith("sanic.") for d in imports(source))}
    # The request path, and the CLI's serve command that starts it; nothing of node access, kits or actions.
    assert sanic_users and all(m.startswith("shim.request.") or m == "shim.cli.serve" for m in sanic_users), sanic_users
    assert "shim.request.flows" not in sanic_users


def test_no_import_cycle() -> None:
    sources = _sources()
    ours = {m: {d for d in imports(s) if d in sources and d != m} for m, s in sources.items()}

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for dep in ours[start]:
            if dep == target or (dep not in seen and (seen.add(dep) or reaches(dep, target, seen))):
                return True
        return False

    assert [m for m in ours if reaches(m, m, set())] == [], "import cycle"
