"""The library's own inline SVG progress chart: what it shows (goal_chart), and how it
draws it (svg_chart): accessible, translated, escaped, contrasted, small, and sound on
every generated state."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings

import alliance as al
from alliance.demo import sample_partnership
from alliance.measures.mastery import Phase
from alliance.model.partnership import Setting
from alliance.reports import Period
from alliance.reports._chart_data import ChartCelebration, ChartPoint, GoalChart, goal_chart
from alliance.reports._svg import COLOURS, SHAPES, WIDTH, svg_chart
from alliance.testing import strategies as s
from team import story, target

SVG = "{http://www.w3.org/2000/svg}"
MARK = "»"  # what the test's translation puts before every message


def translate(message: str) -> str:
    return MARK + message


def plural(singular: str, plural_: str, n: int) -> str:
    return MARK + (singular if n == 1 else plural_)


def draw(chart: GoalChart, chart_id: str = "chart-1") -> tuple[str, ET.Element]:
    """The chart drawn with marked translations and formats, and parsed (as XML)."""
    text = svg_chart(
        chart,
        _=translate,
        ngettext=plural,
        format_date=lambda day: "@" + day.isoformat(),
        format_number=lambda value: f"#{value:g}",
        chart_id=chart_id,
    )
    return text, ET.fromstring(text)


def texts(root: ET.Element) -> Iterator[str]:
    """Every text node a person can see or hear: title, desc and each <text>."""
    for element in root.iter():
        if element.tag in (f"{SVG}title", f"{SVG}desc", f"{SVG}text"):
            yield "".join(element.itertext())


def marks(root: ET.Element, setting: Setting) -> list[ET.Element]:
    """The measurement marks of *setting*."""
    groups = root.findall(f".//{SVG}g[@class='points {setting.value}']")
    return [use for g in groups for use in g.findall(f"{SVG}use")]


def all_marks(root: ET.Element) -> list[ET.Element]:
    return [m for setting in Setting for m in marks(root, setting)]


def stars(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{SVG}g[@class='celebrations']/{SVG}use")


def lines(root: ET.Element, kind: str) -> list[ET.Element]:
    return root.findall(f".//{SVG}line[@class='{kind}']")


def chart_of(**overrides: object) -> GoalChart:
    """A chart built by hand: requests per day from 2 to 10, due at the end of June 2025."""
    fields: dict[str, object] = {
        "goal_id": "g1",
        "statement": "Sam asks for snacks",
        "metric": "requests",
        "unit": "per day",
        "direction": al.model.Direction.INCREASE,
        "baseline": 2,
        "target": 10,
        "due": pendulum.date(2025, 6, 30),
    }
    fields.update(overrides)
    return GoalChart(**fields)  # type: ignore[arg-type]


def point(day: int, value: float, setting: Setting = Setting.CLINIC) -> ChartPoint:
    at = pendulum.datetime(2025, 1, day, 15, tz="Europe/London")
    return ChartPoint(day=at.date(), at=at, value=value, setting=setting, observation_id=f"o{day}")


@pytest.fixture(scope="module")
def state() -> al.PartnershipState:
    return sample_partnership().state


@pytest.fixture(scope="module")
def phased() -> al.PartnershipState:
    """Goal g1 with a criterion (at least 5 in 2 sessions in a row), met on day 6 (so the
    target moves to maintenance on day 7), measured at the clinic, at home and in the
    community; then revised on day 9 (with the same criterion)."""
    criterion = al.model.MasteryCriterion(threshold=5, consecutive=2)
    story_ = story(settings=frozenset(Setting))
    story_.record(
        al.events.ProfessionalJoined, member_id="ana", discipline=al.Discipline.SPEECH_LANGUAGE
    )
    story_.record(
        al.events.CarerJoined, member_id="maria", relationship=al.CarerRelationship.PARENT
    )
    story_.on_day(1).record(
        al.events.GoalProposed,
        goal_id="g1",
        domain=al.model.GoalDomain.COMMUNICATION,
        statement="Sam asks for snacks",
        why_it_matters="Fewer tears",
        target=target(baseline=1, target=8),
        mastery=criterion,
    )
    story_.by("maria").record(al.events.GoalAgreed, goal_id="g1")
    where = {
        3: ("ana", Setting.CLINIC, al.model.ObservationKind.SESSION),
        4: ("maria", Setting.HOME, al.model.ObservationKind.EVERYDAY),
        5: ("ana", Setting.CLINIC, al.model.ObservationKind.SESSION),
        6: ("maria", Setting.COMMUNITY, al.model.ObservationKind.EVERYDAY),
        8: ("ana", Setting.CLINIC, al.model.ObservationKind.SESSION),
    }
    for day, value in ((3, 2), (4, 3), (5, 5), (6, 6), (8, 7)):
        who, setting, kind = where[day]
        story_.on_day(day).by(who).record(
            al.events.ProgressRecorded, goal_id="g1", setting=setting, kind=kind, value=value
        )
    story_.on_day(9).by("ana").record(
        al.events.GoalRevised,
        goal_id="g1",
        statement="Sam asks for snacks and toys",
        why_it_matters="Fewer tears",
        target=target(baseline=1, target=9),
        reason=al.model.RevisionReason.FASTER_PROGRESS,
        explanation="Going well",
        mastery=criterion,
    )
    return story_.partnership.state


# --- what the chart shows ------------------------------------------------------------------


def test_goal_chart_gathers_the_sample_goals(state: al.PartnershipState) -> None:
    requests = goal_chart(state, "g-requests")
    assert (requests.metric, requests.unit, requests.baseline, requests.target) == (
        "two-word requests",
        "per session",
        2,
        10,
    )
    assert len(requests.points) == 19
    assert [p.at for p in requests.points] == sorted(p.at for p in requests.points)
    assert {p.setting for p in requests.points} == {Setting.CLINIC, Setting.SCHOOL}
    assert requests.points[-1].at.timezone_name == "Europe/London"
    assert [sb.setback_id for sb in requests.setbacks] == ["sb-illness"]
    assert requests.setbacks[0].day == pendulum.date(2025, 3, 3)
    (star,) = requests.celebrations
    # no observation linked: on the latest value before it (10, on 28 April)
    assert (star.celebration_id, star.day, star.value) == (
        "cel-big-hug",
        pendulum.date(2025, 4, 30),
        10,
    )
    assert requests.phase_changes == ()  # 9, 9, 8, 10: never 3 sessions of 9 in a row
    dressing = goal_chart(state, "g-dressing")
    assert dressing.direction is al.model.Direction.DECREASE
    (revision,) = dressing.phase_changes
    assert (revision.day, revision.revision, revision.is_revision) == (
        pendulum.date(2025, 3, 17),
        2,
        True,
    )
    with pytest.raises(al.UnknownRecordError):
        goal_chart(state, "nope")


def test_goal_chart_keeps_to_the_period(state: al.PartnershipState) -> None:
    february = Period(start=pendulum.date(2025, 2, 1), end=pendulum.date(2025, 2, 28))
    chart = goal_chart(state, "g-requests", period=february)
    assert chart.points
    assert all(p.day.month == 2 for p in chart.points)
    assert chart.setbacks == chart.celebrations == chart.phase_changes == ()
    march = Period(start=pendulum.date(2025, 3, 1), end=pendulum.date(2025, 3, 31))
    assert len(goal_chart(state, "g-dressing", period=march).phase_changes) == 1


def test_a_celebration_of_an_observation_stands_on_it() -> None:
    """The coaching fixture's style: c1 celebrates o1 (value 3), c2 celebrates nothing."""
    story_ = story()
    story_.record(
        al.events.ProfessionalJoined, member_id="ana", discipline=al.Discipline.SPEECH_LANGUAGE
    )
    story_.record(
        al.events.CarerJoined, member_id="maria", relationship=al.CarerRelationship.PARENT
    )
    story_.on_day(1).record(
        al.events.GoalProposed,
        goal_id="g1",
        domain=al.model.GoalDomain.COMMUNICATION,
        statement="Sam asks",
        why_it_matters="Fewer tears",
        target=target(),
    )
    story_.by("maria").record(al.events.GoalAgreed, goal_id="g1")
    story_.on_day(2).by("ana").record(
        al.events.SuccessCelebrated, celebration_id="c0", description="Early", goal_id="g1"
    )
    story_.on_day(3).record(
        al.events.ProgressRecorded,
        observation_id="o1",
        goal_id="g1",
        value=3,
        setting=Setting.CLINIC,
        kind=al.model.ObservationKind.SESSION,
    )
    story_.on_day(5).record(
        al.events.SuccessCelebrated,
        celebration_id="c1",
        description="Two words",
        observation_id="o1",
    )
    chart = goal_chart(story_.partnership.state, "g1")
    early, linked = chart.celebrations
    assert (early.value, early.day) == (1, pendulum.date(2025, 1, 8))  # the baseline
    assert (linked.value, linked.day, linked.at) == (3, chart.points[0].day, chart.points[0].at)


