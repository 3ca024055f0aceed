"""The one place where ``alliance`` objects become JSON-ready data and back.

Everything goes through one cattrs :data:`converter`:

- pendulum ``DateTime``/``Date``/``Duration`` become ISO 8601 strings
  (``"2025-03-04T09:30:00+00:00"``, ``"2025-03-04"``, ``"P2W"`` is written ``"P14D"``);
  a datetime without an offset is refused;
- enums become their values (``"speech-language"``);
- sets become sorted lists, so the same object always gives the same data;
- events become a tagged union: ``{"type": "GoalAgreed", "schema_version": 1, ...}``.

Reading is strict: wrong types, unknown fields, unknown event types and missing fields
all raise :class:`alliance.errors.MalformedDataError` with the path of every problem.

When an event's shape changes, bump its ``schema_version`` and register an upcaster that
turns the previous version's data into the new one; stored data is upgraded on read::

    @upcaster("GoalAgreed", from_version=1)
    def _add_comment(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "comment": None}
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import cattrs
import cattrs.fns
import pendulum
from cattrs.preconf.json import make_converter

from alliance.errors import MalformedDataError, ValidationError
from alliance.model.event import Event, event_types
from alliance.model.state import PartnershipState, extension_types

__all__ = [
    "converter",
    "dumps",
    "from_data",
    "loads",
    "to_data",
    "upcaster",
]

T = TypeVar("T")
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

_UPCASTERS: dict[tuple[str, int], Upcaster] = {}

converter = make_converter(forbid_extra_keys=True)
"""The library's cattrs converter. Prefer :func:`to_data` and :func:`from_data`."""


# --- scalars: strict, so foreign data is refused rather than coerced -----------------------


def _strict_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    return value


def _strict_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {type(value).__name__}")
    return value


def _strict_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {type(value).__name__}")
    return float(value)


def _strict_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {type(value).__name__}")
    return value


# Each enum's members by value, built on first use: a dict lookup instead of cls(value).
_ENUM_MEMBERS: dict[type[enum.Enum], dict[Any, enum.Enum]] = {}


def _enum_member(value: object, cls: type[enum.Enum]) -> enum.Enum:
    members = _ENUM_MEMBERS.get(cls)
    if members is None:
        members = _ENUM_MEMBERS[cls] = {m.value: m for m in cls.__members__.values()}
    try:
        return members[value]
    except (KeyError, TypeError):  # not one of the values (or unhashable): ask the class
        pass
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in cls)
        raise ValueError(f"{value!r} is not a {cls.__name__}; expected one of {allowed}") from None


converter.register_structure_hook(str, _strict_str)
converter.register_structure_hook(int, _strict_int)
converter.register_structure_hook(float, _strict_float)
converter.register_structure_hook(bool, _strict_bool)
# A StrEnum is also a str: without this, the str hook above would match it first.
converter.register_structure_hook(enum.StrEnum, _enum_member)
converter.register_structure_hook(enum.Enum, _enum_member)


def _enum_to_data(member: enum.Enum) -> Any:
    """A member as its value, a plain ``str`` or ``int`` (a ``StrEnum`` member is a ``str``,
    but not a plain one), or its value's data."""
    value = member.value
    return value if type(value) in (str, int) else converter.unstructure(value)


# As for structuring, each enum base with a mix-in type is named, or the mix-in's own hook
# (str's or int's, which pass the value through) would match first.
for _base in (enum.Enum, enum.StrEnum, enum.IntEnum, enum.IntFlag):
    converter.register_unstructure_hook(_base, _enum_to_data)


# --- collections: JSON arrays only (a string is not a list of its characters) -------------


def _is_collection(t: Any) -> bool:
    origin = getattr(t, "__origin__", None)
    args: tuple[Any, ...] = tuple(getattr(t, "__args__", ()))
    if origin is frozenset and len(args) == 1:
        return True
    return origin is tuple and len(args) == 2 and args[-1] is Ellipsis


