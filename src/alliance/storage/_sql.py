"""The SQL both built-in database backends share (private).

A backend subclasses :class:`SqlStore` and supplies a transaction (with the write lock
taken for appends), its placeholder style, and how to turn its driver's errors into
:class:`alliance.StoreError`. The tables:

- ``alliance_meta``: key/value, holding ``schema_version``;
- ``alliance_events``: one row per event; ``position`` is the global order, unique
  ``(clinic_id, partnership_id, version)`` is the optimistic-concurrency guard; the
  payload is the converter's JSON text, which keeps its own ``schema_version``;
  ``chain_hash`` chains each event to the one before it in its timeline (schema 2);
- ``alliance_partnerships`` and ``alliance_members``: the index behind
  ``find_partnerships``, updated in the same transaction as the events;
  ``alliance_partnerships`` also keeps each partnership's time zone and the latest
  ``occurred_at`` of its events (schema 3), which reports need;
- ``alliance_goals`` and ``alliance_observations``: the read model of goals and
  observations (schema 3; see :mod:`alliance.storage._read_model`), updated in the same
  transaction as the events and rebuilt from them by :meth:`SqlStore.rebuild_read_model`.
"""

from __future__ import annotations

import abc
import contextlib
import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

import pendulum

from alliance.errors import ConcurrencyError, StoreError, ValidationError
from alliance.model import _checks as c
from alliance.model._time import from_micros, to_micros
from alliance.model.event import Event
from alliance.model.goals import (
    Direction,
    Goal,
    GoalDomain,
    GoalStatus,
    MasteryCriterion,
    MetricKind,
)
from alliance.model.membership import Membership
from alliance.model.partnership import PartnershipFormed, PartnershipStatus, Setting
from alliance.model.progress import Observation
from alliance.model.state import PartnershipState
from alliance.serialization import loads
from alliance.storage import _common
from alliance.storage import _read_model as rm
from alliance.storage.interface import (
    ChainRecord,
    GoalFacts,
    GoalFigures,
    MeasuredRow,
    PartnershipSummary,
    ReadModelPartnership,
    ReportBounds,
    StoredEvent,
)

# How many events the read model's rebuild reads at a time.
_REBUILD_PAGE = 2000
_RM_EVENTS = rm.READ_MODEL_EVENTS
# The columns rm.observation_of reads, bare and qualified by the alias "o".
_OBSERVATION_FIELDS = rm.OBSERVATION_COLUMNS.split(", ", 2)[2]
_OBSERVATION_FIELDS_O = ", ".join(f"o.{name}" for name in _OBSERVATION_FIELDS.split(", "))
# "Since the beginning of time" for report bounds (before any stored moment).
_MIN_US = -(2**62)
# The columns of a selected goal (GoalFigures' order).
_GOAL_FIELDS = (
    "g.partnership_id, g.goal_id, g.seq, g.domain, g.status, g.status_changed_us, "
    "g.statement, g.metric, g.unit, g.metric_kind, g.baseline, g.target, g.direction, g.due, "
    "g.proposed_at_us, g.shared_at_us, g.gas_weight, g.mastery"
)
# The selected goals' measured observations by the report's moment (after the goals'
# WHERE clause, with "alliance_observations o" joined).
_MEASURED = (
    " AND o.clinic_id = g.clinic_id AND o.partnership_id = g.partnership_id "
    "AND o.goal_id = g.goal_id AND o.value IS NOT NULL AND o.observed_at_us <= b.as_of"
)
# CROSS JOIN: SQLite then loops over the bounds first, as written (PostgreSQL plans it as
# an inner join).
_GOALS = " FROM b CROSS JOIN alliance_goals g"
_GOALS_AND_OBSERVATIONS = _GOALS + " CROSS JOIN alliance_observations o"
# Each goal's observations oldest first, ties in the order they were recorded.
_IN_ORDER = "ORDER BY g.partnership_id, g.goal_id, o.observed_at_us, o.seq"


