"""Mastery criteria applied to a goal's observations, with an explanation of every result.

**Sessions and days.** Observations are grouped by their local day in the partnership's
time zone, and the data of one day make one *session*: they are combined by the target's
:class:`~alliance.model.MetricKind` (levels, percentages and rates are averaged; counts and
durations are added up), their trials are added up, and the day's observers and
settings are gathered. So the order in which a day's observations were recorded, or
the times they carry within the day, never matter.

Each day with data is then judged against the criterion:

- *not counted* when it has fewer trials than ``min_trials`` (observations without a
  trial count add none);
- *met* when its value meets the threshold (and, with ``first_trial_independent``, every
  observation that day records an independent first trial);
- *not met* otherwise.

Observations without a measured value, and (with ``probes_only``) data other than probes,
are left out before that, and listed with the reason.

**The frame.** With ``frame=sessions`` the criterion counts days with data one after
the other, whatever the gaps between them, and a day that is not counted is passed over.
With ``frame=days`` it counts calendar days: every day in a run must be a day that met
the criterion, so a day without counted data breaks it. ``consecutive`` days must meet
the criterion in a row, or, with ``out_of_last``, ``consecutive`` of the last
``out_of_last`` (fewer when there are not that many yet); ``min_observers`` and
``min_settings`` count the people and settings of the days that met it. A goal is
*mastered* on the first day the criterion is met, and stays mastered.

**Phases.** :func:`track_phases` moves a target through baseline, intervention,
generalisation and maintenance by a :class:`PhasePlan`, stepping it back to
intervention when generalisation or maintenance checks fail too often.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import pendulum

from alliance.errors import DomainError, UnknownRecordError, ValidationError
from alliance.model import _checks as c
from alliance.model._time import add_days, date_of, local_day, local_ordinal
from alliance.model.goals import Comparison, MasteryCriterion, MasteryFrame, MetricKind
from alliance.model.measures import tidy
from alliance.model.partnership import Setting
from alliance.model.progress import Observation, ObservationKind
from alliance.model.state import PartnershipState

__all__ = [
    "DayResult",
    "DayVerdict",
    "MaintenanceCheck",
    "MasteryEvaluation",
    "Phase",
    "PhaseChange",
    "PhasePlan",
    "PhaseProgress",
    "SkippedObservation",
    "assess_mastery",
    "describe_criterion",
    "evaluate_mastery",
    "track_phases",
    "track_phases_of",
]


# --- words ---------------------------------------------------------------------------------


def _amount(value: float, unit: str) -> str:
    number = f"{tidy(round(value, 2)):g}"
    if not unit:
        return number
    if unit in ("%", "percent"):
        return f"{number}%"
    return f"{number} {unit}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _names(items: Iterable[str]) -> str:
    ordered = sorted(items)
    if len(ordered) <= 1:
        return "".join(ordered)
    return ", ".join(ordered[:-1]) + " and " + ordered[-1]


def _unit_word(criterion: MasteryCriterion) -> str:
    return "session" if criterion.frame is MasteryFrame.SESSIONS else "day"


def describe_criterion(criterion: MasteryCriterion, unit: str = "") -> str:
    """*criterion* in plain words, e.g. "at least 80% in 3 consecutive sessions, with at
    least 10 trials a session, recorded by at least 2 different people"."""
    bound = "at least" if criterion.comparison is Comparison.AT_LEAST else "at most"
    word = _unit_word(criterion)
    if criterion.out_of_last is not None:
        frame = f"in {criterion.consecutive} of the last {_plural(criterion.out_of_last, word)}"
    elif criterion.consecutive == 1:
        frame = f"in 1 {word}"
    else:
        frame = f"in {criterion.consecutive} consecutive {word}s"
    conditions: list[str] = []
    if criterion.min_trials is not None:
        conditions.append(f"with at least {criterion.min_trials} trials a {word}")
    if criterion.min_observers > 1:
        conditions.append(f"recorded by at least {criterion.min_observers} different people")
    if criterion.min_settings > 1:
        conditions.append(f"in at least {criterion.min_settings} different settings")
    if criterion.probes_only:
        conditions.append("probe data only")
    if criterion.first_trial_independent:
        conditions.append("the first trial independent")
    text = f"{bound} {_amount(criterion.threshold, unit)} {frame}"
    return ", ".join([text, *conditions])


