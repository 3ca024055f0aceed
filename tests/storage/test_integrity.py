"""Tamper evidence: each partnership's stored events form a hash chain; verify_integrity
finds and locates an edited payload, a removed event and two swapped events, on the
memory store, SQLite and PostgreSQL. And a hook logs every read."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import alliance as al
from alliance.storage import _common
from alliance.storage.memory import MemoryStore
from alliance.storage.sqlite import SQLiteStore

# A doctored copy of version 3's payload: the same event with another message.


def _doctored(payload: str) -> str:
    data = json.loads(payload)
    data["actor"] = data["actor"] + "x"
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def _fill(store: al.Store) -> None:
    """Two partnerships of six events each (p-1 is tampered with, p-2 never)."""
    from team import build  # noqa: PLC0415

    events = build().events[:6]
    store.append("p-1", events, expected_version=0)
    other = [
        e if not isinstance(e, al.events.PartnershipFormed) else _with_id(e, "p-2") for e in events
    ]
    store.append("p-2", other[:3], expected_version=0)
    store.append("p-2", other[3:], expected_version=3)


def _with_id(
    event: al.events.PartnershipFormed, partnership_id: str
) -> al.events.PartnershipFormed:
    import attrs  # noqa: PLC0415

    return attrs.evolve(event, partnership_id=partnership_id)


# --- the three ways of tampering, for each backend ------------------------------------


class Tamper:
    """Edits a backend's raw storage."""

    def edit(self, version: int) -> None:
        raise NotImplementedError

    def delete(self, version: int) -> None:
        raise NotImplementedError

    def swap(self, first: int, second: int) -> None:
        raise NotImplementedError


class MemoryTamper(Tamper):
    def __init__(self, store: MemoryStore) -> None:
        self.chain = store._shared.chains["c-1", "p-1"]

    def _index(self, version: int) -> int:
        return next(i for i, row in enumerate(self.chain) if row[0] == version)

    def edit(self, version: int) -> None:
        i = self._index(version)
        v, payload, chain_hash = self.chain[i]
        self.chain[i] = (v, _doctored(payload), chain_hash)

    def delete(self, version: int) -> None:
        del self.chain[self._index(version)]

    def swap(self, first: int, second: int) -> None:
        i, j = self._index(first), self._index(second)
        (vi, pi, hi), (vj, pj, hj) = self.chain[i], self.chain[j]
        self.chain[i], self.chain[j] = (vi, pj, hj), (vj, pi, hi)


class SqlTamper(Tamper):
    """Raw SQL on a DB-API connection (``?`` or ``%s`` placeholders)."""

    def __init__(self, execute: Callable[[str, tuple[Any, ...]], list[Any]], mark: str) -> None:
        self.execute = execute
        self.mark = mark

    def _q(self, sql: str) -> str:
        return sql.replace("?", self.mark)

    def _row(self, version: int) -> tuple[str, str]:
        (row,) = self.execute(
            self._q(
                "SELECT payload, chain_hash FROM alliance_events "
                "WHERE partnership_id = 'p-1' AND version = ?"
            ),
            (version,),
        )
        return str(row[0]), str(row[1])

    def edit(self, version: int) -> None:
        payload, _ = self._row(version)
        self.execute(
            self._q(
                "UPDATE alliance_events SET payload = ? WHERE partnership_id = 'p-1' "
                "AND version = ?"
            ),
            (_doctored(payload), version),
        )

    def delete(self, version: int) -> None:
        self.execute(
            self._q("DELETE FROM alliance_events WHERE partnership_id = 'p-1' AND version = ?"),
            (version,),
        )

    def swap(self, first: int, second: int) -> None:
        a, b = self._row(first), self._row(second)
        for version, (payload, chain_hash) in ((first, b), (second, a)):
            self.execute(
                self._q(
                    "UPDATE alliance_events SET payload = ?, chain_hash = ? "
                    "WHERE partnership_id = 'p-1' AND version = ?"
                ),
                (payload, chain_hash, version),
            )


Backend = tuple[al.Store, Tamper]


def _memory() -> Iterator[Backend]:
    store = MemoryStore("c-1")
    _fill(store)
    yield store, MemoryTamper(store)


def _sqlite(tmp_path: Path) -> Iterator[Backend]:
    path = tmp_path / "clinic.db"
    store = SQLiteStore(path, "c-1")
    _fill(store)
    conn = sqlite3.connect(path, isolation_level=None)

    def execute(sql: str, params: tuple[Any, ...]) -> list[Any]:
        return conn.execute(sql, params).fetchall()

    yield store, SqlTamper(execute, "?")
    conn.close()
    store.close()


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "memory":
        yield from _memory()
    elif request.param == "sqlite":
        yield from _sqlite(tmp_path)
    else:
        url: str = request.getfixturevalue("postgres_url")
        import psycopg  # noqa: PLC0415

        from alliance.storage.postgres import PostgresStore  # noqa: PLC0415

        store = PostgresStore(url, "c-1")
        _fill(store)
        conn = psycopg.connect(url, autocommit=True)

        def execute(sql: str, params: tuple[Any, ...]) -> list[Any]:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

        yield store, SqlTamper(execute, "%s")
        conn.close()
        store.close()


