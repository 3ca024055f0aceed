"""Scalars: times, dates, durations, ids and texts, valid and invalid (private; import
them from :mod:`alliance.testing.strategies`)."""

from __future__ import annotations

import datetime as dt
import functools
import string
from collections.abc import Sequence
from typing import TypeVar

import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import alliance as al
from alliance.model._checks import EARLIEST_TIME, LATEST_TIME, MAX_DURATION, MAX_MAGNITUDE

__all__ = [
    "TIME_ZONE_NAMES",
    "aware_datetimes",
    "blank_texts",
    "dates",
    "durations",
    "ids",
    "invalid_ids",
    "language_tags",
    "naive_datetimes",
    "readable_texts",
    "texts",
    "time_zone_names",
]

T = TypeVar("T")

# --- scalars ------------------------------------------------------------------------------

TIME_ZONE_NAMES: tuple[str, ...] = (
    "UTC",
    "Europe/London",
    "America/New_York",
    "America/St_Johns",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Europe/Amsterdam",
    "Africa/Monrovia",
)
"""IANA zones with awkward offsets: half and quarter hours, +14:00, -11:00, half-hour
DST (Lord Howe), southern-hemisphere DST, offsets with seconds in them (Amsterdam before
1937, Monrovia before 1972), and plain UTC."""

# The moments an event may carry (alliance.model.checks.EARLIEST_TIME to LATEST_TIME).
_EARLIEST = EARLIEST_TIME
_LATEST = LATEST_TIME
# The most years durations() may draw, so that with 24 months, 60 weeks, 60 days and 47
# hours a duration stays within MAX_DURATION (years count as 365 days, months as 30).
_MAX_YEARS = (MAX_DURATION.days - 24 * 30 - 60 * 7 - 60 - 2) // 365
_ID_FIRST = string.ascii_letters + string.digits
_ID_REST = _ID_FIRST + "._:@/+-"
_MAX_ID_LENGTH = 128
_PRINTABLE = st.characters(categories=("L", "M", "N", "P", "S"), include_characters=" ")
_WHITESPACE = " \t\n\r\x0b\x0c\u00a0\u1680\u2003\u2028\u3000"


