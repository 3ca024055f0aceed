"""``st.from_type`` draws valid alliance objects, registered through hypothesis' own
``hypothesis`` entry-point group (``_alliance_plugins:hypothesis_setup_hook``, which calls
``alliance.testing._hypothesis_plugin.register`` once ``alliance`` is imported)."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import _alliance_plugins
import alliance as al
from alliance.testing import _hypothesis_plugin, replay

PER_TYPE_EXAMPLES = min(settings.default.max_examples, 25)

VALUE_TYPES = [
    al.model.CommunicationPreferences,
    al.model.ContactDetails,
    al.Child,
    al.Carer,
    al.Professional,
    al.model.CommunicationPlan,
    al.model.MeasurableTarget,
    al.model.GasLevel,
    al.model.GasScale,
    al.model.MasteryCriterion,
    al.model.ActionItem,
    al.model.PlanStep,
    al.model.Audience,
    al.model.FidelityStep,
    al.model.FidelityChecklist,
    al.model.StepFidelity,
    al.model.ResponseTime,
    al.model.ContactRoute,
    al.model.PartnershipAgreement,
]

# The event classes with a strategy: all of alliance's own (the timeline's, measures'
# and consent's).
EVENT_TYPES = sorted(
    (cls for cls in al.event_types().values() if cls.__module__.startswith("alliance.")),
    key=lambda cls: cls.type_name,
)


def rebuilt(value: Any) -> Any:
    """*value* built again through its constructor, so every validator runs on it."""
    return attrs.evolve(value)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run *code* in a fresh interpreter (entry points load only at hypothesis' import)."""
    environment = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_NO_PLUGINS"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


# --- the entry point ------------------------------------------------------------------------


def test_the_entry_point_is_declared_in_hypothesis_group() -> None:
    (entry,) = [
        ep for ep in importlib.metadata.entry_points(group="hypothesis") if ep.name == "alliance"
    ]
    assert entry.value == "_alliance_plugins:hypothesis_setup_hook"
    assert entry.load() is _alliance_plugins.hypothesis_setup_hook


def test_the_old_entry_point_still_registers() -> None:
    # what an editable install made before the entry points moved still names
    assert _hypothesis_plugin._hypothesis_setup_hook is _hypothesis_plugin.register


def test_importing_hypothesis_registers_the_strategies_and_no_plugins_turns_it_off() -> None:
    code = """
        import attrs
        import hypothesis
        from hypothesis import given, settings, strategies as st
        import alliance

        @settings(max_examples=30, database=None, derandomize=True)
        @given(st.from_type(alliance.model.MeasurableTarget))
        def targets_are_valid(target):
            assert type(target) is alliance.model.MeasurableTarget
            attrs.evolve(target)  # validators run again

        targets_are_valid()
        print(repr(st.from_type(alliance.events.GoalAgreed)))
    """
    with_plugin = run_python(code)
    assert with_plugin.returncode == 0, with_plugin.stderr
    assert "goal_agreed_events()" in with_plugin.stdout
    # Without plugins, hypothesis infers builds(...) from the fields and ignores the
    # validators (or cannot resolve pendulum types): not our strategies.
    without = run_python(code, HYPOTHESIS_NO_PLUGINS="1")
    assert without.returncode != 0
    assert "goal_agreed_events()" not in without.stdout


def test_the_hook_is_cheap_and_imports_the_strategies_only_when_asked() -> None:
    result = run_python(
        """
        import sys
        import hypothesis
        assert "_alliance_plugins" in sys.modules, "the hook did not run"
        assert "alliance" not in sys.modules, "the hook imported alliance"
        from hypothesis import strategies as st
        import alliance
        assert "alliance.testing.strategies" not in sys.modules, "imported too early"
        st.from_type(alliance.model.GasScale).validate()
        assert "alliance.testing.strategies" in sys.modules
        """
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "first_import",
    [
        "alliance.testing.strategies",  # which itself imports hypothesis, mid-import
        "alliance.testing.state_machine",
        "alliance",
        "hypothesis",
    ],
)
def test_it_works_whatever_is_imported_first(first_import: str) -> None:
    result = run_python(
        f"""
        import importlib
        importlib.import_module({first_import!r})
        import alliance
        from hypothesis import HealthCheck, given, settings, strategies as st

        @settings(max_examples=5, database=None, suppress_health_check=[HealthCheck.too_slow])
        @given(st.from_type(alliance.events.GoalProposed), st.from_type(alliance.Partnership))
        def check(event, partnership):
            assert type(event) is alliance.events.GoalProposed
            assert isinstance(partnership, alliance.Partnership)

        check()
        """
    )
    assert result.returncode == 0, result.stderr


