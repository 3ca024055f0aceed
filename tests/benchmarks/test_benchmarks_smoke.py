"""The performance harness runs and prints its whole table (a correctness check only).

It times nothing and asserts no figure: it runs ``benchmarks/run.py`` at tiny sizes, as a
subprocess, and checks that every row of the table is printed with figures and that the
systems were given the same data (the harness itself fails otherwise). Skipped when the
``benchmarks`` extra (eventsourcing, msgspec) is not installed; the ``test`` dependency
group, which CI installs, brings them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmark_table import run_table

EXTRA = "needs the benchmarks extra: pip install -e '.[benchmarks]' --group dev"
pytest.importorskip("eventsourcing", reason=EXTRA)
pytest.importorskip("msgspec", reason=EXTRA)

RUN = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"

# Every row the harness prints, in order, by a phrase of its measurement and its baseline.
ROWS = [
    ("SQLite append", "one event per transaction", "raw sqlite3"),
    ("SQLite append", "one event per transaction", "eventsourcing"),
    ("SQLite append", "batches of", "raw sqlite3 executemany"),
    ("SQLite append", "batches of", "eventsourcing"),
    ("Peak memory", "partnerships", "the same at"),
    ("SQLite load and fold", "no snapshot", "json.loads"),
    ("SQLite load and fold", "from a snapshot", "json.loads"),
    ("alliance.to_data", "events", "msgspec.to_builtins"),
    ("alliance.dumps", "events", "msgspec.json.encode"),
    ("alliance.from_data", "events", "msgspec.convert"),
    ("alliance.loads", "events", "msgspec.json.decode"),
    ("PostgreSQL append", "one event per transaction", "raw psycopg"),
    ("PostgreSQL append", "batches", "raw psycopg executemany"),
    ("PostgreSQL append", "batches", "COPY"),
    ("PostgreSQL load and fold", "whole timeline", "json.loads"),
    ("PostgreSQL load and fold", "snapshot", "json.loads"),
]


@pytest.mark.slow
def test_the_harness_prints_every_row(tmp_path: Path) -> None:
    tiny = [
        "--quick", "--quiet", "--postgres", "off",
        "--partnerships", "4", "--events-per-partnership", "12", "--batch", "5",
        "--load-events", "40", "--serialize-events", "60", "--repeat", "1",
        "--workdir", str(tmp_path), "--json", str(tmp_path / "results.json"),
    ]  # fmt: skip
    _output, header, table = run_table(RUN, *tiny, rows=len(ROWS))
    assert "target" in header
    for cells, (measurement, detail, baseline) in zip(table, ROWS, strict=True):
        line = " | ".join(cells)
        _number, what, base_name, ours, base, ratio, target, memory = cells
        assert measurement in what, line
        assert detail in what, line
        assert baseline in base_name, line
        if measurement.startswith("PostgreSQL"):  # not run: --postgres off
            assert "not run" in what, line
            continue
        assert ours != "n/a", line
        assert base != "n/a", line
        assert ratio.endswith("x"), line
        assert target.startswith("<=") or target == "information", line
        assert "/" in memory, line
    assert (tmp_path / "results.json").is_file()
