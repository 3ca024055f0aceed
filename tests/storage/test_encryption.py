"""Encryption at rest: free text sealed before it is stored, opened when it is read,
erased everywhere once its key is destroyed; structure and numbers stay for reports."""

from __future__ import annotations

import collections.abc
import dataclasses
import json
import sqlite3
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alliance as al
from alliance import events as ev
from alliance.demo import sample_partnership
from alliance.errors import CorruptEventError, DomainError, StoreError, ValidationError
from alliance.model import checks
from alliance.model.event import event_types
from alliance.model.goals import MeasurableTarget
from alliance.model.partnership import PartnershipStatus
from alliance.reports import progress_report
from alliance.serialization import from_data, to_data
from alliance.storage import (
    AuditedStore,
    MemoryStore,
    ProgressFiguresStore,
    SQLiteStore,
    Store,
    load_partnership,
    open_store,
    verify_integrity,
)
from alliance.storage.encryption import (
    ERASED,
    KEY_BYTES,
    EncryptedStore,
    KeyProvider,
    MemoryKeyProvider,
    _copy_with,
    _plan,
    _sealed,
    _Sealer,
    is_sealed,
)
from alliance.synthetic import synthetic_clinic
from alliance.testing.store_contract import concern
from alliance.testing.strategies import partnership_histories
from store_reads import REPORTS, STORE_READS

CLINIC = sample_partnership().state.clinic_id


def _texts(data: Any) -> Iterator[str]:
    """Every string in *data* that reads as free text (it has a space in it), found
    without the library's own notion of which fields are text."""
    if isinstance(data, str):
        if " " in data.strip():
            yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _texts(value)
    elif isinstance(data, list):
        for value in data:
            yield from _texts(value)


def _units(events: list[ev.Event]) -> set[str]:
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, MeasurableTarget):
            found.add(value.unit)
        elif attrs.has(type(value)):
            for field in attrs.fields(type(value)):
                walk(getattr(value, field.name))
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item)

    for event in events:
        walk(event)
    return found


def _free_text(events: list[ev.Event]) -> set[str]:
    """The sample's free text, units (kept in the clear) left out."""
    return {t for e in events for t in _texts(to_data(e))} - _units(events)


def _store_sample(store: Store) -> list[ev.Event]:
    """The sample partnership in *store*, with a snapshot and the read model."""
    events = list(sample_partnership().events)
    store.append(events[0].partnership_id, events, expected_version=0)
    partnership = load_partnership(store, events[0].partnership_id, use_snapshot=False)
    store.save_snapshot(partnership.state)  # type: ignore[attr-defined]
    return events


def _raw_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "clinic.db"


def test_no_free_text_is_left_readable_in_the_database_file(db: Path) -> None:
    plain = SQLiteStore(db.with_name("plain.db"), CLINIC)
    events = _store_sample(plain)
    plain.close()
    texts = _free_text(events)
    assert len(texts) > 50
    raw = _raw_bytes(db.with_name("plain.db"))
    assert all(t.encode() in raw for t in texts)  # without encryption, all of it is there

    keys = MemoryKeyProvider()
    store = EncryptedStore(SQLiteStore(db, CLINIC), keys)
    _store_sample(store)
    store.close()
    raw = _raw_bytes(db)
    assert [t for t in texts if t.encode() in raw] == []
    assert b"alliance-sealed:1 " in raw


def test_the_snapshot_and_the_read_model_hold_sealed_text_only(db: Path) -> None:
    store = EncryptedStore(SQLiteStore(db, CLINIC), MemoryKeyProvider())
    events = _store_sample(store)
    store.close()
    texts = _free_text(events)
    with sqlite3.connect(db) as conn:
        (state,) = conn.execute("SELECT payload FROM alliance_snapshots").fetchone()
        goals = conn.execute("SELECT statement, state FROM alliance_goals").fetchall()
        notes = conn.execute("SELECT note FROM alliance_observations").fetchall()
    assert goals
    assert notes
    stored = " ".join([state, *(g for row in goals for g in row), *(n or "" for (n,) in notes)])
    assert [t for t in texts if t in stored] == []
    assert all(is_sealed(statement) for statement, _ in goals)


