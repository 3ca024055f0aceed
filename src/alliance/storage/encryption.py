"""Encryption at rest: a partnership's free text sealed with its own key before it is
stored, so that destroying the key erases the text everywhere the store keeps it.

Wrap any store in an :class:`EncryptedStore` with a :class:`KeyProvider` the host
supplies (its key management service, its HSM; :class:`MemoryKeyProvider` for tests and
examples)::

    keys = MyKeyService()  # a KeyProvider
    store = EncryptedStore(open_store("sqlite:///clinic.db", clinic_id="c1"), keys)

What is sealed: every free-text field of an event (each field the model declares as
text: statements, notes, messages, descriptions, reasons, titles, URLs...), in its
nested records too (a GAS scale's level descriptions, a checklist's steps), and a host's
own events' text fields declared the same way. Each value is sealed on its own with
AES-256-GCM (the ``cryptography`` package; the ``encryption`` extra) under the
partnership's key, with a fresh 96-bit nonce, bound to the clinic and partnership (a
sealed value copied to another partnership does not open). It is stored as
``alliance-sealed:1:`` and the base64 of nonce, ciphertext and tag.

What stays in the clear, so that the store can index, verify and report without a key:
ids, codes (enum values), numbers, flags, dates and times, durations, time zones and
languages, and a goal target's ``unit`` (what its numbers count, which the reports and
the FHIR export need to read them). People records (names, contact details) are never
part of a timeline.

Everything the store derives from the events is derived from the sealed events, so it
holds the sealed text too: the snapshots, the read model of goals and observations.
The hash chain is computed over what is stored, so :func:`~alliance.storage.verify_integrity`
checks a sealed store without its keys.

Reading opens the text again. Once the host destroys a partnership's key, its text
reads as :data:`ERASED` while everything else (the structure, the numbers, the dates)
reads as before, so reports still run; nothing more can be recorded on it.
"""

from __future__ import annotations

import base64
import binascii
import enum
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

import attrs
import pendulum

from alliance.errors import CorruptEventError, DomainError, StoreError, ValidationError
from alliance.model import _checks as c
from alliance.model.event import Event
from alliance.model.goals import MeasurableTarget
from alliance.model.state import PartnershipState, apply, fold
from alliance.storage._wrapped import FiguresWrapper, ReadModelWrapper, WrappedStore
from alliance.storage.interface import (
    GoalFacts,
    GoalFigures,
    SnapshotStore,
    Store,
    StoredEvent,
)

try:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError:  # pragma: no cover (the extra is installed where this is tested)
    AESGCM = None  # type: ignore[assignment,misc]
    InvalidTag = Exception  # type: ignore[assignment,misc]

__all__ = [
    "ERASED",
    "KEY_BYTES",
    "EncryptedStore",
    "KeyProvider",
    "MemoryKeyProvider",
    "is_sealed",
]

T = TypeVar("T")

ERASED = "[erased]"
"""What sealed text reads as once its partnership's key is destroyed."""

KEY_BYTES = 32
"""The length of a partnership's key: AES-256."""

_PREFIX = "alliance-sealed:1:"
_NONCE_BYTES = 12
_TEXT = (c.text, c.optional_text)
_KEPT_CLEAR = frozenset({(MeasurableTarget, "unit")})
"""Text fields left in the clear, by class and field: what the numbers count."""


def is_sealed(value: object) -> bool:
    """Whether *value* is text sealed by an :class:`EncryptedStore` (as it is stored)."""
    return isinstance(value, str) and value.startswith(_PREFIX)


@runtime_checkable
class KeyProvider(Protocol):
    """Where an :class:`EncryptedStore` gets each partnership's key: the host's key
    management. Keys are :data:`KEY_BYTES` random bytes; keep them apart from the
    database (and its backups), or encrypting buys nothing.

    The store asks once per call (a read, an append), for each partnership the call
    touches: cache in the provider if asking is slow. Writers race (threads, processes,
    machines): the first use must make one key that every caller then gets, never a
    second key that replaces it.
    """

    def key_for_writing(self, clinic_id: str, partnership_id: str) -> bytes | None:
        """The partnership's key to seal new text with: made and kept on first use
        (when the partnership is formed, or on its first write after encryption was
        turned on), the same key ever after; ``None`` once it was destroyed."""
        ...

    def key_for_reading(self, clinic_id: str, partnership_id: str) -> bytes | None:
        """The partnership's key, or ``None`` when it has none (destroyed, or never
        made: then nothing of it was sealed)."""
        ...


