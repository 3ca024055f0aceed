"""Tamper evidence: each partnership's stored events form a hash chain; verify_integrity
finds and locates an edited payload, a removed event and two swapped events, on the
memory store, SQLite and PostgreSQL. And a hook logs every read."""

from __future__ import annotations

import datetime as dt
import hashlib
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
from old_chain import as_format_1

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
    """Edits a memory store's rows: (position, clinic, partnership, version, type, schema
    version, occurred, recorded, payload, hash)."""

    def __init__(self, store: MemoryStore) -> None:
        self.chain = store._shared.chains["c-1", "p-1"]

    def _index(self, version: int) -> int:
        return next(i for i, row in enumerate(self.chain) if row[3] == version)

    def edit(self, version: int) -> None:
        i = self._index(version)
        row = self.chain[i]
        self.chain[i] = (*row[:8], _doctored(row[8]), row[9])

    def delete(self, version: int) -> None:
        del self.chain[self._index(version)]

    def swap(self, first: int, second: int) -> None:
        i, j = self._index(first), self._index(second)
        a, b = self.chain[i], self.chain[j]
        self.chain[i], self.chain[j] = (*a[:3], b[3], *a[4:]), (*b[:3], a[3], *b[4:])


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
        """Swap the two events' versions: each row keeps its payload, hash and columns."""
        for old, new in ((first, -1), (second, first), (-1, second)):
            self.execute(
                self._q(
                    "UPDATE alliance_events SET version = ? "
                    "WHERE partnership_id = 'p-1' AND version = ?"
                ),
                (new, old),
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


def test_the_chain_hash_covers_every_column_the_previous_hash_and_exact_payload() -> None:
    store = MemoryStore("c-1")
    _fill(store)
    records = [r for r in store.chain_records() if r.partnership_id == "p-1"]
    stored = store.load("p-1")
    previous = _common.GENESIS
    for record, event in zip(records, stored, strict=True):
        assert record.payload == al.dumps(event.event)  # the exact stored text
        columns = (
            f"alliance-chain/2\nc-1\np-1\n{record.version}\n{event.position}\n"
            f"{type(event.event).type_name}\n{type(event.event).schema_version}\n"
            f"{record.occurred_at_us}\n{record.recorded_at_us}\n{previous}\n"
        )
        assert record.chain_hash == hashlib.sha256((columns + record.payload).encode()).hexdigest()
        assert record.occurred_at_us == _micros(event.event.occurred_at)
        assert record.recorded_at_us == _micros(event.recorded_at)
        previous = record.chain_hash


def _micros(moment: dt.datetime) -> int:
    return round((moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds() * 1e6)


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


# --- chain format 2: the migration from schema 3 ------------------------------------------


def _as_schema_3(path: Path) -> None:
    """Make a database look like one the release before chain format 2 wrote."""
    conn = sqlite3.connect(path, isolation_level=None)
    as_format_1(conn)
    conn.execute("UPDATE alliance_meta SET value = '3' WHERE key = 'schema_version'")
    conn.close()


def test_a_schema_3_chain_is_verified_then_rechained_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "old.db"
    store = SQLiteStore(path, "c-1")
    _fill(store)
    hashes = [r.chain_hash for r in store.chain_records()]
    store.close()
    _as_schema_3(path)
    with caplog.at_level("INFO", logger="alliance.storage"):
        again = SQLiteStore(path, "c-1")
    try:
        assert [r.chain_hash for r in again.chain_records()] == hashes  # format 2 again
        assert al.verify_integrity(again).ok
        assert [r.getMessage() for r in caplog.records] == [
            "the hash chain of 12 stored events was verified, then re-chained to format 2"
        ]
    finally:
        again.close()
    caplog.clear()
    SQLiteStore(path, "c-1").close()  # once: opening again re-chains nothing
    assert caplog.records == []


def test_a_broken_schema_3_chain_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SQLiteStore(path, "c-1")
    _fill(store)
    store.close()
    _as_schema_3(path)
    conn = sqlite3.connect(path, isolation_level=None)
    SqlTamper(lambda sql, params: conn.execute(sql, params).fetchall(), "?").edit(3)
    before = conn.execute("SELECT * FROM alliance_events ORDER BY position").fetchall()
    with pytest.raises(al.StoreError) as info:
        SQLiteStore(path, "c-1")
    assert "partnership 'p-1', the event at version 3 is edited or moved" in str(info.value)
    assert "re-chain" not in str(info.value) or "cannot upgrade" in str(info.value)
    assert conn.execute("SELECT * FROM alliance_events ORDER BY position").fetchall() == before
    assert conn.execute("SELECT value FROM alliance_meta").fetchall() == [("3",)]
    conn.close()


# --- the chain covers every column -------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("occurred_at_us", "occurred_at_us + 1"),
        ("recorded_at_us", "recorded_at_us - 1"),
        ("event_type", "'GoalAgreed'"),
        ("schema_version", "schema_version + 1"),
        ("position", "position + 1000"),
    ],
)
def test_an_edit_of_any_event_column_breaks_the_chain(
    tmp_path: Path, column: str, value: str
) -> None:
    path = tmp_path / "clinic.db"
    store = SQLiteStore(path, "c-1")
    _fill(store)
    sqlite3.connect(path, isolation_level=None).execute(
        f"UPDATE alliance_events SET {column} = {value} WHERE partnership_id = 'p-1' "
        "AND version = 4"
    )
    assert located(al.verify_integrity(store)) == {("p-1", 4, "edited")}
    store.close()


