"""SQLite under concurrency, crashes, corruption and a hostile disk: nothing is lost,
nothing is half-written, and every failure is a clear error."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

import alliance as al
from alliance import serialization
from alliance.storage import SQLiteStore
from alliance.testing.store_contract import concern, formed, team

CLINIC = "clinic-a"
SRC = str(Path(al.__file__).parent.parent)


def run_python(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "clinic.db"


@pytest.fixture
def store(db: Path) -> SQLiteStore:
    store = SQLiteStore(db, CLINIC)
    yield store  # type: ignore[misc]
    store.close()


def raw(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db, isolation_level=None)


# --- concurrency: threads and processes ---------------------------------------------------

WORKER = """
import sys, threading
from alliance.storage import SQLiteStore, update
from alliance.testing.store_contract import concern

path = sys.argv[1]
process, threads, per_thread = (int(a) for a in sys.argv[2:5])

def work(thread):
    store = SQLiteStore(path, "clinic-a", busy_timeout=30)
    for n in range(per_thread):
        number = (process * 100 + thread) * 1000 + n
        target = "p-0" if n % 2 == 0 else f"p-{1 + (process + thread) % 3}"
        update(store, target, lambda p, number=number: p.record(concern(number)), attempts=200)
    store.close()

ts = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
for t in ts: t.start()
for t in ts: t.join()
print("done")
"""


def test_threads_and_processes_append_without_loss(db: Path, store: SQLiteStore) -> None:
    for n in range(4):
        al.start_partnership(store, formed(f"p-{n}"), team())
    processes, threads, per_thread = 3, 3, 10
    workers = [
        run_python(WORKER, str(db), str(p), str(threads), str(per_thread)) for p in range(processes)
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        assert out.strip() == "done"

    written = processes * threads * per_thread
    everything = store.read_all(limit=10_000)
    assert len(everything) == 4 * 3 + written
    assert [s.position for s in everything] == list(range(1, len(everything) + 1))
    for n in range(4):
        versions = [s.version for s in store.load(f"p-{n}")]
        assert versions == list(range(1, len(versions) + 1))
    ids = [s.event.concern_id for s in everything if isinstance(s.event, al.events.ConcernRaised)]
    assert len(ids) == len(set(ids)) == written


# --- a crash in the middle of a large append ----------------------------------------------

BIG_APPEND = """
import sys
from alliance.storage import SQLiteStore
from alliance.testing.store_contract import concern
store = SQLiteStore(sys.argv[1], "clinic-a")
print("ready", flush=True)
store.append("p-1", [concern(n) for n in range(200_000)], expected_version=3)
print("finished", flush=True)
"""


@pytest.mark.slow
def test_a_process_killed_mid_append_leaves_all_or_nothing(db: Path, store: SQLiteStore) -> None:
    al.start_partnership(store, formed("p-1"), team())
    store.close()
    wal = db.with_name(db.name + "-wal")
    baseline = wal.stat().st_size if wal.exists() else 0
    child = run_python(BIG_APPEND, str(db))
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if child.poll() is not None:
            pytest.fail("the append finished before it could be interrupted: make it larger")
        if wal.exists() and wal.stat().st_size > baseline + 2_000_000:
            break
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    reopened = SQLiteStore(db, CLINIC)
    try:
        with raw(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        versions = [s.version for s in reopened.load("p-1")]
        assert versions in ([1, 2, 3], list(range(1, 200_004)))
        reopened.append("p-1", [concern(1)], expected_version=len(versions))
    finally:
        reopened.close()


# --- corrupted rows -------------------------------------------------------------------------


def test_a_corrupted_payload_names_partnership_version_and_path(
    db: Path, store: SQLiteStore
) -> None:
    al.start_partnership(store, formed("p-1"), team())
    al.start_partnership(store, formed("p-2"), team())
    with raw(db) as conn:
        (payload,) = conn.execute(
            "SELECT payload FROM alliance_events WHERE partnership_id = 'p-1' AND version = 3"
        ).fetchone()
        data = json.loads(payload)
        data["relationship"] = "neighbour"
        conn.execute(
            "UPDATE alliance_events SET payload = ? WHERE partnership_id = 'p-1' AND version = 3",
            (json.dumps(data),),
        )
    with pytest.raises(al.CorruptEventError) as info:
        store.load("p-1")
    assert info.value.partnership_id == "p-1"
    assert info.value.version == 3
    assert info.value.problems == (
        "'neighbour' is not a CarerRelationship; expected one of 'parent', 'guardian', "
        "'foster-carer', 'grandparent', 'other' @ $.relationship",
    )
    assert "partnership 'p-1', version 3" in str(info.value)
    assert len(store.load("p-2")) == 3
    assert len(store.load("p-1", up_to_version=2)) == 2


def test_a_payload_that_is_not_json_is_reported(db: Path, store: SQLiteStore) -> None:
    al.start_partnership(store, formed("p-1"), team())
    with raw(db) as conn:
        conn.execute("UPDATE alliance_events SET payload = '{oops' WHERE version = 2")
    with pytest.raises(al.CorruptEventError) as info:
        store.load("p-1")
    assert info.value.version == 2
    assert info.value.problems[0].startswith("not valid JSON")


# --- a hostile disk: read-only, full, locked ----------------------------------------------


def test_a_read_only_database_refuses_cleanly_and_recovers(store: SQLiteStore) -> None:
    al.start_partnership(store, formed("p-1"), team())
    conn = store._connect()
    conn.execute("PRAGMA query_only = 1")  # as a read-only file or mount would
    with pytest.raises(al.StoreError) as info:
        store.append("p-1", [concern(1)], expected_version=3)
    assert "read-only" in info.value.reason
    assert "nothing was written" in info.value.reason
    conn.execute("PRAGMA query_only = 0")
    assert len(store.load("p-1")) == 3
    store.append("p-1", [concern(1)], expected_version=3)
    assert len(store.load("p-1")) == 4


def test_a_full_disk_refuses_cleanly_and_recovers(store: SQLiteStore) -> None:
    al.start_partnership(store, formed("p-1"), team())
    conn = store._connect()
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # as a full disk would
    with pytest.raises(al.StoreError) as info:
        store.append("p-1", [concern(n) for n in range(2_000)], expected_version=3)
    assert "full" in info.value.reason
    assert len(store.load("p-1")) == 3
    assert store.find_partnerships()[0].version == 3
    conn.execute("PRAGMA max_page_count = 1073741823")
    store.append("p-1", [concern(n) for n in range(2_000)], expected_version=3)
    assert len(store.load("p-1")) == 2_003


def test_a_locked_database_is_a_clear_error_and_recovers(db: Path) -> None:
    store = SQLiteStore(db, CLINIC, busy_timeout=0.2)
    try:
        al.start_partnership(store, formed("p-1"), team())
        blocker = raw(db)
        blocker.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        with pytest.raises(al.StoreError) as info:
            store.append("p-1", [concern(1)], expected_version=3)
        assert time.monotonic() - started < 5
        assert "locked" in info.value.reason
        blocker.execute("ROLLBACK")
        blocker.close()
        store.append("p-1", [concern(1)], expected_version=3)
        assert len(store.load("p-1")) == 4
    finally:
        store.close()


# --- schema versions and old payloads -------------------------------------------------------


def test_a_database_from_a_newer_alliance_is_refused_untouched(db: Path) -> None:
    SQLiteStore(db, CLINIC).close()
    with raw(db) as conn:
        conn.execute("UPDATE alliance_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(al.StoreError) as info:
        SQLiteStore(db, CLINIC)
    assert "newer alliance (schema version 99" in str(info.value)
    with raw(db) as conn:
        assert conn.execute("SELECT value FROM alliance_meta").fetchall() == [("99",)]


def test_the_schema_version_is_recorded(db: Path) -> None:
    SQLiteStore(db, CLINIC).close()
    with raw(db) as conn:
        assert conn.execute(
            "SELECT value FROM alliance_meta WHERE key = 'schema_version'"
        ).fetchone() == ("4",)  # 2: the hash chain (tests/storage/test_integrity.py); 3: read
    # model; 4: the chain's input covers every column


OLD_GOAL_AGREED = {  # GoalAgreed as an earlier alliance wrote it: "note", not "comment"
    "type": "GoalAgreed",
    "schema_version": 1,
    "actor": "maria",
    "occurred_at": "2025-01-08T09:00:00+00:00",
    "goal_id": "g1",
    "note": "Happy to try",
}


def test_stored_payloads_of_an_older_shape_are_upcast_on_read(
    db: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    al.start_partnership(store, formed("p-1"), team())
    with raw(db) as conn:
        conn.execute(
            "INSERT INTO alliance_events (position, clinic_id, partnership_id, version, "
            "event_type, schema_version, occurred_at_us, recorded_at_us, payload) "
            "VALUES (4, 'clinic-a', 'p-1', 4, 'GoalAgreed', 1, 0, 0, ?)",
            (json.dumps(OLD_GOAL_AGREED),),
        )
    monkeypatch.setattr(al.events.GoalAgreed, "schema_version", 2)
    monkeypatch.setattr(serialization, "_UPCASTERS", dict(serialization._UPCASTERS))

    @al.upcaster("GoalAgreed", from_version=1)
    def rename_note(data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        data["comment"] = data.pop("note")
        return data

    event = store.load("p-1")[-1].event
    assert isinstance(event, al.events.GoalAgreed)
    assert event.comment == "Happy to try"
