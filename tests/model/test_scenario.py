"""alliance.scenario: a story fills in who acts and when, records through the partnership,
and never moves its clock back unless asked."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import alliance as al
from alliance import events as ev
from alliance.scenario import Scenario
from team import target

LONDON = "Europe/London"
START = pendulum.datetime(2025, 1, 6, 9, tz=LONDON)  # a Monday, 09:00 (GMT)


def story(**overrides: Any) -> Scenario:
    """Ana forms p-1 around Sam at START; she and Maria join."""
    fields: dict[str, Any] = {
        "partnership_id": "p-1",
        "clinic_id": "c-1",
        "child_id": "sam",
        "time_zone": LONDON,
        "founder": "ana",
        "at": START,
    }
    fields.update(overrides)
    s = Scenario.start(**fields)
    with s.all_or_nothing():
        s.record(ev.ProfessionalJoined, member_id="ana", discipline=al.Discipline.SPEECH_LANGUAGE)
        s.record(ev.CarerJoined, member_id="maria", relationship=al.CarerRelationship.PARENT)
    return s


def snapshot(s: Scenario) -> tuple[object, ...]:
    p = s.partnership
    return (p.events, p.state.copy(), p.version, s.now, s.actor)


# --- starting a story -------------------------------------------------------------------


def test_a_story_starts_with_the_partnership_formed_by_its_founder() -> None:
    s = Scenario.start(
        partnership_id="p-1",
        clinic_id="c-1",
        child_id="sam",
        time_zone=LONDON,
        founder="ana",
        at=START,
        settings=frozenset({al.model.Setting.HOME}),
    )
    (formed,) = s.events
    assert isinstance(formed, ev.PartnershipFormed)
    assert (formed.partnership_id, formed.clinic_id, formed.child_id) == ("p-1", "c-1", "sam")
    assert (formed.actor, formed.occurred_at, formed.time_zone) == ("ana", START, LONDON)
    assert formed.settings == {al.model.Setting.HOME}
    assert isinstance(s.partnership.policy, al.RolePolicy), "RolePolicy unless given"
    assert (s.now, s.actor) == (START, "ana")
    assert s.now.timezone_name == LONDON, "the clock reads the partnership's local time"
    assert "p-1" in repr(s)


def test_a_policy_can_be_given() -> None:
    s = story(policy=al.AllowAll())
    assert isinstance(s.partnership.policy, al.AllowAll)
    s.on_day(1).by("maria").record(
        ev.PartnershipStatusChanged, status=al.model.PartnershipStatus.CLOSED
    )
    assert s.partnership.state.status is al.model.PartnershipStatus.CLOSED


def test_the_partnership_formed_refuses_bad_values() -> None:
    with pytest.raises(al.ValidationError) as info:
        story(time_zone="Mars/Olympus")
    assert info.value.field == "time_zone"


def test_a_story_carries_on_an_existing_partnership() -> None:
    first = story()
    first.on_day(2).by("maria").record(ev.ConcernRaised, concern_id="c1", description="Bedtime")
    again = Scenario(al.Partnership.from_events(first.events))
    assert (again.now, again.actor) == (START.add(days=2), "ana"), "last event; the founder"
    assert again.on_day(2).now == START.add(days=2), "day 0 is still the day it was formed"
    chosen = Scenario(first.partnership, at=START.add(days=5), actor="maria")
    assert (chosen.now, chosen.actor) == (START.add(days=5), "maria")


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: story(at=dt.datetime(2025, 1, 6, 9)), "at"),
        (lambda: story().on(dt.datetime(2025, 1, 7, 9)), "moment"),
        (lambda: Scenario(story().partnership, at=dt.datetime(2025, 1, 7, 9)), "at"),
    ],
    ids=["start", "on", "carry on"],
)
def test_naive_times_are_refused_naming_the_field(make: Any, field: str) -> None:
    with pytest.raises(al.ValidationError) as info:
        make()
    assert info.value.field == field
    assert "timezone-aware" in info.value.reason


# --- who and when ---------------------------------------------------------------------


def test_events_are_built_by_the_actor_at_the_clock_and_recorded() -> None:
    s = story()
    s.on_day(3).by("maria")
    goal = s.record(
        ev.GoalProposed,
        domain=al.model.GoalDomain.COMMUNICATION,
        statement="Sam asks for snacks with two words",
        why_it_matters="Fewer tears",
        target=target(),
    )
    assert (goal.actor, goal.occurred_at) == ("maria", START.add(days=3))
    agreed = s.after(hours=2).by("ana").record(ev.GoalAgreed, goal_id=goal.goal_id)
    assert agreed.occurred_at == START.add(days=3, hours=2)
    assert s.events[-2:] == (goal, agreed)
    assert s.partnership.state.goals[goal.goal_id].status is al.model.GoalStatus.ACTIVE
    concern = s.record(ev.ConcernRaised, description="Homework")
    assert (concern.actor, concern.occurred_at) == ("ana", agreed.occurred_at), "both are kept"


def test_days_are_local_days_at_the_same_time_of_day() -> None:
    s = story()
    assert s.on_day(1).now == pendulum.datetime(2025, 1, 7, 9, tz=LONDON)
    assert s.on_day(2, hour=15, minute=30).now == pendulum.datetime(2025, 1, 8, 15, 30, tz=LONDON)
    # After the clocks change, day 90 is still at 09:00 in London (08:00 UTC).
    assert s.on_day(90).now == pendulum.datetime(2025, 4, 6, 9, tz=LONDON)
    assert s.now.in_timezone("UTC").hour == 8
    assert s.after(days=1).now == pendulum.datetime(2025, 4, 7, 9, tz=LONDON)
    assert s.after(weeks=1, hours=1, minutes=2, seconds=3).now == pendulum.datetime(
        2025, 4, 14, 10, 2, 3, tz=LONDON
    )


def test_a_utc_start_counts_days_in_the_partnerships_zone() -> None:
    s = story(at=pendulum.datetime(2025, 1, 6, 9, tz="UTC"))
    assert s.on_day(100).now == pendulum.datetime(2025, 4, 16, 9, tz=LONDON)


@pytest.mark.parametrize(
    ("move", "field"),
    [
        (lambda s: s.on(START.add(days=1)), "moment"),
        (lambda s: s.on_day(1), "day"),
        (lambda s: s.on_day(2, hour=8), "day"),
        (lambda s: s.after(hours=-1), "hours"),
        (lambda s: s.after(days=1, minutes=-5), "minutes"),
    ],
    ids=["on", "on_day", "on_day at an earlier hour", "after", "after, partly back"],
)
def test_the_clock_does_not_go_back_unless_asked(move: Any, field: str) -> None:
    s = story().on_day(2)
    with pytest.raises(al.ValidationError) as info:
        move(s)
    assert info.value.field == field
    assert s.now == START.add(days=2), "the clock is left as it was"


def test_an_event_recorded_late_is_backdated_explicitly() -> None:
    s = story().on_day(4)
    late = (
        s.on_day(1, backdate=True)
        .by("maria")
        .record(ev.ConcernRaised, concern_id="c1", description="Tuesday was hard")
    )
    assert late.occurred_at == START.add(days=1)
    assert s.now == START.add(days=1)
    assert "c1" in s.partnership.as_of(START.add(days=2)).concerns, "it counts from Tuesday"
    assert s.on(START, backdate=True).now == START


@pytest.mark.parametrize(
    ("hour", "minute", "field"),
    [(24, 0, "hour"), (-1, 0, "hour"), (9, 60, "minute"), (None, 30, "minute")],
)
def test_a_time_of_day_that_does_not_exist_is_refused(
    hour: int | None, minute: int, field: str
) -> None:
    s = story()
    with pytest.raises(al.ValidationError) as info:
        s.on_day(1, hour=hour, minute=minute)
    assert info.value.field == field
    assert s.now == START


# --- building and recording -----------------------------------------------------------


def test_build_builds_without_recording() -> None:
    s = story()
    before = snapshot(s)
    event = s.on_day(1).by("maria").build(ev.ConcernRaised, description="Bedtime")
    assert isinstance(event, ev.ConcernRaised)
    assert (event.actor, event.occurred_at) == ("maria", START.add(days=1))
    assert s.partnership.events == before[0]
    assert s.partnership.record(event) is event


def test_actor_and_time_come_from_the_story_only() -> None:
    s = story()
    with pytest.raises(TypeError, match="come from the story"):
        s.record(ev.ConcernRaised, description="x", actor="maria")
    with pytest.raises(TypeError, match="occurred_at"):
        s.build(ev.ConcernRaised, description="x", occurred_at=START)


WRONG: dict[str, tuple[Any, type[al.AllianceError], str]] = {
    "the constructor": (
        lambda s: s.by("maria").record(ev.ConcernRaised, description="  "),
        al.ValidationError,
        "description",
    ),
    "a rule": (
        lambda s: s.by("stranger").record(ev.ConcernRaised, description="Hi"),
        al.NotAMemberError,
        "actor",
    ),
    "an unknown record": (
        lambda s: s.by("maria").record(ev.GoalAgreed, goal_id="nope"),
        al.UnknownRecordError,
        "goal_id",
    ),
}


@pytest.mark.parametrize(("write", "error", "field"), WRONG.values(), ids=WRONG.keys())
def test_errors_propagate_unchanged_and_record_nothing(
    write: Any, error: type[al.AllianceError], field: str
) -> None:
    s = story().on_day(1).by("ana")
    before = snapshot(s)
    with pytest.raises(error) as info:
        write(s)
    assert type(info.value) is error
    assert getattr(info.value, "field", None) == field
    assert snapshot(s)[:4] == before[:4]


def test_the_policy_applies() -> None:
    s = story().on_day(1)
    before = snapshot(s)
    with pytest.raises(al.PermissionDenied) as info:
        s.by("maria").record(ev.PartnershipStatusChanged, status=al.model.PartnershipStatus.CLOSED)
    assert info.value.actor == "maria"
    assert snapshot(s)[:4] == before[:4]


# --- one step: all or nothing ---------------------------------------------------------


def test_a_step_records_all_its_events_at_once() -> None:
    s = story()
    with s.all_or_nothing():
        first = s.on_day(1).by("maria").record(ev.ConcernRaised, description="Bedtime")
        second = (
            s.on_day(2)
            .by("ana")
            .record(
                ev.ConcernResolved,
                concern_id=first.concern_id,
                agreed="Later",
            )
        )
        assert s.partnership.version == 3, "nothing is recorded before the step ends"
    assert s.events[-2:] == (first, second)
    assert s.partnership.state.concerns[first.concern_id].resolution is not None
    assert (s.now, s.actor) == (START.add(days=2), "ana")


def refused_step(s: Scenario) -> None:
    """Maria raises a concern on day 2, then agrees to a goal that does not exist."""
    with s.all_or_nothing():
        s.on_day(2).by("maria").record(ev.ConcernRaised, description="Bedtime")
        s.on_day(3).record(ev.GoalAgreed, goal_id="nope")


def test_a_step_with_one_refused_event_records_none_and_puts_the_clock_back() -> None:
    s = story().on_day(1).by("ana")
    before = snapshot(s)
    with pytest.raises(al.UnknownRecordError):
        refused_step(s)
    assert snapshot(s) == before


def test_a_step_that_raises_records_nothing() -> None:
    s = story()
    before = snapshot(s)

    def step() -> None:
        with s.all_or_nothing():
            s.on_day(2).by("maria").record(ev.ConcernRaised, description="Bedtime")
            s.on_day(1)  # the clock may not go back: the step stops here

    with pytest.raises(al.ValidationError):
        step()
    assert snapshot(s) == before


def test_a_step_inside_a_step_is_part_of_it() -> None:
    s = story()
    versions = []

    def step() -> None:
        with s.all_or_nothing():
            with s.all_or_nothing():
                s.on_day(1).by("maria").record(ev.ConcernRaised, description="Bedtime")
            versions.append(s.partnership.version)
            refused_step(s)

    with pytest.raises(al.UnknownRecordError):
        step()
    assert versions == [3], "the inner step did not record on its own"
    assert s.partnership.version == 3


def test_the_front_door_lists_the_namespace_only() -> None:
    assert "scenario" in al.__all__
    assert "Scenario" not in al.__all__
    assert al.scenario.Scenario is Scenario
    assert al.scenario.__all__ == ["Scenario"]


# --- properties -------------------------------------------------------------------------

# A move of the clock: (kind, amount, backdate).
MOVES = st.one_of(
    st.tuples(st.just("on"), st.integers(-72, 240), st.booleans()),  # hours after START
    st.tuples(st.just("on_day"), st.integers(-3, 10), st.booleans()),
    st.tuples(st.just("after"), st.integers(-48, 48), st.just(False)),  # hours
)


def move(s: Scenario, kind: str, amount: int, backdate: bool) -> None:
    if kind == "on":
        s.on(START.add(hours=amount), backdate=backdate)
    elif kind == "on_day":
        s.on_day(amount, hour=12, backdate=backdate)
    else:
        s.after(hours=amount)


@given(st.lists(MOVES, max_size=12))
def test_the_clock_never_goes_back_unless_asked(moves: list[tuple[str, int, bool]]) -> None:
    s = story()
    for kind, amount, backdate in moves:
        before = s.now
        try:
            move(s, kind, amount, backdate)
        except al.ValidationError:
            assert not backdate
            assert s.now == before, "a refused move leaves the clock"
            continue
        if not backdate:
            assert s.now >= before


# Events refused whatever the clock reads (before the partnership was formed, too).
REFUSED = st.sampled_from(
    [
        lambda s: s.by("stranger").record(ev.ConcernRaised, description="Who?"),
        lambda s: s.by("maria").record(ev.GoalAgreed, goal_id="nope"),
        lambda s: s.by("maria").record(
            ev.PartnershipStatusChanged, status=al.model.PartnershipStatus.CLOSED
        ),
        lambda s: s.by("maria").record(ev.ConcernRaised, description=""),
    ]
)


@given(st.lists(MOVES, max_size=4), REFUSED, st.sampled_from(["ana", "maria"]))
def test_a_refused_event_leaves_the_partnership_and_the_clock(
    moves: list[tuple[str, int, bool]], refuse: Any, actor: str
) -> None:
    s = story().by(actor)
    for kind, amount, backdate in moves:
        with contextlib.suppress(al.ValidationError):
            move(s, kind, amount, backdate)
    before = snapshot(s)
    with pytest.raises(al.AllianceError):
        refuse(s)
    after = snapshot(s)
    assert after[:3] == before[:3], "nothing recorded"
    assert after[3] == before[3], "the clock is where the story left it"


@given(st.integers(0, 5), st.integers(0, 5), st.data())
def test_a_batch_with_one_refused_event_records_none(
    good: int, hours: int, data: st.DataObject
) -> None:
    s = story()
    before = snapshot(s)
    position = data.draw(st.integers(0, good))
    refuse = data.draw(REFUSED)

    def step() -> None:
        with s.all_or_nothing():
            for n in range(good + 1):
                s.after(hours=1 + hours)
                if n == position:
                    refuse(s)
                else:
                    s.by("maria").record(ev.ConcernRaised, description=f"Concern {n}")

    with pytest.raises(al.AllianceError):
        step()
    assert snapshot(s) == before


def test_the_example_in_the_architecture_page_runs_and_prints_what_it_says() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text()
    section = page[page.index("## Writing a story: `alliance.scenario`") :]
    (example,) = re.findall(r"```python\n(.*?)```", section[: section.index("\n## ")], re.DOTALL)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, "architecture.md", "exec"), {})
    (said,) = re.findall(r"print\(.*\)  # (.*)", example)
    assert out.getvalue().strip() == said