# --- the explanation ---------------------------------------------------------------------


class DayVerdict(enum.StrEnum):
    """How a session (a day's data) was judged against a mastery criterion."""

    MET = "met"
    NOT_MET = "not-met"
    NOT_COUNTED = "not-counted"
    """Neither met nor not met: too few trials for it to count."""


@attrs.frozen(kw_only=True)
class DayResult:
    """One session (a local day's data) judged against a mastery criterion.

    Attributes:
        day: the local day.
        verdict: met, not met, or not counted.
        reason: why, in words ("75% is below 80%").
        value: the day's value, combined by the metric's kind.
        observations: ids of the observations that made it (sorted).
        observers: who recorded them.
        settings: where.
        trials: the day's trials added up (``None`` if none were recorded).
    """

    day: pendulum.Date
    verdict: DayVerdict
    reason: str
    value: float
    observations: tuple[str, ...]
    observers: frozenset[str]
    settings: frozenset[Setting]
    trials: int | None = None


@attrs.frozen(kw_only=True)
class SkippedObservation:
    """An observation a mastery criterion left out, and why."""

    observation_id: str
    day: pendulum.Date
    reason: str


@attrs.frozen(kw_only=True)
class MasteryEvaluation:
    """A mastery criterion applied to a goal's data, with its explanation.

    Attributes:
        goal_id: the goal (``None`` when observations were assessed directly).
        criterion: the criterion.
        criterion_text: the criterion in words.
        metric_kind: how a day's values were combined.
        unit: the goal's unit.
        days: every session (day with data), oldest first, with its verdict and reason.
        skipped: observations left out (no measured value; not probe data), and why.
        mastered: whether the criterion has been met.
        mastered_on: the first day it was met.
        run: the days that met it then (or, if not mastered, the days of the latest
            run or window that met the threshold).
        current_run: how many of the latest sessions (or days) in a row met the
            threshold.
        broken_on: the latest day that broke a run: a session that did not meet the
            threshold or, for calendar days, a day without counted data.
        broken_because: why that day broke it.
        shortfall: what is still missing, in words (``None`` once mastered).
        summary: the result in one or two sentences.
    """

    goal_id: str | None
    criterion: MasteryCriterion
    criterion_text: str
    metric_kind: MetricKind
    unit: str
    days: tuple[DayResult, ...]
    skipped: tuple[SkippedObservation, ...]
    mastered: bool
    mastered_on: pendulum.Date | None
    run: tuple[pendulum.Date, ...]
    current_run: int
    broken_on: pendulum.Date | None
    broken_because: str | None
    shortfall: str | None
    summary: str

    def day(self, day: dt.date) -> DayResult:
        """The result of *day*.

        Raises:
            UnknownRecordError: there were no data that day.
        """
        for result in self.days:
            if result.day == day:
                return result
        raise UnknownRecordError("day", f"no data on {day.isoformat()}")

    def explain(self) -> str:
        """The evaluation in plain words, one line per session, marking the days that
        made (or make up) the run and the day the latest run broke."""
        lines = [f"Criterion: {self.criterion_text}.", self.summary]
        run = set(self.run)
        for result in self.days:
            verdict = result.verdict.value.replace("-", " ")
            line = f"{result.day.isoformat()}  {verdict:<11}  {result.reason}"
            if result.day in run:
                line += "  [in the run]"
            if result.day == self.broken_on:
                line += "  [the run broke here]"
            lines.append(line)
        if self.broken_on is not None and all(r.day != self.broken_on for r in self.days):
            lines.append(
                f"{self.broken_on.isoformat()}  {'no data':<11}  "
                f"{self.broken_because}  [the run broke here]"
            )
        lines.extend(
            f"Left out: {s.observation_id} on {s.day.isoformat()}: {s.reason}" for s in self.skipped
        )
        return "\n".join(lines)


