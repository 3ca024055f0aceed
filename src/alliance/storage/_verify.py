"""What :func:`alliance.storage.verify_integrity` checks, part by part (private).

- **chain**: each partnership's stored events against their hash chain (format 2: every
  column of the event; see :func:`alliance.storage._common.chain_hash`);
- **index**: the partnership's index row (child, status, version, time zone, latest
  event, members and their roles) against the fold of its stored timeline;
- **snapshot**: each stored snapshot's binding (clinic, partnership, version, chain hash
  at that version) and its state against the fold of the timeline up to its version;
- **read-model**: the read model's goal and observation rows against the rows the fold
  of the whole timeline gives.

The derived parts are checked only for a timeline whose chain holds: a broken chain is
reported as such, and nothing derived from it can be trusted or compared.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from alliance import events as ev
from alliance.errors import AllianceError
from alliance.model.state import PartnershipState, apply, start
from alliance.serialization import parse_json, to_data
from alliance.storage import _common
from alliance.storage import _read_model as rm
from alliance.storage.interface import ChainRecord, IndexRecord, SnapshotRecord

Report = Callable[[str, int | None, str, str], None]
"""``report(part, version, kind, detail)``: one problem of the partnership checked."""


def hash_of(previous: str, version: int, record: ChainRecord) -> str:
    """*record*'s hash as if it were stored at *version*, after *previous*."""
    return _common.chain_hash(
        previous, clinic_id=record.clinic_id, partnership_id=record.partnership_id,
        version=version, position=record.position, event_type=record.event_type,
        schema_version=record.schema_version, occurred_at_us=record.occurred_at_us,
        recorded_at_us=record.recorded_at_us, payload=record.payload,
    )  # fmt: skip


def chain(expected: int, rows: Sequence[ChainRecord], report: Report) -> None:
    """Follow the chain version by version up to *expected* (the index's version) or the
    last stored version. The row stored at a version is tried first; when it does not
    fit, any other row that fits there was moved ("reordered"), and otherwise the event
    there was edited (or removed, when none is stored there)."""
    at: dict[int, ChainRecord] = {}
    for record in rows:
        at.setdefault(record.version, record)
    stored_hash = {v: r.chain_hash for v, r in at.items()}
    last = max([expected, *at])
    previous: str | None = _common.GENESIS
    for version in range(1, last + 1):
        row = at.get(version)
        if previous is None:  # the event before was removed: nothing to check against
            previous = None if row is None else row.chain_hash
            if row is None:
                report("chain", version, "removed", f"no event is stored at version {version}")
            continue
        if row is not None and row.chain_hash == hash_of(previous, version, row):
            previous = row.chain_hash
            continue
        moved = next(
            (
                other
                for v, other in sorted(at.items())
                if v != version and other.chain_hash == hash_of(previous, version, other)
            ),
            None,
        )
        if moved is not None:
            report("chain", version, "reordered",
                   f"the event recorded at version {version} is stored at version "
                   f"{moved.version}")  # fmt: skip
            previous = moved.chain_hash
        elif row is None:
            report("chain", version, "removed", f"no event is stored at version {version}")
            previous = None
        else:
            origin = next(
                (
                    v
                    for v in sorted(at)
                    if v != version
                    and stored_hash[v] == hash_of(stored_hash.get(v - 1) or "", v, row)
                ),
                None,
            )
            if origin is not None:
                report("chain", version, "reordered",
                       f"the event stored at version {version} was recorded at version "
                       f"{origin}")  # fmt: skip
            else:
                report("chain", version, "edited",
                       f"the event stored at version {version} is not the one recorded (its "
                       "hash, over its columns and payload, does not match)")  # fmt: skip
            previous = row.chain_hash


def index(
    pid: str, record: IndexRecord | None, rows: Sequence[ChainRecord], report: Report
) -> None:
    """The index row against the fold of the timeline's index events (*rows*: an intact
    chain)."""
    if record is None:
        report("index", None, "missing", "its timeline is stored but the index has no row for it")
        return
    if not rows:
        return  # every event removed: the chain says so
    names = {t.type_name for t in _common.INDEX_EVENTS}
    folded = [
        (r.version, _common.decode(pid, r.version, r.payload))
        for r in rows
        if r.event_type in names
    ]
    row = _common.index_row(pid, folded)
    members = tuple((m, role, current) for m, (role, current) in sorted(row.members.items()))
    expected: dict[str, Any] = {
        "child_id": row.formed.child_id,
        "status": row.status.value,
        "version": rows[-1].version,
        "time_zone": row.formed.time_zone,
        "last_event_us": max(r.occurred_at_us for r in rows),
        "members": members,
    }
    for column, value in expected.items():
        stored = getattr(record, column)
        if column in {"time_zone", "last_event_us"} and stored is None:
            continue  # a store that keeps none
        if stored != value:
            report("index", None, "differs",
                   f"its index row's {column} is {stored!r}, but its timeline gives "
                   f"{value!r}")  # fmt: skip


