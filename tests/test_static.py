"""The shim type-checks and has no unused or undefined names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_no_errors() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "F,E9", "shim", "tests", "bench"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_accepts_the_shim() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "shim"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _imports() -> dict[str, set[str]]:
    """Each shim module and the modules it imports (absolute names)."""
    import ast

    found: dict[str, set[str]] = {}
    for path in (ROOT / "shim").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[name] = names
    return found


def test_the_layout_keeps_its_boundaries() -> None:
    modules = _imports()
    ours = {name: {d for d in deps if d in modules} for name, deps in modules.items()}
    sanic_users = {m for m, deps in modules.items() if any(d == "sanic" or d.startswith("sanic.") for d in deps)}
    # The request path, and the CLI's serve command that starts it; nothing of node access, kits or migrations.
    assert sanic_users and all(m.startswith("shim.request.") or m == "shim.ops.cli" for m in sanic_users), sanic_users
    assert "shim.request.flows" not in sanic_users  # flows run without Sanic (the embedded default seeds with them)
    serving = [m for m in ours if not m.startswith(("shim.dev", "shim.ops"))]
    assert [m for m in serving if any(d.startswith("shim.dev") for d in ours[m])] == []

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for dep in ours[start]:
            if dep == target or (dep not in seen and (seen.add(dep) or reaches(dep, target, seen))):
                return True
        return False

    assert [m for m in ours if reaches(m, m, set())] == [], "import cycle"
