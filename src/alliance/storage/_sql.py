"""The SQL both built-in database backends share (private).

A backend subclasses :class:`SqlStore` and supplies a transaction (with the write lock
taken for appends), its placeholder style, and how to turn its driver's errors into
:class:`alliance.StoreError` (:class:`~alliance.storage._sql_base.SqlBase`). The tables:

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
  transaction as the events and rebuilt from them by :meth:`SqlStore.rebuild_read_model`
  (:mod:`alliance.storage._sql_read_model`, which also answers the reports' queries).

This module holds the schema and its migrations, the appends (events, index, read model
in one transaction), the reads of timelines, the hash chain and the snapshots.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pendulum

from alliance.errors import ConcurrencyError, StoreError, ValidationError
from alliance.model._time import from_micros, to_micros
from alliance.model.event import Event
from alliance.model.partnership import PartnershipStatus
from alliance.model.state import PartnershipState
from alliance.storage import _common
from alliance.storage import _read_model as rm
from alliance.storage._sql_base import Connection
from alliance.storage._sql_read_model import ReadModelSql
from alliance.storage.interface import (
    ChainRecord,
    IndexRecord,
    PartnershipSummary,
    ReadModelRecords,
    SnapshotRecord,
    StoredEvent,
)


class SqlStore(ReadModelSql):
    """Append, load, find and follow, in SQL. Subclasses supply the connection."""

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
        if stored < 4:
            self._rechain(conn, verify=stored >= 2)
        conn.execute(
            self._sql("UPDATE alliance_meta SET value = ? WHERE key = ?"),
            (str(_common.SCHEMA_VERSION), "schema_version"),
        )

    def _rechain(self, conn: Connection, *, verify: bool) -> None:
        """Give every stored event of every clinic its hash of chain format 2. With
        *verify*, first check that the format-1 chain holds, and refuse (changing
        nothing) where it does not: re-chaining must never launder earlier tampering."""
        rows = conn.execute(
            "SELECT position, clinic_id, partnership_id, version, event_type, schema_version, "
            "occurred_at_us, recorded_at_us, payload, chain_hash "
            "FROM alliance_events ORDER BY clinic_id, partnership_id, version"
        ).fetchall()
        old = new = _common.GENESIS
        timeline = None
        expected = 1
        updates: list[tuple[Any, ...]] = []
        for position, clinic, pid, version, kind, shape, occurred, recorded, payload, chain in rows:
            if (clinic, pid) != timeline:
                old = new = _common.GENESIS
                timeline = (clinic, pid)
                expected = 1
            if verify:
                old = _common.chain_hash_1(old, int(version), payload)
                if int(version) != expected or chain != old:
                    why = "missing" if int(version) != expected else "edited or moved"
                    raise StoreError(
                        self._url,
                        f"cannot upgrade the hash chain: in clinic {clinic!r}, partnership "
                        f"{pid!r}, the event at version {expected} is {why} (the stored chain "
                        "does not hold); run verify_integrity with the alliance that wrote "
                        "this database",
                    )
            expected = int(version) + 1
            new = _common.chain_hash(
                new, clinic_id=clinic, partnership_id=pid, version=int(version),
                position=int(position), event_type=kind, schema_version=int(shape),
                occurred_at_us=int(occurred), recorded_at_us=int(recorded), payload=payload,
            )  # fmt: skip
            updates.append((new, position))
        if updates:
            self._executemany(
                conn,
                self._sql("UPDATE alliance_events SET chain_hash = ? WHERE position = ?"),
                updates,
            )
        _common.log.info(
            "the hash chain of %d stored events was %s, then re-chained to format %d",
            len(updates),
            "verified" if verify else "missing",
            _common.CHAIN_FORMAT,
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
            rows = _common.chained_rows(
                previous or _common.GENESIS,
                clinic_id=self._clinic_id,
                partnership_id=partnership_id,
                first_version=expected_version + 1,
                first_position=first_position,
                recorded_us=recorded_us,
                events=events,
                payloads=payloads,
            )
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

    # --- rebuilding the index and the read model ----------------------------------------

    def rebuild_read_model(self) -> None:
        """Rebuild this clinic's partnership index (``alliance_partnerships``: child,
        status, version, time zone, latest event; ``alliance_members``) and its read model
        (goals, observations) from its stored events, in one transaction: all of it or,
        when a stored event cannot be read, none of it. Reports and
        ``find_partnerships`` give the same rows before and after; use it after restoring
        or repairing the tables by hand.

        Raises:
            CorruptEventError: a stored event cannot be read, or a timeline has no
                forming event (nothing was changed).
        """
        with self._transaction(write=True) as conn:
            self._rebuild_index(conn)
            self._rebuild(conn, self._clinic_id)

    def _rebuild_index(self, conn: Connection) -> None:
        """Replace this clinic's index rows by those folded from its stored events: one
        partnership row per stored timeline (its version is the highest version stored,
        so an event missing in the middle is still reported by ``verify_integrity``), and
        every member who joined, current or not."""
        clinic = self._clinic_id
        totals = conn.execute(
            self._sql(
                "SELECT partnership_id, MAX(version), MAX(occurred_at_us) FROM alliance_events "
                "WHERE clinic_id = ? GROUP BY partnership_id ORDER BY partnership_id"
            ),
            (clinic,),
        ).fetchall()
        names = sorted(t.type_name for t in _common.INDEX_EVENTS)
        folded: dict[str, list[tuple[int, Event]]] = {}
        for pid, version, payload in conn.execute(
            self._sql(
                "SELECT partnership_id, version, payload FROM alliance_events "
                f"WHERE clinic_id = ? AND event_type IN ({', '.join('?' * len(names))}) "
                "ORDER BY partnership_id, version"
            ),
            (clinic, *names),
        ).fetchall():
            event = _common.decode(pid, int(version), payload)
            folded.setdefault(pid, []).append((int(version), event))
        partnerships: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        for pid, version, last_event_us in totals:
            row = _common.index_row(pid, folded.get(pid, []))
            formed = row.formed
            partnerships.append(
                (clinic, pid, formed.child_id, row.status.value, int(version),
                 formed.time_zone, int(last_event_us))
            )  # fmt: skip
            members.extend(
                (clinic, pid, member_id, role, int(current))
                for member_id, (role, current) in row.members.items()
            )
        conn.execute(self._sql("DELETE FROM alliance_members WHERE clinic_id = ?"), (clinic,))
        conn.execute(self._sql("DELETE FROM alliance_partnerships WHERE clinic_id = ?"), (clinic,))
        if partnerships:
            self._executemany(
                conn,
                self._sql(
                    "INSERT INTO alliance_partnerships (clinic_id, partnership_id, child_id, "
                    "status, version, time_zone, last_event_us) VALUES (?, ?, ?, ?, ?, ?, ?)"
                ),
                partnerships,
            )
        if members:
            self._executemany(
                conn,
                self._sql(
                    "INSERT INTO alliance_members "
                    "(clinic_id, partnership_id, member_id, role, is_current) "
                    "VALUES (?, ?, ?, ?, ?)"
                ),
                members,
            )

    def _timeline(
        self, pid: str, after: int, up_to: int | None, cutoff: pendulum.DateTime | None
    ) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage._common.OpenedStore._timeline`."""
        sql = (
            "SELECT position, version, recorded_at_us, payload FROM alliance_events "
            "WHERE clinic_id = ? AND partnership_id = ? AND version > ?"
        )
        params: list[Any] = [self._clinic_id, pid, after]
        if up_to is not None:
            sql += " AND version <= ?"
            params.append(up_to)
        if cutoff is not None:
            sql += " AND occurred_at_us <= ?"
            params.append(to_micros(cutoff))
        sql += " ORDER BY version"
        return tuple(self._stored(pid, row) for row in self._fetch(sql, params))

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
        sql, params = self._partnerships_query(
            "p.partnership_id, p.child_id, p.status, p.version", member_id, status
        )
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
        rows = self._fetch(
            "SELECT position, partnership_id, version, recorded_at_us, payload "
            "FROM alliance_events WHERE clinic_id = ? AND position > ? ORDER BY position LIMIT ?",
            (self._clinic_id, after, limit),
        )
        return tuple(self._stored(row[1], (row[0], *row[2:])) for row in rows)

    # --- tamper evidence (ChainStore) -------------------------------------------------

    def chain_records(self) -> tuple[ChainRecord, ...]:
        """See :meth:`alliance.storage.ChainStore.chain_records`."""
        rows = self._fetch(
            "SELECT position, clinic_id, partnership_id, version, event_type, schema_version, "
            "occurred_at_us, recorded_at_us, payload, chain_hash FROM alliance_events "
            "WHERE clinic_id = ? ORDER BY partnership_id, version",
            (self._clinic_id,),
        )
        return tuple(_common.chain_record(row) for row in rows)

    def index_records(self) -> tuple[IndexRecord, ...]:
        """See :meth:`alliance.storage.ChainStore.index_records`."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                self._sql(
                    "SELECT partnership_id, child_id, status, version, time_zone, last_event_us "
                    "FROM alliance_partnerships WHERE clinic_id = ? ORDER BY partnership_id"
                ),
                (self._clinic_id,),
            ).fetchall()
            members: dict[str, list[tuple[str, str, bool]]] = {}
            for pid, member_id, role, current in conn.execute(
                self._sql(
                    "SELECT partnership_id, member_id, role, is_current FROM alliance_members "
                    "WHERE clinic_id = ? ORDER BY partnership_id, member_id"
                ),
                (self._clinic_id,),
            ).fetchall():
                # current is 1 (the queries read "is_current = 1"): any other value is not
                members.setdefault(pid, []).append((member_id, role, current == 1))
        return tuple(
            IndexRecord(
                partnership_id=pid,
                child_id=child_id,
                status=status,
                version=int(version),
                time_zone=zone,
                last_event_us=None if last is None else int(last),
                members=tuple(members.pop(pid, ())),
            )
            for pid, child_id, status, version, zone, last in rows
        ) + tuple(  # members of a partnership the index no longer lists
            IndexRecord(
                partnership_id=pid,
                child_id="",
                status="",
                version=0,
                time_zone=None,
                last_event_us=None,
                members=tuple(held),
            )
            for pid, held in sorted(members.items())
        )

    def snapshot_records(self) -> tuple[SnapshotRecord, ...]:
        """See :meth:`alliance.storage.ChainStore.snapshot_records`."""
        rows = self._fetch(
            "SELECT partnership_id, version, payload FROM alliance_snapshots "
            "WHERE clinic_id = ? ORDER BY partnership_id",
            (self._clinic_id,),
        )
        return tuple(
            SnapshotRecord(partnership_id=pid, version=int(version), payload=payload)
            for pid, version, payload in rows
        )

    def read_model_records(self) -> ReadModelRecords:
        """See :meth:`alliance.storage.ChainStore.read_model_records`."""
        goals = self._fetch(
            f"SELECT {rm.GOAL_COLUMNS} FROM alliance_goals WHERE clinic_id = ? "
            "ORDER BY partnership_id, goal_id",
            (self._clinic_id,),
        )
        observations = self._fetch(
            f"SELECT {rm.OBSERVATION_COLUMNS} FROM alliance_observations WHERE clinic_id = ? "
            "ORDER BY partnership_id, observation_id",
            (self._clinic_id,),
        )
        return ReadModelRecords(
            goals=tuple(tuple(row) for row in goals),
            observations=tuple(tuple(row) for row in observations),
            goal_columns=tuple(rm.GOAL_COLUMNS.split(", ")),
            observation_columns=tuple(rm.OBSERVATION_COLUMNS.split(", ")),
        )

    # --- snapshots (SnapshotStore) ---------------------------------------------------

    def save_snapshot(self, state: PartnershipState) -> None:
        """See :meth:`alliance.storage.SnapshotStore.save_snapshot`."""
        if state.clinic_id != self._clinic_id:
            raise ValidationError("state.clinic_id", f"this store is open for {self._clinic_id!r}")
        key = (self._clinic_id, state.partnership_id)
        with self._transaction(write=True) as conn:
            row = conn.execute(
                self._sql(
                    "SELECT p.version, (SELECT e.chain_hash FROM alliance_events e "
                    "WHERE e.clinic_id = p.clinic_id AND e.partnership_id = p.partnership_id "
                    "AND e.version = ?) FROM alliance_partnerships p "
                    "WHERE p.clinic_id = ? AND p.partnership_id = ?"
                ),
                (state.version, *key),
            ).fetchone()
            if row is None or int(row[0]) < state.version:
                raise ValidationError(
                    "state.version", "a snapshot cannot be ahead of the stored timeline"
                )
            payload = _common.encode_snapshot(state, row[1])
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
        """See :meth:`alliance.storage.SnapshotStore.load_snapshot`. A snapshot bound to
        another timeline (another partnership, version or chain) is ignored and logged."""
        rows = self._fetch(
            "SELECT s.version, s.payload, e.chain_hash FROM alliance_snapshots s "
            "LEFT JOIN alliance_events e ON e.clinic_id = s.clinic_id "
            "AND e.partnership_id = s.partnership_id AND e.version = s.version "
            "WHERE s.clinic_id = ? AND s.partnership_id = ?",
            (self._clinic_id, partnership_id),
        )
        if not rows:
            return None
        version, payload, chain = rows[0]
        return _common.decode_snapshot(
            payload,
            clinic_id=self._clinic_id,
            partnership_id=partnership_id,
            version=int(version),
            chain_hash=chain,
        )

    def delete_snapshots(self) -> None:
        """See :meth:`alliance.storage.SnapshotStore.delete_snapshots`."""
        with self._transaction(write=True) as conn:
            conn.execute(
                self._sql("DELETE FROM alliance_snapshots WHERE clinic_id = ?"), (self._clinic_id,)
            )
