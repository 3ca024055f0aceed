"""A host's own events (``funding.py``: a funder's authorisation and the sessions used)
are recorded with the model's guarantees: checked, folded into the host's extension of
the state, authorised by RolePolicy, stored by every backend, covered by the hash
chain, drawn by the testing kit and its state machine, and listed by the de-identified
export."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from funding import Funding, SessionsAuthorised, SessionsUsed
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.stateful import run_state_machine_as_test

import alliance as al
from alliance.deidentify import deidentified_jsonl
from alliance.model.authorisation import role_table
from alliance.storage import MemoryStore, SQLiteStore
from alliance.storage.encryption import ERASED, EncryptedStore, MemoryKeyProvider
from alliance.testing import strategies as s
from alliance.testing.state_machine import PartnershipStateMachine
from alliance.testing.store_contract import StoreContract
from team import at, build

HOST_TYPES = {SessionsAuthorised, SessionsUsed}


def authorised(p: al.Partnership, *, sessions: int = 12) -> SessionsAuthorised:
    return p.record(
        SessionsAuthorised(
            funder="County council", sessions=sessions, goal_id="g1", actor="ana", occurred_at=at(5)
        )
    )


# --- recorded with the model's guarantees ---------------------------------------------------------


def test_a_host_event_is_checked_folded_and_authorised() -> None:
    p = build()  # under RolePolicy, the default
    grant = authorised(p)
    p.record(
        SessionsUsed(
            authorisation_id=grant.authorisation_id, sessions=3, actor="maria", occurred_at=at(6)
        )
    )
    funding = p.state.extension(Funding)
    assert funding.authorisations[grant.authorisation_id].remaining == 9
    assert al.fold(p.events) == p.state  # the fold is the event's own apply
    assert al.from_data(al.to_data(p.state), al.PartnershipState) == p.state


def test_a_host_event_is_refused_for_a_side_its_permission_leaves_out() -> None:
    p = build()
    version = p.version
    with pytest.raises(al.PermissionDenied) as denied:
        p.record(
            SessionsAuthorised(
                funder="County council", sessions=4, actor="maria", occurred_at=at(5)
            )
        )
    assert denied.value.action == "example.SessionsAuthorised"
    assert "professionals" in denied.value.reason
    assert p.version == version
    assert p.state.extension(Funding).authorisations == {}


def test_a_host_events_own_rules_refuse_and_nothing_changes() -> None:
    p = build()
    grant = authorised(p, sessions=2)
    state = p.state.copy()
    with pytest.raises(al.DomainError, match="only 2 sessions"):
        p.record(
            SessionsUsed(
                authorisation_id=grant.authorisation_id, sessions=3, actor="ana", occurred_at=at(6)
            )
        )
    with pytest.raises(al.UnknownRecordError):
        p.record(SessionsUsed(authorisation_id="nope", sessions=1, actor="ana", occurred_at=at(6)))
    assert p.state == state


def test_a_host_event_is_in_the_role_table_it_asks_for() -> None:
    table = role_table([SessionsAuthorised, SessionsUsed])
    assert "`example.SessionsAuthorised` | no | yes | no |" in table
    assert "`example.SessionsUsed` (carers confirm the sessions delivered) | yes | yes | no |" in (
        table
    )


# --- stored by every backend, covered by the hash chain -------------------------------------------


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[al.Store]:
    if request.param == "memory":
        opened: al.Store = MemoryStore("c-1", name=uuid.uuid4().hex)
    elif request.param == "sqlite":
        opened = SQLiteStore(tmp_path / "clinic.db", "c-1")
    else:
        opened = al.open_store(request.getfixturevalue("postgres_url"), clinic_id="c-1")
    yield opened
    opened.close()


def test_a_host_event_round_trips_through_every_store(store: al.Store) -> None:
    p = build()
    grant = authorised(p)
    p.record(
        SessionsUsed(
            authorisation_id=grant.authorisation_id, sessions=5, actor="ana", occurred_at=at(7)
        )
    )
    al.start_partnership(store, p.events[0], p.events[1:])
    loaded = al.load_partnership(store, p.id)
    assert loaded.events == p.events
    assert loaded.state == p.state
    assert loaded.state.extension(Funding).authorisations[grant.authorisation_id].used == 5
    assert al.verify_integrity(store).ok
    # and a change through the store's verbs, with a snapshot of the extended state
    al.update(
        store,
        p.id,
        lambda q: q.record(
            SessionsUsed(
                authorisation_id=grant.authorisation_id, sessions=1, actor="ana", occurred_at=at(8)
            )
        ),
        snapshot_every=1,
    )
    again = al.load_partnership(store, p.id)
    assert again.state.extension(Funding).authorisations[grant.authorisation_id].used == 6
    assert al.verify_integrity(store).ok


def test_a_host_events_text_is_sealed_at_rest_like_the_models_own(store: al.Store) -> None:
    keys = MemoryKeyProvider()
    sealed = EncryptedStore(store, keys)
    p = build()
    grant = authorised(p)
    al.start_partnership(sealed, p.events[0], p.events[1:])
    sealed.save_snapshot(p.state)  # type: ignore[attr-defined]
    loaded = al.load_partnership(sealed, p.id)
    assert loaded.state == p.state
    assert loaded.state.extension(Funding).authorisations[grant.authorisation_id].funder == (
        "County council"
    )
    stored = json.dumps([r.payload for r in store.chain_records()])  # type: ignore[attr-defined]
    stored += json.dumps([r.payload for r in store.snapshot_records()])  # type: ignore[attr-defined]
    assert "County council" not in stored
    assert "alliance-sealed:1 " in stored
    assert al.verify_integrity(sealed).ok
    keys.destroy_key("c-1", p.id)
    erased = al.load_partnership(sealed, p.id).state.extension(Funding)
    assert erased.authorisations[grant.authorisation_id].funder == ERASED
    assert erased.authorisations[grant.authorisation_id].remaining == 12


class HostEventContract(StoreContract):
    """The whole storage contract, appending the host's events instead of concerns."""

    def event(self, n: int, *, actor: str = "maria") -> al.Event:
        return SessionsAuthorised(
            authorisation_id=f"a{n}",
            funder=f"Funder {n}",
            sessions=1 + n % 60,
            actor="ana",
            occurred_at=at(1).add(minutes=n),
        )