def test_reading_opens_the_text_again_and_changes_nothing_a_caller_sees(db: Path) -> None:
    plain = SQLiteStore(db.with_name("plain.db"), CLINIC)
    _store_sample(plain)
    store = EncryptedStore(SQLiteStore(db, CLINIC), MemoryKeyProvider())
    events = _store_sample(store)
    pid = events[0].partnership_id
    assert [s.event for s in store.load(pid)] == events
    assert [s.event for s in store.read_all()] == events
    assert load_partnership(store, pid).state == load_partnership(plain, pid).state
    assert list(progress_report(store)) == list(progress_report(plain))


def test_the_chain_and_the_derived_data_verify_without_a_key(db: Path) -> None:
    store = EncryptedStore(SQLiteStore(db, CLINIC), MemoryKeyProvider())
    events = _store_sample(store)
    for checked in (store, store.inner, SQLiteStore(db, CLINIC)):
        report = verify_integrity(checked)
        assert report.ok, report.problems
        assert report.events == len(events)


def test_a_destroyed_key_erases_the_text_and_keeps_the_numbers(db: Path) -> None:
    keys = MemoryKeyProvider()
    store = EncryptedStore(SQLiteStore(db, CLINIC), keys)
    events = _store_sample(store)
    pid = events[0].partnership_id
    before = list(progress_report(store))
    state = load_partnership(store, pid).state
    keys.destroy_key(CLINIC, pid)

    erased = load_partnership(store, pid).state
    assert {g.statement for g in erased.goals.values()} == {ERASED}
    assert [o.value for o in erased.observations.values()] == [
        o.value for o in state.observations.values()
    ]
    assert all(o.note in (None, ERASED) for o in erased.observations.values())
    after = list(progress_report(store))
    erased_goal = {"statement": ERASED, "metric": ERASED}
    assert [attrs.evolve(r, goal=attrs.evolve(r.goal, **erased_goal)) for r in before] == after
    assert {t for s in store.load(pid) for t in _texts(to_data(s.event))} <= {
        ERASED,
        *_units(events),
    }
    assert verify_integrity(store).ok
    raw = _raw_bytes(db)
    assert [t for t in _free_text(events) if t.encode() in raw] == []


def test_sealed_text_moved_to_another_partnership_does_not_open(db: Path) -> None:
    keys = MemoryKeyProvider()
    store = EncryptedStore(SQLiteStore(db, CLINIC), keys)
    events = _store_sample(store)
    pid = events[0].partnership_id
    with sqlite3.connect(db) as conn:
        (sealed,) = conn.execute(
            "SELECT statement FROM alliance_goals WHERE partnership_id = ?", (pid,)
        ).fetchone()
    assert is_sealed(sealed)
    store.append("p-other", [attrs.evolve(events[0], partnership_id="p-other")], expected_version=0)
    with pytest.raises(StoreError, match=r"sealed with key .* copied from another partnership"):
        store.opened("p-other", sealed)
    statement = next(e.statement for e in events if isinstance(e, ev.GoalProposed))
    assert store.opened(pid, sealed) == statement


class OneKey(MemoryKeyProvider):
    """One key for every partnership (allowed: the partnership is bound in all the same)."""

    KEY = b"k" * KEY_BYTES

    def key_for_writing(self, clinic_id: str, partnership_id: str) -> bytes | None:
        return self.KEY

    def key_for_reading(self, clinic_id: str, partnership_id: str) -> bytes | None:
        return self.KEY


def test_sealed_text_is_bound_to_its_partnership_under_one_key_too(db: Path) -> None:
    store = EncryptedStore(SQLiteStore(db, CLINIC), OneKey())
    events = _store_sample(store)
    sealed = next(s.statement for s in _sealed_goals(store))
    with pytest.raises(StoreError, match="does not open with the partnership's key"):
        store.opened("p-other", sealed)
    assert store.opened(events[0].partnership_id, sealed) != sealed


def _held(store: Store) -> list[ev.Event]:
    """The events *store*'s stored payloads hold, as stored (sealed)."""
    assert isinstance(store, MemoryStore | SQLiteStore)
    return [from_data(json.loads(r.payload or "{}"), ev.Event) for r in store.chain_records()]


def _sealed_goals(store: EncryptedStore) -> list[ev.GoalProposed]:
    return [e for e in _held(store.inner) if isinstance(e, ev.GoalProposed)]


