"""Phases of teaching: a target moved through baseline, intervention, generalisation and
maintenance by a :class:`PhasePlan`, on the mastery evaluation of its data (private: the
public names are :mod:`alliance.measures.mastery`'s)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.measures._evaluation import (
    DayResult,
    DayVerdict,
    MasteryEvaluation,
    _plural,
    assess_mastery,
    criterion_of,
    goal_of,
)
from alliance.model import _checks as c
from alliance.model._time import add_days, local_day
from alliance.model.goals import MasteryCriterion, MetricKind
from alliance.model.progress import Observation
from alliance.model.state import PartnershipState

__all__ = [
    "MaintenanceCheck",
    "Phase",
    "PhaseChange",
    "PhasePlan",
    "PhaseProgress",
    "track_phases",
    "track_phases_of",
]


class Phase(enum.StrEnum):
    """Where a target is in its teaching."""

    BASELINE = "baseline"
    """Measured before teaching starts."""
    INTERVENTION = "intervention"
    """Being taught (acquisition)."""
    GENERALISATION = "generalisation"
    """Mastered where it was taught; now with other people, in other places."""
    MAINTENANCE = "maintenance"
    """Mastered; checked now and then to see that it lasts."""


def _non_negative(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.whole_number(0)(_instance, attribute, value)


def _whole_days(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.positive_duration(_instance, attribute, value)
    assert isinstance(value, pendulum.Duration)
    if value.hours or value.minutes or value.remaining_seconds or value.microseconds:
        raise ValidationError(attribute.name, "must be whole days, weeks or months")


@attrs.frozen(kw_only=True)
class PhasePlan:
    """How a target moves through its phases.

    Attributes:
        acquisition: the criterion that ends intervention (usually the goal's mastery
            criterion).
        baseline_sessions: how many sessions of baseline data to take first (0, the
            default, starts in intervention).
        generalisation: the criterion that ends generalisation (say, the same threshold
            with ``min_observers=2`` or ``min_settings=2``); without one, a mastered
            target goes straight to maintenance.
        maintenance_every: how often a maintenance check falls due once a target is in
            maintenance (default 2 weeks; whole days, weeks or months).
        maintenance: how a maintenance check is judged (its threshold, comparison and
            per-session conditions); default the acquisition criterion.
        step_back_after: how many failed sessions in a row in generalisation, or failed
            maintenance checks in a row, step a target back to intervention (default 2).
    """

    acquisition: MasteryCriterion = attrs.field(validator=c.instance_of(MasteryCriterion))
    baseline_sessions: int = attrs.field(default=0, validator=_non_negative)
    generalisation: MasteryCriterion | None = attrs.field(
        default=None, validator=c.optional_instance_of(MasteryCriterion)
    )
    maintenance_every: pendulum.Duration = attrs.field(
        factory=lambda: pendulum.duration(weeks=2), validator=_whole_days
    )
    maintenance: MasteryCriterion | None = attrs.field(
        default=None, validator=c.optional_instance_of(MasteryCriterion)
    )
    step_back_after: int = attrs.field(default=2, validator=c.whole_number(1))


@attrs.frozen(kw_only=True)
class PhaseChange:
    """A target moved from one phase to another, from the day ``on``, and why."""

    on: pendulum.Date
    from_phase: Phase
    to_phase: Phase
    reason: str

    @property
    def is_step_back(self) -> bool:
        """Whether it went back to intervention rather than forward."""
        return self.to_phase is Phase.INTERVENTION and self.from_phase is not Phase.BASELINE


@attrs.frozen(kw_only=True)
class MaintenanceCheck:
    """A maintenance check: when it fell due, the session that answered it, and how."""

    due_on: pendulum.Date
    day: pendulum.Date
    passed: bool
    reason: str


@attrs.frozen(kw_only=True)
class PhaseProgress:
    """Where a target stands in its phases, and how it got there.

    Attributes:
        goal_id: the goal (``None`` when observations were tracked directly).
        plan: the plan.
        phase: the current phase.
        since: the day the current phase began (``None`` for the first phase).
        changes: every change of phase, oldest first.
        evaluation: for intervention and generalisation, the current phase's criterion
            applied to the data since the phase began.
        maintenance_checks: the maintenance checks of the current maintenance phase.
        next_check_due: in maintenance, the day the next check falls due.
        check_overdue: whether that day has passed without a session.
        summary: where it stands, in words.
    """

    goal_id: str | None
    plan: PhasePlan
    phase: Phase
    since: pendulum.Date | None
    changes: tuple[PhaseChange, ...]
    evaluation: MasteryEvaluation | None
    maintenance_checks: tuple[MaintenanceCheck, ...]
    next_check_due: pendulum.Date | None
    check_overdue: bool
    summary: str


def track_phases(
    observations: Iterable[Observation],
    plan: PhasePlan,
    *,
    time_zone: str = "UTC",
    metric_kind: MetricKind = MetricKind.LEVEL,
    unit: str = "",
    goal_id: str | None = None,
    as_of: dt.datetime | None = None,
) -> PhaseProgress:
    """Move a target through its phases by *plan*, replaying its observations in order.

    - baseline → intervention after ``baseline_sessions`` counted sessions;
    - intervention → generalisation (or maintenance) the day after the acquisition
      criterion is met by the data since intervention began;
    - generalisation → maintenance the day after the generalisation criterion is met, or
      back to intervention after ``step_back_after`` failing sessions in a row;
    - in maintenance a check falls due every ``maintenance_every``: the first counted
      session on or after the due day answers it; ``step_back_after`` failed checks in
      a row send the target back to intervention.
    """
    if not isinstance(plan, PhasePlan):
        raise ValidationError("plan", f"must be a PhasePlan, not {type(plan).__name__}")
    data = list(observations)
    end = None if as_of is None else c.utc_datetime("as_of", as_of)
    today = None if end is None else local_day(end, time_zone)

    def assess(criterion: MasteryCriterion, since: pendulum.Date | None) -> MasteryEvaluation:
        return assess_mastery(
            data,
            criterion,
            time_zone=time_zone,
            metric_kind=metric_kind,
            unit=unit,
            goal_id=goal_id,
            since=since,
            until=end,
        )

    phase = Phase.BASELINE if plan.baseline_sessions else Phase.INTERVENTION
    since: pendulum.Date | None = None
    changes: list[PhaseChange] = []
    evaluation: MasteryEvaluation | None = None
    checks: list[MaintenanceCheck] = []
    next_check: pendulum.Date | None = None

    def move(to: Phase, last_day: pendulum.Date, reason: str) -> pendulum.Date:
        start = last_day.add(days=1)
        changes.append(PhaseChange(on=start, from_phase=phase, to_phase=to, reason=reason))
        return start

    while True:
        evaluation = None
        checks = []
        next_check = None
        if phase is Phase.BASELINE:
            counted = [
                d
                for d in assess(plan.acquisition, since).days
                if d.verdict is not DayVerdict.NOT_COUNTED
            ]
            if len(counted) < plan.baseline_sessions:
                break
            last = counted[plan.baseline_sessions - 1].day
            since = move(
                Phase.INTERVENTION,
                last,
                f"baseline of {_plural(plan.baseline_sessions, 'session')} taken "
                f"({counted[0].day.isoformat()} to {last.isoformat()})",
            )
            phase = Phase.INTERVENTION
        elif phase is Phase.INTERVENTION:
            evaluation = assess(plan.acquisition, since)
            if evaluation.mastered_on is None:
                break
            to = Phase.GENERALISATION if plan.generalisation is not None else Phase.MAINTENANCE
            since = move(
                to,
                evaluation.mastered_on,
                f"acquisition criterion met on {evaluation.mastered_on.isoformat()} "
                f"({evaluation.criterion_text})",
            )
            phase = to
        elif phase is Phase.GENERALISATION:
            assert plan.generalisation is not None
            evaluation = assess(plan.generalisation, since)
            failing: list[DayResult] = []
            fell_back_on: pendulum.Date | None = None
            for result in evaluation.days:
                if result.verdict is DayVerdict.NOT_COUNTED:
                    continue
                failing = [] if result.verdict is DayVerdict.MET else [*failing, result]
                if len(failing) >= plan.step_back_after:
                    fell_back_on = result.day
                    break
            if evaluation.mastered_on is not None and (
                fell_back_on is None or evaluation.mastered_on <= fell_back_on
            ):
                since = move(
                    Phase.MAINTENANCE,
                    evaluation.mastered_on,
                    f"generalisation criterion met on {evaluation.mastered_on.isoformat()} "
                    f"({evaluation.criterion_text})",
                )
                phase = Phase.MAINTENANCE
            elif fell_back_on is not None:
                since = move(
                    Phase.INTERVENTION,
                    fell_back_on,
                    f"{_plural(len(failing), 'session')} in a row did not meet the "
                    f"generalisation criterion "
                    f"({', '.join(d.day.isoformat() for d in failing)})",
                )
                phase = Phase.INTERVENTION
            else:
                break
        else:  # maintenance
            assert since is not None
            criterion = plan.maintenance or plan.acquisition
            due = add_days(since, plan.maintenance_every)
            fails = 0
            stepped_back = False
            for result in assess(criterion, since).days:
                if result.verdict is DayVerdict.NOT_COUNTED or result.day < due:
                    continue
                passed = result.verdict is DayVerdict.MET
                checks.append(
                    MaintenanceCheck(
                        due_on=due, day=result.day, passed=passed, reason=result.reason
                    )
                )
                fails = 0 if passed else fails + 1
                due = add_days(result.day, plan.maintenance_every)
                if fails >= plan.step_back_after:
                    since = move(
                        Phase.INTERVENTION,
                        result.day,
                        f"{_plural(fails, 'maintenance check')} in a row failed "
                        f"({', '.join(ch.day.isoformat() for ch in checks[-fails:])})",
                    )
                    phase = Phase.INTERVENTION
                    stepped_back = True
                    break
            if stepped_back:
                continue
            next_check = due
            break

    overdue = next_check is not None and today is not None and today > next_check
    if phase is Phase.BASELINE:
        summary = (
            f"In baseline: {_plural(plan.baseline_sessions, 'session')} of baseline data "
            "are taken before teaching starts."
        )
    elif phase is Phase.MAINTENANCE:
        assert next_check is not None
        assert since is not None
        summary = (
            f"In maintenance since {since.isoformat()}; the next check is due on "
            f"{next_check.isoformat()}" + (" and is overdue." if overdue else ".")
        )
    else:
        assert evaluation is not None
        started = f" since {since.isoformat()}" if since is not None else ""
        summary = f"In {phase.value}{started}. {evaluation.summary}"
    return PhaseProgress(
        goal_id=goal_id,
        plan=plan,
        phase=phase,
        since=since,
        changes=tuple(changes),
        evaluation=evaluation,
        maintenance_checks=tuple(checks),
        next_check_due=next_check,
        check_overdue=overdue,
        summary=summary,
    )


def track_phases_of(
    state: PartnershipState,
    goal_id: str,
    plan: PhasePlan | None = None,
    *,
    as_of: dt.datetime | None = None,
) -> PhaseProgress:
    """Track a goal's phases from its observations; by default with a plan whose
    acquisition criterion is the goal's mastery criterion.

    Raises:
        UnknownRecordError: no such goal.
        DomainError: no plan given, and the goal has no mastery criterion.
    """
    goal = goal_of(state, goal_id)
    return track_phases(
        state.observations_for(goal_id),
        PhasePlan(acquisition=criterion_of(goal)) if plan is None else plan,
        time_zone=state.time_zone,
        metric_kind=goal.target.metric_kind,
        unit=goal.target.unit,
        goal_id=goal_id,
        as_of=as_of,
    )
