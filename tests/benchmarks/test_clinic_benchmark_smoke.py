"""The clinic-scale benchmark runs and prints its whole table (a correctness check only).

It times nothing and asserts no figure: it runs ``benchmarks/clinic_report.py`` on a tiny
clinic, as a subprocess, and checks that every row is printed with figures (the benchmark
itself fails when the raw build does not hold the same rows, or the hand-written SQL does
not find the same goals). It needs nothing beyond the ``dev`` group, so it runs in CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmark_table import run_table

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "clinic_report.py"
ROWS = ["Build the clinic", "end to end", "progress_report", "Peak memory"]


@pytest.mark.slow
def test_the_clinic_benchmark_prints_every_row(tmp_path: Path) -> None:
    output, _header, table = run_table(
        SCRIPT, "--quick", "--quiet", "--partnerships", "6",
        "--json", str(tmp_path / "results.json"),
        rows=len(ROWS),
    )  # fmt: skip
    for cells, phrase in zip(table, ROWS, strict=True):
        line = " | ".join(cells)
        _number, what, _base, ours, base, ratio, target, _memory = cells
        assert phrase in what, line
        assert ours != "n/a", line
        assert base != "n/a", line
        assert ratio.endswith("x"), line
        assert target.startswith("<=") or target == "information", line
    assert "clinic: 6 partnerships, 30 goals" in output
    assert (tmp_path / "results.json").is_file()