def test_an_altered_sealed_payload_is_a_corrupt_event(db: Path) -> None:
    store = EncryptedStore(SQLiteStore(db, CLINIC), MemoryKeyProvider())
    events = _store_sample(store)
    pid = events[0].partnership_id
    with sqlite3.connect(db) as conn:
        version, payload = conn.execute(
            "SELECT version, payload FROM alliance_events WHERE partnership_id = ? "
            "AND event_type = 'GoalProposed' ORDER BY version LIMIT 1",
            (pid,),
        ).fetchone()
        data = json.loads(payload)
        sealed = data["statement"]
        data["statement"] = sealed[:-6] + ("AAAA==" if not sealed.endswith("AAAA==") else "BBBB==")
        conn.execute(
            "UPDATE alliance_events SET payload = ? WHERE partnership_id = ? AND version = ?",
            (json.dumps(data), pid, version),
        )
    with pytest.raises(CorruptEventError) as caught:
        store.load(pid)
    assert (caught.value.partnership_id, caught.value.version) == (pid, version)
    assert not verify_integrity(store).ok  # the chain says so too


def test_wrapping_keeps_the_stores_capabilities_and_audits_through(db: Path) -> None:
    keys = MemoryKeyProvider()
    sql = EncryptedStore(open_store(f"sqlite:///{db}", clinic_id=CLINIC), keys)
    assert isinstance(sql, ProgressFiguresStore)
    assert not isinstance(EncryptedStore(MemoryStore(CLINIC), keys), ProgressFiguresStore)
    seen: list[str] = []
    audited = AuditedStore(sql, lambda access: seen.append(access.operation))
    assert isinstance(audited, ProgressFiguresStore)
    _store_sample(audited)
    rows = list(progress_report(audited))
    assert rows
    assert all(not is_sealed(r.goal.statement) for r in rows)
    assert "progress_figures" in seen


def test_keys_are_checked() -> None:
    with pytest.raises(ValidationError) as caught:
        EncryptedStore(MemoryStore(CLINIC), {"p-1": b"S3CRET-KEY-BYTES"})  # type: ignore[arg-type]
    assert caught.value.field == "keys"
    assert "S3CRET" not in str(caught.value)  # the key provider is not shown in the error
    assert "dict" in str(caught.value)

    class ShortKeys(MemoryKeyProvider):
        def key_for_writing(self, clinic_id: str, partnership_id: str) -> bytes | None:
            return b"too short"

    store = EncryptedStore(MemoryStore(CLINIC), ShortKeys())
    events = list(sample_partnership().events)
    with pytest.raises(ValidationError, match=f"{KEY_BYTES} bytes") as caught:
        store.append(events[0].partnership_id, events, expected_version=0)
    assert caught.value.field == "key"
    assert store.inner.load(events[0].partnership_id) == ()
    assert isinstance(MemoryKeyProvider(), KeyProvider)


def test_a_partnership_stored_before_encryption_reads_as_it_was(db: Path) -> None:
    events = _store_sample(SQLiteStore(db, CLINIC))
    pid = events[0].partnership_id
    store = EncryptedStore(SQLiteStore(db, CLINIC), MemoryKeyProvider())
    assert [s.event for s in store.load(pid)] == events


@settings(max_examples=25)
@given(data=st.data(), text=st.sampled_from(["readable", "unicode"]))
def test_every_history_round_trips_sealed(data: st.DataObject, text: str) -> None:
    history = data.draw(partnership_histories(min_events=2, max_events=30, text=text))
    keys = MemoryKeyProvider()
    formed = history[0]
    assert isinstance(formed, ev.PartnershipFormed)
    clinic = formed.clinic_id
    inner = MemoryStore(clinic)
    store = EncryptedStore(inner, keys)
    store.append(formed.partnership_id, history, expected_version=0)
    assert [s.event for s in store.load(formed.partnership_id)] == history
    held = _held(inner)
    assert [store.opened(formed.partnership_id, e) for e in held] == history
    if text == "readable":  # its sentences have spaces: found without the library's help
        plain = {t for e in history for t in _texts(to_data(e))} - _units(history)
        assert plain.isdisjoint({t for e in held for t in _texts(to_data(e))})
    keys.destroy_key(clinic, formed.partnership_id)
    erased = [s.event for s in store.load(formed.partnership_id)]
    assert [type(e) for e in erased] == [type(e) for e in history]
    assert [e.occurred_at for e in erased] == [e.occurred_at for e in history]
    assert [e.actor for e in erased] == [e.actor for e in history]


