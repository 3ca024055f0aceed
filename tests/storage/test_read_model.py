"""The SQL read model of goals and observations agrees with the fold.

Reports on SQLite and PostgreSQL are computed from the read model (``alliance_goals``,
``alliance_observations``); on the memory store, by folding each timeline. For generated
histories, appended in random batches, every row must be identical, and stay so after the
read model is rebuilt from the events or built by the migration from schema version 2.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alliance as al
from alliance.reports import iter_states, render
from alliance.storage import _common
from alliance.storage.sqlite import SQLiteStore
from alliance.synthetic import synthetic_clinic
from alliance.testing.strategies import partnership_histories
from old_chain import as_format_1
from protocol_only import read_model_only

CLINIC = "riverside-clinic"
WINDOWS = (
    pendulum.duration(weeks=8),
    pendulum.duration(weeks=1),
    pendulum.duration(days=3),
    pendulum.duration(months=2),
)


def _outcome(rows: Callable[[], Iterator[Any]]) -> tuple[str, Any]:
    """The rows, or the type of the error the report raised (both paths must agree)."""
    try:
        found = list(rows())
    except (OverflowError, ValueError, ZeroDivisionError) as exc:
        return "error", type(exc)
    return "rows", (found, render.to_json(found))


@st.composite
def _periods(draw: st.DrawFn) -> al.reports.Period:
    days = st.dates(min_value=pendulum.date(1989, 1, 1), max_value=pendulum.date(2091, 12, 31))
    start, end = draw(st.none() | days), draw(st.none() | days)
    if start is not None and end is not None and end < start:
        start, end = end, start
    return al.reports.Period(start=start, end=end)


@st.composite
def _scenarios(draw: st.DrawFn) -> dict[str, Any]:
    events = draw(partnership_histories(max_events=45))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(events) - 1)), max_size=4)))
    bounds = [0, *(c for c in cuts if 0 < c < len(events)), len(events)]
    state = al.Partnership.from_events(events).state
    members = sorted(state.members)
    return {
        "events": events,
        "batches": [events[a:b] for a, b in itertools.pairwise(bounds)],
        "period": draw(_periods()),
        "window": draw(st.sampled_from(WINDOWS)),
        "domain": draw(st.none() | st.sampled_from(al.model.GoalDomain)),
        "status": draw(st.none() | st.sampled_from(al.model.GoalStatus)),
        "member": draw(st.none() | st.sampled_from(members)),
    }


def _reports(store: al.Store, s: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    filters = {"member_id": s["member"], "domain": s["domain"], "status": s["status"]}
    return {
        "progress": _outcome(lambda: al.reports.progress_report(store)),
        "progress-filtered": _outcome(
            lambda: al.reports.progress_report(
                store, period=s["period"], window=s["window"], **filters
            )
        ),
        "goals": _outcome(lambda: al.reports.select_goals(store, period=s["period"], **filters)),
    }


def _check(store: al.Store, s: dict[str, Any]) -> None:
    memory = al.open_store("memory://", clinic_id=store.clinic_id)
    pid = s["events"][0].partnership_id
    version = 0
    for batch in s["batches"]:
        memory.append(pid, batch, expected_version=version)
        store.append(pid, batch, expected_version=version)
        version += len(batch)
    expected = _reports(memory, s)
    assert _reports(store, s) == expected
    plain = read_model_only(store)
    assert isinstance(plain, al.storage.ReadModelStore)
    assert _reports(plain, s) == expected  # type: ignore[arg-type]
    al.storage.rebuild_read_model(store)
    assert _reports(store, s) == expected


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s=_scenarios())
def test_sqlite_reports_equal_the_fold(tmp_path: Path, s: dict[str, Any]) -> None:
    path = tmp_path / f"rm-{pendulum.now().int_timestamp}-{id(s)}.db"
    store = SQLiteStore(path, s["events"][0].clinic_id)
    try:
        _check(store, s)
    finally:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s=_scenarios())
def test_postgres_reports_equal_the_fold(postgres_url: str, s: dict[str, Any]) -> None:
    import psycopg  # noqa: PLC0415

    from alliance.storage.postgres import PostgresStore  # noqa: PLC0415

    store = PostgresStore(postgres_url, s["events"][0].clinic_id)
    try:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(
                "TRUNCATE alliance_events, alliance_partnerships, alliance_members, "
                "alliance_snapshots, alliance_goals, alliance_observations"
            )
        _check(store, s)
    finally:
        store.close()


# --- the tables themselves ---------------------------------------------------------------


def _fill(store: al.Store, partnerships: int = 4) -> None:
    for p in synthetic_clinic(seed=5, partnerships=partnerships, clinic_id=CLINIC):
        store.append(p.state.partnership_id, p.events, expected_version=0)


def test_goals_and_observations_are_kept_with_the_events(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    store = SQLiteStore(path, CLINIC)
    try:
        _fill(store)
        states = list(iter_states(store))
        conn = sqlite3.connect(path)
        goals = conn.execute("SELECT goal_id, status, baseline FROM alliance_goals").fetchall()
        assert sorted(goals) == sorted(
            (g.goal_id, g.status.value, float(g.target.baseline))
            for s in states
            for g in s.goals.values()
        )
        count = conn.execute("SELECT COUNT(*) FROM alliance_observations").fetchone()[0]
        assert count == sum(len(s.observations) for s in states)
        zones = conn.execute("SELECT DISTINCT time_zone FROM alliance_partnerships").fetchall()
        assert zones == [("Europe/London",)]
        # A correction and a discontinued goal, appended later, change the rows.
        state = states[0]
        observation = next(iter(state.observations.values()))
        goal_id = next(iter(state.goals))
        pro = sorted(state.professionals)[0]
        later = state.last_event_at.add(days=1)
        store.append(
            state.partnership_id,
            [
                al.events.ProgressCorrected(
                    observation_id=observation.observation_id,
                    reason="Typed the wrong number",
                    value=42.5,
                    actor=pro,
                    occurred_at=later,
                ),
                al.events.GoalDiscontinued(
                    goal_id=goal_id, reason="No longer a priority", actor=pro, occurred_at=later
                ),
            ],
            expected_version=state.version,
        )
        value, by = conn.execute(
            "SELECT value, corrected_by FROM alliance_observations WHERE observation_id = ?",
            (observation.observation_id,),
        ).fetchone()
        assert (value, by) == (42.5, pro)
        status = conn.execute(
            "SELECT status FROM alliance_goals WHERE goal_id = ?", (goal_id,)
        ).fetchone()[0]
        assert status == "discontinued"
        conn.close()
    finally:
        store.close()


def test_a_failed_append_leaves_the_read_model_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    store = SQLiteStore(path, CLINIC)
    try:
        _fill(store, 1)
        before = al.reports.select_goals(store)
        rows = list(before)
        state = next(iter_states(store))
        goal_id = next(iter(state.goals))
        pro = sorted(state.professionals)[0]
        event = al.events.GoalDiscontinued(
            goal_id=goal_id, reason="x", actor=pro, occurred_at=state.last_event_at
        )
        with pytest.raises(al.ConcurrencyError):
            store.append(state.partnership_id, [event], expected_version=state.version - 1)
        assert list(al.reports.select_goals(store)) == rows
    finally:
        store.close()


def test_rebuild_needs_a_store_with_a_read_model() -> None:
    with pytest.raises(al.ValidationError, match="keeps no read model"):
        al.storage.rebuild_read_model(al.open_store("memory://", clinic_id=CLINIC))


def _as_schema_2(conn: Any, mark: str = "?") -> None:
    """Make a database look like one written by the release before the read model."""
    as_format_1(conn, mark)
    conn.execute("DROP TABLE alliance_goals")
    conn.execute("DROP TABLE alliance_observations")
    conn.execute("ALTER TABLE alliance_partnerships DROP COLUMN time_zone")
    conn.execute("ALTER TABLE alliance_partnerships DROP COLUMN last_event_us")
    conn.execute("UPDATE alliance_meta SET value = '2' WHERE key = 'schema_version'")


def _expected() -> dict[str, str]:
    memory = al.open_store("memory://", clinic_id=CLINIC)
    _fill(memory)
    return _rendered(memory)


def _rendered(store: al.Store) -> dict[str, str]:
    period = al.reports.Period(start=pendulum.date(2025, 2, 1), end=pendulum.date(2025, 4, 30))
    return {
        "progress": render.to_json(al.reports.progress_report(store)),
        "period": render.to_json(al.reports.progress_report(store, period=period)),
        "goals": render.to_json(al.reports.select_goals(store)),
    }


def test_a_schema_2_sqlite_database_gets_its_read_model_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SQLiteStore(path, CLINIC)
    _fill(store)
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    _as_schema_2(conn)
    conn.close()
    again = SQLiteStore(path, CLINIC)
    try:
        assert _rendered(again) == _expected()
        version = sqlite3.connect(path).execute(
            "SELECT value FROM alliance_meta WHERE key = 'schema_version'"
        )
        assert version.fetchone()[0] == str(_common.SCHEMA_VERSION) == "4"
    finally:
        again.close()


def test_a_schema_2_postgres_database_gets_its_read_model_on_open(postgres_url: str) -> None:
    import psycopg  # noqa: PLC0415

    from alliance.storage.postgres import PostgresStore  # noqa: PLC0415

    store = PostgresStore(postgres_url, CLINIC)
    _fill(store)
    store.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        _as_schema_2(conn, "%s")
    again = PostgresStore(postgres_url, CLINIC)
    try:
        assert _rendered(again) == _expected()
    finally:
        again.close()


def test_the_latest_of_two_observations_at_the_same_moment_is_the_later_recorded(
    tmp_path: Path,
) -> None:
    p = next(synthetic_clinic(seed=3, partnerships=1, clinic_id=CLINIC))
    state = p.state
    goal_id = next(iter(state.goals))
    pro = sorted(state.professionals)[0]
    moment = state.last_event_at.add(days=1)
    for value in (7.0, 3.0):
        p.record(
            al.events.ProgressRecorded(
                goal_id=goal_id,
                setting=al.model.Setting.CLINIC,
                value=value,
                kind=al.model.ObservationKind.SESSION,
                actor=pro,
                occurred_at=moment,
            )
        )
    store = SQLiteStore(tmp_path / "ties.db", CLINIC)
    try:
        store.append(state.partnership_id, p.events, expected_version=0)
        rows = [r for r in al.reports.progress_report(store) if r.goal.goal_id == goal_id]
        assert rows[0].latest == 3.0
        memory = al.open_store("memory://", clinic_id=CLINIC)
        memory.append(state.partnership_id, p.events, expected_version=0)
        assert rows == [r for r in al.reports.progress_report(memory) if r.goal.goal_id == goal_id]
    finally:
        store.close()


def test_a_projection_past_the_year_9999_is_behind_without_a_date(tmp_path: Path) -> None:
    start = pendulum.datetime(2025, 3, 3, 10, tz="UTC")
    p = al.Partnership.form(
        al.events.PartnershipFormed(partnership_id="p-1", clinic_id=CLINIC, child_id="sam",
                             time_zone="UTC", actor="ana", occurred_at=start)
    )  # fmt: skip
    p.record_all([
        al.events.ProfessionalJoined(member_id="ana", discipline=al.Discipline.SPEECH_LANGUAGE,
                              actor="ana", occurred_at=start),
        al.events.CarerJoined(member_id="maria", relationship=al.CarerRelationship.PARENT,
                       actor="ana", occurred_at=start),
    ])  # fmt: skip
    goal = p.record(
        al.events.GoalProposed(
            domain=al.model.GoalDomain.COMMUNICATION, statement="Asks", why_it_matters="Matters",
            actor="ana", occurred_at=start,
            target=al.model.MeasurableTarget(metric="requests", unit="per day", baseline=0,
                                       target=10, direction=al.model.Direction.INCREASE,
                                       due=pendulum.date(2025, 12, 31)),
        )
    )  # fmt: skip
    for week, value in enumerate((0.0, 1e-12)):
        p.record(
            al.events.ProgressRecorded(
                goal_id=goal.goal_id,
                setting=al.model.Setting.CLINIC,
                value=value,
                kind=al.model.ObservationKind.SESSION,
                actor="ana",
                occurred_at=start.add(weeks=week + 1),
            )
        )
    memory = al.open_store("memory://", clinic_id=CLINIC)
    store = SQLiteStore(tmp_path / "slow.db", CLINIC)
    try:
        for s in (memory, store):
            s.append("p-1", p.events, expected_version=0)
        rows = list(al.reports.progress_report(store))
        assert rows == list(al.reports.progress_report(memory))
        assert rows[0].outlook is al.reports.Outlook.BEHIND
        assert rows[0].projected_date is None
    finally:
        store.close()
