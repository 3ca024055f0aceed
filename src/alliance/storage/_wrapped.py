"""The machinery of a store that wraps another (:class:`~alliance.storage.AuditedStore`,
:class:`~alliance.storage.encryption.EncryptedStore`): every method of the interfaces
passed on, with hooks a wrapper overrides, and the wrapped store's read-model capability
kept.

A wrapper subclasses :class:`WrappedStore` and overrides the hooks it needs:
:meth:`~WrappedStore._reading` before each read, and the ``_in_*`` / ``_out_*``
transforms of what goes in and what comes out. It names its read-model and figures
classes (built on :class:`ReadModelWrapper` and :class:`FiguresWrapper`) in
``_read_model_class`` and ``_figures_class``, so that ``Wrapper(store, ...)`` is one of
them when *store* has that capability.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar

from alliance.errors import StoreError
from alliance.model.event import Event
from alliance.model.goals import GoalDomain, GoalStatus
from alliance.model.partnership import PartnershipStatus
from alliance.model.state import PartnershipState
from alliance.storage.interface import (
    ChainRecord,
    ChainStore,
    GoalFacts,
    GoalFigures,
    IndexRecord,
    PartnershipSummary,
    ProgressFiguresStore,
    PurgeStore,
    ReadModelPartnership,
    ReadModelRecords,
    ReadModelStore,
    ReportBounds,
    SnapshotRecord,
    SnapshotStore,
    Store,
    StoredEvent,
    Tombstone,
)


class WrappedStore:
    """A store passing every call on to the one it wraps, through its hooks."""

    _read_model_class: ClassVar[type[WrappedStore] | None] = None
    _figures_class: ClassVar[type[WrappedStore] | None] = None

    def __new__(cls, store: Store, *_args: Any, **_kwargs: Any) -> Any:
        """The wrapper with *store*'s read-model capability."""
        kind: type[WrappedStore] = cls
        if cls._figures_class is not None and isinstance(store, ProgressFiguresStore):
            kind = cls._figures_class
        elif cls._read_model_class is not None and isinstance(store, ReadModelStore):
            kind = cls._read_model_class
        return super().__new__(kind)

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def inner(self) -> Store:
        """The wrapped store."""
        return self._store

    @property
    def clinic_id(self) -> str:
        """The wrapped store's clinic."""
        return self._store.clinic_id

    @property
    def url(self) -> str:
        """The wrapped store's URL."""
        return self._store.url

    # --- the hooks -------------------------------------------------------------------------

    def _reading(
        self, partnership_id: str | None, operation: str, partnership_ids: tuple[str, ...] = ()
    ) -> None:
        """Called before every read (*operation* names it)."""

    def _in_events(
        self, partnership_id: str, events: Sequence[Event], expected_version: int
    ) -> Sequence[Event]:
        """What is appended in place of *events*."""
        del partnership_id, expected_version
        return events

    def _out_appended(
        self, events: Sequence[Event], stored: tuple[StoredEvent, ...]
    ) -> tuple[StoredEvent, ...]:
        """What ``append`` returns for *events*, given what the wrapped store returned."""
        del events
        return stored

    def _out_events(self, stored: tuple[StoredEvent, ...]) -> tuple[StoredEvent, ...]:
        """What a read of stored events returns."""
        return stored

    def _in_snapshot(self, state: PartnershipState) -> PartnershipState:
        """What is saved as the snapshot of *state*."""
        return state

    def _out_state(self, state: PartnershipState) -> PartnershipState | None:
        """What a read of a snapshot returns (``None``: the snapshot is ignored)."""
        return state

    def _out_facts(self, facts: list[GoalFacts]) -> list[GoalFacts]:
        """What a read of goal facts returns."""
        return facts

    def _out_figures(self, figures: list[GoalFigures]) -> list[GoalFigures]:
        """What a read of progress figures returns."""
        return figures

    # --- Store -----------------------------------------------------------------------------

    def append(
        self, partnership_id: str, events: Sequence[Event], *, expected_version: int
    ) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage.Store.append`."""
        events = list(events)
        sent = self._in_events(partnership_id, events, expected_version)
        stored = self._store.append(partnership_id, sent, expected_version=expected_version)
        return self._out_appended(events, stored)

    def load(
        self,
        partnership_id: str,
        *,
        after_version: int = 0,
        up_to_version: int | None = None,
        as_of: dt.datetime | None = None,
    ) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage.Store.load`."""
        self._reading(partnership_id, "load")
        stored = self._store.load(
            partnership_id, after_version=after_version, up_to_version=up_to_version, as_of=as_of
        )
        return self._out_events(stored)

    def find_partnerships(
        self, *, member_id: str | None = None, status: PartnershipStatus | None = None
    ) -> list[PartnershipSummary]:
        """See :meth:`alliance.storage.Store.find_partnerships`."""
        self._reading(None, "find_partnerships")
        return self._store.find_partnerships(member_id=member_id, status=status)

    def read_all(self, *, after: int = 0, limit: int = 1000) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage.Store.read_all`."""
        self._reading(None, "read_all")
        return self._out_events(self._store.read_all(after=after, limit=limit))

    def close(self) -> None:
        """Close the wrapped store."""
        self._store.close()

    # --- SnapshotStore ---------------------------------------------------------------------

    def save_snapshot(self, state: PartnershipState) -> None:
        """Passed on to a snapshot store; otherwise nothing."""
        if isinstance(self._store, SnapshotStore):
            self._store.save_snapshot(self._in_snapshot(state))

    def load_snapshot(self, partnership_id: str) -> PartnershipState | None:
        """Passed on to a snapshot store; otherwise ``None``."""
        if not isinstance(self._store, SnapshotStore):
            return None
        self._reading(partnership_id, "load_snapshot")
        state = self._store.load_snapshot(partnership_id)
        return None if state is None else self._out_state(state)

    def delete_snapshots(self) -> None:
        """Passed on to a snapshot store; otherwise nothing."""
        if isinstance(self._store, SnapshotStore):
            self._store.delete_snapshots()

    # --- ChainStore: the records as stored, for verify_integrity -------------------------

    def chain_records(self) -> tuple[ChainRecord, ...]:
        """Passed on to a hash-chain store, as stored.

        Raises:
            StoreError: the wrapped store keeps no hash chain.
        """
        return self._chain_store("chain_records").chain_records()

    def index_records(self) -> tuple[IndexRecord, ...]:
        """Passed on to a hash-chain store (read as ``"index_records"``).

        Raises:
            StoreError: the wrapped store keeps no hash chain.
        """
        return self._chain_store("index_records").index_records()

    def snapshot_records(self) -> tuple[SnapshotRecord, ...]:
        """Passed on to a hash-chain store, as stored (read as ``"snapshot_records"``).

        Raises:
            StoreError: the wrapped store keeps no hash chain.
        """
        return self._chain_store("snapshot_records").snapshot_records()

    def read_model_records(self) -> ReadModelRecords:
        """Passed on to a hash-chain store, as stored (read as ``"read_model_records"``).

        Raises:
            StoreError: the wrapped store keeps no hash chain.
        """
        return self._chain_store("read_model_records").read_model_records()

    def _chain_store(self, operation: str) -> ChainStore:
        if not isinstance(self._store, ChainStore):
            raise StoreError(self.url, "this store keeps no hash chain to verify")
        self._reading(None, operation)
        return self._store

    # --- PurgeStore ------------------------------------------------------------------------

    def purge(self, partnership_id: str, *, purged_by: str, reason: str) -> Tombstone:
        """Passed on to a store that can purge (a write: not a read).

        Raises:
            StoreError: the wrapped store cannot purge.
        """
        if not isinstance(self._store, PurgeStore):
            raise StoreError(self.url, "this store cannot purge a partnership")
        return self._store.purge(partnership_id, purged_by=purged_by, reason=reason)

    def tombstones(self) -> tuple[Tombstone, ...]:
        """Passed on to a store that can purge (read as ``"tombstones"``); otherwise
        none."""
        if not isinstance(self._store, PurgeStore):
            return ()
        self._reading(None, "tombstones")
        return self._store.tombstones()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._store!r}>"


