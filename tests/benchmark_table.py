"""``run_table(script, *args, rows=n)``: run a benchmark script as a subprocess and give
its output, its table's header and the cells of its rows (for the benchmarks' smoke
tests, which time nothing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_table(script: Path, *args: str, rows: int) -> tuple[str, str, list[list[str]]]:
    """What ``script`` printed, its table's header line and the cells of each row, after
    checking that it exited 0, that the header has a ratio column and that the table has
    ``rows`` rows."""
    done = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    table = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    header, body = table[0], table[1:]
    assert "ratio" in header, header
    assert len(body) == rows, done.stdout
    return (
        done.stdout,
        header,
        [[cell.strip() for cell in line.strip("|").split("|")] for line in body],
    )
