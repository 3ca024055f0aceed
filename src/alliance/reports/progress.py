"""Per-goal progress: where each goal stands, its trend and when it should be reached."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence

import attrs
import pendulum

from alliance.errors import UnknownRecordError
from alliance.measures._evaluation import mastery_status
from alliance.measures.mastery import assess_mastery, evaluate_mastery
from alliance.model._time import UTC_EPOCH, from_micros, local_ordinal, to_micros
from alliance.model.goals import (
    Direction,
    Goal,
    GoalDomain,
    GoalStatus,
    MasteryCriterion,
    MetricKind,
)
from alliance.model.partnership import PartnershipStatus, Setting
from alliance.model.progress import Observation
from alliance.model.state import PartnershipState
from alliance.reports._common import (
    Period,
    moment_in,
    moment_of,
    open_during,
    select_goals_in,
    start_in,
    start_of,
)
from alliance.reports._viewing import viewed
from alliance.serialization import loads
from alliance.storage.interface import (
    GoalFacts,
    GoalFigures,
    ProgressFiguresStore,
    ReadModelPartnership,
    ReadModelStore,
    ReportBounds,
    Store,
)

__all__ = [
    "DEFAULT_TREND_WINDOW",
    "GoalProgress",
    "GoalRow",
    "Outlook",
    "Trend",
    "goal_progress",
    "least_squares_slope",
    "progress_report",
    "select_goals",
]

DEFAULT_TREND_WINDOW = pendulum.duration(weeks=8)
"""The trend is fitted to the measured observations of the last 8 weeks before the
report's moment: long enough to hold several weekly data points, short enough to follow
the current rate of progress rather than the whole history."""


class Outlook(enum.StrEnum):
    """Whether a goal is on track to reach its target by its due date."""

    REACHED = "reached"
    """The latest value already reaches the target."""
    ON_TRACK = "on-track"
    """At the current trend the target is reached by the due date."""
    BEHIND = "behind"
    """The trend moves toward the target, but reaches it only after the due date."""
    NOT_ON_TRACK = "not-on-track"
    """The trend is flat or moves away from the target."""
    NOT_ENOUGH_DATA = "not-enough-data"
    """Fewer than two measured observations (on different days) in the trend window."""


@attrs.frozen(kw_only=True)
class Trend:
    """A least-squares line through a goal's recent observations.

    Attributes:
        slope_per_week: change of the value per week (in the goal's unit).
        intercept: the fitted value at ``origin``.
        origin: the moment ``x = 0`` of the fit (the first observation in the window).
        points: how many observations the line was fitted to.
        window_start: the start of the window (observations after it count).
    """

    slope_per_week: float
    intercept: float
    origin: pendulum.DateTime
    points: int
    window_start: pendulum.DateTime

    def value_at(self, moment: dt.datetime) -> float:
        """The fitted value at *moment*."""
        return self.intercept + self.slope_per_week * _weeks(self.origin, moment)


def least_squares_slope(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float] | None:
    """The ordinary least-squares line ``y = a + b·x`` through the points, as ``(b, a)``;
    ``None`` with fewer than two distinct *xs*.

    ``b = Σ(x-x̄)(y-ȳ) / Σ(x-x̄)²`` and ``a = ȳ - b·x̄``.
    """
    if len(xs) != len(ys):
        raise ValueError("xs and ys must have the same length")
    n = len(xs)
    if n < 2:
        return None
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


@attrs.frozen(kw_only=True)
class GoalRow:
    """One goal of one partnership: the typed row a query returns.

    Attributes:
        partnership_id, clinic_id, child_id: whose goal it is.
        goal_id, domain, status, statement: the goal as it stands.
        metric, unit, baseline, target, direction, due: its current target.
        proposed_at, shared_at: when it was proposed and first shared.
        has_gas_scale, has_mastery_criterion: what else it declares.
    """

    partnership_id: str
    clinic_id: str
    child_id: str
    goal_id: str
    domain: GoalDomain
    status: GoalStatus
    statement: str
    metric: str
    unit: str
    baseline: float
    target: float
    direction: str
    due: pendulum.Date
    proposed_at: pendulum.DateTime
    shared_at: pendulum.DateTime | None
    has_gas_scale: bool
    has_mastery_criterion: bool

    @classmethod
    def of(cls, state: PartnershipState, goal: Goal) -> GoalRow:
        """The row of *goal* in *state*."""
        t = goal.target
        return cls(
            partnership_id=state.partnership_id,
            clinic_id=state.clinic_id,
            child_id=state.child_id,
            goal_id=goal.goal_id,
            domain=goal.domain,
            status=goal.status,
            statement=goal.statement,
            metric=t.metric,
            unit=t.unit,
            baseline=float(t.baseline),
            target=float(t.target),
            direction=t.direction.value,
            due=t.due,
            proposed_at=goal.proposed_at,
            shared_at=goal.shared_at,
            has_gas_scale=goal.current.gas_scale is not None,
            has_mastery_criterion=goal.current.mastery is not None,
        )


@attrs.frozen(kw_only=True)
class GoalProgress:
    """Where one goal stands at the report's moment.

    Attributes:
        goal: the goal's row.
        as_of: the moment the figures are taken at.
        baseline, target: from the goal's current target.
        latest: the latest measured value by ``as_of`` (``None`` if none).
        latest_at: when it was observed.
        share_of_the_way: ``(latest - baseline) / (target - baseline)``: 0 at the
            baseline, 1 at the target (can fall below 0 or exceed 1).
        trend: the least-squares line over the trend window, or ``None``.
        projected_date: the local date the trend line reaches the target (``None``
            unless the outlook is on track or behind, and when behind so far that the
            date would fall after the year 9999).
        outlook: reached, on track, behind, not on track, or not enough data.
        mastery: "mastered", "not yet" or ``None`` (no mastery criterion).
        mastery_summary: the mastery evaluation's one-line summary.
        observations: measured observations in the period.
        observations_by_setting: measured observations in the period per setting
            (clinic, home, school, community; settings without any are 0).
    """

    goal: GoalRow
    as_of: pendulum.DateTime
    baseline: float
    target: float
    latest: float | None
    latest_at: pendulum.DateTime | None
    share_of_the_way: float | None
    trend: Trend | None
    projected_date: pendulum.Date | None
    outlook: Outlook
    mastery: str | None
    mastery_summary: str | None
    observations: int
    observations_by_setting: tuple[tuple[Setting, int], ...]

    def by_setting(self, setting: Setting) -> int:
        """How many measured observations were made in *setting* during the period."""
        return dict(self.observations_by_setting).get(setting, 0)


def goal_progress(
    state: PartnershipState,
    goal_id: str,
    *,
    period: Period | None = None,
    window: pendulum.Duration = DEFAULT_TREND_WINDOW,
) -> GoalProgress:
    """The progress of one goal of *state* over *period* (default: its whole timeline).

    The report is taken at the end of the period (the end of its last local day, in the
    partnership's time zone, or the latest event when the period has no end): the latest
    value, the trend and mastery use the observations made by then; the trend only those
    within *window* before it; the counts by setting only those made during the period.

    Raises:
        UnknownRecordError: no such goal.
    """
    period = period or Period()
    goal = state.goals.get(goal_id)
    if goal is None:
        raise UnknownRecordError("goal_id", f"no goal with id {goal_id!r} in this partnership")
    as_of = moment_of(state, period)
    since = start_of(state, period)
    measured = [
        o for o in state.observations_for(goal_id) if o.value is not None and o.observed_at <= as_of
    ]
    latest = measured[-1] if measured else None
    counts = dict.fromkeys((s.value for s in Setting), 0)
    for o in measured:
        if since is None or o.observed_at >= since:
            counts[o.setting.value] += 1
    window_start = as_of - window
    recent = [
        (to_micros(o.observed_at), float(o.value))
        for o in measured
        if o.observed_at > window_start and o.value is not None
    ]

    def mastery() -> tuple[bool, str]:
        evaluation = evaluate_mastery(state, goal_id, as_of=as_of)
        return evaluation.mastered, evaluation.summary

    t = goal.target
    return _progress(
        GoalRow.of(state, goal),
        time_zone=state.time_zone,
        as_of=as_of,
        window_start=window_start,
        latest=None
        if latest is None or latest.value is None
        else (latest.observed_at, float(latest.value)),
        counts=counts,
        recent=recent,
        due=t.due,
        mastery=mastery if goal.current.mastery is not None else None,
    )


_WEEK_US = 7 * 86_400 * 1_000_000


def _weeks(origin: dt.datetime, moment: dt.datetime) -> float:
    """Weeks from *origin* to *moment*: exact microseconds, divided once."""
    return (to_micros(moment) - to_micros(origin)) / _WEEK_US


def _progress(
    row: GoalRow,
    *,
    time_zone: str,
    as_of: pendulum.DateTime,
    window_start: pendulum.DateTime,
    latest: tuple[pendulum.DateTime, float] | None,
    counts: Mapping[str, int],
    recent: Sequence[tuple[int, float]],
    due: pendulum.Date,
    mastery: Callable[[], tuple[bool, str]] | None,
) -> GoalProgress:
    """The figures of one goal, from what both paths gather (the fold and the read model):
    its row, its latest measured value, its counts by setting value in the period, the
    measured observations in the trend window (``(microseconds since the epoch, value)``,
    oldest first) and its mastery status and summary (``(mastered, summary)``)."""
    baseline, target = row.baseline, row.target
    increase = row.direction == Direction.INCREASE.value
    trend: Trend | None = None
    if recent:
        origin_us = recent[0][0]
        fit = least_squares_slope(
            [(us - origin_us) / _WEEK_US for us, _ in recent], [v for _, v in recent]
        )
        if fit is not None:
            trend = Trend(
                slope_per_week=fit[0],
                intercept=fit[1],
                origin=from_micros(origin_us),
                points=len(recent),
                window_start=window_start,
            )
    latest_value = None if latest is None else latest[1]
    projected: pendulum.Date | None = None
    if latest_value is not None and (
        latest_value >= target if increase else latest_value <= target
    ):
        outlook = Outlook.REACHED
    elif trend is None:
        outlook = Outlook.NOT_ENOUGH_DATA
    elif trend.slope_per_week * (target - baseline) <= 0:
        outlook = Outlook.NOT_ON_TRACK
    else:
        weeks = (target - trend.intercept) / trend.slope_per_week
        try:
            # trend.origin.add(seconds=...), in microseconds: the same moment, and the
            # same range check (a datetime between the years 1 and 9999)
            when_us = recent[0][0] + round(weeks * 7 * 86400) * 1_000_000
            UTC_EPOCH + dt.timedelta(microseconds=when_us)
        except (OverflowError, ValueError):  # so slow it would take past the year 9999
            outlook = Outlook.BEHIND
        else:
            # the local date of the later of that moment and the report's
            when_us = max(when_us, to_micros(as_of))
            projected = pendulum.Date.fromordinal(local_ordinal(when_us, time_zone))
            outlook = Outlook.ON_TRACK if projected <= due else Outlook.BEHIND
    mastered: str | None = None
    mastery_summary: str | None = None
    if mastery is not None:
        is_mastered, mastery_summary = mastery()
        mastered = "mastered" if is_mastered else "not yet"
    counted = {setting: counts.get(setting.value, 0) for setting in Setting}
    return GoalProgress(
        goal=row,
        as_of=as_of,
        baseline=baseline,
        target=target,
        latest=latest_value,
        latest_at=None if latest is None else latest[0],
        share_of_the_way=None
        if latest_value is None
        else (latest_value - baseline) / (target - baseline),
        trend=trend,
        projected_date=projected,
        outlook=outlook,
        mastery=mastered,
        mastery_summary=mastery_summary,
        observations=sum(counted.values()),
        observations_by_setting=tuple(counted.items()),
    )


@attrs.frozen(kw_only=True)
class _Selection:
    """The goals a clinic-wide report is about: in the partnerships where *member_id* is
    a current member and whose status is *partnership_status*, in *domain*, with *status*
    now, open at some time during *period* (``None`` filters nothing)."""

    member_id: str | None
    domain: GoalDomain | None
    status: GoalStatus | None
    period: Period
    partnership_status: PartnershipStatus | None


# Partnerships a read-model report asks its store about at a time: bounds the memory a
# report holds (one chunk's goals and figures), whatever the size of the clinic.
_CHUNK = 500


def _chunks(
    store: ReadModelStore, selection: _Selection, window: pendulum.Duration
) -> Iterator[dict[str, tuple[ReadModelPartnership, ReportBounds]]]:
    """The selected partnerships of a read-model store with the bounds of their report,
    a chunk at a time, by partnership id."""
    partnerships = store.report_partnerships(
        member_id=selection.member_id, status=selection.partnership_status
    )
    for first in range(0, len(partnerships), _CHUNK):
        bounds: dict[str, tuple[ReadModelPartnership, ReportBounds]] = {}
        for p in partnerships[first : first + _CHUNK]:
            as_of = moment_in(p.time_zone, p.last_event_at, selection.period)
            bounds[p.partnership_id] = (
                p,
                ReportBounds(
                    partnership_id=p.partnership_id,
                    as_of=as_of,
                    since=start_in(p.time_zone, selection.period),
                    window_start=as_of - window,
                ),
            )
        yield bounds


def _facts(
    store: ReadModelStore, selection: _Selection, window: pendulum.Duration, *, figures: bool
) -> Iterator[tuple[ReadModelPartnership, ReportBounds, GoalFacts]]:
    """The selected goals' facts from a read-model store, a chunk of partnerships at a
    time, in report order, with the period filter applied."""
    for bounds in _chunks(store, selection, window):
        found = store.goal_facts(
            [b for _, b in bounds.values()],
            domain=selection.domain,
            status=selection.status,
            figures=figures,
        )
        for facts in found:
            p, b = bounds[facts.partnership_id]
            if open_during(
                p.time_zone,
                selection.period,
                proposed_at=facts.proposed_at,
                status=facts.status,
                status_changed_at=facts.status_changed_at,
            ):
                yield p, b, facts


def _row_of(store: Store, p: ReadModelPartnership, f: GoalFacts) -> GoalRow:
    return GoalRow(
        partnership_id=p.partnership_id,
        clinic_id=store.clinic_id,
        child_id=p.child_id,
        goal_id=f.goal_id,
        domain=f.domain,
        status=f.status,
        statement=f.statement,
        metric=f.metric,
        unit=f.unit,
        baseline=f.baseline,
        target=f.target,
        direction=f.direction.value,
        due=f.due,
        proposed_at=f.proposed_at,
        shared_at=f.shared_at,
        has_gas_scale=f.has_gas_scale,
        has_mastery_criterion=f.mastery is not None,
    )


def _folded(
    store: Store, selection: _Selection, viewer: str | None
) -> Iterator[tuple[PartnershipState, Goal]]:
    """The selected goals of the store's partnerships, folded one at a time (with
    *viewer*: only the partnerships they are in, as they may see them)."""
    for _, state in viewed(
        store, viewer=viewer, member_id=selection.member_id, status=selection.partnership_status
    ):
        for goal in select_goals_in(
            state, domain=selection.domain, status=selection.status, period=selection.period
        ):
            yield state, goal


def select_goals(
    store: Store,
    *,
    member_id: str | None = None,
    domain: GoalDomain | None = None,
    status: GoalStatus | None = None,
    period: Period | None = None,
    partnership_status: PartnershipStatus | None = None,
    viewer: str | None = None,
) -> Iterator[GoalRow]:
    """The store's goals, filtered, as rows, ordered by partnership id then proposal order.

    On a store with a read model (SQLite, PostgreSQL: :class:`ReadModelStore`) the rows
    come from its goals table; on others, partnerships are folded one at a time.

    Args:
        member_id: only partnerships where this professional or carer is a current member.
        domain, status: only goals in this domain / with this status now.
        period: only goals open at some time during the period.
        partnership_status: only partnerships with this status.
        viewer: only the partnerships this member is in, and only the goals they may
            see (:func:`alliance.as_seen_by`: an educator sees the goals shared with the
            school); partnerships are then folded one at a time, on every store.
    """
    selection = _Selection(
        member_id=member_id,
        domain=domain,
        status=status,
        period=period or Period(),
        partnership_status=partnership_status,
    )
    if viewer is None and isinstance(store, ReadModelStore):
        for p, _bounds, facts in _facts(store, selection, DEFAULT_TREND_WINDOW, figures=False):
            yield _row_of(store, p, facts)
        return
    for state, goal in _folded(store, selection, viewer):
        yield GoalRow.of(state, goal)


def progress_report(
    store: Store,
    *,
    member_id: str | None = None,
    domain: GoalDomain | None = None,
    status: GoalStatus | None = None,
    period: Period | None = None,
    window: pendulum.Duration = DEFAULT_TREND_WINDOW,
    partnership_status: PartnershipStatus | None = None,
    viewer: str | None = None,
) -> Iterator[GoalProgress]:
    """:func:`goal_progress` of every selected goal (filters as in :func:`select_goals`),
    partnership by partnership, ordered by partnership id then goal proposal order.

    On a store with a read model (SQLite, PostgreSQL: :class:`ReadModelStore`) the
    figures are computed in SQL from its goals and observations tables, a few hundred
    partnerships at a time, and no timeline is loaded; only goals with a mastery
    criterion bring their measured observations into Python (a criterion judges
    sessions, local days, one by one). Elsewhere partnerships are folded one at a time.
    The rows are the same either way.

    With *viewer* (a member's id): only the partnerships they are a current member of,
    each computed from what they may see (:func:`alliance.as_seen_by`: the goals shared
    with them, the observations whose audience includes them), folded one at a time.
    """
    selection = _Selection(
        member_id=member_id,
        domain=domain,
        status=status,
        period=period or Period(),
        partnership_status=partnership_status,
    )
    if viewer is not None or not isinstance(store, ReadModelStore):
        for state, goal in _folded(store, selection, viewer):
            yield goal_progress(state, goal.goal_id, period=selection.period, window=window)
        return
    if isinstance(store, ProgressFiguresStore):
        yield from _figures_report(store, selection, window)
        return
    for p, bounds, facts in _facts(store, selection, window, figures=True):
        mastery: Callable[[], tuple[bool, str]] | None = None
        criterion = facts.mastery
        if criterion is not None:
            mastery = functools.partial(
                _assessed,
                facts.observations,
                criterion,
                time_zone=p.time_zone,
                metric_kind=facts.metric_kind,
                unit=facts.unit,
                until=bounds.as_of,
            )
        yield _progress(
            _row_of(store, p, facts),
            time_zone=p.time_zone,
            as_of=bounds.as_of,
            window_start=bounds.window_start,
            latest=facts.latest,
            counts={setting.value: n for setting, n in facts.in_period.items()},
            recent=facts.recent,
            due=facts.due,
            mastery=mastery,
        )


def _assessed(
    observations: Sequence[Observation],
    criterion: MasteryCriterion,
    *,
    time_zone: str,
    metric_kind: MetricKind,
    unit: str,
    until: pendulum.DateTime,
) -> tuple[bool, str]:
    evaluation = assess_mastery(
        observations,
        criterion,
        time_zone=time_zone,
        metric_kind=metric_kind,
        unit=unit,
        until=until,
    )
    return evaluation.mastered, evaluation.summary


def _figures_report(
    store: ProgressFiguresStore, selection: _Selection, window: pendulum.Duration
) -> Iterator[GoalProgress]:
    """:func:`progress_report` on a store that computes the figures itself (the SQL
    stores): they come from :meth:`ProgressFiguresStore.progress_figures` as raw values
    (text, numbers, microseconds), a chunk of partnerships at a time, and become typed
    values only for the rows that are reported; mastery is judged by
    :func:`alliance.measures._evaluation.mastery_status` (the same judgement as
    :func:`assess_mastery`, without writing every session's explanation)."""
    clinic_id = store.clinic_id
    period = selection.period
    first_day = None if period.start is None else period.start.toordinal()
    last_day = None if period.end is None else period.end.toordinal()
    criteria: dict[str, MasteryCriterion] = {}
    dues: dict[str, pendulum.Date] = {}
    domains = {d.value: d for d in GoalDomain}
    statuses = {s.value: s for s in GoalStatus}
    kinds = {k.value: k for k in MetricKind}
    for chunk in _chunks(store, selection, window):
        bounds = [b for _, b in chunk.values()]
        for f in store.progress_figures(bounds, domain=selection.domain, status=selection.status):
            p, b = chunk[f.partnership_id]
            as_of, window_start = b.as_of, b.window_start
            zone = p.time_zone
            goal_status = statuses[f.status]
            # open during the period: proposed by its end, not closed before its start
            # (as open_during, on local days reckoned from the microseconds)
            if last_day is not None and local_ordinal(int(f.proposed_us), zone) > last_day:
                continue
            if (
                first_day is not None
                and goal_status.is_closed
                and local_ordinal(int(f.status_changed_us), zone) < first_day
            ):
                continue
            due = dues.get(f.due)
            if due is None:
                due = dues[f.due] = pendulum.Date.fromisoformat(f.due)
            mastery: Callable[[], tuple[bool, str]] | None = None
            if f.mastery is not None:
                criterion = criteria.get(f.mastery)
                if criterion is None:
                    criterion = criteria[f.mastery] = loads(f.mastery, MasteryCriterion)
                mastery = _status_of(f, criterion, zone, kinds[f.metric_kind])
            row = GoalRow(
                partnership_id=f.partnership_id,
                clinic_id=clinic_id,
                child_id=p.child_id,
                goal_id=f.goal_id,
                domain=domains[f.domain],
                status=goal_status,
                statement=f.statement,
                metric=f.metric,
                unit=f.unit,
                baseline=f.baseline,
                target=f.target,
                direction=f.direction,
                due=due,
                proposed_at=from_micros(int(f.proposed_us)),
                shared_at=None if f.shared_us is None else from_micros(int(f.shared_us)),
                has_gas_scale=f.gas_weight is not None,
                has_mastery_criterion=f.mastery is not None,
            )
            latest = f.latest
            yield _progress(
                row,
                time_zone=zone,
                as_of=as_of,
                window_start=window_start,
                latest=None if latest is None else (from_micros(int(latest[0])), latest[1]),
                counts=f.counts,
                recent=f.recent,
                due=due,
                mastery=mastery,
            )


def _status_of(
    f: GoalFigures, criterion: MasteryCriterion, zone: str, kind: MetricKind
) -> Callable[[], tuple[bool, str]]:
    def status() -> tuple[bool, str]:
        assert f.measured is not None
        return mastery_status(f.measured, criterion, time_zone=zone, metric_kind=kind, unit=f.unit)

    return status