def located(report: al.storage.IntegrityReport) -> set[tuple[str, int, str]]:
    return {(p.partnership_id, p.version, p.kind) for p in report.problems}


def test_an_untouched_store_verifies(backend: Backend) -> None:
    store, _ = backend
    report = al.verify_integrity(store)
    assert report.ok
    assert (report.partnerships, report.events) == (2, 12)


def test_an_edited_payload_is_found_and_located(backend: Backend) -> None:
    store, tamper = backend
    tamper.edit(3)
    assert located(al.verify_integrity(store)) == {("p-1", 3, "edited")}


def test_a_removed_event_is_found_and_located(backend: Backend) -> None:
    store, tamper = backend
    tamper.delete(4)
    assert located(al.verify_integrity(store)) == {("p-1", 4, "removed")}


def test_a_removed_last_event_is_found(backend: Backend) -> None:
    store, tamper = backend
    tamper.delete(6)
    assert located(al.verify_integrity(store)) == {("p-1", 6, "removed")}


def test_two_swapped_events_are_found_and_located(backend: Backend) -> None:
    store, tamper = backend
    tamper.swap(2, 5)
    assert located(al.verify_integrity(store)) == {("p-1", 2, "reordered"), ("p-1", 5, "reordered")}


def test_the_chain_hash_covers_version_previous_hash_and_exact_payload() -> None:
    store = MemoryStore("c-1")
    _fill(store)
    chain = store._shared.chains["c-1", "p-1"]
    stored = store.load("p-1")
    previous = _common.GENESIS
    for (version, payload, chain_hash), event in zip(chain, stored, strict=True):
        assert payload == al.dumps(event.event)  # the exact stored text
        assert chain_hash == _common.chain_hash(previous, version, payload)
        previous = chain_hash


def test_a_store_without_a_chain_cannot_be_verified() -> None:
    class Plain:
        url = "plain://"

    with pytest.raises(al.StoreError, match="no hash chain"):
        al.verify_integrity(Plain())  # type: ignore[arg-type]


# --- migration: a schema-1 SQLite database gets its chain on open ------------------------


def test_a_schema_1_database_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SQLiteStore(path, "c-1")
    _fill(store)
    hashes = [r.chain_hash for r in store.chain_records()]
    store.close()
    # Make it look like a database written by the previous release.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("ALTER TABLE alliance_events DROP COLUMN chain_hash")
    conn.execute("UPDATE alliance_meta SET value = '1' WHERE key = 'schema_version'")
    conn.close()
    again = SQLiteStore(path, "c-1")
    try:
        assert [r.chain_hash for r in again.chain_records()] == hashes
        assert al.verify_integrity(again).ok
        assert al.load_partnership(again, "p-1").version == 6
        row = sqlite3.connect(path).execute(
            "SELECT value FROM alliance_meta WHERE key = 'schema_version'"
        )
        assert row.fetchone()[0] == str(_common.SCHEMA_VERSION)
    finally:
        again.close()


# --- the read hook ------------------------------------------------------------------------


def test_every_read_of_a_partnership_is_logged() -> None:
    reads: list[al.storage.ReadAccess] = []
    store = al.storage.AuditedStore(MemoryStore("c-1"), reads.append)
    _fill(store)
    assert reads == []  # writes are not reads
    al.load_partnership(store, "p-1")
    al.update(store, "p-2", lambda p: None)
    store.read_all()
    store.find_partnerships()
    assert [(r.partnership_id, r.operation) for r in reads] == [
        ("p-1", "load_snapshot"),
        ("p-1", "load"),
        ("p-2", "load_snapshot"),
        ("p-2", "load"),
        (None, "read_all"),
        (None, "find_partnerships"),
    ]
    assert all(r.clinic_id == "c-1" for r in reads)
    assert al.verify_integrity(store).ok


def test_a_hook_that_refuses_stops_the_read() -> None:
    def refuse(access: al.storage.ReadAccess) -> None:
        raise PermissionError(f"no access to {access.partnership_id}")

    inner = MemoryStore("c-1")
    _fill(inner)
    with pytest.raises(PermissionError):
        al.load_partnership(al.storage.AuditedStore(inner, refuse), "p-1")


def test_a_schema_1_postgres_database_is_migrated_on_open(postgres_url: str) -> None:
    import psycopg  # noqa: PLC0415

    from alliance.storage.postgres import PostgresStore  # noqa: PLC0415

    store = PostgresStore(postgres_url, "c-1")
    _fill(store)
    hashes = [r.chain_hash for r in store.chain_records()]
    store.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE alliance_events DROP COLUMN chain_hash")
        conn.execute("UPDATE alliance_meta SET value = '1' WHERE key = 'schema_version'")
    again = PostgresStore(postgres_url, "c-1")
    try:
        assert [r.chain_hash for r in again.chain_records()] == hashes
        assert al.verify_integrity(again).ok
        again.append("p-1", [_later_event()], expected_version=6)
        assert al.verify_integrity(again).ok
    finally:
        again.close()


def _later_event() -> al.Event:
    from team import LATER  # noqa: PLC0415

    return al.events.GoalAgreed(goal_id="g1", actor="maria", occurred_at=LATER)
