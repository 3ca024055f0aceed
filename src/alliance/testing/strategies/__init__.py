"""Hypothesis strategies for ``alliance``'s values, events and whole valid timelines.

Four layers, each built on the one before:

- **Scalars** (``_scalars``): :func:`aware_datetimes`, :func:`dates`, :func:`durations`,
  :func:`ids`, :func:`texts`, :func:`readable_texts`, :func:`language_tags`,
  :func:`time_zone_names`, and strategies for *invalid* scalars
  (:func:`naive_datetimes`, :func:`blank_texts`, :func:`invalid_ids`) to check that the
  model refuses them.
- **Values** (``_values``): :func:`values_of` draws any public attrs type of the model,
  each valid on its own: by hand for values with rules across their fields
  (``measurable_targets()``, ``gas_scales()``, ``fidelity_checklists()``,
  ``partnership_agreements()``...; :func:`step_fidelities`, a score for every step of a
  given checklist), derived from its fields for the others; :func:`records_of` draws a
  folded record (a :class:`alliance.model.Goal`, a :class:`alliance.model.Setback`...)
  from a real fold.
- **Events** (``_events``): :func:`events_of` draws events of any registered class, a
  host's own included, derived from the class's fields; each built-in class also has a
  strategy named ``<snake_case name>_events()`` (``goal_agreed_events()`` for
  :class:`alliance.events.GoalAgreed`). :func:`events` draws any event. Their ids are
  arbitrary, so :meth:`alliance.Partnership.record` usually refuses them: use them for
  serialization and validation tests.
- **Timelines** (``_histories``): :func:`partnership_histories` draws a whole valid
  timeline, asking the model at every step which events the state allows and which
  members may record them (knobs: the mix of topics, the minimum number of active goals
  and observations, the start, the kind of text, the policy); :func:`replay` records a
  timeline into a fresh :class:`alliance.Partnership`, :func:`partnerships` draws one,
  and :func:`invalid_next_events` draws an event the model must refuse on top of a
  state.

Every strategy takes keyword arguments only, and shrinks towards short, simple values.
None of them uses :func:`hypothesis.strategies.builds` on an attrs class with
validators (which would infer values without honouring them): each draws values of the
kinds its validators accept and calls the real constructor, so validators run.

Example::

    from hypothesis import given
    import alliance as al
    from alliance.testing import strategies as alliance_st

    @given(alliance_st.partnership_histories(max_events=30))
    def test_state_round_trips(events):
        state = al.fold(events)
        assert al.from_data(al.to_data(state), al.PartnershipState) == state

Run hypothesis with ``--hypothesis-show-statistics`` to see how often each event type
was drawn by :func:`partnership_histories` (it reports each as a hypothesis ``event``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from alliance.testing._names import event_strategy_names
from alliance.testing.strategies import _events, _histories, _invalid, _scalars, _values
from alliance.testing.strategies._events import *
from alliance.testing.strategies._histories import *
from alliance.testing.strategies._invalid import *
from alliance.testing.strategies._scalars import *
from alliance.testing.strategies._values import *

__all__: list[str] = []
__all__ += _scalars.__all__
__all__ += _values.__all__
__all__ += _events.__all__
__all__ += _histories.__all__
__all__ += _invalid.__all__
__all__ += sorted(event_strategy_names())  # noqa: PLE0605 (one per built-in event class)


@functools.cache
def __getattr__(name: str) -> Callable[..., st.SearchStrategy[Any]]:
    """``goal_agreed_events`` and the other ``<snake_case name>_events`` strategies:
    :func:`events_of` of the class (same ``actors`` and ``times`` arguments)."""
    cls = event_strategy_names().get(name)
    if cls is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def drawn(
        draw: st.DrawFn, *, actors: _events.Actors = None, times: _events.Times = None
    ) -> Any:
        return draw(_events.events_of(cls, actors=actors, times=times))

    drawn.__name__ = drawn.__qualname__ = name
    drawn.__doc__ = f":class:`alliance.events.{cls.__name__}` events (see :func:`events_of`)."
    return st.composite(drawn)
