"""Erasure on purpose: a closed partnership is purged from every table in one
transaction, leaving a tombstone; the clinic's other timelines still verify."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import alliance as al
from alliance.storage.memory import MemoryStore
from alliance.storage.sqlite import SQLiteStore
from team import LATER, build

CLINIC = "c-1"


def _closed(partnership_id: str) -> list[al.Event]:
    p = build()
    p.record(
        al.events.PartnershipStatusChanged(
            status=al.model.PartnershipStatus.CLOSED, actor="ana", occurred_at=LATER
        )
    )
    events = list(p.events)
    return [attrs.evolve(events[0], partnership_id=partnership_id, clinic_id=CLINIC), *events[1:]]


def _fill(store: al.Store) -> None:
    """p-1, closed (with a snapshot); p-2, open."""
    store.append("p-1", _closed("p-1"), expected_version=0)
    open_events = build().events
    formed = attrs.evolve(open_events[0], partnership_id="p-2", clinic_id=CLINIC)
    store.append("p-2", [formed, *open_events[1:]], expected_version=0)
    assert isinstance(store, al.storage.SnapshotStore)
    store.save_snapshot(al.load_partnership(store, "p-1").state)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[al.Store]:
    if request.param == "memory":
        opened: al.Store = MemoryStore(CLINIC)
    elif request.param == "sqlite":
        opened = SQLiteStore(tmp_path / "clinic.db", CLINIC)
    else:
        from alliance.storage.postgres import PostgresStore  # noqa: PLC0415

        opened = PostgresStore(request.getfixturevalue("postgres_url"), CLINIC)
    _fill(opened)
    yield opened
    opened.close()


def test_a_closed_partnership_is_purged_and_leaves_a_tombstone(store: al.Store) -> None:
    before = al.load_partnership(store, "p-2").state
    last = store.load("p-1")[-1]
    tombstone = al.storage.purge_partnership(
        store, "p-1", purged_by="records-officer", reason="retention period ended"
    )
    assert (tombstone.partnership_id, tombstone.events, tombstone.purged_by) == (
        "p-1",
        last.version,
        "records-officer",
    )
    assert isinstance(store, al.storage.PurgeStore)
    assert store.tombstones() == (tombstone,)
    assert store.load("p-1") == ()
    assert store.load_snapshot("p-1") is None  # type: ignore[attr-defined]
    assert [s.partnership_id for s in store.find_partnerships()] == ["p-2"]
    assert all(s.partnership_id == "p-2" for s in store.read_all())
    assert al.load_partnership(store, "p-2").state == before
    report = al.verify_integrity(store)
    assert report.ok, report.problems
    assert (report.partnerships, report.snapshots) == (1, 0)
    assert list(al.reports.progress_report(store)) == list(
        al.reports.progress_report(store, member_id=None)
    )
    assert {row.goal.partnership_id for row in al.reports.progress_report(store)} == {"p-2"}


def test_the_chain_of_the_purged_timeline_is_kept_in_its_tombstone(store: al.Store) -> None:
    assert isinstance(store, al.storage.ChainStore)
    last = [r for r in store.chain_records() if r.partnership_id == "p-1"][-1]
    tombstone = al.storage.purge_partnership(store, "p-1", purged_by="ana", reason="erasure")
    assert tombstone.last_chain_hash == last.chain_hash


@pytest.mark.parametrize(
    ("partnership_id", "error", "message"),
    [
        ("p-2", al.DomainError, "'p-2' is active: only a closed partnership can be purged"),
        ("p-9", al.UnknownRecordError, "there is no partnership 'p-9' to purge"),
    ],
)
def test_an_open_or_unknown_partnership_is_not_purged(
    store: al.Store, partnership_id: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        al.storage.purge_partnership(store, partnership_id, purged_by="ana", reason="erasure")
    assert isinstance(store, al.storage.PurgeStore)
    assert store.tombstones() == ()
    assert [s.partnership_id for s in store.find_partnerships()] == ["p-1", "p-2"]


@pytest.mark.parametrize(
    ("purged_by", "reason", "field"), [("", "erasure", "purged_by"), ("ana", "", "reason")]
)
def test_a_purge_without_who_or_why_is_refused(
    store: al.Store, purged_by: str, reason: str, field: str
) -> None:
    with pytest.raises(al.ValidationError) as caught:
        al.storage.purge_partnership(store, "p-1", purged_by=purged_by, reason=reason)
    assert caught.value.field == field
    assert len(store.load("p-1")) > 0


def test_a_purged_id_is_not_used_again(store: al.Store) -> None:
    al.storage.purge_partnership(store, "p-1", purged_by="ana", reason="erasure")
    with pytest.raises(al.ValidationError, match="'p-1' was purged: its id is not used again"):
        store.append("p-1", _closed("p-1"), expected_version=0)


def test_a_store_that_cannot_purge_is_refused() -> None:
    class Plain:
        url = "plain://"

    with pytest.raises(al.ValidationError, match="cannot purge"):
        al.storage.purge_partnership(Plain(), "p-1", purged_by="ana", reason="x")  # type: ignore[arg-type]


def test_no_row_of_a_purged_partnership_is_left_in_any_sqlite_table(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    store = SQLiteStore(path, CLINIC)
    _fill(store)
    al.storage.purge_partnership(store, "p-1", purged_by="ana", reason="erasure")
    store.close()
    conn = sqlite3.connect(path)
    tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    left: dict[str, Any] = {}
    for table in tables:
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if "partnership_id" in columns:
            (count,) = conn.execute(
                f"SELECT COUNT(*) FROM {table} WHERE partnership_id = 'p-1'"
            ).fetchone()
            left[table] = count
    conn.close()
    assert left.pop("alliance_tombstones") == 1
    assert left == dict.fromkeys(left, 0)
    assert len(left) == 6  # events, snapshots, goals, observations, members, partnerships
    # SQLite keeps a deleted row's bytes in free pages until VACUUM (docs/privacy.md)
    sqlite3.connect(path, isolation_level=None).execute("VACUUM")
    data = path.read_bytes()
    assert b'"partnership_id":"p-2"' in data  # the forming event's payload, kept
    assert b'"partnership_id":"p-1"' not in data


def test_an_edited_tombstone_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    store = SQLiteStore(path, CLINIC)
    _fill(store)
    al.storage.purge_partnership(store, "p-1", purged_by="ana", reason="erasure")
    sqlite3.connect(path, isolation_level=None).execute(
        "UPDATE alliance_tombstones SET purged_by = 'someone-else'"
    )
    assert [(p.partnership_id, p.part, p.kind) for p in al.verify_integrity(store).problems] == [
        ("p-1", "purge", "edited")
    ]
    store.close()
