"""Stored data that is too deeply nested to read gives the documented errors, on every
backend: ``MalformedDataError`` from :func:`alliance.loads`, ``CorruptEventError`` from a
stored payload (``load``, ``read_all``, ``rebuild_read_model``), and a snapshot nested
that deep is ignored, as an unreadable snapshot is. Never a bare ``RecursionError``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import alliance as al
from alliance.model.checks import MAX_COUNT, MAX_MAGNITUDE
from alliance.storage.memory import MemoryStore
from alliance.storage.sqlite import SQLiteStore
from team import at, build

DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 100_000 + "1" + "}" * 100_000


@pytest.mark.parametrize("text", [DEEP, DEEP_OBJECT, DEEP.encode()])
def test_loads_refuses_json_nested_too_deeply(text: str | bytes) -> None:
    for cls in (al.Event, al.PartnershipState, al.model.MeasurableTarget):
        with pytest.raises(al.MalformedDataError) as info:
            al.loads(text, cls)  # type: ignore[type-var]
        (problem,) = info.value.problems
        assert problem.startswith("not valid JSON: nested too deeply")
        assert problem.endswith("@ $")


def test_from_data_refuses_data_nested_too_deeply() -> None:
    data: Any = [1]
    for _ in range(100_000):
        data = [data]
    with pytest.raises(al.MalformedDataError):
        al.from_data({"type": "GoalAgreed", "goal_id": data}, al.Event)


# --- stored payloads and snapshots on every backend ----------------------------------------

Execute = Callable[[str, tuple[Any, ...]], None]


@pytest.fixture(params=["sqlite", "postgresql"])
def store_and_sql(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[al.Store, Execute]]:
    """A SQL store holding the team's partnership p-1, and a way to edit its rows."""
    if request.param == "sqlite":
        path = tmp_path / "clinic.db"
        store: Any = SQLiteStore(path, "c-1")
        conn = sqlite3.connect(path, isolation_level=None)

        def execute(sql: str, params: tuple[Any, ...]) -> None:
            conn.execute(sql, params)

        yield _filled(store), execute
        conn.close()
        store.close()
    else:
        url: str = request.getfixturevalue("postgres_url")
        import psycopg  # noqa: PLC0415

        from alliance.storage.postgres import PostgresStore  # noqa: PLC0415

        store = PostgresStore(url, "c-1")
        pg = psycopg.connect(url, autocommit=True)

        def execute_pg(sql: str, params: tuple[Any, ...]) -> None:
            pg.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]

        yield _filled(store), execute_pg
        pg.close()
        store.close()


def _filled(store: Any) -> Any:
    store.append("p-1", build().events, expected_version=0)
    return store


def test_a_stored_payload_nested_too_deeply_is_a_corrupt_event(
    store_and_sql: tuple[al.Store, Execute],
) -> None:
    store, execute = store_and_sql
    execute(
        "UPDATE alliance_events SET payload = ? WHERE partnership_id = 'p-1' AND version = ?",
        (DEEP, 3),
    )
    reads: list[Callable[[], object]] = [
        lambda: store.load("p-1"),
        lambda: al.storage.load_partnership(store, "p-1", use_snapshot=False),
        store.read_all,
        lambda: al.storage.rebuild_read_model(store),
    ]
    for read in reads:
        with pytest.raises(al.CorruptEventError) as info:
            read()
        assert (info.value.partnership_id, info.value.version) == ("p-1", 3)
        assert info.value.problems[0].startswith("not valid JSON: nested too deeply")
    assert len(store.load("p-1", up_to_version=2)) == 2


