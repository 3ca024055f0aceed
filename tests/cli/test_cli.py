"""The ``alliance`` command."""

from __future__ import annotations

import subprocess
import sys

import pytest

import alliance as al
from alliance.cli import main
from alliance.demo import goal_summary, sample_partnership, sample_people


def test_demo_prints_where_each_goal_stands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Sam's partnership (p-sam) is active" in out
    assert "* Sam asks for what he wants with two-word phrases  [communication]" in out
    assert "status: achieved (FHIR completed / achieved)" in out
    assert "status: active, version 2 (FHIR active / improving)" in out
    assert "setback: illness, moderate, with a response plan, resolved" in out
    assert "Open feedback loops: 1" in out


def test_demo_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "alliance", "demo"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "events in the timeline" in result.stdout


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["nonsense"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_demo_names_each_members_part_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    members = next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("Members: ")
    )
    assert members == (
        "Members: Ana (speech and language therapist), Maria (parent), David (parent), "
        "Ms Okafor (reception teacher)"
    )


def test_the_summary_gives_the_part_of_a_member_whose_name_does_not_say_it() -> None:
    people = {**sample_people(), "ana": al.Professional(id="ana", name="Ana Ruiz")}
    people.pop("david")
    summary = goal_summary(sample_partnership().state, people)
    assert summary.splitlines()[1] == (
        "Members: Ana Ruiz (speech-language), Maria (parent), david (parent), "
        "Ms Okafor (reception teacher)"
    )
