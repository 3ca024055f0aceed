"""Partnership health: is the partnership working as agreed?"""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Mapping, Sequence

import attrs
import pendulum

from alliance import events as ev
from alliance.errors import DomainError
from alliance.model.home_practice import HomePracticeStrategy
from alliance.model.partnership import PartnershipStatus
from alliance.model.state import PartnershipState
from alliance.model.timeline import Partnership
from alliance.reports._common import Period, moment_of, start_of
from alliance.reports._viewing import viewed
from alliance.storage.interface import Store

__all__ = ["PartnershipHealth", "first_rates", "health_report", "partnership_health"]

_DAY = 86400.0


@attrs.frozen(kw_only=True)
class PartnershipHealth:
    """How well a partnership kept to what was agreed over a period.

    Ratios are ``None`` when there is nothing to divide by.

    Attributes:
        partnership_id, child_id, period: which partnership, over which period.
        from_, to: the moments the figures cover (the period in the partnership's time
            zone, clipped to the partnership's life).
        check_ins: check-ins held.
        check_ins_expected: ``floor(covered time / cadence)`` with the agreed
            communication plan's cadence, counted from the later of the period's start
            and the plan's agreement (``None`` without a plan).
        check_in_adherence: ``check_ins / check_ins_expected`` (may exceed 1).
        feedback_given: feedback items given in the period.
        feedback_closed: of them, answered by the report's moment.
        feedback_closure_rate: ``feedback_closed / feedback_given``.
        median_days_to_answer: median time from feedback to its answer, in days.
        feedback_open_now: feedback (given at any time) still open at the report's moment.
        setbacks: setbacks reported in the period.
        median_days_to_plan: median time from a setback's report to its response plan.
        median_days_to_recovery: median time from a setback's report to its resolution.
        setbacks_open_now: setbacks (reported at any time) unresolved at the report's
            moment.
        practice_planned: sessions of home practice planned in the period: each strategy's
            ``times_per_week`` (as adapted) times the weeks it was in use.
        practice_done: practice log entries marked done in the period.
        practice_adherence: ``practice_done / practice_planned``.
        contacts_with_good_news: contacts in the period that shared good news: check-ins
            with good news, and successes professionals celebrated with the family.
        good_news_share: ``contacts_with_good_news / (check_ins + celebrations_shared)``.
        celebrations_shared: successes professionals celebrated with the family in the
            period (each a contact that carried good news).
    """

    partnership_id: str
    child_id: str
    period: Period
    from_: pendulum.DateTime
    to: pendulum.DateTime
    check_ins: int
    check_ins_expected: int | None
    check_in_adherence: float | None
    feedback_given: int
    feedback_closed: int
    feedback_closure_rate: float | None
    median_days_to_answer: float | None
    feedback_open_now: int
    setbacks: int
    median_days_to_plan: float | None
    median_days_to_recovery: float | None
    setbacks_open_now: int
    practice_planned: float
    practice_done: int
    practice_adherence: float | None
    contacts_with_good_news: int
    good_news_share: float | None
    celebrations_shared: int = 0


def _ratio(part: float, whole: float | None) -> float | None:
    return part / whole if whole else None


def _median_days(durations: Sequence[float]) -> float | None:
    return statistics.median(durations) / _DAY if durations else None


def first_rates(events: Sequence[ev.Event]) -> dict[str, int]:
    """Each strategy's ``times_per_week`` as first planned (the folded state keeps only
    the current rate), from a partnership's events."""
    return {
        e.strategy_id: e.times_per_week for e in events if isinstance(e, ev.HomePracticePlanned)
    }


def _planned_sessions(
    strategy: HomePracticeStrategy,
    start: pendulum.DateTime,
    end: pendulum.DateTime,
    first_rate: int | None,
) -> float:
    """``times_per_week`` x weeks in use between *start* and *end*, piece by piece as the
    strategy was adapted."""
    if first_rate is None:
        first_rate = (
            strategy.adaptations[0].times_per_week
            if strategy.adaptations
            else strategy.times_per_week
        )
    changes = [(strategy.planned_at, first_rate)] + [
        (a.adapted_at, a.times_per_week) for a in strategy.adaptations
    ]
    stop = strategy.stopped_at or end
    total = 0.0
    for i, (since, per_week) in enumerate(changes):
        until = changes[i + 1][0] if i + 1 < len(changes) else stop
        lo, hi = max(since, start), min(until, stop, end)
        if hi > lo:
            total += per_week * (hi - lo).total_seconds() / (7 * _DAY)
    return total


