"""The read audit sees every read path (issue 16).

``AuditedStore(store, on_read)`` must call its hook before every read, and a hook that
raises must stop the read. The public read functions are enumerated: every public method
of the store protocols and of the built-in stores is classified here as a read, a write
or an attribute (so a new one fails :func:`test_every_public_store_member_is_classified`
until it is), and every public report taking a store is listed (so a new report fails
:func:`test_every_report_taking_a_store_is_covered`). Each read is then called through the
wrapper on memory, SQLite and PostgreSQL, with a hook that records and one that refuses.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import alliance as al
from alliance import reports
from alliance.demo import sample_partnership
from alliance.storage import interface
from alliance.storage.integrity import AuditedStore, ReadAccess
from alliance.storage.memory import MemoryStore
from alliance.storage.postgres import PostgresStore
from alliance.storage.sqlite import SQLiteStore
from alliance.synthetic import synthetic_clinic
from protocol_only import read_model_only
from store_reads import REPORTS, STORE_READS

CLINIC = "riverside-clinic"
PARTNERSHIPS = 4


class DeniedError(Exception):
    """What the refusing hook raises."""


# --- what is a read: STORE_READS (tests/store_reads.py); the writes and the attributes --

# Methods that return no stored data: passed straight on, never audited.
WRITES = {"append", "save_snapshot", "delete_snapshots", "rebuild_read_model", "purge", "close"}
# Attributes that are not reads of stored data: the store's own settings, a constructor,
# and the wrapper's explicit, unaudited way to the wrapped store.
ATTRIBUTES = {
    "clinic_id",
    "url",
    "inner",
    "path",
    "mode",
    "placeholder",
    "float_type",
    "without_rowid",
    "from_url",
}


def _wrappers(cls: type) -> list[type]:
    """*cls* and every subclass of it (the wrappers of stores with a read model)."""
    return [cls, *(w for sub in cls.__subclasses__() for w in _wrappers(sub))]


STORE_TYPES: tuple[type, ...] = (
    interface.Store,
    interface.SnapshotStore,
    interface.ChainStore,
    interface.ReadModelStore,
    interface.ProgressFiguresStore,
    MemoryStore,
    SQLiteStore,
    PostgresStore,
    *_wrappers(AuditedStore),
)


def _public(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def test_every_public_store_member_is_classified() -> None:
    assert len(STORE_TYPES) == 11  # the five protocols, three stores, three wrappers
    members = set().union(*(_public(cls) for cls in STORE_TYPES))
    assert members - ATTRIBUTES - WRITES == set(STORE_READS), (
        "a public store member is neither a covered read, a write nor an attribute: "
        "audit it in AuditedStore and cover it here"
    )
    assert not set(STORE_READS) & WRITES
    assert not ATTRIBUTES & WRITES


def test_every_report_taking_a_store_is_covered() -> None:
    taking_a_store = {
        name
        for name in reports.__all__
        if inspect.isfunction(function := getattr(reports, name))
        and "store" in inspect.signature(function).parameters
    }
    assert taking_a_store == set(REPORTS)


# --- the backends ------------------------------------------------------------------------


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def inner(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[al.Store]:
    """A store holding a few partnerships, one with a snapshot."""
    if request.param == "memory":
        store: al.Store = MemoryStore(CLINIC)
    elif request.param == "sqlite":
        store = al.open_store(f"sqlite:///{tmp_path / 'clinic.db'}", clinic_id=CLINIC)
    else:
        store = al.open_store(request.getfixturevalue("postgres_url"), clinic_id=CLINIC)
    _fill(store)
    assert isinstance(store, al.storage.SnapshotStore)
    store.save_snapshot(al.load_partnership(store, _first(store)).state)
    yield store
    store.close()


def _fill(store: al.Store) -> None:
    """Synthetic partnerships (goals, observations, GAS) and the demo's (coaching too)."""
    for p in [
        *synthetic_clinic(seed=11, partnerships=PARTNERSHIPS - 1, clinic_id=CLINIC),
        sample_partnership(),
    ]:
        assert p.state.clinic_id == CLINIC
        store.append(p.state.partnership_id, p.events, expected_version=0)
    # and one more, closed and purged: its tombstone is read too
    sample = sample_partnership()
    events = [attrs.evolve(sample.events[0], partnership_id="p-purged"), *sample.events[1:]]
    closing = al.events.PartnershipStatusChanged(
        status=al.model.PartnershipStatus.CLOSED,
        actor="ana",
        occurred_at=sample.state.last_event_at,
    )
    store.append("p-purged", [*events, closing], expected_version=0)
    al.storage.purge_partnership(store, "p-purged", purged_by="ana", reason="retention ended")


def _first(store: al.Store) -> str:
    return store.find_partnerships()[0].partnership_id


