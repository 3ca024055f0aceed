"""Validators and converters shared by the model's attrs classes, and the checks against
a partnership's state that many events share (private).

Every failure raises an :class:`alliance.AllianceError` naming the field
(:class:`alliance.ValidationError` for a malformed value), so a clinic's engineers see
*which* value was wrong and *why*, never a bare ``ValueError``.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import pendulum

from alliance.errors import DomainError, NotAMemberError, UnknownRecordError, ValidationError
from alliance.model._time import zone

if TYPE_CHECKING:
    from alliance.model.audience import Audience
    from alliance.model.people import MemberRole
    from alliance.model.state import PartnershipState

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

MAX_ID_LENGTH = 128
MAX_MAGNITUDE = 1e15
"""The largest size (either side of zero) of a measured value, a target or any other
number the model keeps: 10^15, so every whole number up to it is exactly a float, and
sums, differences and averages of such values stay finite."""
MAX_DURATION = pendulum.Duration(days=36_525)
"""The longest duration (a cadence, an interval, a rule's length) the model keeps: a
hundred years of 365.25 days, so that an event's time plus any duration stays inside the
calendar."""
_MAX_DURATION_SECONDS = MAX_DURATION.total_seconds()
MAX_COUNT = 2**31 - 1
"""The largest count (trials, sessions, versions...) the model keeps: 2,147,483,647, the
largest whole number every store's integer columns hold."""
_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$")
# BCP 47 language tags in the simple shapes clinics use: "en", "es-MX", "zh-Hant-TW".
_LANGUAGE_PATTERN = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_SURROGATE = re.compile("[\ud800-\udfff]")


@attrs.frozen
class Accepting:
    """A validator that says what it accepts, so the testing kit can draw values for the
    field it guards (``kind`` is ``"whole"``, ``"member"``, ``"optional member"``,
    ``"set"``, ``"tuple"``, ``"instance"``, ``"optional instance"`` or ``"optional
    ids"``)."""

    kind: str
    check: Callable[[Any, Any, Any], None] = attrs.field(repr=False, eq=False)
    of: Any = None
    low: int | None = None
    high: int | None = None
    non_empty: bool = False

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        self.check(instance, attribute, value)


def new_id() -> str:
    """Return a fresh random identifier (32 lowercase hex characters)."""
    return uuid.uuid4().hex


def identifier(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An id: 1-128 characters, no spaces, starting with a letter or digit."""
    _check_identifier(attribute.name, value)


def _check_identifier(field: str, value: object) -> None:
    if not isinstance(value, str):
        raise ValidationError(field, f"must be a string id, not {type(value).__name__}")
    if not value:
        raise ValidationError(field, "must not be empty")
    if len(value) > MAX_ID_LENGTH:
        raise ValidationError(field, f"must be at most {MAX_ID_LENGTH} characters")
    if not _ID_PATTERN.match(value):
        raise ValidationError(
            field,
            f"{value!r} is not a valid id: use letters, digits and . _ : @ / + - "
            "(no spaces), starting with a letter or digit",
        )


def optional_identifier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or an id."""
    if value is not None:
        identifier(instance, attribute, value)


def identifiers(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A frozenset of ids."""
    if not isinstance(value, frozenset):
        raise ValidationError(
            attribute.name, f"must be a frozenset of ids, not {type(value).__name__}"
        )
    for item in value:
        _check_identifier(attribute.name, item)


def non_empty_identifiers(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A frozenset of at least one id."""
    identifiers(instance, attribute, value)
    if not value:
        raise ValidationError(attribute.name, "must name at least one member")


def optional_non_empty_identifiers(reason: str) -> Accepting:
    """A validator for ``None`` or a frozenset of at least one id (*reason* says why an
    empty one is refused)."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        identifiers(instance, attribute, value)
        if not value:
            raise ValidationError(attribute.name, reason)

    return Accepting("optional ids", check, non_empty=True)


def text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Plain text that is not empty or only whitespace."""
    check_text(attribute.name, value)


def check_text(field: str, value: object) -> None:
    """Raise unless *value* is a string with something other than whitespace in it, and
    with no NUL character and no lone surrogate (see :func:`check_storable`)."""
    if not isinstance(value, str):
        raise ValidationError(field, f"must be text, not {type(value).__name__}")
    if not value.strip():
        raise ValidationError(field, "must not be empty")
    check_storable(field, value)


def check_storable(field: str, value: str) -> None:
    """Raise unless every store can keep the string *value* as it is: no NUL character
    (U+0000, which PostgreSQL cannot store in text) and no lone surrogate (U+D800 to
    U+DFFF, which has no UTF-8 form)."""
    if "\x00" in value:
        raise ValidationError(field, "must not contain a NUL character (U+0000)")
    if not value.isascii():
        found = _SURROGATE.search(value)
        if found is not None:
            raise ValidationError(
                field, f"must not contain a lone surrogate (U+{ord(found.group()):04X})"
            )


def optional_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or non-empty text."""
    if value is not None:
        check_text(attribute.name, value)


def texts(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A tuple of non-empty texts (may be empty itself)."""
    if not isinstance(value, tuple):
        raise ValidationError(attribute.name, "must be a tuple of texts")
    for index, item in enumerate(value):
        check_text(f"{attribute.name}[{index}]", item)


def check_language(field: str, value: object) -> None:
    """Raise unless *value* is a BCP 47 language tag such as ``"en"``, ``"es-MX"`` or
    ``"pa-Guru"``."""
    if not isinstance(value, str) or not _LANGUAGE_PATTERN.match(value):
        raise ValidationError(
            field, f"{value!r} is not a language tag such as 'en', 'es-MX' or 'ar'"
        )


def language(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A BCP 47 language tag such as ``"en"``, ``"es-MX"`` or ``"pa-Guru"``."""
    check_language(attribute.name, value)


def time_zone(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An IANA time zone name such as ``"Europe/London"``."""
    if not isinstance(value, str) or not value:
        raise ValidationError(attribute.name, "must be an IANA time zone name")
    try:
        zone(value)
    except (ValueError, LookupError) as exc:
        raise ValidationError(
            attribute.name, f"{value!r} is not an IANA time zone name such as 'Europe/London'"
        ) from exc


def finite(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A real number (not NaN or infinity, not a bool) of at most :data:`MAX_MAGNITUDE`
    either side of zero."""
    check_finite(attribute.name, value)


def check_finite(field: str, value: object) -> None:
    """Raise unless *value* is an int or a finite float of at most :data:`MAX_MAGNITUDE`
    either side of zero."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(field, f"must be a number, not {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(field, "must be a finite number")
    if not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:  # exact for ints of any size
        raise ValidationError(
            field,
            f"must be between -{MAX_MAGNITUDE:.0e} and {MAX_MAGNITUDE:.0e}, not {_shown(value)}",
        )


def _shown(value: float) -> str:
    """*value* for a message: a whole number of hundreds of digits is not written out
    (and Python refuses to write one of more than 4,300 digits)."""
    if isinstance(value, int) and value.bit_length() > 1000:
        return f"a whole number of about {int(value.bit_length() * 0.30103)} digits"
    return repr(value)


def optional_finite(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a number as :func:`finite` accepts it."""
    if value is not None:
        finite(instance, attribute, value)


def whole_number(low: int, high: int | None = None) -> Accepting:
    """A validator for an int in ``[low, high]`` (up to :data:`MAX_COUNT` when *high* is
    None, the most every store keeps as a whole number)."""
    top = MAX_COUNT if high is None else high

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(attribute.name, f"must be a whole number, not {value!r}")
        if not low <= value <= top:
            bound = (
                f"between {low} and {high}"
                if high is not None
                else (f"at least {low}" if value < low else f"at most {MAX_COUNT:,}")
            )
            raise ValidationError(attribute.name, f"must be {bound}, not {_shown(value)}")

    return Accepting("whole", check, low=low, high=high)


def positive_duration(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A pendulum Duration longer than zero and at most :data:`MAX_DURATION` (its months
    counted as 30 days, its years as 365)."""
    if not isinstance(value, pendulum.Duration) or isinstance(value, pendulum.Interval):
        raise ValidationError(attribute.name, "must be a pendulum.Duration")
    seconds = value.total_seconds()
    if seconds <= 0:
        raise ValidationError(attribute.name, "must be longer than zero")
    if seconds > _MAX_DURATION_SECONDS:
        raise ValidationError(
            attribute.name,
            f"must be at most {MAX_DURATION.days} days (a hundred years), "
            f"not {seconds / 86_400:.0f} days",
        )


# --- enums and collections ----------------------------------------------------------------


def one_of(cls: type[E]) -> Accepting:
    """A validator for a member of the enum *cls*."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        check_member(attribute.name, cls, value)

    return Accepting("member", check, of=cls)


def optional_one_of(cls: type[E]) -> Accepting:
    """A validator for ``None`` or a member of the enum *cls*."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            check_member(attribute.name, cls, value)

    return Accepting("optional member", check, of=cls)


def check_member(field: str, cls: type[enum.Enum], value: object) -> None:
    """Raise unless *value* is a member of *cls*, listing the allowed values."""
    if not isinstance(value, cls):
        allowed = ", ".join(f"{cls.__name__}.{member.name}" for member in cls)
        raise ValidationError(
            field, f"{value!r} is not a {cls.__name__}; expected one of {allowed}"
        )


def set_of(cls: type[E], *, non_empty: bool = False) -> Accepting:
    """A validator for a frozenset of members of the enum *cls*."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, frozenset):
            raise ValidationError(attribute.name, f"must be a frozenset of {cls.__name__}")
        for item in value:
            check_member(attribute.name, cls, item)
        if non_empty and not value:
            raise ValidationError(attribute.name, f"must hold at least one {cls.__name__}")

    return Accepting("set", check, of=cls, non_empty=non_empty)


def tuple_of(cls: type[T]) -> Accepting:
    """A validator for a tuple whose items are all instances of *cls*."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise ValidationError(attribute.name, f"must be a tuple of {cls.__name__}")
        for index, item in enumerate(value):
            if not isinstance(item, cls):
                raise ValidationError(
                    f"{attribute.name}[{index}]",
                    f"must be a {cls.__name__}, not {type(item).__name__}",
                )

    return Accepting("tuple", check, of=cls)


def instance_of(cls: type[T]) -> Accepting:
    """A validator for an instance of *cls*, with an error naming the field."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, cls) or (cls is not bool and isinstance(value, bool)):
            raise ValidationError(
                attribute.name, f"must be a {cls.__name__}, not {type(value).__name__}"
            )

    return Accepting("instance", check, of=cls)


def optional_instance_of(cls: type[T]) -> Accepting:
    """A validator for ``None`` or an instance of *cls*."""
    inner = instance_of(cls)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return Accepting("optional instance", check, of=cls)


# --- time ----------------------------------------------------------------------------------

EARLIEST_TIME = pendulum.datetime(1900, 1, 1, tz="UTC")
"""The earliest moment an event may carry (``occurred_at``): 1900-01-01 00:00 UTC."""
LATEST_TIME = pendulum.datetime(2999, 12, 31, 23, 59, 59, 999_999, tz="UTC")
"""The latest moment an event may carry: the end of 2999-12-31 UTC. With
:data:`EARLIEST_TIME`, every event's local day in every time zone, and every moment an
event's time plus a duration gives (a check-in's cadence, a review's interval), lies
well inside the calendar that Python and pendulum reckon with (years 1 to 9999)."""
_EARLIEST_YEAR, _LATEST_YEAR = EARLIEST_TIME.year, LATEST_TIME.year
_EARLIEST_TEXT = "1900-01-01T00:00:00Z"
_LATEST_TEXT = "2999-12-31T23:59:59.999999Z"

# attrs converters receive only the value, and mypy's attrs plugin accepts only named
# functions as converters, so there is one small named converter per time field name.


def utc_datetime(field: str, value: object) -> pendulum.DateTime:
    """Return *value* (an aware datetime) as a pendulum DateTime in UTC."""
    moment = _in_utc(field, value)
    if moment is None:
        assert isinstance(value, dt.datetime)
        raise ValidationError(field, f"{value.isoformat()} is beyond the calendar's ends in UTC")
    return moment


def event_time(field: str, value: object) -> pendulum.DateTime:
    """Return *value* (an aware datetime) in UTC, refusing a moment outside
    :data:`EARLIEST_TIME` to :data:`LATEST_TIME`."""
    moment = _in_utc(field, value)
    # the year is exact: the moment is in UTC
    if moment is None or not _EARLIEST_YEAR <= moment.year <= _LATEST_YEAR:
        assert isinstance(value, dt.datetime)
        raise ValidationError(
            field,
            f"must be between {_EARLIEST_TEXT} and {_LATEST_TEXT}, not {value.isoformat()}",
        )
    return moment


def _in_utc(field: str, value: object) -> pendulum.DateTime | None:
    """*value* (an aware datetime) in UTC, or ``None`` if that is beyond the calendar
    (year 1 ahead of UTC, year 9999 behind it)."""
    if not isinstance(value, dt.datetime):
        raise ValidationError(field, f"must be a datetime, not {type(value).__name__}")
    if type(value) is pendulum.DateTime and value.tzinfo is pendulum.UTC and not value.fold:
        return value  # already what the line below would return (the common case on reading)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            field, "must be timezone-aware (a naive datetime is ambiguous); attach a time zone"
        )
    try:
        return pendulum.instance(value).in_timezone(pendulum.UTC)
    except OverflowError:
        return None


def to_pendulum_date(field: str, value: object) -> pendulum.Date:
    """Return *value* (a date, not a datetime) as a pendulum Date."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(field, f"must be a date, not {type(value).__name__}")
    if type(value) is pendulum.Date:
        return value
    return pendulum.Date(value.year, value.month, value.day)


def occurred_at(value: dt.datetime) -> pendulum.DateTime:
    """Converter for ``occurred_at``: an aware datetime between :data:`EARLIEST_TIME`
    and :data:`LATEST_TIME`, kept in UTC."""
    return event_time("occurred_at", value)


def due_at(value: dt.datetime) -> pendulum.DateTime:
    """Converter for ``due_at``: an aware datetime, kept in UTC."""
    return utc_datetime("due_at", value)


def due(value: dt.date) -> pendulum.Date:
    """Converter for ``due``: a calendar date."""
    return to_pendulum_date("due", value)


def date_of_birth(value: dt.date | None) -> pendulum.Date | None:
    """Converter for ``date_of_birth``: a calendar date or ``None``."""
    return None if value is None else to_pendulum_date("date_of_birth", value)


# --- checks against the state, shared by the events' check methods ---------------------------


def member(
    state: PartnershipState, field: str, member_id: str, at: pendulum.DateTime | None = None
) -> MemberRole:
    """The role of *member_id*, who must be a current member (and have joined by *at*)."""
    membership = state.members.get(member_id)
    if membership is None or not membership.is_current:
        raise NotAMemberError(field, f"{member_id!r} is not a current member of the partnership")
    if at is not None and at < membership.joined_at:
        raise NotAMemberError(field, f"{member_id!r} joined after {at.isoformat()}")
    return membership.role


def members(
    state: PartnershipState, field: str, member_ids: Iterable[str], at: pendulum.DateTime
) -> None:
    """Every one of *member_ids* is a current member who had joined by *at*."""
    for member_id in sorted(member_ids):
        member(state, field, member_id, at)


def member_with_role(
    state: PartnershipState, field: str, member_id: str, at: pendulum.DateTime, role: MemberRole
) -> None:
    """*member_id* is a current member with *role*."""
    if member(state, field, member_id, at) is not role:
        raise ValidationError(field, f"{member_id!r} is not a {role.value}")


def members_with_role(
    state: PartnershipState,
    field: str,
    member_ids: Iterable[str],
    at: pendulum.DateTime,
    role: MemberRole,
) -> None:
    """Every one of *member_ids* is a current member with *role* who had joined by *at*."""
    for member_id in sorted(member_ids):
        member_with_role(state, field, member_id, at, role)


def audience_members(state: PartnershipState, audience: Audience, at: pendulum.DateTime) -> None:
    """A named audience names current members."""
    members(state, "audience.members", audience.members, at)


def not_before(field: str, at: pendulum.DateTime, earliest: pendulum.DateTime, what: str) -> None:
    """*at* is not before *earliest* (when *what* happened)."""
    if at < earliest:
        raise ValidationError(field, f"{at.isoformat()} is before {what} ({earliest.isoformat()})")


def unclaimed(
    registry: dict[str, type[Any]], key: str, cls: type[Any], what: str, advice: str = ""
) -> None:
    """*key* of *registry* names no class other than *cls* (*cls* defined again, as on a
    reload, may take its key back); ``TypeError`` saying *what* the key is, then *advice*."""
    existing = registry.get(key)
    if existing is not None and (existing.__module__, existing.__qualname__) != (
        cls.__module__,
        cls.__qualname__,
    ):
        raise TypeError(
            f"{what} {key!r} is already used by "
            f"{existing.__module__}.{existing.__qualname__}{advice}"
        )


def known(records: Mapping[str, T], record_id: str, field: str, what: str) -> T:
    """The record *record_id* of *records* (records of the kind *what*);
    ``UnknownRecordError`` on *field* if there is none."""
    record = records.get(record_id)
    if record is None:
        raise UnknownRecordError(field, f"no {what} with id {record_id!r}")
    return record


def unused_id(field: str, new: str, existing: dict[str, Any], what: str) -> None:
    """*new* is not already the id of one of *existing* (records of the kind *what*)."""
    if new in existing:
        raise DomainError(field, f"a {what} with id {new!r} already exists")
