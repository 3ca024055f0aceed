"""Tamper evidence: check that each partnership's stored events still form their hash
chain (:func:`verify_integrity`), and let the host log every read (:class:`AuditedStore`).

Each stored event's hash covers its version, the hash of the event before it and its
exact stored payload text, so editing a payload, removing an event or moving one to
another version breaks the chain where it happened. A hash chain shows changes made by
anyone who did not also recompute every later hash; keep the latest hash of each
partnership (or of the whole store) somewhere else too to detect that as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import attrs

from alliance.errors import StoreError
from alliance.model.event import Event
from alliance.model.goals import GoalDomain, GoalStatus
from alliance.model.partnership import PartnershipStatus
from alliance.model.state import PartnershipState
from alliance.storage import _common
from alliance.storage.interface import (
    ChainRecord,
    ChainStore,
    GoalFacts,
    GoalFigures,
    PartnershipSummary,
    ProgressFiguresStore,
    ReadModelPartnership,
    ReadModelStore,
    ReportBounds,
    SnapshotStore,
    Store,
    StoredEvent,
)

__all__ = [
    "AuditedStore",
    "IntegrityProblem",
    "IntegrityReport",
    "ReadAccess",
    "verify_integrity",
]


@attrs.frozen(kw_only=True)
class IntegrityProblem:
    """Where a partnership's hash chain is broken.

    Attributes:
        partnership_id: the partnership.
        version: the version the problem is at.
        kind: ``"edited"`` (the event stored there is not the one recorded),
            ``"removed"`` (no event is stored there, or fewer than the index says) or
            ``"reordered"`` (the event stored there was recorded at another version).
        detail: a plain-language explanation.
    """

    partnership_id: str
    version: int
    kind: str
    detail: str


@attrs.frozen(kw_only=True)
class IntegrityReport:
    """What :func:`verify_integrity` found.

    Attributes:
        problems: every break, by partnership id and version (empty when intact).
        partnerships: how many partnerships were checked.
        events: how many stored events were checked.
    """

    problems: tuple[IntegrityProblem, ...]
    partnerships: int
    events: int

    @property
    def ok(self) -> bool:
        """Whether every chain is intact."""
        return not self.problems


def verify_integrity(store: Store) -> IntegrityReport:
    """Check every hash chain of *store*'s clinic and report each edited, removed or
    reordered event by partnership and version. Payloads are not decoded, so an
    unreadable payload is reported, not raised.

    Raises:
        StoreError: *store* keeps no hash chain (it is not a :class:`ChainStore`).
    """
    if not isinstance(store, ChainStore):
        raise StoreError(store.url, "this store keeps no hash chain to verify")
    by_partnership: dict[str, list[ChainRecord]] = {}
    for record in store.chain_records():
        by_partnership.setdefault(record.partnership_id, []).append(record)
    problems: list[IntegrityProblem] = []
    events = 0
    for partnership_id, records in by_partnership.items():
        rows = [r for r in records if r.version is not None]
        events += len(rows)
        problems.extend(_verify_chain(partnership_id, records[0].expected_version, rows))
    return IntegrityReport(
        problems=tuple(problems), partnerships=len(by_partnership), events=events
    )


def _hash_of(previous: str, version: int, record: ChainRecord) -> str:
    return _common.chain_hash(previous, version, record.payload or "")


def _verify_chain(
    partnership_id: str, expected: int, rows: Sequence[ChainRecord]
) -> list[IntegrityProblem]:
    """Follow the chain version by version. The row stored at a version is tried first;
    when it does not fit, any other row that fits there was moved ("reordered"), and
    otherwise the event there was edited (or removed, when none is stored there)."""
    at: dict[int, ChainRecord] = {}
    for record in rows:
        assert record.version is not None
        at.setdefault(record.version, record)
    stored_hash = {v: r.chain_hash for v, r in at.items()}
    last = max([expected, *at])
    problems: list[IntegrityProblem] = []

    def problem(version: int, kind: str, detail: str) -> None:
        problems.append(IntegrityProblem(partnership_id=partnership_id, version=version,
                                         kind=kind, detail=detail))  # fmt: skip

    previous: str | None = _common.GENESIS
    for version in range(1, last + 1):
        row = at.get(version)
        if previous is None:  # the event before was removed: nothing to check against
            previous = None if row is None else row.chain_hash
            if row is None:
                problem(version, "removed", f"no event is stored at version {version}")
            continue
        if row is not None and row.chain_hash == _hash_of(previous, version, row):
            previous = row.chain_hash
            continue
        moved = next(
            (
                other
                for v, other in sorted(at.items())
                if v != version and other.chain_hash == _hash_of(previous, version, other)
            ),
            None,
        )
        if moved is not None:
            problem(
                version,
                "reordered",
                f"the event recorded at version {version} is stored at version {moved.version}",
            )
            previous = moved.chain_hash
        elif row is None:
            problem(version, "removed", f"no event is stored at version {version}")
            previous = None
        else:
            origin = next(
                (
                    v
                    for v in sorted(at)
                    if v != version
                    and stored_hash[v] == _hash_of(stored_hash.get(v - 1) or "", v, row)
                ),
                None,
            )
            if origin is not None:
                problem(version, "reordered",
                        f"the payload stored at version {version} was recorded at version "
                        f"{origin}")  # fmt: skip
            else:
                problem(
                    version,
                    "edited",
                    f"the payload stored at version {version} is not the one recorded "
                    "(its hash does not match)",
                )
            previous = row.chain_hash
    return problems


# --- audit: log every read ---------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ReadAccess:
    """One read of a store, as given to an :class:`AuditedStore`'s hook.

    Attributes:
        clinic_id: the store's clinic.
        partnership_id: the partnership read, or ``None`` for reads across the clinic
            (``read_all``, ``find_partnerships``, ``chain_records``,
            ``report_partnerships``) and for read-model queries over several
            partnerships.
        operation: the method called (``"load"``, ``"load_snapshot"``, ``"read_all"``,
            ``"find_partnerships"``, ``"chain_records"``, and on a store with a read
            model ``"report_partnerships"``, ``"goal_facts"``, ``"progress_figures"``).
        at: when (UTC).
        partnership_ids: every partnership a read-model query (``goal_facts``,
            ``progress_figures``) reads, in the order asked; for the other reads, the
            partnership read (empty for reads across the clinic).
    """

    clinic_id: str
    partnership_id: str | None
    operation: str
    at: dt.datetime
    partnership_ids: tuple[str, ...] = ()


class AuditedStore:
    """Wraps a store and calls ``on_read(ReadAccess)`` before every read, so the host
    can log who read which partnership (the hook knows the user; the store does not).

    The hook runs before the read, once per call; if it raises, the read does not
    happen. Writes go straight through. Snapshot and hash-chain methods are passed on
    when the wrapped store has them. A wrapped store with a read model
    (:class:`~alliance.storage.ReadModelStore`, and
    :class:`~alliance.storage.ProgressFiguresStore` on top of it) gives a wrapper with
    the same capability, whose queries are audited too, so reports still run in SQL.
    No other method of the wrapped store is passed on: reach it through :attr:`inner`,
    which is not audited.
    """

    def __new__(cls, store: Store, on_read: Callable[[ReadAccess], None]) -> AuditedStore:
        """The wrapper with *store*'s read-model capability (see the class)."""
        del on_read  # taken by __init__
        kind: type[AuditedStore] = cls
        if cls is AuditedStore:
            if isinstance(store, ProgressFiguresStore):
                kind = _AuditedFiguresStore
            elif isinstance(store, ReadModelStore):
                kind = _AuditedReadModelStore
        return super().__new__(kind)

    def __init__(self, store: Store, on_read: Callable[[ReadAccess], None]) -> None:
        self._store = store
        self._on_read = on_read

    @property
    def inner(self) -> Store:
        """The wrapped store (its reads are not audited)."""
        return self._store

    @property
    def clinic_id(self) -> str:
        """The wrapped store's clinic."""
        return self._store.clinic_id

    @property
    def url(self) -> str:
        """The wrapped store's URL."""
        return self._store.url

    def _read(
        self, partnership_id: str | None, operation: str, partnership_ids: tuple[str, ...] = ()
    ) -> None:
        if partnership_id is not None and not partnership_ids:
            partnership_ids = (partnership_id,)
        self._on_read(
            ReadAccess(
                clinic_id=self._store.clinic_id,
                partnership_id=partnership_id,
                operation=operation,
                at=_common.now_utc(),
                partnership_ids=partnership_ids,
            )
        )

    def append(
        self, partnership_id: str, events: Sequence[Event], *, expected_version: int
    ) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage.Store.append`."""
        return self._store.append(partnership_id, events, expected_version=expected_version)

    def load(
        self,
        partnership_id: str,
        *,
        after_version: int = 0,
        up_to_version: int | None = None,
        as_of: dt.datetime | None = None,
    ) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage.Store.load`; logged."""
        self._read(partnership_id, "load")
        return self._store.load(
            partnership_id, after_version=after_version, up_to_version=up_to_version, as_of=as_of
        )

    def find_partnerships(
        self, *, member_id: str | None = None, status: PartnershipStatus | None = None
    ) -> list[PartnershipSummary]:
        """See :meth:`alliance.storage.Store.find_partnerships`; logged."""
        self._read(None, "find_partnerships")
        return self._store.find_partnerships(member_id=member_id, status=status)

    def read_all(self, *, after: int = 0, limit: int = 1000) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage.Store.read_all`; logged."""
        self._read(None, "read_all")
        return self._store.read_all(after=after, limit=limit)

    def save_snapshot(self, state: PartnershipState) -> None:
        """Passed on to a snapshot store; otherwise nothing."""
        if isinstance(self._store, SnapshotStore):
            self._store.save_snapshot(state)

    def load_snapshot(self, partnership_id: str) -> PartnershipState | None:
        """Passed on to a snapshot store (logged); otherwise ``None``."""
        if not isinstance(self._store, SnapshotStore):
            return None
        self._read(partnership_id, "load_snapshot")
        return self._store.load_snapshot(partnership_id)

    def delete_snapshots(self) -> None:
        """Passed on to a snapshot store; otherwise nothing."""
        if isinstance(self._store, SnapshotStore):
            self._store.delete_snapshots()

    def chain_records(self) -> tuple[ChainRecord, ...]:
        """Passed on to a hash-chain store (logged).

        Raises:
            StoreError: the wrapped store keeps no hash chain.
        """
        if not isinstance(self._store, ChainStore):
            raise StoreError(self.url, "this store keeps no hash chain to verify")
        self._read(None, "chain_records")
        return self._store.chain_records()

    def close(self) -> None:
        """Close the wrapped store."""
        self._store.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._store!r}>"


