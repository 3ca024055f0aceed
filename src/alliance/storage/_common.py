"""Pieces every backend shares (private): batch checks, the partnership index, encoding."""

from __future__ import annotations

import abc
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Sequence
from typing import Any

import attrs
import pendulum

from alliance import events as ev
from alliance.errors import CorruptEventError, MalformedDataError, ValidationError
from alliance.model import _checks as c
from alliance.model._time import to_micros
from alliance.model.partnership import PartnershipStatus
from alliance.model.state import PartnershipState
from alliance.serialization import dumps, from_data, parse_json, to_data
from alliance.storage import _secrets
from alliance.storage.interface import ChainRecord, StoredEvent

# The version of the tables' layout, recorded in each SQL database.
# 1: the first layout. 2: alliance_events.chain_hash (tamper evidence); a version-1
# database is migrated when opened (the column added and filled for stored events).
# 3: the read model (alliance_goals, alliance_observations, and the time zone and latest
# event of each partnership in alliance_partnerships), built from the stored events
# when an older database is opened.
# 4: the hash chain's input, format 2 (every column of an event): an older database's
# chain is verified, then re-chained, when it is opened.
SCHEMA_VERSION = 4

# The shape of a stored snapshot. Bump it whenever PartnershipState (or anything it
# holds) changes shape: older snapshots are then ignored and rebuilt, never misread.
SNAPSHOT_FORMAT = 6

log = logging.getLogger("alliance.storage")
"""The storage's logger: migrations, and snapshots ignored because they are bound to
another timeline."""


class OpenedStore(abc.ABC):
    """What every built-in store keeps: the clinic it was opened for, and its URL; and how
    it reads a timeline, checking the bounds of :meth:`load` before its backend reads."""

    def __init__(self, clinic_id: str, url: str) -> None:
        c._check_identifier("clinic_id", clinic_id)
        self._clinic_id = clinic_id
        self._url = url

    @property
    def clinic_id(self) -> str:
        """The clinic this store was opened for."""
        return self._clinic_id

    @property
    def url(self) -> str:
        """The store's URL (any password masked)."""
        return self._url

    def load(
        self,
        partnership_id: str,
        *,
        after_version: int = 0,
        up_to_version: int | None = None,
        as_of: dt.datetime | None = None,
    ) -> tuple[StoredEvent, ...]:
        """See :meth:`alliance.storage.Store.load`."""
        cutoff = None if as_of is None else c.utc_datetime("as_of", as_of)
        stored = self._timeline(partnership_id, after_version, up_to_version, cutoff)
        if cutoff is None:  # (as_of may leave out any event recorded out of order)
            expected = after_version + 1
            for event in stored:
                if event.version != expected:
                    raise CorruptEventError(
                        partnership_id,
                        expected,
                        [f"no event is stored at this version (the next is {event.version})"],
                    )
                expected += 1
        return stored

    @abc.abstractmethod
    def _timeline(
        self, pid: str, after: int, up_to: int | None, cutoff: pendulum.DateTime | None
    ) -> tuple[StoredEvent, ...]:
        """The stored events of partnership *pid* with ``after < version <= up_to`` (no
        upper bound for ``None``) that occurred by *cutoff* (UTC; ``None``: any time), in
        version order."""


def check_batch(
    clinic_id: str, partnership_id: str, events: Sequence[ev.Event], expected_version: int
) -> None:
    """Refuse a batch that cannot be appended whatever is stored."""
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise ValidationError("expected_version", "must be a whole number")
    if expected_version < 0:
        raise ValidationError("expected_version", "must not be negative")
    if not events:
        raise ValidationError("events", "there is nothing to append")
    for index, event in enumerate(events):
        if not isinstance(event, ev.Event):
            raise ValidationError(f"events[{index}]", f"is a {type(event).__name__}, not an Event")
        formed = isinstance(event, ev.PartnershipFormed)
        if formed and (expected_version > 0 or index > 0):
            raise ValidationError(
                f"events[{index}]", "PartnershipFormed can only be the first event"
            )
    first = events[0]
    if expected_version == 0:
        if not isinstance(first, ev.PartnershipFormed):
            raise ValidationError("events[0]", "a new timeline starts with PartnershipFormed")
        if first.partnership_id != partnership_id:
            raise ValidationError(
                "events[0].partnership_id",
                f"{first.partnership_id!r} does not match {partnership_id!r}",
            )
        if first.clinic_id != clinic_id:
            raise ValidationError(
                "events[0].clinic_id",
                f"this store is open for clinic {clinic_id!r}, not {first.clinic_id!r}",
            )


@attrs.define
class IndexChange:
    """How a batch changes a partnership's row in the index."""

    formed: ev.PartnershipFormed | None = None
    status: PartnershipStatus | None = None
    joined: dict[str, str] = attrs.field(factory=dict)  # member id -> role
    left: set[str] = attrs.field(factory=set)  # departed at the end of the batch


