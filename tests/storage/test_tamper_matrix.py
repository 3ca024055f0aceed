"""The tamper matrix: on SQLite and PostgreSQL, every column of every table that carries
meaning is edited in turn, and verify_integrity must report each edit.

The columns are read from the database's own catalogue, so a column added later is in
the matrix without anyone listing it. Each edit changes the value in a way that matters
(a number by one, a text by a character, a JSON value inside it, a NULL to a value) and
is undone before the next; the store verifies again after every undo."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import alliance as al
from alliance.demo import sample_partnership
from alliance.storage.encryption import EncryptedStore, MemoryKeyProvider
from alliance.storage.sqlite import SQLiteStore
from team import build

CLINIC = "riverside-clinic"

# What identifies a row of each table (the primary key, as the schema declares it).
KEYS = {
    "alliance_events": ("position",),
    "alliance_partnerships": ("clinic_id", "partnership_id"),
    "alliance_members": ("clinic_id", "partnership_id", "member_id"),
    "alliance_snapshots": ("clinic_id", "partnership_id"),
    "alliance_goals": ("clinic_id", "partnership_id", "goal_id"),
    "alliance_observations": ("clinic_id", "partnership_id", "observation_id"),
    "alliance_tombstones": ("clinic_id", "partnership_id"),
}
# Tables left out, and why: alliance_meta holds the schema version, which the store reads
# when it opens (a lower one is migrated, a higher one refused: test_sqlite_faults.py).
NOT_TAMPERED = {"alliance_meta"}

Execute = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]


def _fill(store: al.Store) -> None:
    """The sample partnership (with a departed member and a corrected observation), a
    second one, and a third, closed and purged (its tombstone); a snapshot of the first."""
    sample = sample_partnership()
    state = sample.state
    last = state.last_event_at
    observation = next(iter(state.observations))
    carer = next(m for m, x in state.members.items() if x.role is al.MemberRole.CARER)
    therapist = next(m for m, x in state.members.items() if x.role is al.MemberRole.PROFESSIONAL)
    sample.record_all(
        [
            al.events.ProgressCorrected(
                observation_id=observation, reason="miscounted", value=3.0,
                actor=therapist, occurred_at=last.add(days=1),
            ),
            al.events.MemberLeft(member_id=carer, actor=carer, occurred_at=last.add(days=2)),
        ]
    )  # fmt: skip
    store.append(state.partnership_id, sample.events, expected_version=0)
    other = build().events
    formed = attrs.evolve(other[0], partnership_id="p-2", clinic_id=CLINIC)
    store.append("p-2", [formed, *other[1:]], expected_version=0)
    closing = al.events.PartnershipStatusChanged(
        status=al.model.PartnershipStatus.CLOSED, actor="ana", occurred_at=last
    )
    purged = [attrs.evolve(formed, partnership_id="p-3"), *other[1:], closing]
    store.append("p-3", purged, expected_version=0)
    al.storage.purge_partnership(store, "p-3", purged_by="ana", reason="retention ended")
    assert isinstance(store, al.storage.SnapshotStore)
    store.save_snapshot(al.load_partnership(store, state.partnership_id).state)


def _changed(value: Any, declared: str) -> Any:
    """*value* changed in a way that matters."""
    if value is None:
        return 1 if any(t in declared.upper() for t in ("INT", "REAL", "DOUBLE", "FLOAT")) else "x"
    if isinstance(value, bool | int):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    text = str(value)
    if text[:1] in "{[":
        return json.dumps(_changed_json(json.loads(text)), separators=(",", ":"))
    return text + "x"


def _changed_json(data: Any) -> Any:
    """*data* with one leaf inside it changed (the last one found, depth first)."""
    if isinstance(data, dict) and data:
        key = sorted(data)[-1]
        return {**data, key: _changed_json(data[key])}
    if isinstance(data, list) and data:
        return [*data[:-1], _changed_json(data[-1])]
    if isinstance(data, bool) or data is None:
        return not data
    if isinstance(data, int | float):
        return data + 1
    return f"{data}x"


def _where(key: dict[str, Any], mark: str) -> tuple[str, tuple[Any, ...]]:
    return " AND ".join(f"{c} = {mark}" for c in key), tuple(key.values())


def _matrix(store: al.Store, execute: Execute, columns: dict[str, list[tuple[str, str]]],
            mark: str, open_clinic: Callable[[str], al.Store]) -> list[str]:  # fmt: skip
    """Edit each column of a row of p-sam's in each table (p-3's tombstone); return the
    edits not reported.

    An edit of ``clinic_id`` moves the row to another clinic: it counts as found when
    either clinic's verify reports it (a snapshot moved away is only missing here, which
    changes nothing: it is rebuilt; the clinic it now claims reports it)."""
    missed: list[str] = []
    assert al.verify_integrity(store).ok
    for table, declared in sorted(columns.items()):
        key_columns = KEYS[table]
        names = [name for name, _ in declared]
        where = (
            "partnership_id = 'p-3'"
            if table == "alliance_tombstones"
            else "partnership_id = 'p-sam'"
        )
        if table == "alliance_events":
            where += " AND version = 3"
        (row,) = execute(
            f"SELECT {', '.join(names)} FROM {table} WHERE {where} "
            f"ORDER BY {', '.join(key_columns)} LIMIT 1",
            (),
        )
        original = dict(zip(names, row, strict=True))
        for name, kind in declared:
            new = _changed(original[name], kind)
            if table == "alliance_events" and name in {"position", "version"}:
                new = original[name] + 1_000_000  # +1 is the next event's, and unique
            key = {c: original[c] for c in key_columns}
            sql, params = _where(key, mark)
            execute(f"UPDATE {table} SET {name} = {mark} WHERE {sql}", (new, *params))
            found = not al.verify_integrity(store).ok
            if name == "clinic_id" and not found:
                other = open_clinic(new)
                found = not al.verify_integrity(other).ok
                other.close()
            if not found:
                missed.append(f"{table}.{name}: {original[name]!r} -> {new!r}")
            if name in key:
                key[name] = new
            sql, params = _where(key, mark)
            execute(f"UPDATE {table} SET {name} = {mark} WHERE {sql}", (original[name], *params))
            assert al.verify_integrity(store).ok, f"undoing {table}.{name}"
    return missed


def _sqlite_columns(execute: Execute) -> dict[str, list[tuple[str, str]]]:
    tables = [t for (t,) in execute("SELECT name FROM sqlite_master WHERE type = 'table'", ())]
    return {
        t: [(row[1], row[2]) for row in execute(f"PRAGMA table_info({t})", ())]
        for t in tables
        if t.startswith("alliance_") and t not in NOT_TAMPERED
    }


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_every_edit_of_every_sqlite_column_is_found(tmp_path: Path, encrypted: bool) -> None:
    """Encrypted at rest too: the sealed columns are edited as stored, and the chain and
    the derived data are checked without a key."""
    path = tmp_path / "clinic.db"
    store: al.Store = SQLiteStore(path, CLINIC)
    if encrypted:
        store = EncryptedStore(store, MemoryKeyProvider())
    _fill(store)
    conn = sqlite3.connect(path, isolation_level=None)
    try:

        def execute(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
            return conn.execute(sql, params).fetchall()

        columns = _sqlite_columns(execute)
        assert set(columns) == set(KEYS)  # every table of the schema but alliance_meta
        assert sum(len(c) for c in columns.values()) >= 70
        assert _matrix(store, execute, columns, "?", lambda c: SQLiteStore(path, c)) == []
    finally:
        conn.close()
        store.close()


@pytest.fixture
def postgres(postgres_url: str) -> Iterator[tuple[al.Store, Execute, Callable[[str], al.Store]]]:
    import psycopg  # noqa: PLC0415

    from alliance.storage.postgres import PostgresStore  # noqa: PLC0415

    store = PostgresStore(postgres_url, CLINIC)
    _fill(store)
    with psycopg.connect(postgres_url, autocommit=True) as conn:

        def execute(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
            cursor = conn.execute(sql.encode(), params)
            return list(cursor.fetchall()) if cursor.description else []

        yield store, execute, lambda clinic: PostgresStore(postgres_url, clinic)
    store.close()


def test_every_edit_of_every_postgres_column_is_found(
    postgres: tuple[al.Store, Execute, Callable[[str], al.Store]],
) -> None:
    store, execute, open_clinic = postgres
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, name, kind in execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
        (),
    ):
        if table.startswith("alliance_") and table not in NOT_TAMPERED:
            columns.setdefault(table, []).append((name, kind))
    assert set(columns) == set(KEYS)
    assert sum(len(c) for c in columns.values()) >= 70
    assert _matrix(store, execute, columns, "%s", open_clinic) == []