def test_the_plugin_modules_import_without_hypothesis() -> None:
    result = run_python(
        """
        import sys
        sys.modules["hypothesis"] = None  # as if it were not installed
        import alliance.testing
        import alliance.testing._hypothesis_plugin
        import alliance.testing.pytest_plugin
        import _alliance_plugins
        import alliance.testing.store_contract
        """
    )
    assert result.returncode == 0, result.stderr


def test_the_hook_can_run_again() -> None:
    _alliance_plugins.hypothesis_setup_hook()
    _hypothesis_plugin.register()
    assert repr(st.from_type(al.model.MeasurableTarget)) == "measurable_targets()"


def test_every_alliance_event_type_is_registered() -> None:
    registered = {t for t, _ in _hypothesis_plugin._registrations()}
    own = {t for t in al.event_types().values() if t.__module__.startswith("alliance.")}
    assert own <= registered
    assert set(VALUE_TYPES) | {al.Event, al.Partnership, al.PartnershipState} <= registered


# --- what from_type draws is valid ------------------------------------------------------------


@pytest.mark.parametrize("cls", VALUE_TYPES, ids=[cls.__name__ for cls in VALUE_TYPES])
@settings(max_examples=PER_TYPE_EXAMPLES)
@given(data=st.data())
def test_from_type_draws_valid_values(cls: type[Any], data: st.DataObject) -> None:
    value = data.draw(st.from_type(cls))
    assert type(value) is cls
    assert rebuilt(value) == value
    assert al.from_data(al.to_data(value), cls) == value


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=[cls.type_name for cls in EVENT_TYPES])
@settings(max_examples=PER_TYPE_EXAMPLES)
@given(data=st.data())
def test_from_type_draws_valid_events(cls: type[al.Event], data: st.DataObject) -> None:
    event = data.draw(st.from_type(cls))
    assert type(event) is cls
    assert rebuilt(event) == event
    assert al.loads(al.dumps(event), al.Event) == event


@given(event=st.from_type(al.Event))
def test_from_type_event_draws_any_event(event: al.Event) -> None:
    assert type(event) in EVENT_TYPES
    assert rebuilt(event) == event


@settings(max_examples=min(settings.default.max_examples, 10))
@given(partnership=st.from_type(al.Partnership), state=st.from_type(al.PartnershipState))
def test_from_type_draws_valid_partnerships(
    partnership: al.Partnership, state: al.PartnershipState
) -> None:
    # every event of the timeline is accepted again when recorded one by one
    assert replay(partnership.events).state == partnership.state
    assert isinstance(state, al.PartnershipState)
    assert al.from_data(al.to_data(state), al.PartnershipState) == state


@attrs.frozen
class Referral:
    """A clinic's own type, with alliance values in it."""

    target: al.model.MeasurableTarget
    event: al.events.GoalProposed


attrs.resolve_types(Referral)  # (annotations are strings in this module)


@given(referral=st.builds(Referral))
def test_builds_uses_the_registered_strategies_for_fields(referral: Referral) -> None:
    assert rebuilt(referral.target) == referral.target
    assert rebuilt(referral.event) == referral.event


def test_a_type_without_a_strategy_says_so() -> None:
    with pytest.raises(InvalidArgument, match="no strategy for event type"):
        _hypothesis_plugin._event(al.Event)(al.Event).validate()
