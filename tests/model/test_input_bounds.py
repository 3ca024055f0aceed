"""The model's input rules (docs/architecture.md, "What every value must be"): text holds no NUL
and no lone surrogate, numbers stay within the documented magnitude, counts within the
documented bound, and event times within the documented years. Each is refused at
construction with a ValidationError naming the field, so nothing a constructor accepts
can fail later, in a store or a report, on any backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alliance as al
from alliance.model import checks
from alliance.testing import strategies as s
from team import T0, goal_shared, story, target

# --- text: every string any event carries refuses NUL and lone surrogates ------------------

Path = tuple[tuple[str, Any], ...]

EVENT_CLASSES = sorted(al.event_types().values(), key=lambda cls: cls.type_name)

# Each property below runs once per event type (about 60): 30 examples for each keeps the
# whole file within a minute or two of CI while every type is tried with many values.
PER_TYPE = settings(max_examples=30)
BAD_CHARACTERS = st.just("\x00") | st.characters(categories=["Cs"])


def is_string(value: object) -> bool:
    """A plain string (not an enum member that is also one)."""
    return type(value) is str


def is_number(value: object) -> bool:
    """A plain int or float (not a bool, not an enum member)."""
    return type(value) in (int, float)


def leaf_paths(value: object, is_leaf: Callable[[object], bool], path: Path = ()) -> Iterator[Path]:
    """The path to every leaf (as *is_leaf* says) inside *value*: in its attrs fields,
    tuples, frozensets and dicts (keys and values), however deep."""
    if is_leaf(value):
        yield path
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            if field.init:
                yield from leaf_paths(
                    getattr(value, field.name), is_leaf, (*path, ("attr", field.name))
                )
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from leaf_paths(item, is_leaf, (*path, ("item", index)))
    elif isinstance(value, frozenset):
        for item in sorted(value, key=repr):
            yield from leaf_paths(item, is_leaf, (*path, ("member", item)))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(key, is_leaf, (*path, ("key", key)))
            yield from leaf_paths(item, is_leaf, (*path, ("value", key)))


def replaced(value: Any, path: Path, change: Callable[[Any], Any]) -> Any:
    """*value* rebuilt, through its constructors (so validators run), with the leaf at
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
    """The name of the attrs field nearest to the leaf at *path*."""
    return str(next(key for kind, key in reversed(path) if kind == "attr"))


def refusal_at_a_leaf(
    data: st.DataObject,
    cls: type[al.Event],
    is_leaf: Callable[[object], bool],
    change: Callable[[Any], Any],
) -> al.ValidationError | None:
    """An event of ``cls`` is drawn and one of its leaves that ``is_leaf`` picks is
    changed by ``change``: the ValidationError that refuses it, which names the field
    (None when the event has no such leaf)."""
    event = data.draw(s.events_of(cls), label="event")
    paths = list(leaf_paths(event, is_leaf))
    if not paths:
        return None
    path = data.draw(st.sampled_from(paths), label="path")
    with pytest.raises(al.ValidationError) as info:
        replaced(event, path, change)
    assert owner(path) in info.value.field
    return info.value


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.type_name)
@PER_TYPE
@given(data=st.data())
def test_a_nul_or_lone_surrogate_is_refused_in_any_text_of_any_event(
    cls: type[al.Event], data: st.DataObject
) -> None:
    bad = data.draw(BAD_CHARACTERS, label="bad")
    at = data.draw(st.integers(0, 40), label="at")
    refusal = refusal_at_a_leaf(data, cls, is_string, lambda text: text[:at] + bad + text[at:])
    assert refusal is not None  # every event has texts: its ids, at least


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a\x00b", "must not contain a NUL character (U+0000)"),
        ("\ud800", "must not contain a lone surrogate (U+D800)"),
        ("ok \udfff", "must not contain a lone surrogate (U+DFFF)"),
    ],
)
def test_a_note_with_nul_or_a_lone_surrogate_is_refused(text: str, reason: str) -> None:
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