def _collection_hook_factory(t: Any) -> Callable[[object, Any], Any]:
    item_type = t.__args__[0]
    list_type = list[item_type]  # type: ignore[valid-type]
    list_hook = converter.get_structure_hook(list_type)
    build = frozenset if t.__origin__ is frozenset else tuple

    def structure(value: object, _: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise ValueError(f"expected a JSON array, got {type(value).__name__}")
        return build(list_hook(value, list_type))

    return structure


converter.register_structure_hook_factory(_is_collection, _collection_hook_factory)


# --- optionals: ``X | None``, with X's hook looked up once rather than on every value -----


def _optional_of(t: Any) -> Any:
    """The X of ``X | None`` (``Optional[X]``), or ``None`` for any other type."""
    args: tuple[Any, ...] = tuple(getattr(t, "__args__", ()))
    if (
        typing.get_origin(t) not in (typing.Union, types.UnionType)
        or len(args) != 2
        or type(None) not in args
    ):
        return None
    return args[0] if args[1] is type(None) else args[1]


def _optional_structure_factory(t: Any) -> Callable[[object, Any], Any]:
    inner_type = _optional_of(t)
    inner = converter.get_structure_hook(inner_type)

    def structure(value: object, _: Any) -> Any:
        return None if value is None else inner(value, inner_type)

    return structure


def _optional_unstructure_factory(t: Any) -> Callable[[Any], Any]:
    inner = converter.get_unstructure_hook(_optional_of(t))
    if inner is cattrs.fns.identity:  # str, int, float, bool: the value as it is
        return cattrs.fns.identity

    def unstructure(value: Any) -> Any:
        return None if value is None else inner(value)

    return unstructure


converter.register_structure_hook_factory(
    lambda t: _optional_of(t) is not None, _optional_structure_factory
)
converter.register_unstructure_hook_factory(
    lambda t: _optional_of(t) is not None, _optional_unstructure_factory
)


# --- time --------------------------------------------------------------------------------


def _datetime_to_data(value: dt.datetime) -> str:
    return value.isoformat()


def _datetime_from_data(value: object, _: type) -> pendulum.DateTime:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 datetime string, got {type(value).__name__}")
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset; naive datetimes are refused")
    if parsed.tzinfo is dt.UTC:  # what the library writes: exactly pendulum.instance's result
        return pendulum.DateTime(
            parsed.year,
            parsed.month,
            parsed.day,
            parsed.hour,
            parsed.minute,
            parsed.second,
            parsed.microsecond,
            tzinfo=pendulum.UTC,
        )
    return pendulum.instance(parsed)


def _date_from_data(value: object, _: type) -> pendulum.Date:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date string, got {type(value).__name__}")
    parsed = dt.date.fromisoformat(value)
    return pendulum.Date(parsed.year, parsed.month, parsed.day)


def duration_to_iso(value: dt.timedelta) -> str:
    """Write a non-negative duration as ISO 8601, keeping years and months as such."""
    if value < dt.timedelta(0):
        raise ValueError("negative durations have no ISO 8601 form here")
    if isinstance(value, pendulum.Duration):
        years, months = value.years, value.months
        days = value.weeks * 7 + value.remaining_days
        hours, minutes = value.hours, value.minutes
        seconds, micro = value.remaining_seconds, value.microseconds
    else:
        years = months = 0
        days = value.days
        hours, rest = divmod(value.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        micro = value.microseconds
    date_part = "".join(f"{n}{unit}" for n, unit in ((years, "Y"), (months, "M"), (days, "D")) if n)
    second_text = f"{seconds}.{micro:06d}".rstrip("0") if micro else str(seconds)
    time_part = "".join(
        f"{n}{unit}"
        for n, unit in ((hours, "H"), (minutes, "M"), (second_text, "S"))
        if n and n != "0"
    )
    if not date_part and not time_part:
        return "PT0S"
    return "P" + date_part + ("T" + time_part if time_part else "")


_ISO_DURATION = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d{1,6})?)S)?)?$"
)


def _duration_from_data(value: object, _: type) -> pendulum.Duration:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 duration string, got {type(value).__name__}")
    match = _ISO_DURATION.match(value)
    if match is None or value in ("P", "PT") or value.endswith("T"):
        raise ValueError(f"{value!r} is not an ISO 8601 duration such as 'P14D' or 'PT30M'")
    parts = {k: v for k, v in match.groupdict().items() if v is not None}
    seconds = float(parts.pop("seconds", "0"))
    whole = int(seconds)
    micro = round((seconds - whole) * 1_000_000)
    return pendulum.Duration(
        years=int(parts.get("years", 0)),
        months=int(parts.get("months", 0)),
        weeks=int(parts.get("weeks", 0)),
        days=int(parts.get("days", 0)),
        hours=int(parts.get("hours", 0)),
        minutes=int(parts.get("minutes", 0)),
        seconds=whole,
        microseconds=micro,
    )