class TestMemoryStoreWithHostEvents(HostEventContract):
    @pytest.fixture(autouse=True)
    def _database(self) -> None:
        self.name = uuid.uuid4().hex

    def open(self, clinic_id: str) -> al.Store:
        return MemoryStore(clinic_id, name=self.name)


class TestSQLiteStoreWithHostEvents(HostEventContract):
    @pytest.fixture(autouse=True)
    def _database(self, tmp_path: Path) -> None:
        self.path = tmp_path / "clinic.db"

    def open(self, clinic_id: str) -> al.Store:
        return SQLiteStore(self.path, clinic_id)


class TestPostgresStoreWithHostEvents(HostEventContract):
    @pytest.fixture(autouse=True)
    def _database(self, postgres_url: str) -> None:
        self.url = postgres_url

    def open(self, clinic_id: str) -> al.Store:
        return al.open_store(self.url, clinic_id=clinic_id)


# --- drawn by the testing kit, listed by the export ----------------------------------------------

FIXED = settings(
    max_examples=60,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_histories_draw_host_events_valid_under_the_role_policy() -> None:
    seen: set[type[al.Event]] = set()

    @seed(0)
    @FIXED
    @given(events=s.partnership_histories(topics={"funding": 10}))
    def collect(events: list[al.Event]) -> None:
        replayed = al.Partnership.form(events[0], policy=al.RolePolicy())
        replayed.record_all(events[1:])  # every event accepted again, under RolePolicy
        seen.update(type(e) for e in events)

    collect()
    assert seen >= HOST_TYPES


def test_events_of_draws_a_host_event_valid_on_its_own() -> None:
    @FIXED
    @given(event=s.events_of(SessionsUsed))
    def check(event: SessionsUsed) -> None:
        assert al.loads(al.dumps(event), al.Event) == event

    check()


def test_the_state_machine_records_host_events() -> None:
    seen: set[type[al.Event]] = set()

    class FundedPartnership(PartnershipStateMachine):
        policy = al.RolePolicy()

        def teardown(self) -> None:
            if self._history is not None:
                seen.update(type(e) for e in self.partnership.events)

    for sample in range(5):
        run_state_machine_as_test(
            seed(sample)(FundedPartnership),
            settings=settings(FIXED, max_examples=10, stateful_step_count=50),
        )
        if seen >= HOST_TYPES:
            break
    assert seen >= HOST_TYPES


def test_the_deidentified_export_lists_host_events() -> None:
    p = build()
    grant = authorised(p)
    rows = [json.loads(line) for line in deidentified_jsonl([p.events], key=b"k" * 20)]
    (row,) = [r for r in rows if r["type"] == "example.SessionsAuthorised"]
    assert row["sessions"] == 12
    assert "funder" not in row  # free text is left out
    assert row["authorisation_id"] != grant.authorisation_id  # ids become pseudonyms
