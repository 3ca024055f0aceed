"""Home practice: strategies carers practise at home, at school and in the community, and
the carers' practice log. Practice across settings is what lets skills generalise."""

from __future__ import annotations

import enum

import attrs
import pendulum

from alliance.model.partnership import Setting


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
