"""Mastery criteria applied to a goal's observations, with an explanation of every result
(private: the public names are :mod:`alliance.measures.mastery`'s, whose docstring gives
the rules).

Sessions are tallied and judged without words (:class:`_Day`); the words of a session
(:func:`_reason`) are written only where they are read: for every session by
:func:`assess_mastery`, for the one that broke the run by :func:`mastery_status`.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

import attrs
import pendulum

from alliance.errors import DomainError, UnknownRecordError, ValidationError
from alliance.model import _checks as c
from alliance.model._time import date_of, local_day, local_ordinal
from alliance.model.goals import Comparison, Goal, MasteryCriterion, MasteryFrame, MetricKind
from alliance.model.measures import tidy
from alliance.model.partnership import Setting
from alliance.model.progress import Observation, ObservationKind
from alliance.model.state import PartnershipState

__all__ = [
    "DayResult",
    "DayVerdict",
    "MasteryEvaluation",
    "MeasuredRow",
    "SkippedObservation",
    "assess_mastery",
    "describe_criterion",
    "evaluate_mastery",
    "mastery_status",
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


def goal_of(state: PartnershipState, goal_id: str) -> Goal:
    """The goal *goal_id* of *state*.

    Raises:
        UnknownRecordError: no such goal.
    """
    goal = state.goals.get(goal_id)
    if goal is None:
        raise UnknownRecordError("goal_id", f"no goal with id {goal_id!r} in this partnership")
    return goal


def criterion_of(goal: Goal) -> MasteryCriterion:
    """The current mastery criterion of *goal*.

    Raises:
        DomainError: the goal has none.
    """
    if goal.current.mastery is None:
        raise DomainError(
            "criterion",
            f"goal {goal.goal_id!r} has no mastery criterion; give one, or revise the goal to "
            "add it",
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
    goal = goal_of(state, goal_id)
    return assess_mastery(
        state.observations_for(goal_id),
        criterion_of(goal) if criterion is None else criterion,
        time_zone=state.time_zone,
        metric_kind=goal.target.metric_kind,
        unit=goal.target.unit,
        goal_id=goal_id,
        since=since,
        until=as_of,
    )
