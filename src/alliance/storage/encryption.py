"""Encryption at rest: a partnership's free text sealed with its own key before it is
stored, so that destroying the key erases the text everywhere the store keeps it.

Wrap any store in an :class:`EncryptedStore` with a :class:`KeyProvider` the host
supplies (its key management service, its HSM; :class:`MemoryKeyProvider` for tests and
examples)::

    keys = MyKeyService()  # a KeyProvider
    store = EncryptedStore(open_store("sqlite:///clinic.db", clinic_id="c1"), keys)

What is sealed: every free-text field of an event, as the event class declares it (a
field validated by ``checks.text``, ``checks.optional_text`` or ``checks.texts``:
statements, notes, messages, descriptions, reasons, titles, URLs...), in its nested
records too (a GAS scale's level descriptions, a checklist's steps), a host's own events
alike. A field that may hold a string but is declared neither as free text nor as an
id, a code, a language or a time zone is refused by name (:class:`ValidationError`):
nothing is stored in the clear unasked. Each value is sealed on its own with AES-256-GCM
(the ``cryptography`` package; the ``encryption`` extra) under the partnership's key, a
fresh 96-bit nonce, and the clinic and partnership as associated data (a sealed value
copied to another partnership does not open). It is stored as ``alliance-sealed:1``, a
space, the key's id (16 hex digits of a SHA-256 over a fixed label and the key: which
key sealed it, not the key), a space and the base64 of nonce, ciphertext and tag.

What stays in the clear, so that the store can index, verify and report without a key:
ids, codes (enum values), numbers, flags, dates and times, durations, time zones and
languages, and a goal target's ``unit`` (what its numbers count, which the reports and
the FHIR export need to read them). People records (names, contact details) are never
part of a timeline.

Everything the store derives from the events is derived from the sealed events, so it
holds the sealed text too: the snapshots, the read model of goals and observations.
The hash chain is computed over what is stored, so :func:`~alliance.storage.verify_integrity`
checks a sealed store without its keys. Because the store folds sealed events, an
event's ``apply`` must not key on, compare or combine free text (the model's own do
not): it may copy it into the state, where it is opened on reading.

Reading opens the text again. Once the host destroys a partnership's key, its text
reads as :data:`ERASED` while everything else (the structure, the numbers, the dates)
reads as before, so reports still run; events that carry text can no longer be recorded
on it (close it first, then destroy its key).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import enum
import hashlib
import os
import threading
import typing
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

import attrs
import pendulum

from alliance.errors import CorruptEventError, DomainError, StoreError, ValidationError
from alliance.model import _checks as c
from alliance.model.event import Event
from alliance.model.goals import MeasurableTarget
from alliance.model.state import PartnershipState, apply, fold
from alliance.storage._common import log
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

_MARK = "alliance-sealed:"
"""What sealed text starts with (then its format's version): text kept in the clear
must not."""
_PREFIX = _MARK + "1 "
"""Sealed text of format 1 (the space keeps any id from looking like it)."""
_NONCE_BYTES = 12


def is_sealed(value: object) -> bool:
    """Whether *value* is text sealed by an :class:`EncryptedStore` (as it is stored)."""
    return isinstance(value, str) and value.startswith(_PREFIX)


@runtime_checkable
class KeyProvider(Protocol):
    """Where an :class:`EncryptedStore` gets each partnership's key: the host's key
    management. Keys are :data:`KEY_BYTES` random bytes; keep them apart from the
    database (and its backups), or encrypting buys nothing.

    The store asks at most once per call (a read, an append) for each partnership the
    call touches, and a read asks only when it meets sealed text: cache in the provider
    if asking is slow. Writers race (threads, processes, machines): the first use must
    make one key that every caller then gets, never a second key that replaces it.
    """

    def key_for_writing(self, clinic_id: str, partnership_id: str) -> bytes | None:
        """The partnership's key to seal new text with: made and kept on first use
        (when the partnership is formed, or on its first write after encryption was
        turned on), the same key ever after; ``None`` once it was destroyed."""
        ...

    def key_for_reading(self, clinic_id: str, partnership_id: str) -> bytes | None:
        """The partnership's key; ``None`` once it was destroyed (its text then reads as
        :data:`ERASED`). Raise :class:`LookupError` (``KeyError``) for a partnership
        this provider never made a key for: the store then refuses to read its sealed
        text, rather than show it as erased (a misconfigured provider erases nothing)."""
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
        """The kept key, or ``None`` once destroyed.

        Raises:
            KeyError: no key was ever made for the partnership here.
        """
        return self._keys[clinic_id, partnership_id]

    def destroy_key(self, clinic_id: str, partnership_id: str) -> None:
        """Forget the partnership's key for good: its sealed text reads as
        :data:`ERASED` from now on, and no key is made for it again."""
        with self._lock:
            self._keys[clinic_id, partnership_id] = None


# --- sealing and opening one value ----------------------------------------------------------


def _checked(partnership_id: str, key: object) -> bytes:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise ValidationError(
            "key", f"the key of partnership {partnership_id!r} must be {KEY_BYTES} bytes"
        )
    if AESGCM is None:  # pragma: no cover (the extra is installed where this is tested)
        raise StoreError("", "encryption needs the extra: pip install 'alliance[encryption]'")
    return key


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"alliance key id\n" + key).hexdigest()[:16]


def _bound(clinic_id: str, partnership_id: str) -> bytes:
    return f"alliance-sealed/1\n{clinic_id}\n{partnership_id}".encode()


class _Sealer:
    """Seals one partnership's text; refuses once its key is destroyed."""

    def __init__(self, clinic_id: str, partnership_id: str, key: bytes | None) -> None:
        self._partnership_id = partnership_id
        self._bound = _bound(clinic_id, partnership_id)
        if key is None:
            self._aead = None
            self._mark = ""
        else:
            key = _checked(partnership_id, key)
            self._aead = AESGCM(key)
            self._mark = f"{_PREFIX}{_key_id(key)} "

    def seal(self, text: str) -> str:
        if self._aead is None:
            raise DomainError(
                "partnership_id",
                f"the key of partnership {self._partnership_id!r} was destroyed: its text "
                "is erased, and no more text can be recorded on it (events without text, "
                "such as closing it, still can)",
            )
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode(), self._bound)
        return self._mark + base64.b64encode(nonce + sealed).decode("ascii")


