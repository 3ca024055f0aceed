"""The import-time benchmark runs and prints its whole table (a correctness check only).

It times nothing and asserts no figure: it runs ``benchmarks/import_time.py`` for one
round, as a subprocess in this environment (where alliance is installed, so its entry
points are the installed ones), and checks that every row is printed with figures and
that the commands that must import no alliance module imported none (the benchmark
itself fails otherwise).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmark_table import run_table

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "import_time.py"
ROWS = [
    "import hypothesis",
    "imports nothing",
    "imports hypothesis",
    "import hypothesis, alliance",
]


@pytest.mark.slow
def test_the_import_time_benchmark_prints_every_row(tmp_path: Path) -> None:
    _output, _header, table = run_table(
        SCRIPT,
        "--rounds",
        "1",
        "--quiet",
        "--json",
        str(tmp_path / "results.json"),
        rows=len(ROWS),
    )
    for cells, phrase in zip(table, ROWS, strict=True):
        line = " | ".join(cells)
        _number, what, _base, ours, base, ratio, budget, modules = cells
        assert phrase in what, line
        assert ours.endswith(" ms"), line
        assert base.endswith(" ms"), line
        assert ratio.endswith("x"), line
        assert budget.startswith("<=") or budget == "information", line
        if budget != "information":
            assert modules == "0 / 0", line
    rows = json.loads((tmp_path / "results.json").read_text())["rows"]
    assert [row["alliance_modules"] for row in rows][:3] == [0, 0, 0]
    assert rows[3]["alliance_modules"] > 0  # importing alliance imports it: the probe works
