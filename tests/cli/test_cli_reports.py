"""``alliance demo --store``, ``alliance report`` and ``alliance check``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import alliance as al
from alliance.cli import main
from alliance.synthetic import synthetic_clinic


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    assert main(["demo", "--store", url, "--seed", "7", "--partnerships", "4"]) == 0
    capsys.readouterr()
    return url


def test_demo_fills_a_store_and_is_repeatable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--store", url, "--partnerships", "3"]) == 0
    out = capsys.readouterr().out
    assert "Sam's partnership (p-sam) is active" in out  # the summary is still printed
    assert "Stored 4 partnership(s)" in out
    store = al.open_store(url, clinic_id="riverside-clinic")
    ids = [s.partnership_id for s in store.find_partnerships()]
    assert ids == ["p-00001", "p-00002", "p-00003", "p-sam"]
    store.close()
    assert main(["demo", "--store", url, "--partnerships", "3"]) == 0
    assert "4 already there, left as they were" in capsys.readouterr().out


def test_demo_without_a_store_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ALLIANCE_STORE_URL", f"sqlite:///{tmp_path / 'default.db'}")
    assert main(["demo"]) == 0
    assert "Stored" not in capsys.readouterr().out
    assert not (tmp_path / "default.db").exists()
    assert main(["demo", "--save", "--partnerships", "1"]) == 0
    assert "Stored 2 partnership(s)" in capsys.readouterr().out
    assert (tmp_path / "default.db").exists()


def test_synthetic_clinic_is_deterministic() -> None:
    first = [al.dumps(e) for p in synthetic_clinic(seed=5, partnerships=3) for e in p.events]
    again = [al.dumps(e) for p in synthetic_clinic(seed=5, partnerships=3) for e in p.events]
    other = [al.dumps(e) for p in synthetic_clinic(seed=6, partnerships=3) for e in p.events]
    assert first == again
    assert first != other


def test_report_progress_csv_with_filters(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "progress", "--store", db, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {"g-requests", "g-dressing"} <= {r["goal_id"] for r in rows}
    assert len({r["partnership_id"] for r in rows}) == 5
    assert (
        main(
            [
                "report",
                "progress",
                "--store",
                db,
                "--format",
                "csv",
                "--member",
                "maria",
                "--domain",
                "self-care",
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["goal_id"] for r in rows] == ["g-dressing"]


def test_report_gas_json_and_health_markdown(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "gas", "--store", db, "--format", "json", "--member", "maria"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["partnership_id"] == "p-sam"
    assert data[0]["t_score"] == 50.0
    assert main(["report", "health", "--store", db, "--format", "md", "--to", "2025-03-31"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Health report: clinic riverside-clinic")
    assert "| p-sam |" in out


def test_report_gas_per_month(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", "gas", "--store", db, "--format", "csv", "--member", "maria"]
    assert main([*args, "--from", "2025-01-01", "--to", "2025-04-30", "--every", "month"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["period_start"] for r in rows] == [
        "2025-01-01",
        "2025-02-01",
        "2025-03-01",
        "2025-04-01",
    ]
    assert rows[0]["t_score"] == "40.0"  # rated -1 in January
    assert rows[-1]["t_score"] == "50.0"
    with pytest.raises(SystemExit) as exit_info:
        main([*args, "--every", "month"])
    assert exit_info.value.code == 2
    assert "--every needs both --from and --to" in capsys.readouterr().err


def test_report_html_has_a_chart_per_goal(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "progress.html"
    assert main(["report", "progress", "--store", db, "--format", "html", "-o", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    goals = [
        r.goal_id for r in al.reports.select_goals(al.open_store(db, clinic_id="riverside-clinic"))
    ]
    for goal_id in goals:
        assert f'<figure class="goal-chart" data-goal-id="{goal_id}">' in text
    assert main(["report", "gas", "--store", db, "--format", "html"]) == 0
    assert "<table>" in capsys.readouterr().out


def test_report_errors(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "gas", "--store", db, "--from", "2025-02-01", "--to", "2025-01-01"])
    assert exit_info.value.code == 2
    assert "ends (2025-01-01) before it starts" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "gas", "--from", "yesterday"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "bogus"])
    assert exit_info.value.code == 2
    assert main(["report", "gas", "--store", "nope://x"]) == 1
    assert "no storage backend" in capsys.readouterr().err


def test_check_prints_findings_and_fails_on_severity(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["check", "--store", db, "--at", "2025-04-01"]) == 0
    captured = capsys.readouterr()
    assert "check-in-cadence" in captured.out
    assert "finding(s) as of 2025-04-01" in captured.err
    assert main(["check", "--store", db, "--at", "2025-04-01", "--fail-on", "warning"]) == 3
    capsys.readouterr()
    assert main(["check", "--store", "memory://", "--fail-on", "info"]) == 0
    assert "0 finding(s)" in capsys.readouterr().err
    assert main(["check", "--store", db, "--rules", str(tmp_path / "missing.toml")]) == 1


def test_report_for_a_viewer_and_the_coaching_reports(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ms Okafor, the sample's teacher, sees only the goal the family shared with the school.
    assert main(["report", "progress", "--store", db, "--format", "csv", "--viewer", "okafor"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["partnership_id"], r["goal_id"]) for r in rows] == [("p-sam", "g-requests")]
    assert main(["report", "progress", "--store", db, "--format", "csv", "--viewer", "ana"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["goal_id"] for r in rows} == {"g-requests", "g-dressing"}
    assert main(["report", "coaching", "--store", db, "--format", "json", "--viewer", "maria"]) == 0
    coaching = json.loads(capsys.readouterr().out)
    assert {(r["strategy_id"], r["carer"]) for r in coaching} == {
        ("s-choices", "maria"),
        ("s-choices", "david"),
    }
    assert main(["report", "learning", "--store", db, "--format", "csv", "--member", "maria"]) == 0
    learning = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["carer"]: r["coaching_sessions"] for r in learning} == {"maria": "2", "david": "2"}
    assert main(["report", "health", "--store", db, "--format", "md", "--viewer", "nobody"]) == 0
    assert "No rows." in capsys.readouterr().out
