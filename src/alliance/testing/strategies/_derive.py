"""Strategies derived from an attrs class's fields (private).

A field's strategy comes from what its validator says it accepts (an id, a text, a whole
number between two bounds, a member of an enum, a set of them...: see
``alliance.model._checks``) and, where the validator says nothing, from its type
(``bool``, ``float``, ``pendulum.Date``, ``frozenset[...]``, ``X | None``, another attrs
class...). The value is built with the class's real constructor, so its validators run;
a value a rule across fields refuses (``ValidationError``) is drawn again.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import pendulum
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import alliance as al
from alliance.model import _checks as c
from alliance.testing.strategies._scalars import (
    aware_datetimes,
    dates,
    durations,
    finite_floats,
    ids,
    language_tags,
    texts,
    time_zone_names,
)

T = TypeVar("T")

_ATTEMPTS = 20
"""How often a value refused by a rule across its fields is drawn again."""

_NONE = object()


_FIELDS: dict[type[Any], tuple[tuple[attrs.Attribute[Any], Any], ...]] = {}


def fields_of(cls: type[Any]) -> tuple[tuple[attrs.Attribute[Any], Any], ...]:
    """``(field, type)`` of every init field of the attrs class *cls*, types resolved."""
    found = _FIELDS.get(cls)
    if found is not None:
        return found
    try:
        hints = typing.get_type_hints(cls)
    except Exception as exc:  # a class defined where its annotations cannot be resolved
        raise InvalidArgument(
            f"cannot read the field types of {cls.__qualname__} ({exc}); register a "
            "strategy for it with hypothesis.strategies.register_type_strategy"
        ) from exc
    found = tuple((f, hints.get(f.name, Any)) for f in attrs.fields(cls) if f.init)
    _FIELDS[cls] = found
    return found


def validators(field: attrs.Attribute[Any]) -> list[Any]:
    """The field's validators, ``and_`` and lists flattened."""
    found: list[Any] = []
    pending: list[Any] = [field.validator]
    while pending:
        v = pending.pop()
        if v is None:
            continue
        inner = getattr(v, "_validators", None)
        if isinstance(v, list | tuple):
            pending.extend(v)
        elif inner is not None:
            pending.extend(inner)
        else:
            found.append(v)
    return found


def is_new_id(field: attrs.Attribute[Any]) -> bool:
    """Whether the field is a record's own new id (generated when not given)."""
    return getattr(field.default, "factory", None) is c.new_id


_PLAIN: dict[Any, Callable[[], st.SearchStrategy[Any]]] = {
    c.identifier: ids,
    c.optional_identifier: lambda: st.none() | ids(),
    c.identifiers: lambda: st.frozensets(ids(max_size=12), max_size=3),
    c.non_empty_identifiers: lambda: st.frozensets(ids(max_size=12), min_size=1, max_size=3),
    c.text: texts,
    c.optional_text: lambda: st.none() | texts(),
    c.texts: lambda: st.lists(texts(max_size=20), max_size=3).map(tuple),
    c.language: language_tags,
    c.time_zone: time_zone_names,
    c.finite: lambda: finite_floats,
    c.optional_finite: lambda: st.none() | finite_floats,
    c.positive_duration: durations,
}


def _accepting(v: c.Accepting, value_of: Callable[[type[Any]], st.SearchStrategy[Any]]) -> Any:
    if v.kind == "whole":
        low = v.low if v.low is not None else 0
        high = v.high if v.high is not None else low + 100
        return st.integers(low, high)
    if v.kind == "member":
        return st.sampled_from(v.of)
    if v.kind == "optional member":
        return st.none() | st.sampled_from(v.of)
    if v.kind == "set":
        return st.frozensets(st.sampled_from(v.of), min_size=1 if v.non_empty else 0, max_size=4)
    if v.kind == "tuple":
        return st.lists(value_of(v.of), max_size=3).map(tuple)
    if v.kind == "instance":
        return st.booleans() if v.of is bool else value_of(v.of)
    if v.kind == "optional ids":
        return st.none() | st.frozensets(ids(max_size=12), min_size=1, max_size=3)
    if v.kind == "optional instance":
        return st.none() | (st.booleans() if v.of is bool else value_of(v.of))
    return None


