"""A PostgreSQL server for the benchmarks: a DSN from the environment, or a throwaway one.

The same approach as ``tests/postgres_server.py`` (without pytest): with
``$ALLIANCE_BENCH_POSTGRES_DSN`` set, use that server (its role needs ``CREATEDB``);
otherwise start a private server from the binaries under ``/usr/lib/postgresql/*/bin``
in a temporary directory (owned by the ``postgres`` user when running as root, ``trust``
authentication, 127.0.0.1 on a free port, ``fsync=on`` and the default
``synchronous_commit=on``: a commit is durable, like SQLite's ``synchronous=FULL``),
stopped and deleted afterwards. Each measurement gets a fresh database.
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

DSN_VARIABLE = "ALLIANCE_BENCH_POSTGRES_DSN"
BINARIES = "/usr/lib/postgresql/*/bin"


class UnavailableError(Exception):
    """No PostgreSQL server can be had; the message says why."""


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
    if host.startswith("/") or "," in host:
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
    for candidate in sorted(glob.glob(BINARIES), reverse=True):
        bindir = Path(candidate)
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


@contextlib.contextmanager
def _throwaway_server(bindir: Path) -> Iterator[str]:
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        if shutil.which("runuser") is None:
            raise UnavailableError("running as root, and runuser is missing")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="alliance-bench-pg-"))
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
        done = run(
            str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        if done.returncode != 0:
            raise UnavailableError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        port = 0
        for _ in range(3):
            port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={port} "
                f"-c unix_socket_directories={root} -c fsync=on -c synchronous_commit=on"
            )
            done = run(
                str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                "-o", options, "start",
            )  # fmt: skip
            if done.returncode == 0:
                break
        else:
            raise UnavailableError(f"pg_ctl could not start PostgreSQL: {done.stderr.strip()}")
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def server() -> Iterator[str]:
    """The URL of a server's maintenance database. Raises :class:`UnavailableError`."""
    try:
        import psycopg  # noqa: PLC0415
    except ImportError as exc:
        raise UnavailableError("psycopg is not installed (pip install -e '.[dev]')") from exc
    dsn = os.environ.get(DSN_VARIABLE)
    if dsn:
        try:
            psycopg.connect(dsn, connect_timeout=5).close()
        except psycopg.Error as exc:
            raise UnavailableError(f"{DSN_VARIABLE} is set but the server refuses: {exc}") from exc
        dbname = str(psycopg.conninfo.conninfo_to_dict(dsn).get("dbname") or "")
        yield database_url(dsn, dbname)
        return
    bindir = _find_bindir()
    if bindir is None:
        raise UnavailableError(f"{DSN_VARIABLE} is unset and there is no {BINARIES}/initdb")
    with _throwaway_server(bindir) as url:
        yield url


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on *server_url*, dropped afterwards."""
    import psycopg  # noqa: PLC0415
    from psycopg import sql  # noqa: PLC0415

    name = f"alliance_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield database_url(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