# --- the index, the snapshots and the read model -----------------------------------------


def _raw(path: Path, sql: str) -> None:
    sqlite3.connect(path, isolation_level=None).execute(sql)


def _problems(store: al.Store) -> set[tuple[str, str, str]]:
    return {(p.partnership_id, p.part, p.kind) for p in al.verify_integrity(store).problems}


def test_a_lowered_index_version_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    store = SQLiteStore(path, "c-1")
    _fill(store)
    _raw(
        path, "UPDATE alliance_partnerships SET version = version - 1 WHERE partnership_id = 'p-1'"
    )
    report = al.verify_integrity(store)
    assert _problems(store) == {("p-1", "index", "differs")}
    assert "version is 5, but its timeline gives 6" in report.problems[0].detail
    al.storage.rebuild_read_model(store)  # repairs it
    assert al.verify_integrity(store).ok
    store.close()


@pytest.fixture
def snapshotted(tmp_path: Path) -> Iterator[tuple[SQLiteStore, Path]]:
    path = tmp_path / "clinic.db"
    store = SQLiteStore(path, "c-1")
    _fill(store)
    for pid in ("p-1", "p-2"):
        store.save_snapshot(al.load_partnership(store, pid, use_snapshot=False).state)
    assert al.verify_integrity(store).ok
    yield store, path
    store.close()


def test_a_snapshot_copied_from_another_partnership_is_ignored_and_reported(
    snapshotted: tuple[SQLiteStore, Path], caplog: pytest.LogCaptureFixture
) -> None:
    store, path = snapshotted
    _raw(path, "DELETE FROM alliance_snapshots WHERE partnership_id = 'p-1'")
    _raw(path, "UPDATE alliance_snapshots SET partnership_id = 'p-1'")  # p-2's, now p-1's
    with caplog.at_level("WARNING", logger="alliance.storage"):
        assert store.load_snapshot("p-1") is None
    assert "snapshot of p-1 in clinic c-1 ignored: it is stored as partnership" in caplog.text
    loaded = al.load_partnership(store, "p-1")
    assert loaded.state.partnership_id == "p-1"
    assert loaded.state == al.load_partnership(store, "p-1", use_snapshot=False).state
    assert _problems(store) == {("p-1", "snapshot", "ignored")}


def test_a_snapshot_far_ahead_no_longer_blocks_updates(
    snapshotted: tuple[SQLiteStore, Path],
) -> None:
    store, path = snapshotted
    _raw(path, "UPDATE alliance_snapshots SET version = 10000 WHERE partnership_id = 'p-1'")
    assert store.load_snapshot("p-1") is None
    from team import LATER  # noqa: PLC0415

    leaving = al.events.MemberLeft(member_id="maria", actor="maria", occurred_at=LATER)
    updated = al.update(store, "p-1", lambda p: p.record(leaving))
    assert updated.version == 7
    assert ("p-1", "snapshot", "ignored") in _problems(store)


def test_a_snapshot_of_another_timeline_is_ignored(
    snapshotted: tuple[SQLiteStore, Path],
) -> None:
    store, path = snapshotted
    # The chain re-written from version 6 on (as a restore of another copy would): the
    # snapshot at 6 was taken of the timeline as it was, and is not trusted.
    _raw(path, "UPDATE alliance_events SET chain_hash = 'x' WHERE partnership_id = 'p-1' "
               "AND version = 6")  # fmt: skip
    assert store.load_snapshot("p-1") is None


def test_an_edited_snapshot_state_is_reported(snapshotted: tuple[SQLiteStore, Path]) -> None:
    store, path = snapshotted
    (payload,) = (
        sqlite3.connect(path)
        .execute("SELECT payload FROM alliance_snapshots WHERE partnership_id = 'p-1'")
        .fetchone()
    )
    data = json.loads(payload)
    data["state"]["child_id"] = "someone-else"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "UPDATE alliance_snapshots SET payload = ? WHERE partnership_id = 'p-1'",
        (json.dumps(data),),
    )
    assert _problems(store) == {("p-1", "snapshot", "differs")}


def test_an_edited_observation_in_the_read_model_is_reported_and_repaired(
    tmp_path: Path,
) -> None:
    from team import build  # noqa: PLC0415

    path = tmp_path / "clinic.db"
    store = SQLiteStore(path, "c-1")
    store.append("p-1", build().events, expected_version=0)  # with two observations
    before = list(al.reports.progress_report(store))
    _raw(path, "UPDATE alliance_observations SET value = value + 5")
    assert list(al.reports.progress_report(store)) != before  # it reads the read model
    report = al.verify_integrity(store)
    assert {(p.part, p.kind) for p in report.problems} == {("read-model", "differs")}
    assert all("in value" in p.detail for p in report.problems)
    al.storage.rebuild_read_model(store)
    assert al.verify_integrity(store).ok
    assert list(al.reports.progress_report(store)) == before
    store.close()


def test_a_timeline_with_a_missing_version_is_a_corrupt_event(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    store = SQLiteStore(path, "c-1")
    _fill(store)
    _raw(path, "DELETE FROM alliance_events WHERE partnership_id = 'p-1' AND version = 3")
    with pytest.raises(al.CorruptEventError) as info:
        al.load_partnership(store, "p-1")
    assert (info.value.partnership_id, info.value.version) == ("p-1", 3)
    store.close()
