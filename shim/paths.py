"""Where the project's SQL and templates are (FEDGATE_HOME overrides the repo root)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("FEDGATE_HOME", Path(__file__).resolve().parent.parent))
SQL_DIR = ROOT / "sql"
FUNCTIONS_DIR = SQL_DIR / "functions"
SQL_TESTS_DIR = SQL_DIR / "tests"
KIT_TEMPLATES_DIR = ROOT / "kit_templates"
DEV_DATA_DIR = Path(os.environ.get("FEDGATE_DEV_DATA", ROOT / ".fedgate" / "dev"))
