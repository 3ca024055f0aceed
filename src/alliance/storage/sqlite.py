"""``sqlite:///path/to/clinic.db`` — the embedded default, on the standard library's sqlite3.

- WAL journal, ``synchronous=FULL``: a commit that returned survives a power cut.
- Appends take SQLite's write lock first (``BEGIN IMMEDIATE``), so the version check,
  the global position and the inserts happen under one lock: several threads and
  several processes on one machine can append safely.
- A busy timeout (5 s by default) lets writers wait for each other rather than fail.
- One connection per thread.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alliance.errors import StoreError, ValidationError
from alliance.storage._sql import SqlStore
from alliance.storage._sql_base import Connection

__all__ = ["SQLiteStore", "path_from_url"]


def path_from_url(url: str) -> Path:
    """The file of a ``sqlite:///relative.db`` or ``sqlite:////absolute/path.db`` URL."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "sqlite" or parts.netloc or not parts.path.startswith("/"):
        raise ValidationError(
            "url",
            f"{url!r} is not a SQLite URL such as 'sqlite:///clinic.db' or 'sqlite:////srv/clinic.db'",
        )
    path = urllib.parse.unquote(parts.path[1:])
    if not path:
        raise ValidationError("url", f"{url!r} names no database file")
    return Path(path)


class SQLiteStore(SqlStore):
    """A :class:`~alliance.storage.Store` in one SQLite file.

    Args:
        path: the database file (created with its tables if missing).
        clinic_id: the clinic this store reads and writes.
        busy_timeout: seconds a writer waits for another's lock before giving up.
    """

    without_rowid = " WITHOUT ROWID"

    def __init__(self, path: str | Path, clinic_id: str, *, busy_timeout: float = 5.0) -> None:
        self._path = Path(path)
        super().__init__(clinic_id, f"sqlite:///{self._path}")
        self._busy_ms = int(busy_timeout * 1000)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._ensure_schema()

    @classmethod
    def from_url(cls, url: str, clinic_id: str, **options: Any) -> SQLiteStore:
        """Open the store a ``sqlite:///...`` URL names."""
        return cls(path_from_url(url), clinic_id, **options)

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self._closed:
            raise StoreError(self._url, "the store is closed")
        try:
            if self._path.parent and not self._path.parent.exists():
                self._path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self._path,
                isolation_level=None,
                check_same_thread=False,
                timeout=self._busy_ms / 1000,
            )
            conn.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(self._url, f"could not switch to WAL journal mode (got {mode!r})")
            conn.execute("PRAGMA synchronous = FULL")
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(self._url, f"cannot open the database: {exc}") from exc
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

    @contextlib.contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.Error as exc:
            raise self._store_error(exc) from exc
        try:
            yield conn
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._store_error(exc) from exc
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise self._store_error(exc) from exc

    def _executemany(self, conn: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
        assert isinstance(conn, sqlite3.Connection)
        conn.executemany(sql, rows)

    def _columns(self, conn: Connection, table: str) -> set[str]:
        return {row[1] for row in conn.execute(f"PRAGMA table_info({table})").fetchall()}

    def _store_error(self, exc: sqlite3.Error) -> StoreError:
        message = str(exc)
        if "locked" in message or "busy" in message:
            reason = f"the database stayed locked by another writer for {self._busy_ms} ms"
        elif "readonly" in message or "read-only" in message:
            reason = "the database is read-only"
        elif "full" in message:
            reason = "the disk is full"
        else:
            reason = message
        return StoreError(self._url, f"{reason}; nothing was written ({type(exc).__name__}: {exc})")

    def close(self) -> None:
        """Close every connection this store opened."""
        self._closed = True
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()
