"""The encryption benchmark runs and prints its whole table (a correctness check only).

It times nothing and asserts no figure: it runs ``benchmarks/encryption.py --quick`` as a
subprocess, which itself fails when the two sides' progress reports differ.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "encryption.py"


def test_the_encryption_benchmark_prints_every_row() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "encryption at rest on SQLite: medians of 3 rounds"
    rows = lines[2:]
    assert [r.split()[0] for r in rows] == ["append", "load", "the", "clinic-wide"]
    assert all(r.split()[-1].replace(".", "", 1).isdigit() for r in rows)  # a ratio each