def from_validator(
    field: attrs.Attribute[Any], value_of: Callable[[type[Any]], st.SearchStrategy[Any]]
) -> st.SearchStrategy[Any] | None:
    """What the field's validator says it accepts, or ``None`` when it says nothing."""
    for each in validators(field):
        optional, v = False, each
        inner = getattr(v, "validator", None)  # attrs.validators.optional(...)
        if inner is not None and type(v).__name__ == "_OptionalValidator":
            optional, v = True, inner
            if isinstance(v, list | tuple) and len(v) == 1:
                v = v[0]
        found: Any = None
        if isinstance(v, c.Accepting):
            found = _accepting(v, value_of)
        elif v in _PLAIN:
            found = _PLAIN[v]()
        if found is not None:
            strategy: st.SearchStrategy[Any] = st.none() | found if optional else found
            return strategy
    return None


def from_type(hint: Any, value_of: Callable[[type[Any]], st.SearchStrategy[Any]]) -> Any:
    """A strategy for values of the type *hint*."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        options = [a for a in args if a is not type(None)]
        inner = st.one_of([from_type(a, value_of) for a in options])
        return st.none() | inner if len(options) < len(args) else inner
    if origin is frozenset:
        return st.frozensets(from_type(args[0], value_of), max_size=3)
    if origin is tuple:
        return st.lists(from_type(args[0], value_of), max_size=3).map(tuple)
    if origin in (dict, Mapping) or (origin is not None and issubclass(origin, Mapping)):
        return st.dictionaries(ids(max_size=10), from_type(args[1], value_of), max_size=3)
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(0, 100)
    if hint is float:
        return finite_floats
    if hint is str:
        return texts()
    if hint is pendulum.DateTime:
        return aware_datetimes()
    if hint is pendulum.Date:
        return dates()
    if hint is pendulum.Duration:
        return durations()
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(hint)
    if isinstance(hint, type) and attrs.has(hint):
        return value_of(hint)
    return st.from_type(hint)


def field_strategy(
    field: attrs.Attribute[Any],
    hint: Any,
    value_of: Callable[[type[Any]], st.SearchStrategy[Any]],
) -> st.SearchStrategy[Any]:
    """The field's strategy: its validator's, else its type's."""
    found = from_validator(field, value_of)
    return found if found is not None else from_type(hint, value_of)


def construct(cls: type[T], kwargs: dict[str, Any]) -> T | None:
    """``cls(**kwargs)``, or ``None`` when a validator refuses it."""
    try:
        return cls(**kwargs)
    except (al.ValidationError, ValueError, TypeError):
        return None


@st.composite
def built(
    draw: st.DrawFn,
    cls: type[T],
    strategies: Mapping[str, st.SearchStrategy[Any]],
    fixed: Mapping[str, Any] | None = None,
) -> T:
    """*cls* built from *fixed* values and values drawn from *strategies*, drawn again
    while a rule across fields refuses them."""
    for _ in range(_ATTEMPTS):
        kwargs = dict(fixed or {})
        kwargs.update({name: draw(strategy) for name, strategy in strategies.items()})
        made = construct(cls, kwargs)
        if made is not None:
            return made
    reject()  # a rule across fields refused every attempt (the example is discarded)
    raise AssertionError("unreachable")  # pragma: no cover (reject() raises)


def derived(
    cls: type[T],
    value_of: Callable[[type[Any]], st.SearchStrategy[Any]],
    *,
    skip: frozenset[str] = frozenset(),
) -> dict[str, st.SearchStrategy[Any]]:
    """A strategy for every init field of *cls* but those in *skip*."""
    return {
        field.name: field_strategy(field, hint, value_of)
        for field, hint in fields_of(cls)
        if field.name not in skip
    }
