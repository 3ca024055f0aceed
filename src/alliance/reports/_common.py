"""What every report shares: the reporting period, and streaming partnerships from a store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.model import _checks as c
from alliance.model._time import local_day, local_start
from alliance.model.goals import Goal, GoalDomain, GoalStatus
from alliance.model.partnership import PartnershipStatus
from alliance.model.state import PartnershipState
from alliance.storage import load_partnership
from alliance.storage.interface import Store

__all__ = [
    "Period",
    "iter_states",
    "local_date",
    "moment_in",
    "moment_of",
    "open_during",
    "periods_between",
    "select_goals_in",
    "start_in",
]


def _optional_date(value: object) -> pendulum.Date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError("period", f"must be a date, not {value!r}")
    return pendulum.Date(value.year, value.month, value.day)


@attrs.frozen(kw_only=True)
class Period:
    """A reporting period: local dates (in each partnership's time zone), both ends
    included; an end left ``None`` is open.

    Attributes:
        start: the first day, or ``None`` for "since the beginning".
        end: the last day, or ``None`` for "up to the latest event".
    """

    start: pendulum.Date | None = attrs.field(default=None, converter=_optional_date)
    end: pendulum.Date | None = attrs.field(default=None, converter=_optional_date)

    def __attrs_post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValidationError("period", f"ends ({self.end}) before it starts ({self.start})")

    def contains(self, day: dt.date) -> bool:
        """Whether the local date *day* falls in the period."""
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def label(self) -> str:
        """The period in words, e.g. ``2025-01-01..2025-03-31`` (``..`` for an open end)."""
        start = self.start.isoformat() if self.start else ""
        end = self.end.isoformat() if self.end else ""
        return f"{start}..{end}"


_STEPS = {"week": {"weeks": 1}, "month": {"months": 1}, "quarter": {"months": 3}}


def periods_between(start: dt.date, end: dt.date, every: str = "month") -> list[Period]:
    """Consecutive periods of one *every* (``week``, ``month`` or ``quarter``) from *start*
    to *end* (the last one cut short at *end*), e.g. for GAS T-scores per month.

    Raises:
        ValidationError: an unknown step, or *end* before *start*.
    """
    step = _STEPS.get(every)
    if step is None:
        raise ValidationError("every", f"must be one of {', '.join(_STEPS)}, not {every!r}")
    first = pendulum.Date(start.year, start.month, start.day)
    last = pendulum.Date(end.year, end.month, end.day)
    Period(start=first, end=last)  # refuses an end before the start
    periods = []
    while first <= last:
        following = first.add(**step)
        periods.append(Period(start=first, end=min(following.subtract(days=1), last)))
        first = following
    return periods


def moment_of(state: PartnershipState, period: Period) -> pendulum.DateTime:
    """The moment a report over *period* is taken at: the end of the period's last local
    day (in the partnership's time zone), or the partnership's latest event when the
    period has no end."""
    return moment_in(state.time_zone, state.last_event_at, period)


def moment_in(
    time_zone: str, last_event_at: pendulum.DateTime, period: Period
) -> pendulum.DateTime:
    """:func:`moment_of` for a partnership in *time_zone* whose latest event occurred at
    *last_event_at*."""
    if period.end is None:
        return last_event_at
    end = local_start(period.end, time_zone).add(days=1)
    return end.subtract(microseconds=1).in_timezone("UTC")


def start_of(state: PartnershipState, period: Period) -> pendulum.DateTime | None:
    """The first moment of *period* in the partnership's time zone (``None``: open)."""
    return start_in(state.time_zone, period)


def start_in(time_zone: str, period: Period) -> pendulum.DateTime | None:
    """:func:`start_of` for a partnership in *time_zone*."""
    if period.start is None:
        return None
    return local_start(period.start, time_zone).in_timezone("UTC")


def local_date(time_zone: str, moment: dt.datetime) -> pendulum.Date:
    """The date of *moment* in *time_zone* (as :meth:`PartnershipState.local_date`)."""
    return local_day(c.utc_datetime("moment", moment), time_zone)


def open_during(
    time_zone: str,
    period: Period,
    *,
    proposed_at: pendulum.DateTime,
    status: GoalStatus,
    status_changed_at: pendulum.DateTime,
) -> bool:
    """Whether a goal was open at some time during *period*: proposed by its end (local
    date), and not closed before its start."""
    if period.end is not None and local_date(time_zone, proposed_at) > period.end:
        return False
    return not (
        period.start is not None
        and status.is_closed
        and local_date(time_zone, status_changed_at) < period.start
    )


def iter_states(
    store: Store,
    *,
    member_id: str | None = None,
    status: PartnershipStatus | None = None,
) -> Iterator[PartnershipState]:
    """Fold the store's partnerships one at a time (streaming: only one timeline is held
    in memory), optionally only those where *member_id* (a professional or a carer) is a
    current member and/or whose status is *status*, ordered by partnership id."""
    for summary in store.find_partnerships(member_id=member_id, status=status):
        yield load_partnership(store, summary.partnership_id).state


def select_goals_in(
    state: PartnershipState,
    *,
    domain: GoalDomain | None = None,
    status: GoalStatus | None = None,
    period: Period | None = None,
) -> list[Goal]:
    """The goals of *state* in *domain* with *status* that were open at some time during
    *period* (proposed by its end, and not closed before its start)."""
    period = period or Period()
    found = []
    for goal in state.goals.values():
        if domain is not None and goal.domain is not domain:
            continue
        if status is not None and goal.status is not status:
            continue
        if not open_during(
            state.time_zone,
            period,
            proposed_at=goal.proposed_at,
            status=goal.status,
            status_changed_at=goal.status_changed_at,
        ):
            continue
        found.append(goal)
    return found
