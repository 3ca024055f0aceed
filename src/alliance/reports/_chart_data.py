"""What a goal's progress chart shows, gathered once for every drawing of it (private).

:func:`goal_chart` selects the records a chart of a goal over a period shows; the
matplotlib drawing (:mod:`alliance.reports.charts`) and the inline SVG drawing
(:mod:`alliance.reports._svg`) both draw a :class:`GoalChart`, so they cannot disagree
about what is on the chart.

The rules:

- **points**: the goal's observations with a measured value, observed within the period
  and not after the moment the report is taken at (:func:`moment_of`), oldest first;
- **setbacks**: setbacks affecting the goal, reported within the period;
- **celebrations**: successes celebrated about the goal within the period, oldest first,
  each placed on the observation it celebrates (when that observation has a value), else
  on the latest value observed before it, else on the baseline;
- **phase changes**: when the goal's current version has a mastery criterion, the changes
  of phase :func:`alliance.measures.mastery.track_phases` finds with a plan whose
  acquisition criterion is that criterion (no baseline sessions, no generalisation
  criterion: intervention, then maintenance), replayed over all the goal's observations
  up to the report's moment; a change is shown when the last day of the phase it ends
  falls in the period (the new phase itself starts the day after). And, whether or not
  there is a criterion, each **revision** of the goal (its second and later versions)
  written within the period, on the local day it was written: a revision's date is
  already in the state, so marking it costs nothing. The baseline and goal lines are
  the current version's.

Days are local days in the partnership's time zone.
"""

from __future__ import annotations

import attrs
import pendulum

from alliance.errors import UnknownRecordError
from alliance.measures.mastery import Phase, PhasePlan, track_phases
from alliance.model.goals import Direction
from alliance.model.partnership import Setting
from alliance.model.state import PartnershipState
from alliance.reports._common import Period, moment_of, start_of

__all__ = [
    "ChartCelebration",
    "ChartPhaseChange",
    "ChartPoint",
    "ChartSetback",
    "GoalChart",
    "goal_chart",
]


@attrs.frozen(kw_only=True)
class ChartPoint:
    """One measured observation on the chart.

    Attributes:
        day: the local day it was observed on.
        at: the moment it was observed, in the partnership's time zone.
        value: the measured value, in the goal's unit.
        setting: where it was observed.
        observation_id: the observation's id.
    """

    day: pendulum.Date
    at: pendulum.DateTime
    value: float
    setting: Setting
    observation_id: str


@attrs.frozen(kw_only=True)
class ChartSetback:
    """A setback affecting the goal, drawn as a vertical line.

    Attributes:
        day: the local day it was reported on.
        at: the moment it was reported, in the partnership's time zone.
        setback_id: the setback's id.
    """

    day: pendulum.Date
    at: pendulum.DateTime
    setback_id: str


@attrs.frozen(kw_only=True)
class ChartCelebration:
    """A success celebrated about the goal, drawn as a star.

    Attributes:
        day: the local day the star stands on (the celebrated observation's, else the
            day it was celebrated).
        at: the moment the star stands on, in the partnership's time zone.
        value: the height of the star: the celebrated observation's value, else the
            latest value observed before the celebration, else the baseline.
        celebration_id: the celebration's id.
        description: what was celebrated, as recorded.
    """

    day: pendulum.Date
    at: pendulum.DateTime
    value: float
    celebration_id: str
    description: str


@attrs.frozen(kw_only=True)
class ChartPhaseChange:
    """A change of phase of the goal's teaching, or a revision of the goal, from the local
    day ``day``: drawn as a vertical line.

    Attributes:
        day: the first day of the new phase, or the day the revision was written.
        from_phase: the phase it left (``None`` for a revision).
        to_phase: the phase it entered (``None`` for a revision).
        revision: for a revision, the number of the new version of the goal (2 for the
            first revision); ``None`` for a change of phase.
    """

    day: pendulum.Date
    from_phase: Phase | None = None
    to_phase: Phase | None = None
    revision: int | None = None

    @property
    def is_revision(self) -> bool:
        """Whether this marks a revision of the goal rather than a change of phase."""
        return self.revision is not None


