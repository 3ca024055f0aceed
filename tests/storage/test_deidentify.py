"""De-identified export: no name, contact detail, free text or original id survives, and
intervals between a child's events are unchanged."""

from __future__ import annotations

import enum
import json
import typing
from collections.abc import Iterator
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alliance as al
from alliance.deidentify import _holds_ids, deidentified_jsonl, deidentify_timeline
from alliance.model._time import to_micros
from alliance.testing import strategies as s

KEY = b"a research export key, 32 bytes"
CARERS_OWN = (al.events.WellbeingNoted, al.events.SupportOffered)


def _strings(value: Any, cls: Any, field: Any = None) -> tuple[set[str], set[str]]:
    """(ids, free texts) held by *value* (an event, a value object) of type *cls* (the
    value of *field*: its validator says whether it holds ids)."""
    is_id = field is not None and _holds_ids(field)
    ids: set[str] = set()
    texts: set[str] = set()
    if value is None:
        return ids, texts
    origin = typing.get_origin(cls)
    if origin is not None and type(None) in typing.get_args(cls):
        (cls,) = [a for a in typing.get_args(cls) if a is not type(None)]
        origin = typing.get_origin(cls)
    if cls is str:
        (ids if is_id else texts).add(value)
    elif origin in (frozenset, tuple) and typing.get_args(cls)[0] is str:
        (ids if is_id else texts).update(value)
    elif origin in (frozenset, tuple):
        for item in value:
            more_ids, more_texts = _strings(item, typing.get_args(cls)[0], field)
            ids |= more_ids
            texts |= more_texts
    elif isinstance(cls, type) and attrs.has(cls):
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            more_ids, more_texts = _strings(getattr(value, field.name), hints[field.name], field)
            ids |= more_ids
            texts |= more_texts
    return ids, texts


def _codes() -> set[str]:
    """What the export writes as it is: every enum value of alliance and every event
    type name (hypothesis may draw a text or an id equal to one)."""
    return {
        member.value
        for name in al.model.__all__
        if isinstance(cls := getattr(al.model, name), type) and issubclass(cls, enum.Enum)
        for member in cls
    } | set(al.event_types())


CODES = _codes()


def _values(data: Any) -> Iterator[str]:
    """Every string value (not key) in parsed JSON."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, list):
        for item in data:
            yield from _values(item)
    elif isinstance(data, dict):
        for item in data.values():
            yield from _values(item)


people = st.lists(s.carers(), min_size=1, max_size=3)


@settings(max_examples=25)
@given(histories=st.lists(s.partnership_histories(max_events=20), min_size=1, max_size=2),
       carers=people)  # fmt: skip
def test_nothing_identifying_survives(
    histories: list[list[al.Event]], carers: list[al.Carer]
) -> None:
    output = "\n".join(deidentified_jsonl(histories, key=KEY))
    ids: set[str] = set()
    texts: set[str] = set()
    for events in histories:
        for event in events:
            more_ids, more_texts = _strings(event, type(event))
            ids |= more_ids
            texts |= more_texts
    # People records the host keeps: names and contact details.
    for carer in carers:
        texts |= {carer.name, carer.contact.email or "", carer.contact.phone or ""} - {""}
    written = {v for line in output.splitlines() for v in _values(json.loads(line))}
    assert not (written & ((ids | texts) - CODES))


@settings(max_examples=25)
@given(events=s.partnership_histories(max_events=20))
def test_intervals_between_a_childs_events_are_unchanged(events: list[al.Event]) -> None:
    rows = deidentify_timeline(events, key=KEY)
    versions = [v for v, e in enumerate(events, start=1) if not isinstance(e, CARERS_OWN)]
    assert [r["version"] for r in rows] == versions
    events = [e for e in events if not isinstance(e, CARERS_OWN)]
    before = [to_micros(e.occurred_at) for e in events]
    after = [to_micros(pendulum.parse(r["occurred_at"])) for r in rows]  # type: ignore[arg-type]
    assert [b - before[0] for b in before] == [a - after[0] for a in after]
    day = 86_400_000_000
    shift_days, rest = divmod(after[0] - before[0], day)
    assert shift_days != 0
    assert rest == 0
    # Due dates move by the same whole days.
    for event, row in zip(events, rows, strict=True):
        if isinstance(event, al.events.GoalProposed):
            due = pendulum.Date.fromisoformat(row["target"]["due"])
            assert (due - event.target.due).days == shift_days


def test_the_same_id_gets_the_same_pseudonym_and_the_key_matters() -> None:
    from team import build  # noqa: PLC0415

    events = build().events
    rows = deidentify_timeline(events, key=KEY)
    assert rows[0]["partnership"] == rows[-1]["partnership"]
    assert rows[1]["member_id"] == rows[1]["actor"]  # ana joins herself
    other = deidentify_timeline(events, key=b"another key, also long enough")
    assert other[0]["partnership"] != rows[0]["partnership"]
    assert "statement" not in rows[4]  # free text dropped
    assert rows[4]["domain"] == "communication"  # codes kept
    assert rows[4]["target"]["baseline"] == 1  # numbers kept
    assert "metric" not in rows[4]["target"]  # free text inside values too


def test_a_short_key_is_refused() -> None:
    from team import build  # noqa: PLC0415

    with pytest.raises(al.ValidationError, match="key"):
        deidentify_timeline(build().events, key=b"short")


def test_a_carers_wellbeing_never_leaves_in_an_export() -> None:
    from team import build  # noqa: PLC0415

    p = build()
    later = p.state.last_event_at.add(days=1)
    p.record_all(
        [
            al.events.WellbeingNoted(
                note_id="w1",
                coping=al.model.Coping.STRUGGLING,
                support=frozenset({al.model.SupportKind.RESPITE}),
                shared_with=frozenset({"ana"}),
                actor="maria",
                occurred_at=later,
            ),
            al.events.SupportOffered(
                offer_id="so1",
                carer="maria",
                kind=al.model.SupportKind.RESPITE,
                description="Respite list",
                in_reply_to="w1",
                actor="ana",
                occurred_at=later,
            ),
            al.events.SuccessCelebrated(description="Yay", actor="ana", occurred_at=later),
        ]
    )
    rows = deidentify_timeline(p.events, key=KEY)
    assert [r["type"] for r in rows[-1:]] == ["SuccessCelebrated"]
    assert rows[-1]["version"] == p.version
    text = "\n".join(deidentified_jsonl([p.events], key=KEY))
    for absent in ("WellbeingNoted", "SupportOffered", "struggling", "respite"):
        assert absent not in text


def test_an_agreements_own_version_does_not_overwrite_the_rows() -> None:
    """Found by the generated histories: ``AgreementIssued.version`` replaced the row's
    place in the timeline."""
    from team import build  # noqa: PLC0415

    p = build()
    later = p.state.last_event_at.add(days=1)
    p.record_all(
        [
            al.events.AgreementIssued(
                version=1,
                agreement=al.model.PartnershipAgreement(
                    family_can_expect=("A reply within two days",), disagreements="We talk."
                ),
                actor="ana",
                occurred_at=later,
            ),
            al.events.AgreementAcknowledged(version=1, actor="maria", occurred_at=later),
        ]
    )
    issued, acknowledged = deidentify_timeline(p.events, key=KEY)[-2:]
    assert (issued["version"], acknowledged["version"]) == (p.version - 1, p.version)
    assert (issued["event_version"], acknowledged["event_version"]) == (1, 1)
