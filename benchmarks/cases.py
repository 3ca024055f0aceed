"""The measurements, each run by ``run.py`` in a fresh subprocess (a "worker").

A worker gets its parameters as JSON, does its work, and prints one JSON object: the
timed seconds, how many events, a checksum of what it stored or produced (so the harness
can check that every system was measured on the same data), and its memory: the peak
resident set size of the process (``ru_maxrss``) before the timed work and at its end.

Only the operation under test is timed: building the events (and, for baselines, their
serialized rows) happens outside the timer, partnership by partnership, so that nothing
grows with the number of partnerships except what the system under test keeps.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import resource
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import workload

import alliance as al
from alliance.model import _time
from alliance.storage import SQLiteStore, _common

Result = dict[str, Any]
CASES: dict[str, Callable[[dict[str, Any]], Result]] = {}

_INSERT = (
    "INSERT INTO alliance_events (position, clinic_id, partnership_id, version, "
    "event_type, schema_version, occurred_at_us, recorded_at_us, payload) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_COLUMNS = (
    "position, clinic_id, partnership_id, version, event_type, schema_version, "
    "occurred_at_us, recorded_at_us, payload"
)


def case(name: str) -> Callable[[Callable[[dict[str, Any]], Result]], Callable[..., Result]]:
    def register(fn: Callable[[dict[str, Any]], Result]) -> Callable[..., Result]:
        CASES[name] = fn
        return fn

    return register


def peak_rss_kib() -> int:
    """The process's peak resident set size so far, in KiB (Linux reports KiB)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