class MemoryKeyProvider:
    """A :class:`KeyProvider` keeping keys in memory: for tests, examples and trying
    encryption out. A key made here is lost with the process, and everything sealed
    with it with the key: a real host keeps its keys in a key management service."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str], bytes | None] = {}
        self._lock = threading.Lock()

    def key_for_writing(self, clinic_id: str, partnership_id: str) -> bytes | None:
        """The kept key, a new random one on first use; ``None`` once destroyed."""
        with self._lock:
            return self._keys.setdefault((clinic_id, partnership_id), os.urandom(KEY_BYTES))

    def key_for_reading(self, clinic_id: str, partnership_id: str) -> bytes | None:
        """The kept key, or ``None`` (never made, or destroyed)."""
        return self._keys.get((clinic_id, partnership_id))

    def destroy_key(self, clinic_id: str, partnership_id: str) -> None:
        """Forget the partnership's key for good: its sealed text reads as
        :data:`ERASED` from now on, and no key is made for it again."""
        with self._lock:
            self._keys[clinic_id, partnership_id] = None


# --- sealing and opening one value ----------------------------------------------------------


class _Key:
    """One partnership's cipher, or ``None`` for a destroyed (or never made) key."""

    def __init__(self, clinic_id: str, partnership_id: str, key: bytes | None) -> None:
        if key is not None and (not isinstance(key, bytes) or len(key) != KEY_BYTES):
            raise ValidationError(
                "key", f"the key of partnership {partnership_id!r} must be {KEY_BYTES} bytes"
            )
        if key is not None and AESGCM is None:  # pragma: no cover (the extra is installed)
            raise StoreError("", "encryption needs the extra: pip install 'alliance[encryption]'")
        self.partnership_id = partnership_id
        self._aead = None if key is None else AESGCM(key)
        self._bound = f"alliance-sealed/1\n{clinic_id}\n{partnership_id}".encode()

    def seal(self, text: str) -> str:
        assert self._aead is not None
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode(), self._bound)
        return _PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, text: str) -> str | None:
        """The plain text of *text* (as it is when not sealed; :data:`ERASED` without a
        key); ``None`` when it does not open: altered, or sealed for another
        partnership."""
        if not text.startswith(_PREFIX):
            return text
        if self._aead is None:
            return ERASED
        try:
            raw = base64.b64decode(text[len(_PREFIX) :], validate=True)
            return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], self._bound).decode()
        except (binascii.Error, ValueError, InvalidTag):
            return None


def _sealed_value(owner: type[Any], field: attrs.Attribute[Any], value: Any, key: _Key) -> Any:
    if value is None:
        return None
    if field.validator in _TEXT and isinstance(value, str):
        return value if (owner, field.name) in _KEPT_CLEAR else key.seal(value)
    if field.validator is c.texts:
        return tuple(key.seal(item) for item in value)
    return _sealed(value, key)


def _sealed(value: Any, key: _Key) -> Any:
    """*value* (an event, a record in it) with its free text sealed."""
    if _fields_of(type(value)):
        return _evolved(value, lambda owner, field, old: _sealed_value(owner, field, old, key))
    if isinstance(value, tuple | list):
        return _each(value, lambda item: _sealed(item, key))
    return value


_LEAVES = frozenset(
    {type(None), bool, int, float, pendulum.DateTime, pendulum.Date, pendulum.Duration}
)
"""Types that hold no text: passed over at once (a state holds thousands of them)."""


