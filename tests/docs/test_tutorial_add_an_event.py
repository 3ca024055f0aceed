"""The tutorial "add your clinic's own event" runs as written.

Each python block of docs/tutorial-add-an-event.md whose first line names a file is
written to that file in a fresh project, and pytest runs the project in a process of its
own (defining event types registers them for the whole process): every test the
tutorial shows must pass, and the count it announces must be right.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_tutorial import announced_test_count, tutorial_files

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial-add-an-event.md"

pytest_plugins = ["pytester"]


@pytest.mark.slow
def test_the_tutorial_project_passes(pytester: pytest.Pytester) -> None:
    markdown = TUTORIAL.read_text(encoding="utf-8")
    files = tutorial_files(markdown)
    assert set(files) == {"clinic_events.py", "test_clinic_events.py"}
    for name, text in files.items():
        (pytester.path / name).write_text(text, encoding="utf-8")
    shown = len(
        re.findall(r"^def test_|^Test\w+ = \w+\.TestCase$", files["test_clinic_events.py"], re.M)
    )
    assert shown == announced_test_count(markdown)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=shown)
