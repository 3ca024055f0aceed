"""Storage: keep partnership timelines in memory, SQLite, PostgreSQL or a vendor's backend.

Open a store by URL with :func:`open_store`; the interface every backend implements is
:class:`Store` (see :mod:`alliance.storage.interface`). :func:`start_partnership`,
:func:`load_partnership` and :func:`update` are the verbs most code needs.
"""

from __future__ import annotations

import datetime as dt
import os
import urllib.parse
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from alliance.errors import ConcurrencyError, StoreError, UnknownRecordError, ValidationError
from alliance.model.authorisation import Policy
from alliance.model.event import Event
from alliance.model.partnership import PartnershipFormed
from alliance.model.timeline import Partnership
from alliance.storage import _secrets
from alliance.storage._common import mask_url
from alliance.storage.integrity import (
    AuditedStore,
    IntegrityProblem,
    IntegrityReport,
    ReadAccess,
    verify_integrity,
)
from alliance.storage.interface import (
    ChainRecord,
    ChainStore,
    GoalFacts,
    GoalFigures,
    IndexRecord,
    MeasuredRow,
    PartnershipSummary,
    ProgressFiguresStore,
    ReadModelPartnership,
    ReadModelRecords,
    ReadModelStore,
    ReportBounds,
    SnapshotRecord,
    SnapshotStore,
    Store,
    StoredEvent,
)
from alliance.storage.memory import MemoryStore
from alliance.storage.sqlite import SQLiteStore

__all__ = [
    "ENTRY_POINT_GROUP",
    "AuditedStore",
    "ChainRecord",
    "ChainStore",
    "GoalFacts",
    "GoalFigures",
    "IndexRecord",
    "IntegrityProblem",
    "IntegrityReport",
    "MeasuredRow",
    "MemoryStore",
    "ReadAccess",
    "PartnershipSummary",
    "ProgressFiguresStore",
    "ReadModelPartnership",
    "ReadModelRecords",
    "ReadModelStore",
    "ReportBounds",
    "SQLiteStore",
    "SnapshotRecord",
    "SnapshotStore",
    "Store",
    "StoredEvent",
    "default_url",
    "load_partnership",
    "open_store",
    "rebuild_read_model",
    "start_partnership",
    "update",
    "verify_integrity",
]

ENTRY_POINT_GROUP = "alliance.stores"
"""Third-party backends register a factory ``(url, clinic_id) -> Store`` under this
entry-point group, named by their URL scheme."""

StoreFactory = Callable[[str, str], Store]


def _memory(url: str, clinic_id: str) -> Store:
    name = urllib.parse.urlsplit(url).netloc or None
    return MemoryStore(clinic_id, name=name)


def _sqlite(url: str, clinic_id: str) -> Store:
    return SQLiteStore.from_url(url, clinic_id)


def _postgres(url: str, clinic_id: str) -> Store:
    try:
        from alliance.storage.postgres import PostgresStore  # noqa: PLC0415 (optional extra)
    except ImportError as exc:
        raise StoreError(
            mask_url(url), "PostgreSQL needs the extra: pip install 'alliance[postgres]'"
        ) from exc
    return PostgresStore.from_url(url, clinic_id)


_BUILT_IN: dict[str, StoreFactory] = {
    "memory": _memory,
    "sqlite": _sqlite,
    "postgresql": _postgres,
    "postgres": _postgres,
}


def default_url() -> str:
    """Where :func:`open_store` keeps data when given no URL.

    ``$ALLIANCE_STORE_URL`` if set; otherwise an SQLite file ``alliance.db`` under
    ``$XDG_DATA_HOME/alliance`` (``~/.local/share/alliance`` when that is unset).
    """
    configured = os.environ.get("ALLIANCE_STORE_URL")
    if configured:
        return configured
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'alliance' / 'alliance.db'}"


def open_store(url: str | None = None, *, clinic_id: str) -> Store:
    """Open the store at *url* for *clinic_id*.

    Built-in schemes: ``memory://[name]``, ``sqlite:///relative.db`` /
    ``sqlite:////absolute.db`` (optionally ``?mode=ro``, read-only, or ``?mode=rw``,
    read-write: both refuse a file that does not exist instead of creating it; see
    :mod:`alliance.storage.sqlite`), ``postgresql://user:pass@host/db`` (with the
    ``postgres`` extra). Other schemes come from backends registered under the
    ``alliance.stores`` entry-point group.

    Raises:
        StoreError: an unknown scheme, or a server or file that cannot be opened (a
            SQLite file that does not exist, with ``mode=ro`` or ``mode=rw``); the
            message names the URL with any password masked.
        ValidationError: (field ``url``) a malformed SQLite URL, or an option it does
            not take (anything but ``mode=ro|rw|rwc``), named in the message.
    """
    url = url or default_url()
    scheme = _secrets.scheme(url)
    factory = _BUILT_IN.get(scheme) or _plugin(scheme)
    masked = _secrets.mask(url)
    if factory is None:
        known = sorted({*_BUILT_IN, *(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))})
        raise StoreError(
            masked.text, f"no storage backend for scheme {scheme!r}; known: {', '.join(known)}"
        )
    try:
        return factory(url, clinic_id)
    except (StoreError, ValidationError) as exc:
        masked.clean(exc)  # the built-in backends mask their own; a plugin's may not
        raise
    except Exception as exc:  # a backend's own failure: name the URL, hide the password
        cause = masked.clean(exc)
        raise StoreError(masked.text, f"cannot open the store: {masked.scrub(str(exc))}") from cause


