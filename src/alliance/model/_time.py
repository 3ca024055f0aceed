"""The rules of time every layer shares (private): moments as microseconds since the Unix
epoch, time zones looked up once, and local days.

Stores keep moments as whole microseconds since the epoch (sortable in SQL), and reports
and mastery reckon local days from them by the million, so these are the tuned paths:
the standard library's exact arithmetic rather than pendulum's (which builds an
``Interval`` for a subtraction and reads a zone's file from disk on every
``in_timezone``), with the same results as pendulum's (tested around DST changes in
``tests/reports/test_sql_path_and_local_days.py``). See docs/performance.md.

One home: storage, measures, reports and rules import these; nothing here imports
anything but the standard library and pendulum.
"""

from __future__ import annotations

import datetime as dt
import functools

import pendulum

UTC_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The Unix epoch, a standard-library datetime (its arithmetic is the fast one)."""


def to_micros(moment: dt.datetime) -> int:
    """An aware datetime as whole microseconds since the Unix epoch (sortable in SQL)."""
    # The standard library's exact subtraction: pendulum's own builds an Interval (slow).
    delta = dt.datetime.__sub__(moment, UTC_EPOCH)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int) -> pendulum.DateTime:
    """The inverse of :func:`to_micros`, in UTC."""
    moment = UTC_EPOCH + dt.timedelta(microseconds=micros)
    return pendulum.DateTime(
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
        moment.microsecond,
        tzinfo=pendulum.UTC,
    )


@functools.lru_cache(maxsize=512)
def zone(time_zone: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    """The zone named *time_zone*, as ``pendulum.DateTime.in_timezone`` finds it (which
    reads the zone's file again on every call)."""
    return pendulum.timezone(time_zone)


def local_ordinal(micros: int, time_zone: str) -> int:
    """The proleptic ordinal of the local day, in *time_zone*, of the moment *micros*
    microseconds after the Unix epoch."""
    tz = zone(time_zone)
    try:
        # The whole second is enough: UTC offsets, and so local midnights, fall on whole
        # seconds. One call into C.
        return dt.datetime.fromtimestamp(micros // 1_000_000, tz).toordinal()
    except (OverflowError, ValueError, OSError):  # beyond the platform's time_t
        return (UTC_EPOCH + dt.timedelta(microseconds=micros)).astimezone(tz).toordinal()


@functools.lru_cache(maxsize=4096)
def date_of(ordinal: int) -> pendulum.Date:
    """The date of a proleptic ordinal (cached: a clinic's reports ask for few days)."""
    return pendulum.Date.fromordinal(ordinal)


def local_day(moment: dt.datetime, time_zone: str) -> pendulum.Date:
    """The local day of *moment* in *time_zone*: ``moment.in_timezone(time_zone)``'s date."""
    if moment.tzinfo is pendulum.UTC or moment.tzinfo is dt.UTC:
        # the standard library's conversion of the same UTC moment: what pendulum does,
        # without building pendulum objects on the way
        return pendulum.Date.fromordinal(local_ordinal(to_micros(moment), time_zone))
    local = pendulum.instance(moment).in_timezone(zone(time_zone))
    return pendulum.Date(local.year, local.month, local.day)


def add_days(day: pendulum.Date, duration: pendulum.Duration) -> pendulum.Date:
    """*day* moved on the calendar by the years, months, weeks and days of *duration*
    (its hours and smaller are ignored)."""
    return day.add(
        years=duration.years,
        months=duration.months,
        days=duration.weeks * 7 + duration.remaining_days,
    )


def local_start(day: dt.date, time_zone: str) -> pendulum.DateTime:
    """The first moment of the local day *day* in *time_zone* (in that zone; a midnight
    that a change of clocks skips is moved forward, as pendulum does)."""
    return pendulum.datetime(day.year, day.month, day.day, tz=zone(time_zone))