def index_change(events: Sequence[ev.Event]) -> IndexChange:
    """Fold the events that matter to the partnership index."""
    change = IndexChange()
    for event in events:
        if isinstance(event, ev.PartnershipFormed):
            change.formed = event
            change.status = PartnershipStatus.FORMING
        elif isinstance(event, ev.PartnershipStatusChanged):
            change.status = event.status
        elif isinstance(event, ev.CarerJoined | ev.ProfessionalJoined):
            change.joined[event.member_id] = (
                "carer" if isinstance(event, ev.CarerJoined) else "professional"
            )
            change.left.discard(event.member_id)
        elif isinstance(event, ev.MemberLeft):
            # A member who joins and leaves in one batch stays in the index, departed,
            # as the fold of the timeline (index_row) keeps them.
            change.left.add(event.member_id)
    return change


# The event types the partnership index (alliance_partnerships' status, alliance_members)
# is folded from.
INDEX_EVENTS: tuple[type[ev.Event], ...] = (
    ev.PartnershipFormed,
    ev.PartnershipStatusChanged,
    ev.CarerJoined,
    ev.ProfessionalJoined,
    ev.MemberLeft,
)


@attrs.frozen(kw_only=True)
class IndexRow:
    """A partnership's row in the index, folded from its whole timeline.

    Attributes:
        formed: its forming event (child, time zone).
        status: its status now.
        members: every member who ever joined: member id -> (role, whether current).
    """

    formed: ev.PartnershipFormed
    status: PartnershipStatus
    members: dict[str, tuple[str, bool]]


def index_row(partnership_id: str, events: Sequence[tuple[int, ev.Event]]) -> IndexRow:
    """Fold a partnership's index events (``(version, event)``, in version order) into its
    index row, as the appends of those events left it.

    Raises:
        CorruptEventError: no forming event is stored (naming the first version stored).
    """
    formed: ev.PartnershipFormed | None = None
    status = PartnershipStatus.FORMING
    members: dict[str, tuple[str, bool]] = {}
    for _version, event in events:
        if isinstance(event, ev.PartnershipFormed):
            formed, status = event, PartnershipStatus.FORMING
        elif isinstance(event, ev.PartnershipStatusChanged):
            status = event.status
        elif isinstance(event, ev.CarerJoined | ev.ProfessionalJoined):
            role = "carer" if isinstance(event, ev.CarerJoined) else "professional"
            members[event.member_id] = (role, True)
        elif isinstance(event, ev.MemberLeft) and event.member_id in members:
            members[event.member_id] = (members[event.member_id][0], False)
    if formed is None:
        raise CorruptEventError(
            partnership_id,
            events[0][0] if events else 1,
            ["no PartnershipFormed event is stored, so its index row cannot be rebuilt"],
        )
    return IndexRow(formed=formed, status=status, members=members)


def encode(event: ev.Event) -> str:
    """The stored JSON text of an event (stable key order): :func:`alliance.dumps`."""
    return dumps(event)


def decode(partnership_id: str, version: int, payload: str | bytes | dict[str, object]) -> ev.Event:
    """Read a stored payload back, naming the partnership and version on failure."""
    try:
        data = parse_json(payload) if isinstance(payload, str | bytes) else payload
        return from_data(data, ev.Event)
    except MalformedDataError as exc:
        raise CorruptEventError(partnership_id, version, exc.problems) from exc


def mask_url(url: str) -> str:
    """*url* with every secret it carries replaced by ``***``: see
    :func:`alliance.storage._secrets.mask`."""
    return _secrets.mask_url(url)


def now_utc() -> pendulum.DateTime:
    """The recording time of a batch."""
    return pendulum.now("UTC")