def test_no_free_text_is_left_readable_in_any_postgresql_table(postgres_url: str) -> None:
    import psycopg  # noqa: PLC0415 (the test group has it)

    keys = MemoryKeyProvider()
    store = EncryptedStore(open_store(postgres_url, clinic_id=CLINIC), keys)
    events = _store_sample(store)
    keys.destroy_key(CLINIC, events[0].partnership_id)
    assert list(progress_report(store))
    store.close()
    control = [attrs.evolve(events[0], clinic_id="control"), *events[1:]]
    plain = open_store(postgres_url, clinic_id="control")
    plain.append(control[0].partnership_id, control, expected_version=0)
    plain.close()

    def dumped(conn: psycopg.Connection[Any], clinic_id: str) -> str:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'alliance%'")
        names = [name for (name,) in tables]
        assert len(names) >= 7
        return " ".join(
            str(row[0])
            for name in names
            for row in conn.execute(
                f"SELECT to_jsonb(t)::text FROM {name} t WHERE to_jsonb(t)->>'clinic_id' = %s",
                (clinic_id,),
            )
        )

    texts = _free_text(events)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        sealed, clear = dumped(conn, CLINIC), dumped(conn, "control")
    assert "alliance-sealed:1 " in sealed
    as_json = {t: json.dumps(t, ensure_ascii=False)[1:-1] for t in texts}
    assert [t for t, j in as_json.items() if j not in clear] == []  # the control
    assert [t for t, j in as_json.items() if j in sealed] == []


# --- every read opens the text; only the records kept for verify_integrity are as stored ---

AS_STORED = {"chain_records", "snapshot_records", "read_model_records"}


def _strings(value: Any) -> Iterator[str]:
    """Every string in a read's result (records, rows, tuples, dicts, GoalFigures)."""
    if isinstance(value, str):
        yield value
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _strings(getattr(value, field.name))
    elif isinstance(value, al.storage.GoalFigures):
        for slot in value.__slots__:
            yield from _strings(getattr(value, slot))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple | frozenset):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
@pytest.mark.parametrize("name", sorted(STORE_READS))
def test_every_read_opens_the_text(backend: str, name: str, db: Path) -> None:
    inner = MemoryStore(CLINIC) if backend == "memory" else SQLiteStore(db, CLINIC)
    store = EncryptedStore(inner, MemoryKeyProvider())
    events = _store_sample(store)
    pid = events[0].partnership_id
    call, _ = STORE_READS[name]
    if not hasattr(inner, name):
        assert not hasattr(store, name)
        return
    if name == "tombstones":
        closing = ev.PartnershipStatusChanged(
            status=PartnershipStatus.CLOSED, actor="ana", occurred_at=events[-1].occurred_at
        )
        store.append(pid, [closing], expected_version=len(events))
        al.storage.purge_partnership(store, pid, purged_by="ana", reason="retention ended")
        assert call(store, pid)
        return
    found = list(_strings(call(store, pid)))
    if (backend, name) == ("memory", "read_model_records"):
        assert found == []  # a memory store keeps no read model
        return
    assert found
    sealed = [s for s in found if "alliance-sealed:1 " in s]  # a value, or in stored JSON
    if name in AS_STORED:
        assert sealed
        assert not any(t in s for t in _free_text(events) for s in found)
    else:
        assert sealed == []


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_gives_the_same_rows_encrypted(name: str, tmp_path: Path) -> None:
    plain = SQLiteStore(tmp_path / "plain.db", CLINIC)
    store = EncryptedStore(SQLiteStore(tmp_path / "sealed.db", CLINIC), MemoryKeyProvider())
    for each in (plain, store):
        for p in [
            *synthetic_clinic(seed=11, partnerships=3, clinic_id=CLINIC),
            sample_partnership(),
        ]:
            each.append(p.state.partnership_id, p.events, expected_version=0)
    expected = list(REPORTS[name](plain))
    assert expected
    assert list(REPORTS[name](store)) == expected


# --- what the review found: the mark, the fields' declarations, keys lost or replaced -------


def test_a_clear_value_never_reads_as_sealed(db: Path) -> None:
    store = EncryptedStore(SQLiteStore(db, CLINIC), MemoryKeyProvider())
    events = _store_sample(store)
    pid = events[0].partnership_id
    goal = next(e for e in events if isinstance(e, ev.GoalProposed))
    # An id may hold ':' but no space, so it can never start like sealed text.
    odd = attrs.evolve(goal, goal_id="alliance-sealed:1:x", occurred_at=events[-1].occurred_at)
    store.append(pid, [odd], expected_version=len(events))
    assert store.load(pid)[-1].event == odd
    # The unit is text kept in the clear: one that starts like sealed text is refused.
    marked = attrs.evolve(
        goal,
        goal_id="g-marked",
        target=attrs.evolve(goal.target, unit="alliance-sealed:1 minutes"),
    )
    with pytest.raises(ValidationError, match="marks sealed text") as caught:
        store.append(pid, [marked], expected_version=len(events) + 1)
    assert caught.value.field == "target.unit"
    assert len(store.load(pid)) == len(events) + 1