# --- assessing -------------------------------------------------------------------------------


class _Day:
    """A session (a local day's measured data) tallied and judged, without words: the
    words (:func:`_reason`) are written only where they are read."""

    __slots__ = (
        "count",
        "day",
        "independent",
        "observers",
        "settings",
        "trials",
        "value",
        "verdict",
    )

    def __init__(  # noqa: PLR0917 (private, called in two places)
        self,
        day: pendulum.Date,
        values: Sequence[float],
        trials: Sequence[int],
        observers: frozenset[str],
        settings: frozenset[str],
        independent: Sequence[bool | None],
        criterion: MasteryCriterion,
        metric_kind: MetricKind,
    ) -> None:
        self.day = day
        self.count = len(values)
        total = math.fsum(values)
        self.value = tidy(total if metric_kind.adds_up else total / self.count)
        self.trials: int | None = sum(trials) if trials else None
        self.observers = observers
        self.settings = settings  # the settings' values ("clinic", "home"...)
        # whether every observation records an independent first trial (True), one
        # records a prompted one (False), or that is not recorded for some (None)
        self.independent: bool | None = True
        if criterion.first_trial_independent and not all(i is True for i in independent):
            self.independent = False if any(i is False for i in independent) else None
        if criterion.min_trials is not None and (self.trials or 0) < criterion.min_trials:
            self.verdict = DayVerdict.NOT_COUNTED
        elif not criterion.is_met_by(self.value) or self.independent is not True:
            self.verdict = DayVerdict.NOT_MET
        else:
            self.verdict = DayVerdict.MET


def _reason(d: _Day, criterion: MasteryCriterion, metric_kind: MetricKind, unit: str) -> str:
    """Why *d* got its verdict, in words ("75% (mean of 2), 10 trials: below 80%")."""
    description = _amount(d.value, unit)
    if d.count > 1:
        description += f" ({'sum' if metric_kind.adds_up else 'mean'} of {d.count})"
    if d.trials is not None:
        description += f", {_plural(d.trials, 'trial')}"
    word = _unit_word(criterion)
    threshold = _amount(criterion.threshold, unit)
    if d.verdict is DayVerdict.NOT_COUNTED:
        if d.trials is None:
            why = f"trials not recorded; a {word} needs at least {criterion.min_trials} to count"
        else:
            why = f"fewer than the {criterion.min_trials} trials a {word} needs to count"
    elif not criterion.is_met_by(d.value):
        side = "below" if criterion.comparison is Comparison.AT_LEAST else "above"
        why = f"{side} {threshold}"
    elif d.independent is False:
        why = "the first trial was not independent"
    elif d.independent is None:
        why = "whether the first trial was independent was not recorded"
    else:
        bound = "at least" if criterion.comparison is Comparison.AT_LEAST else "at most"
        why = f"meets {bound} {threshold}"
    return f"{description}: {why}"


class _Entry:
    """One place in the sequence the frame counts: a session, or a calendar day (with
    its session, if it had data)."""

    __slots__ = ("day", "met", "result")

    def __init__(self, day: pendulum.Date, met: bool, result: _Day | None) -> None:
        self.day = day
        self.met = met
        self.result = result


def _why_not(entry: _Entry, criterion: MasteryCriterion, metric_kind: MetricKind, unit: str) -> str:
    if entry.result is None:
        return "no data that day"
    reason = _reason(entry.result, criterion, metric_kind, unit)
    if entry.result.verdict is DayVerdict.NOT_COUNTED:
        return f"not counted ({reason})"
    return reason


def _sequence(days: Sequence[_Day], criterion: MasteryCriterion) -> list[_Entry]:
    if criterion.frame is MasteryFrame.SESSIONS:
        return [
            _Entry(d.day, d.verdict is DayVerdict.MET, d)
            for d in days
            if d.verdict is not DayVerdict.NOT_COUNTED
        ]
    if not days:
        return []
    by_day = {d.day.toordinal(): d for d in days}
    entries: list[_Entry] = []
    for ordinal in range(days[0].day.toordinal(), days[-1].day.toordinal() + 1):
        result = by_day.get(ordinal)
        if result is None:
            entries.append(_Entry(pendulum.Date.fromordinal(ordinal), False, None))
        else:
            entries.append(_Entry(result.day, result.verdict is DayVerdict.MET, result))
    return entries