def encode_snapshot(state: PartnershipState, chain_hash: str | None) -> str:
    """The stored JSON text of a snapshot, bound to the timeline it summarises: its
    clinic, partnership and version, and the chain hash of the event at that version.
    The state's keys keep their order: its records are dicts in the order they were
    created, and a state read back from a snapshot lists them in that order too."""
    return json.dumps(
        {
            "format": SNAPSHOT_FORMAT,
            "clinic_id": state.clinic_id,
            "partnership_id": state.partnership_id,
            "version": state.version,
            "chain_hash": chain_hash,
            "state": to_data(state),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def read_snapshot(
    payload: str | bytes,
    *,
    clinic_id: str,
    partnership_id: str,
    version: int,
    chain_hash: str | None,
) -> tuple[PartnershipState | None, str | None]:
    """Read a snapshot stored under *partnership_id* at *version*, next to the *chain_hash*
    stored for the event at that version (``None``: no event is stored there).

    Returns:
        ``(state, None)`` when it is readable and bound to that timeline; otherwise
        ``(None, why)``: of another format or unreadable (``why`` is ``None``: an older
        snapshot is simply rebuilt), or bound to another clinic, partnership, version or
        chain (``why`` says which, for ``verify_integrity`` and the log).
    """
    try:
        data = parse_json(payload)
        if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
            return None, None
        state = from_data(data["state"], PartnershipState)
    except (KeyError, MalformedDataError):
        return None, None
    claims = {
        "clinic": (clinic_id, data.get("clinic_id"), state.clinic_id),
        "partnership": (partnership_id, data.get("partnership_id"), state.partnership_id),
        "version": (version, data.get("version"), state.version),
    }
    for what, (stored, bound, held) in claims.items():
        if not stored == bound == held:
            return None, f"it is stored as {what} {stored!r} but holds {what} {held!r}"
    if chain_hash is None:
        return None, f"no event is stored at its version ({version})"
    if data.get("chain_hash") != chain_hash:
        return None, (
            f"it was taken of another timeline: the chain hash it holds is not the one "
            f"stored at version {version}"
        )
    return state, None


def decode_snapshot(
    payload: str | bytes,
    *,
    clinic_id: str,
    partnership_id: str,
    version: int,
    chain_hash: str | None,
) -> PartnershipState | None:
    """:func:`read_snapshot`'s state, or ``None`` (a snapshot bound to another timeline is
    logged as a warning on ``alliance.storage`` before it is ignored)."""
    state, why = read_snapshot(
        payload,
        clinic_id=clinic_id,
        partnership_id=partnership_id,
        version=version,
        chain_hash=chain_hash,
    )
    if why is not None:
        log.warning("snapshot of %s in clinic %s ignored: %s", partnership_id, clinic_id, why)
    return state


GENESIS = ""
"""The "previous hash" of a timeline's first event."""

CHAIN_FORMAT = 2
"""The version of the hash chain's input (see :func:`chain_hash`). 1 (schema versions 2
and 3) hashed the version, the previous hash and the payload only; 2 (schema version 4)
covers every column of a stored event."""


def chain_hash(
    previous: str,
    *,
    clinic_id: str,
    partnership_id: str,
    version: int,
    position: int,
    event_type: str,
    schema_version: int,
    occurred_at_us: int,
    recorded_at_us: int,
    payload: str,
) -> str:
    """The hash chaining a stored event to the one before it in its timeline: SHA-256
    (hex) over ``"alliance-chain/2"`` and each of the event's stored columns on a line of
    its own (clinic, partnership, version, global position, event type, schema version,
    occurred and recorded times in microseconds since the epoch), then the previous
    event's hash on its line, then the exact stored payload text. None of the first lines
    can hold a line break (identifiers cannot), so the input reads one way only."""
    head = (
        f"alliance-chain/{CHAIN_FORMAT}\n{clinic_id}\n{partnership_id}\n{version}\n{position}\n"
        f"{event_type}\n{schema_version}\n{occurred_at_us}\n{recorded_at_us}\n{previous}\n"
    )
    digest = hashlib.sha256(head.encode())
    digest.update(payload.encode())
    return digest.hexdigest()


def chain_hash_1(previous: str, version: int, payload: str) -> str:
    """The hash of chain format 1 (schema versions 2 and 3): SHA-256 (hex) over the
    version, the previous event's hash and the exact stored payload text. Kept to verify
    an older database's chain before it is re-chained."""
    digest = hashlib.sha256(f"{version}\n{previous}\n".encode())
    digest.update(payload.encode())
    return digest.hexdigest()


ChainedRow = tuple[int, str, str, int, str, int, int, int, str, str]
"""A stored event's columns: position, clinic, partnership, version, event type, schema
version, occurred and recorded times (microseconds), payload text, chain hash."""


def chained_rows(
    previous: str,
    *,
    clinic_id: str,
    partnership_id: str,
    first_version: int,
    first_position: int,
    recorded_us: int,
    events: Sequence[ev.Event],
    payloads: Sequence[str],
) -> list[ChainedRow]:
    """The stored rows of a batch appended after the event whose hash is *previous*,
    each chained to the one before it (:func:`chain_hash`)."""
    rows: list[ChainedRow] = []
    for offset, (event, payload) in enumerate(zip(events, payloads, strict=True)):
        kind = type(event)
        version, position = first_version + offset, first_position + offset
        occurred_us = to_micros(event.occurred_at)
        previous = chain_hash(
            previous, clinic_id=clinic_id, partnership_id=partnership_id, version=version,
            position=position, event_type=kind.type_name, schema_version=kind.schema_version,
            occurred_at_us=occurred_us, recorded_at_us=recorded_us, payload=payload,
        )  # fmt: skip
        rows.append(
            (position, clinic_id, partnership_id, version, kind.type_name,
             kind.schema_version, occurred_us, recorded_us, payload, previous)
        )  # fmt: skip
    return rows


def chain_record(row: Sequence[Any]) -> ChainRecord:
    """The :class:`ChainRecord` of a stored row, its columns in :data:`ChainedRow` order."""
    position, clinic, pid, version, kind, shape, occurred, recorded, payload, chain = row
    return ChainRecord(
        clinic_id=clinic,
        partnership_id=pid,
        version=int(version),
        position=int(position),
        event_type=kind,
        schema_version=int(shape),
        occurred_at_us=int(occurred),
        recorded_at_us=int(recorded),
        payload=payload,
        chain_hash=chain,
    )