class _Opener:
    """Opens one partnership's sealed text, asking the key provider at the first sealed
    value it meets."""

    def __init__(self, store: EncryptedStore, partnership_id: str) -> None:
        self._store = store
        self._partnership_id = partnership_id
        self._bound = _bound(store.clinic_id, partnership_id)
        self._asked = False
        self._aead: AESGCM | None = None
        self._key_id = ""

    def _ask(self) -> None:
        self._asked = True
        pid = self._partnership_id
        try:
            key = self._store.keys.key_for_reading(self._store.clinic_id, pid)
        except LookupError as exc:
            raise StoreError(
                self._store.url,
                f"the key provider has no key for partnership {pid!r}, whose text is "
                "sealed: give the store the key provider its text was sealed with",
            ) from exc
        if key is not None:
            key = _checked(pid, key)
            self._aead, self._key_id = AESGCM(key), _key_id(key)

    def open(self, text: str, altered: Callable[[str], Exception]) -> str:
        """The plain text of the sealed *text* (:data:`ERASED` once the key is
        destroyed); *altered* makes the error for text that does not open."""
        if not self._asked:
            self._ask()
        if self._aead is None:
            return ERASED
        key_id, _, sealed = text[len(_PREFIX) :].partition(" ")
        if key_id != self._key_id:
            raise StoreError(
                self._store.url,
                f"text of partnership {self._partnership_id!r} was sealed with key "
                f"{key_id!r}, but the key provider gives key {self._key_id!r} for it: it was "
                "copied from another partnership, or the key provider is misconfigured or "
                "was replaced",
            )
        try:
            raw = base64.b64decode(sealed, validate=True)
            return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], self._bound).decode()
        except (binascii.Error, ValueError, InvalidTag):
            raise altered(_DOES_NOT_OPEN) from None


def _key_id_in(event: Event) -> str:
    """The key id of the first sealed text in *event* ("" if it has none)."""
    found: list[str] = []

    def note(text: str) -> str:
        found.append(text[len(_PREFIX) :].partition(" ")[0])
        return text

    _opened(event, note)
    return found[0] if found else ""


class _AlteredSnapshotError(StoreError):
    """A stored snapshot whose sealed text does not open: ignored, and not built on."""


_DOES_NOT_OPEN = (
    "holds sealed text that does not open with the partnership's key: it was altered, "
    "or sealed for another partnership"
)


# --- which fields are sealed: the event class's declarations -------------------------------