def test_a_field_that_may_hold_text_is_sealed_only_as_declared() -> None:
    def short(_instance: object, _attribute: object, value: str) -> None:
        assert len(value) < 100

    @attrs.frozen(kw_only=True)
    class Declared:
        both: str = attrs.field(validator=[checks.text, short])
        maybe: str | None = attrs.field(validator=attrs.validators.optional(checks.text))
        code: str = attrs.field(validator=checks.identifier)

    sealer = _Sealer(CLINIC, "p-1", b"k" * KEY_BYTES)
    sealed = _sealed(Declared(both="a note", maybe="a maybe", code="c-1"), sealer)
    assert is_sealed(sealed.both)
    assert is_sealed(sealed.maybe)
    assert sealed.code == "c-1"


@attrs.frozen
class Tag:
    name: str = attrs.field(validator=checks.text)


@dataclasses.dataclass(frozen=True)
class Plain:
    text: str


Note = typing.NewType("Note", str)


@pytest.mark.parametrize(
    ("hint", "value"),
    [
        (frozenset[str], frozenset({"home"})),
        (Note, Note("a note")),
        (collections.abc.Sequence[str], ["a", "b"]),
        (dict[str, Tag], {"a key": Tag(name="x")}),
        (str | Tag, "plain"),
        (tuple[str | Tag, ...], ("plain",)),
        (Plain, Plain(text="in a dataclass")),
        (typing.Any, "anything"),
    ],
)
def test_a_field_that_may_hold_undeclared_text_is_refused_by_name(hint: Any, value: Any) -> None:
    undeclared = attrs.make_class("Undeclared", {"field": attrs.field(type=hint)}, frozen=True)
    with pytest.raises(ValidationError, match="may hold text, but its validator") as caught:
        _sealed(undeclared(value), _Sealer(CLINIC, "p-1", b"k" * KEY_BYTES))
    assert caught.value.field == "Undeclared.field"


def test_a_text_field_not_set_by_init_is_refused_by_name() -> None:
    @attrs.frozen
    class Derived:
        body: str = attrs.field(validator=checks.text)
        preview: str = attrs.field(init=False, default="")

    with pytest.raises(ValidationError, match="not set by __init__") as caught:
        _sealed(Derived(body="a long note"), _Sealer(CLINIC, "p-1", b"k" * KEY_BYTES))
    assert caught.value.field.endswith("Derived.preview")


def test_copies_keep_what_their_classes_compute() -> None:
    @attrs.frozen(cache_hash=True)
    class Cached:
        text: str

    @attrs.define(slots=False)
    class Noted:
        text: str

        def __attrs_post_init__(self) -> None:
            self.length = len(self.text)

    copy = _copy_with(Cached(text="a"), {"text": "b"})
    assert copy == Cached(text="b")
    assert hash(copy) == hash(Cached(text="b"))
    noted = _copy_with(Noted(text="a"), {"text": "bcd"})
    assert noted.length == 3


def test_a_destroyed_key_refuses_new_text_but_lets_the_partnership_close(db: Path) -> None:
    keys = MemoryKeyProvider()
    store = EncryptedStore(SQLiteStore(db, CLINIC), keys)
    events = _store_sample(store)
    pid = events[0].partnership_id
    keys.destroy_key(CLINIC, pid)

    def closing(reason: str | None) -> ev.PartnershipStatusChanged:
        return ev.PartnershipStatusChanged(
            status=PartnershipStatus.CLOSED,
            reason=reason,
            actor="ana",
            occurred_at=events[-1].occurred_at,
        )

    for refused in ([concern(99)], [closing("moved away")]):
        with pytest.raises(DomainError, match="was destroyed: its text is erased") as caught:
            store.append(pid, refused, expected_version=len(events))
        assert caught.value.field == "partnership_id"
        assert len(store.load(pid)) == len(events)  # nothing written
    store.append(pid, [closing(None)], expected_version=len(events))
    tombstone = al.storage.purge_partnership(store, pid, purged_by="ana", reason="erasure asked")
    assert tombstone.events == len(events) + 1
    assert store.load(pid) == ()


