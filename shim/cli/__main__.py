"""``python -m shim.cli``: the fedgate command."""

from shim.cli import main

raise SystemExit(main())