class _Do(enum.Enum):
    SEAL = "seal"
    SEAL_EACH = "seal each"
    KEEP_CLEAR = "keep clear"
    NESTED = "nested"


_TEXT = frozenset({c.text, c.optional_text})
_CLEAR = frozenset(
    {
        c.identifier,
        c.optional_identifier,
        c.identifiers,
        c.non_empty_identifiers,
        c.language,
        c.time_zone,
    }
)
_CLEAR_KINDS = frozenset({"optional ids", "member", "optional member", "set"})
_KEPT_CLEAR = frozenset({(MeasurableTarget, "unit")})
"""Text fields left in the clear, by class and field: what the numbers count."""
_PLANS: dict[type[Any], tuple[tuple[str, _Do], ...]] = {}


def _validators(validator: Any) -> set[Any]:
    """*validator* and the validators it combines (``and_``, ``optional``)."""
    if validator is None:
        return set()
    combined = getattr(validator, "_validators", None)
    if combined is not None:
        return set().union(*(_validators(v) for v in combined))
    if type(validator).__name__ == "_OptionalValidator":
        return _validators(validator.validator)  # a list given to optional() is an and_
    return {validator}


_NO_TEXT = frozenset(
    {
        type(None),
        bool,
        int,
        float,
        pendulum.DateTime,
        pendulum.Date,
        pendulum.Time,
        pendulum.Duration,
        dt.datetime,
        dt.date,
        dt.time,
        dt.timedelta,
    }
)
"""Types whose values never hold text: planned as such, and passed over at once when
opening (a state holds thousands of them)."""


def _args(hint: Any) -> list[Any]:
    return [arg for arg in typing.get_args(hint) if arg is not Ellipsis]


def _holds_records(hint: Any) -> bool:
    """Whether a value of type *hint* may hold attrs records (whose own fields are then
    planned), looking into unions and every generic."""
    if isinstance(hint, type) and attrs.has(hint):
        return True
    return any(_holds_records(arg) for arg in _args(hint))


def _holds_text(hint: Any) -> bool:
    """Whether a value of type *hint* may hold a string outside attrs records: a str (or
    a subclass, or a NewType of one), ``Any``, or a class that is neither an attrs class
    nor one known to hold no text (a dataclass, a named tuple...), looking into unions
    and every generic (``dict`` keys too)."""
    supertype = getattr(hint, "__supertype__", None)  # a NewType
    if supertype is not None:
        return _holds_text(supertype)
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return False  # fixed values: codes
    if origin is typing.Annotated:
        return _holds_text(_args(hint)[0])
    if origin is not None:
        return any(_holds_text(arg) for arg in _args(hint))
    if not isinstance(hint, type):
        return True  # Any, a TypeVar, a forward reference...
    # str and its subclasses, object, and every other class may hold text
    return not (hint in _NO_TEXT or issubclass(hint, enum.Enum) or attrs.has(hint))


def _plan(kind: type[Any]) -> tuple[tuple[str, _Do], ...]:
    """What to do with each field of the attrs class *kind* that may hold text."""
    found = _PLANS.get(kind)
    if found is None:
        found = _PLANS[kind] = tuple(_planned(kind))
    return found


def _planned(kind: type[Any]) -> typing.Iterator[tuple[str, _Do]]:
    try:
        hints = typing.get_type_hints(kind, include_extras=True)
    except Exception as exc:  # a host's class whose annotations do not resolve
        raise ValidationError(
            kind.__qualname__, f"its fields' types cannot be read ({exc}): cannot seal it"
        ) from exc
    for field in attrs.fields(kind):
        hint = hints.get(field.name, Any)
        where = f"{kind.__qualname__}.{field.name}"
        if not field.init:
            if _holds_text(hint) or _holds_records(hint):
                raise ValidationError(
                    where, "is not set by __init__ but may hold text: cannot seal it"
                )
            continue
        checks = _validators(field.validator)
        if checks & _TEXT:
            yield field.name, _Do.KEEP_CLEAR if (kind, field.name) in _KEPT_CLEAR else _Do.SEAL
        elif c.texts in checks:
            yield field.name, _Do.SEAL_EACH
        elif _holds_text(hint) and not (
            checks & _CLEAR
            or any(isinstance(v, c.Accepting) and v.kind in _CLEAR_KINDS for v in checks)
        ):
            raise ValidationError(
                where,
                "may hold text, but its validator does not say whether it is free text "
                "(checks.text, optional_text or texts: sealed) or an id, a code, a "
                "language or a time zone (kept in the clear): an EncryptedStore stores "
                "nothing in the clear unasked",
            )
        elif _holds_records(hint):
            yield field.name, _Do.NESTED