def partnership_health(
    partnership: Partnership | PartnershipState,
    *,
    period: Period | None = None,
    rates: Mapping[str, int] | None = None,
) -> PartnershipHealth:
    """The health figures of a partnership over *period* (default: its whole life).

    Pass the :class:`Partnership` with its whole timeline (not continued from a snapshot)
    so that home practice planned before a strategy's first adaptation is counted at the
    rate first planned; given only a state (and no *rates*, see :func:`first_rates`), that
    first stretch is counted at the first adaptation's rate.
    """
    if isinstance(partnership, Partnership):
        state = partnership.state
        if rates is None:
            try:
                rates = first_rates(partnership.events)
            except DomainError:  # continued from a snapshot
                rates = None
    else:
        state = partnership
    period = period or Period()
    to = moment_of(state, period)
    from_ = max(start_of(state, period) or state.formed_at, state.formed_at)

    def within(moment: pendulum.DateTime) -> bool:
        return from_ <= moment <= to

    check_ins = [c for c in state.check_ins.values() if within(c.held_at)]
    expected: int | None = None
    plan = state.communication_plan
    if plan is not None and state.communication_plan_agreed_at is not None:
        plan_from = max(from_, state.communication_plan_agreed_at)
        covered = max(0.0, (to - plan_from).total_seconds())
        expected = int(covered // plan.cadence.total_seconds())

    given = [f for f in state.feedback.values() if within(f.given_at)]
    closed = [f for f in given if f.answer is not None and f.answer.answered_at <= to]
    open_now = [
        f
        for f in state.feedback.values()
        if f.given_at <= to and (f.answer is None or f.answer.answered_at > to)
    ]

    setbacks = [s for s in state.setbacks.values() if within(s.reported_at)]
    to_plan = [
        (s.response_plan.planned_at - s.reported_at).total_seconds()
        for s in setbacks
        if s.response_plan is not None and s.response_plan.planned_at <= to
    ]
    to_recovery = [
        (s.resolved_at - s.reported_at).total_seconds()
        for s in setbacks
        if s.resolved_at is not None and s.resolved_at <= to
    ]
    setbacks_open = [
        s
        for s in state.setbacks.values()
        if s.reported_at <= to and (s.resolved_at is None or s.resolved_at > to)
    ]

    planned = sum(
        _planned_sessions(s, from_, to, (rates or {}).get(s.strategy_id))
        for s in state.strategies.values()
    )
    done = sum(1 for p in state.practice_log.values() if p.done and within(p.practised_at))
    celebrated = [x for x in state.celebrations_shared_with_family() if within(x.celebrated_at)]
    good_news = sum(1 for c in check_ins if c.good_news) + len(celebrated)
    return PartnershipHealth(
        partnership_id=state.partnership_id,
        child_id=state.child_id,
        period=period,
        from_=from_,
        to=to,
        check_ins=len(check_ins),
        check_ins_expected=expected,
        check_in_adherence=_ratio(len(check_ins), expected),
        feedback_given=len(given),
        feedback_closed=len(closed),
        feedback_closure_rate=_ratio(len(closed), len(given)),
        median_days_to_answer=_median_days(
            [(f.answer.answered_at - f.given_at).total_seconds() for f in closed if f.answer]
        ),
        feedback_open_now=len(open_now),
        setbacks=len(setbacks),
        median_days_to_plan=_median_days(to_plan),
        median_days_to_recovery=_median_days(to_recovery),
        setbacks_open_now=len(setbacks_open),
        practice_planned=planned,
        practice_done=done,
        practice_adherence=_ratio(done, planned),
        contacts_with_good_news=good_news,
        good_news_share=_ratio(good_news, len(check_ins) + len(celebrated)),
        celebrations_shared=len(celebrated),
    )


def health_report(
    store: Store,
    *,
    period: Period | None = None,
    member_id: str | None = None,
    partnership_status: PartnershipStatus | None = None,
    viewer: str | None = None,
) -> Iterator[PartnershipHealth]:
    """:func:`partnership_health` of each selected partnership, one at a time (each
    timeline loaded whole, for the home-practice rates first planned).

    With *viewer* (a member's id): only the partnerships they are a current member of,
    each computed from what they may see (:func:`alliance.as_seen_by`).
    """
    for partnership, state in viewed(
        store, viewer=viewer, member_id=member_id, status=partnership_status, whole=True
    ):
        if viewer is None:
            yield partnership_health(partnership, period=period)
        else:
            yield partnership_health(state, period=period, rates=first_rates(partnership.events))
