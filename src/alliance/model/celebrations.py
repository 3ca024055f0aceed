"""Celebrations: small successes and milestones, recorded as such and shared with the
family.

Progress is not linear; noticing and naming what went well keeps everyone going. A
celebration links to what it celebrates (a goal, an observation, a strategy) when there
is one. It is for everyone in the partnership unless its audience says otherwise, and
counts as good news shared (the ``good-news`` rule, the family report).
"""

from __future__ import annotations

import enum

import attrs
import pendulum

from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience
from alliance.model.events import Event

__all__ = ["Celebration", "CelebrationKind", "SuccessCelebrated"]

_OMIT = {"omit_if_default": True}


class CelebrationKind(enum.StrEnum):
    """How big a success it is."""

    SMALL_SUCCESS = "small-success"
    """A small step: a first try, a good morning, a new word used once."""
    MILESTONE = "milestone"
    """A milestone: a goal reached, a skill used in a new place, a phase completed."""


@attrs.frozen(kw_only=True)
class SuccessCelebrated(Event):
    """A member recorded a success to celebrate.

    Attributes:
        celebration_id: its id (generated when not given).
        kind: a small success or a milestone.
        description: what happened, in plain language.
        goal_id: the goal it is about, if any.
        observation_id: the observation that showed it, if any (then ``goal_id``, if
            given, is that observation's goal).
        strategy_id: the home-practice strategy it is about, if any.
        audience: who may see it (everyone by default: celebrations are for sharing).
    """

    celebration_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: CelebrationKind = attrs.field(
        default=CelebrationKind.SMALL_SUCCESS, validator=c.one_of(CelebrationKind)
    )
    description: str = attrs.field(validator=c.text)
    goal_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
    observation_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
    strategy_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
    audience: Audience = attrs.field(
        default=EVERYONE, validator=c.instance_of(Audience), metadata=_OMIT
    )


@attrs.frozen(kw_only=True)
class Celebration:
    """A success celebrated, as recorded.

    Attributes:
        celebration_id, kind, description, observation_id, strategy_id, audience: as
            recorded.
        goal_id: the goal it is about: as recorded, or the observation's or strategy's.
        celebrated_by, celebrated_at: who recorded it, and when.
    """

    celebration_id: str
    kind: CelebrationKind
    description: str
    celebrated_by: str
    celebrated_at: pendulum.DateTime
    goal_id: str | None = None
    observation_id: str | None = None
    strategy_id: str | None = None
    audience: Audience = EVERYONE
