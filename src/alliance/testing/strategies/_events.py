"""Strategies for every event class, each event valid on its own (private; import them
from :mod:`alliance.testing.strategies`).

Each is derived from the class's attrs fields and the event registry: a field is drawn
as its validator or its type says (:mod:`._derive`), with the one rule across fields
the fields cannot say written here (a measure's answers fit its instrument). The ids an
event refers to are arbitrary, so :meth:`alliance.Partnership.record` usually refuses
it: use these for serialization and validation tests, and
:func:`alliance.testing.strategies.partnership_histories` for events that fit a
timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import alliance as al
from alliance.testing.strategies._derive import built, derived
from alliance.testing.strategies._scalars import aware_datetimes, ids, time_zone_names
from alliance.testing.strategies._values import measure_answers, values_of

__all__ = [
    "built_in_events",
    "events",
    "events_of",
]

E = TypeVar("E", bound=al.Event)

Actors = st.SearchStrategy[str] | None
Times = st.SearchStrategy[pendulum.DateTime] | None

_INSTRUMENTS = st.sampled_from(al.measures.SHIPPED_INSTRUMENTS)


def _measure(draw: st.DrawFn) -> dict[str, Any]:
    instrument = draw(_INSTRUMENTS)
    return {"instrument": instrument, "answers": measure_answers(draw, instrument)}


_ACROSS_FIELDS: dict[type[al.Event], Callable[[st.DrawFn], dict[str, Any]]] = {
    al.events.MeasureCompleted: _measure,
}
"""Rules across an event's fields its validators cannot say: the fields drawn together."""


def event_classes() -> list[type[al.Event]]:
    """Every registered event class, by type name (the host's own included)."""
    return sorted(al.event_types().values(), key=lambda cls: cls.type_name)


@st.composite
def _event(draw: st.DrawFn, cls: type[E], actors: Actors, times: Times) -> E:
    fixed: dict[str, Any] = {
        "actor": draw(actors if actors is not None else ids()),
        "occurred_at": draw(
            times if times is not None else aware_datetimes(time_zones=time_zone_names())
        ),
    }
    together = _ACROSS_FIELDS.get(cls)
    if together is not None:
        fixed.update(together(draw))
    strategies = derived(cls, values_of, skip=frozenset(fixed))
    return draw(built(cls, strategies, fixed))


def events_of(
    event_type: type[E], *, actors: Actors = None, times: Times = None
) -> st.SearchStrategy[E]:
    """Events of one registered class (the host's own included), each valid on its own:
    ``events_of(alliance.events.GoalAgreed)``.

    Args:
        actors: strategy for ``actor`` (default :func:`ids`).
        times: strategy for ``occurred_at`` (default: any instant, shown in any of
            :data:`TIME_ZONE_NAMES`, so that the UTC conversion is exercised).

    Raises:
        hypothesis.errors.InvalidArgument: for a class that is not a registered event
            type (the base :class:`alliance.Event`, say).
    """
    if al.event_types().get(getattr(event_type, "type_name", "")) is not event_type:
        raise InvalidArgument(
            f"no strategy for event type {getattr(event_type, '__name__', event_type)!r}: "
            "it is not a registered event class"
        )
    return _event(event_type, actors, times)


def events(*, actors: Actors = None, times: Times = None) -> st.SearchStrategy[al.Event]:
    """Any registered event type (a host's own included), each with arbitrary but
    valid-on-its-own values."""
    return st.one_of([events_of(cls, actors=actors, times=times) for cls in event_classes()])


def built_in_events(*, actors: Actors = None, times: Times = None) -> st.SearchStrategy[al.Event]:
    """Any of alliance's own event types (what ``st.from_type(alliance.Event)`` draws:
    a host registers its own types' strategies)."""
    return st.one_of(
        [
            events_of(cls, actors=actors, times=times)
            for cls in event_classes()
            if cls.__module__.startswith("alliance.")
        ]
    )
