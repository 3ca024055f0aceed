"""The encryption benchmark runs and prints its whole table (a correctness check only).

It times nothing and asserts no figure: it runs ``benchmarks/encryption.py --quick`` as a
subprocess, which itself fails when the two sides' progress reports differ.
"""

from __future__ import annotations

from pathlib import Path

from benchmark_table import run_table

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "encryption.py"


def test_the_encryption_benchmark_prints_every_row() -> None:
    out, header, rows = run_table(SCRIPT, "--quick", rows=4)
    assert out.startswith("encryption at rest on SQLite: medians of 3 rounds")
    assert header == "| measurement | plain | encrypted | ratio |"
    assert [r[0].split()[0] for r in rows] == ["append", "load", "the", "clinic-wide"]
    assert all(float(r[3]) > 0 for r in rows)  # a ratio each