def _bounds_ids(bounds: Sequence[ReportBounds]) -> tuple[str | None, tuple[str, ...]]:
    ids = tuple(b.partnership_id for b in bounds)
    return (ids[0] if len(set(ids)) == 1 else None), ids


class _AuditedReadModelStore(AuditedStore):
    """An :class:`AuditedStore` of a :class:`~alliance.storage.ReadModelStore`: its
    queries are audited like every other read."""

    _store: ReadModelStore

    def report_partnerships(
        self, *, member_id: str | None = None, status: PartnershipStatus | None = None
    ) -> list[ReadModelPartnership]:
        """See :meth:`alliance.storage.ReadModelStore.report_partnerships`; logged."""
        self._read(None, "report_partnerships")
        return self._store.report_partnerships(member_id=member_id, status=status)

    def goal_facts(
        self,
        bounds: Sequence[ReportBounds],
        *,
        domain: GoalDomain | None = None,
        status: GoalStatus | None = None,
        figures: bool = True,
    ) -> list[GoalFacts]:
        """See :meth:`alliance.storage.ReadModelStore.goal_facts`; logged (naming the
        partnership when *bounds* has one, and every partnership in ``partnership_ids``)."""
        bounds = list(bounds)
        one, ids = _bounds_ids(bounds)
        self._read(one, "goal_facts", ids)
        return self._store.goal_facts(bounds, domain=domain, status=status, figures=figures)

    def rebuild_read_model(self) -> None:
        """Passed on (a write: it returns no stored data)."""
        self._store.rebuild_read_model()


class _AuditedFiguresStore(_AuditedReadModelStore):
    """An :class:`AuditedStore` of a :class:`~alliance.storage.ProgressFiguresStore`."""

    _store: ProgressFiguresStore

    def progress_figures(
        self,
        bounds: Sequence[ReportBounds],
        *,
        domain: GoalDomain | None = None,
        status: GoalStatus | None = None,
    ) -> list[GoalFigures]:
        """See :meth:`alliance.storage.ProgressFiguresStore.progress_figures`; logged as
        :meth:`goal_facts` is."""
        bounds = list(bounds)
        one, ids = _bounds_ids(bounds)
        self._read(one, "progress_figures", ids)
        return self._store.progress_figures(bounds, domain=domain, status=status)
