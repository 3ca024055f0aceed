"""A PostgreSQL server for the benchmarks: a DSN from the environment, or a throwaway one.

Built on :mod:`alliance.testing.postgres`, like ``tests/postgres_server.py``: with
``$ALLIANCE_BENCH_POSTGRES_DSN`` set, use that server (its role needs ``CREATEDB``);
otherwise start a private server from the binaries under ``/usr/lib/postgresql/*/bin``
in a temporary directory (owned by the ``postgres`` user when running as root, ``trust``
authentication, 127.0.0.1 on a free port, ``fsync=on`` and the default
``synchronous_commit=on``: a commit is durable, like SQLite's ``synchronous=FULL``),
stopped and deleted afterwards. Each measurement gets a fresh database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from alliance.testing import postgres
from alliance.testing.postgres import UnavailableError, database_url

__all__ = ["DSN_VARIABLE", "UnavailableError", "database_url", "fresh_database", "server"]

DSN_VARIABLE = "ALLIANCE_BENCH_POSTGRES_DSN"


@contextlib.contextmanager
def server() -> Iterator[str]:
    """The URL of a server's maintenance database. Raises :class:`UnavailableError`."""
    with postgres.server(DSN_VARIABLE, settings={"synchronous_commit": "on"}) as url:
        yield url


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on *server_url*, dropped afterwards."""
    with postgres.fresh_database(server_url, prefix="alliance_bench") as url:
        yield url