def test_phase_changes_and_revisions_are_marked(phased: al.PartnershipState) -> None:
    chart = goal_chart(phased, "g1")
    change, revision = chart.phase_changes
    assert (change.day, change.from_phase, change.to_phase, change.is_revision) == (
        pendulum.date(2025, 1, 13),  # day 7: the day after the criterion was met
        Phase.INTERVENTION,
        Phase.MAINTENANCE,
        False,
    )
    assert (revision.day, revision.revision) == (pendulum.date(2025, 1, 15), 2)
    assert chart.target == 9  # the current version's
    before = Period(end=pendulum.date(2025, 1, 11))  # day 5: not met yet
    assert goal_chart(phased, "g1", period=before).phase_changes == ()


def test_the_matplotlib_chart_draws_goal_chart(
    state: al.PartnershipState, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    from alliance.reports import charts  # noqa: PLC0415 (optional extra)

    assert b"celebrated" in charts.progress_chart(state, "g-requests", fmt="svg")
    without = attrs.evolve(goal_chart(state, "g-requests"), celebrations=())
    monkeypatch.setattr(charts, "goal_chart", lambda *_a, **_k: without)
    assert b"celebrated" not in charts.progress_chart(state, "g-requests", fmt="svg")


# --- how it is drawn -----------------------------------------------------------------------


def test_title_and_desc_name_the_chart(state: al.PartnershipState) -> None:
    chart = goal_chart(state, "g-requests")
    _, root = draw(chart, "goal-requests")
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.get("id") == "goal-requests-title"
    assert title.text == MARK + "Progress chart: " + chart.statement
    assert desc.text is not None
    assert desc.text.startswith(MARK + "19 measurements from @2025-01-20 to @2025-04-28.")
    assert "The latest is »#10 per session, on @2025-04-28." in desc.text
    assert "The goal is »#10 per session by @2025-06-30, from a start of »#2 per session." in (
        desc.text
    )
    assert "»1 setback." in desc.text
    assert "»1 success celebrated." in desc.text


def test_ids_are_unique_per_chart(state: al.PartnershipState) -> None:
    one, _ = draw(goal_chart(state, "g-requests"), "a")
    two, _ = draw(goal_chart(state, "g-requests"), "b")
    ids_one = set(re.findall(r' id="([^"]+)"', one))
    ids_two = set(re.findall(r' id="([^"]+)"', two))
    assert ids_one
    assert not ids_one & ids_two
    assert all(i.startswith("a-") for i in ids_one)
    refs = set(re.findall(r'href="#([^"]+)"', one))
    assert refs <= ids_one


def test_one_mark_per_point_in_the_shape_of_its_setting(phased: al.PartnershipState) -> None:
    chart = goal_chart(phased, "g1")
    _, root = draw(chart)
    defs = {e.get("id"): e for e in root.iter() if e.get("id")}
    shapes = set()
    for setting in Setting:
        expected = [p for p in chart.points if p.setting is setting]
        found = marks(root, setting)
        assert len(found) == len(expected)
        for use in found:
            assert use.get("href") == f"#chart-1-{SHAPES[setting]}"
        shape = defs[f"chart-1-{SHAPES[setting]}"]
        shapes.add((shape.tag, shape.get("d")))
    assert len(shapes) == len(Setting)  # four different shapes
    assert defs["chart-1-circle"].tag == f"{SVG}circle"
    assert len(all_marks(root)) == len(chart.points) == 5
    clinic = [float(m.get("x", "nan")) for m in marks(root, Setting.CLINIC)]
    assert clinic == sorted(clinic)
    assert len(set(clinic)) == 3


def test_stars_for_celebrations_on_their_value(state: al.PartnershipState) -> None:
    chart = goal_chart(state, "g-requests")
    _, root = draw(chart)
    (star,) = stars(root)
    assert star.get("href") == "#chart-1-star"
    last = marks(root, Setting.CLINIC)[-1]  # 10 on 28 April; the star: 10 on 30 April
    assert star.get("y") == last.get("y")
    assert float(star.get("x", "0")) > float(last.get("x", "0"))
    _, plain = draw(attrs.evolve(chart, celebrations=()))
    assert stars(plain) == []
    assert MARK + "Celebrated" not in set(texts(plain))


def test_setbacks_and_phase_changes_are_labelled_vertical_lines(
    state: al.PartnershipState, phased: al.PartnershipState
) -> None:
    _, root = draw(goal_chart(state, "g-dressing"))
    (setback,) = lines(root, "setback")
    assert setback.get("x1") == setback.get("x2")
    assert setback.get("stroke-dasharray")
    (revision,) = lines(root, "revision")
    assert revision.get("stroke-dasharray") != setback.get("stroke-dasharray")
    words = list(texts(root))
    assert words.count(MARK + "Setback") == 2  # the line's label and the legend
    assert words.count(MARK + "Goal revised") == 2
    _, root = draw(goal_chart(phased, "g1"))
    (phase,) = lines(root, "phase")
    assert phase.get("x1") == phase.get("x2")
    assert MARK + "Keeping it up" in texts(root)
    assert MARK + "Change of phase" in texts(root)
    assert lines(root, "setback") == []
    assert MARK + "Setback" not in texts(root)


def test_the_legend_names_each_kind_of_mark_present(phased: al.PartnershipState) -> None:
    _, root = draw(goal_chart(phased, "g1"))
    legend = root.find(f".//{SVG}g[@class='legend']")
    assert legend is not None
    names = [t.text for t in legend.iter(f"{SVG}text")]
    assert names == [
        "»At the clinic",
        "»At home",
        "»In the community",
        "»Goal: »#9 per day",
        "»Start: »#1 per day",
        "»Change of phase",
        "»Goal revised",
    ]


def test_every_word_goes_through_the_translation(
    state: al.PartnershipState, phased: al.PartnershipState
) -> None:
    charts = [goal_chart(state, g) for g in state.goals] + [goal_chart(phased, "g1")]
    charts.append(chart_of())  # no measurements
    for chart in charts:
        _, root = draw(chart)
        for text in texts(root):
            if text == chart.metric:  # the metric alone when it names its unit: as written
                assert chart.unit.casefold() in text.casefold()
                continue
            assert text[0] in (MARK, "#", "@"), text
            assert "{" not in text, text  # every placeholder filled
            if text.startswith(MARK) and len(text) > 80:  # the desc: sentence by sentence
                assert all(s.startswith(MARK) for s in re.split(r"(?<=\.) ", text))


def test_a_unitless_metric_is_its_own_axis_label() -> None:
    _, root = draw(chart_of(unit="", metric="steps done"))
    assert "steps done" in texts(root)
    _, root = draw(chart_of())
    assert MARK + "requests (per day)" in texts(root)
    _, root = draw(chart_of(unit="minutes", metric="minutes to get dressed"))
    assert "minutes to get dressed" in texts(root), "the unit once: the metric names it"
    assert not any("(minutes)" in t for t in texts(root))


def test_text_is_escaped() -> None:
    chart = chart_of(
        statement='<script>alert("x")</script> & co',
        metric="a<b & c",
        unit="&amp;",
        points=(point(3, 2), point(4, 5)),
    )
    text, root = draw(chart, 'id"<')
    assert "<script" not in text
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == MARK + 'Progress chart: <script>alert("x")</script> & co'
    assert MARK + "a<b & c (&amp;)" in texts(root)


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(colour: str, background: str = "#ffffff") -> float:
    lighter, darker = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_formula() -> None:
    assert _contrast("#000000") == pytest.approx(21)
    assert _contrast("#767676") == pytest.approx(4.54, abs=0.01)
    assert _contrast("#e6ac00") < 3  # the old gold stars


def test_every_mark_has_3_to_1_contrast_and_text_4_5(phased: al.PartnershipState) -> None:
    for name, colour in COLOURS.items():
        assert _contrast(colour) >= 3, name
    assert _contrast(COLOURS["text"]) >= 4.5
    assert _contrast(COLOURS["setback"]) >= 4.5  # its label is text
    assert _contrast(COLOURS["phase"]) >= 4.5
    _, root = draw(
        attrs.evolve(
            goal_chart(phased, "g1"),
            celebrations=(
                ChartCelebration(
                    day=pendulum.date(2025, 1, 12),
                    at=pendulum.datetime(2025, 1, 12, 10, tz="Europe/London"),
                    value=6,
                    celebration_id="c",
                    description="d",
                ),
            ),
        )
    )
    grid = root.find(f"{SVG}g[@stroke]")  # the first group: the grid, decoration
    assert grid is not None
    assert grid.find(f"{SVG}line") is not None
    used = {
        e.get(attribute)
        for e in root.iter()
        if e is not grid
        for attribute in ("fill", "stroke")
        if e.get(attribute) not in (None, "none")
    }
    assert used <= set(COLOURS.values())
    assert {COLOURS["celebration"], COLOURS["goal"], COLOURS["start"]} <= used


def test_fits_a_phone(state: al.PartnershipState) -> None:
    _, root = draw(goal_chart(state, "g-requests"))
    assert root.get("width") == "100%"
    assert root.get("height") is None
    x, y, width, height = (float(v) for v in root.get("viewBox", "").split())
    assert (x, y, width) == (0, 0, WIDTH)
    assert 0 < height < 600
    sizes = [float(e.get("font-size", "18")) for e in root.iter() if e.get("font-size")]
    assert sizes
    assert min(sizes) * 320 / width >= 12
    assert root.get("direction") == "ltr"
    words = list(texts(root))
    dates = [w for w in words if w.startswith("@")]
    numbers = [w for w in words if w.startswith("#")]
    assert 3 <= len(dates) <= 5
    assert 4 <= len(numbers) <= 6
    ticks = [t for t in root.iter(f"{SVG}text") if (t.text or "").startswith("@")]
    assert [t.text for t in ticks] == sorted(t.text or "" for t in ticks)  # left to right
    assert [float(t.get("x", "0")) for t in ticks] == sorted(float(t.get("x", "0")) for t in ticks)


def test_deterministic_self_contained_and_small(state: al.PartnershipState) -> None:
    twenty = chart_of(points=tuple(point(d, d % 7) for d in range(1, 21)))
    text, _ = draw(twenty)
    assert text == draw(twenty)[0]
    assert len(text.encode()) < 6000
    for goal_id in state.goals:
        text, _ = draw(goal_chart(state, goal_id))
        assert len(text.encode()) < 6000
        assert "<script" not in text
        assert "<image" not in text
        assert "<style" not in text
        assert re.findall(r"https?://[^\"]*", text) == ["http://www.w3.org/2000/svg"]
        assert not re.search(r"\son\w+=", text)
        assert "px" not in text


def _numbers(root: ET.Element) -> list[float]:
    found = []
    for element in root.iter():
        for name in ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy"):
            if element.get(name) is not None:
                found.append(float(element.get(name, "nan")))
        for pair in (element.get("points") or "").split():
            found.extend(float(v) for v in pair.split(","))
    return found


@pytest.mark.parametrize(
    "chart",
    [
        pytest.param(chart_of(), id="no points"),
        pytest.param(chart_of(points=(point(3, 4),)), id="one point"),
        pytest.param(chart_of(baseline=5, target=5), id="baseline equals target"),
        pytest.param(
            chart_of(baseline=5, target=5, points=(point(3, 5), point(9, 5))), id="all equal"
        ),
        pytest.param(
            chart_of(
                baseline=25,
                target=12,
                direction=al.model.Direction.DECREASE,
                points=(point(3, 24), point(10, 18)),
            ),
            id="decreasing",
        ),
        pytest.param(
            chart_of(due=pendulum.date(2090, 1, 1), points=(point(3, 4), point(5, 6))),
            id="due far off",
        ),
        pytest.param(
            chart_of(baseline=1.0, target=math.nextafter(1.0, 2), points=(point(3, 1),)),
            id="a tiny range",
        ),
        pytest.param(
            chart_of(baseline=-1e15, target=1e15, points=(point(3, 0),)), id="a huge range"
        ),
    ],
)
def test_edge_cases_draw_a_sound_chart(chart: GoalChart) -> None:
    _, root = draw(chart)
    assert len(all_marks(root)) == len(chart.points)
    width, height = (float(v) for v in root.get("viewBox", "").split()[2:])
    for number in _numbers(root):
        assert math.isfinite(number)
        assert -20 <= number <= max(width, height) + 20
    words = list(texts(root))
    assert (MARK + "No measurements yet." in words) is (not chart.points)
    if len(chart.points) == 1:
        assert [w for w in words if w.startswith("@")] == ["@2025-01-03"]
    goal, start = lines(root, "goal")[0], lines(root, "start")[0]
    if chart.target < chart.baseline:
        assert float(goal.get("y1", "0")) > float(start.get("y1", "0"))  # lower on the page
    if chart.due.year == 2090:
        assert "@2090-01-01" in "".join(words)


def test_no_measurements_yet_is_said() -> None:
    _, root = draw(chart_of())
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert desc.text == (
        "»No measurements yet. »The goal is »#10 per day by @2025-06-30, from a start of "
        "»#2 per day."
    )
    _, root = draw(chart_of(points=(point(3, 4),)))
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert (desc.text or "").startswith("»1 measurement on @2025-01-03.")


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(s.partnership_histories(max_events=30))
def test_any_state_draws_well_formed_with_one_mark_per_point(events: list[al.Event]) -> None:
    state = s.replay(events).state
    for goal_id in state.goals:
        chart = goal_chart(state, goal_id)
        text, root = draw(chart, f"c-{goal_id}")
        assert len(all_marks(root)) == len(chart.points)
        assert len(stars(root)) == len(chart.celebrations)
        assert len(lines(root, "setback")) == len(chart.setbacks)
        title = root.find(f"{SVG}title")
        assert title is not None
        assert title.text == MARK + "Progress chart: " + chart.statement
        assert all(math.isfinite(n) for n in _numbers(root))
        assert text == draw(chart, f"c-{goal_id}")[0]


def test_characters_xml_cannot_hold_are_replaced() -> None:
    """The model accepts control characters in a statement; XML does not."""
    _, root = draw(chart_of(statement="Sam\x01 asks\x0b\uffff", metric="a\x01b"))
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == MARK + "Progress chart: Sam\ufffd asks\ufffd\ufffd"
    assert MARK + "a\ufffdb (per day)" in texts(root)


@pytest.mark.parametrize("days", [2, 7, 40, 400])
def test_date_ticks_are_evenly_spaced_within_the_data(days: int) -> None:
    first = pendulum.datetime(2025, 1, 1, 15, tz="Europe/London")
    chart = chart_of(
        points=tuple(
            ChartPoint(day=at.date(), at=at, value=i, setting=Setting.HOME, observation_id=f"o{i}")
            for i, at in enumerate((first, first.add(days=days)))
        )
    )
    _, root = draw(chart)
    ticks = [pendulum.parse(w[1:]) for w in texts(root) if w.startswith("@")]
    gaps = {(b - a).days for a, b in itertools.pairwise(ticks)}
    assert 2 <= len(ticks) <= 5
    assert len(gaps) == 1  # a whole number of days apart, all the same
    assert first.date() <= ticks[0].date()
    assert ticks[-1].date() <= first.add(days=days).date()


def test_every_message_is_a_literal_babel_extracts(
    state: al.PartnershipState, phased: al.PartnershipState
) -> None:
    """A message built at run time, or hidden in an f-string, would never reach the
    catalog: every message the chart asks for must be one Babel finds in the source."""
    extract = pytest.importorskip("babel.messages.extract")
    import alliance.reports._svg as module  # noqa: PLC0415

    found = set()
    for _line, message, _comments, _context in extract.extract_from_file(
        "python", module.__file__, keywords={"_": None, "ngettext": (1, 2)}
    ):
        found.update([message] if isinstance(message, str) else message)
    asked: set[str] = set()

    def recording(message: str) -> str:
        asked.add(message)
        return message

    def recording_plural(singular: str, plural_: str, n: int) -> str:
        asked.update((singular, plural_))
        return singular if n == 1 else plural_

    charts = [goal_chart(state, g) for g in state.goals] + [goal_chart(phased, "g1")]
    charts += [chart_of(), chart_of(unit="", points=(point(3, 4),))]
    for chart in charts:
        svg_chart(
            chart,
            _=recording,
            ngettext=recording_plural,
            format_date=pendulum.Date.isoformat,
            format_number=str,
            chart_id="c",
        )
    assert asked <= found
    assert {"No measurements yet.", "Setback", "Goal revised", "Keeping it up"} <= asked
