"""The PostgreSQL backend under stress and faults, against a real server.

Threads and processes writing at once, a follower reading while they write, connections
ended by an administrator, an unreachable server, a database from a newer alliance, a
corrupted row. The server comes from ``tests/postgres_server.py``; each test gets a
fresh database.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import threading
import time
import traceback
from collections.abc import Iterator
from typing import Any

import pytest

try:
    import psycopg
except ImportError:  # pragma: no cover - the postgres extra is part of dev
    if os.environ.get("ALLIANCE_REQUIRE_POSTGRES") == "1":
        raise
    pytest.skip("psycopg is not installed", allow_module_level=True)

from alliance.errors import CorruptEventError, StoreError
from alliance.storage import _common, load_partnership, open_store, start_partnership, update
from alliance.storage.interface import StoredEvent
from alliance.storage.postgres import PostgresStore
from alliance.testing.store_contract import concern, formed, team

CLINIC = "clinic-a"
SHARED = "p-shared"


@pytest.fixture
def admin(postgres_url: str) -> Iterator[psycopg.Connection[Any]]:
    """An autocommit connection to the test's database, outside any store."""
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        yield conn


def _own(worker: int) -> str:
    return f"p-w{worker}"


def _numbers(worker: int, n: int) -> list[int]:
    """The concern numbers *worker* records in its round *n*: 1 to 3 of them."""
    return [worker * 10_000 + n * 10 + k for k in range(1 + n % 3)]


def _target(worker: int, n: int) -> str:
    """Even rounds go to the partnership everyone shares, odd rounds to the worker's own."""
    return SHARED if n % 2 == 0 else _own(worker)


def _work(store: PostgresStore, worker: int, rounds: int) -> None:
    for n in range(rounds):
        events = [concern(number) for number in _numbers(worker, n)]
        update(
            store, _target(worker, n), lambda p, events=events: p.record_all(events), attempts=1000
        )


def _process_writer(url: str, worker: int, rounds: int, barrier: Any, results: Any) -> None:
    """A writer in its own process (spawned), with its own store."""
    try:
        store = PostgresStore.from_url(url, CLINIC, max_size=1)
        try:
            barrier.wait(timeout=60)
            _work(store, worker, rounds)
        finally:
            store.close()
    except BaseException:
        results.put((worker, traceback.format_exc()))
    else:
        results.put((worker, None))


