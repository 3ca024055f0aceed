"""Properties of the model over generated data (strategies from :mod:`alliance.testing`).

- every value type and every event survives serialization, types and all;
- a folded state survives serialization;
- folding is deterministic, and rebuilding equals recording event by event;
- folding "as of" a moment equals folding the events up to it;
- generated histories are valid, and reach every registered event type (the timeline's
  own, measures' and consent's);
- ``record`` and ``record_all`` are all-or-nothing when they refuse an event.
"""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import alliance
import alliance.testing
from alliance import (
    AllianceError,
    Event,
    Partnership,
    PartnershipState,
    ValidationError,
    dumps,
    fold,
    from_data,
    loads,
    to_data,
)
from alliance.testing import strategies as s
from identical import assert_identical

# 50 event types: at most 100 examples each (the profile's count when lower), which keeps
# the file fast under the ci profile; test_any_event_* draws the profile's full count.
PER_TYPE_EXAMPLES = min(settings.default.max_examples, 100)

SRC = Path(__file__).resolve().parents[2] / "src" / "alliance"

# Every registered event class: alliance.model.events' and the newer ones defined
# elsewhere (MeasureCompleted, ConsentGranted, ConsentWithdrawn, and the family's side:
# coaching, transitions, celebrations, wellbeing and the partnership agreement).
EVENT_TYPES = sorted(alliance.event_types().values(), key=lambda cls: cls.type_name)

VALUE_STRATEGIES: list[tuple[type[Any], st.SearchStrategy[Any]]] = [
    (alliance.model.CommunicationPreferences, s.communication_preferences()),
    (alliance.model.ContactDetails, s.contact_details()),
    (alliance.Child, s.children()),
    (alliance.Carer, s.carers()),
    (alliance.Professional, s.professionals()),
    (alliance.model.CommunicationPlan, s.communication_plans()),
    (alliance.model.MeasurableTarget, s.measurable_targets()),
    (alliance.model.GasLevel, s.gas_levels()),
    (alliance.model.GasScale, s.gas_scales()),
    (alliance.model.MasteryCriterion, s.mastery_criteria()),
    (alliance.model.ActionItem, s.action_items()),
    (alliance.model.PlanStep, s.plan_steps()),
    (alliance.model.Audience, s.audiences()),
    (alliance.model.FidelityStep, s.fidelity_steps()),
    (alliance.model.FidelityChecklist, s.fidelity_checklists()),
    (alliance.model.ResponseTime, s.response_times()),
    (alliance.model.ContactRoute, s.contact_routes()),
    (alliance.model.PartnershipAgreement, s.partnership_agreements()),
]


# --- round-trips ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "strategy"), VALUE_STRATEGIES, ids=[cls.__name__ for cls, _ in VALUE_STRATEGIES]
)
@given(data=st.data())
def test_value_types_round_trip(
    cls: type[Any], strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    value = data.draw(strategy)
    assert type(value) is cls
    assert_identical(value, from_data(to_data(value), cls))
    assert_identical(value, loads(dumps(value), cls))


def test_every_event_type_has_a_strategy() -> None:
    built_in = {getattr(alliance.events, name) for name in alliance.events.__all__}
    assert {cls for cls in built_in if isinstance(cls, type) and cls is not Event} - {
        alliance.events.ActedOn,
        alliance.events.Permission,
        alliance.events.Side,
    } <= set(EVENT_TYPES)
    assert {
        alliance.events.MeasureCompleted,
        alliance.events.ConsentGranted,
        alliance.events.ConsentWithdrawn,
    } <= set(EVENT_TYPES)
    assert {
        alliance.events.CoachingSessionHeld,
        alliance.events.WellbeingNoted,
        alliance.events.AgreementIssued,
    } <= set(EVENT_TYPES)
    for cls in EVENT_TYPES:
        assert s.events_of(cls) is not None
    with pytest.raises(InvalidArgument):
        s.events_of(Event)


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=[cls.type_name for cls in EVENT_TYPES])
@settings(max_examples=PER_TYPE_EXAMPLES)
@given(data=st.data())
def test_each_event_type_round_trips(cls: type[Event], data: st.DataObject) -> None:
    event = data.draw(s.events_of(cls))
    assert type(event) is cls
    stored = to_data(event)
    assert stored["type"] == cls.type_name
    assert stored["schema_version"] == cls.schema_version
    for restored in (
        from_data(stored, cls),  # its own class
        from_data(stored, Event),  # the tagged union
        loads(dumps(event), cls),
        loads(dumps(event), Event),
    ):
        assert restored == event
        assert type(restored) is cls
        assert type(restored.occurred_at) is pendulum.DateTime
        assert restored.occurred_at.utcoffset() == dt.timedelta(0)
        assert_identical(event, restored)


