"""Progress bars on long CLI work: on stderr, only for a terminal, never on stdout."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance import cli
from alliance.cli import main

pytest.importorskip("rich", reason="needs the cli extra: pip install 'alliance[cli]'")


def _outputs(url: str, capsys: pytest.CaptureFixture[str], *extra: str) -> list[str]:
    found = []
    for argv in (
        ["demo", "--store", url, "--seed", "3", "--partnerships", "3"],
        ["report", "progress", "--store", url, "--format", "csv"],
        ["report", "health", "--store", url, "--format", "md"],
        ["check", "--store", url, "--at", "2025-06-01"],
    ):
        assert main([*argv, *extra]) == 0
        found.append(capsys.readouterr().out)
    return found


def test_bars_leave_stdout_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = _outputs(f"sqlite:///{tmp_path / 'a.db'}", capsys, "--quiet")
    advanced: list[int] = []
    real = cli._progress

    def spy(description: str, total: int | None, *, quiet: bool):  # type: ignore[no-untyped-def]
        context = real(description, total, quiet=quiet)

        class Wrapped:
            def __enter__(self):  # type: ignore[no-untyped-def]
                advance = context.__enter__()

                def counted(n: int) -> None:
                    advanced.append(n)
                    advance(n)

                return counted

            def __exit__(self, *exc: object) -> None:
                context.__exit__(*exc)

        return Wrapped()

    monkeypatch.setattr(cli, "_interactive", lambda: True)
    monkeypatch.setattr(cli, "_progress", spy)
    shown = _outputs(f"sqlite:///{tmp_path / 'b.db'}", capsys)
    assert shown[1:] == quiet[1:]
    assert shown[0].replace("b.db", "a.db") == quiet[0]
    assert sum(advanced) >= 4 + 4 + 4 + 4  # every partnership counted by each command


def test_bars_are_off_when_quiet_or_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    with cli._progress("x", 3, quiet=False) as advance:  # pytest's stderr: not a terminal
        assert advance is cli._no_progress
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    with cli._progress("x", 3, quiet=True) as advance:
        assert advance is cli._no_progress
    with cli._progress("x", 3, quiet=False) as advance:
        assert advance is not cli._no_progress
        advance(3)