class Timer:
    """Adds up the time spent inside ``with timer:`` blocks."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.seconds += time.perf_counter() - self._start


def result(timer_seconds: float, events: int, base_kib: int, checksum: str, **extra: Any) -> Result:
    return {
        "seconds": timer_seconds,
        "events": events,
        "rss_base_kib": base_kib,
        "rss_peak_kib": peak_rss_kib(),
        "checksum": checksum,
        **extra,
    }


# --- the append workload ---------------------------------------------------------------


def partnerships(params: dict[str, Any]) -> Iterator[tuple[str, list[al.Event]]]:
    """Each partnership's id and events, built one partnership at a time: partnerships
    ``first`` to ``first + partnerships - 1`` (the harness splits a run into rounds)."""
    first = params.get("first", 0)
    for number in range(first, first + params["partnerships"]):
        yield workload.partnership_id(number), workload.timeline(number, params["per"])


def batches(events: Sequence[Any], size: int) -> Iterator[tuple[int, Sequence[Any]]]:
    """(events before the batch, the batch) for consecutive batches of *size*."""
    for start in range(0, len(events), size):
        yield start, events[start : start + size]


def row_source(params: dict[str, Any]) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """The rows the library would store, partnership by partnership: the raw baselines
    insert exactly these (the payload is the library's own JSON of the event)."""
    position = params.get("first", 0) * params["per"]  # every timeline has `per` events
    recorded_us = _time.to_micros(_common.now_utc())
    for pid, events in partnerships(params):
        rows = []
        for version, event in enumerate(events, start=1):
            position += 1
            rows.append(
                (
                    position,
                    workload.CLINIC_ID,
                    pid,
                    version,
                    type(event).type_name,
                    type(event).schema_version,
                    _time.to_micros(event.occurred_at),
                    recorded_us,
                    _common.encode(event),
                )
            )
        yield pid, rows


def payload_checksum(payloads: Iterator[str | bytes], *, wanted: bool = True) -> str:
    """A digest of every payload in order ("" when not *wanted*: a round before the last)."""
    if not wanted:
        return ""
    digest = hashlib.sha256()
    for payload in payloads:
        digest.update(payload.encode() if isinstance(payload, str) else bytes(payload))
        digest.update(b"\n")
    return digest.hexdigest()


def sqlite_payloads(path: str, sql: str) -> Iterator[str]:
    conn = sqlite3.connect(path)
    try:
        for (payload,) in conn.execute(sql):
            yield payload
    finally:
        conn.close()


def sqlite_connection(path: str) -> sqlite3.Connection:
    """A raw connection at the library's durability settings: WAL, synchronous=FULL."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    assert conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    conn.execute("PRAGMA synchronous = FULL")
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    return conn


@case("append.sqlite.alliance")
def append_sqlite_alliance(params: dict[str, Any]) -> Result:
    path = params["path"]
    store = SQLiteStore(path, workload.CLINIC_ID)
    timer, events = Timer(), 0
    base = peak_rss_kib()
    for pid, timeline in partnerships(params):
        for before, batch in batches(timeline, params["batch"]):
            with timer:
                store.append(pid, batch, expected_version=before)
        events += len(timeline)
    store.close()
    peak = peak_rss_kib()
    checksum = payload_checksum(
        sqlite_payloads(path, "SELECT payload FROM alliance_events ORDER BY position"),
        wanted=params.get("checksum", True),
    )
    return result(timer.seconds, events, base, checksum, rss_peak_kib=peak)


@case("append.sqlite.raw")
def append_sqlite_raw(params: dict[str, Any]) -> Result:
    path = params["path"]
    SQLiteStore(path, workload.CLINIC_ID).close()  # the library's schema, no rows
    conn = sqlite_connection(path)
    timer, events = Timer(), 0
    base = peak_rss_kib()
    for _pid, rows in row_source(params):
        for _before, batch in batches(rows, params["batch"]):
            with timer:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(_INSERT, batch)
                conn.execute("COMMIT")
        events += len(rows)
    conn.close()
    peak = peak_rss_kib()
    checksum = payload_checksum(
        sqlite_payloads(path, "SELECT payload FROM alliance_events ORDER BY position"),
        wanted=params.get("checksum", True),
    )
    return result(timer.seconds, events, base, checksum, rss_peak_kib=peak)


@case("append.sqlite.eventsourcing")
def append_sqlite_eventsourcing(params: dict[str, Any]) -> Result:
    from eventsourcing.persistence import StoredEvent  # noqa: PLC0415
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore  # noqa: PLC0415

    path = params["path"]
    datastore = SQLiteDatastore(path, originator_id_type="text")
    pool = datastore.pool
    create = pool._create_connection

    def create_durable() -> Any:  # the same durability as the library: synchronous=FULL
        connection = create()
        raw = connection._sqlite_conn
        raw.execute("PRAGMA synchronous = FULL")
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        return connection

    pool._create_connection = create_durable  # type: ignore[method-assign]
    recorder = SQLiteApplicationRecorder(datastore)
    recorder.create_table()
    timer, events = Timer(), 0
    base = peak_rss_kib()
    for pid, rows in row_source(params):
        stored = [
            StoredEvent(
                originator_id=pid,
                originator_version=row[3],
                topic=row[4],
                state=row[8].encode(),
            )
            for row in rows
        ]
        for _before, batch in batches(stored, params["batch"]):
            with timer:
                recorder.insert_events(batch)
        events += len(rows)
    datastore.close()
    peak = peak_rss_kib()
    checksum = payload_checksum(
        sqlite_payloads(path, "SELECT state FROM stored_events ORDER BY rowid"),
        wanted=params.get("checksum", True),
    )
    return result(timer.seconds, events, base, checksum, rss_peak_kib=peak)


# --- PostgreSQL append ------------------------------------------------------------------


def pg_payloads(url: str) -> Iterator[str]:
    import psycopg  # noqa: PLC0415

    with (
        psycopg.connect(url) as conn,
        conn.cursor(name="payloads") as cursor,
    ):
        cursor.execute("SELECT payload FROM alliance_events ORDER BY position")
        for (payload,) in cursor:
            yield payload


@case("append.postgres.alliance")
def append_postgres_alliance(params: dict[str, Any]) -> Result:
    from alliance.storage.postgres import PostgresStore  # noqa: PLC0415

    store = PostgresStore(params["url"], workload.CLINIC_ID, max_size=1)
    timer, events = Timer(), 0
    base = peak_rss_kib()
    for pid, timeline in partnerships(params):
        for before, batch in batches(timeline, params["batch"]):
            with timer:
                store.append(pid, batch, expected_version=before)
        events += len(timeline)
    store.close()
    peak = peak_rss_kib()
    return result(
        timer.seconds,
        events,
        base,
        payload_checksum(pg_payloads(params["url"]), wanted=params.get("checksum", True)),
        rss_peak_kib=peak,
    )


@case("append.postgres.raw")
def append_postgres_raw(params: dict[str, Any]) -> Result:
    import psycopg  # noqa: PLC0415

    from alliance.storage.postgres import PostgresStore  # noqa: PLC0415

    PostgresStore(params["url"], workload.CLINIC_ID).close()  # the library's schema
    insert = _INSERT.replace("?", "%s")
    copy = params.get("copy", False)
    timer, events = Timer(), 0
    with psycopg.connect(params["url"], autocommit=True) as conn:
        base = peak_rss_kib()
        for _pid, rows in row_source(params):
            for _before, batch in batches(rows, params["batch"]):
                with timer, conn.transaction(), conn.cursor() as cursor:
                    if copy:
                        with cursor.copy(f"COPY alliance_events ({_COLUMNS}) FROM STDIN") as out:
                            for row in batch:
                                out.write_row(row)
                    elif len(batch) == 1:
                        cursor.execute(insert, batch[0])
                    else:
                        cursor.executemany(insert, batch)
            events += len(rows)
    peak = peak_rss_kib()
    return result(
        timer.seconds,
        events,
        base,
        payload_checksum(pg_payloads(params["url"]), wanted=params.get("checksum", True)),
        rss_peak_kib=peak,
    )


# --- load and fold one long partnership ---------------------------------------------------


def _open(params: dict[str, Any]) -> Any:
    if params["backend"] == "sqlite":
        return SQLiteStore(params["path"], workload.CLINIC_ID)
    from alliance.storage.postgres import PostgresStore  # noqa: PLC0415

    return PostgresStore(params["url"], workload.CLINIC_ID, max_size=1)


@case("load.prepare")
def load_prepare(params: dict[str, Any]) -> Result:
    """Store one partnership of ``events`` events and a snapshot ``tail`` events before
    its end (a snapshot saved every 1,000 events leaves 500 after it on average)."""
    store = _open(params)
    number, length, tail = 0, params["events"], params["tail"]
    pid = workload.partnership_id(number)
    timeline = workload.timeline(number, length)
    for before, batch in batches(timeline, 1000):
        store.append(pid, batch, expected_version=before)
    store.save_snapshot(al.Partnership.from_events(timeline[: length - tail]).state)
    store.close()
    return result(0.0, length, 0, "")


@contextlib.contextmanager
def _cursor(params: dict[str, Any]) -> Iterator[Any]:
    """A raw cursor-like object with ``execute(sql, params)`` on the same database."""
    if params["backend"] == "sqlite":
        conn = sqlite_connection(params["path"])
        try:
            yield conn
        finally:
            conn.close()
        return
    import psycopg  # noqa: PLC0415

    with psycopg.connect(params["url"], autocommit=True) as conn:
        yield conn


def _sql(params: dict[str, Any], text: str) -> str:
    return text if params["backend"] == "sqlite" else text.replace("?", "%s")


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The shortest of *repeat* timed calls of *fn*, and the last call's result."""
    best, value = float("inf"), None
    for _ in range(max(1, repeat)):
        value = None  # keep one result alive at a time, as a caller would
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


@case("load.alliance")
def load_alliance(params: dict[str, Any]) -> Result:
    store = _open(params)
    pid = workload.partnership_id(0)
    use_snapshot = params["snapshot"]
    base = peak_rss_kib()
    seconds, partnership = best_of(
        params["repeat"], lambda: al.load_partnership(store, pid, use_snapshot=use_snapshot)
    )
    assert partnership.version == params["events"], partnership.version
    expected_new = params["tail"] if use_snapshot else params["events"]
    assert len(partnership.events_since(partnership.version - expected_new)) == expected_new
    store.close()
    return result(seconds, params["events"], base, str(len(partnership.state.observations)))


@case("load.raw")
def load_raw(params: dict[str, Any]) -> Result:
    """The raw floor: fetch the stored payloads (and snapshot) and ``json.loads`` them."""
    pid = workload.partnership_id(0)
    key = (workload.CLINIC_ID, pid)
    with _cursor(params) as conn:
        events_sql = _sql(
            params,
            "SELECT payload FROM alliance_events WHERE clinic_id = ? AND partnership_id = ? "
            "AND version > ? ORDER BY version",
        )
        snapshot_sql = _sql(
            params,
            "SELECT version, payload FROM alliance_snapshots "
            "WHERE clinic_id = ? AND partnership_id = ?",
        )

        def load() -> tuple[Any, list[Any]]:
            after, snapshot = 0, None
            if params["snapshot"]:
                after, text = conn.execute(snapshot_sql, key).fetchone()
                snapshot = json.loads(text)
            rows = conn.execute(events_sql, (*key, after)).fetchall()
            return snapshot, [json.loads(payload) for (payload,) in rows]

        base = peak_rss_kib()
        seconds, (snapshot, datas) = best_of(params["repeat"], load)
    expected_new = params["tail"] if params["snapshot"] else params["events"]
    assert len(datas) == expected_new, len(datas)
    observations = (len(snapshot["state"]["observations"]) if snapshot else 0) + sum(
        1 for d in datas if d["type"] == "ProgressRecorded"
    )
    return result(seconds, params["events"], base, str(observations))


# --- serialization ------------------------------------------------------------------------


def serialization_events(params: dict[str, Any]) -> list[al.Event]:
    per = params["per"]
    count = params["events"]
    events: list[al.Event] = []
    number = 0
    while len(events) < count:
        events.extend(workload.timeline(number, min(per, max(count - len(events), 9))))
        number += 1
    return events[:count]


@case("serialize.alliance")
def serialize_alliance(params: dict[str, Any]) -> Result:
    events = serialization_events(params)
    texts = [al.dumps(e) for e in events]
    datas = [al.to_data(e) for e in events]
    gc.collect()
    gc.freeze()  # the inputs: the collector need not scan them while the work is timed
    base = peak_rss_kib()
    repeat = params["repeat"]
    timings = {
        "to_data": best_of(repeat, lambda: [al.to_data(e) for e in events])[0],
        "dumps": best_of(repeat, lambda: [al.dumps(e) for e in events])[0],
        "from_data": best_of(repeat, lambda: [al.from_data(d, al.Event) for d in datas])[0],
        "loads": best_of(repeat, lambda: [al.loads(t, al.Event) for t in texts])[0],
    }
    assert [al.loads(t, al.Event) for t in texts[:1000]] == events[:1000]
    return result(0.0, len(events), base, payload_checksum(iter(texts)), timings=timings)


@case("serialize.msgspec")
def serialize_msgspec(params: dict[str, Any]) -> Result:
    import msgspec  # noqa: PLC0415
    import msgspec_shapes  # noqa: PLC0415

    msgspec_shapes.check_shapes()
    events = serialization_events(params)
    # The same input as the library's: its JSON text and its JSON-ready data. Decoding the
    # library's JSON with the Structs also proves that the shapes match.
    texts = [al.dumps(e) for e in events]
    raw = [t.encode() for t in texts]
    datas = [al.to_data(e) for e in events]
    del events
    union = msgspec_shapes.AnyEvent
    decoder = msgspec.json.Decoder(union)
    encoder = msgspec.json.Encoder()
    structs = [decoder.decode(t) for t in raw]
    assert [msgspec.convert(d, union) for d in datas[:1000]] == structs[:1000]
    gc.collect()
    gc.freeze()  # the inputs: the collector need not scan them while the work is timed
    base = peak_rss_kib()
    repeat = params["repeat"]
    timings = {
        "to_data": best_of(repeat, lambda: [msgspec.to_builtins(s) for s in structs])[0],
        "dumps": best_of(repeat, lambda: [encoder.encode(s) for s in structs])[0],
        "from_data": best_of(repeat, lambda: [msgspec.convert(d, union) for d in datas])[0],
        "loads": best_of(repeat, lambda: [decoder.decode(t) for t in raw])[0],
    }
    assert [decoder.decode(encoder.encode(s)) for s in structs[:1000]] == structs[:1000]
    return result(0.0, len(structs), base, payload_checksum(iter(texts)), timings=timings)


def run_worker(name: str, params: dict[str, Any]) -> Result:
    """Run one case in this process and return its result."""
    Path(params.get("path", ".")).parent.mkdir(parents=True, exist_ok=True)
    return CASES[name](params)
