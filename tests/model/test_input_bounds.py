"""The model's input rules (docs/rules.md, "What every value must be"): text holds no NUL
and no lone surrogate, numbers stay within the documented magnitude, counts within the
documented bound, and event times within the documented years. Each is refused at
construction with a ValidationError naming the field, so nothing a constructor accepts
can fail later, in a store or a report, on any backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import alliance as al
from alliance.testing import strategies as s

# --- text: every string any event carries refuses NUL and lone surrogates ------------------

Path = tuple[tuple[str, Any], ...]

EVENT_CLASSES = sorted(al.event_types().values(), key=lambda cls: cls.type_name)
BAD_CHARACTERS = st.just("\x00") | st.characters(categories=["Cs"])


def string_paths(value: object, path: Path = ()) -> Iterator[Path]:
    """The path to every plain string inside *value*: in its attrs fields, tuples,
    frozensets and dicts (keys and values), however deep."""
    if type(value) is str:
        yield path
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            if field.init:
                yield from string_paths(getattr(value, field.name), (*path, ("attr", field.name)))
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from string_paths(item, (*path, ("item", index)))
    elif isinstance(value, frozenset):
        for item in sorted(value, key=repr):
            yield from string_paths(item, (*path, ("member", item)))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_paths(key, (*path, ("key", key)))
            yield from string_paths(item, (*path, ("value", key)))


def replaced(value: Any, path: Path, change: Callable[[str], str]) -> Any:
    """*value* rebuilt, through its constructors (so validators run), with the string at
    *path* changed."""
    if not path:
        return change(value)
    (kind, key), rest = path[0], path[1:]
    if kind == "attr":
        inner = replaced(getattr(value, key), rest, change)
        return attrs.evolve(value, **{attrs.fields_dict(type(value))[key].alias: inner})
    if kind == "item":
        return (*value[:key], replaced(value[key], rest, change), *value[key + 1 :])
    if kind == "member":
        return (value - {key}) | {replaced(key, rest, change)}
    if kind == "key":
        items = dict(value)
        item = items.pop(key)
        return type(value)({**items, replaced(key, rest, change): item})
    return type(value)({**value, key: replaced(value[key], rest, change)})


def owner(path: Path) -> str:
    """The name of the attrs field nearest to the string at *path*."""
    return str(next(key for kind, key in reversed(path) if kind == "attr"))


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.type_name)
@given(data=st.data())
def test_a_nul_or_lone_surrogate_is_refused_in_any_text_of_any_event(
    cls: type[al.Event], data: st.DataObject
) -> None:
    event = data.draw(s.events_of(cls), label="event")
    path = data.draw(st.sampled_from(list(string_paths(event))), label="path")
    bad = data.draw(BAD_CHARACTERS, label="bad")
    at = data.draw(st.integers(0, 40), label="at")
    with pytest.raises(al.ValidationError) as info:
        replaced(event, path, lambda text: text[:at] + bad + text[at:])
    assert owner(path) in info.value.field


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a\x00b", "must not contain a NUL character (U+0000)"),
        ("\ud800", "must not contain a lone surrogate (U+D800)"),
        ("ok \udfff", "must not contain a lone surrogate (U+DFFF)"),
    ],
)
def test_a_note_with_nul_or_a_lone_surrogate_is_refused(text: str, reason: str) -> None:
    from team import T0  # noqa: PLC0415

    with pytest.raises(al.ValidationError) as info:
        al.events.ProgressRecorded(
            goal_id="g1",
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.EVERYDAY,
            value=1,
            note=text,
            actor="maria",
            occurred_at=T0,
        )
    assert info.value.field == "note"
    assert info.value.reason == reason


def test_other_unusual_text_is_accepted() -> None:
    for text in ("tab\there", "\x01\x1f\x7f", "\u2028\ufeff\uffff", "\U0001f600 \U0010ffff"):
        assert al.Carer(id="c1", name=text).name == text
