"""``NO_COLOR`` (https://no-color.org): set to a non-empty value, the CLI's output has
no ANSI colour codes, even in a terminal (where the progress bar is drawn)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("rich", reason="needs the cli extra: pip install 'alliance[cli]'")
pty = pytest.importorskip("pty", reason="needs a POSIX pseudo-terminal")

SRC = Path(__file__).resolve().parents[2] / "src"
# SGR sequences that set a colour: 30-37, 39, 40-47, 49, 90-97, 100-107, 38;…, 48;…
COLOUR = re.compile(rb"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


def _in_a_terminal(argv: list[str], no_color: str | None) -> bytes:
    """Everything ``python -m alliance *argv*`` writes to a pseudo-terminal."""
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    env.update(PYTHONPATH=str(SRC), COLUMNS="100", TERM="xterm-256color")
    if no_color is not None:
        env["NO_COLOR"] = no_color
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "alliance", *argv],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    out = bytearray()
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        out.extend(chunk)
    os.close(primary)
    assert process.wait(timeout=60) == 0, out.decode(errors="replace")
    return bytes(out)


def test_no_color_removes_every_colour_code(tmp_path: Path) -> None:
    demo = ["demo", "--store", f"sqlite:///{tmp_path / 'a.db'}", "--partnerships", "2"]
    coloured = _in_a_terminal(demo, None)
    assert COLOUR.search(coloured), "the progress bar should be coloured by default"
    plain = _in_a_terminal(
        ["demo", "--store", f"sqlite:///{tmp_path / 'b.db'}", "--partnerships", "2"], "1"
    )
    assert "Stored 3 partnership(s)" in plain.decode()
    assert not COLOUR.search(plain)
    for argv in (
        ["report", "progress", "--store", f"sqlite:///{tmp_path / 'b.db'}", "--format", "csv"],
        ["check", "--store", f"sqlite:///{tmp_path / 'b.db'}", "--at", "2025-04-01"],
    ):
        assert not COLOUR.search(_in_a_terminal(argv, "yes"))


def test_an_empty_no_color_is_ignored(tmp_path: Path) -> None:
    demo = ["demo", "--store", f"sqlite:///{tmp_path / 'a.db'}", "--partnerships", "2"]
    assert COLOUR.search(_in_a_terminal(demo, ""))