def _window(entries: Sequence[_Entry], end: int, criterion: MasteryCriterion) -> list[_Entry]:
    size = criterion.out_of_last if criterion.out_of_last is not None else criterion.consecutive
    return list(entries[max(0, end - size + 1) : end + 1])


def _spread(entries: Sequence[_Entry]) -> tuple[frozenset[str], frozenset[str]]:
    observers: set[str] = set()
    settings: set[str] = set()
    for entry in entries:
        if entry.result is not None:
            observers |= entry.result.observers
            settings |= entry.result.settings
    return frozenset(observers), frozenset(settings)


def _window_meets(window: Sequence[_Entry], criterion: MasteryCriterion) -> bool:
    met = [e for e in window if e.met]
    if criterion.out_of_last is None and (
        len(window) < criterion.consecutive or len(met) < len(window)
    ):
        return False
    if len(met) < criterion.consecutive:
        return False
    observers, settings = _spread(met)
    return len(observers) >= criterion.min_observers and len(settings) >= criterion.min_settings


@attrs.frozen
class _Outcome:
    """What the judged sessions add up to (the fields of :class:`MasteryEvaluation` that
    are not the sessions themselves)."""

    mastered_on: pendulum.Date | None
    run: tuple[pendulum.Date, ...]
    current_run: int
    broken_on: pendulum.Date | None
    broken_because: str | None
    shortfall: str | None
    summary: str


def _outcome(
    days: Sequence[_Day], criterion: MasteryCriterion, metric_kind: MetricKind, unit: str
) -> _Outcome:
    """Apply *criterion* to the judged sessions *days* (oldest first)."""
    entries = _sequence(days, criterion)

    mastered_at: int | None = None
    for index in range(len(entries)):
        if entries[index].met and _window_meets(_window(entries, index, criterion), criterion):
            mastered_at = index
            break

    current_run = 0
    for entry in reversed(entries):
        if not entry.met:
            break
        current_run += 1
    breaking = next((e for e in reversed(entries) if not e.met), None)
    broken_because = None if breaking is None else _why_not(breaking, criterion, metric_kind, unit)
    word = _unit_word(criterion)

    shortfall: str | None
    if mastered_at is not None:
        window = _window(entries, mastered_at, criterion)
        run_entries = [e for e in window if e.met]
        mastered_on: pendulum.Date | None = entries[mastered_at].day
        observers, settings = _spread(run_entries)
        summary = (
            f"Mastered on {entries[mastered_at].day.isoformat()}: "
            f"{_plural(len(run_entries), word)} met the criterion "
            f"({', '.join(e.day.isoformat() for e in run_entries)}), recorded by "
            f"{_names(observers)} in {_names(settings)}."
        )
        shortfall = None
    else:
        mastered_on = None
        if not entries:
            run_entries = []
            shortfall = f"no {word} has counted yet"
        else:
            window = _window(entries, len(entries) - 1, criterion)
            observers, settings = _spread([e for e in window if e.met])
            if criterion.out_of_last is None:  # the current run: the latest sessions in a row
                run_entries = list(entries[len(entries) - current_run :]) if current_run else []
            else:  # the sessions that met the threshold in the latest window
                run_entries = [e for e in window if e.met]
            if criterion.out_of_last is None and current_run < criterion.consecutive:
                shortfall = f"{current_run} of {criterion.consecutive} consecutive {word}s so far"
            elif criterion.out_of_last is not None and len(run_entries) < criterion.consecutive:
                shortfall = (
                    f"{len(run_entries)} of the last {_plural(len(window), word)} met the "
                    f"threshold; {criterion.consecutive} are needed"
                )
            elif len(observers) < criterion.min_observers:
                shortfall = (
                    f"the {word}s that met the threshold were recorded by "
                    f"{_plural(len(observers), 'person').replace('persons', 'people')} "
                    f"({_names(observers)}); {criterion.min_observers} different people "
                    "are needed"
                )
            else:
                shortfall = (
                    f"the {word}s that met the threshold were all in "
                    f"{_plural(len(settings), 'setting')} "
                    f"({_names(settings)}); {criterion.min_settings} "
                    "different settings are needed"
                )
        if breaking is not None:
            shortfall += f"; the run broke on {breaking.day.isoformat()} ({broken_because})"
        summary = f"Not mastered yet: {shortfall}."
    return _Outcome(
        mastered_on=mastered_on,
        run=tuple(e.day for e in run_entries),
        current_run=current_run,
        broken_on=None if breaking is None else breaking.day,
        broken_because=broken_because,
        shortfall=shortfall,
        summary=summary,
    )


