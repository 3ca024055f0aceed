"""A real PostgreSQL server for the tests: a pytest plugin, loaded by ``conftest.py``.

Fixtures:

- ``postgres_server`` (session): a URL of a server's maintenance database, for admin
  work. ``$ALLIANCE_TEST_POSTGRES_DSN`` when set (a URL or a ``key=value`` string; its
  role needs ``CREATEDB``); otherwise a throwaway server this plugin starts from the
  binaries under ``/usr/lib/postgresql/*/bin`` (a temporary data directory owned by
  the ``postgres`` user, ``trust`` authentication, 127.0.0.1 on a free port and a Unix
  socket inside the directory, fsync on), stopped and deleted at the end of the session.
- ``postgres_url`` (per test): the URL of a fresh, empty database on that server
  (``CREATE DATABASE ... TEMPLATE template0``, a few tens of milliseconds), dropped
  after the test.

With neither a DSN nor the binaries, tests that use them are skipped, unless
``ALLIANCE_REQUIRE_POSTGRES=1`` (set by CI), in which case they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NoReturn

import pytest

from alliance.testing.postgres import (
    ServerRefusedError,
    UnavailableError,
    fresh_database,
    server,
)

DSN_VARIABLE = "ALLIANCE_TEST_POSTGRES_DSN"
REQUIRE_VARIABLE = "ALLIANCE_REQUIRE_POSTGRES"


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{reason} ({REQUIRE_VARIABLE}=1 requires the PostgreSQL tests)", pytrace=False)
    pytest.skip(f"{reason}; set {DSN_VARIABLE} or install the postgresql server package")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database (for admin work)."""
    try:
        with server(DSN_VARIABLE, settings={"max_connections": "200"}) as url:
            yield url
    except ServerRefusedError as exc:
        pytest.fail(str(exc), pytrace=False)
    except UnavailableError as exc:
        _unavailable(str(exc))


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """The URL of a fresh, empty database on the test server, dropped after the test."""
    with fresh_database(postgres_server, prefix="alliance_test") as url:
        yield url
