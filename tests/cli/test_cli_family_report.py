"""``alliance report progress --format html`` in the family's language, naming people from
``--people`` (``alliance demo --people`` writes the sample's), and ``alliance check
--language``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance.cli import main


@pytest.fixture
def clinic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, Path]:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    people = tmp_path / "people.json"
    assert main(["demo", "--store", url, "--partnerships", "1", "--people", str(people)]) == 0
    assert f"Wrote the sample's people to {people}" in capsys.readouterr().err
    return url, people


def test_demo_writes_the_sample_people(clinic: tuple[str, Path]) -> None:
    data = json.loads(clinic[1].read_text("utf-8"))
    assert sorted(data) == ["carers", "children", "professionals"]
    assert [c["id"] for c in data["children"]] == ["sam"]
    assert {c["id"]: c["preferences"]["language"] for c in data["carers"]} == {
        "maria": "es",
        "david": "en",
    }


def test_the_report_for_maria_is_in_spanish_with_names(
    clinic: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, people = clinic
    page = tmp_path / "maria.html"
    args = ["report", "progress", "--store", url, "--format", "html", "--no-charts"]
    args += ["--viewer", "maria", "--people", str(people), "-o", str(page)]
    assert main([*args, "--written-in", "en"]) == 0
    text = page.read_text("utf-8")
    assert '<html lang="es" dir="ltr">' in text
    assert "<h2><bdi>Sam</bdi></h2>" in text, "the child's name, not its id"
    assert "Trabajamos juntos: " in text
    assert "usted" in text, "Maria is 'you'"
    assert "note:" not in capsys.readouterr().err


def test_a_language_without_a_catalog_is_noted_for_the_clinic(
    clinic: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _people = clinic
    page = tmp_path / "pt.html"
    args = ["report", "progress", "--store", url, "--format", "html", "--no-charts"]
    assert main([*args, "--language", "pt-BR", "-o", str(page)]) == 0
    assert "note: no catalog for language 'pt-BR'" in capsys.readouterr().err
    assert '<html lang="en"' in page.read_text("utf-8")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "--people"),
        ('{"pets": []}', "'children', 'carers', 'professionals'"),
        ('{"carers": {}}', "'carers' must be a list"),
        ('{"carers": [{"id": "maria"}]}', "carers[0]"),
        (
            '{"carers": [{"id": "m", "name": "M"}], "children": [{"id": "m", "name": "M"}]}',
            "id 'm' twice",
        ),
    ],
)
def test_a_bad_people_file_is_a_usage_error_naming_the_record(
    clinic: tuple[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    expected: str,
) -> None:
    url, _people = clinic
    bad = tmp_path / "bad.json"
    bad.write_text(content, "utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["report", "progress", "--store", url, "--format", "html", "--people", str(bad)])
    assert exit_.value.code == 2
    assert expected in capsys.readouterr().err


def test_check_writes_findings_in_the_language_asked_for(
    clinic: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _people = clinic
    assert main(["check", "--store", url, "--at", "2025-06-15"]) == 0
    english = capsys.readouterr().out
    assert main(["check", "--store", url, "--at", "2025-06-15", "--language", "es"]) == 0
    spanish = capsys.readouterr().out
    assert "The last check-in was on February 15, 2025" in english
    assert "El último encuentro fue el 15 de febrero de 2025" in spanish
    assert len(english.splitlines()) == len(spanish.splitlines())
    assert main(["check", "--store", url, "--at", "2025-06-15", "--language", "pt"]) == 0
    assert "note: no catalog for language 'pt'" in capsys.readouterr().err
