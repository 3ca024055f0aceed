"""The name of each event class's strategy (private; imports nothing from hypothesis)."""

from __future__ import annotations

import re

from alliance.model.event import Event, event_types


def strategy_name(cls: type[Event]) -> str:
    """``goal_agreed_events`` for ``GoalAgreed``: the name of its strategy."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower() + "_events"


def event_strategy_names() -> dict[str, type[Event]]:
    """``{"goal_agreed_events": GoalAgreed, ...}`` for every built-in event class."""
    return {
        strategy_name(cls): cls
        for cls in sorted(event_types().values(), key=lambda cls: cls.type_name)
        if cls.__module__.startswith("alliance.model.")
    }
