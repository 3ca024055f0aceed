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

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

DSN_VARIABLE = "ALLIANCE_TEST_POSTGRES_DSN"
REQUIRE_VARIABLE = "ALLIANCE_REQUIRE_POSTGRES"
BINARIES = "/usr/lib/postgresql/*/bin"


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{reason} ({REQUIRE_VARIABLE}=1 requires the PostgreSQL tests)", pytrace=False)
    pytest.skip(f"{reason}; set {DSN_VARIABLE} or install the postgresql server package")


def database_url(dsn: str, dbname: str) -> str:
    """A ``postgresql://`` URL for database *dbname* on the server *dsn* points to."""
    from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415 (optional dependency)

    params = {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    params.pop("dbname", None)
    user, password = params.pop("user", ""), params.pop("password", "")
    host, port = params.pop("host", ""), params.pop("port", "")
    netloc = ""
    if user:
        netloc = urllib.parse.quote(user, safe="")
        if password:
            netloc += ":" + urllib.parse.quote(password, safe="")
        netloc += "@"
    if host.startswith("/") or "," in host:  # a socket directory, or several hosts
        params["host"] = host
    elif host:
        netloc += f"[{host}]" if ":" in host else host
    if port and "host" not in params:
        netloc += f":{port}"
    elif port:
        params["port"] = port
    query = urllib.parse.urlencode(params)
    return urllib.parse.urlunsplit(
        ("postgresql", netloc, "/" + urllib.parse.quote(dbname, safe=""), query, "")
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _find_bindir() -> Path | None:
    for candidate in sorted(glob.glob(BINARIES), reverse=True):  # the newest first
        bindir = Path(candidate)
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


@contextlib.contextmanager
def _throwaway_server(bindir: Path) -> Iterator[str]:
    """Start a private server from *bindir*; yield its maintenance database's URL."""
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        if shutil.which("runuser") is None:
            _unavailable(
                "running as root, but runuser is missing to start PostgreSQL as 'postgres'"
            )
        as_postgres = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="alliance-pg-"))
    data, log = root / "data", root / "server.log"

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*as_postgres, *command], cwd=root, capture_output=True, text=True, check=False
        )

    try:
        if as_postgres:
            try:
                shutil.chown(root, user="postgres")
            except (LookupError, OSError) as exc:
                _unavailable(f"cannot hand {root} to the 'postgres' user: {exc}")
        # --no-sync only skips initdb's final flush of a directory deleted afterwards;
        # the server itself runs with fsync on.
        done = run(
            str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        if done.returncode != 0:
            _unavailable(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        port = 0
        for _ in range(3):  # another process may grab the free port first
            port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={port} "
                f"-c unix_socket_directories={root} -c fsync=on -c max_connections=200"
            )
            done = run(
                str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                "-o", options, "start",
            )  # fmt: skip
            if done.returncode == 0:
                break
        else:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            _unavailable(f"pg_ctl could not start PostgreSQL: {done.stderr.strip()}\n{tail}")
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database (for admin work)."""
    try:
        import psycopg  # noqa: PLC0415 (optional dependency)
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[dev]')")
    dsn = os.environ.get(DSN_VARIABLE)
    if dsn:
        try:
            psycopg.connect(dsn, connect_timeout=5).close()
        except psycopg.Error as exc:
            pytest.fail(f"{DSN_VARIABLE} is set but the server refuses: {exc}", pytrace=False)
        yield database_url(dsn, str(psycopg.conninfo.conninfo_to_dict(dsn).get("dbname") or ""))
        return
    bindir = _find_bindir()
    if bindir is None:
        _unavailable(
            f"no PostgreSQL server: {DSN_VARIABLE} is unset and {BINARIES}/initdb is missing"
        )
    with _throwaway_server(bindir) as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """The URL of a fresh, empty database on the test server, dropped after the test."""
    import psycopg  # noqa: PLC0415 (optional dependency)
    from psycopg import sql  # noqa: PLC0415

    name = f"alliance_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield database_url(postgres_server, name)
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