class Connection(Protocol):
    """The little of a DB-API connection the SQL store uses."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...


class SqlStore(abc.ABC):
    """Append, load, find and follow, in SQL. Subclasses supply the connection."""

    placeholder = "?"
    # The column type of measured values and the observations table's option (SQLite:
    # no type, so that -0.0 is kept; clustered by goal and time, WITHOUT ROWID).
    float_type = ""
    without_rowid = ""

    def __init__(self, clinic_id: str, url: str) -> None:
        c._check_identifier("clinic_id", clinic_id)
        self._clinic_id = clinic_id
        self._url = _common.mask_url(url)

    @property
    def clinic_id(self) -> str:
        """The clinic this store was opened for."""
        return self._clinic_id

    @property
    def url(self) -> str:
        """The store's URL, password masked."""
        return self._url

    # --- what a backend provides ----------------------------------------------------

    @abc.abstractmethod
    def _transaction(self, *, write: bool) -> contextlib.AbstractContextManager[Connection]:
        """A transaction; for ``write=True`` holding the lock that serialises appends."""

    @abc.abstractmethod
    def _executemany(self, conn: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """Run *sql* once per row."""

    @abc.abstractmethod
    def _columns(self, conn: Connection, table: str) -> set[str]:
        """The names of *table*'s columns."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""

    def _sql(self, text: str) -> str:
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    # --- schema ---------------------------------------------------------------------

    def _schema_statements(self) -> list[str]:
        return [
            "CREATE TABLE IF NOT EXISTS alliance_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE IF NOT EXISTS alliance_events (
                position BIGINT PRIMARY KEY,
                clinic_id TEXT NOT NULL,
                partnership_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                event_type TEXT NOT NULL,
                schema_version INTEGER NOT NULL,
                occurred_at_us BIGINT NOT NULL,
                recorded_at_us BIGINT NOT NULL,
                payload TEXT NOT NULL,
                chain_hash TEXT,
                UNIQUE (clinic_id, partnership_id, version)
            )""",
            """CREATE INDEX IF NOT EXISTS alliance_events_by_clinic
                ON alliance_events (clinic_id, position)""",
            """CREATE TABLE IF NOT EXISTS alliance_partnerships (
                clinic_id TEXT NOT NULL,
                partnership_id TEXT NOT NULL,
                child_id TEXT NOT NULL,
                status TEXT NOT NULL,
                version INTEGER NOT NULL,
                time_zone TEXT,
                last_event_us BIGINT,
                PRIMARY KEY (clinic_id, partnership_id)
            )""",
            """CREATE TABLE IF NOT EXISTS alliance_members (
                clinic_id TEXT NOT NULL,
                partnership_id TEXT NOT NULL,
                member_id TEXT NOT NULL,
                role TEXT NOT NULL,
                is_current INTEGER NOT NULL,
                PRIMARY KEY (clinic_id, partnership_id, member_id)
            )""",
            """CREATE INDEX IF NOT EXISTS alliance_members_by_member
                ON alliance_members (clinic_id, member_id)""",
            """CREATE TABLE IF NOT EXISTS alliance_snapshots (
                clinic_id TEXT NOT NULL,
                partnership_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                payload TEXT NOT NULL,
                PRIMARY KEY (clinic_id, partnership_id)
            )""",
            *rm.schema_statements(self.float_type, self.without_rowid),
        ]

    def _ensure_schema(self) -> None:
        """Create the tables on first use; refuse a database from a newer schema."""
        with self._transaction(write=True) as conn:
            for statement in self._schema_statements():
                conn.execute(statement)
            row = conn.execute(
                self._sql("SELECT value FROM alliance_meta WHERE key = ?"), ("schema_version",)
            ).fetchone()
            if row is None:
                conn.execute(
                    self._sql("INSERT INTO alliance_meta (key, value) VALUES (?, ?)"),
                    ("schema_version", str(_common.SCHEMA_VERSION)),
                )
                return
            stored = int(row[0])
            if stored < _common.SCHEMA_VERSION:
                self._migrate(conn, stored)
                return
            if stored > _common.SCHEMA_VERSION:
                raise StoreError(
                    self._url,
                    f"the database was written by a newer alliance (schema version {stored}; "
                    f"this alliance knows up to {_common.SCHEMA_VERSION}); upgrade alliance "
                    "before opening it",
                )

    def _migrate(self, conn: Connection, stored: int) -> None:
        """Bring a database at schema version *stored* up to the current one, in the
        schema transaction (all of it or none of it)."""
        if stored < 2:
            conn.execute("ALTER TABLE alliance_events ADD COLUMN chain_hash TEXT")
            rows = conn.execute(
                "SELECT position, clinic_id, partnership_id, version, payload "
                "FROM alliance_events ORDER BY clinic_id, partnership_id, version"
            ).fetchall()
            previous, timeline = _common.GENESIS, None
            updates: list[tuple[Any, ...]] = []
            for position, clinic_id, partnership_id, version, payload in rows:
                if (clinic_id, partnership_id) != timeline:
                    previous, timeline = _common.GENESIS, (clinic_id, partnership_id)
                previous = _common.chain_hash(previous, int(version), payload)
                updates.append((previous, position))
            if updates:
                self._executemany(
                    conn,
                    self._sql("UPDATE alliance_events SET chain_hash = ? WHERE position = ?"),
                    updates,
                )
        if stored < 3:
            # The read model: the partnerships' time zones and latest events, and the
            # goals and observations tables (created by the schema statements), built
            # from the stored events of every clinic.
            columns = self._columns(conn, "alliance_partnerships")
            for column, kind in (("time_zone", "TEXT"), ("last_event_us", "BIGINT")):
                if column not in columns:
                    conn.execute(f"ALTER TABLE alliance_partnerships ADD COLUMN {column} {kind}")
            for statement in rm.schema_statements(self.float_type, self.without_rowid):
                conn.execute(statement)
            self._rebuild(conn, None)
        conn.execute(
            self._sql("UPDATE alliance_meta SET value = ? WHERE key = ?"),
            (str(_common.SCHEMA_VERSION), "schema_version"),
        )

    # --- the Store protocol ---------------------------------------------------------

    def append(
        self, partnership_id: str, events: Sequence[Event], *, expected_version: int
    ) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage.Store.append`."""
        events = list(events)
        _common.check_batch(self._clinic_id, partnership_id, events, expected_version)
        payloads = [_common.encode(e) for e in events]  # before the lock: no I/O inside
        with self._transaction(write=True) as conn:
            # The timeline's version, the last global position and the hash of the
            # timeline's last event, in one round trip.
            stored, last, previous, last_event = conn.execute(
                self._sql(
                    "SELECT (SELECT version FROM alliance_partnerships "
                    "WHERE clinic_id = ? AND partnership_id = ?), "
                    "(SELECT MAX(position) FROM alliance_events), "
                    "(SELECT chain_hash FROM alliance_events "
                    "WHERE clinic_id = ? AND partnership_id = ? AND version = ?), "
                    "(SELECT last_event_us FROM alliance_partnerships "
                    "WHERE clinic_id = ? AND partnership_id = ?)"
                ),
                (self._clinic_id, partnership_id, self._clinic_id, partnership_id,
                 expected_version, self._clinic_id, partnership_id),
            ).fetchone()  # fmt: skip
            current = 0 if stored is None else int(stored)
            if current != expected_version:
                raise ConcurrencyError(partnership_id, expected_version, current)
            first_position = (0 if last is None else int(last)) + 1
            recorded_at = _common.now_utc()
            recorded_us = to_micros(recorded_at)
            hashes = _common.chain_hashes(
                previous or _common.GENESIS, expected_version + 1, payloads
            )
            rows = [
                (
                    first_position + offset,
                    self._clinic_id,
                    partnership_id,
                    expected_version + offset + 1,
                    type(event).type_name,
                    type(event).schema_version,
                    to_micros(event.occurred_at),
                    recorded_us,
                    payload,
                    chain,
                )
                for offset, (event, payload, chain) in enumerate(
                    zip(events, payloads, hashes, strict=True)
                )
            ]
            self._executemany(
                conn,
                self._sql(
                    "INSERT INTO alliance_events (position, clinic_id, partnership_id, version, "
                    "event_type, schema_version, occurred_at_us, recorded_at_us, payload, "
                    "chain_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ),
                rows,
            )
            self._update_read_model(
                conn,
                self._clinic_id,
                partnership_id,
                events,
                range(expected_version + 1, expected_version + len(events) + 1),
                None,
            )
            latest = max(row[6] for row in rows)
            if last_event is not None:
                latest = max(latest, int(last_event))
            self._update_index(conn, partnership_id, events, expected_version + len(events), latest)
        recorded = from_micros(recorded_us)  # one moment for the whole batch
        return tuple(
            StoredEvent(
                position=first_position + offset,
                partnership_id=partnership_id,
                version=expected_version + offset + 1,
                recorded_at=recorded,
                event=event,
            )
            for offset, event in enumerate(events)
        )

    def _update_index(
        self,
        conn: Connection,
        partnership_id: str,
        events: Sequence[Event],
        version: int,
        last_event_us: int,
    ) -> None:
        change = _common.index_change(events)
        key = (self._clinic_id, partnership_id)
        if change.formed is not None:
            conn.execute(
                self._sql(
                    "INSERT INTO alliance_partnerships (clinic_id, partnership_id, child_id, "
                    "status, version, time_zone, last_event_us) VALUES (?, ?, ?, ?, ?, ?, ?)"
                ),
                (
                    *key,
                    change.formed.child_id,
                    PartnershipStatus.FORMING.value,
                    version,
                    change.formed.time_zone,
                    last_event_us,
                ),
            )
        else:
            conn.execute(
                self._sql(
                    "UPDATE alliance_partnerships SET version = ?, last_event_us = ? "
                    "WHERE clinic_id = ? AND partnership_id = ?"
                ),
                (version, last_event_us, *key),
            )
        if change.status is not None:
            conn.execute(
                self._sql(
                    "UPDATE alliance_partnerships SET status = ? "
                    "WHERE clinic_id = ? AND partnership_id = ?"
                ),
                (change.status.value, *key),
            )
        for member_id, role in change.joined.items():
            conn.execute(
                self._sql(
                    "DELETE FROM alliance_members "
                    "WHERE clinic_id = ? AND partnership_id = ? AND member_id = ?"
                ),
                (*key, member_id),
            )
            conn.execute(
                self._sql(
                    "INSERT INTO alliance_members "
                    "(clinic_id, partnership_id, member_id, role, is_current) "
                    "VALUES (?, ?, ?, ?, 1)"
                ),
                (*key, member_id, role),
            )
        for member_id in change.left:
            conn.execute(
                self._sql(
                    "UPDATE alliance_members SET is_current = 0 "
                    "WHERE clinic_id = ? AND partnership_id = ? AND member_id = ?"
                ),
                (*key, member_id),
            )

    # --- the read model ----------------------------------------------------------------

    def _update_read_model(  # noqa: PLR0917 (private; called in two places)
        self,
        conn: Connection,
        clinic_id: str,
        partnership_id: str,
        events: Sequence[Event],
        versions: Sequence[int],
        members: dict[str, Membership] | None,
    ) -> dict[str, Membership] | None:
        """Fold a batch into ``alliance_goals`` and ``alliance_observations``.

        *members*: the partnership's members before the batch, or ``None`` to read them
        from ``alliance_members`` (an append, before the index is updated). Returns the
        members after the batch (``None`` when the batch held nothing for the read model).
        """
        relevant = [(e, v) for e, v in zip(events, versions, strict=True) if type(e) in _RM_EVENTS]
        if not relevant:
            return members
        batch_events = [e for e, _ in relevant]
        key = (clinic_id, partnership_id)
        state = None
        if not isinstance(batch_events[0], PartnershipFormed):
            if members is None:
                members = {}
                if rm.needs_members(batch_events):
                    rows = conn.execute(
                        self._sql(
                            "SELECT member_id, role, is_current FROM alliance_members "
                            "WHERE clinic_id = ? AND partnership_id = ?"
                        ),
                        key,
                    ).fetchall()
                    members = {m: rm.membership(m, role, bool(cur)) for m, role, cur in rows}
            state = rm.skeleton(partnership_id, clinic_id, members)

        def load_goal(goal_id: str) -> tuple[int, Goal] | None:
            row = conn.execute(
                self._sql(
                    "SELECT seq, state FROM alliance_goals "
                    "WHERE clinic_id = ? AND partnership_id = ? AND goal_id = ?"
                ),
                (*key, goal_id),
            ).fetchone()
            return None if row is None else (int(row[0]), rm.goal_of(row[1]))

        def load_observation(observation_id: str) -> tuple[int, Observation] | None:
            row = conn.execute(
                self._sql(
                    f"SELECT {_OBSERVATION_FIELDS} FROM alliance_observations "
                    "WHERE clinic_id = ? AND partnership_id = ? AND observation_id = ?"
                ),
                (*key, observation_id),
            ).fetchone()
            return None if row is None else rm.observation_of(row)

        batch = rm.fold_batch(
            state,
            batch_events,
            [v for _, v in relevant],
            load_goal=load_goal,
            load_observation=load_observation,
        )
        old_goals = [(*key, gid) for gid, (_, existed) in batch.goals.items() if existed]
        if old_goals:
            self._executemany(
                conn,
                self._sql(
                    "DELETE FROM alliance_goals "
                    "WHERE clinic_id = ? AND partnership_id = ? AND goal_id = ?"
                ),
                old_goals,
            )
        old = [(*key, oid) for oid, (_, existed) in batch.observations.items() if existed]
        if old:
            self._executemany(
                conn,
                self._sql(
                    "DELETE FROM alliance_observations "
                    "WHERE clinic_id = ? AND partnership_id = ? AND observation_id = ?"
                ),
                old,
            )
        if batch.goals:
            self._executemany(
                conn,
                self._sql(
                    f"INSERT INTO alliance_goals ({rm.GOAL_COLUMNS}) VALUES ({', '.join('?' * 20)})"
                ),
                batch.goal_rows(clinic_id),
            )
        if batch.observations:
            self._executemany(
                conn,
                self._sql(
                    f"INSERT INTO alliance_observations ({rm.OBSERVATION_COLUMNS}) "
                    f"VALUES ({', '.join('?' * 18)})"
                ),
                batch.observation_rows(clinic_id),
            )
        return batch.state.members

    def rebuild_read_model(self) -> None:
        """Rebuild this clinic's read model (goals, observations, and each partnership's
        time zone and latest event) from its stored events, in their global order, in
        one transaction. Reports give the same rows before and after; use it after
        restoring or repairing the events table by hand."""
        with self._transaction(write=True) as conn:
            self._rebuild(conn, self._clinic_id)

    def _rebuild(self, conn: Connection, clinic_id: str | None) -> None:
        """Rebuild the read model of *clinic_id* (``None``: every clinic) in *conn*."""
        only = "" if clinic_id is None else " WHERE clinic_id = ?"
        params: tuple[Any, ...] = () if clinic_id is None else (clinic_id,)
        conn.execute(self._sql("DELETE FROM alliance_goals" + only), params)
        conn.execute(self._sql("DELETE FROM alliance_observations" + only), params)
        conn.execute(
            self._sql(
                "UPDATE alliance_partnerships SET last_event_us = (SELECT MAX(e.occurred_at_us) "
                "FROM alliance_events e WHERE e.clinic_id = alliance_partnerships.clinic_id "
                "AND e.partnership_id = alliance_partnerships.partnership_id)" + only
            ),
            params,
        )
        names = sorted(t.type_name for t in _RM_EVENTS)
        sql = (
            "SELECT position, clinic_id, partnership_id, version, payload FROM alliance_events "
            f"WHERE position > ? AND event_type IN ({', '.join('?' * len(names))})"
            + ("" if clinic_id is None else " AND clinic_id = ?")
            + " ORDER BY position LIMIT ?"
        )
        members: dict[tuple[str, str], dict[str, Membership]] = {}
        zones: list[tuple[str, str, str]] = []
        pending: list[Event] = []
        versions: list[int] = []
        timeline: tuple[str, str] | None = None

        def flush() -> None:
            if timeline is not None and pending:
                after = self._update_read_model(
                    conn, *timeline, pending, versions, members.get(timeline, {})
                )
                members[timeline] = after or {}
            pending.clear()
            versions.clear()

        after = 0
        while True:
            rows = conn.execute(self._sql(sql), (after, *names, *params, _REBUILD_PAGE)).fetchall()
            for position, cid, pid, version, payload in rows:
                event = _common.decode(pid, int(version), payload)
                if (cid, pid) != timeline:
                    flush()
                    timeline = (cid, pid)
                if isinstance(event, PartnershipFormed):
                    zones.append((event.time_zone, cid, pid))
                pending.append(event)
                versions.append(int(version))
                after = int(position)
            if len(rows) < _REBUILD_PAGE:
                break
        flush()
        if zones:
            self._executemany(
                conn,
                self._sql(
                    "UPDATE alliance_partnerships SET time_zone = ? "
                    "WHERE clinic_id = ? AND partnership_id = ?"
                ),
                zones,
            )

    # --- reports from the read model (ReadModelStore) ----------------------------------

    def _partnership_filter(
        self, member_id: str | None, status: PartnershipStatus | None
    ) -> tuple[str, list[Any]]:
        """The rest of a ``... FROM alliance_partnerships p WHERE p.clinic_id = ?`` query
        selecting by status and current member, ordered by partnership id, and its
        parameters (the clinic's id first)."""
        sql = ""
        params: list[Any] = [self._clinic_id]
        if status is not None:
            sql += " AND p.status = ?"
            params.append(status.value)
        if member_id is not None:
            sql += (
                " AND EXISTS (SELECT 1 FROM alliance_members m WHERE m.clinic_id = p.clinic_id "
                "AND m.partnership_id = p.partnership_id AND m.member_id = ? AND m.is_current = 1)"
            )
            params.append(member_id)
        return sql + " ORDER BY p.partnership_id", params

    def report_partnerships(
        self, *, member_id: str | None = None, status: PartnershipStatus | None = None
    ) -> list[ReadModelPartnership]:
        """See :meth:`alliance.storage.ReadModelStore.report_partnerships`."""
        sql = (
            "SELECT p.partnership_id, p.child_id, p.time_zone, p.last_event_us "
            "FROM alliance_partnerships p WHERE p.clinic_id = ?"
        )
        where, params = self._partnership_filter(member_id, status)
        sql += where
        with self._transaction(write=False) as conn:
            rows = conn.execute(self._sql(sql), params).fetchall()
        return [
            ReadModelPartnership(
                partnership_id=pid,
                child_id=child_id,
                time_zone=zone,
                last_event_at=from_micros(int(last)),
            )
            for pid, child_id, zone, last in rows
        ]

    def _selection(
        self,
        bounds: Sequence[ReportBounds],
        domain: GoalDomain | None,
        status: GoalStatus | None,
    ) -> tuple[str, str, tuple[Any, ...], dict[str, tuple[int, int]]]:
        """The goals of the partnerships in *bounds* (in *domain*, with *status*): the
        ``WITH b (pid, as_of, since, wstart)`` clause of the bounds (in microseconds), the
        ``WHERE`` clause selecting the goals ``g`` of those partnerships, the parameters of
        both, and each partnership's ``(since, wstart)``."""
        values = ", ".join(
            ["(?, CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))"] * len(bounds)
        )
        params: list[Any] = []
        window: dict[str, tuple[int, int]] = {}
        for b in bounds:
            since = _MIN_US if b.since is None else to_micros(b.since)
            wstart = to_micros(b.window_start)
            params += [b.partnership_id, to_micros(b.as_of), since, wstart]
            window[b.partnership_id] = (since, wstart)
        params.append(self._clinic_id)
        where = " WHERE g.clinic_id = ? AND g.partnership_id = b.pid"
        if domain is not None:
            where += " AND g.domain = ?"
            params.append(domain.value)
        if status is not None:
            where += " AND g.status = ?"
            params.append(status.value)
        cte = f"WITH b (pid, as_of, since, wstart) AS (VALUES {values}) "
        return cte, where, tuple(params), window

    def goal_facts(
        self,
        bounds: Sequence[ReportBounds],
        *,
        domain: GoalDomain | None = None,
        status: GoalStatus | None = None,
        figures: bool = True,
    ) -> list[GoalFacts]:
        """See :meth:`alliance.storage.ReadModelStore.goal_facts`."""
        if not bounds:
            return []
        order = {b.partnership_id: index for index, b in enumerate(bounds)}
        cte, where, params, _window = self._selection(bounds, domain, status)
        with self._transaction(write=False) as conn:
            goal_rows = conn.execute(
                self._sql(f"{cte}SELECT {_GOAL_FIELDS}{_GOALS}{where}"), params
            ).fetchall()
            if not goal_rows:
                return []
            counts: dict[tuple[str, str], dict[Setting, int]] = {}
            latest: dict[tuple[str, str], tuple[pendulum.DateTime, float]] = {}
            recent: dict[tuple[str, str], list[tuple[int, float]]] = {}
            observed: dict[tuple[str, str], list[Observation]] = {}
            if figures:

                def measured(select: str, tail: str, more: str = "") -> str:
                    return self._sql(
                        f"{cte}SELECT {select}{_GOALS_AND_OBSERVATIONS}{where}{more}{_MEASURED}"
                        + tail
                    )

                for pid, gid, setting, count in conn.execute(
                    measured(
                        "g.partnership_id, g.goal_id, o.setting, COUNT(*)",
                        " AND o.observed_at_us >= b.since "
                        "GROUP BY g.partnership_id, g.goal_id, o.setting",
                    ),
                    params,
                ):
                    counts.setdefault((pid, gid), {})[Setting(setting)] = int(count)
                for pid, gid, at, value in conn.execute(
                    measured(
                        "g.partnership_id, g.goal_id, o.observed_at_us, o.value",
                        "".join(
                            f" AND o.{column} = (SELECT l.{column} FROM alliance_observations l "
                            "WHERE l.clinic_id = g.clinic_id "
                            "AND l.partnership_id = g.partnership_id "
                            "AND l.goal_id = g.goal_id AND l.value IS NOT NULL "
                            "AND l.observed_at_us <= b.as_of "
                            "ORDER BY l.observed_at_us DESC, l.seq DESC LIMIT 1)"
                            for column in ("observed_at_us", "seq")
                        ),
                    ),
                    params,
                ):
                    latest[(pid, gid)] = (from_micros(int(at)), value)
                for pid, gid, at, value in conn.execute(
                    measured(
                        "g.partnership_id, g.goal_id, o.observed_at_us, o.value",
                        " AND o.observed_at_us > b.wstart " + _IN_ORDER,
                    ),
                    params,
                ):
                    recent.setdefault((pid, gid), []).append((int(at), value))
                for row in conn.execute(
                    measured(
                        f"g.partnership_id, {_OBSERVATION_FIELDS_O}",
                        " " + _IN_ORDER,
                        " AND g.mastery IS NOT NULL",
                    ),
                    params,
                ):
                    _seq, observation = rm.observation_of(row[1:])
                    observed.setdefault((row[0], observation.goal_id), []).append(observation)
        facts = []
        for row in goal_rows:
            (pid, gid, seq, domain_value, status_value, changed_us, statement, metric, unit,
             kind, baseline, target, direction, due, proposed_us, shared_us, weight,
             mastery) = row  # fmt: skip
            key = (pid, gid)
            facts.append(
                (
                    order[pid],
                    GoalFacts(
                        partnership_id=pid,
                        goal_id=gid,
                        domain=GoalDomain(domain_value),
                        status=GoalStatus(status_value),
                        status_changed_at=from_micros(int(changed_us)),
                        statement=statement,
                        metric=metric,
                        unit=unit,
                        metric_kind=MetricKind(kind),
                        baseline=baseline,
                        target=target,
                        direction=Direction(direction),
                        due=pendulum.Date.fromisoformat(due),
                        proposed_at=from_micros(int(proposed_us)),
                        shared_at=None if shared_us is None else from_micros(int(shared_us)),
                        has_gas_scale=weight is not None,
                        mastery=None if mastery is None else loads(mastery, MasteryCriterion),
                        latest=latest.get(key),
                        in_period=counts.get(key, {}),
                        recent=tuple(recent.get(key, ())),
                        observations=tuple(observed.get(key, ())),
                    ),
                    int(seq),
                )
            )
        facts.sort(key=lambda item: (item[0], item[2]))
        return [f for _, f, _ in facts]

    def progress_figures(
        self,
        bounds: Sequence[ReportBounds],
        *,
        domain: GoalDomain | None = None,
        status: GoalStatus | None = None,
    ) -> list[GoalFigures]:
        """See :meth:`alliance.storage.ProgressFiguresStore.progress_figures`: what
        :meth:`goal_facts` gives, as raw column values, in two queries and one pass over
        the measured observations."""
        if not bounds:
            return []
        cte, where, params, window = self._selection(bounds, domain, status)
        # the fields mastery reads, for goals with a criterion only
        mastery_fields = ", ".join(
            f"CASE WHEN g.mastery IS NULL THEN NULL ELSE o.{column} END"
            for column in ("observer", "kind", "trials", "first_trial_independent")
        )
        with self._transaction(write=False) as conn:
            goal_rows = conn.execute(
                self._sql(f"{cte}SELECT {_GOAL_FIELDS}{_GOALS}{where}"), params
            ).fetchall()
            if not goal_rows:
                return []
            order = {b.partnership_id: index for index, b in enumerate(bounds)}
            goal_rows.sort(key=lambda row: (order[row[0]], int(row[2])))
            goals = {(row[0], row[1]): GoalFigures(row) for row in goal_rows}
            # One pass over every measured observation by the report's moment, each goal's
            # oldest first: counts in the period, the latest, the trend window, mastery.
            rows = conn.execute(
                self._sql(
                    f"{cte}SELECT g.partnership_id, g.goal_id, o.observed_at_us, o.value, "
                    f"o.setting, {mastery_fields}{_GOALS_AND_OBSERVATIONS}{where}{_MEASURED} "
                    + _IN_ORDER
                ),
                params,
            )
            figures: GoalFigures | None = None
            last: tuple[int, float] | None = None
            pid = gid = None
            since = wstart = 0
            counts: dict[str, int] = {}
            recent: list[tuple[int, float]] = []
            measured: list[MeasuredRow] | None = None
            for row_pid, row_gid, at, value, setting, observer, kind, trials, independent in rows:
                if row_gid != gid or row_pid != pid:
                    if figures is not None:
                        figures.latest = last
                    pid, gid = row_pid, row_gid
                    figures = goals[(pid, gid)]
                    since, wstart = window[pid]
                    counts, recent, measured = figures.counts, figures.recent, figures.measured
                if at >= since:
                    counts[setting] = counts.get(setting, 0) + 1
                last = (at, value)
                if at > wstart:
                    recent.append(last)
                if measured is not None:
                    measured.append((at, observer, setting, kind, value, trials, independent))
            if figures is not None:
                figures.latest = last
        return list(goals.values())

    def load(
        self,
        partnership_id: str,
        *,
        after_version: int = 0,
        up_to_version: int | None = None,
        as_of: dt.datetime | None = None,
    ) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage.Store.load`."""
        sql = (
            "SELECT position, version, recorded_at_us, payload FROM alliance_events "
            "WHERE clinic_id = ? AND partnership_id = ? AND version > ?"
        )
        params: list[Any] = [self._clinic_id, partnership_id, after_version]
        if up_to_version is not None:
            sql += " AND version <= ?"
            params.append(up_to_version)
        if as_of is not None:
            sql += " AND occurred_at_us <= ?"
            params.append(to_micros(c.utc_datetime("as_of", as_of)))
        sql += " ORDER BY version"
        with self._transaction(write=False) as conn:
            rows = conn.execute(self._sql(sql), params).fetchall()
        return tuple(self._stored(partnership_id, row) for row in rows)

    def _stored(self, partnership_id: str, row: Sequence[Any]) -> StoredEvent:
        position, version, recorded_us, payload = row
        return StoredEvent(
            position=int(position),
            partnership_id=partnership_id,
            version=int(version),
            recorded_at=from_micros(int(recorded_us)),
            event=_common.decode(partnership_id, int(version), payload),
        )

    def find_partnerships(
        self, *, member_id: str | None = None, status: PartnershipStatus | None = None
    ) -> list[PartnershipSummary]:
        """See :meth:`alliance.storage.Store.find_partnerships`."""
        sql = (
            "SELECT p.partnership_id, p.child_id, p.status, p.version FROM alliance_partnerships p "
            "WHERE p.clinic_id = ?"
        )
        where, params = self._partnership_filter(member_id, status)
        sql += where
        with self._transaction(write=False) as conn:
            rows = conn.execute(self._sql(sql), params).fetchall()
            members: dict[str, set[str]] = {row[0]: set() for row in rows}
            if members:
                for pid, mid in conn.execute(
                    self._sql(
                        "SELECT partnership_id, member_id FROM alliance_members "
                        "WHERE clinic_id = ? AND is_current = 1"
                    ),
                    (self._clinic_id,),
                ).fetchall():
                    if pid in members:
                        members[pid].add(mid)
        return [
            PartnershipSummary(
                partnership_id=pid,
                clinic_id=self._clinic_id,
                child_id=child_id,
                status=PartnershipStatus(status_value),
                version=int(version),
                members=frozenset(members[pid]),
            )
            for pid, child_id, status_value, version in rows
        ]

    def read_all(self, *, after: int = 0, limit: int = 1000) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage.Store.read_all`."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                self._sql(
                    "SELECT position, partnership_id, version, recorded_at_us, payload "
                    "FROM alliance_events WHERE clinic_id = ? AND position > ? "
                    "ORDER BY position LIMIT ?"
                ),
                (self._clinic_id, after, limit),
            ).fetchall()
        return tuple(self._stored(row[1], (row[0], *row[2:])) for row in rows)

    # --- tamper evidence (ChainStore) -------------------------------------------------

    def chain_records(self) -> tuple[ChainRecord, ...]:
        """See :meth:`alliance.storage.ChainStore.chain_records`."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                self._sql(
                    "SELECT p.partnership_id, p.version, e.version, e.payload, e.chain_hash "
                    "FROM alliance_partnerships p LEFT JOIN alliance_events e "
                    "ON e.clinic_id = p.clinic_id AND e.partnership_id = p.partnership_id "
                    "WHERE p.clinic_id = ? ORDER BY p.partnership_id, e.position"
                ),
                (self._clinic_id,),
            ).fetchall()
        return tuple(
            ChainRecord(
                partnership_id=pid,
                expected_version=int(expected),
                version=None if version is None else int(version),
                payload=payload,
                chain_hash=chain,
            )
            for pid, expected, version, payload, chain in rows
        )

    # --- snapshots (SnapshotStore) ---------------------------------------------------

    def save_snapshot(self, state: PartnershipState) -> None:
        """See :meth:`alliance.storage.SnapshotStore.save_snapshot`."""
        if state.clinic_id != self._clinic_id:
            raise ValidationError("state.clinic_id", f"this store is open for {self._clinic_id!r}")
        payload = _common.encode_snapshot(state)
        key = (self._clinic_id, state.partnership_id)
        with self._transaction(write=True) as conn:
            row = conn.execute(
                self._sql(
                    "SELECT version FROM alliance_partnerships "
                    "WHERE clinic_id = ? AND partnership_id = ?"
                ),
                key,
            ).fetchone()
            if row is None or int(row[0]) < state.version:
                raise ValidationError(
                    "state.version", "a snapshot cannot be ahead of the stored timeline"
                )
            conn.execute(
                self._sql(
                    "DELETE FROM alliance_snapshots WHERE clinic_id = ? AND partnership_id = ?"
                ),
                key,
            )
            conn.execute(
                self._sql(
                    "INSERT INTO alliance_snapshots (clinic_id, partnership_id, version, payload) "
                    "VALUES (?, ?, ?, ?)"
                ),
                (*key, state.version, payload),
            )

    def load_snapshot(self, partnership_id: str) -> PartnershipState | None:
        """See :meth:`alliance.storage.SnapshotStore.load_snapshot`."""
        with self._transaction(write=False) as conn:
            row = conn.execute(
                self._sql(
                    "SELECT payload FROM alliance_snapshots "
                    "WHERE clinic_id = ? AND partnership_id = ?"
                ),
                (self._clinic_id, partnership_id),
            ).fetchone()
        return None if row is None else _common.decode_snapshot(row[0])

    def delete_snapshots(self) -> None:
        """See :meth:`alliance.storage.SnapshotStore.delete_snapshots`."""
        with self._transaction(write=True) as conn:
            conn.execute(
                self._sql("DELETE FROM alliance_snapshots WHERE clinic_id = ?"), (self._clinic_id,)
            )

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._url} clinic={self._clinic_id!r}>"
