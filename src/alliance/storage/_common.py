"""Pieces every backend shares (private): batch checks, the partnership index, encoding."""

from __future__ import annotations

import abc
import datetime as dt
import hashlib
import json
from collections.abc import Sequence

import attrs
import pendulum

from alliance import events as ev
from alliance.errors import CorruptEventError, MalformedDataError, ValidationError
from alliance.model import _checks as c
from alliance.model.partnership import PartnershipStatus
from alliance.model.state import PartnershipState
from alliance.serialization import dumps, from_data, parse_json, to_data
from alliance.storage import _secrets
from alliance.storage.interface import StoredEvent

# The version of the tables' layout, recorded in each SQL database.
# 1: the first layout. 2: alliance_events.chain_hash (tamper evidence); a version-1
# database is migrated when opened (the column added and filled for stored events).
# 3: the read model (alliance_goals, alliance_observations, and the time zone and latest
# event of each partnership in alliance_partnerships), built from the stored events
# when an older database is opened.
SCHEMA_VERSION = 3

# The shape of a stored snapshot. Bump it whenever PartnershipState (or anything it
# holds) changes shape: older snapshots are then ignored and rebuilt, never misread.
SNAPSHOT_FORMAT = 5


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
        return self._timeline(partnership_id, after_version, up_to_version, cutoff)

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
    left: set[str] = attrs.field(factory=set)


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
            change.left.add(event.member_id)
            change.joined.pop(event.member_id, None)
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


def encode_snapshot(state: PartnershipState) -> str:
    """The stored JSON text of a snapshot. Keys keep their order: the state's records are
    dicts in the order they were created, and a state read back from a snapshot lists
    them in that order too."""
    return json.dumps(
        {"format": SNAPSHOT_FORMAT, "state": to_data(state)},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode_snapshot(payload: str | bytes) -> PartnershipState | None:
    """Read a stored snapshot, or ``None`` if it is of another format or unreadable."""
    try:
        data = parse_json(payload)
        if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
            return None
        return from_data(data["state"], PartnershipState)
    except (KeyError, MalformedDataError):
        return None


GENESIS = ""
"""The "previous hash" of a timeline's first event."""


def chain_hash(previous: str, version: int, payload: str) -> str:
    """The hash chaining a stored event to the one before it: SHA-256 (hex) over the
    version, the previous event's hash and the exact stored payload text."""
    digest = hashlib.sha256(f"{version}\n{previous}\n".encode())
    digest.update(payload.encode())
    return digest.hexdigest()


def chain_hashes(previous: str, first_version: int, payloads: Sequence[str]) -> list[str]:
    """The hashes of *payloads* stored from *first_version* on, after *previous*."""
    hashes: list[str] = []
    for offset, payload in enumerate(payloads):
        previous = chain_hash(previous, first_version + offset, payload)
        hashes.append(previous)
    return hashes
