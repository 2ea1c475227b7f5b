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