@given(event=s.events())
def test_any_event_round_trips_through_the_tagged_union(event: Event) -> None:
    assert_identical(event, from_data(to_data(event), Event))
    assert_identical(event, loads(dumps(event), Event))


@given(
    moment=s.aware_datetimes(time_zones=s.time_zone_names()),
    event=s.goal_agreed_events(),
)
def test_occurred_at_is_normalised_to_utc(moment: pendulum.DateTime, event: Event) -> None:
    moved = attrs.evolve(event, occurred_at=moment)
    assert moved.occurred_at == moment
    assert moved.occurred_at.timezone_name == "UTC"
    assert type(from_data(to_data(moved), Event).occurred_at) is pendulum.DateTime


@given(duration=s.durations())
def test_durations_keep_their_calendar_parts(duration: pendulum.Duration) -> None:
    assert duration.total_seconds() > 0
    restored = from_data(to_data(duration), pendulum.Duration)
    assert type(restored) is pendulum.Duration
    assert restored == duration
    assert (restored.years, restored.months) == (duration.years, duration.months)


@given(events=s.partnership_histories())
def test_folded_state_round_trips(events: list[Event]) -> None:
    state = fold(events)
    restored = from_data(to_data(state), PartnershipState)
    assert restored == state
    assert_identical(state, restored)
    assert loads(dumps(state), PartnershipState) == state
    # and a stored timeline, read back, folds to the same state
    stored = loads(dumps(events), list[Event])
    assert stored == events
    assert fold(stored) == state


# --- folding ---------------------------------------------------------------------------


@given(events=s.partnership_histories())
def test_folding_is_deterministic(events: list[Event]) -> None:
    assert fold(events) == fold(events)
    rebuilt = Partnership.from_events(events)
    recorded = s.replay(events)
    assert rebuilt.state == recorded.state
    assert to_data(rebuilt.state) == to_data(recorded.state)
    assert rebuilt.events == recorded.events == tuple(events)


@given(events=s.partnership_histories(), data=st.data())
def test_as_of_equals_folding_the_prefix(events: list[Event], data: st.DataObject) -> None:
    partnership = Partnership.from_events(events)
    k = data.draw(st.integers(0, len(events) - 1), label="k")
    moment = events[k].occurred_at
    prefix = [e for e in events if e.occurred_at <= moment]
    assert prefix == events[: len(prefix)]  # times never go backwards
    assert partnership.as_of(moment) == fold(prefix)
    # the same instant, written in another zone, is the same cut-off
    zone = data.draw(s.time_zone_names(), label="zone")
    assert partnership.as_of(moment.in_timezone(zone)) == fold(prefix)
    assert partnership.as_of(events[-1].occurred_at) == partnership.state


# --- generated histories -----------------------------------------------------------------


@given(events=s.partnership_histories())
def test_generated_histories_are_valid(events: list[Event]) -> None:
    first, *rest = events
    assert isinstance(first, alliance.events.PartnershipFormed)
    partnership = Partnership.form(first)
    for event in rest:
        partnership.record(event)  # raises if the model refuses it
    assert partnership.events == tuple(events)
    times = [e.occurred_at for e in events]
    assert times == sorted(times)
    kinds = {type(e) for e in events}
    assert {alliance.events.CarerJoined, alliance.events.ProfessionalJoined} <= kinds


@given(partnership=s.partnerships(max_events=10))
def test_partnerships_hold_a_valid_history(partnership: Partnership) -> None:
    assert partnership.state == fold(partnership.events)
    assert s.replay(partnership.events).state == partnership.state