def _sealed(value: Any, sealer: _Sealer, path: str = "") -> Any:
    """*value* (an event, a record in it, a collection of records) with its free text
    sealed, as its class declares it; *path* names where it is, for errors."""
    kind = type(value)
    if attrs.has(kind):
        changes: dict[str, Any] = {}
        for name, do in _plan(kind):
            old = getattr(value, name)
            if old is None:
                continue
            where = f"{path}.{name}" if path else name
            if do is _Do.KEEP_CLEAR:
                if isinstance(old, str) and old.startswith(_MARK):
                    raise ValidationError(
                        where, f"must not start with {_MARK!r}: it marks sealed text"
                    )
                continue
            new: Any
            if do is _Do.SEAL:
                new = sealer.seal(old)
            elif do is _Do.SEAL_EACH:
                new = tuple(sealer.seal(item) for item in old)
            else:
                new = _sealed(old, sealer, where)
            if new is not old:
                changes[name] = new
        return _copy_with(value, changes)
    if isinstance(value, tuple | list | frozenset):
        return _each(value, lambda item: _sealed(item, sealer, path))
    if isinstance(value, dict):
        return _each_value(value, lambda item: _sealed(item, sealer, path))
    return value


def _opened(value: Any, opener: Callable[[str], str]) -> Any:
    """*value* with every sealed string in it opened, dict keys too (the same object
    when none is)."""
    kind = type(value)
    if kind in _NO_TEXT or isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return opener(value) if value.startswith(_PREFIX) else value
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = tuple(f.name for f in attrs.fields(kind)) if attrs.has(kind) else ()
    if names:
        changes: dict[str, Any] = {}
        for name in names:
            old = getattr(value, name)
            held = type(old)
            if held in _NO_TEXT:  # the common cases inline: a state holds thousands
                continue
            if held is str:
                if old.startswith(_PREFIX):
                    changes[name] = opener(old)
                continue
            new = _opened(old, opener)
            if new is not old:
                changes[name] = new
        return _copy_with(value, changes)
    if isinstance(value, tuple | list | frozenset):
        return _each(value, lambda item: _opened(item, opener))
    if isinstance(value, dict):
        opened = {_opened(k, opener): _opened(v, opener) for k, v in value.items()}
        same = len(opened) == len(value) and all(
            k in value and value[k] is v for k, v in opened.items()
        )
        return value if same else type(value)(opened)
    return value


_NAMES: dict[type[Any], tuple[str, ...]] = {}
"""The field names of each attrs class met while opening (none of any other class)."""
_FAST: dict[type[Any], bool] = {}


def _copy_with(value: Any, changes: dict[str, Any]) -> Any:
    """The attrs instance *value* with *changes* (by field name); itself when none.

    Where the class allows it (every field set by ``__init__``), the copy is made
    without running its validators again: what changes is text sealed from validated
    text, text opened from it (authenticated by AES-GCM) or :data:`ERASED`, all valid
    text, and the other fields are the validated originals. Its ``__attrs_post_init__``
    runs, and a cached hash is reset. Any other class is copied by ``attrs.evolve``.
    """
    if not changes:
        return value
    kind = type(value)
    fast = _FAST.get(kind)
    if fast is None:
        fast = _FAST[kind] = all(f.init for f in attrs.fields(kind))
    if not fast:
        aliases = {f.name: f.alias or f.name for f in attrs.fields(kind)}
        return attrs.evolve(value, **{aliases[n]: v for n, v in changes.items()})
    copy = object.__new__(kind)
    for field in attrs.fields(kind):
        object.__setattr__(copy, field.name, changes.get(field.name, getattr(value, field.name)))
    if hasattr(value, _HASH_CACHE):
        object.__setattr__(copy, _HASH_CACHE, None)
    post_init = getattr(kind, "__attrs_post_init__", None)
    if post_init is not None:
        post_init(copy)
    return copy


_HASH_CACHE = "_attrs_cached_hash"
"""Where attrs keeps the hash of a ``cache_hash=True`` class's instance."""


def _each(items: Any, change: Callable[[Any], Any]) -> Any:
    """The collection *items* with each item changed (itself when none changes)."""
    changed = [change(item) for item in items]
    if all(a is b for a, b in zip(changed, items, strict=True)):
        return items
    return type(items)(changed)


