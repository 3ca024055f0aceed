"""What alliance's pytest and hypothesis entry points cost a host that uses neither a fixture
nor a strategy: each command timed with the entry points on and off, side by side.

    .venv/bin/python benchmarks/import_time.py              # 21 rounds: about a minute
    .venv/bin/python benchmarks/import_time.py --rounds 5   # quicker, noisier

Run it in an environment where alliance is installed (``pip install -e .``): the entry
points come from the installed metadata. Rows (one table on stdout, progress on stderr):

1. ``python -c "import hypothesis"``, which runs alliance's ``hypothesis`` entry point,
   beside the same with ``HYPOTHESIS_NO_PLUGINS=1``. Budget: within 1.05x.
2. ``pytest --collect-only`` of one test module that imports nothing, which loads
   alliance's ``pytest11`` entry point (plugin ``alliance``), beside the same with
   ``-p no:alliance``. Budget: within 1.05x. (``pytest --version`` would measure nothing:
   it answers before the plugins are loaded.)
3. ``pytest --collect-only`` of one test module that imports hypothesis (and not
   alliance), beside the same with both turned off (``-p no:alliance`` and
   ``HYPOTHESIS_NO_PLUGINS=1``). Budget: within 1.05x.
4. information: what the first strategy or fixture costs, ``import hypothesis`` then
   ``import alliance`` (which registers the strategies), beside ``import hypothesis``
   alone. This is what every ``import hypothesis`` cost before the entry points moved out
   of the ``alliance`` package.

Each command runs in a fresh interpreter, ``--rounds`` times, alternating with its
baseline; the figures are medians of wall time, interpreter start-up included (what a
host sees). Each command is also run once with a probe that counts the ``alliance``
modules it imported: rows 1 to 3 must import none, or the script fails (exit 1). The
budgets are checked too: a missed one is printed as MISSED, and fails the run with
``--strict``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

PYTHON = sys.executable
# How many alliance modules a process has imported, printed at exit (the probe).
PROBE = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('ALLIANCE-MODULES', len([m for m in sys.modules "
    "if m == 'alliance' or m.startswith('alliance.')]), file=sys.stderr))\n"
)
PLAIN_TEST = """
def test_nothing():
    pass
"""
HYPOTHESIS_TEST = """
import hypothesis


def test_nothing_of_alliance():
    assert hypothesis.__version__
"""
# What must not leak into the commands from the caller's environment.
CLEARED = ("HYPOTHESIS_NO_PLUGINS", "PYTEST_ADDOPTS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")


@dataclass
class Command:
    """One command line, with the extra environment it runs with."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    alliance_modules: int | None = None

    def environment(self, probe_dir: str | None = None) -> dict[str, str]:
        """The caller's environment without :data:`CLEARED`, plus :attr:`env` (and the
        probe's ``sitecustomize`` on the path when *probe_dir* is given)."""
        found = {k: v for k, v in os.environ.items() if k not in CLEARED}
        found.update(self.env)
        if probe_dir is not None:
            found["PYTHONPATH"] = os.pathsep.join(
                [probe_dir, *filter(None, [found.get("PYTHONPATH")])]
            )
        return found

    def run_once(self, cwd: str) -> None:
        """Time one run."""
        started = time.perf_counter()
        subprocess.run(self.argv, cwd=cwd, env=self.environment(), check=True, capture_output=True)
        self.seconds.append(time.perf_counter() - started)

    def probe(self, cwd: str, probe_dir: str) -> None:
        """Run once more, counting the alliance modules imported (not timed)."""
        done = subprocess.run(
            self.argv,
            cwd=cwd,
            env=self.environment(probe_dir),
            check=True,
            capture_output=True,
            text=True,
        )
        counts = [
            int(line.split()[1])
            for line in done.stderr.splitlines()
            if line.startswith("ALLIANCE-MODULES ")
        ]
        self.alliance_modules = counts[-1] if counts else None

    @property
    def median(self) -> float:
        """The median of the timed runs, in seconds."""
        return statistics.median(self.seconds)


@dataclass
class Row:
    """A command beside its baseline, with a budget (None: information)."""

    what: str
    base: str
    ours: Command
    theirs: Command
    budget: float | None
    must_import_nothing: bool

    @property
    def ratio(self) -> float:
        """The command's median over the baseline's."""
        return self.ours.median / self.theirs.median


