"""Registers ``alliance``'s strategies with hypothesis, so ``st.from_type`` just works.

Private. hypothesis runs alliance's entry point (``_alliance_plugins:hypothesis_setup_hook``,
in the ``hypothesis`` entry-point group: see ``pyproject.toml``) when it is imported, in any
process where ``alliance`` is installed, unless ``HYPOTHESIS_NO_PLUGINS`` is set. That hook
lives outside the ``alliance`` package and imports nothing: it calls :func:`register` once
``alliance`` is imported (at once if it already is, or else at the end of ``alliance``'s own
import), so ``import hypothesis`` imports no ``alliance`` module. After that,
``st.from_type(alliance.model.MeasurableTarget)`` draws from
:func:`alliance.testing.strategies.measurable_targets`, ``st.from_type(alliance.events.GoalAgreed)``
from ``goal_agreed_events()``, ``st.from_type(alliance.Partnership)`` from
``partnerships()``, and so on for every public attrs type of the model (values drawn by
hand or derived from their fields, folded records from a real fold: see
:func:`alliance.testing.strategies.values_of` and
:func:`~alliance.testing.strategies.records_of`) and every event class: valid objects,
built through their constructors (hypothesis' own inference would skip attrs
validators).

Registering is cheap: it registers a small function per type and builds no strategy.
:mod:`alliance.testing.strategies` is imported only when hypothesis first asks for one
of these types. This module imports nothing from hypothesis until :func:`register` runs,
so it can be imported (and is harmless) where hypothesis is not installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

import alliance
from alliance.testing._names import event_strategy_names

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

_Resolver = Callable[[type[Any]], "SearchStrategy[Any]"]


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
        found: SearchStrategy[Any] = _strategies().events_of(event_type)
        return found

    return resolve


def _value(cls: type[Any]) -> _Resolver:
    def resolve(_requested: type[Any]) -> SearchStrategy[Any]:
        found: SearchStrategy[Any] = _strategies().values_of(cls)
        return found

    return resolve


def _record(cls: type[Any]) -> _Resolver:
    def resolve(_requested: type[Any]) -> SearchStrategy[Any]:
        found: SearchStrategy[Any] = _strategies().records_of(cls)
        return found

    return resolve


def _states(_requested: type[Any]) -> SearchStrategy[Any]:
    histories: SearchStrategy[Any] = _strategies().partnership_histories()
    return histories.map(alliance.fold)


def _is_record(cls: type[Any]) -> bool:
    """A record is folded, never built by hand: none of its fields has a validator."""
    return all(field.validator is None for field in attrs.fields(cls))


def _model_types() -> list[type[Any]]:
    """Every public attrs class of the model but the events and the state."""
    found = []
    for name in alliance.model.__all__:
        cls = getattr(alliance.model, name)
        if (
            isinstance(cls, type)
            and attrs.has(cls)
            and not issubclass(cls, alliance.Event)
            and cls is not alliance.PartnershipState
        ):
            found.append(cls)
    return found


def _registrations() -> list[tuple[type[Any], _Resolver]]:
    """Every (type, resolver) pair the hook registers."""
    hand_made = {
        "MeasurableTarget": "measurable_targets",
        "GasScale": "gas_scales",
        "Audience": "audiences",
    }
    found: list[tuple[type[Any], _Resolver]] = []
    for cls in _model_types():
        if cls.__name__ in hand_made:
            found.append((cls, _named(hand_made[cls.__name__])))
        elif _is_record(cls):
            found.append((cls, _record(cls)))
        else:
            found.append((cls, _value(cls)))
    found.append((alliance.Event, _named("built_in_events")))
    found.append((alliance.Partnership, _named("partnerships")))
    found.append((alliance.PartnershipState, _states))
    found.extend(  # alliance's own event classes (a host's are its own to register)
        (event_type, _named(name)) for name, event_type in event_strategy_names().items()
    )
    return found


def register() -> None:
    """Register a strategy for every public attrs type of the model, every alliance event
    class, :class:`alliance.Partnership` and :class:`alliance.PartnershipState` (called
    through alliance's ``hypothesis`` entry point once ``alliance`` is imported; safe to
    call again)."""
    from hypothesis import strategies as st  # noqa: PLC0415 (hypothesis is importing us)

    for registered, resolver in _registrations():
        st.register_type_strategy(registered, resolver)


# The entry point's old name: an editable install made before the entry points moved to
# _alliance_plugins still names it, and hypothesis would fail to import without it.
_hypothesis_setup_hook = register