def test_a_snapshot_nested_too_deeply_is_ignored(
    store_and_sql: tuple[al.Store, Execute],
) -> None:
    store, execute = store_and_sql
    expected = al.storage.load_partnership(store, "p-1", use_snapshot=False).state
    store.save_snapshot(expected)  # type: ignore[attr-defined]
    for payload in (DEEP, '{"format":5,"state":' + DEEP + "}"):
        execute(
            "UPDATE alliance_snapshots SET payload = ? WHERE partnership_id = 'p-1'", (payload,)
        )
        assert store.load_snapshot("p-1") is None  # type: ignore[attr-defined]
        assert al.storage.load_partnership(store, "p-1").state == expected


def test_a_memory_snapshot_nested_too_deeply_is_ignored() -> None:
    store = _filled(MemoryStore("c-1"))
    expected = al.storage.load_partnership(store, "p-1", use_snapshot=False).state
    store.save_snapshot(expected)
    store._shared.snapshots[("c-1", "p-1")] = (expected.version, DEEP)
    assert store.load_snapshot("p-1") is None
    assert al.storage.load_partnership(store, "p-1").state == expected


# --- text every backend keeps alike ---------------------------------------------------------

UNUSUAL_TEXTS = ("tab\there", "\x01\x1f\x7f", "\u2028\ufeff\uffff", "\U0001f600 \U0010ffff")


def _feedback(version: int, message: str) -> al.Event:
    return al.events.FeedbackGiven(
        feedback_id=f"f-{version}",
        kind=al.model.FeedbackKind.PROGRESS_UPDATE,
        message=message,
        actor="ana",
        occurred_at=at(40 + version),
    )


def test_unusual_text_the_model_accepts_is_kept_alike(
    store_and_sql: tuple[al.Store, Execute],
) -> None:
    store, _ = store_and_sql
    version = len(store.load("p-1"))
    batch = [_feedback(version + i, text) for i, text in enumerate(UNUSUAL_TEXTS)]
    store.append("p-1", batch, expected_version=version)
    stored = [s.event for s in store.load("p-1", after_version=version)]
    assert stored == batch
    assert [e.message for e in stored] == list(UNUSUAL_TEXTS)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("escape", "shown"), [("\\u0000", "NUL"), ("\\ud800", "surrogate")])
def test_a_stored_nul_or_lone_surrogate_is_a_corrupt_event(
    store_and_sql: tuple[al.Store, Execute], escape: str, shown: str
) -> None:
    """Text that an earlier alliance let through (SQLite kept a NUL) is reported, never
    read back as it is."""
    store, execute = store_and_sql
    version = len(store.load("p-1"))
    store.append("p-1", [_feedback(version, "placeholder")], expected_version=version)
    (stored,) = store.load("p-1", after_version=version)
    payload = al.dumps(stored.event).replace("placeholder", "a" + escape + "b")
    execute(
        "UPDATE alliance_events SET payload = ? WHERE partnership_id = 'p-1' AND version = ?",
        (payload, version + 1),
    )
    with pytest.raises(al.CorruptEventError) as info:
        store.load("p-1")
    assert info.value.version == version + 1
    (problem,) = info.value.problems
    assert problem.startswith("message: must not contain")
    assert shown in problem


# --- numbers at the bounds every backend keeps alike ---------------------------------------


def test_numbers_at_the_bounds_are_kept_alike_and_reported(
    store_and_sql: tuple[al.Store, Execute],
) -> None:
    store, _ = store_and_sql
    version = len(store.load("p-1"))
    batch = [
        al.events.ProgressRecorded(
            goal_id="g1",
            setting=al.model.Setting.HOME,
            kind=al.model.ObservationKind.EVERYDAY,
            value=value,
            trials=MAX_COUNT,
            actor="maria",
            occurred_at=at(40 + i),
        )
        for i, value in enumerate((MAX_MAGNITUDE, -MAX_MAGNITUDE, 10**15))
    ]
    store.append("p-1", batch, expected_version=version)
    assert [s.event for s in store.load("p-1", after_version=version)] == batch
    before = list(al.reports.progress_report(store))
    al.storage.rebuild_read_model(store)
    assert list(al.reports.progress_report(store)) == before
    assert before
