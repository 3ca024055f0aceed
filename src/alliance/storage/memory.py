"""``memory://`` — timelines kept in this process, for tests and prototypes.

Thread-safe: one lock guards every read and write. Nothing survives the process.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pendulum

from alliance.errors import ConcurrencyError, StoreError, ValidationError
from alliance.model._time import to_micros
from alliance.model.event import Event
from alliance.model.partnership import PartnershipStatus
from alliance.model.state import PartnershipState
from alliance.storage import _common
from alliance.storage.interface import (
    ChainRecord,
    IndexRecord,
    PartnershipSummary,
    ReadModelRecords,
    SnapshotRecord,
    StoredEvent,
)

__all__ = ["MemoryStore"]


class _Shared:
    """Everything stored under one ``memory://NAME``, shared by every store opened on it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.events: list[tuple[str, StoredEvent]] = []  # (clinic id, stored event)
        self.timelines: dict[tuple[str, str], list[StoredEvent]] = {}
        self.index: dict[tuple[str, str], PartnershipSummary] = {}
        self.snapshots: dict[tuple[str, str], tuple[int, str]] = {}  # (version, payload)
        # (clinic, partnership) -> its stored rows with their chain hashes, in version order
        self.chains: dict[tuple[str, str], list[_common.ChainedRow]] = {}
        # (clinic, partnership) -> member id -> (role, whether current)
        self.members: dict[tuple[str, str], dict[str, tuple[str, bool]]] = {}


_NAMED: dict[str, _Shared] = {}
_NAMED_LOCK = threading.Lock()