# --- numbers: measured values within the magnitude, counts within the bound ----------------

BEYOND_EVERY_BOUND = st.sampled_from(
    [10**400, -(10**400), 10**16, -(10**16), 1e16, -1e16, 1e308, 2**63, 10**30]
)


@pytest.mark.parametrize(
    "cls",
    EVENT_CLASSES,
    ids=lambda cls: cls.type_name,
)
@PER_TYPE
@given(data=st.data())
def test_a_number_beyond_the_bounds_is_refused_in_any_event(
    cls: type[al.Event], data: st.DataObject
) -> None:
    huge = data.draw(BEYOND_EVERY_BOUND, label="huge")
    refusal_at_a_leaf(data, cls, is_number, lambda _: huge)


def _observation(**fields: Any) -> al.events.ProgressRecorded:
    return al.events.ProgressRecorded(
        goal_id="g1",
        setting=al.model.Setting.HOME,
        kind=al.model.ObservationKind.EVERYDAY,
        actor="maria",
        occurred_at=T0,
        **fields,
    )


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        (
            {"value": 10**400},
            "value",
            "must be between -1e+15 and 1e+15, not a whole number of about 400 digits",
        ),
        ({"value": -1e16}, "value", "must be between -1e+15 and 1e+15, not -1e+16"),
        (
            {"value": 1, "trials": 10**30},
            "trials",
            "must be at most 2,147,483,647, not " + "1" + "0" * 30,
        ),
        ({"value": 1, "trials": 2**31}, "trials", "must be at most 2,147,483,647, not 2147483648"),
        ({"value": 1, "trials": 0}, "trials", "must be at least 1, not 0"),
    ],
)
def test_numbers_beyond_the_bounds_are_refused_naming_field_and_bound(
    fields: dict[str, Any], field: str, reason: str
) -> None:
    with pytest.raises(al.ValidationError) as info:
        _observation(**fields)
    assert (info.value.field, info.value.reason) == (field, reason)


def test_a_target_beyond_the_magnitude_is_refused() -> None:
    for huge in (10**400, 1e300, float(2**60)):
        with pytest.raises(al.ValidationError) as info:
            target(target=huge)
        assert info.value.field == "target"
        with pytest.raises(al.ValidationError) as info:
            target(baseline=-huge)
        assert info.value.field == "baseline"


def test_the_bounds_themselves_are_accepted() -> None:
    edge = _observation(value=checks.MAX_MAGNITUDE, trials=checks.MAX_COUNT)
    assert (edge.value, edge.trials) == (1e15, 2**31 - 1)
    assert _observation(value=-(10**15)).value == -(10**15)


# --- time: every event time lies within the documented years -------------------------------

EARLIEST, LATEST = checks.EARLIEST_TIME, checks.LATEST_TIME
OUTSIDE_THE_YEARS = st.one_of(
    st.datetimes(max_value=dt.datetime(1899, 12, 31, 23, 59), timezones=st.just(dt.UTC)),
    st.datetimes(min_value=dt.datetime(3000, 1, 1, 0, 1), timezones=st.just(dt.UTC)),
    st.sampled_from(
        [
            dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14))),  # year 0 in UTC
            dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-12))),
            dt.datetime(1900, 1, 1, tzinfo=dt.timezone(dt.timedelta(minutes=1))),
            dt.datetime(2999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(minutes=-1))),
        ]
    ),
)


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.type_name)
@PER_TYPE
@given(data=st.data())
def test_an_event_time_outside_the_years_is_refused(
    cls: type[al.Event], data: st.DataObject
) -> None:
    event = data.draw(s.events_of(cls), label="event")
    moment = data.draw(OUTSIDE_THE_YEARS, label="moment")
    zone = data.draw(s.time_zone_names(), label="zone")
    if (
        dt.datetime.min.replace(tzinfo=dt.UTC) + dt.timedelta(days=1)
        < moment
        < (dt.datetime.max.replace(tzinfo=dt.UTC) - dt.timedelta(days=1))
    ):
        moment = moment.astimezone(pendulum.timezone(zone))
    with pytest.raises(al.ValidationError) as info:
        attrs.evolve(event, occurred_at=moment)
    assert info.value.field == "occurred_at"
    assert "must be between 1900-01-01T00:00:00Z and 2999-12-31T23:59:59.999999Z" in (
        info.value.reason
    )


