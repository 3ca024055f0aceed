"""Coaching reports: each carer's fidelity in each coached strategy beside the progress
of the goal it serves, and carers' training (coaching) told apart from education.

Parent *training* (coached practice with feedback, its fidelity observed) is what moves
outcomes, beyond parent *education* (information shared, workshops attended); these
rows let a clinic see both, and see whether a carer's growing fidelity goes with the
child's progress.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pendulum

from alliance.model.coaching import fidelity_trend
from alliance.model.partnership import PartnershipStatus
from alliance.model.people import MemberRole
from alliance.model.state import PartnershipState
from alliance.reports._common import Period, moment_of, start_of
from alliance.reports._viewing import viewed
from alliance.reports.progress import DEFAULT_TREND_WINDOW, goal_progress
from alliance.storage.interface import Store

__all__ = [
    "CarerLearningRow",
    "FidelityRow",
    "carer_learning",
    "coaching_report",
    "fidelity_rows",
    "learning_report",
]


@attrs.frozen(kw_only=True)
class FidelityRow:
    """One carer's fidelity in one coached strategy, beside the goal's progress.

    Attributes:
        partnership_id, child_id, strategy_id, goal_id, carer: whose and in what.
        sessions: coaching sessions in the period.
        first_fidelity, latest_fidelity: the first and latest session's fidelity (%) in
            the period (``None`` without a session).
        independent_at: the checklist's threshold (%).
        implementing_independently: whether, as of the period's end, the latest
            ``sessions_needed`` sessions all reached the threshold.
        independent_since: the local date of the first session of that run.
        latest_confidence: the carer's confidence (1-5) at the latest session that
            recorded it.
        goal_share_of_the_way: the goal's share of the way from baseline to target at
            the period's end (see :class:`alliance.reports.GoalProgress`).
    """

    partnership_id: str
    child_id: str
    strategy_id: str
    goal_id: str
    carer: str
    sessions: int
    first_fidelity: float | None
    latest_fidelity: float | None
    independent_at: float
    implementing_independently: bool
    independent_since: pendulum.Date | None
    latest_confidence: int | None
    goal_share_of_the_way: float | None


@attrs.frozen(kw_only=True)
class CarerLearningRow:
    """What a carer took part in over a period: training apart from education.

    Attributes:
        partnership_id, carer: whose.
        coaching_sessions: coaching sessions (training) they had.
        strategies_coached: distinct strategies they were coached in.
        education_attended: workshops, information sessions, parent groups, courses.
        resources_received: resources shared with them (education too).
    """

    partnership_id: str
    carer: str
    coaching_sessions: int
    strategies_coached: int
    education_attended: int
    resources_received: int


def _in(state: PartnershipState, period: Period, moment: pendulum.DateTime) -> bool:
    start = start_of(state, period)
    return moment <= moment_of(state, period) and (start is None or moment >= start)


def fidelity_rows(
    state: PartnershipState,
    *,
    period: Period | None = None,
    window: pendulum.Duration = DEFAULT_TREND_WINDOW,
) -> list[FidelityRow]:
    """A :class:`FidelityRow` for every (coached strategy, carer coached in it) of
    *state*, sessions counted in *period* (default: the whole life)."""
    period = period or Period()
    rows = []
    for strategy_id in state.checklists:
        strategy = state.strategies[strategy_id]
        sessions = [s for s in state.coaching_for(strategy_id) if _in(state, period, s.held_at)]
        progress = goal_progress(state, strategy.goal_id, period=period, window=window)
        for carer in sorted({s.carer for s in sessions}):
            trend = fidelity_trend(sessions, strategy_id, carer)
            since = trend.independent_since
            rows.append(
                FidelityRow(
                    partnership_id=state.partnership_id,
                    child_id=state.child_id,
                    strategy_id=strategy_id,
                    goal_id=strategy.goal_id,
                    carer=carer,
                    sessions=len(trend.sessions),
                    first_fidelity=trend.sessions[0].fidelity,
                    latest_fidelity=trend.latest,
                    independent_at=trend.sessions[-1].checklist.independent_at,
                    implementing_independently=trend.implementing_independently,
                    independent_since=None if since is None else state.local_date(since.held_at),
                    latest_confidence=trend.latest_confidence,
                    goal_share_of_the_way=progress.share_of_the_way,
                )
            )
    return rows


def carer_learning(
    state: PartnershipState, *, period: Period | None = None
) -> list[CarerLearningRow]:
    """A :class:`CarerLearningRow` for every carer who ever joined *state*, counting what
    happened in *period* (default: the whole life)."""
    period = period or Period()
    rows = []
    for member in state.members.values():
        if member.role is not MemberRole.CARER:
            continue
        carer = member.member_id
        sessions = [
            s for s in state.coaching.values() if s.carer == carer and _in(state, period, s.held_at)
        ]
        rows.append(
            CarerLearningRow(
                partnership_id=state.partnership_id,
                carer=carer,
                coaching_sessions=len(sessions),
                strategies_coached=len({s.strategy_id for s in sessions}),
                education_attended=sum(
                    1
                    for x in state.education.values()
                    if carer in x.attendees and _in(state, period, x.attended_at)
                ),
                resources_received=sum(
                    1
                    for x in state.resources.values()
                    if carer in x.shared_with and _in(state, period, x.shared_at)
                ),
            )
        )
    return rows


def coaching_report(
    store: Store,
    *,
    period: Period | None = None,
    member_id: str | None = None,
    partnership_status: PartnershipStatus | None = None,
    viewer: str | None = None,
) -> Iterator[FidelityRow]:
    """:func:`fidelity_rows` of each selected partnership of *store*, one at a time (with
    *viewer*: only the partnerships they are in, as they may see them)."""
    for _, state in viewed(store, viewer=viewer, member_id=member_id, status=partnership_status):
        yield from fidelity_rows(state, period=period)


def learning_report(
    store: Store,
    *,
    period: Period | None = None,
    member_id: str | None = None,
    partnership_status: PartnershipStatus | None = None,
    viewer: str | None = None,
) -> Iterator[CarerLearningRow]:
    """:func:`carer_learning` of each selected partnership of *store*, one at a time (with
    *viewer*: only the partnerships they are in, as they may see them)."""
    for _, state in viewed(store, viewer=viewer, member_id=member_id, status=partnership_status):
        yield from carer_learning(state, period=period)