def rows() -> list[Row]:
    """The measurements, in the order printed."""
    collect = [PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q"]
    off = {"HYPOTHESIS_NO_PLUGINS": "1"}
    return [
        Row(
            "python -c 'import hypothesis' (alliance's hypothesis entry point runs)",
            "the same with HYPOTHESIS_NO_PLUGINS=1",
            Command([PYTHON, "-c", "import hypothesis"]),
            Command([PYTHON, "-c", "import hypothesis"], off),
            1.05,
            True,
        ),
        Row(
            "pytest --collect-only of a test module that imports nothing (alliance's "
            "pytest11 plugin loaded)",
            "the same with -p no:alliance",
            Command([*collect, "test_plain.py"]),
            Command([*collect, "test_plain.py", "-p", "no:alliance"]),
            1.05,
            True,
        ),
        Row(
            "pytest --collect-only of a test module that imports hypothesis (both entry points on)",
            "the same with -p no:alliance and HYPOTHESIS_NO_PLUGINS=1",
            Command([*collect, "test_hypothesis.py"]),
            Command([*collect, "test_hypothesis.py", "-p", "no:alliance"], off),
            1.05,
            True,
        ),
        Row(
            "python -c 'import hypothesis, alliance': the first strategy's cost (the "
            "strategies registered; before, every import hypothesis paid it)",
            "python -c 'import hypothesis'",
            Command([PYTHON, "-c", "import hypothesis, alliance"]),
            Command([PYTHON, "-c", "import hypothesis"]),
            None,
            False,
        ),
    ]


def _versions() -> str:
    found = []
    for name in ("alliance", "hypothesis", "pytest"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def _entry_points() -> str:
    found = [
        f"{ep.group}: {ep.value}"
        for group in ("hypothesis", "pytest11")
        for ep in metadata.entry_points(group=group)
        if ep.name == "alliance"
    ]
    return "; ".join(found) or "none installed"


def _row(number: int, row: Row) -> str:
    if row.budget is None:
        verdict = "information"
    else:
        verdict = f"<= {row.budget:.2f}x: {'met' if row.ratio <= row.budget else 'MISSED'}"
    modules = f"{row.ours.alliance_modules} / {row.theirs.alliance_modules}"
    return (
        f"| {number} | {row.what} | {row.base} | {row.ours.median * 1000:.0f} ms "
        f"| {row.theirs.median * 1000:.0f} ms | {row.ratio:.2f}x | {verdict} | {modules} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser(description="The cost of alliance's entry points.")
    parser.add_argument("--rounds", type=int, default=21, help="timed runs of each (21)")
    parser.add_argument("--json", help="also write every result to this JSON file")
    parser.add_argument("--markdown", help="also write the table to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a budget is missed")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    command = "benchmarks/import_time.py " + " ".join(sys.argv[1:] if argv is None else argv)
    load_start = os.getloadavg()[0]
    measured = rows()
    with tempfile.TemporaryDirectory(prefix="alliance-import-time-") as where:
        (Path(where) / "test_plain.py").write_text(PLAIN_TEST)
        (Path(where) / "test_hypothesis.py").write_text(HYPOTHESIS_TEST)
        probe_dir = Path(where) / "probe"
        probe_dir.mkdir()
        (probe_dir / "sitecustomize.py").write_text(PROBE)
        for number, row in enumerate(measured, 1):
            if not args.quiet:
                print(f"row {number}: {row.what}", file=sys.stderr)
            for command_ in (row.ours, row.theirs):
                command_.probe(where, str(probe_dir))
                command_.run_once(where)  # a warm-up: the bytecode caches are written
                command_.seconds.clear()
            for round_ in range(args.rounds):
                pair = (row.ours, row.theirs) if round_ % 2 == 0 else (row.theirs, row.ours)
                for command_ in pair:
                    command_.run_once(where)
    lines = [
        f"command: {command.strip()}",
        f"machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}; {_versions()}",
        f"alliance's entry points: {_entry_points()}",
        f"load average (1 min) at the start and the end: {load_start:.2f}, "
        f"{os.getloadavg()[0]:.2f}",
        f"rounds: {args.rounds} of each command, alternating with its baseline (medians)",
        "",
        "| # | measurement | baseline | with | baseline | ratio | budget "
        "| alliance modules imported (with / baseline) |",
        "|---|---|---|---:|---:|---:|---|---|",
        *(_row(number, row) for number, row in enumerate(measured, 1)),
        "",
        "ratio: the command's median wall time (a fresh interpreter each run, start-up "
        "included) divided by its baseline's; above 1 the entry points cost something.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    if args.json:
        results: list[dict[str, Any]] = [
            {
                "what": row.what,
                "base": row.base,
                "seconds": row.ours.seconds,
                "base_seconds": row.theirs.seconds,
                "ratio": row.ratio,
                "budget": row.budget,
                "alliance_modules": row.ours.alliance_modules,
                "base_alliance_modules": row.theirs.alliance_modules,
            }
            for row in measured
        ]
        Path(args.json).write_text(json.dumps({"command": command, "rows": results}, indent=2))
    leaked = [
        number
        for number, row in enumerate(measured, 1)
        if row.must_import_nothing and row.ours.alliance_modules != 0
    ]
    if leaked:
        print(f"rows {leaked}: alliance modules were imported", file=sys.stderr)
        return 1
    missed = [row for row in measured if row.budget is not None and row.ratio > row.budget]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
