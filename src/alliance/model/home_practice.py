"""Home practice: strategies carers practise at home, at school and in the community, and
the carers' practice log. Practice across settings is what lets skills generalise."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import attrs
import pendulum

from alliance.errors import DomainError
from alliance.model import _checks as c
from alliance.model.event import Event, Permission
from alliance.model.goals import open_goal
from alliance.model.partnership import Setting
from alliance.model.people import MemberRole

if TYPE_CHECKING:
    from alliance.model.state import PartnershipState

__all__ = [
    "Difficulty",
    "HomePracticeAdapted",
    "HomePracticePlanned",
    "HomePracticeStopped",
    "HomePracticeStrategy",
    "PracticeLogEntry",
    "PracticeLogged",
    "StrategyAdaptation",
]


class Difficulty(enum.StrEnum):
    """How hard a practice session felt to the carer."""

    EASY = "easy"
    MANAGEABLE = "manageable"
    HARD = "hard"


@attrs.frozen(kw_only=True)
class StrategyAdaptation:
    """A change to a home-practice strategy, and why it was made."""

    description: str
    times_per_week: int
    reason: str
    adapted_by: str
    adapted_at: pendulum.DateTime


@attrs.frozen(kw_only=True)
class HomePracticeStrategy:
    """A strategy carers practise outside the clinic, as it stands.

    Attributes:
        strategy_id: its id.
        goal_id: the goal it serves.
        description: what to do (current wording).
        times_per_week: how often (current plan).
        setting: where it is practised.
        carers: the carers who practise it.
        planned_by: who planned it.
        planned_at: when.
        adaptations: every change since, oldest first.
        stopped_at: when it was stopped, or ``None`` while in use.
        stop_reason: why it was stopped.
    """

    strategy_id: str
    goal_id: str
    description: str
    times_per_week: int
    setting: Setting
    carers: frozenset[str]
    planned_by: str
    planned_at: pendulum.DateTime
    adaptations: tuple[StrategyAdaptation, ...] = ()
    stopped_at: pendulum.DateTime | None = None
    stop_reason: str | None = None

    @property
    def is_active(self) -> bool:
        """Whether the strategy is still being practised."""
        return self.stopped_at is None


@attrs.frozen(kw_only=True)
class PracticeLogEntry:
    """A carer's note of one planned practice: done or not, how hard, how confident.

    Attributes:
        entry_id: its id.
        strategy_id: the strategy practised.
        carer: who logged it.
        practised_at: when it was (or was meant to be) practised.
        done: whether it happened.
        difficulty: how hard it felt, if said.
        confidence: the carer's confidence using the strategy, 1 (not at all) to 5 (very).
        note: anything else.
    """

    entry_id: str
    strategy_id: str
    carer: str
    practised_at: pendulum.DateTime
    done: bool
    difficulty: Difficulty | None = None
    confidence: int | None = None
    note: str | None = None


def strategy_in(state: PartnershipState, strategy_id: str) -> HomePracticeStrategy:
    """The home-practice strategy *strategy_id* (``UnknownRecordError`` if there is none)."""
    return c.known(state.strategies, strategy_id, "strategy_id", "home-practice strategy")


def strategy_planned_by(
    state: PartnershipState, strategy_id: str, at: pendulum.DateTime, field: str = "strategy_id"
) -> HomePracticeStrategy:
    """The strategy, which must have been planned by *at* (``UnknownRecordError`` on
    *field* if there is none)."""
    strategy = c.known(state.strategies, strategy_id, field, "home-practice strategy")
    c.not_before("occurred_at", at, strategy.planned_at, "the strategy was planned")
    return strategy


def active_strategy(
    state: PartnershipState, event: Event, strategy_id: str
) -> HomePracticeStrategy:
    """The strategy, still in use, planned by the time of *event*."""
    strategy = strategy_in(state, strategy_id)
    if not strategy.is_active:
        raise DomainError("strategy_id", f"strategy {strategy_id!r} was stopped")
    c.not_before("occurred_at", event.occurred_at, strategy.planned_at, "the strategy was planned")
    return strategy


@attrs.frozen(kw_only=True)
class HomePracticePlanned(Event):
    """A strategy for carers to practise outside the clinic was planned."""

    permission = Permission(act="planning home practice", professional=True)

    strategy_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    goal_id: str = attrs.field(validator=c.identifier)
    description: str = attrs.field(validator=c.text)
    times_per_week: int = attrs.field(validator=c.whole_number(1, 70))
    setting: Setting = attrs.field(default=Setting.HOME, validator=c.one_of(Setting))
    carers: frozenset[str] = attrs.field(validator=c.non_empty_identifiers)

    def check(self, state: PartnershipState) -> None:
        """A new id, an open goal, and carers who are current carers."""
        c.unused_id("strategy_id", self.strategy_id, state.strategies, "strategy")
        open_goal(state, self, self.goal_id)
        c.members_with_role(state, "carers", self.carers, self.occurred_at, MemberRole.CARER)

    def apply(self, state: PartnershipState) -> None:
        """A new strategy in use."""
        state.strategies[self.strategy_id] = HomePracticeStrategy(
            strategy_id=self.strategy_id,
            goal_id=self.goal_id,
            description=self.description,
            times_per_week=self.times_per_week,
            setting=self.setting,
            carers=self.carers,
            planned_by=self.actor,
            planned_at=self.occurred_at,
        )


@attrs.frozen(kw_only=True)
class HomePracticeAdapted(Event):
    """A home-practice strategy was adapted, usually after carers' feedback."""

    permission = Permission(act="adapting home practice", professional=True)

    strategy_id: str = attrs.field(validator=c.identifier)
    description: str = attrs.field(validator=c.text)
    times_per_week: int = attrs.field(validator=c.whole_number(1, 70))
    reason: str = attrs.field(validator=c.text)

    def check(self, state: PartnershipState) -> None:
        """A strategy in use."""
        active_strategy(state, self, self.strategy_id)

    def apply(self, state: PartnershipState) -> None:
        """The strategy's new wording and frequency, the adaptation kept."""
        strategy = state.strategies[self.strategy_id]
        adaptation = StrategyAdaptation(
            description=self.description,
            times_per_week=self.times_per_week,
            reason=self.reason,
            adapted_by=self.actor,
            adapted_at=self.occurred_at,
        )
        state.strategies[self.strategy_id] = attrs.evolve(
            strategy,
            description=self.description,
            times_per_week=self.times_per_week,
            adaptations=(*strategy.adaptations, adaptation),
        )