def _bounds_ids(bounds: Sequence[ReportBounds]) -> tuple[str | None, tuple[str, ...]]:
    ids = tuple(b.partnership_id for b in bounds)
    return (ids[0] if len(set(ids)) == 1 else None), ids


class ReadModelWrapper(WrappedStore):
    """A wrapper of a :class:`~alliance.storage.ReadModelStore`, with its queries."""

    _store: ReadModelStore

    def report_partnerships(
        self, *, member_id: str | None = None, status: PartnershipStatus | None = None
    ) -> list[ReadModelPartnership]:
        """See :meth:`alliance.storage.ReadModelStore.report_partnerships`."""
        self._reading(None, "report_partnerships")
        return self._store.report_partnerships(member_id=member_id, status=status)

    def goal_facts(
        self,
        bounds: Sequence[ReportBounds],
        *,
        domain: GoalDomain | None = None,
        status: GoalStatus | None = None,
        figures: bool = True,
    ) -> list[GoalFacts]:
        """See :meth:`alliance.storage.ReadModelStore.goal_facts` (read naming the
        partnership when *bounds* has one, and every partnership in ``partnership_ids``)."""
        bounds = list(bounds)
        one, ids = _bounds_ids(bounds)
        self._reading(one, "goal_facts", ids)
        facts = self._store.goal_facts(bounds, domain=domain, status=status, figures=figures)
        return self._out_facts(facts)

    def rebuild_read_model(self) -> None:
        """Passed on (a write: it returns no stored data)."""
        self._store.rebuild_read_model()


class FiguresWrapper(ReadModelWrapper):
    """A wrapper of a :class:`~alliance.storage.ProgressFiguresStore`."""

    _store: ProgressFiguresStore

    def progress_figures(
        self,
        bounds: Sequence[ReportBounds],
        *,
        domain: GoalDomain | None = None,
        status: GoalStatus | None = None,
    ) -> list[GoalFigures]:
        """See :meth:`alliance.storage.ProgressFiguresStore.progress_figures` (read as
        :meth:`goal_facts` is)."""
        bounds = list(bounds)
        one, ids = _bounds_ids(bounds)
        self._reading(one, "progress_figures", ids)
        return self._out_figures(self._store.progress_figures(bounds, domain=domain, status=status))
