"""``rebuild_read_model`` rebuilds the partnership index too (issue 16).

The index behind ``find_partnerships`` (``alliance_partnerships.status`` and
``version``, ``alliance_members.is_current``) is written with the events; edited by
hand, it gives wrong answers until it is rebuilt from the timelines, on SQLite and
PostgreSQL alike, in one transaction (a rebuild that meets an unreadable event changes
nothing).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import alliance as al
from alliance.model.partnership import PartnershipStatus
from alliance.synthetic import synthetic_clinic

CLINIC = "riverside-clinic"
Execute = Callable[[str, tuple[Any, ...]], list[Any]]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[al.Store, Execute]]:
    """A SQL store and a way to run raw SQL (``?`` placeholders) on its database."""
    if request.param == "sqlite":
        path = tmp_path / "clinic.db"
        store = al.open_store(f"sqlite:///{path}", clinic_id=CLINIC)
        conn = sqlite3.connect(path, isolation_level=None)

        def execute(sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

        yield store, execute
        conn.close()
    else:
        import psycopg  # noqa: PLC0415

        url = request.getfixturevalue("postgres_url")
        store = al.open_store(url, clinic_id=CLINIC)
        pg = psycopg.connect(url, autocommit=True)

        def execute(sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
            cursor = pg.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []

        yield store, execute
        pg.close()
    store.close()


def _fill(*stores: al.Store) -> None:
    for p in synthetic_clinic(seed=11, partnerships=6, clinic_id=CLINIC):
        for store in stores:
            store.append(p.state.partnership_id, p.events, expected_version=0)


def _answers(store: al.Store, members: list[str]) -> dict[str, Any]:
    """Everything ``find_partnerships`` says, by member and by status."""
    answers: dict[str, Any] = {"all": store.find_partnerships()}
    for member_id in members:
        answers[f"member {member_id}"] = store.find_partnerships(member_id=member_id)
    for status in PartnershipStatus:
        answers[f"status {status.value}"] = store.find_partnerships(status=status)
    return answers


def _tamper(execute: Execute) -> tuple[str, str]:
    """Edit the index as an attacker or a bad restore would; returns the partnership whose
    status was changed and the member no longer current."""
    pid, status = execute(
        "SELECT partnership_id, status FROM alliance_partnerships WHERE clinic_id = ? "
        "ORDER BY partnership_id",
        (CLINIC,),
    )[0]
    other = "closed" if status != "closed" else "active"
    execute(
        "UPDATE alliance_partnerships SET status = ? WHERE clinic_id = ? AND partnership_id = ?",
        (other, CLINIC, pid),
    )
    member_id, member_pid = execute(
        "SELECT member_id, partnership_id FROM alliance_members "
        "WHERE clinic_id = ? AND is_current = 1 ORDER BY partnership_id DESC, member_id",
        (CLINIC,),
    )[0]
    execute(
        "UPDATE alliance_members SET is_current = 0 "
        "WHERE clinic_id = ? AND partnership_id = ? AND member_id = ?",
        (CLINIC, member_pid, member_id),
    )
    execute(
        "UPDATE alliance_partnerships SET version = version - 1 "
        "WHERE clinic_id = ? AND partnership_id = ?",
        (CLINIC, member_pid),
    )
    return pid, member_id


def test_rebuild_read_model_repairs_the_partnership_index(
    backend: tuple[al.Store, Execute],
) -> None:
    store, execute = backend
    truth = al.open_store("memory://", clinic_id=CLINIC)  # the fold of the same timelines
    _fill(store, truth)
    members = sorted({m for s in truth.find_partnerships() for m in s.members})
    expected = _answers(truth, members)
    assert _answers(store, members) == expected

    pid, member_id = _tamper(execute)
    tampered = _answers(store, members)
    assert tampered["all"] != expected["all"]  # a status, a member and a version wrong
    assert tampered[f"member {member_id}"] != expected[f"member {member_id}"]
    wrong_status = next(s for s in tampered["all"] if s.partnership_id == pid).status
    assert tampered[f"status {wrong_status.value}"] != expected[f"status {wrong_status.value}"]
    late = next(s for s in truth.find_partnerships() if member_id in s.members).partnership_id
    with pytest.raises(al.ConcurrencyError):  # the lowered version blocks every update
        al.update(store, late, _note_nothing_new, attempts=1)

    al.storage.rebuild_read_model(store)

    assert _answers(store, members) == expected
    al.update(store, late, _note_nothing_new, attempts=1)  # updates work again
    assert al.verify_integrity(store).ok


def _note_nothing_new(p: al.Partnership) -> None:
    """Record one event that changes neither the index nor the read model."""
    p.record(
        al.events.SuccessCelebrated(
            description="Asked for help with words", actor=sorted(p.state.professionals)[0],
            occurred_at=p.state.last_event_at,
        )
    )  # fmt: skip


def test_a_rebuild_that_meets_an_unreadable_event_changes_nothing(
    backend: tuple[al.Store, Execute],
) -> None:
    store, execute = backend
    _fill(store)
    members = sorted({m for s in store.find_partnerships() for m in s.members})
    _tamper(execute)
    tampered = _answers(store, members)
    goals = execute("SELECT COUNT(*) FROM alliance_goals WHERE clinic_id = ?", (CLINIC,))
    # the last partnership's last joining event: read by the index's rebuild
    position, pid, version = execute(
        "SELECT position, partnership_id, version FROM alliance_events "
        "WHERE clinic_id = ? AND event_type = ? ORDER BY position DESC",
        (CLINIC, al.events.CarerJoined.type_name),
    )[0]
    execute("UPDATE alliance_events SET payload = ? WHERE position = ?", ("{not json", position))

    with pytest.raises(al.CorruptEventError) as raised:
        al.storage.rebuild_read_model(store)

    assert (raised.value.partnership_id, raised.value.version) == (pid, version)
    assert _answers(store, members) == tampered  # nothing half-written
    assert execute("SELECT COUNT(*) FROM alliance_goals WHERE clinic_id = ?", (CLINIC,)) == goals
