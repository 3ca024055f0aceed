"""The reading commands never create a store: a SQLite file that does not exist is an
error naming its absolute path; URL options reach the store or are refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance.cli import main

READING = [["report", "progress"], ["report", "gas"], ["report", "health"], ["check"]]


@pytest.mark.parametrize("command", READING)
def test_a_missing_sqlite_file_is_an_error_and_nothing_is_created(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*command, "--store", "sqlite:///data/x.db"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"no database file at {tmp_path / 'data' / 'x.db'}" in captured.err
    assert list(tmp_path.iterdir()) == []


def test_the_default_store_is_not_created_by_a_report_either(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ALLIANCE_STORE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["report", "health"]) == 1
    assert f"no database file at {tmp_path / 'alliance' / 'alliance.db'}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_reading_commands_honour_the_urls_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    assert main(["demo", "--store", url, "--partnerships", "1"]) == 0
    capsys.readouterr()
    assert main(["report", "health", "--store", url, "--format", "csv"]) == 0
    rows = capsys.readouterr().out
    assert main(["report", "health", "--store", f"{url}?mode=ro", "--format", "csv"]) == 0
    assert capsys.readouterr().out == rows
    assert main(["check", "--store", f"{url}?mode=ro", "--at", "2025-04-01"]) == 0
    assert "check-in-cadence" in capsys.readouterr().out
    # An explicit mode=rwc is the user's choice: the report may create the file.
    assert main(["report", "health", "--store", f"sqlite:///{tmp_path / 'new.db'}?mode=rwc"]) == 0
    assert "No rows." in capsys.readouterr().out
    assert (tmp_path / "new.db").exists()


def test_demo_still_creates_the_store_it_fills(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["demo", "--store", f"sqlite:///{tmp_path / 'a' / 'b.db'}", "--partnerships", "1"])
        == 0
    )
    assert "Stored 2 partnership(s)" in capsys.readouterr().out
    assert (tmp_path / "a" / "b.db").exists()


@pytest.mark.parametrize("command", [*READING, ["demo"]])
def test_an_option_a_sqlite_url_does_not_take_is_refused_by_name(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}?journal=off"
    assert main([*command, "--store", url]) == 1
    assert "unknown option 'journal' in " in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