@attrs.frozen(kw_only=True)
class HomePracticeStopped(Event):
    """A home-practice strategy is no longer used."""

    permission = Permission(act="stopping home practice", professional=True)

    strategy_id: str = attrs.field(validator=c.identifier)
    reason: str = attrs.field(validator=c.text)

    def check(self, state: PartnershipState) -> None:
        """A strategy in use."""
        active_strategy(state, self, self.strategy_id)

    def apply(self, state: PartnershipState) -> None:
        """The strategy is stopped."""
        state.strategies[self.strategy_id] = attrs.evolve(
            state.strategies[self.strategy_id],
            stopped_at=self.occurred_at,
            stop_reason=self.reason,
        )


_confidence = attrs.validators.optional(c.whole_number(1, 5))


@attrs.frozen(kw_only=True)
class PracticeLogged(Event):
    """A carer logged a planned practice: done or not, how hard, how confident."""

    permission = Permission(
        act="logging home practice",
        carer="yes (the model allows carers only)",
        professional="the policy allows it; the model refuses (the log is the carers')",
    )

    entry_id: str = attrs.field(factory=c.new_id, validator=c.identifier)
    strategy_id: str = attrs.field(validator=c.identifier)
    done: bool = attrs.field(validator=c.instance_of(bool))
    difficulty: Difficulty | None = attrs.field(
        default=None, validator=c.optional_one_of(Difficulty)
    )
    confidence: int | None = attrs.field(default=None, validator=_confidence)
    note: str | None = attrs.field(default=None, validator=c.optional_text)

    def check(self, state: PartnershipState) -> None:
        """A new id, a strategy in use, logged by a carer."""
        c.unused_id("entry_id", self.entry_id, state.practice_log, "practice log entry")
        active_strategy(state, self, self.strategy_id)
        if state.role_of(self.actor) is not MemberRole.CARER:
            raise DomainError(
                "actor", "the practice log is the carers' own record; log practice as a carer"
            )

    def apply(self, state: PartnershipState) -> None:
        """A new entry in the practice log."""
        state.practice_log[self.entry_id] = PracticeLogEntry(
            entry_id=self.entry_id,
            strategy_id=self.strategy_id,
            carer=self.actor,
            practised_at=self.occurred_at,
            done=self.done,
            difficulty=self.difficulty,
            confidence=self.confidence,
            note=self.note,
        )