def test_every_event_type_is_generated() -> None:
    """Across fixed, seeded samples of histories, every registered event type occurs
    (all 50: ``MeasureCompleted``, the consent events and the family's side included).

    Hypothesis biases generation with constants found in the modules loaded so far, so
    one fixed sample of 100 histories may differ with the tests run before this one; a
    few more fixed samples are drawn (each seeded) until every type has been seen.
    """
    seen: set[str] = set()
    expected = {cls.type_name for cls in EVENT_TYPES}

    @settings(
        max_examples=100,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(events=s.partnership_histories())
    def collect(events: list[Event]) -> None:
        seen.update(type(e).type_name for e in events)

    for sample in range(5):
        seed(sample)(collect)()
        if expected <= seen:
            break
    missing = expected - seen
    assert not missing, f"never generated: {sorted(missing)}"


@settings(max_examples=min(settings.default.max_examples, 25))
@given(events=s.partnership_histories(min_events=5, max_events=8, allow_closing=False))
def test_min_and_max_events_are_honoured(events: list[Event]) -> None:
    # three set-up events (formed, a professional, a carer), then 5 to 8 more
    assert 3 + 5 <= len(events) <= 3 + 8
    assert alliance.fold(events).status is not alliance.model.PartnershipStatus.CLOSED


# --- refusals ------------------------------------------------------------------------------


@given(events=s.partnership_histories(), data=st.data())
def test_record_is_all_or_nothing(events: list[Event], data: st.DataObject) -> None:
    partnership = s.replay(events)
    before_events = partnership.events
    before_state = partnership.state.copy()
    before_data = to_data(partnership.state)
    bad = data.draw(s.invalid_next_events(state=partnership.state), label="bad")
    with pytest.raises(AllianceError):
        partnership.record(bad)
    assert partnership.events == before_events
    assert partnership.version == len(before_events)
    assert partnership.state == before_state
    assert to_data(partnership.state) == before_data


@given(events=s.partnership_histories(), data=st.data())
def test_record_all_is_all_or_nothing(events: list[Event], data: st.DataObject) -> None:
    k = data.draw(st.integers(1, len(events)), label="k")
    partnership = s.replay(events[:k])
    before_state = partnership.state.copy()
    bad = data.draw(s.invalid_next_events(state=fold(events)), label="bad")
    with pytest.raises(AllianceError):
        partnership.record_all([*events[k:], bad])
    assert partnership.events == tuple(events[:k])
    assert partnership.state == before_state
    partnership.record_all(events[k:])  # and the valid part alone is accepted
    assert partnership.state == fold(events)


@given(moment=s.naive_datetimes(), event=s.goal_agreed_events())
def test_naive_datetimes_are_refused(moment: dt.datetime, event: Event) -> None:
    with pytest.raises(ValidationError):
        attrs.evolve(event, occurred_at=moment)


@given(blank=s.blank_texts(), event=s.goal_concern_noted_events())
def test_blank_texts_are_refused(blank: str, event: Event) -> None:
    with pytest.raises(ValidationError):
        attrs.evolve(event, reason=blank)


@given(bad_id=s.invalid_ids(), event=s.goal_agreed_events())
def test_invalid_ids_are_refused(bad_id: str, event: Event) -> None:
    with pytest.raises(ValidationError):
        attrs.evolve(event, goal_id=bad_id)


# --- packaging -------------------------------------------------------------------------------


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            found.add(node.module)
    return found


def test_only_alliance_testing_imports_hypothesis() -> None:
    outside = {
        str(path.relative_to(SRC)): sorted(imported)
        for path in SRC.rglob("*.py")
        if "testing" not in path.relative_to(SRC).parts
        and (
            imported := {
                m
                for m in _imported_modules(path)
                if m.split(".")[0] == "hypothesis" or m.startswith("alliance.testing")
            }
        )
    }
    assert outside == {}
    # alliance.testing re-exports the strategies lazily: importing it loads no hypothesis
    code = (
        "import sys, alliance, alliance.cli, alliance.testing\n"
        "assert 'hypothesis' not in sys.modules, 'hypothesis was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_testing_package_reexports_the_strategies() -> None:
    for name in s.__all__:
        assert getattr(alliance.testing, name) is getattr(s, name)
    assert set(s.__all__) <= set(alliance.testing.__all__)