def rebuild_read_model(store: Store) -> None:
    """Rebuild *store*'s read model of goals and observations, and its partnership index
    (each partnership's status, version and current members, behind
    ``find_partnerships``), from its stored events, in one transaction.

    The SQL stores keep both in the same transaction as the events, so this is only
    needed after the tables were restored or repaired by hand; reports and
    ``find_partnerships`` give the same rows before and after. The stored events are
    taken as the truth: run :func:`verify_integrity` first.

    Raises:
        ValidationError: the store keeps no read model (memory and plugin stores
            without one: their reports fold the timelines instead).
        CorruptEventError: a stored event cannot be read, or a timeline has no forming
            event (nothing was changed).
    """
    if not isinstance(store, ReadModelStore):
        raise ValidationError(
            "store",
            f"{type(store).__name__} keeps no read model of goals and observations; its "
            "reports fold the timelines, so there is nothing to rebuild",
        )
    store.rebuild_read_model()


def _plugin(scheme: str) -> StoreFactory | None:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == scheme:
            factory: StoreFactory = ep.load()
            return factory
    return None


def start_partnership(
    store: Store,
    formed: PartnershipFormed,
    more: Sequence[Event] = (),
    *,
    policy: Policy | None = None,
) -> Partnership:
    """Record a new partnership (its forming event and any *more*) in *store*.

    The events are checked (and authorised by *policy*) like
    :meth:`Partnership.record_all` before anything is written.

    Raises:
        ConcurrencyError: a partnership with this id already exists.
    """
    partnership = Partnership.form(formed, policy=policy)
    partnership.record_all(list(more))
    store.append(formed.partnership_id, partnership.events, expected_version=0)
    return partnership


def load_partnership(
    store: Store,
    partnership_id: str,
    *,
    as_of: dt.datetime | None = None,
    use_snapshot: bool = True,
    policy: Policy | None = None,
) -> Partnership:
    """Load a partnership from *store* (only the events up to *as_of*, if given).

    *policy* authorises what is recorded on the loaded partnership (see
    :meth:`Partnership.form`); the stored events are folded without it.

    With no *as_of*, a snapshot the store keeps is used when it can be: the result then
    holds only the events after it (see :meth:`Partnership.from_snapshot`). Pass
    ``use_snapshot=False`` for the whole timeline.

    Raises:
        UnknownRecordError: the store's clinic has no such partnership (or it had not
            been formed by *as_of*).
        CorruptEventError: a stored event cannot be read.
    """
    if as_of is None and use_snapshot and isinstance(store, SnapshotStore):
        snapshot = store.load_snapshot(partnership_id)
        if snapshot is not None:
            later = store.load(partnership_id, after_version=snapshot.version)
            return Partnership.from_snapshot(snapshot, (s.event for s in later), policy=policy)
    stored = store.load(partnership_id, as_of=as_of)
    if not stored:
        raise UnknownRecordError(
            "partnership_id", f"clinic {store.clinic_id!r} has no partnership {partnership_id!r}"
        )
    return Partnership.from_events((s.event for s in stored), policy=policy)


def update(
    store: Store,
    partnership_id: str,
    change: Callable[[Partnership], Any],
    *,
    attempts: int = 3,
    snapshot_every: int | None = 1000,
    policy: Policy | None = None,
) -> Partnership:
    """Load a partnership, let *change* record events on it, and append them.

    If someone else appended in between (:class:`ConcurrencyError`), reload and call
    *change* again, up to *attempts* times in all. *change* must therefore decide from
    the partnership it is given, not from state captured earlier. Domain errors raised
    by *change* propagate at once and nothing is written.

    What *change* records is authorised by *policy* (default :class:`alliance.RolePolicy`;
    :class:`alliance.AllowAll` when the host authorises); a :class:`PermissionDenied`
    propagates and nothing is written.

    On a :class:`SnapshotStore`, a snapshot is saved each time the timeline passes a
    multiple of *snapshot_every* events (``None``: never).

    Returns:
        The partnership as stored after the change.

    Raises:
        ConcurrencyError: every attempt lost the race.
    """
    if attempts < 1:
        raise ValidationError("attempts", "must be at least 1")
    for attempt in range(1, attempts + 1):
        partnership = load_partnership(store, partnership_id, policy=policy)
        before = partnership.version
        change(partnership)
        new = partnership.events_since(before)
        if not new:
            return partnership
        try:
            store.append(partnership_id, new, expected_version=before)
        except ConcurrencyError:
            if attempt == attempts:
                raise
            continue
        if (
            snapshot_every
            and isinstance(store, SnapshotStore)
            and partnership.version // snapshot_every > before // snapshot_every
        ):
            store.save_snapshot(partnership.state)
        return partnership
    raise AssertionError("unreachable")  # pragma: no cover