def _run_writers(url: str, *, threads: int, processes: int, rounds: int) -> None:
    """*threads* writers sharing one store here and *processes* writers elsewhere, all
    starting together, each doing *rounds* updates; fails on any writer's error."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(threads + processes)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_process_writer, args=(url, threads + i, rounds, barrier, results))
        for i in range(processes)
    ]
    for proc in procs:
        proc.start()
    errors: list[str] = []
    store = PostgresStore.from_url(url, CLINIC, max_size=threads)

    def thread_writer(worker: int) -> None:
        try:
            barrier.wait(timeout=60)
            _work(store, worker, rounds)
        except BaseException:
            errors.append(traceback.format_exc())

    workers = [threading.Thread(target=thread_writer, args=(i,)) for i in range(threads)]
    try:
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join(timeout=120)
        for _ in procs:
            worker, error = results.get(timeout=120)
            if error is not None:
                errors.append(f"process writer {worker}:\n{error}")
        for proc in procs:
            proc.join(timeout=30)
    finally:
        store.close()
        for proc in procs:
            if proc.is_alive():  # pragma: no cover - only after a failure
                proc.kill()
    assert errors == []
    assert [proc.exitcode for proc in procs] == [0] * processes


def _setup(url: str, writers: int) -> None:
    with PostgresStore.from_url(url, CLINIC) as store:
        start_partnership(store, formed(SHARED), team())
        for worker in range(writers):
            start_partnership(store, formed(_own(worker)), team())


def _check_final_state(url: str, writers: int, rounds: int) -> list[StoredEvent]:
    """Every partnership holds exactly what was written, versions and positions gap-free."""
    expected: dict[str, set[int]] = {SHARED: set()}
    for worker in range(writers):
        expected[_own(worker)] = set()
        for n in range(rounds):
            expected[_target(worker, n)].update(_numbers(worker, n))
    with PostgresStore.from_url(url, CLINIC) as store:
        for pid, numbers in expected.items():
            loaded = store.load(pid)
            assert [s.version for s in loaded] == list(range(1, len(loaded) + 1))
            concern_ids = [s.event.concern_id for s in loaded[3:]]  # type: ignore[attr-defined]
            assert len(concern_ids) == len(numbers)
            assert set(concern_ids) == {f"c{number}" for number in numbers}
        assert {s.partnership_id: s.version for s in store.find_partnerships()} == {
            pid: 3 + len(numbers) for pid, numbers in expected.items()
        }
        everything = list(store.read_all(limit=100_000))
    total = sum(3 + len(numbers) for numbers in expected.values())
    assert len(everything) == total
    assert [s.position for s in everything] == list(range(1, total + 1))
    return everything


# --- (a) concurrency ------------------------------------------------------------------


def test_threads_and_processes_append_without_losing_or_duplicating(postgres_url: str) -> None:
    threads, processes, rounds = 3, 3, 12
    _setup(postgres_url, threads + processes)
    _run_writers(postgres_url, threads=threads, processes=processes, rounds=rounds)
    _check_final_state(postgres_url, threads + processes, rounds)


def test_several_openers_of_a_fresh_database_agree_on_one_schema(
    postgres_url: str, admin: psycopg.Connection[Any]
) -> None:
    openers = 8
    barrier = threading.Barrier(openers)
    stores: list[PostgresStore] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        barrier.wait()
        try:
            stores.append(PostgresStore.from_url(postgres_url, CLINIC, max_size=1))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(openers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    assert errors == []
    assert len(stores) == openers
    assert admin.execute("SELECT key, value FROM alliance_meta").fetchall() == [
        ("schema_version", str(_common.SCHEMA_VERSION))
    ]


# --- (b) a follower ------------------------------------------------------------------


def test_a_follower_never_misses_an_event_committed_while_it_reads(postgres_url: str) -> None:
    threads, processes, rounds = 4, 2, 12
    _setup(postgres_url, threads + processes)
    follower = PostgresStore.from_url(postgres_url, CLINIC, max_size=1)
    seen: list[StoredEvent] = []
    done = threading.Event()
    failures: list[BaseException] = []

    def follow() -> None:
        after = 0
        try:
            while True:
                finished = done.is_set()  # before reading: a last empty page ends it
                page = follower.read_all(after=after, limit=7)
                seen.extend(page)
                if page:
                    after = page[-1].position
                elif finished:
                    return
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    reader = threading.Thread(target=follow)
    reader.start()
    try:
        _run_writers(postgres_url, threads=threads, processes=processes, rounds=rounds)
    finally:
        done.set()
        reader.join(timeout=60)
        follower.close()
    assert failures == []
    everything = _check_final_state(postgres_url, threads + processes, rounds)
    positions = [s.position for s in seen]
    assert positions == sorted(set(positions))
    assert [(s.position, s.partnership_id, s.version) for s in seen] == [
        (s.position, s.partnership_id, s.version) for s in everything
    ]


def test_readers_are_not_blocked_while_a_writer_holds_the_lock(
    postgres_url: str,
) -> None:
    with PostgresStore.from_url(postgres_url, CLINIC) as store:
        start_partnership(store, formed("p-1"), team())
    with psycopg.connect(postgres_url) as locker:
        locker.execute("LOCK TABLE alliance_events IN EXCLUSIVE MODE")  # as an append does
        with PostgresStore.from_url(postgres_url, CLINIC) as reader:
            started = time.monotonic()
            assert len(reader.load("p-1")) == 3
            assert len(reader.read_all()) == 3
            assert [s.version for s in reader.find_partnerships()] == [3]
            assert time.monotonic() - started < 2
        locker.rollback()


# --- (c) connections ended under the store -------------------------------------------


def _backends(admin: psycopg.Connection[Any], condition: str = "TRUE") -> list[int]:
    rows = admin.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        f"AND pid <> pg_backend_pid() AND {condition}"
    ).fetchall()
    return [int(row[0]) for row in rows]


def _terminate(admin: psycopg.Connection[Any], pids: list[int]) -> None:
    for pid in pids:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    deadline = time.monotonic() + 10
    while set(pids) & set(_backends(admin)):
        assert time.monotonic() < deadline, "the backends did not end"
        time.sleep(0.02)


def _wait_for(admin: psycopg.Connection[Any], condition: str) -> list[int]:
    deadline = time.monotonic() + 10
    while not (pids := _backends(admin, condition)):
        assert time.monotonic() < deadline, f"no backend with {condition}"
        time.sleep(0.02)
    return pids


def test_connections_ended_between_calls_are_replaced_transparently(
    postgres_url: str, admin: psycopg.Connection[Any]
) -> None:
    with PostgresStore.from_url(postgres_url, CLINIC) as store:
        start_partnership(store, formed("p-1"), team())
        pids = _backends(admin)
        assert pids  # the pool's idle connection
        _terminate(admin, pids)

        started = time.monotonic()
        assert len(store.load("p-1")) == 3  # the dead connection is noticed and replaced
        assert time.monotonic() - started < 5
        (stored,) = store.append("p-1", [concern(1)], expected_version=3)
        assert stored.position == 4
        assert not set(pids) & set(_backends(admin))


def test_a_connection_ended_mid_append_writes_nothing_and_the_store_recovers(
    postgres_url: str, admin: psycopg.Connection[Any]
) -> None:
    with PostgresStore.from_url(postgres_url, CLINIC) as store:
        start_partnership(store, formed("p-1"), team())
        before = store.read_all()
        outcome: list[BaseException | tuple[StoredEvent, ...]] = []

        def append() -> None:
            try:
                outcome.append(store.append("p-1", [concern(1), concern(2)], expected_version=3))
            except BaseException as exc:
                outcome.append(exc)

        with psycopg.connect(postgres_url) as locker:
            # Hold the partnership's index row: the append inserts its events, then
            # waits here to update the row, mid-transaction.
            locker.execute(
                "SELECT 1 FROM alliance_partnerships WHERE partnership_id = 'p-1' FOR UPDATE"
            )
            writer = threading.Thread(target=append)
            writer.start()
            _terminate(admin, _wait_for(admin, "wait_event_type = 'Lock'"))
            writer.join(timeout=10)
            locker.rollback()

        (error,) = outcome
        assert isinstance(error, StoreError), error
        assert error.url == postgres_url
        assert "connection to the server was lost" in error.reason
        assert "nothing was written" in error.reason
        # Nothing of the half-done append is left, and the store works again.
        assert store.read_all() == before
        assert [s.version for s in store.find_partnerships()] == [3]
        stored = store.append("p-1", [concern(3)], expected_version=3)
        assert [(s.position, s.version) for s in stored] == [(4, 4)]


def test_a_call_that_finds_no_free_connection_fails_clearly(
    postgres_url: str, admin: psycopg.Connection[Any]
) -> None:
    with PostgresStore.from_url(postgres_url, CLINIC, max_size=1, timeout=0.5) as store:
        start_partnership(store, formed("p-1"), team())
        outcome: list[object] = []
        with psycopg.connect(postgres_url) as locker:
            locker.execute("LOCK TABLE alliance_events IN EXCLUSIVE MODE")
            # This append holds the only connection while it waits for the lock.
            writer = threading.Thread(
                target=lambda: outcome.append(store.append("p-1", [concern(1)], expected_version=3))
            )
            writer.start()
            _wait_for(admin, "wait_event_type = 'Lock'")
            with pytest.raises(StoreError) as info:
                store.load("p-1")
            locker.rollback()
            writer.join(timeout=10)
        assert "no database connection became free within 0.5 s" in info.value.reason
        assert len(outcome) == 1
        assert len(store.load("p-1")) == 4


# --- (d) an unreachable server -------------------------------------------------------


def test_an_unreachable_server_fails_fast_naming_the_masked_url() -> None:
    secret = "s3cret-Pa55word"
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://alice:{secret}@127.0.0.1:{port}/clinic"
    started = time.monotonic()
    with pytest.raises(StoreError) as info:
        open_store(url, clinic_id=CLINIC)
    assert time.monotonic() - started < 10
    masked = f"postgresql://alice:***@127.0.0.1:{port}/clinic"
    assert info.value.url == masked
    assert str(info.value).startswith(masked + ": cannot connect to the server")
    assert "refused" in info.value.reason
    # The password appears nowhere, the chained psycopg error included.
    text = "".join(traceback.format_exception(info.value))
    assert secret not in text
    assert secret not in repr(info.value)


# --- (e) a database from a newer alliance --------------------------------------------


def _snapshot(admin: psycopg.Connection[Any]) -> object:
    tables = admin.execute(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'alliance%' ORDER BY 1"
    ).fetchall()
    contents = {
        table: admin.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        for (table,) in tables
    }
    return tables, contents


def test_a_database_from_a_newer_alliance_is_refused_untouched(
    postgres_url: str, admin: psycopg.Connection[Any]
) -> None:
    with PostgresStore.from_url(postgres_url, CLINIC) as store:
        start_partnership(store, formed("p-1"), team())
    newer = str(_common.SCHEMA_VERSION + 1)
    admin.execute("UPDATE alliance_meta SET value = %s WHERE key = 'schema_version'", (newer,))
    before = _snapshot(admin)
    with pytest.raises(StoreError) as info:
        open_store(postgres_url, clinic_id=CLINIC)
    assert "newer alliance" in info.value.reason
    assert f"schema version {newer}" in info.value.reason
    assert _snapshot(admin) == before


def test_a_fresh_database_marked_newer_gets_no_tables(
    postgres_url: str, admin: psycopg.Connection[Any]
) -> None:
    admin.execute("CREATE TABLE alliance_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    admin.execute("INSERT INTO alliance_meta VALUES ('schema_version', '99')")
    with pytest.raises(StoreError, match="newer alliance"):
        PostgresStore.from_url(postgres_url, CLINIC)
    assert admin.execute("SELECT to_regclass('alliance_events')").fetchone() == (None,)
    assert admin.execute("SELECT * FROM alliance_meta").fetchall() == [("schema_version", "99")]


# --- (f) a corrupted row ---------------------------------------------------------------


def test_a_corrupted_payload_names_its_event_and_spares_the_others(
    postgres_url: str, admin: psycopg.Connection[Any]
) -> None:
    with PostgresStore.from_url(postgres_url, CLINIC) as store:
        start_partnership(store, formed("p-1"), team())
        start_partnership(store, formed("p-2"), team())
        ((payload,),) = admin.execute(
            "SELECT payload FROM alliance_events WHERE partnership_id = 'p-1' AND version = 2"
        ).fetchall()
        data = json.loads(payload)
        assert data["type"] == "ProfessionalJoined"
        data["discipline"] = "astrology"
        admin.execute(
            "UPDATE alliance_events SET payload = %s WHERE partnership_id = 'p-1' AND version = 2",
            (json.dumps(data),),
        )
        admin.execute(
            "UPDATE alliance_events SET payload = '{not json' "
            "WHERE partnership_id = 'p-1' AND version = 3"
        )

        with pytest.raises(CorruptEventError) as info:
            store.load("p-1")
        assert (info.value.partnership_id, info.value.version) == ("p-1", 2)
        assert any("@ $.discipline" in problem for problem in info.value.problems)
        with pytest.raises(CorruptEventError) as info:
            store.load("p-1", up_to_version=3)
        assert info.value.version == 2
        assert [s.version for s in store.load("p-1", up_to_version=1)] == [1]

        admin.execute(
            "UPDATE alliance_events SET payload = %s WHERE partnership_id = 'p-1' AND version = 2",
            (payload,),
        )
        with pytest.raises(CorruptEventError) as info:
            store.load("p-1")
        assert info.value.version == 3
        assert any(problem.endswith("@ $") for problem in info.value.problems)

        assert load_partnership(store, "p-2").version == 3
        assert [s.version for s in store.find_partnerships()] == [3, 3]
