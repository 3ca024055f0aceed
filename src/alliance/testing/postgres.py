"""A real PostgreSQL server for tests and benchmarks: one given by a DSN, or a throwaway one.

Shared by this project's test fixtures (``tests/postgres_server.py``) and benchmarks, and
usable by vendors who run the storage contract suite against PostgreSQL::

    from alliance.testing.postgres import fresh_database, server

    with server("MY_TEST_DSN") as admin_url, fresh_database(admin_url) as url:
        store = alliance.open_store(url, clinic_id="c-1")

:func:`server` uses ``$<dsn_variable>`` when it is set (a URL or a ``key=value``
string; its role needs ``CREATEDB``); otherwise it starts a private server from the
binaries under ``/usr/lib/postgresql/*/bin``: a temporary data directory (owned by the
``postgres`` user when running as root, which needs ``runuser``), ``trust``
authentication, 127.0.0.1 on a free port, a Unix socket inside the directory, fsync on.
The server is stopped and its directory deleted afterwards. Needs psycopg (the
``postgres`` extra).
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
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = [
    "BINARIES",
    "ServerRefusedError",
    "UnavailableError",
    "database_url",
    "fresh_database",
    "server",
    "throwaway_server",
]

BINARIES = "/usr/lib/postgresql/*/bin"
"""Where a throwaway server's binaries are looked for (a glob: the newest version wins)."""


class UnavailableError(Exception):
    """No PostgreSQL server can be had here; the message says why."""


class ServerRefusedError(UnavailableError):
    """A server was named (by DSN) but refuses connections: a setup error, not an absence."""


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
def throwaway_server(
    bindir: Path | None = None, *, settings: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Start a private server; yield the URL of its maintenance database.

    Args:
        bindir: the directory holding ``initdb`` and ``pg_ctl`` (default: the newest
            under :data:`BINARIES`).
        settings: extra server settings (``{"max_connections": "200"}``).

    Raises:
        UnavailableError: no binaries, no way to run them, or the server did not start.
    """
    bindir = bindir or _find_bindir()
    if bindir is None:
        raise UnavailableError(f"no PostgreSQL server binaries: {BINARIES}/initdb is missing")
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        if shutil.which("runuser") is None:
            raise UnavailableError(
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
                raise UnavailableError(f"cannot hand {root} to the 'postgres' user: {exc}") from exc
        # --no-sync only skips initdb's final flush of a directory deleted afterwards;
        # the server itself runs with fsync on.
        done = run(
            str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        if done.returncode != 0:
            raise UnavailableError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        extra = "".join(f" -c {name}={value}" for name, value in (settings or {}).items())
        port = 0
        for _ in range(3):  # another process may grab the free port first
            port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={port} "
                f"-c unix_socket_directories={root} -c fsync=on{extra}"
            )
            done = run(
                str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                "-o", options, "start",
            )  # fmt: skip
            if done.returncode == 0:
                break
        else:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise UnavailableError(
                f"pg_ctl could not start PostgreSQL: {done.stderr.strip()}\n{tail}"
            )
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def server(dsn_variable: str, *, settings: Mapping[str, str] | None = None) -> Iterator[str]:
    """The URL of a server's maintenance database: ``$dsn_variable``'s, or a throwaway one.

    Raises:
        ServerRefusedError: the variable is set but that server refuses connections.
        UnavailableError: the variable is unset and no server can be started.
    """
    try:
        import psycopg  # noqa: PLC0415 (optional dependency)
    except ImportError as exc:
        raise UnavailableError(
            "psycopg is not installed (pip install 'alliance[postgres]')"
        ) from exc
    dsn = os.environ.get(dsn_variable)
    if dsn:
        try:
            psycopg.connect(dsn, connect_timeout=5).close()
        except psycopg.Error as exc:
            raise ServerRefusedError(
                f"{dsn_variable} is set but the server refuses: {exc}"
            ) from exc
        yield database_url(dsn, str(psycopg.conninfo.conninfo_to_dict(dsn).get("dbname") or ""))
        return
    if _find_bindir() is None:
        raise UnavailableError(
            f"no PostgreSQL server: {dsn_variable} is unset and {BINARIES}/initdb is missing"
        )
    with throwaway_server(settings=settings) as url:
        yield url


@contextlib.contextmanager
def fresh_database(server_url: str, *, prefix: str = "alliance_test") -> Iterator[str]:
    """A new, empty database on *server_url* (its URL), dropped afterwards."""
    import psycopg  # noqa: PLC0415 (optional dependency)
    from psycopg import sql  # noqa: PLC0415

    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield database_url(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
