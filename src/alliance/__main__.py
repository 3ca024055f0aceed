"""Run the ``alliance`` command: ``python -m alliance demo``."""

from alliance.cli import main

raise SystemExit(main())