class Log:
    """A hook that records each access with how many rows had been handed out then."""

    def __init__(self) -> None:
        self.accesses: list[tuple[ReadAccess, int]] = []
        self.rows: list[Any] = []

    def __call__(self, access: ReadAccess) -> None:
        self.accesses.append((access, len(self.rows)))

    def operations(self) -> set[str]:
        return {access.operation for access, _ in self.accesses}


def _deny(access: ReadAccess) -> None:
    raise DeniedError(f"{access.operation} of {access.partnership_id}")


def _rows(result: Any) -> Iterator[Any]:
    """A read's rows, one at a time (a single value counts as one row)."""
    if isinstance(result, list | tuple | Iterator):
        yield from result
    else:
        yield result


def _same(rows: list[Any]) -> list[Any]:
    """*rows* in a form that compares by value (``GoalFigures`` has slots, no ``==``)."""
    return [
        tuple(getattr(row, slot) for slot in row.__slots__)
        if isinstance(row, al.storage.GoalFigures)
        else row
        for row in rows
    ]


# --- every read of a store ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(STORE_READS))
def test_each_store_read_is_audited(inner: al.Store, name: str) -> None:
    call, names_partnership = STORE_READS[name]
    pid = _first(inner)
    log = Log()
    audited = AuditedStore(inner, log)
    if not hasattr(inner, name):  # a capability the wrapped store lacks: the wrapper too
        assert not hasattr(audited, name)
        return
    expected = list(_rows(call(inner, pid)))
    assert expected  # the read returns rows, so the audit has something to stop
    for row in _rows(call(audited, pid)):
        log.rows.append(row)
    assert _same(log.rows) == _same(expected)
    [(access, handed_out)] = log.accesses  # once per call, before any row
    assert handed_out == 0
    assert access.operation == name
    assert access.partnership_id == (pid if names_partnership else None)
    assert access.clinic_id == CLINIC

    got: list[Any] = []
    with pytest.raises(DeniedError, match=name):
        got.extend(_rows(call(AuditedStore(inner, _deny), pid)))
    assert got == []


# --- every report -------------------------------------------------------------------------


def _report_operations(store: al.Store, name: str) -> tuple[set[str], set[str]]:
    """The reads a report must be audited through, at least and at most: the read model's
    queries where the store has them (the fast path is kept), the folds' reads otherwise
    (a report that needs whole timelines loads no snapshot)."""
    if name == "progress_report" and isinstance(store, al.storage.ProgressFiguresStore):
        return {"report_partnerships", "progress_figures"}, set()
    if name in {"progress_report", "select_goals"} and isinstance(store, al.storage.ReadModelStore):
        return {"report_partnerships", "goal_facts"}, set()
    return {"find_partnerships", "load"}, {"load_snapshot"}


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_each_report_is_audited(inner: al.Store, name: str) -> None:
    report = REPORTS[name]
    expected = list(report(inner))
    assert expected, f"{name} gives no rows on this data"
    log = Log()
    for row in report(AuditedStore(inner, log)):
        log.rows.append(row)
    assert log.rows == expected
    assert log.accesses[0][1] == 0  # audited before the first row
    needed, allowed = _report_operations(inner, name)
    assert needed <= log.operations() <= needed | allowed

    got: list[Any] = []
    with pytest.raises(DeniedError):
        got.extend(report(AuditedStore(inner, _deny)))
    assert got == []


def test_a_read_model_query_over_many_partnerships_names_them_all(inner: al.Store) -> None:
    if not isinstance(inner, al.storage.ReadModelStore):
        pytest.skip("a store without a read model folds each partnership (one load each)")
    log = Log()
    list(reports.progress_report(AuditedStore(inner, log)))
    [query] = [a for a, _ in log.accesses if a.operation in {"progress_figures", "goal_facts"}]
    ids = tuple(s.partnership_id for s in inner.find_partnerships())
    assert len(ids) == PARTNERSHIPS
    assert (query.partnership_id, query.partnership_ids) == (None, ids)
    one = [a for a, _ in log.accesses if a.operation == "report_partnerships"]
    assert [(a.partnership_id, a.partnership_ids) for a in one] == [(None, ())]


def test_a_read_model_store_seen_through_its_protocol_is_audited(tmp_path: Path) -> None:
    """A vendor's store with a read model but no progress figures: reports take
    ``goal_facts`` through the wrapper, audited, and a denial stops them."""
    sql = SQLiteStore(tmp_path / "clinic.db", CLINIC)
    try:
        _fill(sql)
        vendor = read_model_only(sql)
        log = Log()
        audited = AuditedStore(vendor, log)
        assert isinstance(audited, al.storage.ReadModelStore)
        assert not hasattr(audited, "progress_figures")
        expected = list(reports.progress_report(vendor))
        assert list(reports.progress_report(audited)) == expected
        assert log.operations() == {"report_partnerships", "goal_facts"}
        with pytest.raises(DeniedError):
            list(reports.progress_report(AuditedStore(vendor, _deny)))
    finally:
        sql.close()
