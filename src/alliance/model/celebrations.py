"""Celebrations: small successes and milestones, recorded as such and shared with the
family.

Progress is not linear; noticing and naming what went well keeps everyone going. A
celebration links to what it celebrates (a goal, an observation, a strategy) when there
is one. It is for everyone in the partnership unless its audience says otherwise, and
counts as good news shared (the ``good-news`` rule, the family report).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.model import _checks as c
from alliance.model.audience import EVERYONE, Audience, audience_field
from alliance.model.consent import shared_with_school
from alliance.model.event import ActedOn, Event, Permission, Side
from alliance.model.goals import goal_proposed_by
from alliance.model.home_practice import strategy_planned_by

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = ["Celebration", "CelebrationKind", "SuccessCelebrated", "celebrated_goal"]


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

    permission = Permission(
        act="celebrating a success",
        carer=True,
        professional=True,
        educator="on goals shared with the school (or none)",
    )

    celebration_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    kind: CelebrationKind = attrs.field(
        default=CelebrationKind.SMALL_SUCCESS, validator=c.one_of(CelebrationKind)
    )
    description: str = attrs.field(validator=c.text)
    goal_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
    observation_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
    strategy_id: str | None = attrs.field(default=None, validator=c.optional_identifier)
    audience: Audience = audience_field()

    def check(self, state: PartnershipState) -> None:
        """A new id; the goal, observation and strategy it names exist, were there by
        then, and are about one goal."""
        c.audience_members(state, self.audience, self.occurred_at)
        c.unused_id("celebration_id", self.celebration_id, state.celebrations, "celebration")
        if self.goal_id is not None:
            goal_proposed_by(state, self.goal_id, self.occurred_at)
        if self.observation_id is not None:
            observation = c.known(
                state.observations, self.observation_id, "observation_id", "observation"
            )
            c.not_before(
                "occurred_at", self.occurred_at, observation.observed_at, "the observation"
            )
            if self.goal_id is not None and observation.goal_id != self.goal_id:
                raise ValidationError(
                    "goal_id",
                    f"observation {self.observation_id!r} is of goal {observation.goal_id!r}, "
                    f"not {self.goal_id!r}",
                )
        if self.strategy_id is not None:
            strategy = strategy_planned_by(state, self.strategy_id, self.occurred_at)
            goal_id = celebrated_goal(state, self)
            if strategy.goal_id != goal_id:
                raise ValidationError(
                    "strategy_id",
                    f"strategy {self.strategy_id!r} serves goal {strategy.goal_id!r}, "
                    f"not {goal_id!r}",
                )

    def refusal_for(self, state: PartnershipState, side: Side) -> str | None:
        """Educators celebrate on goals shared with the school (or on none)."""
        if side is not Side.EDUCATOR:
            return None
        goal_id = celebrated_goal(state, self)
        if goal_id is None or shared_with_school(state, goal_id, self.actor, self.occurred_at):
            return None
        return f"goal {goal_id!r} is not shared with the school: no carer's consent covers it"

    def acted_on(self, state: PartnershipState) -> ActedOn | None:
        """The observation celebrated, if any."""
        if self.observation_id is None:
            return None
        observation = state.observations[self.observation_id]
        return ActedOn(
            what="observation", audience=observation.audience, author=observation.observer
        )

    def apply(self, state: PartnershipState) -> None:
        """A celebration, about the goal it names or its observation's or strategy's."""
        state.celebrations[self.celebration_id] = Celebration(
            celebration_id=self.celebration_id,
            kind=self.kind,
            description=self.description,
            celebrated_by=self.actor,
            celebrated_at=self.occurred_at,
            goal_id=celebrated_goal(state, self),
            observation_id=self.observation_id,
            strategy_id=self.strategy_id,
            audience=self.audience,
        )


def celebrated_goal(state: PartnershipState, event: SuccessCelebrated) -> str | None:
    """The goal *event* celebrates: its own ``goal_id``, else its observation's, else its
    strategy's (the records it names must exist in *state*)."""
    if event.goal_id is not None:
        return event.goal_id
    if event.observation_id is not None:
        return state.observations[event.observation_id].goal_id
    if event.strategy_id is not None:
        return state.strategies[event.strategy_id].goal_id
    return None


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
