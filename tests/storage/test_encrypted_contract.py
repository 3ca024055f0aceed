"""The shipped storage contract, run against every built-in backend wrapped in an
EncryptedStore: sealing the free text changes nothing a caller of the store sees."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from alliance import events as ev
from alliance.storage import MemoryStore, SQLiteStore, Store, open_store
from alliance.storage.encryption import EncryptedStore, MemoryKeyProvider
from alliance.testing.store_contract import StoreContract


class _Encrypted(StoreContract):
    keys: MemoryKeyProvider

    @pytest.fixture(autouse=True)
    def _keys(self) -> None:
        self.keys = MemoryKeyProvider()

    def read_back(self, store: Store, partnership_id: str, held: ev.Event) -> ev.Event:
        assert isinstance(store, EncryptedStore)
        return store.opened(partnership_id, held)


class TestEncryptedMemoryStore(_Encrypted):
    @pytest.fixture(autouse=True)
    def _database(self) -> None:
        self.name = uuid.uuid4().hex

    def open(self, clinic_id: str) -> Store:
        return EncryptedStore(MemoryStore(clinic_id, name=self.name), self.keys)


class TestEncryptedSQLiteStore(_Encrypted):
    @pytest.fixture(autouse=True)
    def _database(self, tmp_path: Path) -> None:
        self.path = tmp_path / "clinic.db"

    def open(self, clinic_id: str) -> Store:
        return EncryptedStore(SQLiteStore(self.path, clinic_id), self.keys)


class TestEncryptedPostgresStore(_Encrypted):
    @pytest.fixture(autouse=True)
    def _database(self, postgres_url: str) -> None:
        self.url = postgres_url

    def open(self, clinic_id: str) -> Store:
        return EncryptedStore(open_store(self.url, clinic_id=clinic_id), self.keys)
