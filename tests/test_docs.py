"""The docs say what the code does: generated tables current, every error code with one status and one
meaning, a README that is a first screen with a map of docs/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from shim.errors import CODES
from shim.request import reference

ROOT = Path(__file__).resolve().parent.parent
CODE_LITERAL = re.compile(r"""["'](FGW?[0-9]{3})["']""")


def test_generated_tables_match_the_code() -> None:
    text = reference.DOC.read_text()
    assert reference.rendered(text) == text, "docs/http-api.md is stale: run make docs"
    # The check can fail: a row edited by hand is put back.
    planted = text.replace("| GET | `/regions` |", "| GET | `/region-list` |", 1)
    assert planted != text and reference.rendered(planted) == text


def _codes_used() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in [*(ROOT / "shim").rglob("*.py"), *(ROOT / "sql" / "functions").rglob("*.sql")]:
        if path.name == "errors.py":
            continue
        for code in CODE_LITERAL.findall(path.read_text()):
            used.setdefault(code, set()).add(str(path.relative_to(ROOT)))
    return used


def test_every_code_used_has_one_entry() -> None:
    missing = {code: sorted(where) for code, where in _codes_used().items() if code not in CODES}
    assert missing == {}, "add each code to shim.errors.CODES with its status and meaning"


def _raised_with(source: str) -> list[tuple[str, int]]:
    """(code, status) of every GatewayError(status, "code", …) and bad_request("code", …) in a source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args[:2]]
        if node.func.id == "GatewayError" and len(args) == 2 and isinstance(args[0], int) and isinstance(args[1], str):
            found.append((args[1], args[0]))
        elif node.func.id == "bad_request" and args and isinstance(args[0], str):
            found.append((args[0], 400))
    return found


def test_each_code_is_raised_with_its_one_status() -> None:
    assert _raised_with('raise GatewayError(409, "FGW404", "x")\nraise bad_request("FGW503", "y")\n') == [
        ("FGW404", 409), ("FGW503", 400)]  # what the check below would refuse
    wrong = [(str(path.relative_to(ROOT)), code, status)
             for path in (ROOT / "shim").rglob("*.py") for code, status in _raised_with(path.read_text())
             if code in CODES and CODES[code][0] != status]
    assert wrong == []


def test_the_readme_is_a_first_screen_with_a_map_of_the_docs() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 300
    assert "make run" in readme and "make test" in readme
    linked = set(re.findall(r"\(docs/([a-z0-9-]+\.md)\)", readme))
    present = {p.name for p in (ROOT / "docs").glob("*.md")}
    assert linked == present, (linked ^ present)
