"""Report renderers: CSV, JSON, Markdown, the HTML family report and the charts."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import alliance as al
from alliance.demo import sample_partnership, sample_people
from alliance.reports import render


@pytest.fixture(scope="module")
def state() -> al.PartnershipState:
    return sample_partnership().state


def test_csv_has_one_flat_line_per_goal(state: al.PartnershipState) -> None:
    rows = [al.reports.goal_progress(state, goal_id) for goal_id in state.goals]
    text = render.to_csv(rows)
    records = list(csv.DictReader(io.StringIO(text)))
    assert [r["goal_id"] for r in records] == ["g-requests", "g-dressing"]
    first = records[0]
    assert first["partnership_id"] == "p-sam"
    assert first["latest"] == "10.0"
    assert first["outlook"] == "reached"
    assert first["observations_by_setting_clinic"] == "15"
    assert first["observations_by_setting_school"] == "4"
    assert float(first["trend_slope_per_week"]) == pytest.approx(
        rows[0].trend.slope_per_week  # type: ignore[union-attr]
    )
    assert records[1]["mastery"] == ""  # no criterion: None is an empty cell
    assert render.to_csv([]) == ""


def test_json_keeps_the_structure(state: al.PartnershipState) -> None:
    data = json.loads(render.to_json([al.reports.gas_for(state)]))
    assert data[0]["t_score"] == 50.0
    assert data[0]["baseline_t_score"] == 40.0
    assert data[0]["goals"] == [
        {"goal_id": "g-requests", "weight": 1.0, "baseline_level": -1, "level": 0}
    ]


def test_markdown_table(state: al.PartnershipState) -> None:
    text = render.to_markdown([al.reports.partnership_health(state)], title="Health")
    lines = text.splitlines()
    assert lines[0] == "# Health"
    header = [c.strip() for c in lines[2].strip("|").split("|")]
    assert "check_in_adherence" in header
    assert "from" in header  # the from_ field, without its trailing underscore
    assert lines[3].startswith("|---")
    values = dict(zip(header, [c.strip() for c in lines[4].strip("|").split("|")], strict=True))
    assert values["check_in_adherence"] == "0.25"
    assert values["feedback_open_now"] == "1"
    assert render.to_markdown([]) == "No rows.\n"


def test_flat_record_of_a_gas_row_lists_missing_goals() -> None:
    row = al.reports.GasRow(
        partnership_id="p",
        child_id="c",
        period=al.reports.Period(),
        goals=(al.reports.GasGoal(goal_id="g-1", weight=1, baseline_level=None, level=None),),
        rated=0,
        missing=("g-1", "g-2"),
        t_score=None,
        baseline_t_score=None,
        change=None,
    )
    record = render.flat_record(row)
    assert record["missing"] == "g-1 g-2"
    assert record["period_start"] is None
    assert "goals" not in record


def test_family_report_has_plain_words_and_a_chart_per_goal(state: al.PartnershipState) -> None:
    page = render.family_report_html([state], names={"sam": "Sam"})
    assert page.startswith("<!DOCTYPE html>")
    assert "<h2><bdi>Sam</bdi></h2>" in page
    assert "The team has agreed this goal is achieved. Well done, Sam!" in page
    assert "Where we measured: 15 times at the clinic and 4 times at school." in page
    for goal_id in state.goals:
        assert f'<figure class="goal-chart" data-goal-id="{goal_id}">' in page
    assert len(re.findall(r'<svg [^>]*role="img"', page)) == len(state.goals), "inline SVG"
    assert "data:image" not in page
    resources = page.replace('xmlns="http://www.w3.org/2000/svg"', "")  # a name, not a link
    assert "http://" not in resources
    assert "https://" not in resources  # self-contained


def test_family_report_without_charts_does_not_import_matplotlib() -> None:
    code = (
        "import sys\n"
        "from alliance.demo import sample_partnership\n"
        "from alliance.reports import render\n"
        "page = render.family_report_html([sample_partnership().state], charts=False)\n"
        "assert '<figure' not in page\n"
        "render.to_csv([]); render.to_markdown([])\n"
        "import alliance.cli\n"
        "print('matplotlib' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_describe_progress_in_plain_words(state: al.PartnershipState) -> None:
    end = state.formed_at.add(days=60).date()
    row = al.reports.goal_progress(state, "g-dressing", period=al.reports.Period(end=end))
    sentences = render.describe_progress(row, "Sam")
    assert sentences == [
        "Sam is 15% of the way there. At the current pace Sam should get there around "
        "May 27, 2025, before the date we aimed for (June 30, 2025).",
        "Where we measured: 7 times at home.",
    ]
    assert render.describe_progress(row, "Sam", language_tag="es") == [
        "Sam ya ha recorrido el 15\u00a0% del camino. A este ritmo, Sam debería llegar hacia el "
        "27 de mayo de 2025, antes de la fecha que nos propusimos (30 de junio de 2025).",
        "Dónde medimos: 7 veces en casa.",
    ]


def test_charts_as_png_and_svg(state: al.PartnershipState, tmp_path: Path) -> None:
    charts = pytest.importorskip("alliance.reports.charts")
    png = charts.progress_chart(state, "g-requests", fmt="png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = charts.progress_chart(state, "g-dressing", fmt="svg")
    assert b"<svg" in svg
    assert svg == charts.progress_chart(state, "g-dressing", fmt="svg")  # deterministic
    saved = charts.save_progress_chart(state, "g-requests", tmp_path / "requests.svg")
    assert saved.read_bytes().lstrip().startswith(b"<?xml")
    with pytest.raises(al.ValidationError, match="fmt"):
        charts.progress_chart(state, "g-requests", fmt="gif")
    with pytest.raises(al.UnknownRecordError):
        charts.progress_chart(state, "nope")


def test_family_view_leaves_out_setbacks_for_professionals_only() -> None:
    p = sample_partnership()
    p.record(
        al.events.SetbackReported(
            setback_id="sb-private",
            kind=al.model.SetbackKind.OTHER,
            severity=al.model.Severity.MINOR,
            description="A clinical note for the team",
            affected_goals=frozenset({"g-requests"}),
            audience=al.model.Audience(scope=al.model.AudienceScope.PROFESSIONALS),
            actor="ana",
            occurred_at=p.state.last_event_at.add(hours=1),
        )
    )
    view = render.family_view(p.state)
    assert "sb-private" not in view.setbacks
    assert "sb-illness" in view.setbacks
    assert "sb-private" in p.state.setbacks  # the state itself is untouched
    assert "sb-private" not in render.family_view(p.state, "maria").setbacks
    assert "sb-private" in render.family_view(p.state, "ana").setbacks


def _private_observation(p: al.Partnership) -> None:
    p.record(
        al.events.ProgressRecorded(
            observation_id="o-private",
            goal_id="g-dressing",
            setting=al.model.Setting.CLINIC,
            kind=al.model.ObservationKind.PROBE,
            value=987.5,
            audience=al.model.Audience.professionals(),
            actor="ana",
            occurred_at=p.state.last_event_at.add(hours=1),
        )
    )


def test_family_view_leaves_out_observations_for_professionals_only() -> None:
    p = sample_partnership()
    _private_observation(p)
    assert "o-private" not in render.family_view(p.state).observations
    assert "o-private" not in render.family_view(p.state, "maria").observations
    assert "o-private" in render.family_view(p.state, "ana").observations
    assert "o-private" in p.state.observations


def test_family_report_for_a_viewer_is_built_from_their_view() -> None:
    p = sample_partnership()
    _private_observation(p)
    for_maria = render.family_report_html([p.state], charts=False, viewer="maria")
    for_ana = render.family_report_html([p.state], charts=False, viewer="ana")
    assert "987.5" not in for_maria
    assert "<dd>987.5 on " in for_ana
    assert "987.5" not in render.family_report_html([p.state], charts=False)
    assert for_maria.replace(">You: ", ">A carer: ").replace(
        " (you)<", "<"
    ) == render.family_report_html([al.as_seen_by(p.state, "maria")], charts=False)
    with pytest.raises(al.NotAMemberError):
        render.family_report_html([p.state], charts=False, viewer="stranger")


def test_family_report_names_people_through_display_name() -> None:
    state = sample_partnership().state
    people = dict(sample_people())
    page = render.family_report_html(
        [state], charts=False, viewer="maria", people=people, language="en"
    )
    assert "<h2><bdi>Sam</bdi></h2>" in page
    assert "Working together: " in page
    for name in ("Maria", "David", "Ana (speech and language therapist)"):
        assert html.escape(name) in page
    # Redacted people, and people without a record, show the placeholder.
    people["sam"] = al.model.redact(people["sam"])  # type: ignore[arg-type]
    people["maria"] = al.model.redact(people["maria"])  # type: ignore[arg-type]
    del people["david"]
    page = render.family_report_html(
        [state], charts=False, viewer="maria", people=people, language="en"
    )
    assert "<h2><bdi>[name withheld]</bdi></h2>" in page
    assert "Well done, [name withheld]!" in page
    assert "Sam" not in page.split("<h2>", 1)[1].split("<h3", 1)[0], "no name before the goals"
    team = next(line for line in page.splitlines() if "Working together" in line)
    assert "Maria" not in team
    assert "David" not in team
    assert "you" in team, "the viewer is 'you'"
    assert team.count("[name withheld]") == 1
    assert html.escape("Ana (speech and language therapist)") in team
    # Without people records, members are not named (as before).
    assert "Working together" not in render.family_report_html([state], charts=False)