def _naive_utc(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgument(f"{name}={value!r} must be timezone-aware")
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def time_zone_names(*, names: Sequence[str] = TIME_ZONE_NAMES) -> st.SearchStrategy[str]:
    """IANA time zone names, by default from :data:`TIME_ZONE_NAMES`.

    Args:
        names: the names to choose from (shrinks towards the first).
    """
    if not names:
        raise InvalidArgument("names must not be empty")
    return st.sampled_from(tuple(names))


@st.composite
def aware_datetimes(
    draw: st.DrawFn,
    *,
    min_value: dt.datetime = _EARLIEST,
    max_value: dt.datetime = _LATEST,
    time_zones: st.SearchStrategy[str] | None = None,
) -> pendulum.DateTime:
    """Timezone-aware :class:`pendulum.DateTime` values, in UTC unless *time_zones* is given.

    The instant is drawn between *min_value* and *max_value* (aware datetimes, compared
    as instants). With *time_zones* (a strategy of IANA names such as
    :func:`time_zone_names`), the instant is then shown in a drawn zone: the same moment
    with another offset, which the model must normalise to UTC.

    The default bounds are the moments an event may carry,
    :data:`alliance.model.checks.EARLIEST_TIME` to
    :data:`alliance.model.checks.LATEST_TIME`; any instant between them can be shown in
    any zone.
    """
    low = _naive_utc(min_value, "min_value")
    high = _naive_utc(max_value, "max_value")
    instant = draw(st.datetimes(min_value=low, max_value=high, timezones=st.just(pendulum.UTC)))
    moment = pendulum.instance(instant)
    if time_zones is not None:
        moment = moment.in_timezone(draw(time_zones))
    return moment


def naive_datetimes(
    *,
    min_value: dt.datetime = dt.datetime(1900, 1, 1),
    max_value: dt.datetime = dt.datetime(2200, 12, 31),
) -> st.SearchStrategy[dt.datetime]:
    """Naive datetimes (no time zone), which every ``alliance`` time field refuses."""
    return st.datetimes(min_value=min_value, max_value=max_value)


@st.composite
def dates(
    draw: st.DrawFn,
    *,
    min_value: dt.date = dt.date.min,
    max_value: dt.date = dt.date.max,
) -> pendulum.Date:
    """Calendar dates as :class:`pendulum.Date`, between *min_value* and *max_value*."""
    day = draw(st.dates(min_value=min_value, max_value=max_value))
    return pendulum.Date(day.year, day.month, day.day)


@st.composite
def durations(draw: st.DrawFn, *, max_years: int = 10, calendar: bool = True) -> pendulum.Duration:
    """Positive :class:`pendulum.Duration` values, built from parts.

    Each part is drawn on its own: years (up to *max_years*) and months (only when
    *calendar* is true; pendulum counts them as 365 and 30 days but remembers them),
    weeks, days, hours (up to 47, so some spill into days), minutes, seconds and
    microseconds. At least one part is non-zero.

    Args:
        max_years: the most years to draw, from 0 to 96, so that every duration is one
            the model accepts (at most :data:`alliance.model.checks.MAX_DURATION`).
    """
    if not 0 <= max_years <= _MAX_YEARS:
        raise InvalidArgument(
            f"max_years={max_years} must be between 0 and {_MAX_YEARS}: with the other "
            "parts, a duration is then at most alliance.model.checks.MAX_DURATION"
        )
    years = draw(st.integers(0, max_years)) if calendar else 0
    months = draw(st.integers(0, 24)) if calendar else 0
    weeks = draw(st.integers(0, 60))
    days = draw(st.integers(0, 60))
    hours = draw(st.integers(0, 47))
    minutes = draw(st.integers(0, 59))
    seconds = draw(st.integers(0, 59))
    microseconds = draw(st.integers(0, 999_999))
    if not any((years, months, weeks, days, hours, minutes, seconds, microseconds)):
        days = 1
    return pendulum.Duration(
        years=years,
        months=months,
        weeks=weeks,
        days=days,
        hours=hours,
        minutes=minutes,
        seconds=seconds,
        microseconds=microseconds,
    )


def ids(*, max_size: int = 32) -> st.SearchStrategy[str]:
    """Valid ids: a letter or digit, then letters, digits and ``. _ : @ / + -``.

    With *max_size* of 32 or more, also draws 32-character hex ids like those
    :func:`alliance.model.new_id` makes.

    Args:
        max_size: the longest id to draw, from 1 to 128.
    """
    if not 1 <= max_size <= _MAX_ID_LENGTH:
        raise InvalidArgument(f"max_size={max_size} must be between 1 and {_MAX_ID_LENGTH}")
    return _ids(max_size)


@functools.cache
def _ids(max_size: int) -> st.SearchStrategy[str]:
    hand_made = st.builds(
        str.__add__,
        st.sampled_from(_ID_FIRST),
        st.text(alphabet=_ID_REST, max_size=max_size - 1),
    )
    if max_size < 32:
        return hand_made
    return hand_made | st.uuids().map(lambda u: u.hex)


def invalid_ids() -> st.SearchStrategy[str]:
    """Strings that are not valid ids: empty, too long, with spaces, or starting with a
    punctuation mark."""
    return st.one_of(
        st.just(""),
        st.text(alphabet=_ID_REST, min_size=_MAX_ID_LENGTH).map(lambda s: "a" + s),
        st.builds(lambda a, b: f"{a} {b}", ids(max_size=8), ids(max_size=8)),
        st.builds(str.__add__, st.sampled_from("._:@/+-"), ids(max_size=8)),
    )


def texts(*, max_size: int = 40) -> st.SearchStrategy[str]:
    """Printable text that is not empty or only whitespace (letters of any script,
    marks, digits, punctuation, symbols and spaces).

    Args:
        max_size: the most characters to draw, at least 1.
    """
    if max_size < 1:
        raise InvalidArgument(f"max_size={max_size} must be at least 1")
    return _texts(max_size)


@functools.cache
def _texts(max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=_PRINTABLE, min_size=1, max_size=max_size).filter(str.strip)


def blank_texts() -> st.SearchStrategy[str]:
    """Empty or whitespace-only strings, which every ``alliance`` text field refuses."""
    return st.text(alphabet=_WHITESPACE, max_size=6)


def language_tags() -> st.SearchStrategy[str]:
    """BCP 47 language tags in the simple shapes ``alliance`` accepts (``en``, ``es-MX``,
    ``zh-Hant-TW``): common real tags, and generated ones of the same shape."""
    return _LANGUAGE_TAGS


_LANGUAGE_TAGS = st.sampled_from(
    ("en", "es-MX", "ar", "pa-Guru", "zh-Hant-TW", "fr-CA", "yue")
) | st.from_regex(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}", fullmatch=True)


def optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


def non_empty_set(
    strategy: st.SearchStrategy[T], max_size: int = 4
) -> st.SearchStrategy[frozenset[T]]:
    return st.frozensets(strategy, min_size=1, max_size=max_size)


def text_tuple(max_size: int = 3) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(texts(max_size=20), max_size=max_size).map(tuple)


# The numbers the model accepts (alliance.model.checks.MAX_MAGNITUDE either side of zero).
finite_floats = st.floats(min_value=-MAX_MAGNITUDE, max_value=MAX_MAGNITUDE, allow_nan=False)
SETTING_SETS = non_empty_set(st.sampled_from(al.model.Setting))
CHANNEL_SETS = non_empty_set(st.sampled_from(al.model.Channel))


_READABLE_WORDS = (
    "Sam",
    "asks",
    "for",
    "juice",
    "with",
    "two",
    "words",
    "at",
    "snack",
    "time",
    "home",
    "school",
    "clinic",
    "practised",
    "dressing",
    "shoes",
    "calm",
    "after",
    "the",
    "park",
    "visit",
    "used",
    "a",
    "picture",
    "card",
    "good",
    "week",
    "tired",
    "new",
    "teacher",
    "bath",
    "bedtime",
    "story",
    "waited",
    "turn",
    "shared",
    "toys",
    "brother",
    "grandma",
    "tried",
    "again",
    "smiled",
    "choice",
    "board",
    "quiet",
    "corner",
    "lunch",
    "bus",
)
_READABLE = st.lists(st.sampled_from(_READABLE_WORDS), min_size=1, max_size=6).map(" ".join)


def readable_texts() -> st.SearchStrategy[str]:
    """Short plain sentences in the practice's words ("Sam asks for juice at home"): what
    a clinic's QA engineer wants to read in a failing example, instead of random Unicode."""
    return _READABLE