def _opened(value: Any, opener: Callable[[str], str]) -> Any:
    """*value* with every sealed string in it opened (the same object when none is)."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    if isinstance(value, str):
        return opener(value) if value.startswith(_PREFIX) else value
    if _fields_of(kind):
        return _evolved(value, lambda _owner, _field, old: _opened(old, opener))
    if isinstance(value, tuple | list | frozenset):
        return _each(value, lambda item: _opened(item, opener))
    if isinstance(value, dict):
        opened = {k: _opened(v, opener) for k, v in value.items()}
        return value if all(opened[k] is v for k, v in value.items()) else type(value)(opened)
    return value


_FIELDS: dict[type[Any], tuple[attrs.Attribute[Any], ...]] = {}


def _fields_of(kind: type[Any]) -> tuple[attrs.Attribute[Any], ...]:
    """The fields ``__init__`` takes, of an attrs class (none of any other)."""
    found = _FIELDS.get(kind)
    if found is None:
        found = _FIELDS[kind] = (
            tuple(f for f in attrs.fields(kind) if f.init) if attrs.has(kind) else ()
        )
    return found


def _evolved(value: Any, change: Callable[[type[Any], attrs.Attribute[Any], Any], Any]) -> Any:
    """The attrs instance *value* with each field that may hold text changed by *change*
    (itself when none changes).

    The copy is made without running the class's validators again: what changes is text
    sealed from validated text, or text opened from it (authenticated by AES-GCM), or
    :data:`ERASED`, all valid text, and the other fields are the validated originals.
    """
    kind = type(value)
    changes: dict[str, Any] = {}
    for field in _fields_of(kind):
        old = getattr(value, field.name)
        if type(old) in _LEAVES or isinstance(old, enum.Enum):
            continue
        new = change(kind, field, old)
        if new is not old:
            changes[field.name] = new
    if not changes:
        return value
    copy = object.__new__(kind)
    for field in attrs.fields(kind):
        object.__setattr__(copy, field.name, changes.get(field.name, getattr(value, field.name)))
    return copy


def _each(items: Any, change: Callable[[Any], Any]) -> Any:
    """The collection *items* with each item changed (itself when none changes)."""
    changed = [change(item) for item in items]
    return (
        items if all(a is b for a, b in zip(changed, items, strict=True)) else type(items)(changed)
    )


# --- the store ------------------------------------------------------------------------------


class EncryptedStore(WrappedStore):
    """Wraps a store so that each partnership's free text is sealed with its own key
    before it is stored, and opened again when it is read (see the module).

    Every method of the wrapped store's interfaces is passed on, its read-model
    capability too (reports still run in SQL, and give the same rows). What the
    hash-chain methods return is as stored (sealed):
    :func:`~alliance.storage.verify_integrity` needs no key. Wrap it in an
    :class:`~alliance.storage.AuditedStore` to audit its reads.

    Its methods raise, beside what the wrapped store's raise: :class:`DomainError`
    (field ``partnership_id``) for an append to a partnership whose key was destroyed
    (nothing is written); :class:`CorruptEventError` for a stored event holding sealed
    text that does not open with its partnership's key (altered, or copied from another
    partnership), :class:`StoreError` for a snapshot or read-model row that does; and
    :class:`ValidationError` (field ``key``) when the key provider gives a key that is
    not :data:`KEY_BYTES` bytes.
    """

    def __init__(self, store: Store, keys: KeyProvider) -> None:
        super().__init__(store)
        if not isinstance(keys, KeyProvider):
            raise ValidationError(
                "keys", f"must be a KeyProvider (key_for_writing, key_for_reading), not {keys!r}"
            )
        self._keys = keys

    @property
    def keys(self) -> KeyProvider:
        """The key provider."""
        return self._keys

    def opened(self, partnership_id: str, value: T) -> T:
        """*value* (an event, a record, a state: anything read past this wrapper, such
        as a payload of :meth:`chain_records`) with the partnership's sealed text in it
        opened, or shown as :data:`ERASED` once its key is destroyed.

        Raises:
            StoreError: sealed text in it does not open with the partnership's key.
        """
        key = self._reading_key(partnership_id)
        opened: T = _opened(value, _opener(key, _derived_problem(self, key, "record")))
        return opened

    def _reading_key(self, partnership_id: str) -> _Key:
        key = self._keys.key_for_reading(self._store.clinic_id, partnership_id)
        return _Key(self._store.clinic_id, partnership_id, key)

    def _in_events(
        self, partnership_id: str, events: Sequence[Event], expected_version: int
    ) -> Sequence[Event]:
        del expected_version
        key = self._keys.key_for_writing(self._store.clinic_id, partnership_id)
        if key is None:
            raise DomainError(
                "partnership_id",
                f"the key of partnership {partnership_id!r} was destroyed: its text is "
                "erased, and nothing more can be recorded on it",
            )
        sealer = _Key(self._store.clinic_id, partnership_id, key)
        return [_sealed(event, sealer) for event in events]

    def _out_appended(
        self, events: Sequence[Event], stored: tuple[StoredEvent, ...]
    ) -> tuple[StoredEvent, ...]:
        return tuple(
            attrs.evolve(row, event=event) for row, event in zip(stored, events, strict=True)
        )

    def _out_events(self, stored: tuple[StoredEvent, ...]) -> tuple[StoredEvent, ...]:
        keys: dict[str, _Key] = {}
        opened = []
        for row in stored:
            key = keys.get(row.partnership_id)
            if key is None:
                key = keys[row.partnership_id] = self._reading_key(row.partnership_id)
            opened.append(_opened(row, _opener(key, _event_problem(row))))
        return tuple(opened)

    def _in_snapshot(self, state: PartnershipState) -> PartnershipState:
        """The state as the wrapped store folds it (sealed), at *state*'s version: a
        snapshot must be the fold of what is stored, which ``verify_integrity`` checks."""
        inner = self._store
        assert isinstance(inner, SnapshotStore)
        if state.clinic_id != inner.clinic_id:
            raise ValidationError("state.clinic_id", f"this store is open for {inner.clinic_id!r}")
        pid = state.partnership_id
        sealed = inner.load_snapshot(pid)
        if sealed is None or sealed.version > state.version:
            rows = inner.load(pid, up_to_version=state.version)
            sealed = fold(row.event for row in rows) if rows else None
        else:
            for row in inner.load(pid, after_version=sealed.version, up_to_version=state.version):
                apply(sealed, row.event)
        if sealed is None or sealed.version < state.version:
            raise ValidationError(
                "state.version", "a snapshot cannot be ahead of the stored timeline"
            )
        return sealed

    def _out_state(self, state: PartnershipState) -> PartnershipState:
        key = self._reading_key(state.partnership_id)
        opened: PartnershipState = _opened(
            state, _opener(key, _derived_problem(self, key, "snapshot"))
        )
        return opened

    def _out_facts(self, facts: list[GoalFacts]) -> list[GoalFacts]:
        return [self._open_derived(fact.partnership_id, fact) for fact in facts]

    def _out_figures(self, figures: list[GoalFigures]) -> list[GoalFigures]:
        for row in figures:
            key = self._reading_key(row.partnership_id)
            opener = _opener(key, _derived_problem(self, key, "read model"))
            row.statement = _opened(row.statement, opener)
            row.metric = _opened(row.metric, opener)
            row.unit = _opened(row.unit, opener)
        return figures

    def _open_derived(self, partnership_id: str, value: GoalFacts) -> GoalFacts:
        key = self._reading_key(partnership_id)
        opened: GoalFacts = _opened(value, _opener(key, _derived_problem(self, key, "read model")))
        return opened


def _opener(key: _Key, problem: Callable[[], Exception]) -> Callable[[str], str]:
    def opener(text: str) -> str:
        found = key.open(text)
        if found is None:
            raise problem()
        return found

    return opener


_DOES_NOT_OPEN = (
    "holds sealed text that does not open with the partnership's key: it was altered, "
    "or sealed for another partnership"
)


def _event_problem(row: StoredEvent) -> Callable[[], Exception]:
    return lambda: CorruptEventError(row.partnership_id, row.version, [_DOES_NOT_OPEN])


def _derived_problem(store: EncryptedStore, key: _Key, what: str) -> Callable[[], Exception]:
    return lambda: StoreError(
        store.url, f"the {what} of partnership {key.partnership_id!r} {_DOES_NOT_OPEN}"
    )


class _EncryptedReadModelStore(ReadModelWrapper, EncryptedStore):
    """An :class:`EncryptedStore` of a :class:`~alliance.storage.ReadModelStore`."""


class _EncryptedFiguresStore(FiguresWrapper, _EncryptedReadModelStore):
    """An :class:`EncryptedStore` of a :class:`~alliance.storage.ProgressFiguresStore`."""


EncryptedStore._read_model_class = _EncryptedReadModelStore
EncryptedStore._figures_class = _EncryptedFiguresStore