def assess_mastery(
    observations: Iterable[Observation],
    criterion: MasteryCriterion,
    *,
    time_zone: str = "UTC",
    metric_kind: MetricKind = MetricKind.LEVEL,
    unit: str = "",
    goal_id: str | None = None,
    since: dt.date | None = None,
    until: dt.datetime | None = None,
) -> MasteryEvaluation:
    """Apply *criterion* to *observations* and explain the result.

    Days are reckoned in *time_zone*; only observations on or after the local day
    *since* and at or before the moment *until* are used, when given.
    """
    if not isinstance(criterion, MasteryCriterion):
        raise ValidationError(
            "criterion", f"must be a MasteryCriterion, not {type(criterion).__name__}"
        )
    c.check_member("metric_kind", MetricKind, metric_kind)
    start = None if since is None else c.to_pendulum_date("since", since)
    end = None if until is None else c.utc_datetime("until", until)
    grouped: dict[pendulum.Date, list[Observation]] = defaultdict(list)
    skipped: list[SkippedObservation] = []
    for observation in observations:
        day = local_day(observation.observed_at, time_zone)
        if (start is not None and day < start) or (
            end is not None and observation.observed_at > end
        ):
            continue
        if observation.value is None:
            reason = "no measured value (a GAS level only)"
        elif criterion.probes_only and observation.kind is not ObservationKind.PROBE:
            reason = f"not probe data ({observation.kind.value})"
        else:
            grouped[day].append(observation)
            continue
        skipped.append(
            SkippedObservation(observation_id=observation.observation_id, day=day, reason=reason)
        )
    skipped.sort(key=lambda s: (s.day, s.observation_id))
    judged = []
    for day in sorted(grouped):
        data = grouped[day]
        judged.append(
            _Day(
                day,
                [float(o.value) for o in data if o.value is not None],
                [o.trials for o in data if o.trials is not None],
                frozenset(o.observer for o in data),
                frozenset(o.setting.value for o in data),
                [o.first_trial_independent for o in data],
                criterion,
                metric_kind,
            )
        )
    days = tuple(
        DayResult(
            day=d.day,
            verdict=d.verdict,
            reason=_reason(d, criterion, metric_kind, unit),
            value=d.value,
            observations=tuple(sorted(o.observation_id for o in grouped[d.day])),
            observers=d.observers,
            settings=frozenset(o.setting for o in grouped[d.day]),
            trials=d.trials,
        )
        for d in judged
    )
    outcome = _outcome(judged, criterion, metric_kind, unit)
    return MasteryEvaluation(
        goal_id=goal_id,
        criterion=criterion,
        criterion_text=describe_criterion(criterion, unit),
        metric_kind=metric_kind,
        unit=unit,
        days=days,
        skipped=tuple(skipped),
        mastered=outcome.mastered_on is not None,
        mastered_on=outcome.mastered_on,
        run=outcome.run,
        current_run=outcome.current_run,
        broken_on=outcome.broken_on,
        broken_because=outcome.broken_because,
        shortfall=outcome.shortfall,
        summary=outcome.summary,
    )