def test_a_key_provider_that_lost_or_replaced_the_keys_is_refused_not_read_as_erased(
    db: Path,
) -> None:
    store = EncryptedStore(SQLiteStore(db, CLINIC), MemoryKeyProvider())
    events = _store_sample(store)
    pid = events[0].partnership_id
    lost = EncryptedStore(SQLiteStore(db, CLINIC), MemoryKeyProvider())
    with pytest.raises(StoreError, match="has no key for partnership 'p-sam'"):
        lost.load(pid)
    with pytest.raises(StoreError, match="key provider is misconfigured or was replaced"):
        EncryptedStore(SQLiteStore(db, CLINIC), OneKey()).load(pid)


def test_a_tampered_snapshot_is_not_carried_into_the_next(db: Path) -> None:
    store = EncryptedStore(SQLiteStore(db, CLINIC), MemoryKeyProvider())
    events = _store_sample(store)
    pid = events[0].partnership_id
    with sqlite3.connect(db) as conn:
        (payload,) = conn.execute("SELECT payload FROM alliance_snapshots").fetchone()
        data = json.loads(payload)
        observation = next(iter(data["state"]["observations"].values()))
        observation["value"] = 999
        conn.execute("UPDATE alliance_snapshots SET payload = ?", (json.dumps(data),))
    more = [concern(n) for n in range(1, 3)]
    store.append(pid, more, expected_version=len(events))
    truth = load_partnership(store, pid, use_snapshot=False).state
    store.save_snapshot(truth)
    assert verify_integrity(store).ok
    assert load_partnership(store, pid).state == truth


def test_a_snapshot_whose_sealed_text_was_altered_is_ignored_and_replaced(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = EncryptedStore(SQLiteStore(db, CLINIC), MemoryKeyProvider())
    events = _store_sample(store)
    pid = events[0].partnership_id
    with sqlite3.connect(db) as conn:
        (payload,) = conn.execute("SELECT payload FROM alliance_snapshots").fetchone()
        start = payload.index("alliance-sealed:1 ") + len("alliance-sealed:1 ") + 20
        flipped = "B" if payload[start] == "A" else "A"
        altered = payload[:start] + flipped + payload[start + 1 :]
        conn.execute("UPDATE alliance_snapshots SET payload = ?", (altered,))
    truth = load_partnership(store, pid, use_snapshot=False).state
    with caplog.at_level("WARNING", logger="alliance.storage"):
        assert store.load_snapshot(pid) is None
    assert "does not open" in caplog.text
    assert load_partnership(store, pid).state == truth  # from the whole timeline
    store.append(pid, [concern(1)], expected_version=len(events))
    truth = load_partnership(store, pid, use_snapshot=False).state
    store.save_snapshot(truth)
    assert store.load_snapshot(pid) == truth
    assert verify_integrity(store).ok


def test_a_replaced_key_provider_cannot_write_and_mix_keys(db: Path) -> None:
    keys = MemoryKeyProvider()
    store = EncryptedStore(SQLiteStore(db, CLINIC), keys)
    events = _store_sample(store)
    pid = events[0].partnership_id
    replaced = EncryptedStore(SQLiteStore(db, CLINIC), MemoryKeyProvider())
    with pytest.raises(StoreError, match=r"misconfigured or was replaced \(nothing was written"):
        replaced.append(pid, [concern(1)], expected_version=len(events))
    assert len(store.load(pid)) == len(events)
    store.append(pid, [concern(1)], expected_version=len(events))  # the right keys still write
    assert store.load(pid)[-1].event == concern(1)


def test_every_built_in_event_type_and_nested_record_is_planned() -> None:
    def records(hint: Any) -> list[type]:
        if isinstance(hint, type) and attrs.has(hint):
            return [hint]
        return [r for arg in typing.get_args(hint) if arg is not Ellipsis for r in records(arg)]

    planned: set[type] = set()
    todo: list[type] = list(event_types().values())
    while todo:
        kind = todo.pop()
        if kind in planned:
            continue
        planned.add(kind)
        plan = dict(_plan(kind))  # refuses a field that may hold undeclared text
        hints = typing.get_type_hints(kind)
        for field in attrs.fields(kind):
            todo.extend(records(hints[field.name]))
            if field.validator in (checks.text, checks.optional_text, checks.texts):
                assert field.name in plan, f"{kind.__name__}.{field.name}"
    assert set(event_types().values()) < planned  # nested records too
