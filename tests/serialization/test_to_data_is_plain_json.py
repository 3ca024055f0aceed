"""``to_data`` gives plain JSON types only: ``dict``, ``list``, ``str``, ``int``, ``float``,
``bool`` and ``None``, exactly (a ``StrEnum`` member is a ``str`` but not plain ``str``), at
every depth, for every event and every value the testing kit draws."""

from __future__ import annotations

import enum
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alliance as al
from alliance.testing import strategies as kit

PER_TYPE_EXAMPLES = min(settings.default.max_examples, 20)
PLAIN_SCALARS = (str, int, float, bool, type(None))

EVENT_TYPES = sorted(
    (cls for cls in al.event_types().values() if cls.__module__.startswith("alliance.")),
    key=lambda cls: cls.type_name,
)
# Every public attrs type of the model but the events (what st.from_type draws them from:
# values drawn by hand or from their fields, records from a real fold), and the state.
MODEL_TYPES = sorted(
    (
        cls
        for cls in (getattr(al.model, name) for name in al.model.__all__)
        if isinstance(cls, type) and attrs.has(cls) and not issubclass(cls, al.Event)
    ),
    key=lambda cls: cls.__name__,
)
ENUM_TYPES = sorted(
    (
        cls
        for cls in (getattr(al.model, name) for name in al.model.__all__)
        if isinstance(cls, type) and issubclass(cls, enum.Enum)
    ),
    key=lambda cls: cls.__name__,
)


def not_plain(data: Any, path: str = "$") -> list[str]:
    """Every place in *data* holding something other than an exact plain JSON type."""
    kind = type(data)
    if kind is dict:
        found = []
        for key, value in data.items():
            if type(key) is not str:
                found.append(f"{path}: key {key!r} is a {type(key).__qualname__}")
            found.extend(not_plain(value, f"{path}.{key}"))
        return found
    if kind is list:
        return [p for i, item in enumerate(data) for p in not_plain(item, f"{path}[{i}]")]
    if kind in PLAIN_SCALARS:
        return []
    return [f"{path}: {data!r} is a {kind.__qualname__}"]


def test_the_check_finds_what_is_not_plain() -> None:
    assert not_plain({"a": [1, 2.5, "x", True, None, {"b": {}}]}) == []
    assert not_plain({"a": [al.model.Setting.HOME]}) == [
        "$.a[0]: <Setting.HOME: 'home'> is a Setting"
    ]
    assert not_plain({1: (), "c": {"d": frozenset()}}) == [
        "$: key 1 is a int",
        "$.1: () is a tuple",
        "$.c.d: frozenset() is a frozenset",
    ]


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=[cls.type_name for cls in EVENT_TYPES])
@settings(max_examples=PER_TYPE_EXAMPLES)
@given(data=st.data())
def test_every_event_gives_plain_json(cls: type[al.Event], data: st.DataObject) -> None:
    event = data.draw(kit.events_of(cls))
    assert not_plain(al.to_data(event)) == []


@given(event=kit.built_in_events())
def test_an_event_typed_as_the_base_class_gives_plain_json(event: al.Event) -> None:
    assert not_plain(al.to_data(event)) == []
    assert not_plain(al.serialization.converter.unstructure(event, al.Event)) == []


@pytest.mark.parametrize("cls", MODEL_TYPES, ids=[cls.__name__ for cls in MODEL_TYPES])
@settings(max_examples=PER_TYPE_EXAMPLES)
@given(data=st.data())
def test_every_value_gives_plain_json(cls: type[Any], data: st.DataObject) -> None:
    value = data.draw(st.from_type(cls))
    assert not_plain(al.to_data(value)) == []


@settings(max_examples=min(settings.default.max_examples, 10))
@given(partnership=kit.partnerships())
def test_a_whole_state_gives_plain_json(partnership: al.Partnership) -> None:
    assert not_plain(al.to_data(partnership.state)) == []
    assert not_plain([al.to_data(event) for event in partnership.events]) == []


@pytest.mark.parametrize("cls", ENUM_TYPES, ids=[cls.__name__ for cls in ENUM_TYPES])
def test_every_enum_member_gives_its_plain_value(cls: type[enum.Enum]) -> None:
    for member in cls:
        data = al.to_data(member)
        assert type(data) is type(member.value)
        assert data == member.value
        assert al.from_data(data, cls) is member
