"""Routine outcome monitoring: when measures are due, and what each new score means.

**Sessions.** In this model a *session* is a local day (in the partnership's time zone)
on which the child was seen: a professional recorded session or probe data for any goal
(``ObservationKind.SESSION`` / ``PROBE``), or a check-in of kind ``meeting`` or
``home-visit`` was held. Several of them on one day make one session.

**Schedules.** A :class:`MeasureSchedule` asks for an instrument every N sessions or every
N months. It is first due at the first session (a baseline); after that, N sessions
after (or N months after the day of) the last completion. A measure due at a session
is *due* on that day and *overdue* from the start of the next day if it was not
completed; a monthly measure is *overdue* once its grace period has passed.

**Change.** Each new score is compared with the respondent's first (baseline) and
previous scores on the same instrument: a change of at least the instrument's
reliable-change threshold, in its direction of improvement, is a reliable improvement
(or, the other way, a reliable deterioration); a reliable improvement that moves a
score from the clinical side of the cutoff to the other is *recovered*, any other
reliable improvement is *improved but not recovered* (Jacobson & Truax, 1991).

**Alliance flags.** The latest session (alliance) rating of each respondent that is on
the clinical side of its cutoff is an :class:`AllianceFlag`: the partnership may need
repair. The rules engine reports them (``alliance-flag``), and overdue measures
(``measures-due``).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any

import attrs
import pendulum

from alliance._i18n import Language
from alliance._i18n import language as language_for
from alliance.errors import ValidationError
from alliance.model import _checks as c
from alliance.model._time import add_days, local_start
from alliance.model.check_ins import CheckInKind
from alliance.model.goals import Direction
from alliance.model.measures import (
    Instrument,
    InstrumentPurpose,
    MeasureResponse,
    RespondentRole,
    Score,
    tidy,
)
from alliance.model.progress import ObservationKind
from alliance.model.state import PartnershipState

__all__ = [
    "SESSION_CHECK_IN_KINDS",
    "AllianceFlag",
    "Cadence",
    "DueStatus",
    "MeasureDue",
    "MeasureSchedule",
    "Recovery",
    "ReliableChange",
    "ScoreChange",
    "ScoredResponse",
    "alliance_flags",
    "classify_change",
    "measure_due",
    "measures_due",
    "score_history",
    "session_days",
]

SESSION_CHECK_IN_KINDS = frozenset({CheckInKind.MEETING, CheckInKind.HOME_VISIT})
"""The kinds of check-in that count as a session."""

_SESSION_OBSERVATION_KINDS = frozenset({ObservationKind.SESSION, ObservationKind.PROBE})


def _number(value: float) -> str:
    """A total in words: at most two decimals ("35.9", "2.67")."""
    return f"{tidy(round(value, 2)):g}"


def _cutoff_moment(moment: dt.datetime | None) -> pendulum.DateTime | None:
    return None if moment is None else c.utc_datetime("moment", moment)


def session_days(
    state: PartnershipState, moment: dt.datetime | None = None
) -> tuple[pendulum.Date, ...]:
    """The local days on which the child was seen (by *moment*, if given), in order: days
    with session or probe data, or with a ``meeting`` or ``home-visit`` check-in."""
    cutoff = _cutoff_moment(moment)
    times = [
        o.observed_at for o in state.observations.values() if o.kind in _SESSION_OBSERVATION_KINDS
    ] + [ci.held_at for ci in state.check_ins.values() if ci.kind in SESSION_CHECK_IN_KINDS]
    return tuple(sorted({state.local_date(t) for t in times if cutoff is None or t <= cutoff}))


# --- change between two scores -----------------------------------------------------------


class ReliableChange(enum.StrEnum):
    """Whether a change of score is larger than measurement error."""

    IMPROVEMENT = "reliable-improvement"
    DETERIORATION = "reliable-deterioration"
    NO_RELIABLE_CHANGE = "no-reliable-change"


class Recovery(enum.StrEnum):
    """What a reliable improvement means against the clinical cutoff."""

    RECOVERED = "recovered"
    """From the clinical side of the cutoff to the other side."""
    IMPROVED_NOT_RECOVERED = "improved-not-recovered"
    """Reliably better, without crossing from the clinical side."""


@attrs.frozen(kw_only=True)
class ScoreChange:
    """How a later score compares with an earlier one on the same instrument.

    Attributes:
        earlier, later: the two totals.
        change: ``later - earlier``.
        improvement: the change in the instrument's direction of improvement (positive
            is better whichever way the scale runs).
        reliable: reliable improvement, reliable deterioration or no reliable change;
            ``None`` when the instrument has no reliable-change threshold.
        earlier_clinical, later_clinical: whether each total is on the clinical side of
            the cutoff; ``None`` without a cutoff.
        recovery: for a reliable improvement, whether it is a recovery (crossed the
            cutoff from the clinical side) or an improvement that did not recover;
            ``None`` otherwise, and when the instrument has no cutoff.
        summary: the comparison in words.
    """

    earlier: float
    later: float
    change: float
    improvement: float
    reliable: ReliableChange | None
    earlier_clinical: bool | None
    later_clinical: bool | None
    recovery: Recovery | None
    summary: str

    @property
    def crossed_cutoff(self) -> bool:
        """Whether the two totals are on different sides of the cutoff."""
        return self.earlier_clinical is not None and self.earlier_clinical != self.later_clinical


def classify_change(instrument: Instrument, earlier: float, later: float) -> ScoreChange:
    """Compare two totals of *instrument*: reliable change, and cutoff crossing.

    A change is reliable when its size is at least the instrument's ``reliable_change``.
    """
    change = tidy(later - earlier)
    improvement = change if instrument.improvement is Direction.INCREASE else tidy(-change)
    reliable: ReliableChange | None = None
    if instrument.reliable_change is not None:
        if improvement >= instrument.reliable_change:
            reliable = ReliableChange.IMPROVEMENT
        elif -improvement >= instrument.reliable_change:
            reliable = ReliableChange.DETERIORATION
        else:
            reliable = ReliableChange.NO_RELIABLE_CHANGE
    earlier_clinical = instrument.is_clinical(earlier)
    later_clinical = instrument.is_clinical(later)
    recovery: Recovery | None = None
    if reliable is ReliableChange.IMPROVEMENT and instrument.cutoff is not None:
        recovery = (
            Recovery.RECOVERED
            if earlier_clinical and not later_clinical
            else Recovery.IMPROVED_NOT_RECOVERED
        )
    sign = "+" if change >= 0 else "-"
    words = [f"{_number(earlier)} to {_number(later)} ({sign}{_number(abs(change))})"]
    if reliable is None:
        words.append(f"{instrument.instrument_id!r} has no reliable-change threshold")
    elif reliable is ReliableChange.NO_RELIABLE_CHANGE:
        words.append(f"no reliable change (less than {_number(instrument.reliable_change or 0)})")
    else:
        words.append(reliable.value.replace("-", " "))
    if recovery is Recovery.RECOVERED:
        words.append(f"recovered: crossed the cutoff of {_number(instrument.cutoff or 0)}")
    elif recovery is Recovery.IMPROVED_NOT_RECOVERED:
        words.append("improved but not recovered")
    elif earlier_clinical is not None and earlier_clinical != later_clinical:
        side = "into" if later_clinical else "out of"
        words.append(
            f"crossed {side} the clinical range (cutoff {_number(instrument.cutoff or 0)})"
        )
    return ScoreChange(
        earlier=earlier,
        later=later,
        change=change,
        improvement=improvement,
        reliable=reliable,
        earlier_clinical=earlier_clinical,
        later_clinical=later_clinical,
        recovery=recovery,
        summary="; ".join(words),
    )


@attrs.frozen(kw_only=True)
class ScoredResponse:
    """A completed measure, scored, and compared with the respondent's first (baseline)
    and previous scores on the same instrument (``None`` for the first response)."""

    response: MeasureResponse
    score: Score
    vs_baseline: ScoreChange | None = None
    vs_previous: ScoreChange | None = None


def score_history(
    state: PartnershipState,
    instrument_id: str,
    respondent: str,
    moment: dt.datetime | None = None,
) -> tuple[ScoredResponse, ...]:
    """Every response of *respondent* to *instrument_id* (by *moment*, if given), in the
    order answered, each scored and compared with the first and the previous one.

    Each response is scored by the definition it was answered on; changes are read with
    the later response's definition (its cutoff and reliable-change threshold).
    """
    cutoff = _cutoff_moment(moment)
    responses = [
        r
        for r in state.measures_for(instrument_id, respondent)
        if cutoff is None or r.completed_at <= cutoff
    ]
    history: list[ScoredResponse] = []
    for response in responses:
        score = response.score
        if not history:
            history.append(ScoredResponse(response=response, score=score))
            continue
        instrument = response.instrument
        history.append(
            ScoredResponse(
                response=response,
                score=score,
                vs_baseline=classify_change(instrument, history[0].score.total, score.total),
                vs_previous=classify_change(instrument, history[-1].score.total, score.total),
            )
        )
    return tuple(history)


# --- alliance flags ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AllianceFlag:
    """A respondent's latest session (alliance) rating is on the clinical side of its
    cutoff: the partnership may need repair.

    Attributes:
        response: the rating.
        total: its total.
        cutoff: the instrument's cutoff.
        message: what it means, in words a carer could read.
    """

    response: MeasureResponse
    total: float
    cutoff: float
    message: str


def alliance_flags(
    state: PartnershipState, moment: dt.datetime | None = None, *, language: str | None = None
) -> tuple[AllianceFlag, ...]:
    """The alliance flags (by *moment*, if given): for each respondent and alliance
    instrument, the latest rating if it is on the clinical side of its cutoff. A later
    rating on the other side of the cutoff clears the flag. Oldest first. Their messages
    are in *language* (a BCP 47 tag; English by default)."""
    lang = language_for(language)
    _ = lang.gettext
    cutoff = _cutoff_moment(moment)
    latest: dict[tuple[str, str], MeasureResponse] = {}
    for response in state.measures_for():
        if response.instrument.purpose is not InstrumentPurpose.ALLIANCE:
            continue
        if cutoff is not None and response.completed_at > cutoff:
            continue
        latest[(response.instrument_id, response.respondent)] = response
    flags: list[AllianceFlag] = []
    for response in sorted(latest.values(), key=lambda r: r.completed_at):
        score = response.score
        if not score.clinical or response.instrument.cutoff is None:
            continue
        below = response.instrument.improvement is Direction.INCREASE
        if response.respondent_role is RespondentRole.CHILD and below:
            text = _(
                "'%(instrument)s' from the child on %(day)s totals %(total)s, below its "
                "cutoff of %(cutoff)s: ask what would make the sessions work better; the "
                "partnership may need repair."
            )
        elif response.respondent_role is RespondentRole.CHILD:
            text = _(
                "'%(instrument)s' from the child on %(day)s totals %(total)s, above its "
                "cutoff of %(cutoff)s: ask what would make the sessions work better; the "
                "partnership may need repair."
            )
        elif below:
            text = _(
                "'%(instrument)s' from '%(who)s' on %(day)s totals %(total)s, below its "
                "cutoff of %(cutoff)s: ask what would make the sessions work better; the "
                "partnership may need repair."
            )
        else:
            text = _(
                "'%(instrument)s' from '%(who)s' on %(day)s totals %(total)s, above its "
                "cutoff of %(cutoff)s: ask what would make the sessions work better; the "
                "partnership may need repair."
            )
        flags.append(
            AllianceFlag(
                response=response,
                total=score.total,
                cutoff=response.instrument.cutoff,
                message=text
                % {
                    "instrument": response.instrument_id,
                    "who": response.respondent,
                    "day": lang.date(state.local_date(response.completed_at)),
                    "total": lang.number(score.total, places=2),
                    "cutoff": lang.number(response.instrument.cutoff, places=2),
                },
            )
        )
    return tuple(flags)


# --- schedules -----------------------------------------------------------------------------


class Cadence(enum.StrEnum):
    """What a schedule counts."""

    SESSIONS = "sessions"
    """Every N sessions (every session when N is 1)."""
    MONTHS = "months"
    """Every N months."""


def _grace(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, pendulum.Duration) or isinstance(value, pendulum.Interval):
        raise ValidationError(attribute.name, "must be a pendulum.Duration")
    if value.total_seconds() < 0:
        raise ValidationError(attribute.name, "must not be negative")


@attrs.frozen(kw_only=True)
class MeasureSchedule:
    """How often an instrument is taken.

    Attributes:
        instrument_id: the instrument.
        every: how many sessions or months apart (default 1: every session).
        cadence: sessions (default) or months.
        respondent_role: whose answers count (the child, a carer, a professional);
            ``None`` (default) for anyone's.
        grace: for a monthly schedule, how long after its due day a measure may still be
            taken before it is overdue (default 7 days).
    """

    instrument_id: str = attrs.field(validator=c.identifier)
    every: int = attrs.field(default=1, validator=c.whole_number(1))
    cadence: Cadence = attrs.field(default=Cadence.SESSIONS, validator=c.one_of(Cadence))
    respondent_role: RespondentRole | None = attrs.field(
        default=None, validator=c.optional_one_of(RespondentRole)
    )
    grace: pendulum.Duration = attrs.field(
        factory=lambda: pendulum.duration(days=7), validator=_grace
    )

    def describe(self) -> str:
        """The schedule in words ("every session", "every 3 sessions", "every month")."""
        unit = "session" if self.cadence is Cadence.SESSIONS else "month"
        return f"every {unit}" if self.every == 1 else f"every {self.every} {unit}s"


class DueStatus(enum.StrEnum):
    """Where a scheduled measure stands."""

    NOT_DUE = "not-due"
    DUE = "due"
    OVERDUE = "overdue"


@attrs.frozen(kw_only=True)
class MeasureDue:
    """Where one scheduled measure stands as of a moment.

    Attributes:
        schedule: the schedule.
        status: not due, due, or overdue.
        due_on: the local day it is (or was) due, if it has come due.
        overdue_from: when it became overdue (UTC), if it is overdue.
        last_completed_at: when it was last completed, if ever.
        sessions_since: sessions held since it was last completed (all sessions, if
            never).
        reason: the status in words.
    """

    schedule: MeasureSchedule
    status: DueStatus
    due_on: pendulum.Date | None
    overdue_from: pendulum.DateTime | None
    last_completed_at: pendulum.DateTime | None
    sessions_since: int
    reason: str


def measure_due(
    state: PartnershipState,
    schedule: MeasureSchedule,
    moment: dt.datetime,
    *,
    language: str | None = None,
) -> MeasureDue:
    """Where *schedule*'s measure stands at *moment* (events after it are ignored), its
    reason in *language* (a BCP 47 tag; English by default)."""
    lang = language_for(language)
    _ = lang.gettext
    cutoff = c.utc_datetime("moment", moment)
    today = state.local_date(cutoff)
    completions = [
        r.completed_at
        for r in state.measures_for(schedule.instrument_id)
        if r.completed_at <= cutoff
        and (schedule.respondent_role is None or r.respondent_role is schedule.respondent_role)
    ]
    last = max(completions, default=None)
    last_day = None if last is None else state.local_date(last)
    sessions = session_days(state, cutoff)
    since = [d for d in sessions if last_day is None or d > last_day]
    words = {
        "name": schedule.instrument_id,
        "schedule": _describe(schedule, lang),
        "last": _("it has not been completed yet")
        if last_day is None
        else _("it was last completed on %(day)s") % {"day": lang.date(last_day)},
    }

    def standing(
        status: DueStatus,
        reason: str,
        due_on: pendulum.Date | None = None,
        overdue_from: pendulum.DateTime | None = None,
    ) -> MeasureDue:
        return MeasureDue(
            schedule=schedule,
            status=status,
            due_on=due_on,
            overdue_from=overdue_from,
            last_completed_at=last,
            sessions_since=len(since),
            reason=reason,
        )

    due_on: pendulum.Date | None
    overdue_on: pendulum.Date | None  # the last day before it is overdue
    if last_day is None or schedule.cadence is Cadence.SESSIONS:
        needed = 1 if last_day is None else schedule.every
        if len(since) < needed:
            if not since:
                held = _("no session has been held")
            else:
                held = lang.ngettext(
                    "%(held)s of %(needed)s session held",
                    "%(held)s of %(needed)s sessions held",
                    needed,
                ) % {"held": lang.number(len(since)), "needed": lang.number(needed)}
            return standing(
                DueStatus.NOT_DUE,
                _("%(name)s is not due: %(held)s (%(schedule)s; %(last)s).")
                % {**words, "held": held},
            )
        due_on = since[needed - 1]
        overdue_on = due_on
        if schedule.cadence is Cadence.MONTHS:
            overdue_on = add_days(due_on, schedule.grace)
        words["due"] = _("at the session on %(day)s") % {"day": lang.date(due_on)}
    else:
        due_on = last_day.add(months=schedule.every)
        overdue_on = add_days(due_on, schedule.grace)
        words["due"] = _("on %(day)s") % {"day": lang.date(due_on)}
        if today < due_on:
            return standing(
                DueStatus.NOT_DUE,
                _("%(name)s is next due %(due)s (%(schedule)s; %(last)s).") % words,
            )
    if today <= overdue_on:
        return standing(
            DueStatus.DUE, _("%(name)s is due %(due)s (%(schedule)s; %(last)s).") % words, due_on
        )
    return standing(
        DueStatus.OVERDUE,
        _("%(name)s is overdue: it was due %(due)s (%(schedule)s; %(last)s).") % words,
        due_on,
        local_start(overdue_on.add(days=1), state.time_zone).in_timezone("UTC"),
    )


def _describe(schedule: MeasureSchedule, lang: Language) -> str:
    """The schedule in *lang*'s words ("every session", "cada 3 sesiones")."""
    n = schedule.every
    values = {"count": lang.number(n)}
    if schedule.cadence is Cadence.SESSIONS:
        return lang.ngettext("every session", "every %(count)s sessions", n) % values
    return lang.ngettext("every month", "every %(count)s months", n) % values


def measures_due(
    state: PartnershipState,
    schedules: Iterable[MeasureSchedule],
    moment: dt.datetime,
    *,
    language: str | None = None,
) -> tuple[MeasureDue, ...]:
    """Where each of *schedules* stands at *moment*, in the order given (the reasons in
    *language*, English by default)."""
    return tuple(measure_due(state, s, moment, language=language) for s in schedules)
