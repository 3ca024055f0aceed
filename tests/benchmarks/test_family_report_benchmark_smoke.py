"""The family report benchmark runs and prints its whole table (a correctness check only).

It times nothing and asserts no figure: it runs ``benchmarks/family_report.py`` on a tiny
clinic (the sample and one synthetic partnership), one round, as a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "family_report.py"


def test_the_family_report_benchmark_prints_both_paths() -> None:
    pytest.importorskip("matplotlib")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--rounds", "1", "--partnerships", "1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("whole-clinic family report: 2 partnerships, ")
    assert lines[2].startswith("matplotlib PNG")
    assert lines[3].startswith("inline SVG")
    assert lines[4].startswith("speed: PNG / inline = ")
    assert lines[5].startswith("size: inline / PNG = ")