@pytest.mark.parametrize("zone", s.TIME_ZONE_NAMES)
@pytest.mark.parametrize("edge", ["earliest", "latest"])
def test_a_partnership_at_either_end_of_the_years_works_in_every_zone(zone: str, edge: str) -> None:
    """Recording, local days and reports in every zone, at the ends of the years (where
    year 1 or year 9999 overflowed in Pacific/Kiritimati)."""
    start = EARLIEST if edge == "earliest" else LATEST.subtract(days=20)
    p = team_at(start, zone)
    assert p.events[-1].occurred_at <= LATEST
    assert p.as_of(p.events[-1].occurred_at).version == len(p.events)
    store = al.storage.MemoryStore("c-1")
    store.append("p-1", p.events, expected_version=0)
    assert list(al.reports.progress_report(store))


@pytest.mark.parametrize(
    "start",
    [
        pendulum.datetime(9999, 12, 31, 12, tz="UTC"),
        pendulum.datetime(1, 1, 1, 1, tz="UTC"),
        pendulum.datetime(9999, 6, 1, tz="Pacific/Kiritimati"),
        pendulum.datetime(3000, 1, 1, tz="UTC"),
        pendulum.datetime(1899, 12, 31, 23, 59, 59, tz="UTC"),
    ],
)
def test_recording_outside_the_years_is_refused_in_every_zone(start: pendulum.DateTime) -> None:
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"):
        with pytest.raises(al.ValidationError) as info:
            story(start=start, time_zone=zone)
        assert info.value.field == "occurred_at"


def team_at(start: pendulum.DateTime, zone: str) -> al.Partnership:
    """Ana, Maria and a shared goal with two observations, from *start*, in *zone*."""
    s_ = goal_shared(story(start=start, time_zone=zone), target(due=start.add(days=60).date()))
    for day in (3, 4):
        s_.on_day(day).by("maria").record(
            al.events.ProgressRecorded,
            goal_id="g1",
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.EVERYDAY,
            value=day,
        )
    return s_.partnership


# --- durations: at most a hundred years ----------------------------------------------------

TOO_LONG = st.sampled_from(
    [
        pendulum.Duration(days=36_526),
        pendulum.Duration(years=101),
        pendulum.Duration(weeks=10_000),
        pendulum.Duration(days=999_999_999),
    ]
)


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.type_name)
@PER_TYPE
@given(data=st.data())
def test_a_duration_beyond_a_hundred_years_is_refused_in_any_event(
    cls: type[al.Event], data: st.DataObject
) -> None:
    long = data.draw(TOO_LONG, label="long")
    refusal = refusal_at_a_leaf(
        data, cls, lambda value: isinstance(value, pendulum.Duration), lambda _: long
    )
    if refusal is not None:
        assert "at most 36525 days" in refusal.reason


def test_a_cadence_of_a_million_years_is_refused_not_an_overflow_in_the_rules() -> None:
    """It was recorded, then evaluating the rules raised OverflowError."""
    with pytest.raises(al.ValidationError) as info:
        al.events.CommunicationPlanAgreed(
            cadence=pendulum.Duration(days=999_999_999),
            channels=frozenset({al.model.Channel.PHONE}),
            participants=frozenset({"maria", "ana"}),
            actor="ana",
            occurred_at=T0,
        )
    assert info.value.field == "cadence"
    for longest in (checks.MAX_DURATION, pendulum.Duration(years=100)):
        plan = al.events.CommunicationPlanAgreed(
            cadence=longest,
            channels=frozenset({al.model.Channel.PHONE}),
            participants=frozenset({"maria", "ana"}),
            actor="ana",
            occurred_at=T0,
        )
        assert plan.cadence == longest
