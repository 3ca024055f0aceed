"""Opening stores by URL: built-in schemes, the default location, plugins, clear errors."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path
from typing import get_args

import pytest

import alliance.storage as storage
from alliance import StoreError, ValidationError
from alliance.storage import MemoryStore, SQLiteStore, Store, open_store
from alliance.storage.sqlite import SQLiteMode
from alliance.testing.store_contract import formed


def vendor_factory(url: str, clinic_id: str) -> Store:
    """A stand-in third-party backend, registered through a fake entry point."""
    return MemoryStore(clinic_id, name=f"vendor-{url}")


def test_memory_stores_with_one_name_share_data() -> None:
    a = open_store("memory://shared-test", clinic_id="c-1")
    b = open_store("memory://shared-test", clinic_id="c-1")
    a.append("p-1", [formed("p-1", "c-1")], expected_version=0)
    assert len(b.load("p-1")) == 1
    assert open_store("memory://", clinic_id="c-1").load("p-1") == ()


def test_sqlite_urls_name_relative_and_absolute_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///relative.db", clinic_id="c-1")
    absolute = open_store(f"sqlite:///{tmp_path / 'sub' / 'absolute.db'}", clinic_id="c-1")
    assert isinstance(relative, SQLiteStore)
    assert isinstance(absolute, SQLiteStore)
    assert (tmp_path / "relative.db").exists()
    assert (tmp_path / "sub" / "absolute.db").exists()
    relative.close()
    absolute.close()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite://host/x.db", "sqlite:///"])
def test_malformed_sqlite_urls_are_refused(url: str) -> None:
    with pytest.raises(ValidationError) as info:
        open_store(url, clinic_id="c-1")
    assert info.value.field == "url"


def test_the_default_store_is_an_sqlite_file_under_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALLIANCE_STORE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert storage.default_url() == f"sqlite:///{tmp_path / 'alliance' / 'alliance.db'}"
    store = open_store(clinic_id="c-1")
    assert isinstance(store, SQLiteStore)
    assert store.path == tmp_path / "alliance" / "alliance.db"
    store.close()
    monkeypatch.setenv("ALLIANCE_STORE_URL", "memory://from-env")
    assert storage.default_url() == "memory://from-env"


def test_an_unknown_scheme_names_the_url_with_the_password_masked() -> None:
    with pytest.raises(StoreError) as info:
        open_store("mongodb://clinic:s3cret@db.example/alliance", clinic_id="c-1")
    message = str(info.value)
    assert "s3cret" not in message
    assert "mongodb://clinic:***@db.example/alliance" in message
    assert "no storage backend for scheme 'mongodb'" in message
    assert "sqlite" in message


def test_a_plugin_backend_is_opened_by_its_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = EntryPoint(
        name="vendor", value="test_open_store:vendor_factory", group=storage.ENTRY_POINT_GROUP
    )

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        return [plugin] if group == storage.ENTRY_POINT_GROUP else []

    monkeypatch.setattr(storage, "entry_points", fake_entry_points)
    store = open_store("vendor://x", clinic_id="c-1")
    assert isinstance(store, MemoryStore)
    assert store.clinic_id == "c-1"


def test_a_bad_clinic_id_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        open_store("memory://", clinic_id="a clinic")
    assert info.value.field == "clinic_id"


def test_stores_satisfy_the_protocol(tmp_path: Path) -> None:
    sqlite = SQLiteStore(tmp_path / "x.db", "c-1")
    assert isinstance(sqlite, Store)
    assert isinstance(MemoryStore("c-1"), Store)
    sqlite.close()


def test_sqlite_mode_rw_and_ro_refuse_a_missing_file_naming_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for mode in ("rw", "ro"):
        with pytest.raises(StoreError) as info:
            open_store(f"sqlite:///data/x.db?mode={mode}", clinic_id="c-1")
        assert f"no database file at {tmp_path / 'data' / 'x.db'}" in str(info.value)
        assert f"mode={mode}" in str(info.value)
    assert list(tmp_path.iterdir()) == []  # nothing created: no file, no directory


def test_sqlite_mode_ro_reads_and_refuses_every_write(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    writer = open_store(url, clinic_id="c-1")
    writer.append("p-1", [formed("p-1", "c-1")], expected_version=0)
    writer.close()
    reader = open_store(f"{url}?mode=ro", clinic_id="c-1")
    assert isinstance(reader, SQLiteStore)
    assert reader.mode == "ro"
    assert reader.url == f"{url}?mode=ro"
    assert [s.partnership_id for s in reader.find_partnerships()] == ["p-1"]
    assert len(reader.load("p-1")) == 1
    with pytest.raises(StoreError) as info:
        reader.append("p-2", [formed("p-2", "c-1")], expected_version=0)
    assert "the database is read-only; nothing was written" in str(info.value)
    reader.close()
    again = open_store(f"{url}?mode=rw", clinic_id="c-1")
    assert [s.partnership_id for s in again.find_partnerships()] == ["p-1"]
    again.append("p-2", [formed("p-2", "c-1")], expected_version=0)
    again.close()


def test_sqlite_mode_rwc_is_the_default_and_creates_the_file(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'new' / 'x.db'}?mode=rwc", clinic_id="c-1")
    assert isinstance(store, SQLiteStore)
    assert store.mode == "rwc"
    assert store.url == f"sqlite:///{tmp_path / 'new' / 'x.db'}"
    assert (tmp_path / "new" / "x.db").exists()
    store.close()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?timeout=10", "unknown option 'timeout' in "),
        ("?mode=ro&cache=shared", "unknown option 'cache' in "),
        ("?mode=ro&mode=rw", "option 'mode' is given twice in "),
        ("?mode=memory", "option mode='memory' in "),
        ("?mode=", "option mode='' in "),
        ("#part", "has a fragment ('#part'); a SQLite URL takes none"),
    ],
)
def test_sqlite_url_options_it_does_not_take_are_refused_by_name(
    tmp_path: Path, query: str, message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        open_store(f"sqlite:///{tmp_path / 'x.db'}{query}", clinic_id="c-1")
    assert info.value.field == "url"
    assert message in info.value.reason
    assert list(tmp_path.iterdir()) == []


def test_a_bad_sqlite_mode_argument_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        SQLiteStore(tmp_path / "x.db", "c-1", mode="wr")  # type: ignore[arg-type]
    assert info.value.field == "mode"


def test_a_bad_mode_names_every_mode_sqlite_mode_admits(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        open_store(f"sqlite:///{tmp_path / 'x.db'}?mode=memory", clinic_id="c-1")
    named = [
        part.split(":")[0] for part in info.value.reason.split("must be one of ")[1].split("; ")
    ]
    assert named == list(get_args(SQLiteMode))
