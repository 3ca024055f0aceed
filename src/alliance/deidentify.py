"""De-identified export for outcome research: keyed pseudonyms, shifted dates, no free
text, as JSON lines.

Every id (members, the child, the partnership, the clinic, goals, observations...)
becomes a keyed pseudonym: HMAC-SHA256 of the id under the export's secret key, so the
same id gets the same pseudonym throughout an export (and in every export with the same
key) and cannot be turned back without the key. Every date and time of a partnership
moves by the same number of days, drawn from the key and the child's id, so intervals
between a child's events are unchanged while the calendar dates are not. Free text
(statements, notes, messages, descriptions, titles, URLs, time zones, languages) is
dropped; codes (enum values), numbers, flags and durations are kept. People records
(names, contact details) are never part of a timeline, so never part of the export. A
carer's wellbeing notes, and the support offered to them, are seen only by whom the carer
chose, so they are left out altogether.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import types
import typing
from collections.abc import Iterable, Iterator
from typing import Any

import attrs
import pendulum

from alliance.errors import ValidationError
from alliance.model import _checks as c
from alliance.model.event import Event
from alliance.model.partnership import PartnershipFormed
from alliance.model.wellbeing import SupportOffered, WellbeingNoted
from alliance.serialization import to_data

__all__ = ["deidentify_timeline", "deidentified_jsonl"]

_CARERS_OWN = (WellbeingNoted, SupportOffered)
"""Events seen only by whom the carer chose; left out of every export (their version
numbers are skipped, so the other events keep theirs)."""
_MAX_SHIFT_DAYS = 730
_MIN_KEY_BYTES = 16


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = typing.get_type_hints(cls)
    return found


_ONE_ID = (c.identifier, c.optional_identifier)
_IDS = (c.identifiers, c.non_empty_identifiers)


def _holds_ids(field: attrs.Attribute[Any]) -> bool:
    """Whether the field holds ids (one, or a collection), as its validator declares:
    those become pseudonyms; other text is left out."""
    validator = field.validator
    if validator in _ONE_ID or validator in _IDS:
        return True
    return isinstance(validator, c.Accepting) and validator.kind == "optional ids"


class _Deidentifier:
    def __init__(self, key: bytes) -> None:
        if not isinstance(key, bytes) or len(key) < _MIN_KEY_BYTES:
            raise ValidationError("key", f"must be a secret of at least {_MIN_KEY_BYTES} bytes")
        self._key = key

    def _mac(self, purpose: str, value: str) -> bytes:
        return hmac.new(self._key, f"{purpose}\n{value}".encode(), hashlib.sha256).digest()

    def pseudonym(self, value: str) -> str:
        return "x" + self._mac("id", value).hex()[:31]

    def shift_days(self, child_id: str) -> int:
        """A whole number of days from -730 to 730, never 0."""
        drawn = int.from_bytes(self._mac("shift", child_id)[:8], "big") % (2 * _MAX_SHIFT_DAYS)
        return drawn - _MAX_SHIFT_DAYS if drawn < _MAX_SHIFT_DAYS else drawn - _MAX_SHIFT_DAYS + 1

    # --- walking the data with the classes' types ----------------------------------------

    def value(
        self, field: attrs.Attribute[Any], data: Any, hint: Any, shift: int
    ) -> tuple[bool, Any]:
        """(keep, new value) for *field* holding *data* of type *hint*."""
        if data is None:
            return True, None
        origin = typing.get_origin(hint)
        if origin in (types.UnionType, typing.Union):
            (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
            return self.value(field, data, inner, shift)
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return True, data
        if hint in (bool, int, float, pendulum.Duration):
            return True, data
        if hint is pendulum.DateTime:
            moment = pendulum.parse(data)
            assert isinstance(moment, pendulum.DateTime)
            return True, moment.add(days=shift).isoformat()
        if hint is pendulum.Date:
            return True, pendulum.Date.fromisoformat(data).add(days=shift).isoformat()
        if hint is str:
            return (True, self.pseudonym(data)) if _holds_ids(field) else (False, None)
        if origin in (frozenset, tuple, list, set):
            (inner, *_) = typing.get_args(hint)
            if inner is str:
                if not _holds_ids(field):
                    return False, None
                return True, sorted(self.pseudonym(v) for v in data)
            kept = [self.value(field, item, inner, shift) for item in data]
            return True, [v for keep, v in kept if keep]
        if attrs.has(hint):
            return True, self.record(data, hint, shift)
        return False, None  # anything else might carry free text: left out

    def record(self, data: dict[str, Any], cls: type[Any], shift: int) -> dict[str, Any]:
        hints = _hints(cls)
        out: dict[str, Any] = {}
        for field in attrs.fields(cls):
            if field.name not in data:
                continue
            keep, value = self.value(field, data[field.name], hints[field.name], shift)
            if keep:
                out[field.name] = value
        return out


def deidentify_timeline(events: Iterable[Event], *, key: bytes) -> list[dict[str, Any]]:
    """One partnership's timeline (first event ``PartnershipFormed``), de-identified: a
    JSON-ready dict per event with ``type``, ``schema_version``, ``partnership`` (its
    pseudonym), ``version`` (its place in the timeline) and the event's kept fields (one
    named like those keys as ``event_<name>``: an agreement's ``event_version``).

    Raises:
        ValidationError: *key* is shorter than 16 bytes, or the timeline does not start
            with ``PartnershipFormed``.
    """
    worker = _Deidentifier(key)
    events = list(events)
    if not events or not isinstance(events[0], PartnershipFormed):
        raise ValidationError("events", "a timeline starts with its PartnershipFormed event")
    formed = events[0]
    shift = worker.shift_days(formed.child_id)
    partnership = worker.pseudonym(formed.partnership_id)
    rows: list[dict[str, Any]] = []
    for version, event in enumerate(events, start=1):
        if isinstance(event, _CARERS_OWN):
            continue  # the carer chose who sees it: never a research export
        data = to_data(event)
        fields = worker.record(data, type(event), shift)
        row: dict[str, Any] = {
            "type": data["type"],
            "schema_version": data["schema_version"],
            "partnership": partnership,
            "version": version,
        }
        for name, value in fields.items():
            # A field named like the row's own keys (the agreement's ``version``) must not
            # overwrite them: it is kept as ``event_<name>``.
            row[f"event_{name}" if name in row else name] = value
        rows.append(row)
    return rows


def deidentified_jsonl(timelines: Iterable[Iterable[Event]], *, key: bytes) -> Iterator[str]:
    """JSON lines (one event a line, keys sorted, no newline inside) for each timeline of
    *timelines*, de-identified with :func:`deidentify_timeline`."""
    for events in timelines:
        for row in deidentify_timeline(events, key=key):
            yield json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
