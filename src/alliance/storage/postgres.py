"""``postgresql://user:password@host:5432/dbname`` — a shared server, through psycopg 3.

Needs the ``postgres`` extra: ``pip install 'alliance[postgres]'``.

- A connection pool (:class:`psycopg_pool.ConnectionPool`, one connection at least,
  ``max_size`` at most) is opened when the store is and closed by
  :meth:`PostgresStore.close`.
- Appends take ``LOCK TABLE alliance_events IN EXCLUSIVE MODE`` first. It serialises
  writers (readers are not blocked), so the version check, the next global position
  (``MAX(position) + 1``) and the inserts happen under one lock, positions have no gaps,
  and transactions commit in position order: a follower of
  :meth:`PostgresStore.read_all` never skips an event that commits late.
- Reads run in ``REPEATABLE READ READ ONLY`` transactions, so one call sees one snapshot.
- The schema is created under a transaction-level advisory lock, so several processes
  may open the same fresh database at once; PostgreSQL's DDL is transactional, so a
  refused database (written by a newer alliance) is left exactly as it was.
- Every psycopg failure becomes :class:`alliance.StoreError` naming the URL with every
  secret masked (the userinfo password, ``?password=``/``?sslpassword=``, a
  ``key=value`` string's ``password=``), scrubbed from its message and from the chained
  psycopg exceptions too; the transaction is rolled back and the store stays usable.
  A malformed URL raises :class:`alliance.ValidationError` (field ``url``).
- A pooled connection that died while idle (the server restarted, an administrator
  ended it) is noticed by a cheap check when it is taken from the pool and replaced,
  with the pool's other idle connections checked at once: the call goes on, transparently,
  on a fresh connection.
  A connection lost *during* a call is not retried: the call raises StoreError. When
  it was lost while committing, the message says that the outcome is unknown.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterator
from typing import Any

import psycopg
import psycopg_pool
from psycopg import IsolationLevel
from psycopg.conninfo import conninfo_to_dict

from alliance.errors import StoreError, ValidationError
from alliance.storage import _secrets
from alliance.storage._sql import SqlStore
from alliance.storage._sql_base import Connection

__all__ = ["PostgresStore"]

_SCHEMES = ("postgresql", "postgres")
# pg_advisory_xact_lock key taken while the schema is created: "alliance" in ASCII.
_SCHEMA_LOCK_KEY = int.from_bytes(b"alliance", "big")
# The schema is created in one transaction, and this index comes last in it.
_LAST_SCHEMA_OBJECT = "alliance_observations_by_id"

# SQLSTATE classes and codes that mean the connection or the server went away.
_CONNECTION_LOST_CLASSES = ("08", "57")


class PostgresStore(SqlStore):
    """A :class:`~alliance.storage.Store` in a PostgreSQL database.

    Several processes and threads may share one database: appends are serialised by a
    table lock, reads are not blocked. The tables are created on first use.

    Args:
        url: a libpq URL, ``postgresql://user:password@host:port/dbname?option=value``,
            or a libpq ``key=value`` string (``host=... password=...``).
        clinic_id: the clinic this store reads and writes.
        max_size: the most connections the pool holds (it keeps at least one).
        connect_timeout: seconds to wait for the server when connecting (libpq counts
            whole seconds, 2 at least); defaults to the URL's ``connect_timeout`` or 5.
        timeout: seconds a call waits for a free pooled connection before failing.

    Raises:
        StoreError: the server cannot be reached, refuses the login, or holds a
            database written by a newer alliance.
        ValidationError: (field ``url``) a URL or ``key=value`` string libpq cannot
            read (an unknown option, a bad percent-escape, a raw ``@`` in the password),
            or a ``connect_timeout`` that is not a number.
    """

    placeholder = "%s"
    float_type = "DOUBLE PRECISION"

    def __init__(
        self,
        url: str,
        clinic_id: str,
        *,
        max_size: int = 4,
        connect_timeout: float | None = None,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(clinic_id, url)
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
            raise ValidationError("max_size", "must be a whole number, at least 1")
        if timeout <= 0:
            raise ValidationError("timeout", "must be positive")
        self._closed = False
        self._bootstrapping = False
        self._schema_present = False
        self._timeout = float(timeout)
        self._masked = _secrets.mask(url)
        params = self._parse(url)
        # Whatever libpq itself reads as a secret is scrubbed too.
        self._masked = self._masked.with_secrets(
            str(value) for key, value in params.items() if value and _secrets.is_secret_name(key)
        )
        if connect_timeout is None:
            try:
                connect_timeout = float(params.get("connect_timeout") or 5)
            except ValueError:
                raise ValidationError(
                    "url",
                    f"{self._url}: connect_timeout must be a number of seconds, not "
                    f"{self._masked.scrub(str(params['connect_timeout']))!r}",
                ) from None
        self._connect_timeout = max(2, math.ceil(connect_timeout))
        kwargs: dict[str, Any] = {"connect_timeout": self._connect_timeout, "autocommit": True}

        # Connect once directly: a refused connection, a failed login or a missing
        # database fails here at once, with libpq's own explanation.
        try:
            psycopg.connect(url, **kwargs).close()
        except psycopg.Error as exc:
            raise StoreError(
                self._url, f"cannot connect to the server: {self._scrub(exc)}"
            ) from self._masked.clean(exc)

        self._pool: psycopg_pool.ConnectionPool[psycopg.Connection[tuple[Any, ...]]]
        self._pool = psycopg_pool.ConnectionPool(
            url,
            kwargs=kwargs,
            min_size=1,
            max_size=max_size,
            open=False,
            check=self._check_connection,
            timeout=self._timeout,
            name=f"alliance-{clinic_id}",
        )
        try:
            self._pool.open(wait=True, timeout=self._connect_timeout + 1.0)
            self._ensure_schema()
        except BaseException as exc:
            self.close()
            if isinstance(exc, psycopg.Error):
                raise StoreError(
                    self._url, f"cannot open the store: {self._scrub(exc)}"
                ) from self._masked.clean(exc)
            raise

    def _parse(self, url: str) -> dict[str, Any]:
        """libpq's reading of *url*; a malformed one raises ValidationError naming why."""
        if _secrets.scheme(url) in _SCHEMES:
            authority = re.split("[/?#]", url.split("://", 1)[1], maxsplit=1)[0]
            if authority.count("@") > 1:
                raise ValidationError(
                    "url",
                    f"{self._url}: the user name or password holds a raw '@'; "
                    "percent-encode it as %40 (and ':' as %3A, '/' as %2F)",
                )
        try:
            return conninfo_to_dict(url)
        except psycopg.Error as exc:
            problem = self._scrub(exc)
            cause = self._masked.clean(exc)
        # Raised here, not in the except clause: the cause is the scrubbed one.
        raise ValidationError(
            "url", f"{self._url}: not a PostgreSQL URL or key=value string ({problem})"
        ) from cause

    @classmethod
    def from_url(cls, url: str, clinic_id: str, **options: Any) -> PostgresStore:
        """Open the store a ``postgresql://...`` (or ``postgres://...``) URL names.

        *options* are the keyword arguments of :class:`PostgresStore`.
        """
        if _secrets.scheme(url) not in _SCHEMES:
            raise ValidationError(
                "url", "is not a PostgreSQL URL such as 'postgresql://user@host:5432/dbname'"
            )
        return cls(url, clinic_id, **options)

    # --- connections and transactions ---------------------------------------------

    def _check_connection(self, conn: psycopg.Connection[Any]) -> None:
        """The pool's check before lending a connection: a dead one is replaced.

        When one pooled connection is dead the others usually are too (the server
        restarted), so check them all at once rather than one backoff at a time.
        """
        try:
            psycopg_pool.ConnectionPool.check_connection(conn)
        except psycopg.Error:
            with contextlib.suppress(psycopg.Error):
                self._pool.check()
            raise

    @contextlib.contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        if self._closed:
            raise StoreError(self._url, "the store is closed")
        committing = False
        try:
            with self._pool.connection() as conn:
                conn.isolation_level = (
                    IsolationLevel.READ_COMMITTED if write else IsolationLevel.REPEATABLE_READ
                )
                conn.read_only = not write
                with conn.transaction():
                    if write and self._bootstrapping:  # the tables may not exist yet
                        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK_KEY,))
                    elif write:
                        conn.execute("LOCK TABLE alliance_events IN EXCLUSIVE MODE")
                    yield conn
                    committing = True
        except psycopg.Error as exc:
            raise self._store_error(exc, committing=committing) from self._masked.clean(exc)

    def _executemany(self, conn: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
        assert isinstance(conn, psycopg.Connection)
        with conn.cursor() as cursor:
            cursor.executemany(sql, rows)

    def _columns(self, conn: Connection, table: str) -> set[str]:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s",
            (table,),
        ).fetchall()
        return {str(row[0]) for row in rows}

    # --- schema -----------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        with self._transaction(write=False) as conn:
            row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (_LAST_SCHEMA_OBJECT,))
            self._schema_present = bool(row.fetchone()[0])
        self._bootstrapping = True
        try:
            super()._ensure_schema()
        finally:
            self._bootstrapping = False

    def _schema_statements(self) -> list[str]:
        # With the tables in place, skip the DDL: CREATE INDEX IF NOT EXISTS would
        # still take a SHARE lock on alliance_events and wait for running appends.
        return [] if self._schema_present else super()._schema_statements()

    # --- errors -------------------------------------------------------------------------

    def _scrub(self, exc: BaseException) -> str:
        """*exc*'s message on one line, with every secret of the URL masked."""
        return self._masked.scrub(" ".join(str(exc).split()) or type(exc).__name__)

    def _store_error(self, exc: psycopg.Error, *, committing: bool) -> StoreError:
        detail = self._scrub(exc)
        sqlstate = exc.sqlstate or ""
        if isinstance(exc, psycopg_pool.PoolClosed):
            return StoreError(self._url, "the store is closed")
        if isinstance(exc, psycopg_pool.PoolTimeout):
            return StoreError(
                self._url,
                f"no database connection became free within {self._timeout:g} s (the server "
                f"is unreachable or every pooled connection is busy); nothing was written "
                f"({detail})",
            )
        lost = isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError) and (
            not sqlstate or sqlstate[:2] in _CONNECTION_LOST_CLASSES
        )
        if lost and committing:
            return StoreError(
                self._url,
                f"the connection to the server was lost while committing ({detail}); the "
                "outcome is unknown: reload before trying again",
            )
        if lost:
            reason = "the connection to the server was lost"
        elif sqlstate == "25006":
            reason = "the database is read-only"
        elif sqlstate.startswith("53"):
            reason = "the server ran out of resources"
        elif sqlstate.startswith("42"):
            reason = "the database does not have the expected tables"
        else:
            reason = "the database refused the operation"
        return StoreError(
            self._url,
            f"{reason}; the transaction was rolled back and nothing was written "
            f"({type(exc).__name__}: {detail})",
        )

    def close(self) -> None:
        """Close the pool and its connections. Calling it twice is harmless."""
        self._closed = True
        pool = getattr(self, "_pool", None)
        if pool is not None:
            with contextlib.suppress(psycopg.Error):
                pool.close()