@attrs.frozen(kw_only=True)
class GoalChart:
    """Everything a goal's progress chart shows, over one period.

    Attributes:
        goal_id: the goal.
        statement: its current plain-language statement.
        metric: what is measured.
        unit: its unit (may be empty).
        direction: whether progress means the value goes up or down.
        baseline: where the child started (the current version's), the "start" line.
        target: where the goal is reached (the current version's), the "goal" line.
        due: the local date the goal should be reached by.
        points: the measured observations, oldest first.
        setbacks: the setbacks affecting the goal, in the order of the state's setbacks.
        celebrations: the successes celebrated about it, oldest first.
        phase_changes: changes of phase and revisions of the goal, by day.
    """

    goal_id: str
    statement: str
    metric: str
    unit: str
    direction: Direction
    baseline: float
    target: float
    due: pendulum.Date
    points: tuple[ChartPoint, ...] = ()
    setbacks: tuple[ChartSetback, ...] = ()
    celebrations: tuple[ChartCelebration, ...] = ()
    phase_changes: tuple[ChartPhaseChange, ...] = ()


def goal_chart(state: PartnershipState, goal_id: str, *, period: Period | None = None) -> GoalChart:
    """What the progress chart of *goal_id* over *period* shows (see the module's rules).

    Raises:
        UnknownRecordError: no such goal.
    """
    goal = state.goals.get(goal_id)
    if goal is None:
        raise UnknownRecordError("goal_id", f"no goal with id {goal_id!r} in this partnership")
    period = period or Period()
    as_of = moment_of(state, period)
    since = start_of(state, period)
    tz = state.time_zone

    def in_period(moment: pendulum.DateTime) -> bool:
        """Whether *moment* falls in the period, and not after the report's moment."""
        return moment <= as_of and (since is None or moment >= since)

    everything = state.observations_for(goal_id)
    points = tuple(
        ChartPoint(
            day=state.local_date(o.observed_at),
            at=o.observed_at.in_timezone(tz),
            value=o.value,
            setting=o.setting,
            observation_id=o.observation_id,
        )
        for o in everything
        if o.value is not None and in_period(o.observed_at)
    )
    setbacks = tuple(
        ChartSetback(
            day=state.local_date(s.reported_at),
            at=s.reported_at.in_timezone(tz),
            setback_id=s.setback_id,
        )
        for s in state.setbacks.values()
        if goal_id in s.affected_goals and in_period(s.reported_at)
    )
    celebrations = []
    for celebration in sorted(state.celebrations.values(), key=lambda x: x.celebrated_at):
        when = celebration.celebrated_at
        if celebration.goal_id != goal_id or not in_period(when):
            continue
        before = [p.value for p in points if p.at <= when]
        value = before[-1] if before else goal.target.baseline
        linked = state.observations.get(celebration.observation_id or "")
        if linked is not None and linked.value is not None:
            when, value = linked.observed_at, linked.value
        celebrations.append(
            ChartCelebration(
                day=state.local_date(when),
                at=when.in_timezone(tz),
                value=value,
                celebration_id=celebration.celebration_id,
                description=celebration.description,
            )
        )
    changes: list[ChartPhaseChange] = []
    criterion = goal.current.mastery
    if criterion is not None and everything:
        progress = track_phases(
            everything,
            PhasePlan(acquisition=criterion),
            time_zone=tz,
            metric_kind=goal.target.metric_kind,
            unit=goal.target.unit,
            goal_id=goal_id,
            as_of=as_of,
        )
        first_day = period.start
        last_day = state.local_date(as_of)
        changes.extend(
            ChartPhaseChange(day=ch.on, from_phase=ch.from_phase, to_phase=ch.to_phase)
            for ch in progress.changes
            if (first_day is None or ch.on.subtract(days=1) >= first_day)
            and ch.on.subtract(days=1) <= last_day
        )
    changes.extend(
        ChartPhaseChange(day=state.local_date(v.written_at), revision=v.number)
        for v in goal.versions[1:]
        if in_period(v.written_at)
    )
    changes.sort(key=lambda ch: (ch.day, ch.is_revision))
    target = goal.target
    return GoalChart(
        goal_id=goal_id,
        statement=goal.statement,
        metric=target.metric,
        unit=target.unit,
        direction=target.direction,
        baseline=target.baseline,
        target=target.target,
        due=target.due,
        points=points,
        setbacks=setbacks,
        celebrations=tuple(celebrations),
        phase_changes=tuple(changes),
    )
