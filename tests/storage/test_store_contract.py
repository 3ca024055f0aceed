"""The shipped storage contract, run against every built-in backend."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from alliance.storage import MemoryStore, SQLiteStore, Store, open_store
from alliance.testing.store_contract import StoreContract


class TestMemoryStore(StoreContract):
    @pytest.fixture(autouse=True)
    def _database(self) -> None:
        self.name = uuid.uuid4().hex

    def open(self, clinic_id: str) -> Store:
        return MemoryStore(clinic_id, name=self.name)


class TestSQLiteStore(StoreContract):
    @pytest.fixture(autouse=True)
    def _database(self, tmp_path: Path) -> None:
        self.path = tmp_path / "clinic.db"

    def open(self, clinic_id: str) -> Store:
        return SQLiteStore(self.path, clinic_id)


class TestPostgresStore(StoreContract):
    @pytest.fixture(autouse=True)
    def _database(self, postgres_url: str) -> None:
        self.url = postgres_url  # a fresh database per test (tests/postgres_server.py)

    def open(self, clinic_id: str) -> Store:
        return open_store(self.url, clinic_id=clinic_id)
