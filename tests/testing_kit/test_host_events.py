"""The host's own events of tests/host_events, run in a pytest of their own (their types
are registered for the whole process once defined)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_the_host_events_package_passes() -> None:
    env = {**os.environ, "ALLIANCE_HOST_EVENTS": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(TESTS / "host_events"),
        ],
        cwd=TESTS.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    assert "skipped" not in result.stdout or os.environ.get("ALLIANCE_REQUIRE_POSTGRES") != "1"
