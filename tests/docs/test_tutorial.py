"""The tutorial "property-test your clinic's own rule" runs as written.

Each code block of docs/tutorial-property-test-a-rule.md whose first line is a comment
naming a file (``# clinic_rules.py``) is written to that file in a fresh project, and
pytest runs the project: every test the tutorial shows must pass, and the count of tests
the tutorial announces must be right.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial-property-test-a-rule.md"

pytest_plugins = ["pytester"]

_BLOCK = re.compile(r"```(\w+)\n(.*?)```", flags=re.DOTALL)
_FILE_LINE = re.compile(r"#\s*(\S+\.(?:py|toml))\s*\n")


def tutorial_files(markdown: str) -> dict[str, str]:
    """The project's files, by name: the python and TOML blocks, in order."""
    files: dict[str, str] = {}
    for language, body in _BLOCK.findall(markdown):
        if language not in ("python", "toml"):
            continue
        named = _FILE_LINE.match(body)
        assert named, f"a {language} block does not start with '# <file name>':\n{body[:200]}"
        files[named.group(1)] = files.get(named.group(1), "") + body
    return files


def announced_test_count(markdown: str) -> int:
    found = re.search(r"pytest -q\s+#\s*(\d+) tests", markdown)
    assert found, "the tutorial should say how many tests `pytest -q` runs"
    return int(found.group(1))


@pytest.mark.slow
def test_the_tutorial_project_passes(pytester: pytest.Pytester) -> None:
    markdown = TUTORIAL.read_text(encoding="utf-8")
    files = tutorial_files(markdown)
    assert {
        "clinic_rules.py",
        "clinic-rules.toml",
        "test_clinic_rules.py",
        "test_clinic_rules_properties.py",
        "test_clinic_partnerships.py",
    } <= set(files)
    for name, text in files.items():
        (pytester.path / name).write_text(text, encoding="utf-8")
    shown = sum(
        len(re.findall(r"^def test_|^Test\w+ = \w+\.TestCase$", text, flags=re.MULTILINE))
        for name, text in files.items()
        if name.startswith("test_")
    )
    assert shown == announced_test_count(markdown)

    result = pytester.runpytest("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=shown)


def test_every_python_block_is_part_of_the_project() -> None:
    markdown = TUTORIAL.read_text(encoding="utf-8")
    python_blocks = [body for language, body in _BLOCK.findall(markdown) if language == "python"]
    assert len(python_blocks) >= 4
    assert all(_FILE_LINE.match(body) for body in python_blocks)
