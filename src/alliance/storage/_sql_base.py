"""What the SQL stores stand on (private): the connection a backend supplies, and the
little every query shares.

:class:`SqlBase` is the bottom of :class:`alliance.storage._sql.SqlStore`: a backend
(SQLite, PostgreSQL) supplies a transaction (with the write lock taken for appends), its
placeholder style, and how to run a statement per row and list a table's columns;
:mod:`alliance.storage._sql_read_model` keeps and reads the read model on top of it, and
:mod:`alliance.storage._sql` the events, the index and the snapshots.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Sequence
from typing import Any, Protocol, Self

from alliance.model.partnership import PartnershipStatus
from alliance.storage import _common


class Connection(Protocol):
    """The little of a DB-API connection the SQL store uses."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...


class SqlBase(_common.OpenedStore, abc.ABC):
    """A store in SQL, opened for one clinic. Subclasses supply the connection."""

    placeholder = "?"
    # The column type of measured values and the observations table's option (SQLite:
    # no type, so that -0.0 is kept; clustered by goal and time, WITHOUT ROWID).
    float_type = ""
    without_rowid = ""

    def __init__(self, clinic_id: str, url: str) -> None:
        super().__init__(clinic_id, _common.mask_url(url))

    # --- what a backend provides ----------------------------------------------------

    @abc.abstractmethod
    def _transaction(self, *, write: bool) -> contextlib.AbstractContextManager[Connection]:
        """A transaction; for ``write=True`` holding the lock that serialises appends."""

    @abc.abstractmethod
    def _executemany(self, conn: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """Run *sql* once per row."""

    @abc.abstractmethod
    def _columns(self, conn: Connection, table: str) -> set[str]:
        """The names of *table*'s columns."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""

    def _sql(self, text: str) -> str:
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    # --- shared by the queries ----------------------------------------------------------

    def _partnerships_query(
        self, columns: str, member_id: str | None, status: PartnershipStatus | None
    ) -> tuple[str, list[Any]]:
        """``SELECT columns FROM alliance_partnerships p`` for this clinic, selecting by
        status and current member, ordered by partnership id (``?`` placeholders), and its
        parameters."""
        sql = f"SELECT {columns} FROM alliance_partnerships p WHERE p.clinic_id = ?"
        params: list[Any] = [self._clinic_id]
        if status is not None:
            sql += " AND p.status = ?"
            params.append(status.value)
        if member_id is not None:
            sql += (
                " AND EXISTS (SELECT 1 FROM alliance_members m WHERE m.clinic_id = p.clinic_id "
                "AND m.partnership_id = p.partnership_id AND m.member_id = ? AND m.is_current = 1)"
            )
            params.append(member_id)
        return sql + " ORDER BY p.partnership_id", params

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """The rows of one query (``?`` placeholders), in a read transaction of its own."""
        with self._transaction(write=False) as conn:
            rows: list[Any] = conn.execute(self._sql(sql), params).fetchall()
        return rows

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._url} clinic={self._clinic_id!r}>"
