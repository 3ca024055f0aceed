"""``sqlite:///path/to/clinic.db`` — the embedded default, on the standard library's sqlite3.

- WAL journal, ``synchronous=FULL``: a commit that returned survives a power cut.
- Appends take SQLite's write lock first (``BEGIN IMMEDIATE``), so the version check,
  the global position and the inserts happen under one lock: several threads and
  several processes on one machine can append safely.
- A busy timeout (5 s by default) lets writers wait for each other rather than fail.
- One connection per thread.
- One URL option, SQLite's own ``mode``: ``?mode=rwc`` (the default: read-write, the
  file and its tables created if missing), ``?mode=rw`` (read-write, the file must
  exist) and ``?mode=ro`` (read-only, the file must exist; every write raises
  :class:`~alliance.errors.StoreError`). Any other option is refused.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from alliance.errors import StoreError, ValidationError
from alliance.storage._secrets import mask_url
from alliance.storage._sql import SqlStore
from alliance.storage._sql_base import Connection

__all__ = ["SQLiteMode", "SQLiteStore", "mode_from_url", "path_from_url"]

SQLiteMode = Literal["rwc", "rw", "ro"]
"""How a :class:`SQLiteStore` opens its file: ``"rwc"`` read-write, created if missing
(the default); ``"rw"`` read-write, the file must exist; ``"ro"`` read-only, the file
must exist. The values and their meaning are SQLite's URI parameter ``mode``."""

_MODES: dict[str, str] = {
    "rwc": "read-write, created if missing (the default)",
    "rw": "read-write, the file must exist",
    "ro": "read-only, the file must exist",
}


def _parse(url: str) -> tuple[Path, SQLiteMode]:
    """The file and the mode a SQLite URL names; a malformed URL or an option it does not
    take raises :class:`ValidationError` (field ``url``)."""
    shown = mask_url(url)  # the URL as messages show it: never a secret it may carry
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as exc:  # an unbalanced '[' in the host
        raise ValidationError("url", f"{shown!r} is not a URL ({exc})") from None
    if parts.scheme != "sqlite" or parts.netloc or not parts.path.startswith("/"):
        raise ValidationError(
            "url",
            f"{shown!r} is not a SQLite URL such as 'sqlite:///clinic.db' or 'sqlite:////srv/clinic.db'",
        )
    path = urllib.parse.unquote(parts.path[1:])
    if not path:
        raise ValidationError("url", f"{shown!r} names no database file")
    if parts.fragment:
        fragment = shown.partition("#")[2]  # as masked
        raise ValidationError(
            "url", f"{shown!r} has a fragment ('#{fragment}'); a SQLite URL takes none"
        )
    mode: SQLiteMode = "rwc"
    seen: set[str] = set()
    for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True):
        if name != "mode":
            raise ValidationError(
                "url",
                f"unknown option {name!r} in {shown!r}; a SQLite URL takes only 'mode' "
                "(ro, rw or rwc)",
            )
        if name in seen:
            raise ValidationError("url", f"option {name!r} is given twice in {shown!r}")
        seen.add(name)
        if value not in _MODES:
            choices = "; ".join(f"{m}: {meaning}" for m, meaning in _MODES.items())
            raise ValidationError(
                "url", f"option mode={value!r} in {shown!r} must be one of {choices}"
            )
        mode = value  # type: ignore[assignment]  # checked against _MODES just above
    return Path(path), mode


def path_from_url(url: str) -> Path:
    """The file of a ``sqlite:///relative.db`` or ``sqlite:////absolute/path.db`` URL.

    Raises:
        ValidationError: (field ``url``) not a SQLite URL, no file named, or an option
            the URL does not take (see :func:`mode_from_url`).
    """
    return _parse(url)[0]


def mode_from_url(url: str) -> SQLiteMode:
    """The ``mode`` option of a SQLite URL (``"rwc"`` when it has none):
    ``sqlite:///clinic.db?mode=ro`` gives ``"ro"``.

    Raises:
        ValidationError: (field ``url``) as :func:`path_from_url`; also for an unknown
            option, a ``mode`` given twice or a mode other than ``ro``, ``rw``, ``rwc``.
    """
    return _parse(url)[1]


class SQLiteStore(SqlStore):
    """A :class:`~alliance.storage.Store` in one SQLite file.

    Args:
        path: the database file (with ``mode="rwc"``, created with its tables if
            missing).
        clinic_id: the clinic this store reads and writes.
        busy_timeout: seconds a writer waits for another's lock before giving up.
        mode: ``"rwc"`` (the default) read-write, the file created if missing; ``"rw"``
            read-write, and ``"ro"`` read-only (every write raises
            :class:`~alliance.errors.StoreError`), both refusing a file that does not
            exist with a :class:`~alliance.errors.StoreError` naming its absolute path
            (nothing is created). See :data:`SQLiteMode`.
    """

    without_rowid = " WITHOUT ROWID"

    def __init__(
        self,
        path: str | Path,
        clinic_id: str,
        *,
        busy_timeout: float = 5.0,
        mode: SQLiteMode = "rwc",
    ) -> None:
        if mode not in _MODES:
            raise ValidationError("mode", f"must be one of {', '.join(_MODES)}, not {mode!r}")
        self._path = Path(path)
        self._mode: SQLiteMode = mode
        option = "" if mode == "rwc" else f"?mode={mode}"
        super().__init__(clinic_id, f"sqlite:///{self._path}{option}")
        self._busy_ms = int(busy_timeout * 1000)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._ensure_schema()

    @classmethod
    def from_url(cls, url: str, clinic_id: str, **options: Any) -> SQLiteStore:
        """Open the store a ``sqlite:///...`` URL names (with its ``?mode=``, if any)."""
        path, mode = _parse(url)
        return cls(path, clinic_id, **{"mode": mode, **options})

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    @property
    def mode(self) -> SQLiteMode:
        """How the file is opened: ``"rwc"``, ``"rw"`` or ``"ro"`` (see :data:`SQLiteMode`)."""
        return self._mode

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self._closed:
            raise StoreError(self._url, "the store is closed")
        if self._mode != "rwc" and not self._path.is_file():
            raise StoreError(
                self._url,
                f"no database file at {self._path.resolve()} (mode={self._mode} opens only "
                "an existing file; nothing was created)",
            )
        try:
            if self._mode == "rwc" and not self._path.parent.exists():
                self._path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                f"{self._path.absolute().as_uri()}?mode={self._mode}",
                uri=True,
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
