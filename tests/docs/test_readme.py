"""The README's quickstart runs as written and prints what it says it prints."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, flags=re.DOTALL)


def test_the_quickstart_runs_as_written() -> None:
    blocks = _python_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 2, "the README should hold the quickstart and the bad-input example"
    quickstart = blocks[0]
    assert len(quickstart.strip().splitlines()) <= 25, "keep the quickstart about 20 lines"

    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(quickstart, "README quickstart", "exec"), namespace)
    status, payload = out.getvalue().strip().splitlines()
    assert status == "active"
    data = json.loads(payload)
    assert data["type"] == "ProgressRecorded"
    assert data["value"] == 3
    assert data["occurred_at"] == "2025-03-05T09:00:00+00:00"

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(blocks[1], "README bad input", "exec"), namespace)
    assert re.fullmatch(r"goal_id: 'ana' has already agreed to goal '\w+'\n", out.getvalue())


def test_the_readme_shows_the_two_fresh_machine_commands_at_the_top() -> None:
    top = README.read_text(encoding="utf-8")[:600]
    assert ".venv/bin/alliance demo" in top
    assert ".venv/bin/python -m pytest" in top


def test_ci_runs_the_readmes_test_command() -> None:
    readme = README.read_text(encoding="utf-8")
    command = next(
        line for line in readme.splitlines() if line.endswith(".venv/bin/python -m pytest")
    )
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci.splitlines()