converter.register_unstructure_hook(pendulum.DateTime, _datetime_to_data)
converter.register_structure_hook(pendulum.DateTime, _datetime_from_data)
converter.register_unstructure_hook(pendulum.Date, lambda d: d.isoformat())
converter.register_structure_hook(pendulum.Date, _date_from_data)
converter.register_unstructure_hook(pendulum.Duration, duration_to_iso)
converter.register_structure_hook(pendulum.Duration, _duration_from_data)


# --- sets: sorted, so equal objects give equal data -----------------------------------------


def _sort_key(item: object) -> str:
    return item.value if isinstance(item, enum.Enum) else str(item)


converter.register_unstructure_hook_func(
    lambda t: getattr(t, "__origin__", None) is frozenset or t is frozenset,
    lambda value: [converter.unstructure(v) for v in sorted(value, key=_sort_key)],
)


# --- events: a tagged union with a schema version --------------------------------------------

TYPE_KEY = "type"
VERSION_KEY = "schema_version"


def _is_event_type(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, Event)


def _event_unstructure_factory(cls: type[Event]) -> Callable[[Event], dict[str, Any]]:
    if cls is Event:  # a field typed as the base class: dispatch on the runtime class
        return lambda event: converter.unstructure(event, type(event))
    # Fields marked omit_if_default (an optional audience) are left out when default, so
    # payloads written before the field existed and payloads without one are identical.
    overrides: dict[str, Any] = {
        a.name: cattrs.gen.override(omit_if_default=True)
        for a in attrs.fields(cls)
        if a.metadata.get("omit_if_default")
    }
    fields_hook = cattrs.gen.make_dict_unstructure_fn(cls, converter, **overrides)

    def unstructure(event: Event) -> dict[str, Any]:
        return {TYPE_KEY: cls.type_name, VERSION_KEY: cls.schema_version, **fields_hook(event)}

    return unstructure


converter.register_unstructure_hook_factory(_is_event_type, _event_unstructure_factory)


def _structure_event(data: object, _: type) -> Event:
    if not isinstance(data, dict):
        raise ValueError(f"an event is a JSON object, not {type(data).__name__}")
    type_name = data.get(TYPE_KEY)
    known = event_types()
    if not isinstance(type_name, str) or type_name not in known:
        raise ValueError(f"unknown event type {type_name!r}")
    event: Event = converter.structure(data, known[type_name])
    return event


def _event_structure_factory(cls: type[Event]) -> Callable[[object, Any], Event]:
    """Read one event class: check the tag if present, upcast, then the fields."""
    fields_hook = cattrs.gen.make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)

    def structure(data: object, _: Any) -> Event:
        if not isinstance(data, dict):
            raise ValueError(f"an event is a JSON object, not {type(data).__name__}")
        type_name = data.get(TYPE_KEY, cls.type_name)
        if type_name != cls.type_name:
            raise ValueError(f"expected a {cls.type_name} event, not {type_name!r}")
        return fields_hook(_upcast(cls.type_name, cls.schema_version, data), cls)

    return structure


def _upcast(type_name: str, current: int, data: dict[str, Any]) -> dict[str, Any]:
    version = data.get(VERSION_KEY, 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"schema_version must be a whole number from 1, not {version!r}")
    if version > current:
        raise ValueError(
            f"{type_name} schema_version {version} is newer than this alliance knows "
            f"({current}); upgrade alliance to read it"
        )
    payload = dict(data)  # the fields alone, in their order
    payload.pop(TYPE_KEY, None)
    payload.pop(VERSION_KEY, None)
    while version < current:
        step = _UPCASTERS.get((type_name, version))
        if step is None:
            raise ValueError(f"no upcaster for {type_name} from schema_version {version}")
        payload = step(payload)
        version += 1
    return payload


converter.register_structure_hook_func(lambda t: t is Event, _structure_event)
converter.register_structure_hook_factory(
    lambda t: isinstance(t, type) and issubclass(t, Event) and t is not Event,
    _event_structure_factory,
)