MeasuredRow = tuple[int, str, str, str, float, "int | None", "int | bool | None"]
"""A measured observation as the SQL read model keeps it: ``(observed_at in microseconds
since the Unix epoch, observer, setting, kind, value, trials, first trial independent)``."""


def mastery_status(
    rows: Iterable[MeasuredRow],
    criterion: MasteryCriterion,
    *,
    time_zone: str,
    metric_kind: MetricKind,
    unit: str,
) -> tuple[bool, str]:
    """Whether *criterion* is met by measured observations, and the summary
    :func:`assess_mastery` would give: ``(mastered, summary)``, without the explanation
    of every session (for reports over many goals).

    *rows* are the measured observations (a value, not ``None``) up to the report's
    moment (see :data:`MeasuredRow`), in any order. The sessions are judged by the same
    code as :func:`assess_mastery`'s, so the result is the same as
    ``assess_mastery(...)``'s ``mastered`` and ``summary`` for the same observations.
    """
    probe = ObservationKind.PROBE.value
    grouped: dict[int, list[MeasuredRow]] = {}
    for row in rows:
        if criterion.probes_only and row[3] != probe:
            continue
        ordinal = local_ordinal(row[0], time_zone)
        found = grouped.get(ordinal)
        if found is None:
            grouped[ordinal] = [row]
        else:
            found.append(row)
    judged = [
        _Day(
            date_of(ordinal),
            [float(r[4]) for r in data],
            [r[5] for r in data if r[5] is not None],
            frozenset(r[1] for r in data),
            frozenset(r[2] for r in data),
            [None if r[6] is None else bool(r[6]) for r in data],
            criterion,
            metric_kind,
        )
        for ordinal, data in sorted(grouped.items())
    ]
    outcome = _outcome(judged, criterion, metric_kind, unit)
    return outcome.mastered_on is not None, outcome.summary


def _criterion_of(state: PartnershipState, goal_id: str) -> MasteryCriterion:
    goal = state.goals.get(goal_id)
    if goal is None:
        raise UnknownRecordError("goal_id", f"no goal with id {goal_id!r} in this partnership")
    if goal.current.mastery is None:
        raise DomainError(
            "criterion",
            f"goal {goal_id!r} has no mastery criterion; give one, or revise the goal to add it",
        )
    return goal.current.mastery


def evaluate_mastery(
    state: PartnershipState,
    goal_id: str,
    *,
    criterion: MasteryCriterion | None = None,
    since: dt.date | None = None,
    as_of: dt.datetime | None = None,
) -> MasteryEvaluation:
    """Apply a mastery criterion to a goal's observations (as corrected) and explain it.

    Uses the goal's current criterion unless *criterion* is given; its target's unit and
    metric kind; and the partnership's time zone for days. *since* leaves out the days
    before it (a new phase, a revised goal); *as_of* leaves out observations made after
    that moment. Observations are read as corrected in *state*: to see them as they were
    recorded by a past moment, pass ``partnership.as_of(moment)``.

    Raises:
        UnknownRecordError: no such goal.
        DomainError: no criterion given, and the goal has none.
    """
    if criterion is None:
        criterion = _criterion_of(state, goal_id)
    goal = state.goals.get(goal_id)
    if goal is None:
        raise UnknownRecordError("goal_id", f"no goal with id {goal_id!r} in this partnership")
    return assess_mastery(
        state.observations_for(goal_id),
        criterion,
        time_zone=state.time_zone,
        metric_kind=goal.target.metric_kind,
        unit=goal.target.unit,
        goal_id=goal_id,
        since=since,
        until=as_of,
    )


# --- phases -----------------------------------------------------------------------------------


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
    if plan is None:
        plan = PhasePlan(acquisition=_criterion_of(state, goal_id))
    goal = state.goals.get(goal_id)
    if goal is None:
        raise UnknownRecordError("goal_id", f"no goal with id {goal_id!r} in this partnership")
    return track_phases(
        state.observations_for(goal_id),
        plan,
        time_zone=state.time_zone,
        metric_kind=goal.target.metric_kind,
        unit=goal.target.unit,
        goal_id=goal_id,
        as_of=as_of,
    )