def _outdated(payload: str) -> bool:
    """Whether a snapshot that cannot be read is only of an older format (rebuilt, not a
    problem)."""
    try:
        data = parse_json(payload)
    except AllianceError:
        return False
    shape = data.get("format") if isinstance(data, dict) else None
    return isinstance(shape, int) and 0 < shape < _common.SNAPSHOT_FORMAT


def snapshot(
    clinic_id: str,
    record: SnapshotRecord,
    rows: Sequence[ChainRecord],
    folded: dict[str, Any] | None,
    report: Report,
) -> None:
    """A stored snapshot against the timeline it claims to summarise: its binding, then
    its state against *folded* (the fold up to its version, as data; ``None`` when the
    timeline is shorter)."""
    at = {r.version: r.chain_hash for r in rows}
    state, why = _common.read_snapshot(
        record.payload,
        clinic_id=clinic_id,
        partnership_id=record.partnership_id,
        version=record.version,
        chain_hash=at.get(record.version),
    )
    if state is None:
        if why is None and _outdated(record.payload):
            return
        report("snapshot", record.version, "ignored",
               f"its snapshot is ignored on load: {why or 'it cannot be read'}")  # fmt: skip
        return
    if folded is None or to_data(state) != folded:
        report("snapshot", record.version, "differs",
               f"its snapshot at version {record.version} is not the fold of its timeline "
               "up to that version")  # fmt: skip


def fold(
    pid: str, rows: Sequence[ChainRecord], at: set[int]
) -> tuple[PartnershipState, dict[int, dict[str, Any]], dict[str, int], dict[str, int]]:
    """Fold an intact timeline: the state, the state as data at each version in *at*, and
    the version each goal and observation was created at (the read model's ``seq``)."""
    events = [_common.decode(pid, r.version, r.payload) for r in rows]
    state = start(events[0])
    states: dict[int, dict[str, Any]] = {}
    goals: dict[str, int] = {}
    observations: dict[str, int] = {}
    for record, event in zip(rows, events, strict=True):
        if record.version > 1:
            apply(state, event)
        if isinstance(event, ev.GoalProposed):
            goals.setdefault(event.goal_id, record.version)
        elif isinstance(event, ev.ProgressRecorded):
            observations.setdefault(event.observation_id, record.version)
        if record.version in at:
            states[record.version] = to_data(state)
    return state, states, goals, observations


_JSON_COLUMNS = frozenset({"state", "mastery", "audience"})


def _same(column: str, stored: Any, folded: Any) -> bool:
    """Whether a stored read-model value is the folded one. JSON columns are compared as
    data (a number written ``1`` by an append is ``1.0`` once read back and folded)."""
    if column in _JSON_COLUMNS and isinstance(stored, str) and isinstance(folded, str):
        try:
            return bool(parse_json(stored) == parse_json(folded))
        except AllianceError:
            return False
    if isinstance(stored, float) and isinstance(folded, float) and math.isnan(folded):
        return math.isnan(stored)
    return bool(stored == folded)


def read_model(
    table: str,
    columns: Sequence[str],
    stored: dict[str, tuple[Any, ...]],
    folded: dict[str, tuple[Any, ...]],
    report: Report,
) -> None:
    """One read-model table's rows of a partnership (by goal or observation id) against
    the rows its fold gives."""
    for key in sorted(stored.keys() | folded.keys()):
        have, want = stored.get(key), folded.get(key)
        if have is None:
            report("read-model", None, "missing", f"{table} has no row for {key!r}")
        elif want is None:
            report("read-model", None, "extra",
                   f"{table} has a row for {key!r}, which its timeline does not hold")  # fmt: skip
        else:
            wrong = [c for c, a, b in zip(columns, have, want, strict=True) if not _same(c, a, b)]
            if wrong:
                report("read-model", None, "differs",
                       f"{table}'s row for {key!r} differs from the fold in "
                       f"{', '.join(wrong)}")  # fmt: skip


def folded_rows(
    clinic_id: str,
    state: PartnershipState,
    goals: dict[str, int],
    observations: dict[str, int],
) -> tuple[dict[str, tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
    """The read-model rows the fold gives, by goal id and by observation id."""
    pid = state.partnership_id
    return (
        {g: rm.goal_row(clinic_id, pid, goals[g], goal) for g, goal in state.goals.items()},
        {
            o: rm.observation_row(clinic_id, pid, observations[o], obs)
            for o, obs in state.observations.items()
        },
    )
