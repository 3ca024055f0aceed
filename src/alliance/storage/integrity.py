"""Tamper evidence: check that each partnership's stored events still form their hash
chain, and that the index, snapshots and read model derived from them agree with them
(:func:`verify_integrity`); and let the host log every read (:class:`AuditedStore`).

Each stored event's hash covers every column of it (clinic, partnership, version,
position, type, schema version, times), the hash of the event before it and its exact
stored payload text, so editing any of them, removing an event or moving one to another
version breaks the chain where it happened. A hash chain shows changes made by
anyone who did not also recompute every later hash; keep the latest hash of each
partnership (or of the whole store) somewhere else too to detect that as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from alliance.errors import AllianceError, StoreError
from alliance.storage import _common, _verify
from alliance.storage._wrapped import FiguresWrapper, ReadModelWrapper, WrappedStore
from alliance.storage.interface import (
    ChainRecord,
    ChainStore,
    IndexRecord,
    PurgeStore,
    ReadModelRecords,
    SnapshotRecord,
    Store,
    Tombstone,
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
    """Something stored that does not agree with what was recorded.

    Attributes:
        partnership_id: the partnership.
        version: the version the problem is at, or ``None`` where it is not at one
            version (an index row, a read-model row).
        part: what was checked (see :func:`verify_integrity`): ``"chain"``,
            ``"index"``, ``"snapshot"``, ``"read-model"`` or ``"purge"``.
        kind: in the chain, ``"edited"`` (the event stored there is not the one
            recorded: its payload or another column changed), ``"removed"`` (no event is
            stored there, or fewer than the index says) or ``"reordered"`` (the event
            stored there was recorded at another version), and ``"unreadable"`` (its hash
            holds but the stored event cannot be read); in the index,
            ``"differs"`` or ``"missing"``; for a snapshot, ``"ignored"`` (bound to
            another timeline, or unreadable: load ignores it) or ``"differs"`` (not the
            fold of its timeline); in the read model, ``"differs"``, ``"missing"`` or
            ``"extra"``; for a purge, ``"edited"`` (its tombstone) or ``"not-erased"``
            (rows of a purged partnership are stored again).
        detail: a plain-language explanation, naming the column where one differs.
    """

    partnership_id: str
    version: int | None
    kind: str
    detail: str
    part: str = "chain"


@attrs.frozen(kw_only=True)
class IntegrityReport:
    """What :func:`verify_integrity` found.

    Attributes:
        problems: every problem, by partnership id, part and version (empty when
            intact).
        partnerships: how many partnerships were checked.
        events: how many stored events were checked.
        snapshots: how many stored snapshots were checked.
    """

    problems: tuple[IntegrityProblem, ...]
    partnerships: int
    events: int
    snapshots: int = 0

    @property
    def ok(self) -> bool:
        """Whether everything checked is intact."""
        return not self.problems

    def problems_in(self, part: str) -> tuple[IntegrityProblem, ...]:
        """The problems found in one part (``"chain"``, ``"index"``, ``"snapshot"`` or
        ``"read-model"``)."""
        return tuple(p for p in self.problems if p.part == part)


def verify_integrity(store: Store) -> IntegrityReport:
    """Check everything *store* keeps of its clinic against what was recorded, and report
    each problem by partnership, part and version:

    - **the chain**: each partnership's stored events form their hash chain, which
      covers every column of each event (clinic, partnership, version, position, type,
      schema version, occurred and recorded times) and its exact payload text, so an
      edited, removed or reordered event is found where it happened;
    - **the index**: each partnership's index row (child, status, version, time zone,
      latest event, members and their roles) is the fold of its timeline;
    - **the snapshots**: each snapshot is bound to its timeline (its clinic,
      partnership, version, and the chain hash stored at that version; one that is not
      is ignored on load, and reported here) and holds the fold of that timeline up to
      its version;
    - **the read model**: each goal and observation row is the one the fold gives;
    - **the purges** (a :class:`PurgeStore`): each tombstone is the one recorded, and
      nothing of its partnership is stored again.

    The derived parts are checked for the timelines whose chain holds (a broken chain is
    the problem reported). Nothing is raised for damaged data: an unreadable payload or
    snapshot is reported.

    Raises:
        StoreError: *store* keeps no hash chain (it is not a :class:`ChainStore`).
    """
    if not isinstance(store, ChainStore):
        raise StoreError(store.url, "this store keeps no hash chain to verify")
    timelines: dict[str, list[ChainRecord]] = {}
    for record in store.chain_records():
        timelines.setdefault(record.partnership_id, []).append(record)
    indexed = {r.partnership_id: r for r in store.index_records()}
    snapshots = {r.partnership_id: r for r in store.snapshot_records()}
    stored_rm = store.read_model_records()
    goal_rows = _by_partnership(stored_rm.goals, stored_rm.goal_columns, "goal_id")
    observation_rows = _by_partnership(
        stored_rm.observations, stored_rm.observation_columns, "observation_id"
    )
    problems: list[IntegrityProblem] = []
    pids = sorted(
        timelines.keys() | indexed.keys() | snapshots.keys() | goal_rows.keys()
        | observation_rows.keys()
    )  # fmt: skip
    for pid in pids:
        found: list[IntegrityProblem] = []

        def report(part: str, version: int | None, kind: str, detail: str) -> None:
            found.append(IntegrityProblem(partnership_id=pid, version=version, part=part,  # noqa: B023
                                          kind=kind, detail=detail))  # fmt: skip

        rows = timelines.get(pid, [])
        in_index = indexed.get(pid)
        _verify.chain(
            0 if in_index is None or not in_index.status else in_index.version, rows, report
        )
        if not found and rows:
            try:
                _verify_derived(
                    store.clinic_id, pid, rows, in_index, snapshots.get(pid),
                    (goal_rows.get(pid, {}), observation_rows.get(pid, {})), stored_rm, report,
                )  # fmt: skip
            except AllianceError as exc:
                report("chain", getattr(exc, "version", None), "unreadable",
                       f"a stored event cannot be read: {exc}")  # fmt: skip
        elif not rows:
            if pid in snapshots:
                report("snapshot", snapshots[pid].version, "ignored",
                       "its snapshot is ignored on load: no timeline is stored for it")  # fmt: skip
            if pid in goal_rows or pid in observation_rows:
                report("read-model", None, "extra",
                       "the read model has rows for it, but no timeline is stored")  # fmt: skip
        problems.extend(found)
    if isinstance(store, PurgeStore):
        problems.extend(_verify_tombstones(store.tombstones(), timelines, indexed))
    return IntegrityReport(
        problems=tuple(problems),
        partnerships=len(pids),
        events=sum(len(rows) for rows in timelines.values()),
        snapshots=len(snapshots),
    )


def _verify_tombstones(
    tombstones: Sequence[Tombstone],
    timelines: dict[str, list[ChainRecord]],
    indexed: dict[str, IndexRecord],
) -> list[IntegrityProblem]:
    """Each tombstone against its own hash, and against what is still stored."""
    problems: list[IntegrityProblem] = []
    for found in tombstones:
        pid = found.partnership_id
        if _common.tombstone_hash(found) != found.tombstone_hash:
            problems.append(IntegrityProblem(partnership_id=pid, version=None, part="purge",
                                             kind="edited", detail=(
                "its tombstone is not the one the purge recorded (its hash does not match)"
            )))  # fmt: skip
        if pid in timelines or pid in indexed:
            problems.append(IntegrityProblem(partnership_id=pid, version=None, part="purge",
                                             kind="not-erased", detail=(
                "it was purged, but rows of it are stored again"
            )))  # fmt: skip
    return problems


def _by_partnership(
    rows: Sequence[tuple[Any, ...]], columns: Sequence[str], key: str
) -> dict[str, dict[str, tuple[Any, ...]]]:
    if not columns:
        return {}
    pid_at, key_at = columns.index("partnership_id"), columns.index(key)
    out: dict[str, dict[str, tuple[Any, ...]]] = {}
    for row in rows:
        out.setdefault(row[pid_at], {})[row[key_at]] = row
    return out


def _verify_derived(  # noqa: PLR0917 (private; one call)
    clinic_id: str,
    pid: str,
    rows: Sequence[ChainRecord],
    record: IndexRecord | None,
    snapshot: SnapshotRecord | None,
    read_model: tuple[dict[str, tuple[Any, ...]], dict[str, tuple[Any, ...]]],
    stored_rm: ReadModelRecords,
    report: _verify.Report,
) -> None:
    """The index, snapshot and read model of an intact timeline."""
    _verify.index(pid, record, rows, report)
    at = {snapshot.version} if snapshot is not None else set()
    if not stored_rm.goal_columns and not at:
        return
    state, states, goals, observations = _verify.fold(pid, rows, at)
    if snapshot is not None:
        _verify.snapshot(clinic_id, snapshot, rows, states.get(snapshot.version), report)
    if stored_rm.goal_columns:
        want_goals, want_observations = _verify.folded_rows(clinic_id, state, goals, observations)
        _verify.read_model("alliance_goals", stored_rm.goal_columns, read_model[0],
                           want_goals, report)  # fmt: skip
        _verify.read_model("alliance_observations", stored_rm.observation_columns,
                           read_model[1], want_observations, report)  # fmt: skip


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


class AuditedStore(WrappedStore):
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

    def __init__(self, store: Store, on_read: Callable[[ReadAccess], None]) -> None:
        super().__init__(store)
        self._on_read = on_read

    def _reading(
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


class _AuditedReadModelStore(ReadModelWrapper, AuditedStore):
    """An :class:`AuditedStore` of a :class:`~alliance.storage.ReadModelStore`: its
    queries are audited like every other read."""


class _AuditedFiguresStore(FiguresWrapper, _AuditedReadModelStore):
    """An :class:`AuditedStore` of a :class:`~alliance.storage.ProgressFiguresStore`."""


AuditedStore._read_model_class = _AuditedReadModelStore
AuditedStore._figures_class = _AuditedFiguresStore
