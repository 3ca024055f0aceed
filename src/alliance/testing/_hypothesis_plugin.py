"""Registers ``alliance``'s strategies with hypothesis, so ``st.from_type`` just works.

Private: hypothesis calls :func:`_hypothesis_setup_hook` through the ``hypothesis``
entry-point group (see ``pyproject.toml``) when it is imported, in any process where
``alliance`` is installed, unless ``HYPOTHESIS_NO_PLUGINS`` is set. After that,
``st.from_type(alliance.model.MeasurableTarget)`` draws from
:func:`alliance.testing.strategies.measurable_targets`, ``st.from_type(alliance.events.GoalAgreed)``
from ``goal_agreed_events()``, ``st.from_type(alliance.Partnership)`` from
``partnerships()``, and so on for every value type and event class: valid objects, built
through their constructors (hypothesis' own inference would skip attrs validators).

The hook is cheap: it registers a small function per type and builds no strategy.
:mod:`alliance.testing.strategies` is imported only when hypothesis first asks for one
of these types. This module imports nothing from hypothesis until the hook runs, so it
can be imported (and is harmless) where hypothesis is not installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import alliance

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

_Resolver = Callable[[type[Any]], "SearchStrategy[Any]"]

# Value types and the strategy (in alliance.testing.strategies) that draws them.
_VALUE_STRATEGIES: dict[str, str] = {
    "CommunicationPreferences": "communication_preferences",
    "ContactDetails": "contact_details",
    "Child": "children",
    "Carer": "carers",
    "Professional": "professionals",
    "CommunicationPlan": "communication_plans",
    "MeasurableTarget": "measurable_targets",
    "GasLevel": "gas_levels",
    "GasScale": "gas_scales",
    "MasteryCriterion": "mastery_criteria",
    "ActionItem": "action_items",
    "PlanStep": "plan_steps",
    "Audience": "audiences",
    "FidelityStep": "fidelity_steps",
    "FidelityChecklist": "fidelity_checklists",
    "ResponseTime": "response_times",
    "ContactRoute": "contact_routes",
    "PartnershipAgreement": "partnership_agreements",
    "Event": "events",
    "Partnership": "partnerships",
}


def _strategies() -> Any:
    return importlib.import_module("alliance.testing.strategies")


def _named(name: str) -> _Resolver:
    """Resolve a type to ``strategies.<name>()``, importing the strategies then."""

    def resolve(_requested: type[Any]) -> SearchStrategy[Any]:
        strategy: SearchStrategy[Any] = getattr(_strategies(), name)()
        return strategy

    return resolve


def _event(event_type: type[Any]) -> _Resolver:
    """Resolve to ``strategies.events_of(event_type)`` (the class registered, even when
    hypothesis asks on behalf of a superclass such as :class:`alliance.Event`)."""

    def resolve(_requested: type[Any]) -> SearchStrategy[Any]:
        module: Any = _strategies()
        found: SearchStrategy[Any] = module.events_of(event_type)
        return found

    return resolve


def _step_fidelity(_requested: type[Any]) -> SearchStrategy[Any]:
    """One step's score: the first of a checklist's scores (on either scale)."""
    scores: SearchStrategy[Any] = _strategies().step_fidelities()
    return scores.map(lambda steps: steps[0])


def _states(_requested: type[Any]) -> SearchStrategy[Any]:
    histories: SearchStrategy[Any] = _strategies().partnership_histories()
    return histories.map(alliance.fold)


def _registrations() -> list[tuple[type[Any], _Resolver]]:
    """Every (type, resolver) pair the hook registers."""
    found: list[tuple[type[Any], _Resolver]] = [
        (getattr(alliance.model, type_name), _named(strategy))
        for type_name, strategy in _VALUE_STRATEGIES.items()
    ]
    found.append((alliance.model.StepFidelity, _step_fidelity))
    found.append((alliance.PartnershipState, _states))
    found.extend(  # alliance's own event classes (a plugin's are its own to register)
        (event_type, _event(event_type))
        for event_type in alliance.event_types().values()
        if event_type.__module__.startswith("alliance.")
    )
    return found


def _hypothesis_setup_hook() -> None:
    """Register a strategy for every public ``alliance`` value type, event class,
    :class:`alliance.Partnership` and :class:`alliance.PartnershipState` (called by
    hypothesis through its ``hypothesis`` entry-point group; safe to call again)."""
    from hypothesis import strategies as st  # noqa: PLC0415 (hypothesis is importing us)

    for registered, resolver in _registrations():
        st.register_type_strategy(registered, resolver)
