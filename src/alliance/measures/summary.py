"""Summary figures over a partnership's goals: how many were mastered, and how fast.

**Which goals count.** A goal counts as a *target* once it has been shared (agreed by a
carer and a professional); goals never shared are not targets yet. Discontinued goals
leave the denominator (they are counted apart), whatever happened before.

**Mastered.** A target is mastered when its current mastery criterion is met by its
data (:func:`alliance.measures.evaluate_mastery`), or when a member recorded it achieved;
the day is the earlier of the two. Time to mastery runs from the local day it was first
shared to the day it was mastered.

**Carers' own goals.** The same figures are given for the goals the carers own: goals a
carer proposed (the family's own priorities for the child), and every goal in the
``family-wellbeing`` domain (goals about the family rather than the child), whoever
proposed them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence

import attrs
import pendulum

from alliance.measures.mastery import evaluate_mastery
from alliance.model import _checks as c
from alliance.model.goals import Goal, GoalDomain, GoalStatus
from alliance.model.people import MemberRole
from alliance.model.state import PartnershipState

__all__ = [
    "MasteryFigures",
    "MasterySummary",
    "TargetOutcome",
    "is_carers_goal",
    "summarise_mastery",
]


@attrs.frozen(kw_only=True)
class TargetOutcome:
    """One goal's part in the summary figures.

    Attributes:
        goal_id: the goal.
        statement: its current statement.
        carers_goal: whether it is one of the carers' own goals.
        status: its status.
        started_on: the local day it was first shared.
        mastered_on: the day it was mastered, if it was.
        days_to_mastery: days from ``started_on`` to ``mastered_on`` (never negative).
        how: how it was mastered: "mastery criterion met" or "recorded as achieved".
    """

    goal_id: str
    statement: str
    carers_goal: bool
    status: GoalStatus
    started_on: pendulum.Date | None
    mastered_on: pendulum.Date | None = None
    days_to_mastery: int | None = None
    how: str | None = None


@attrs.frozen(kw_only=True)
class MasteryFigures:
    """Share of targets mastered and time to mastery, over a set of goals.

    Attributes:
        targets: goals in the denominator (shared, not discontinued).
        mastered: how many of them were mastered.
        discontinued: shared goals that were discontinued (left out of ``targets``).
        share_mastered: ``mastered / targets`` (``None`` without targets).
        median_days_to_mastery: the median time to mastery of the mastered targets.
        outcomes: each target, in the order the goals were proposed.
    """

    targets: int
    mastered: int
    discontinued: int
    share_mastered: float | None
    median_days_to_mastery: float | None
    outcomes: tuple[TargetOutcome, ...]


@attrs.frozen(kw_only=True)
class MasterySummary:
    """The figures for every goal, and for the carers' own goals."""

    all_goals: MasteryFigures
    carers_goals: MasteryFigures


def is_carers_goal(state: PartnershipState, goal: Goal) -> bool:
    """Whether *goal* is one of the carers' own: proposed by a carer, or in the
    family-wellbeing domain."""
    proposer = state.members.get(goal.proposed_by)
    return goal.domain is GoalDomain.FAMILY_WELLBEING or (
        proposer is not None and proposer.role is MemberRole.CARER
    )


def _outcome(state: PartnershipState, goal: Goal, as_of: pendulum.DateTime | None) -> TargetOutcome:
    assert goal.shared_at is not None
    started = state.local_date(goal.shared_at)
    candidates: list[tuple[pendulum.Date, str]] = []
    if goal.current.mastery is not None:
        evaluation = evaluate_mastery(state, goal.goal_id, as_of=as_of)
        if evaluation.mastered_on is not None:
            candidates.append((evaluation.mastered_on, "mastery criterion met"))
    if goal.status is GoalStatus.ACHIEVED:
        candidates.append((state.local_date(goal.status_changed_at), "recorded as achieved"))
    mastered_on, how = min(candidates) if candidates else (None, None)
    return TargetOutcome(
        goal_id=goal.goal_id,
        statement=goal.statement,
        carers_goal=is_carers_goal(state, goal),
        status=goal.status,
        started_on=started,
        mastered_on=mastered_on,
        days_to_mastery=None if mastered_on is None else max(0, (mastered_on - started).days),
        how=how,
    )


def _figures(outcomes: Sequence[TargetOutcome], discontinued: int) -> MasteryFigures:
    mastered = [o for o in outcomes if o.mastered_on is not None]
    times = [o.days_to_mastery for o in mastered if o.days_to_mastery is not None]
    return MasteryFigures(
        targets=len(outcomes),
        mastered=len(mastered),
        discontinued=discontinued,
        share_mastered=len(mastered) / len(outcomes) if outcomes else None,
        median_days_to_mastery=float(statistics.median(times)) if times else None,
        outcomes=tuple(outcomes),
    )


def summarise_mastery(
    state: PartnershipState, *, as_of: dt.datetime | None = None
) -> MasterySummary:
    """Share of targets mastered and time to mastery, for every goal and for the carers'
    own goals. Pass the state as of a moment (``partnership.as_of(moment)``) to read the
    figures then; *as_of* also limits the observations used."""
    moment = None if as_of is None else c.utc_datetime("as_of", as_of)
    outcomes: list[TargetOutcome] = []
    discontinued: list[Goal] = []
    for goal in state.goals.values():
        if goal.shared_at is None:
            continue
        if goal.status is GoalStatus.DISCONTINUED:
            discontinued.append(goal)
            continue
        outcomes.append(_outcome(state, goal, moment))
    return MasterySummary(
        all_goals=_figures(outcomes, len(discontinued)),
        carers_goals=_figures(
            [o for o in outcomes if o.carers_goal],
            sum(1 for g in discontinued if is_carers_goal(state, g)),
        ),
    )