class MemoryStore(_common.OpenedStore):
    """A :class:`~alliance.storage.Store` in memory.

    ``MemoryStore(clinic_id)`` is private to the object; ``MemoryStore(clinic_id,
    name="x")`` (or ``open_store("memory://x", ...)``) shares its data with every other
    store opened on the same name in this process, as two clinics' stores on one
    database would.
    """

    def __init__(self, clinic_id: str, *, name: str | None = None) -> None:
        super().__init__(clinic_id, f"memory://{name or ''}")
        if name is None:
            self._shared = _Shared()
        else:
            with _NAMED_LOCK:
                self._shared = _NAMED.setdefault(name, _Shared())
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(self._url, "the store is closed")

    def append(
        self, partnership_id: str, events: Sequence[Event], *, expected_version: int
    ) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage.Store.append`."""
        self._check_open()
        events = list(events)
        _common.check_batch(self._clinic_id, partnership_id, events, expected_version)
        key = (self._clinic_id, partnership_id)
        shared = self._shared
        payloads = [_common.encode(e) for e in events]
        with shared.lock:
            timeline = shared.timelines.get(key, [])
            if len(timeline) != expected_version:
                raise ConcurrencyError(partnership_id, expected_version, len(timeline))
            recorded_at = _common.now_utc()
            start = len(shared.events)
            stored = tuple(
                StoredEvent(
                    position=start + offset + 1,
                    partnership_id=partnership_id,
                    version=expected_version + offset + 1,
                    recorded_at=recorded_at,
                    event=event,
                )
                for offset, event in enumerate(events)
            )
            chain = shared.chains.get(key, [])
            shared.chains[key] = [
                *chain,
                *_common.chained_rows(
                    chain[-1][-1] if chain else _common.GENESIS,
                    clinic_id=self._clinic_id,
                    partnership_id=partnership_id,
                    first_version=expected_version + 1,
                    first_position=start + 1,
                    recorded_us=to_micros(recorded_at),
                    events=events,
                    payloads=payloads,
                ),
            ]
            change = _common.index_change(events)
            members = shared.members.setdefault(key, {})
            members.update((m, (role, True)) for m, role in change.joined.items())
            members.update((m, (members[m][0], False)) for m in change.left if m in members)
            shared.timelines[key] = [*timeline, *stored]
            shared.events.extend((self._clinic_id, s) for s in stored)
            shared.index[key] = _updated_summary(
                shared.index.get(key), change, len(timeline) + len(stored)
            )
        return stored

    def _timeline(
        self, pid: str, after: int, up_to: int | None, cutoff: pendulum.DateTime | None
    ) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage._common.OpenedStore._timeline`."""
        self._check_open()
        with self._shared.lock:
            timeline = list(self._shared.timelines.get((self._clinic_id, pid), ()))
        return tuple(
            s
            for s in timeline
            if s.version > after
            and (up_to is None or s.version <= up_to)
            and (cutoff is None or s.event.occurred_at <= cutoff)
        )

    def find_partnerships(
        self, *, member_id: str | None = None, status: PartnershipStatus | None = None
    ) -> list[PartnershipSummary]:
        """See :meth:`alliance.storage.Store.find_partnerships`."""
        self._check_open()
        with self._shared.lock:
            found = [
                s for (clinic, _), s in self._shared.index.items() if clinic == self._clinic_id
            ]
        return sorted(
            (
                s
                for s in found
                if (member_id is None or member_id in s.members)
                and (status is None or s.status is status)
            ),
            key=lambda s: s.partnership_id,
        )

    def read_all(self, *, after: int = 0, limit: int = 1000) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage.Store.read_all`."""
        self._check_open()
        with self._shared.lock:
            tail = self._shared.events[max(after, 0) :]
        mine = (s for clinic, s in tail if clinic == self._clinic_id)
        out: list[StoredEvent] = []
        for stored in mine:
            if len(out) >= limit:
                break
            out.append(stored)
        return tuple(out)

    def chain_records(self) -> tuple[ChainRecord, ...]:
        """See :meth:`alliance.storage.ChainStore.chain_records`."""
        self._check_open()
        with self._shared.lock:
            chains = sorted(
                (pid, list(rows))
                for (clinic, pid), rows in self._shared.chains.items()
                if clinic == self._clinic_id
            )
        return tuple(
            _common.chain_record(row)
            for _, rows in chains
            for row in sorted(rows, key=lambda row: row[3])
        )

    def index_records(self) -> tuple[IndexRecord, ...]:
        """See :meth:`alliance.storage.ChainStore.index_records`."""
        self._check_open()
        with self._shared.lock:
            found = sorted(
                (pid, s, dict(self._shared.members.get((clinic, pid), {})),
                 list(self._shared.timelines.get((clinic, pid), ())))
                for (clinic, pid), s in self._shared.index.items()
                if clinic == self._clinic_id
            )  # fmt: skip
        records = []
        for pid, summary, members, timeline in found:
            formed = timeline[0].event if timeline else None
            records.append(
                IndexRecord(
                    partnership_id=pid,
                    child_id=summary.child_id,
                    status=summary.status.value,
                    version=summary.version,
                    time_zone=getattr(formed, "time_zone", None),
                    last_event_us=max(
                        (to_micros(s.event.occurred_at) for s in timeline), default=None
                    ),
                    members=tuple(
                        (m, role, current and m in summary.members)
                        for m, (role, current) in sorted(members.items())
                    ),
                )
            )
        return tuple(records)

    def snapshot_records(self) -> tuple[SnapshotRecord, ...]:
        """See :meth:`alliance.storage.ChainStore.snapshot_records`."""
        self._check_open()
        with self._shared.lock:
            kept = sorted(
                (pid, held) for (clinic, pid), held in self._shared.snapshots.items()
                if clinic == self._clinic_id
            )  # fmt: skip
        return tuple(
            SnapshotRecord(partnership_id=pid, version=version, payload=payload)
            for pid, (version, payload) in kept
        )

    def read_model_records(self) -> ReadModelRecords:
        """See :meth:`alliance.storage.ChainStore.read_model_records`: none (a memory
        store keeps no read model)."""
        self._check_open()
        return ReadModelRecords()

    def save_snapshot(self, state: PartnershipState) -> None:
        """See :meth:`alliance.storage.SnapshotStore.save_snapshot`."""
        self._check_open()
        if state.clinic_id != self._clinic_id:
            raise ValidationError("state.clinic_id", f"this store is open for {self._clinic_id!r}")
        key = (self._clinic_id, state.partnership_id)
        with self._shared.lock:
            if len(self._shared.timelines.get(key, ())) < state.version:
                raise ValidationError(
                    "state.version", "a snapshot cannot be ahead of the stored timeline"
                )
            chain = self._chain_hash(key, state.version)
            self._shared.snapshots[key] = (
                state.version,
                _common.encode_snapshot(state, chain),
            )

    def _chain_hash(self, key: tuple[str, str], version: int) -> str | None:
        rows = self._shared.chains.get(key, [])
        if 0 < version <= len(rows) and rows[version - 1][3] == version:  # as appended
            return rows[version - 1][-1]
        return next((row[-1] for row in rows if row[3] == version), None)

    def load_snapshot(self, partnership_id: str) -> PartnershipState | None:
        """See :meth:`alliance.storage.SnapshotStore.load_snapshot`."""
        self._check_open()
        key = (self._clinic_id, partnership_id)
        with self._shared.lock:
            held = self._shared.snapshots.get(key)
            if held is None:
                return None
            chain = self._chain_hash(key, held[0])
        return _common.decode_snapshot(
            held[1],
            clinic_id=self._clinic_id,
            partnership_id=partnership_id,
            version=held[0],
            chain_hash=chain,
        )

    def delete_snapshots(self) -> None:
        """See :meth:`alliance.storage.SnapshotStore.delete_snapshots`."""
        self._check_open()
        with self._shared.lock:
            for key in [k for k in self._shared.snapshots if k[0] == self._clinic_id]:
                del self._shared.snapshots[key]

    def close(self) -> None:
        """Mark the store closed; the data stays for other stores on the same name."""
        self._closed = True


def _updated_summary(
    summary: PartnershipSummary | None, change: _common.IndexChange, version: int
) -> PartnershipSummary:
    if summary is None:
        assert change.formed is not None  # checked by check_batch
        summary = PartnershipSummary(
            partnership_id=change.formed.partnership_id,
            clinic_id=change.formed.clinic_id,
            child_id=change.formed.child_id,
            status=PartnershipStatus.FORMING,
            version=0,
            members=frozenset(),
        )
    members = (summary.members | change.joined.keys()) - change.left
    return PartnershipSummary(
        partnership_id=summary.partnership_id,
        clinic_id=summary.clinic_id,
        child_id=summary.child_id,
        status=change.status or summary.status,
        version=version,
        members=frozenset(members),
    )
