"""The testing kit for QA engineers.

- :mod:`alliance.testing.strategies`: hypothesis strategies for every value, every event
  and whole valid timelines, a host's own events included (needs the ``testing`` extra,
  which brings hypothesis). Its public names are re-exported here.
- :mod:`alliance.testing.state_machine`: :class:`PartnershipStateMachine`, a hypothesis
  state machine over partnership commands, to subclass with the clinic's own
  invariants (re-exported here).
- :mod:`alliance.testing.store_contract`: the pytest suite every storage backend must
  pass.
- :mod:`alliance.testing.pytest_plugin`: pytest fixtures (``alliance_store``,
  ``alliance_clinic_id``, ``sample_partnership``), loaded automatically through the
  ``pytest11`` entry point.

With hypothesis installed, ``st.from_type`` draws valid ``alliance`` values, events and
partnerships from these strategies: they are registered through hypothesis' own
``hypothesis`` entry point when hypothesis is imported.

The re-exports are imported on first use, so importing :mod:`alliance.testing` (or the
storage contract) does not import hypothesis; the rest of ``alliance`` never does::

    from hypothesis import given
    from alliance.testing import partnership_histories, replay

    @given(partnership_histories())
    def test_my_report_handles_any_timeline(events):
        partnership = replay(events)
        ...
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    """Import :mod:`alliance.testing.strategies` (or the state machine) when one of its
    names (or ``__all__``) is first used."""
    if name == "PartnershipStateMachine":
        return importlib.import_module("alliance.testing.state_machine").PartnershipStateMachine
    module = importlib.import_module("alliance.testing.strategies")
    if name == "strategies":
        return module
    if name == "__all__":
        return ["PartnershipStateMachine", "strategies", *module.__all__]
    if name.startswith("_") and name != "__all__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(module, name)