def upcaster(type_name: str, *, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a function that upgrades *type_name*'s data from *from_version* by one step.

    The function receives the event's fields (without ``type`` and ``schema_version``)
    as written at ``from_version`` and returns them as ``from_version + 1`` expects.
    """

    def register(fn: Upcaster) -> Upcaster:
        key = (type_name, from_version)
        if key in _UPCASTERS and _UPCASTERS[key] is not fn:
            raise ValueError(f"an upcaster for {type_name} from version {from_version} exists")
        _UPCASTERS[key] = fn
        return fn

    return register


# --- a state's extensions: each by the class registered under its key ---------------------------


def _extensions_to_data(extensions: dict[str, Any]) -> dict[str, Any]:
    registered = extension_types()
    return {
        key: converter.unstructure(value, registered.get(key, type(value)))
        for key, value in sorted(extensions.items())
    }


def _extensions_from_data(data: object, _: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"a state's extensions are a JSON object, not {type(data).__name__}")
    registered = extension_types()
    found: dict[str, Any] = {}
    for key, value in data.items():
        cls = registered.get(key)
        if cls is None:
            raise ValueError(f"unknown state extension {key!r}; register it with state_extension")
        found[key] = converter.structure(value, cls)
    return found


converter.register_unstructure_hook(
    PartnershipState,
    cattrs.gen.make_dict_unstructure_fn(
        PartnershipState,
        converter,
        extensions=cattrs.gen.override(omit_if_default=True, unstruct_hook=_extensions_to_data),
    ),
)
converter.register_structure_hook(
    PartnershipState,
    cattrs.gen.make_dict_structure_fn(
        PartnershipState,
        converter,
        _cattrs_forbid_extra_keys=True,
        extensions=cattrs.gen.override(struct_hook=_extensions_from_data),
    ),
)


# --- the public face ---------------------------------------------------------------------


def describe_problem(exc: BaseException, expected: type | None) -> str:
    """One problem found while reading data, in words (used with ``transform_error``)."""
    if isinstance(exc, ValidationError):
        return f"{exc.field}: {exc.reason}"
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ValueError | TypeError | AttributeError) and str(exc):
        if expected is not None and not isinstance(exc, ValueError):
            return f"invalid value for type, expected {getattr(expected, '__name__', expected)}"
        return str(exc)
    return cattrs.v.format_exception(exc, expected)


def to_data(value: object) -> Any:
    """Turn an ``alliance`` object (an event, a goal, a whole state...) into JSON-ready data:
    plain ``dict``, ``list``, ``str``, ``int``, ``float``, ``bool`` and ``None`` only (an enum
    member becomes its value, a time its ISO string, a set a sorted list)."""
    return converter.unstructure(value)


def from_data(data: object, cls: type[T]) -> T:
    """Turn JSON-ready *data* back into an instance of *cls*.

    Pass :class:`alliance.Event` as *cls* to read any event by its ``type`` tag.

    Raises:
        MalformedDataError: with one message per problem, each with its path
            (``"... @ $.target.baseline"``).
    """
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValidationError, ValueError, TypeError, KeyError) as exc:
        problems = cattrs.transform_error(exc, format_exception=describe_problem)
        raise MalformedDataError(problems, context=f"cannot read {cls.__name__}") from exc


# json.dumps with these options would build an encoder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dumps(value: object) -> str:
    """Serialize an ``alliance`` object to a JSON string (keys in a stable order)."""
    return _ENCODER.encode(to_data(value))


def parse_json(text: str | bytes, *, context: str = "") -> Any:
    """Parse JSON *text* into plain data, as every reader of stored or given text does.

    Raises:
        MalformedDataError: (with *context*) the text is not JSON, not UTF-8, or nested
            too deeply for the parser (thousands of arrays or objects, one inside the
            next, where what ``alliance`` writes is nested a few levels): one problem,
            ``"not valid JSON: ... @ $"``.
    """
    try:
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MalformedDataError([f"not valid JSON: {exc} @ $"], context=context) from exc
    except RecursionError:  # the parser's own guard, the stack already unwound
        raise MalformedDataError(
            ["not valid JSON: nested too deeply @ $"], context=context
        ) from None


def loads(text: str | bytes, cls: type[T]) -> T:
    """Parse a JSON string written by :func:`dumps` back into an instance of *cls*.

    Raises:
        MalformedDataError: when the text is not JSON (nested too deeply to parse
            included) or does not describe a *cls*.
    """
    return from_data(parse_json(text, context=f"cannot read {cls.__name__}"), cls)