def _each_value(items: dict[Any, Any], change: Callable[[Any], Any]) -> dict[Any, Any]:
    changed = {k: change(v) for k, v in items.items()}
    return items if all(changed[k] is v for k, v in items.items()) else type(items)(changed)


# --- the store ------------------------------------------------------------------------------


class EncryptedStore(WrappedStore):
    """Wraps a store so that each partnership's free text is sealed with its own key
    before it is stored, and opened again when it is read (see the module).

    Every method of the wrapped store's interfaces is passed on, its read-model
    capability too (reports still run in SQL, and give the same rows). What the
    hash-chain methods return is as stored (sealed):
    :func:`~alliance.storage.verify_integrity` needs no key. Wrap it in an
    :class:`~alliance.storage.AuditedStore` to audit its reads.

    Its methods raise, beside what the wrapped store's raise (and writing nothing when
    they do): :class:`DomainError` (field ``partnership_id``) for an append of text to a
    partnership whose key was destroyed; :class:`ValidationError` for an event with a
    field that may hold text but is declared neither as free text nor as an id or a code
    (the field named), for a goal unit that starts like sealed text, and (field ``key``)
    when the key provider gives a key that is not :data:`KEY_BYTES` bytes;
    :class:`CorruptEventError` for a stored event holding sealed text that does not open
    with its partnership's key (altered, or copied from another partnership), and
    :class:`StoreError` for a snapshot or read-model row that does, for text sealed with
    another key than the provider gives, and for sealed text of a partnership the
    provider has no key for.
    """

    def __init__(self, store: Store, keys: KeyProvider) -> None:
        super().__init__(store)
        self._written: dict[str, str] = {}
        """Each partnership's key id its stored text is sealed with, once looked up."""
        if not isinstance(keys, KeyProvider):
            raise ValidationError(
                "keys",
                "must be a KeyProvider (key_for_writing, key_for_reading), not a "
                f"{type(keys).__name__}",
            )
        self._keys = keys

    @property
    def keys(self) -> KeyProvider:
        """The key provider."""
        return self._keys

    def opened(self, partnership_id: str, value: T) -> T:
        """*value* (an event, a record, a state: anything read past this wrapper, such
        as the event a payload of :meth:`chain_records` holds, once read with
        :func:`~alliance.loads`) with the partnership's sealed text in it opened, or
        shown as :data:`ERASED` once its key is destroyed.

        Raises:
            StoreError: sealed text in it does not open with the partnership's key.
        """
        opened: T = self._open(partnership_id, value, "record")
        return opened

    def _open(
        self,
        partnership_id: str,
        value: Any,
        what: str,
        opener: _Opener | None = None,
        error: type[StoreError] = StoreError,
    ) -> Any:
        opener = opener or _Opener(self, partnership_id)

        def altered(reason: str) -> Exception:
            return error(self.url, f"the {what} of partnership {partnership_id!r} {reason}")

        return _opened(value, lambda text: opener.open(text, altered))

    def _in_events(
        self, partnership_id: str, events: Sequence[Event], expected_version: int
    ) -> Sequence[Event]:
        key = self._keys.key_for_writing(self._store.clinic_id, partnership_id)
        if key is not None and expected_version > 0:
            writing = _key_id(_checked(partnership_id, key))
            self._check_written_key(partnership_id, writing, expected_version)
        sealer = _Sealer(self._store.clinic_id, partnership_id, key)
        return [_sealed(event, sealer) for event in events]

    def _check_written_key(self, partnership_id: str, writing: str, version: int) -> None:
        """Refuse to write with another key than the partnership's stored text was
        sealed with (a misconfigured or replaced key provider would otherwise mix keys).
        The stored key is found once per store object and partnership, from its latest
        sealed text."""
        stored = self._written.get(partnership_id)
        if stored is None:
            stored = self._stored_key_id(partnership_id, version)
        if stored and stored != writing:
            raise StoreError(
                self.url,
                f"partnership {partnership_id!r}'s text is sealed with key {stored!r}, but "
                f"the key provider gives key {writing!r} to write with: the key provider is "
                "misconfigured or was replaced (nothing was written)",
            )
        self._written[partnership_id] = writing

    def _stored_key_id(self, partnership_id: str, version: int) -> str:
        """The key id of the partnership's latest sealed text up to *version* ("" if
        none is sealed), looking back a page at a time."""
        upper, step = version, 64
        while upper > 0:
            lower = max(0, upper - step)
            page = self._store.load(partnership_id, after_version=lower, up_to_version=upper)
            for row in reversed(page):
                found = _key_id_in(row.event)
                if found:
                    return found
            upper, step = lower, step * 4
        return ""

    def _out_appended(
        self, events: Sequence[Event], stored: tuple[StoredEvent, ...]
    ) -> tuple[StoredEvent, ...]:
        return tuple(
            attrs.evolve(row, event=event) for row, event in zip(stored, events, strict=True)
        )

    def _out_events(self, stored: tuple[StoredEvent, ...]) -> tuple[StoredEvent, ...]:
        openers: dict[str, _Opener] = {}
        opened = []
        for row in stored:
            opener = self._opener(openers, row.partnership_id)
            opened.append(_opened(row, _event_opener(opener, row)))
        return tuple(opened)

    def _in_snapshot(self, state: PartnershipState) -> PartnershipState:
        """The state as the wrapped store folds it (sealed), at *state*'s version: a
        snapshot must be the fold of what is stored, which ``verify_integrity`` checks.
        It starts from the stored snapshot when that is earlier, and from the whole
        timeline when the result does not open to *state* (a stored snapshot that was
        tampered with is not carried forward)."""
        inner = self._store
        assert isinstance(inner, SnapshotStore)
        if state.clinic_id != inner.clinic_id:
            raise ValidationError("state.clinic_id", f"this store is open for {inner.clinic_id!r}")
        pid = state.partnership_id
        opener = _Opener(self, pid)  # one for the call: the provider is asked once
        sealed = inner.load_snapshot(pid)
        if sealed is not None and sealed.version <= state.version:
            for row in inner.load(pid, after_version=sealed.version, up_to_version=state.version):
                apply(sealed, row.event)
            with contextlib.suppress(_AlteredSnapshotError):
                if self._open(pid, sealed, "snapshot", opener, _AlteredSnapshotError) == state:
                    return sealed
        rows = inner.load(pid, up_to_version=state.version)
        if len(rows) < state.version:
            raise ValidationError(
                "state.version", "a snapshot cannot be ahead of the stored timeline"
            )
        sealed = fold(row.event for row in rows)
        if self._open(pid, sealed, "timeline", opener) != state:
            raise ValidationError(
                "state", f"is not the fold of partnership {pid!r}'s stored timeline"
            )
        return sealed

    def _out_state(self, state: PartnershipState) -> PartnershipState | None:
        """The stored snapshot opened; ``None`` (ignored, with a warning, as the stores
        ignore a snapshot they cannot trust) when its sealed text does not open."""
        try:
            opened: PartnershipState = self._open(
                state.partnership_id, state, "snapshot", error=_AlteredSnapshotError
            )
        except _AlteredSnapshotError as exc:
            log.warning("%s; the snapshot is ignored", exc)
            return None
        return opened

    def _out_facts(self, facts: list[GoalFacts]) -> list[GoalFacts]:
        openers: dict[str, _Opener] = {}
        return [
            self._open(f.partnership_id, f, "read model", self._opener(openers, f.partnership_id))
            for f in facts
        ]

    def _out_figures(self, figures: list[GoalFigures]) -> list[GoalFigures]:
        openers: dict[str, _Opener] = {}
        for row in figures:
            opener = self._opener(openers, row.partnership_id)
            row.statement, row.metric, row.unit = self._open(
                row.partnership_id, (row.statement, row.metric, row.unit), "read model", opener
            )
        return figures

    def _opener(self, openers: dict[str, _Opener], partnership_id: str) -> _Opener:
        found = openers.get(partnership_id)
        if found is None:
            found = openers[partnership_id] = _Opener(self, partnership_id)
        return found


def _event_opener(opener: _Opener, row: StoredEvent) -> Callable[[str], str]:
    def altered(reason: str) -> Exception:
        return CorruptEventError(row.partnership_id, row.version, [reason])

    return lambda text: opener.open(text, altered)


class _EncryptedReadModelStore(ReadModelWrapper, EncryptedStore):
    """An :class:`EncryptedStore` of a :class:`~alliance.storage.ReadModelStore`."""


class _EncryptedFiguresStore(FiguresWrapper, _EncryptedReadModelStore):
    """An :class:`EncryptedStore` of a :class:`~alliance.storage.ProgressFiguresStore`."""


EncryptedStore._read_model_class = _EncryptedReadModelStore
EncryptedStore._figures_class = _EncryptedFiguresStore
