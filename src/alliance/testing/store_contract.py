"""The storage contract: pytest tests any :class:`alliance.storage.Store` must pass.

Point it at your backend by subclassing :class:`StoreContract` in a test module and
implementing :meth:`StoreContract.open`; pytest collects every inherited test::

    import pytest
    from alliance.testing.store_contract import StoreContract

    class TestMyStore(StoreContract):
        @pytest.fixture(autouse=True)
        def _database(self, tmp_path):
            self.path = tmp_path / "clinic.db"   # a fresh, empty database per test

        def open(self, clinic_id):
            return MyStore(self.path, clinic_id)

``open`` is called several times in one test, for one or two clinics: every call within
a test must reach the same (initially empty) database.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Iterator

import pendulum
import pytest

from alliance import events as ev
from alliance.errors import ConcurrencyError, StoreError, UnknownRecordError, ValidationError
from alliance.model.goals import Direction, GoalDomain, MeasurableTarget
from alliance.model.partnership import PartnershipStatus
from alliance.model.people import CarerRelationship, Discipline
from alliance.model.timeline import Partnership
from alliance.scenario import Scenario
from alliance.serialization import from_data
from alliance.storage import load_partnership, start_partnership, update, verify_integrity
from alliance.storage.interface import ChainStore, SnapshotStore, Store, StoredEvent

__all__ = ["StoreContract"]

CLINIC = "clinic-a"
OTHER_CLINIC = "clinic-b"
T0 = pendulum.datetime(2025, 1, 6, 9, tz="UTC")


def _story(partnership_id: str = "p-1", clinic_id: str = CLINIC, *, hours: int = 0) -> Scenario:
    """Ana forms *partnership_id* in *clinic_id* *hours* after T0, and she (a therapist)
    and Maria (a parent) join."""
    story = Scenario.start(
        partnership_id=partnership_id,
        clinic_id=clinic_id,
        child_id=f"child-of-{partnership_id}",
        time_zone="Europe/London",
        founder="ana",
        at=T0.add(hours=hours),
    )
    with story.all_or_nothing():
        story.record(ev.ProfessionalJoined, member_id="ana", discipline=Discipline.SPEECH_LANGUAGE)
        story.record(ev.CarerJoined, member_id="maria", relationship=CarerRelationship.PARENT)
    return story


def formed(partnership_id: str, clinic_id: str = CLINIC, *, hours: int = 0) -> ev.PartnershipFormed:
    """A forming event for *partnership_id* in *clinic_id*."""
    first = _story(partnership_id, clinic_id, hours=hours).events[0]
    assert isinstance(first, ev.PartnershipFormed)
    return first


def team(*, hours: int = 0) -> list[ev.Event]:
    """Ana (a therapist) and Maria (a parent) join."""
    return list(_story(hours=hours).events[1:])


def concern(n: int, *, actor: str = "maria") -> ev.ConcernRaised:
    """A small event to append: concern number *n*."""
    return ev.ConcernRaised(
        actor=actor,
        occurred_at=T0.add(days=1, minutes=n),
        concern_id=f"c{n}",
        description=f"Concern {n}",
    )


class StoreContract:
    """Every behaviour a store must have. Subclass it and implement :meth:`open`.

    The contract appends events of its own to a partnership Ana (a therapist) and Maria
    (a parent) formed: :meth:`event` gives them (concerns, by default). Override it to
    run the whole contract over event types of your own.
    """

    def open(self, clinic_id: str) -> Store:
        """Open the backend under test for *clinic_id* (same database within a test)."""
        raise NotImplementedError

    def _record(self, p: Partnership, *, number: int) -> None:
        p.record(self.event(number))

    def event(self, n: int, *, actor: str = "maria") -> ev.Event:
        """The *n*-th event the contract appends (each a new record; recorded by *actor*,
        Maria unless said, a day after the partnership formed and *n* minutes on)."""
        return concern(n, actor=actor)

    @pytest.fixture
    def store(self) -> Iterator[Store]:
        """A store for ``clinic-a``, closed after the test."""
        store = self.open(CLINIC)
        yield store
        store.close()

    def _with_team(self, store: Store, partnership_id: str = "p-1") -> None:
        start_partnership(store, formed(partnership_id), team())

    def read_back(self, store: Store, partnership_id: str, held: ev.Event) -> ev.Event:
        """The event *store* gives back for one whose stored payload holds *held*:
        *held* itself. A wrapper that changes events on their way in (an
        :class:`~alliance.storage.encryption.EncryptedStore` seals their text) overrides
        this to undo it."""
        del store, partnership_id
        return held

    # --- append and load --------------------------------------------------------

    def test_a_new_timeline_round_trips(self, store: Store) -> None:
        events = [formed("p-1"), *team()]
        stored = store.append("p-1", events, expected_version=0)
        assert [s.version for s in stored] == [1, 2, 3]
        assert [s.event for s in stored] == events
        loaded = store.load("p-1")
        assert [s.event for s in loaded] == events
        assert loaded == stored
        assert all(type(s.event.occurred_at) is pendulum.DateTime for s in loaded)

    def test_recorded_at_is_when_the_store_recorded_it(self, store: Store) -> None:
        before = pendulum.now("UTC")
        (stored,) = store.append("p-1", [formed("p-1")], expected_version=0)
        after = pendulum.now("UTC")
        assert before.subtract(seconds=1) <= stored.recorded_at <= after.add(seconds=1)
        assert stored.recorded_at.utcoffset() == pendulum.duration()

    def test_appends_continue_the_timeline(self, store: Store) -> None:
        self._with_team(store)
        stored = store.append("p-1", [self.event(1), self.event(2)], expected_version=3)
        assert [s.version for s in stored] == [4, 5]
        assert [s.version for s in store.load("p-1")] == [1, 2, 3, 4, 5]

    def test_a_stale_version_is_refused_and_writes_nothing(self, store: Store) -> None:
        self._with_team(store)
        before_load, before_all = store.load("p-1"), store.read_all()
        with pytest.raises(ConcurrencyError) as info:
            store.append("p-1", [self.event(1)], expected_version=2)
        assert (info.value.expected_version, info.value.actual_version) == (2, 3)
        with pytest.raises(ConcurrencyError):
            store.append("p-1", [self.event(1)], expected_version=7)
        assert store.load("p-1") == before_load
        assert store.read_all() == before_all

    def test_a_partnership_is_created_once(self, store: Store) -> None:
        store.append("p-1", [formed("p-1")], expected_version=0)
        with pytest.raises(ConcurrencyError):
            store.append("p-1", [formed("p-1")], expected_version=0)
        assert len(store.load("p-1")) == 1

    @pytest.mark.parametrize(
        ("events", "field"),
        [
            ([], "events"),
            ([concern(1)], "events[0]"),
            ([formed("p-2")], "events[0].partnership_id"),
            ([formed("p-1", OTHER_CLINIC)], "events[0].clinic_id"),
            ([formed("p-1"), formed("p-1")], "events[1]"),
        ],
    )
    def test_batches_that_cannot_start_a_timeline_are_refused(
        self, store: Store, events: list[ev.Event], field: str
    ) -> None:
        with pytest.raises(ValidationError) as info:
            store.append("p-1", events, expected_version=0)
        assert info.value.field == field
        assert store.load("p-1") == ()
        assert store.read_all() == ()
        assert store.find_partnerships() == []

    def test_a_batch_is_stored_all_or_nothing(self, store: Store) -> None:
        self._with_team(store)
        with pytest.raises(ValidationError):
            store.append("p-1", [self.event(1), formed("p-1")], expected_version=3)
        assert len(store.load("p-1")) == 3

    def test_load_up_to_a_version_or_a_moment(self, store: Store) -> None:
        self._with_team(store)
        store.append("p-1", [self.event(1), self.event(2), self.event(3)], expected_version=3)
        assert [s.version for s in store.load("p-1", up_to_version=4)] == [1, 2, 3, 4]
        moment = T0.add(days=1, minutes=2)
        assert [s.version for s in store.load("p-1", as_of=moment)] == [1, 2, 3, 4, 5]
        assert store.load("p-1", as_of=T0.subtract(seconds=1)) == ()

    def test_load_after_a_version(self, store: Store) -> None:
        self._with_team(store)
        store.append("p-1", [self.event(1), self.event(2)], expected_version=3)
        assert [s.version for s in store.load("p-1", after_version=3)] == [4, 5]
        assert [s.version for s in store.load("p-1", after_version=1, up_to_version=3)] == [2, 3]
        assert store.load("p-1", after_version=5) == ()

    def test_an_unknown_partnership_loads_as_nothing(self, store: Store) -> None:
        assert store.load("nobody") == ()
        with pytest.raises(UnknownRecordError):
            load_partnership(store, "nobody")

    def test_a_large_timeline_round_trips(self, store: Store) -> None:
        self._with_team(store)
        batch = [self.event(n) for n in range(1, 501)]
        store.append("p-1", batch, expected_version=3)
        partnership = load_partnership(store, "p-1")
        assert partnership.version == 503
        assert list(partnership.events[3:]) == batch

    # --- finding partnerships ---------------------------------------------------

    def test_find_partnerships_by_member_and_status(self, store: Store) -> None:
        self._with_team(store, "p-1")
        start_partnership(
            store,
            formed("p-2"),
            [
                ev.ProfessionalJoined(
                    member_id="ana", discipline=Discipline.ABA, actor="ana", occurred_at=T0
                ),
                ev.CarerJoined(
                    member_id="lee",
                    relationship=CarerRelationship.GRANDPARENT,
                    actor="ana",
                    occurred_at=T0,
                ),
            ],
        )
        store.append(
            "p-2",
            [
                ev.PartnershipStatusChanged(
                    status=PartnershipStatus.ACTIVE, actor="ana", occurred_at=T0.add(days=1)
                )
            ],
            expected_version=3,
        )
        assert [s.partnership_id for s in store.find_partnerships()] == ["p-1", "p-2"]
        assert [s.partnership_id for s in store.find_partnerships(member_id="ana")] == [
            "p-1",
            "p-2",
        ]
        assert [s.partnership_id for s in store.find_partnerships(member_id="lee")] == ["p-2"]
        (active,) = store.find_partnerships(status=PartnershipStatus.ACTIVE)
        assert active.partnership_id == "p-2"
        assert active.child_id == "child-of-p-2"
        assert active.clinic_id == CLINIC
        assert active.version == 4
        assert active.members == {"ana", "lee"}
        assert store.find_partnerships(member_id="lee", status=PartnershipStatus.FORMING) == []

    def test_a_member_who_left_is_not_found(self, store: Store) -> None:
        self._with_team(store)
        store.append(
            "p-1",
            [ev.MemberLeft(member_id="maria", actor="ana", occurred_at=T0.add(days=2))],
            expected_version=3,
        )
        assert store.find_partnerships(member_id="maria") == []
        (summary,) = store.find_partnerships(member_id="ana")
        assert summary.members == {"ana"}

    # --- the global order -------------------------------------------------------

    def test_read_all_follows_every_event_in_order(self, store: Store) -> None:
        self._with_team(store, "p-1")
        self._with_team(store, "p-2")
        store.append("p-1", [self.event(1)], expected_version=3)
        everything = store.read_all()
        assert [(s.partnership_id, s.version) for s in everything] == [
            ("p-1", 1), ("p-1", 2), ("p-1", 3),
            ("p-2", 1), ("p-2", 2), ("p-2", 3),
            ("p-1", 4),
        ]  # fmt: skip
        positions = [s.position for s in everything]
        assert positions == sorted(positions)
        assert len(set(positions)) == len(positions)
        assert positions == list(range(positions[0], positions[0] + len(positions)))

    def test_read_all_pages_after_a_position(self, store: Store) -> None:
        self._with_team(store, "p-1")
        store.append("p-1", [self.event(n) for n in range(1, 8)], expected_version=3)
        seen: list[StoredEvent] = []
        after = 0
        while page := store.read_all(after=after, limit=3):
            assert len(page) <= 3
            seen.extend(page)
            after = page[-1].position
        assert seen == list(store.read_all())
        assert len(seen) == 10

    # --- tenancy ----------------------------------------------------------------

    def test_a_store_never_shows_another_clinics_data(self, store: Store) -> None:
        other = self.open(OTHER_CLINIC)
        try:
            self._with_team(store, "p-1")
            start_partnership(other, formed("p-1", OTHER_CLINIC), team())
            other.append("p-1", [self.event(1)], expected_version=3)
            assert len(store.load("p-1")) == 3
            assert len(other.load("p-1")) == 4
            assert {s.event.clinic_id for s in store.load("p-1")[:1]} == {CLINIC}  # type: ignore[attr-defined]
            assert [s.clinic_id for s in store.find_partnerships()] == [CLINIC]
            assert [s.clinic_id for s in other.find_partnerships(member_id="maria")] == [
                OTHER_CLINIC
            ]
            assert all(s.partnership_id == "p-1" for s in store.read_all())
            assert len(store.read_all()) == 3
            assert len(other.read_all()) == 4
            assert store.load("p-2") == ()
            assert other.find_partnerships(member_id="nobody") == []
        finally:
            other.close()

    # --- concurrency ------------------------------------------------------------

    def test_racing_writers_exactly_one_wins(self, store: Store) -> None:
        self._with_team(store)
        stores = [self.open(CLINIC) for _ in range(4)]
        results: list[str] = []
        barrier = threading.Barrier(len(stores))

        def write(index: int, writer: Store) -> None:
            barrier.wait()
            try:
                writer.append("p-1", [self.event(index)], expected_version=3)
                results.append("won")
            except ConcurrencyError:
                results.append("lost")

        threads = [threading.Thread(target=write, args=(i, s)) for i, s in enumerate(stores)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for s in stores:
            s.close()
        assert sorted(results) == ["lost", "lost", "lost", "won"]
        assert [s.version for s in store.load("p-1")] == [1, 2, 3, 4]

    def test_update_retries_on_fresh_state_until_it_wins(self, store: Store) -> None:
        self._with_team(store)
        per_thread, threads_count = 5, 4
        errors: list[BaseException] = []

        def work(thread: int) -> None:
            writer = self.open(CLINIC)
            try:
                for n in range(per_thread):
                    number = thread * 100 + n
                    update(
                        writer, "p-1", functools.partial(self._record, number=number), attempts=50
                    )
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                writer.close()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        loaded = store.load("p-1")
        assert [s.version for s in loaded] == list(range(1, 4 + per_thread * threads_count))
        appended = {s.event for s in loaded[3:]}  # every one a record of its own
        assert len(appended) == per_thread * threads_count

    def test_update_gives_up_after_its_attempts(self, store: Store) -> None:
        self._with_team(store)
        rival = self.open(CLINIC)
        calls: list[int] = []

        def change(p: Partnership) -> None:
            calls.append(1)
            version = len(rival.load("p-1"))
            rival.append("p-1", [self.event(100 + len(calls))], expected_version=version)
            p.record(self.event(len(calls), actor="ana"))

        try:
            with pytest.raises(ConcurrencyError):
                update(store, "p-1", change, attempts=3)
        finally:
            rival.close()
        assert len(calls) == 3
        assert len(store.load("p-1")) == 3 + 3  # only the rival's events

    def test_update_writes_nothing_when_the_change_is_refused(self, store: Store) -> None:
        self._with_team(store)
        with pytest.raises(UnknownRecordError):
            update(
                store,
                "p-1",
                lambda p: p.record(ev.GoalAgreed(goal_id="nope", actor="maria", occurred_at=T0)),
            )
        assert len(store.load("p-1")) == 3

    # --- whole partnerships -----------------------------------------------------

    def test_a_realistic_partnership_round_trips(self, store: Store) -> None:
        self._with_team(store)
        target = MeasurableTarget(
            metric="requests",
            unit="per day",
            baseline=1,
            target=8,
            direction=Direction.INCREASE,
            due=pendulum.date(2025, 6, 30),
        )

        def propose(p: Partnership) -> None:
            p.record(
                ev.GoalProposed(
                    goal_id="g1",
                    domain=GoalDomain.COMMUNICATION,
                    statement="Asks with two words",
                    why_it_matters="Fewer tears",
                    target=target,
                    actor="maria",
                    occurred_at=T0.add(days=1),
                )
            )
            p.record(ev.GoalAgreed(goal_id="g1", actor="ana", occurred_at=T0.add(days=2)))

        after = update(store, "p-1", propose)
        again = load_partnership(store, "p-1")
        assert again.state == after.state
        assert again.events == after.events
        assert (
            load_partnership(store, "p-1", as_of=T0.add(days=1, hours=1))
            .state.goals["g1"]
            .status.value
            == "proposed"
        )

    # --- snapshots (for stores that keep them) ------------------------------------

    def test_a_snapshot_changes_no_result(self, store: Store) -> None:
        if not isinstance(store, SnapshotStore):
            pytest.skip(f"{type(store).__name__} keeps no snapshots")
        self._with_team(store)
        update(store, "p-1", lambda p: p.record(self.event(1)))
        store.save_snapshot(load_partnership(store, "p-1").state)
        for n in range(2, 6):
            update(store, "p-1", functools.partial(self._record, number=n))
        from_snapshot = load_partnership(store, "p-1")
        whole = load_partnership(store, "p-1", use_snapshot=False)
        assert from_snapshot.state == whole.state
        assert from_snapshot.version == whole.version == 8
        assert from_snapshot.events_since(4) == whole.events[4:]
        store.delete_snapshots()
        assert store.load_snapshot("p-1") is None
        assert load_partnership(store, "p-1").state == whole.state

    def test_update_saves_snapshots_as_the_timeline_grows(self, store: Store) -> None:
        if not isinstance(store, SnapshotStore):
            pytest.skip(f"{type(store).__name__} keeps no snapshots")
        self._with_team(store)
        for n in range(1, 4):
            update(store, "p-1", functools.partial(self._record, number=n), snapshot_every=2)
        snapshot = store.load_snapshot("p-1")
        assert snapshot is not None
        assert snapshot.version == 6
        assert snapshot == load_partnership(store, "p-1", use_snapshot=False).state

    def test_a_snapshot_cannot_run_ahead_of_the_timeline(self, store: Store) -> None:
        if not isinstance(store, SnapshotStore):
            pytest.skip(f"{type(store).__name__} keeps no snapshots")
        self._with_team(store)
        partnership = load_partnership(store, "p-1")
        partnership.record(self.event(1))
        with pytest.raises(ValidationError):
            store.save_snapshot(partnership.state)
        assert store.load_snapshot("p-1") is None

    # --- the hash chain (for stores that keep one) ----------------------------------

    def test_the_hash_chain_verifies_and_covers_each_payload(self, store: Store) -> None:
        if not isinstance(store, ChainStore):
            pytest.skip(f"{type(store).__name__} keeps no hash chain")
        self._with_team(store)
        for n in range(1, 4):
            update(store, "p-1", functools.partial(self._record, number=n))
        report = verify_integrity(store)
        assert report.ok, report.problems
        assert (report.partnerships, report.events) == (1, len(store.load("p-1")))
        records = [r for r in store.chain_records() if r.partnership_id == "p-1"]
        previous = ""
        for record, stored in zip(records, store.load("p-1"), strict=True):
            assert record.version == stored.version
            assert record.payload is not None
            held = from_data(json.loads(record.payload), ev.Event)
            assert self.read_back(store, stored.partnership_id, held) == stored.event
            assert (record.clinic_id, record.position) == (CLINIC, stored.position)
            kind = type(stored.event)
            assert (record.event_type, record.schema_version) == (
                kind.type_name,
                kind.schema_version,
            )
            columns = (
                f"alliance-chain/2\n{CLINIC}\np-1\n{record.version}\n{record.position}\n"
                f"{record.event_type}\n{record.schema_version}\n{record.occurred_at_us}\n"
                f"{record.recorded_at_us}\n{previous}\n"
            )
            digest = hashlib.sha256(columns.encode())
            digest.update(record.payload.encode())
            assert record.chain_hash == digest.hexdigest()
            previous = record.chain_hash

    def test_close_twice_is_harmless(self) -> None:
        store = self.open(CLINIC)
        store.close()
        store.close()

    def test_a_closed_store_refuses_work(self) -> None:
        store = self.open(CLINIC)
        store.close()
        with pytest.raises(StoreError):
            store.append("p-1", [formed("p-1")], expected_version=0)
